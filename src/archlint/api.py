"""The composition root: ``check(path) -> Report``. Prints nothing; raises ArchlintError on
configuration and usage errors (the CLI turns those into exit code 2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archlint.config import load_config
from archlint.contracts import Config
from archlint.distributions import import_names
from archlint.engine import check_contracts
from archlint.graph import ImportGraph
from archlint.model import Diagnostic, FileScan, Report
from archlint.parse import scan
from archlint.project import Layout, discover, find_root
from archlint.resolve import resolve

UNREADABLE = "ARC001"

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Analysis:
    """A project read from disk: where it is, how it is configured, and its import graph."""

    root: Path
    config: Config
    layout: Layout
    graph: ImportGraph
    diagnostics: tuple[Diagnostic, ...]


def analyse(path: str | Path = ".", log: Log | None = None) -> Analysis:
    """Find the project, read its configuration, scan every file and build the graph."""
    root = find_root(Path(path))
    pyproject = root / "pyproject.toml"
    if log:
        log(f"using configuration {pyproject}")
    config = load_config(pyproject, "pyproject.toml")
    layout = discover(root, config)
    if log:
        log(f"found {len(layout.files)} files in root packages {', '.join(layout.root_packages)}")
    scans: dict[str, FileScan] = {}
    diagnostics: list[Diagnostic] = []
    for source in layout.files:
        try:
            data = (root / source.path).read_bytes()
        except OSError as exc:
            diagnostics.append(
                Diagnostic(
                    source.path,
                    1,
                    1,
                    UNREADABLE,
                    f"cannot read file: {exc.strerror or exc}; skipped",
                )
            )
            continue
        result = scan(data)
        if result.error is not None:
            diagnostics.append(
                Diagnostic(
                    source.path,
                    result.error.line,
                    result.error.column,
                    UNREADABLE,
                    f"{result.error.message}; file skipped",
                )
            )
        scans[source.module] = result
    graph, resolution = resolve(layout, scans)
    diagnostics.extend(resolution)
    return Analysis(root, config, layout, graph, tuple(sorted(set(diagnostics))))


def check(path: str | Path = ".", log: Log | None = None) -> Report:
    """Check the architecture of the project at ``path`` (or its nearest configured parent)."""
    analysis = analyse(path, log)
    results, diagnostics = check_contracts(analysis.graph, analysis.config, import_names)
    return Report(
        contracts=tuple(results),
        diagnostics=tuple(sorted(set(analysis.diagnostics) | set(diagnostics))),
        files=len(analysis.layout.files),
        modules=len(analysis.graph.internal_modules()),
        imports=analysis.graph.count_imports(),
        config_path=analysis.config.path,
    )
