"""The command line: a thin shell over archlint.api. The one place that decides exit codes.

0: every contract kept and every file read; 1: violations or unreadable files;
2: configuration, usage or internal error.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from archlint import __version__
from archlint.model import ArchlintError, Report

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archlint")
def main() -> None:
    """archlint: keep a Python codebase's architecture honest."""


def run() -> NoReturn:
    """The ``archlint`` program (console script and ``python -m archlint``): ``main``, then an
    exit that skips the interpreter's teardown. Freeing every object of a large analysis one
    by one took tens of milliseconds after the report was out; everything archlint writes is
    complete (written atomically) before this point, and the pool of workers is shut down."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)  # a coverage tool or profiler writes its data at the normal exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`)
            stream.flush()
    os._exit(code)


def _fail(exc: BaseException, debug: bool, prefix: str) -> NoReturn:
    if debug:
        import traceback

        traceback.print_exc()
    if isinstance(exc, ArchlintError):
        if exc.path and prefix:
            from archlint.render.location import join

            exc.path = join(prefix, exc.path)
        click.echo(f"archlint: error: {exc}", err=True)
    else:
        hint = "" if debug else "; rerun with --debug for the traceback"
        click.echo(f"archlint: internal error: {type(exc).__name__}: {exc}{hint}", err=True)
    sys.exit(EXIT_ERROR)


def _prefix(path: str) -> str:
    """Where the project root of ``path`` is, seen from the current directory (posix)."""
    from archlint.project import find_root

    try:
        return _relative(find_root(Path(path)))
    except ArchlintError:
        return ""


def _relative(root: Path) -> str:
    rel = os.path.relpath(root, Path.cwd())
    return "" if rel == "." else Path(rel).as_posix()


def _run(debug: bool, path: str, work: Callable[[], int]) -> NoReturn:
    try:
        code = work()
    except Exception as exc:  # the shell's last line of defence: one line, exit 2
        _fail(exc, debug, _prefix(path))
    sys.exit(code)


def _cache_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--no-cache`` and ``--cache-dir``, shared by ``check`` and ``graph``."""
    no_cache = click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
    cache_dir = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="Directory of the scan cache (default: .archlint_cache in the project root).",
    )
    return no_cache(cache_dir(command))


def _warn(message: str) -> None:
    click.echo(f"archlint: warning: {message}", err=True)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "concise", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when contracts are broken.")
@click.option("-v", "--verbose", is_flag=True, help="Say which configuration and files are used.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("--color/--no-color", default=None, help="Force or disable colour.")
@_cache_options
def check(
    path: str,
    fmt: str,
    exit_zero: bool,
    verbose: bool,
    debug: bool,
    color: bool | None,
    no_cache: bool,
    cache_dir: str | None,
) -> None:
    """Check the architecture contracts of the project at PATH."""

    def work() -> int:
        from archlint.api import check as run_check
        from archlint.render.location import relocate

        log = (lambda message: click.echo(f"archlint: {message}", err=True)) if verbose else None
        report = run_check(path, log=log, cache=not no_cache, cache_dir=cache_dir, warn=_warn)
        report = relocate(report, _relative(Path(report.root)))
        # click strips ANSI codes from output that is not a terminal unless told otherwise
        click.echo(_render(report, fmt, color), nl=False, color=color)
        if exit_zero:
            return EXIT_OK
        return EXIT_OK if report.ok else EXIT_VIOLATIONS

    _run(debug, path, work)


def _render(report: Report, fmt: str, color: bool | None) -> str:
    if fmt == "json":
        from archlint.render.json_report import render as render_json

        return render_json(report)
    if fmt == "concise":
        from archlint.render.concise import render as render_concise

        return render_concise(report)
    from archlint.render.text import render as render_text

    use_color = sys.stdout.isatty() and "NO_COLOR" not in os.environ if color is None else color
    return render_text(report, color=use_color)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True))
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@_cache_options
def graph(path: str, fmt: str, debug: bool, no_cache: bool, cache_dir: str | None) -> None:
    """Print the import graph of the project at PATH."""

    def work() -> int:
        from archlint.api import analyse
        from archlint.render.json_report import render_graph

        analysis = analyse(path, cache=not no_cache, cache_dir=cache_dir, warn=_warn)
        click.echo(render_graph(analysis.graph), nl=False)
        return EXIT_OK

    _run(debug, path, work)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Map format.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@_cache_options
def components(path: str, fmt: str, debug: bool, no_cache: bool, cache_dir: str | None) -> None:
    """Print the component map of the project at PATH: dependencies, dependents, interface
    modules in use, and which components could be extracted as services today."""

    def work() -> int:
        from archlint.api import components as component_map
        from archlint.render.component_map import render_json, render_text

        found = component_map(path, cache=not no_cache, cache_dir=cache_dir, warn=_warn)
        click.echo(render_json(found) if fmt == "json" else render_text(found), nl=False)
        return EXIT_OK

    _run(debug, path, work)


def _component_owners(analysis: Any) -> dict[str, str]:
    """Which component owns each module, for ``metrics --level component``."""
    from archlint.contracts import ComponentsContract
    from archlint.ownership import own

    config = analysis.config
    contract = next((c for c in config.contracts if isinstance(c, ComponentsContract)), None)
    if contract is None:
        raise ArchlintError(
            "no components are declared; add [[tool.archlint.components]] tables "
            "(see docs/modular-monolith.md) or use --level module or package",
            config.path,
        )
    return dict(own(contract, analysis.graph.internal_modules(), config.path).owner)


def _parse_kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from archlint.metrics import DEFAULT_KINDS
    from archlint.model import ImportKind

    if value is None:
        return DEFAULT_KINDS
    from archlint.contract_tables import suggest

    known = {kind.value: kind for kind in ImportKind}
    chosen = set()
    for name in (part.strip() for part in value.split(",")):
        if name not in known:
            hint = suggest(name, sorted(known), "valid kinds are")
            raise click.BadParameter(f"unknown import kind '{name}'{hint}")
        chosen.add(known[name])
    return frozenset(chosen)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True))
@click.option(
    "--level",
    type=click.Choice(["module", "package", "component"]),
    default="module",
    show_default=True,
    help="Measure each module, each package DEPTH names deep, or each declared component.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="With --level package: how many names make a package (2: shop.billing).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--kinds",
    callback=_parse_kinds,
    help="Comma-separated import kinds that count (default: all but type-checking).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the A/I scatter and the dependency structure matrix as one SVG file.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@_cache_options
def metrics(
    path: str,
    level: str,
    depth: int,
    fmt: str,
    kinds: frozenset[Any],
    plot: str | None,
    debug: bool,
    no_cache: bool,
    cache_dir: str | None,
) -> None:
    """Print coupling metrics of the project at PATH: fan-in, fan-out, instability, cyclic
    groups, propagation cost and depth (see docs/metrics.md)."""

    def work() -> int:
        from archlint.api import analyse
        from archlint.contracts import LayersContract
        from archlint.metrics import measure
        from archlint.render import metrics as render

        analysis = analyse(path, cache=not no_cache, cache_dir=cache_dir, warn=_warn)
        owners = _component_owners(analysis) if level == "component" else None
        layers = next(
            (c.layers for c in analysis.config.contracts if isinstance(c, LayersContract)), ()
        )
        result = measure(
            analysis.graph, analysis.lines, level, depth, kinds, analysis.classes, owners, layers
        )
        if plot:
            from archlint.cache import write_atomic
            from archlint.render.svg import render_pictures

            try:  # complete or absent, never half written
                write_atomic(Path(plot), render_pictures(result).encode())
            except OSError as exc:
                raise ArchlintError(f"cannot write {plot}: {exc.strerror or exc}") from exc
            click.echo(f"archlint: wrote the A/I scatter and the matrix to {plot}", err=True)
        renderer = {"table": render.render_table, "json": render.render_json}
        click.echo(renderer.get(fmt, render.render_csv)(result), nl=False)
        return EXIT_OK

    _run(debug, path, work)


@main.command(name="rules")
def list_rules() -> None:
    """List every rule code with its name and summary."""
    from archlint.rules.registry import RULES

    for rule in RULES:
        click.echo(f"{rule.code}  {rule.name:<34} {rule.summary}")


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Print the documentation (the executable spec) of rule CODE."""

    from archlint.rules.registry import BY_CODE
    from archlint.specs import find_spec

    code = code.upper()
    if code not in BY_CODE:
        import difflib

        hint = difflib.get_close_matches(code, list(BY_CODE), n=1)
        suggestion = f"; did you mean {hint[0]}?" if hint else "; `archlint rules` lists them"
        click.echo(f"archlint: error: unknown rule code '{code}'{suggestion}", err=True)
        sys.exit(EXIT_ERROR)
    spec = find_spec(code)
    if spec is None:
        click.echo(f"archlint: error: the spec of {code} is not installed", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(spec.read_text(encoding="utf-8"), nl=False)
