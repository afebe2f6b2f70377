"""Imports of external modules under their full dotted names (``google.cloud.storage``).

The graph squashes an external module to its top-level name (``google``), which is enough for
most contracts but cannot tell ``google.cloud.storage`` from ``google.protobuf``. This reads the
same scans again and keeps the full name of every absolute import outside the root packages:
``import a.b`` names ``a.b``; ``from a.b import c`` names ``a.b.c`` (a submodule or an attribute
of ``a.b``: either way it is a use of ``a.b.c``); ``from a.b import *`` names ``a.b``.
"""

from __future__ import annotations

from collections.abc import Mapping

from archlint.model import FileScan, Import
from archlint.project import Layout


def external_imports(layout: Layout, scans: Mapping[str, FileScan]) -> tuple[Import, ...]:
    """Every import of a module outside the root packages, sorted, with its full name."""
    roots = frozenset(layout.root_packages)
    found: set[Import] = set()
    for source in layout.files:
        scan = scans.get(source.module)
        if scan is None or scan.error is not None:
            continue
        for raw in scan.imports:
            if raw.level or not raw.module or raw.module.split(".", 1)[0] in roots:
                continue
            name = raw.module if raw.name in (None, "*") else f"{raw.module}.{raw.name}"
            found.add(Import(source.module, name, source.path, raw.line, raw.column, raw.kind))
    return tuple(sorted(found))
