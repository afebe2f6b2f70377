"""The composition root: ``check(path) -> Report``. Prints nothing; raises ArchlintError on
configuration and usage errors (the CLI turns those into exit code 2)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from archlint.cache import ScanCache, open_cache
from archlint.model import EMPTY, ArchlintError, Diagnostic, Import, NameUse, Report
from archlint.project import Layout, discover, find_root, shadowed_modules

if TYPE_CHECKING:
    from archlint.component_map import ComponentMap
    from archlint.contracts import Config, ProjectDependencies
    from archlint.graph import ImportGraph

Log = Callable[[str], None]
_FEW = (20_000, 50, 50)  # the collector's thresholds during an analysis, at least


class Analysis(NamedTuple):
    """A project read from disk: where it is, how it is configured, and its import graph."""

    root: Path
    config: Config
    layout: Layout
    graph: ImportGraph
    diagnostics: tuple[Diagnostic, ...]
    external_imports: tuple[Import, ...] = ()  # full names, which the graph squashes
    name_uses: Mapping[str, tuple[NameUse, ...]] = EMPTY  # banned names
    member_projects: tuple[ProjectDependencies, ...] = ()  # monorepo members' pyproject.toml
    lines: Mapping[str, int] = EMPTY  # lines of each scanned module
    classes: Mapping[str, tuple[int, int]] = EMPTY  # (classes, abstract)


def analyse(
    path: str | Path = ".",
    log: Log | None = None,
    *,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    warn: Log | None = None,
    contract_facts: bool = False,
) -> Analysis:
    """Find the project, read its configuration, scan every file and build the graph.

    Scans are cached in ``cache_dir`` (relative to the current directory; default
    ``.archlint_cache`` in the project root) unless ``cache`` is false. Problems with the cache
    never change the result: they are reported to ``warn`` (default: ``log``).
    ``contract_facts``: also gather what external, banned-api and dependencies contracts need
    beyond the graph (only ``check`` needs them; banned names may mean parsing with libcst).
    """
    started_ns = time.time_ns()  # before any file is read: see ScanCache.record
    root, config, layout = _project(path, log)
    scan_cache = _open_cache(root, cache, cache_dir, started_ns, warn or log)
    with _few_collections():
        return _analyse(root, config, layout, scan_cache, log, warn or log, contract_facts)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Almost everything an analysis allocates lives to its end (scans, imports, the graph),
    so the collector's passes over the older generations find nothing to free while they walk
    a growing heap: with the default thresholds they took half the time of resolving 10,000
    modules. Collect rarely during the analysis (the program, ``shell.finish``, more rarely
    still); restore the thresholds after it."""
    before = gc.get_threshold()
    gc.set_threshold(*(max(now, least) for now, least in zip(before, _FEW, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _project(
    path: str | Path, log: Log | None, root: Path | None = None
) -> tuple[Path, Config, Layout]:
    from archlint.config import load_config  # not needed when the whole report is reused

    if root is None:
        root = find_root(Path(path))
        if log:
            log(f"using configuration {root / 'pyproject.toml'}")
    config = load_config(root / "pyproject.toml", "pyproject.toml")
    layout = discover(root, config)
    if log:
        log(f"found {len(layout.files)} files in root packages {', '.join(layout.root_packages)}")
    return root, config, layout


def _open_cache(
    root: Path, cache: bool, cache_dir: str | Path | None, started_ns: int, warn: Log | None
) -> ScanCache | None:
    if not cache:
        return None
    scan_cache, refusal = open_cache(root, cache_dir, started_ns)
    if refusal and warn:
        warn(refusal)
    return scan_cache


def _analyse(
    root: Path,
    config: Config,
    layout: Layout,
    scan_cache: ScanCache | None,
    log: Log | None,
    warn: Log | None,
    contract_facts: bool,
) -> Analysis:
    from archlint.contracts import BannedApiContract, DependenciesContract
    from archlint.resolve import resolve
    from archlint.scanning import scan_files

    scans, diagnostics = scan_files(root, layout.files, scan_cache, log, warn)
    graph, resolution = resolve(layout, scans)
    diagnostics.extend(resolution)
    diagnostics.extend(shadowed_modules(layout))
    contracts = config.contracts if contract_facts else ()
    # the modules these facts need are imported only when a contract asks (start-up time)
    externals: tuple[Import, ...] = ()
    if any(contract.type == "external" for contract in contracts):
        from archlint.external_imports import external_imports

        externals = external_imports(layout, scans)
    banned = [c for c in contracts if isinstance(c, BannedApiContract)]
    uses: Mapping[str, tuple[NameUse, ...]] = {}
    if banned:
        from archlint.banned_scan import scan_banned

        uses = scan_banned(root, layout.files, banned)
    members: tuple[ProjectDependencies, ...] = ()
    if any(isinstance(c, DependenciesContract) for c in contracts):
        from archlint.member_projects import member_projects

        members = member_projects(root, layout.files)
    lines = {module: scan.lines for module, scan in scans.items()}
    classes = {module: (scan.classes, scan.abstract_classes) for module, scan in scans.items()}
    return Analysis(
        root,
        config,
        layout,
        graph,
        tuple(sorted(set(diagnostics))),
        externals,
        uses,
        members,
        lines,
        classes,
    )


def check(
    path: str | Path = ".",
    log: Log | None = None,
    *,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    warn: Log | None = None,
) -> Report:
    """Check the architecture of the project at ``path`` (or its nearest configured parent).
    ``cache``, ``cache_dir`` and ``warn`` are those of ``analyse``; the cache also keeps the
    report, which is reused while nothing it depends on has changed (see report_cache)."""
    started_ns = time.time_ns()  # before any file is read: see ScanCache.record
    root = find_root(Path(path))
    if log:
        log(f"using configuration {root / 'pyproject.toml'}")
    warn = warn or log
    scan_cache = _open_cache(root, cache, cache_dir, started_ns, warn)
    entry = None
    if scan_cache is not None:
        from archlint import report_cache

        entry = report_cache.read_entry(scan_cache)
        reused = report_cache.reuse_unchanged(scan_cache, entry, root, log) if entry else None
        if reused is not None:
            return reused
    root, config, layout = _project(path, log, root)
    inputs = None
    if scan_cache is not None:
        from archlint.report_key import inputs_of

        inputs = inputs_of(root, config, layout)
        reused = (
            report_cache.lookup(scan_cache, entry, inputs, root, layout, log) if entry else None
        )
        if reused is not None:
            _warn_about(scan_cache, warn)
            return reused
    from archlint.distributions import distributions_of, import_names
    from archlint.engine import check_contracts

    with _few_collections():
        analysis = _analyse(root, config, layout, scan_cache, log, warn, contract_facts=True)
        results, diagnostics = check_contracts(
            analysis.graph,
            analysis.config,
            import_names,
            analysis.external_imports,
            analysis.name_uses,
            distributions_of,
            analysis.member_projects,
            analysis.lines,
            analysis.classes,
        )
        report = Report(
            contracts=tuple(results),
            diagnostics=tuple(sorted(set(analysis.diagnostics) | set(diagnostics))),
            files=len(analysis.layout.files),
            modules=len(analysis.graph.internal_modules()),
            imports=analysis.graph.count_imports(),
            config_path=analysis.config.path,
            root=str(analysis.root),
        )
        if scan_cache is not None and inputs is not None:
            report_cache.store(scan_cache, inputs, layout, scan_cache.digests, report)
    return report


def _warn_about(scan_cache: ScanCache, warn: Log | None) -> None:
    if warn:
        for message in scan_cache.warnings():
            warn(message)


def components(
    path: str | Path = ".",
    log: Log | None = None,
    *,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    warn: Log | None = None,
) -> ComponentMap:
    """The component map of the project at ``path``; arguments are those of ``analyse``."""
    from archlint.contracts import ComponentsContract

    analysis = analyse(path, log, cache=cache, cache_dir=cache_dir, warn=warn)
    contract = next(
        (c for c in analysis.config.contracts if isinstance(c, ComponentsContract)), None
    )
    if contract is None:
        message = (
            "no components are declared; add [[tool.archlint.components]] tables "
            "(see docs/modular-monolith.md)"
        )
        raise ArchlintError(message, analysis.config.path)
    from archlint.component_map import component_map
    from archlint.engine import contract_view

    view = contract_view(analysis.graph, contract)
    return component_map(view, contract, analysis.config.path)
