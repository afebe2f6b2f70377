"""archlint: an architecture fitness-function linter for Python.

``archlint.check(path)`` returns a :class:`Report`; assert ``report.ok`` from a test to keep the
architecture honest from pytest as well as from the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archlint.model import (
    ArchlintError,
    ContractResult,
    Diagnostic,
    Import,
    ImportKind,
    Report,
    Violation,
)

__version__ = "0.1.0"


def check(path: str | Path = ".", log: Callable[[str], None] | None = None) -> Report:
    """Check the architecture of the project at ``path`` (or its nearest configured parent).

    Raises :class:`ArchlintError` on configuration errors; never prints.
    """
    from archlint.api import check as run_check  # deferred: keeps `import archlint` light

    return run_check(path, log)


__all__ = [
    "ArchlintError",
    "ContractResult",
    "Diagnostic",
    "Import",
    "ImportKind",
    "Report",
    "Violation",
    "__version__",
    "check",
]
