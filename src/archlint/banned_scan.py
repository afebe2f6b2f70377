"""Find uses of banned names in the project's files: a cheap text search first, then libcst's
qualified names only for the files whose text mentions a banned name.

Reads files (like scanning.py), never imports or runs them. libcst is imported only when some
file needs it, so runs without banned-api contracts never load it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from archlint.banned_names import search_word
from archlint.model import NameUse
from archlint.project import SourceFile


def scan_banned(
    root: Path, files: Sequence[SourceFile], entries: Collection[str]
) -> dict[str, tuple[NameUse, ...]]:
    """Module name -> the uses of any of ``entries`` in it (modules without uses are left out).
    A file that cannot be read or decoded is skipped: the import scan reports it."""
    if not entries:
        return {}
    ordered = sorted(entries)
    words = sorted({search_word(entry) for entry in ordered})
    found: dict[str, tuple[NameUse, ...]] = {}
    for source in files:
        try:
            text = (root / source.path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not any(word in text for word in words):
            continue
        from archlint.qualified_names import banned_uses

        uses = banned_uses(text, ordered)
        if uses:
            found[source.module] = uses
    return found
