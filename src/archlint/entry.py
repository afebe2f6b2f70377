"""The ``archlint`` program (console script and ``python -m archlint``).

A plain ``archlint check`` (the pre-commit hook, CI, most runs by hand) is parsed here and run
without importing click, which cost ~30 ms of every run, about 5 % of checking sympy from
scratch. Anything else goes to the click CLI: other commands, ``--help``, an unknown,
repeated or malformed option, a path click would refuse. Options accepted here mean what they
mean to click (a property test compares the two parsers), and both print through
archlint.shell.
"""

from __future__ import annotations

import os
import stat
import sys
from functools import partial
from typing import NamedTuple, NoReturn

from archlint.shell import check, finish


class CheckOptions(NamedTuple):
    """The parameters of ``archlint check``, named as click names them."""

    path: str = "."
    fmt: str = "text"
    exit_zero: bool = False
    verbose: bool = False
    debug: bool = False
    color: bool | None = None
    no_cache: bool = False
    cache_dir: str | None = None


_FLAGS: dict[str, tuple[str, bool]] = {
    "--exit-zero": ("exit_zero", True),
    "-v": ("verbose", True),
    "--verbose": ("verbose", True),
    "--debug": ("debug", True),
    "--color": ("color", True),
    "--no-color": ("color", False),
    "--no-cache": ("no_cache", True),
}
_VALUED = {"--format": "fmt", "--cache-dir": "cache_dir"}
_FORMATS = frozenset({"text", "concise", "json"})


def run() -> NoReturn:
    options = plain_check(sys.argv[1:])
    if options is None:
        from archlint.cli import main

        finish(main)
    finish(partial(check, *options))


def plain_check(argv: list[str]) -> CheckOptions | None:
    """The options of ``argv`` if it is a plain ``check`` whose options click would accept as
    they are; None for anything click should parse (and explain)."""
    if not argv or argv[0] != "check" or sys.platform == "win32":  # click expands globs there
        return None
    found: dict[str, object] = {}
    args = iter(argv[1:])
    for arg in args:
        if not arg.startswith("-"):
            if "path" in found:
                return None
            found["path"] = arg
            continue
        name, equals, value = arg.partition("=")
        given: object
        if name in _FLAGS and not equals:
            field, given = _FLAGS[name]
        elif name in _VALUED:
            field = _VALUED[name]
            given = value if equals else next(args, "")
            if not given or given.startswith("-"):
                return None
        else:
            return None
        if field in found:  # repeated (or --color with --no-color): click's rules decide
            return None
        found[field] = given
    options = CheckOptions(**found)  # type: ignore[arg-type]
    if options.fmt not in _FORMATS or not _readable(options.path):
        return None
    if options.cache_dir is not None and not _may_be_directory(options.cache_dir):
        return None
    return options


def _readable(path: str) -> bool:
    """What click.Path(exists=True) accepts: it exists and may be read."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return os.access(path, os.R_OK)


def _may_be_directory(path: str) -> bool:
    """What click.Path(file_okay=False) accepts: absent, or not a file and readable."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return True
    return not stat.S_ISREG(mode) and os.access(path, os.R_OK)
