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
    imports: list[Import] = []
    diagnostics: list[Diagnostic] = []
    externals: dict[str, Module] = {}
    for source in layout.files:
        scan = scans.get(source.module)
        if scan is None or scan.error is not None:
            continue
        for raw in scan.imports:
            target = _absolute(source, raw)
            if target is None:
                diagnostics.append(
                    _diagnostic(
                        source,
                        raw,
                        BEYOND_TOP_LEVEL,
                        f"relative import '{_written(raw)}' climbs above the top-level package",
                    )
                )
                continue
            if target.split(".", 1)[0] not in roots:
                top = target.split(".", 1)[0]
                if not top:
                    continue
                externals.setdefault(top, Module(top, None, False, True, top in STDLIB))
                imports.append(_edge(source, raw, top))
                continue
            imported, exact = _internal_target(target, raw, modules)
            if not exact:
                diagnostics.append(
                    _diagnostic(
                        source,
                        raw,
                        UNRESOLVED_IMPORT,
                        f"'{_wanted(target, raw)}' is not a module of the project"
                        + (f"; counted as an import of '{imported}'" if imported else ""),
                        Severity.WARNING,
                    )
                )
            if imported is not None and imported != source.module:
                imports.append(_edge(source, raw, imported))
    graph = ImportGraph([*modules.values(), *externals.values()], imports)
    return graph, sorted(set(diagnostics))


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


def _edge(source: SourceFile, raw: RawImport, imported: str) -> Import:
    return Import(source.module, imported, source.path, raw.line, raw.column, raw.kind)


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
