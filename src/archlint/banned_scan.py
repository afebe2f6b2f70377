"""Find uses of banned names in the project's files: a cheap text search first, then libcst's
qualified names only for the files whose text mentions a name banned in that file.

Reads files (like scanning.py), never imports or runs them. libcst is imported only when some
file needs it, so runs without banned-api contracts never load it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from archlint.banned_names import search_word
from archlint.contracts import BannedApiContract
from archlint.model import NameUse
from archlint.patterns import matches
from archlint.project import SourceFile


def scan_banned(
    root: Path, files: Sequence[SourceFile], contracts: Sequence[BannedApiContract]
) -> dict[str, tuple[NameUse, ...]]:
    """Module name -> the uses of names banned in it (modules without uses are left out).

    A file is read only if some contract bans names in its module, and parsed only if its text
    contains one of those names' last segment. A file that cannot be read or decoded is
    skipped: the import scan reports it.
    """
    found: dict[str, tuple[NameUse, ...]] = {}
    for source in files:
        entries = sorted(
            {name for c in contracts if _in_scope(c, source.module) for name in c.names}
        )
        if not entries:
            continue
        try:
            text = (root / source.path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not any(search_word(entry) in text for entry in entries):
            continue
        from archlint.qualified_names import banned_uses

        uses = banned_uses(text, entries)
        if uses:
            found[source.module] = uses
    return found


def _in_scope(contract: BannedApiContract, module: str) -> bool:
    """``module`` or one of its ancestors is in ``modules`` and none is in ``allowed-in``."""
    parts = module.split(".")
    lineage = [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
    inside = any(matches(p, m) for p in contract.modules for m in lineage)
    return inside and not any(matches(p, m) for p in contract.allowed_in for m in lineage)
