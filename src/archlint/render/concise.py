"""One line per finding: ``path:line:col: CODE message``, for editors and grep."""

from __future__ import annotations

from archlint.model import Report, Severity


def render(report: Report) -> str:
    lines: list[tuple[tuple[str, int, int, str, str], str]] = []
    for contract in report.contracts:
        for v in contract.violations:
            text = f"{v.path}:{v.line}:{v.column}: {v.code} {v.message} [{contract.name}]"
            lines.append(((v.path, v.line, v.column, v.code, text), text))
    for d in report.diagnostics:
        label = " warning:" if d.severity is Severity.WARNING else ""
        text = f"{d.path}:{d.line}:{d.column}:{label} {d.code} {d.message}"
        lines.append(((d.path, d.line, d.column, d.code, text), text))
    return "".join(text + "\n" for _, text in sorted(lines))
