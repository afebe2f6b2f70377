"""The imperative shell without click: running a command to its exit code, writing to the
terminal, and ``check`` itself. Both ways into archlint use it: the click CLI (archlint.cli)
and the launcher's fast path for a plain ``archlint check`` (archlint.entry), so the two print
byte for byte the same.

Exit codes: 0 every contract kept and every file read; 1 violations or unreadable files;
2 configuration, usage or internal error.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from archlint.model import ArchlintError

if TYPE_CHECKING:
    from archlint.model import Report

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2

# The collector's thresholds in the program (``gc.set_threshold``). Almost everything a run
# allocates lives to its end (the modules it imports, scans, imports, the graph, the
# violations), so each pass finds nothing to free: with the defaults the passes took half the
# time of resolving 10,000 modules, and with the analysis's own (20,000, 50, 50) still
# ~30 ms of checking sympy. At 200,000 a run of that size never collects, and cyclic garbage
# (libcst's metadata) is still collected every 200,000 allocations; the cost is memory held a
# little longer (300 files only libcst parses: ~70 MiB peak against ~60 MiB). A library user
# keeps the analysis's thresholds (``api._few_collections``).
COLLECT_RARELY = (200_000, 100, 100)

_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")  # CSI sequences: what click.echo strips


def finish(command: Callable[[], object]) -> NoReturn:
    """Run ``command``, then exit with its code, skipping the interpreter's teardown: freeing
    every object of a large analysis one by one took tens of milliseconds after the report was
    out. Everything archlint writes is complete (written atomically) before this point, and
    worker processes have ended. The collector runs rarely in the whole program, not only
    during the analysis (``COLLECT_RARELY``): the modules imported on the way and the
    report being rendered are no garbage either."""
    gc.set_threshold(*COLLECT_RARELY)
    try:
        command()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    except (KeyboardInterrupt, EOFError):  # Ctrl-C: as click ends a command it runs
        echo("", err=True)
        echo("Aborted!", err=True)
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)  # a coverage tool or profiler writes its data at the normal exit
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None: started without it (``>&-``)
            with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`)
                stream.flush()
    os._exit(code)


def echo(message: str, err: bool = False, nl: bool = True, color: bool | None = None) -> None:
    """Write ``message`` as ``click.echo`` does: ANSI (CSI) sequences are stripped unless
    ``color`` is true or (``color`` None) the stream is a terminal, and a stream whose encoding
    is ASCII gets UTF-8 (click's "misconfigured" stream). Unlike click, a character another
    encoding cannot spell (a file name with undecodable bytes) is replaced, not an error."""
    stream: TextIO | None = sys.stderr if err else sys.stdout
    if stream is None:  # started without it (``>&-``, pythonw)
        return
    text = message + "\n" if nl else message
    if "\033" in text and not (_is_terminal(stream) if color is None else color):
        text = _ANSI.sub("", text)
    binary = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        if binary is None or _codec(encoding) != "ascii":
            stream.write(text)
        else:
            stream.flush()
            binary.write(text.encode("utf-8", "replace"))
    except UnicodeEncodeError:
        if binary is None:
            raise
        stream.flush()
        binary.write(text.encode(encoding, "replace"))
    stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except Exception:  # as click: a stream that cannot tell is no terminal
        return False


def _codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def warn(message: str) -> None:
    echo(f"archlint: warning: {message}", err=True)


def fail(exc: BaseException, debug: bool, prefix: str) -> NoReturn:
    """Report ``exc`` on one line (with ``debug``: its traceback first) and exit 2."""
    if debug:
        import traceback

        traceback.print_exc()
    if isinstance(exc, ArchlintError):
        if exc.path and prefix:
            from archlint.render.location import join

            exc.path = join(prefix, exc.path)
        echo(f"archlint: error: {exc}", err=True)
    else:
        hint = "" if debug else "; rerun with --debug for the traceback"
        echo(f"archlint: internal error: {type(exc).__name__}: {exc}{hint}", err=True)
    sys.exit(EXIT_ERROR)


def run_work(debug: bool, path: str, work: Callable[[], int]) -> NoReturn:
    """Exit with ``work()``'s code; any exception is one line and exit 2 (``fail``). A reader
    that stops early (``archlint check | head``) ends the run quietly with exit code 1, as
    Python's documentation advises for a broken pipe (and click does)."""
    try:
        code = work()
    except BrokenPipeError:
        _discard_output()
        sys.exit(EXIT_VIOLATIONS)
    except Exception as exc:  # the shell's last line of defence: one line, exit 2
        fail(exc, debug, _prefix(path))
    sys.exit(code)


def _discard_output() -> None:
    """Point stdout at the null device: what is still buffered for the closed pipe must not
    fail again when it is flushed."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def relative(root: Path) -> str:
    """Where ``root`` is, seen from the current directory (posix; "" for the directory)."""
    rel = os.path.relpath(root, Path.cwd())
    return "" if rel == "." else Path(rel).as_posix()


def _prefix(path: str) -> str:
    """Where the project root of ``path`` is, seen from the current directory (posix)."""
    from archlint.project import find_root

    try:
        return relative(find_root(Path(path)))
    except ArchlintError:
        return ""


def check(
    path: str,
    fmt: str,
    exit_zero: bool,
    verbose: bool,
    debug: bool,
    color: bool | None,
    no_cache: bool,
    cache_dir: str | None,
) -> NoReturn:
    """``archlint check``, its options already parsed and valid."""

    def work() -> int:
        from archlint.api import check as run_check
        from archlint.render.location import relocate

        log = (lambda message: echo(f"archlint: {message}", err=True)) if verbose else None
        report = run_check(path, log=log, cache=not no_cache, cache_dir=cache_dir, warn=warn)
        report = relocate(report, relative(Path(report.root)))
        echo(_render(report, fmt, color), nl=False, color=color)
        if exit_zero:
            return EXIT_OK
        return EXIT_OK if report.ok else EXIT_VIOLATIONS

    run_work(debug, path, work)


def _render(report: Report, fmt: str, color: bool | None) -> str:
    if fmt == "json":
        from archlint.render.json_report import render as render_json

        return render_json(report)
    if fmt == "concise":
        from archlint.render.concise import render as render_concise

        return render_concise(report)
    from archlint.render.text import render as render_text

    if color is None:
        terminal = sys.stdout is not None and sys.stdout.isatty()
        use_color = terminal and "NO_COLOR" not in os.environ
    else:
        use_color = color
    return render_text(report, color=use_color)
