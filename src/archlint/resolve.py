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
    # what an absolute (module, name) resolves to: many files import the same targets
    known: dict[tuple[str, str | None], _Target] = {}
    new = tuple.__new__
    dynamic = ImportKind.DYNAMIC
    for source in sorted(layout.files, key=_by_module):
        scan = scans.get(source.module)
        if scan is None or scan.error is not None:
            continue
        importer, path = source.module, source.path
        # where relative imports start: the package, or the package that contains the module
        package = importer if source.is_package else importer.rpartition(".")[0]
        row: list[Import] = []
        for raw in scan.imports:
            line, column, module, member, level, kind = raw
            if level:
                # `import_module(".x", package=__name__)` anchors at the module itself
                found = _absolute(importer if kind is dynamic else package, module, level)
                if found is None:
                    diagnostics.append(_climbs(source, raw))
                    continue
                absolute = found
            else:
                absolute = module
            key = (absolute, member)
            target = known.get(key)
            if target is None:
                target = known[key] = _target(absolute, raw, roots, modules, externals)
            imported, problem = target
            if problem is not None:
                diagnostics.append(_diagnostic(source, raw, *problem))
            if imported is not None and imported != importer:
                row.append(new(Import, (importer, imported, path, line, column, kind)))
        if row:  # (one file per module: ``discover`` skips a.py beside a/__init__.py)
            row.sort()
            rows.append(row)
    graph = ImportGraph.from_rows([*modules.values(), *externals.values()], rows)
    return graph, sorted(set(diagnostics))


# the module an import makes an edge to (None: no edge), and a problem to report with it
_Target = tuple[str | None, tuple[str, str, Severity] | None]


def _by_module(source: SourceFile) -> str:
    return source.module


def _target(
    target: str,
    raw: RawImport,
    roots: frozenset[str],
    modules: Mapping[str, Module],
    externals: dict[str, Module],
) -> _Target:
    """What ``raw``, whose absolute module is ``target``, resolves to; the same for every
    import of the same absolute module and name (the memo key in ``resolve``)."""
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


def _absolute(package: str, module: str, level: int) -> str | None:
    """The absolute dotted module of a relative import from ``package`` (None: it climbs
    above the top-level package)."""
    if level == 1 and package:  # most relative imports: no need to split the package
        return f"{package}.{module}" if module else package
    parts = package.split(".") if package else []
    climb = level - 1
    if climb >= len(parts):
        return None
    base = parts[: len(parts) - climb]
    return ".".join([*base, module] if module else base)


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


def _climbs(source: SourceFile, raw: RawImport) -> Diagnostic:
    written = "." * raw.level + raw.module
    message = f"relative import '{written}' climbs above the top-level package"
    return _diagnostic(source, raw, BEYOND_TOP_LEVEL, message)


def _diagnostic(
    source: SourceFile,
    raw: RawImport,
    code: str,
    message: str,
    severity: Severity = Severity.ERROR,
) -> Diagnostic:
    return Diagnostic(source.path, raw.line, raw.column, code, message, severity)
