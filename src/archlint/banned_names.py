"""Banned API names: ``os.environ``, ``pickle.loads``, ``subprocess.*``, ``eval``.

A name is a dotted name, optionally ending in ``.*`` (everything below it). Builtins are written
bare (``print``), as the code writes them. Pure string functions, no parser.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\.\*)?")


def valid_banned_name(text: str) -> bool:
    return _NAME.fullmatch(text) is not None


def banned_matches(entry: str, name: str) -> bool:
    """``name`` (a qualified name used in code) is what ``entry`` bans."""
    if entry.endswith(".*"):
        return name.startswith(entry[:-1])
    return name == entry


def search_word(entry: str) -> str:
    """A word that every file using ``entry`` must contain: its last named segment
    (an alias renames a name, but the import that binds it still spells it)."""
    return entry.removesuffix(".*").rsplit(".", 1)[-1]
