"""Show paths relative to where the user stands, so ``path:line:col`` opens from the terminal."""

from __future__ import annotations

import posixpath

from archlint.model import ContractResult, Import, Report, Violation


def relocate(report: Report, prefix: str) -> Report:
    """Prefix every root-relative path in the report with ``prefix`` (posix; "" leaves it)."""
    if not prefix or prefix == ".":
        return report
    return report._replace(
        contracts=tuple(
            ContractResult(c.name, c.type, tuple(_violation(v, prefix) for v in c.violations))
            for c in report.contracts
        ),
        diagnostics=tuple(d._replace(path=join(prefix, d.path)) for d in report.diagnostics),
        config_path=join(prefix, report.config_path),
    )


def join(prefix: str, path: str) -> str:
    if not prefix or prefix == "." or not path:
        return path
    return posixpath.normpath(posixpath.join(prefix, path))


def _violation(v: Violation, prefix: str) -> Violation:
    return v.replace(path=join(prefix, v.path), chain=tuple(_link(i, prefix) for i in v.chain))


def _link(link: Import, prefix: str) -> Import:
    return link._replace(path=join(prefix, link.path))
