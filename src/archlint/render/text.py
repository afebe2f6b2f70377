"""The default human report (rich): each contract KEPT or BROKEN, each violation with its chain,
every link as ``path:line:col`` so terminals and editors can open it, and a summary line.

The layout is built once as lines of (text, style) pieces. Without colour (a pipe, CI) they
are joined as plain text; with colour rich styles them, printed in one call: printing
thousands of lines one ``Console.print`` at a time took seconds on large reports."""

from __future__ import annotations

import io
from collections.abc import Iterator

from archlint.model import ImportKind, Report, Severity, Violation

Piece = tuple[str, str]  # (text, rich style; "" for none)
Line = tuple[Piece, ...]


def render(report: Report, color: bool = False, width: int = 100) -> str:
    lines = list(_lines(report))
    if not color:
        return "\n".join(["".join([piece[0] for piece in line]) for line in lines]) + "\n"
    from rich.console import Console  # deferred: plain output does not need rich (~20 ms)
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        highlight=False,
        soft_wrap=True,
        width=width,
        color_system="standard",
    )
    console.print(Text("\n").join(Text.assemble(*line) for line in lines))
    return buffer.getvalue()


def _lines(report: Report) -> Iterator[Line]:
    for contract in report.contracts:
        status = ("KEPT  ", "bold green") if contract.kept else ("BROKEN", "bold red")
        count = "" if contract.kept else f": {_count(len(contract.violations), 'violation')}"
        yield status, (" ", ""), (contract.name, "bold"), (f" ({contract.type}){count}", "")
        for violation in contract.violations:
            yield from _violation(violation)
    if report.diagnostics:
        yield ()
    for d in report.diagnostics:
        style = "yellow" if d.severity is Severity.WARNING else "red"
        yield (
            (f"{d.severity}", style),
            (f" {d.path}:{d.line}:{d.column}: ", ""),
            (d.code, "bold"),
            (f" {d.message}", ""),
        )
    yield ()
    yield ((summary(report), "bold green" if report.ok else "bold red"),)


_KIND_NOTES = {
    kind: "" if kind is ImportKind.TOP_LEVEL else f" ({kind.value})" for kind in ImportKind
}


def _violation(v: Violation) -> Iterator[Line]:
    yield ("  ", ""), (v.code, "bold red"), (f" {v.message}", "")
    if not v.chain:
        yield ((f"      {v.path}:{v.line}:{v.column}", "dim"),)
    for link in v.chain:
        yield (
            (f"      {link.importer} -> {link.imported}  ", ""),
            (f"{link.path}:{link.line}:{link.column}", "cyan"),
            (_KIND_NOTES[link.kind], "dim"),
        )


def summary(report: Report) -> str:
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
    return " | ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
