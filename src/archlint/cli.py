"""The command line (click): every command and option. A thin layer over archlint.api; how a
command ends (exit codes, errors on one line) is archlint.shell's, which also runs a plain
``archlint check`` without click (archlint.entry)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from archlint import __version__, shell
from archlint.model import ArchlintError
from archlint.shell import finish, run_work, warn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archlint")
def main() -> None:
    """archlint: keep a Python codebase's architecture honest."""


def run() -> NoReturn:
    """``main``, then the shell's hard exit (see ``shell.finish``)."""
    finish(main)


def _cache_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--no-cache`` and ``--cache-dir``, shared by ``check`` and ``graph``."""
    no_cache = click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
    cache_dir = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="Directory of the scan cache (default: .archlint_cache in the project root).",
    )
    return no_cache(cache_dir(command))


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
    shell.check(path, fmt, exit_zero, verbose, debug, color, no_cache, cache_dir)


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

        analysis = analyse(path, cache=not no_cache, cache_dir=cache_dir, warn=warn)
        click.echo(render_graph(analysis.graph), nl=False)
        return shell.EXIT_OK

    run_work(debug, path, work)


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

        found = component_map(path, cache=not no_cache, cache_dir=cache_dir, warn=warn)
        click.echo(render_json(found) if fmt == "json" else render_text(found), nl=False)
        return shell.EXIT_OK

    run_work(debug, path, work)


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

        analysis = analyse(path, cache=not no_cache, cache_dir=cache_dir, warn=warn)
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
        return shell.EXIT_OK

    run_work(debug, path, work)


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
        sys.exit(shell.EXIT_ERROR)
    spec = find_spec(code)
    if spec is None:
        click.echo(f"archlint: error: the spec of {code} is not installed", err=True)
        sys.exit(shell.EXIT_ERROR)
    click.echo(spec.read_text(encoding="utf-8"), nl=False)
