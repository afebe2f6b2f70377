"""Turn raw imports of every file into graph edges. Needs the whole module set, so it is global.

``from pkg import name`` imports the submodule ``pkg.name`` when it exists, else ``pkg``.
Imports outside the root packages are external and squashed to their top-level name.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from archlint.graph import ImportGraph
from archlint.model import Diagnostic, FileScan, Import, ImportKind, Module, RawImport, Severity
from archlint.project import Layout, SourceFile

STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}

BEYOND_TOP_LEVEL = "ARC002"
UNRESOLVED_IMPORT = "ARC003"


def resolve(layout: Layout, scans: Mapping[str, FileScan]) -> tuple[ImportGraph, list[Diagnostic]]:
    """Build the graph from the layout and each file's scan (keyed by module name)."""
    modules: dict[str, Module] = {
        f.module: Module(f.module, f.path, f.is_package) for f in layout.files
    }
    for name, directory in layout.namespaces:
        modules.setdefault(name, Module(name, directory, is_package=True))
    roots = frozenset(layout.root_packages)
    rows: list[list[Import]] = []  # per importer, in module order, each sorted
    diagnostics: list[Diagnostic] = []
    externals: dict[str, Module] = {}
    # what a (package, module, name, level) resolves to: many files import the same targets
    known: dict[tuple[str, str, str | None, int], _Target] = {}
    new = tuple.__new__
    for source in sorted(layout.files, key=_by_module):
        scan = scans.get(source.module)
        if scan is None or scan.error is not None:
            continue
        importer, path = source.module, source.path
        parent = importer.rpartition(".")[0]
        row: list[Import] = []
        for raw in scan.imports:
            level = raw.level
            if level:
                anchored = source.is_package or raw.kind is ImportKind.DYNAMIC
                key = (importer if anchored else parent, raw.module, raw.name, level)
            else:
                key = ("", raw.module, raw.name, 0)
            target = known.get(key)
            if target is None:
                target = known[key] = _target(source, raw, roots, modules, externals)
            imported, problem = target
            if problem is not None:
                diagnostics.append(_diagnostic(source, raw, *problem))
            if imported is not None and imported != importer:
                row.append(new(Import, (importer, imported, path, raw.line, raw.column, raw.kind)))
        if row:
            if rows and rows[-1][0].importer == importer:  # a/__init__.py and a.py: one module
                row += rows.pop()
            row.sort()
            rows.append(row)
    graph = ImportGraph.from_rows([*modules.values(), *externals.values()], rows)
    return graph, sorted(set(diagnostics))


# the module an import makes an edge to (None: no edge), and a problem to report with it
_Target = tuple[str | None, tuple[str, str, Severity] | None]


def _by_module(source: SourceFile) -> str:
    return source.module


def _target(
    source: SourceFile,
    raw: RawImport,
    roots: frozenset[str],
    modules: Mapping[str, Module],
    externals: dict[str, Module],
) -> _Target:
    """What ``raw`` in ``source`` resolves to; the same for every import with the same module,
    name, level and anchor package (the memo key in ``resolve``)."""
    target = _absolute(source, raw)
    if target is None:
        message = f"relative import '{_written(raw)}' climbs above the top-level package"
        return None, (BEYOND_TOP_LEVEL, message, Severity.ERROR)
    top = target.split(".", 1)[0]
    if top not in roots:
        if not top:
            return None, None
        externals.setdefault(top, Module(top, None, False, True, top in STDLIB))
        return top, None
    imported, exact = _internal_target(target, raw, modules)
    if exact:
        return imported, None
    message = f"'{_wanted(target, raw)}' is not a module of the project" + (
        f"; counted as an import of '{imported}'" if imported else ""
    )
    return imported, (UNRESOLVED_IMPORT, message, Severity.WARNING)


def _absolute(source: SourceFile, raw: RawImport) -> str | None:
    """The absolute dotted module named by ``raw`` (``from`` part for from-imports)."""
    if raw.level == 0:
        return raw.module
    # `import_module(".x", package=__name__)` anchors at the module itself, package or not
    anchored = source.is_package or raw.kind is ImportKind.DYNAMIC
    package = source.module if anchored else source.module.rpartition(".")[0]
    parts = package.split(".") if package else []
    climb = raw.level - 1
    if climb >= len(parts):
        return None
    base = parts[: len(parts) - climb]
    return ".".join([*base, raw.module] if raw.module else base)


def _wanted(target: str, raw: RawImport) -> str:
    if raw.name is None or raw.name == "*":
        return target
    return f"{target}.{raw.name}"


def _internal_target(
    target: str, raw: RawImport, modules: Mapping[str, Module]
) -> tuple[str | None, bool]:
    """The module imported, and whether the name resolved as written.

    A name that is no module falls back to its nearest existing ancestor (which Python imports
    on the way) and is reported as unresolved.
    """
    wanted = _wanted(target, raw)
    if wanted in modules:
        return wanted, True
    if target in modules:
        return target, raw.name is not None  # `from pkg import attribute` is fine
    parts = target.split(".")
    for depth in range(len(parts) - 1, 0, -1):
        ancestor = ".".join(parts[:depth])
        if ancestor in modules:
            return ancestor, False
    return None, False


def _written(raw: RawImport) -> str:
    return "." * raw.level + raw.module


def _diagnostic(
    source: SourceFile,
    raw: RawImport,
    code: str,
    message: str,
    severity: Severity = Severity.ERROR,
) -> Diagnostic:
    return Diagnostic(source.path, raw.line, raw.column, code, message, severity)
