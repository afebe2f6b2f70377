"""The default human report (rich): each contract KEPT or BROKEN, each violation with its chain,
every link as ``path:line:col`` so terminals and editors can open it, and a summary line."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from archlint.model import Report, Severity, Violation


def render(report: Report, color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=True,
        width=width,
        color_system="standard" if color else None,
    )
    for contract in report.contracts:
        status = (
            Text("KEPT  ", style="bold green")
            if contract.kept
            else Text("BROKEN", style="bold red")
        )
        line = Text.assemble(status, " ", (contract.name, "bold"), f" ({contract.type})")
        if not contract.kept:
            line.append(f": {_count(len(contract.violations), 'violation')}")
        console.print(line)
        for violation in contract.violations:
            _violation(console, violation)
    if report.diagnostics:
        console.print()
    for d in report.diagnostics:
        style = "yellow" if d.severity is Severity.WARNING else "red"
        console.print(
            Text.assemble(
                (f"{d.severity}", style),
                f" {d.path}:{d.line}:{d.column}: ",
                (d.code, "bold"),
                f" {d.message}",
            )
        )
    console.print()
    console.print(summary_line(report))
    return buffer.getvalue()


def _violation(console: Console, v: Violation) -> None:
    console.print(Text.assemble("  ", (v.code, "bold red"), f" {v.message}"))
    if not v.chain:
        console.print(Text(f"      {v.path}:{v.line}:{v.column}", style="dim"))
    for link in v.chain:
        console.print(
            Text.assemble(
                f"      {link.importer} -> {link.imported}  ",
                (f"{link.path}:{link.line}:{link.column}", "cyan"),
                (f" ({link.kind})" if link.kind.value != "top-level" else "", "dim"),
            )
        )


def summary_line(report: Report) -> Text:
    broken = sum(1 for c in report.contracts if not c.kept)
    kept = len(report.contracts) - broken
    parts = [
        f"{_count(len(report.contracts), 'contract')}: {kept} kept, {broken} broken",
        _count(len(report.violations), "violation"),
    ]
    if report.errors:
        parts.append(_count(len(report.errors), "error"))
    if report.warnings:
        parts.append(_count(len(report.warnings), "warning"))
    parts.append(
        f"{_count(report.files, 'file')}, {_count(report.modules, 'module')}, "
        f"{_count(report.imports, 'import')}"
    )
    style = "bold green" if report.ok else "bold red"
    return Text(" | ".join(parts), style=style)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
