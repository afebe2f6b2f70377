"""Uses of banned qualified names in one module's source, with libcst's qualified-name metadata.

Aliases are followed (``from os import environ as env; env["X"]`` is a use of ``os.environ``),
names bound locally shadow builtins, and names inside import statements are not uses. The
metadata is costly (scopes and positions), so callers run it only on files whose text mentions
a banned name. One of the two modules that import libcst; imported only when needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    PositionProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
)

from archlint.banned_names import banned_matches
from archlint.model import NameUse


def banned_uses(source: str, entries: Sequence[str]) -> tuple[NameUse, ...]:
    """Every use of a name that one of ``entries`` bans, sorted; () if the source does not
    parse (the import scan reports that file as ARC001)."""
    try:
        wrapper = MetadataWrapper(cst.parse_module(source))
    except (cst.ParserSyntaxError, RecursionError):
        return ()
    visitor = _Uses(tuple(entries))
    wrapper.visit(visitor)
    return tuple(sorted(visitor.found))


class _Uses(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (QualifiedNameProvider, PositionProvider)

    def __init__(self, entries: tuple[str, ...]) -> None:
        super().__init__()
        self.entries = entries
        self.found: set[NameUse] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self._record(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._record(node)

    def _record(self, node: cst.Name | cst.Attribute) -> None:
        names = self.get_metadata(QualifiedNameProvider, node, set())
        for qualified in names:
            name = qualified.name
            if qualified.source is QualifiedNameSource.BUILTIN:
                name = name.removeprefix("builtins.")
            if any(banned_matches(entry, name) for entry in self.entries):
                start = self.get_metadata(PositionProvider, node).start
                self.found.add(NameUse(start.line, start.column + 1, name))
