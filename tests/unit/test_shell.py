"""archlint.shell.echo writes what click.echo writes (the fast path of a plain ``archlint
check`` prints without click, and must print the same)."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from archlint.shell import COLLECT_RARELY, echo, finish

PIECES = [
    "plain",
    "\033[31m",
    "\033[0m",
    "\033[1;2m",
    "\033[38:5:1m",
    "\033[5~",
    "\033[>4;1m",
    "\033]8;;x\033\\",
    "ü",
    "\n",
    "\033",
]


def _written(
    write: object,
    monkeypatch: pytest.MonkeyPatch,
    encoding: str = "utf-8",
    errors: str = "strict",
) -> bytes:
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding=encoding, errors=errors, write_through=True)
    with monkeypatch.context() as patch:
        patch.setattr("sys.stdout", stream)
        patch.setattr("sys.stderr", stream)
        write()  # type: ignore[operator]
    return buffer.getvalue()


# (encoding, errors) of the stream: UTF-8, and ASCII as PYTHONIOENCODING=ascii sets stdout
# and stderr up, which click treats as misconfigured and writes UTF-8 to
STREAMS = [("utf-8", "strict"), ("ascii", "strict"), ("ascii", "backslashreplace")]


@given(
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.sampled_from([None, True, False]),
    st.booleans(),
    st.booleans(),
    st.sampled_from(STREAMS),
)
def test_echo_writes_what_click_writes(
    message: str, color: bool | None, err: bool, nl: bool, stream: tuple[str, str]
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        ours = _written(lambda: echo(message, err=err, nl=nl, color=color), monkeypatch, *stream)
        theirs = _written(
            lambda: click.echo(message, err=err, nl=nl, color=color), monkeypatch, *stream
        )
    assert ours == theirs


def test_what_no_encoding_can_spell_is_replaced_where_click_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A path with bytes that are not UTF-8 reaches the report as a surrogate escape; click
    raised UnicodeEncodeError (an internal error), echo writes a replacement character."""
    assert _written(lambda: echo("proj\udcff/a.py"), monkeypatch) == b"proj?/a.py\n"
    latin = _written(lambda: echo("módulo €"), monkeypatch, "latin-1")
    assert latin == "módulo ?\n".encode("latin-1")


@pytest.fixture
def hard_exits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The codes ``finish`` passes to ``os._exit`` (raised as SystemExit here, with no tracer
    or profiler seen, so that ``finish`` takes its hard exit); the collector's thresholds are
    restored afterwards."""
    exits: list[int] = []

    def hard_exit(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)

    before = gc.get_threshold()
    monkeypatch.setattr("sys.gettrace", lambda: None)
    monkeypatch.setattr("sys.getprofile", lambda: None)
    monkeypatch.setattr("os._exit", hard_exit)
    yield exits
    gc.set_threshold(*before)


def test_the_program_collects_rarely_and_ends_with_the_code(hard_exits: list[int]) -> None:
    """``finish`` runs a command with the collector's rare thresholds (nothing an analysis
    allocates is garbage) and exits with the command's code, skipping the teardown."""
    seen: list[tuple[int, int, int]] = []

    def command() -> None:
        seen.append(gc.get_threshold())
        raise SystemExit(1)

    with pytest.raises(SystemExit):
        finish(command)
    assert seen == [COLLECT_RARELY]
    assert hard_exits == [1]


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, EOFError])
def test_ctrl_c_ends_the_program_as_click_ends_a_command(
    interrupt: type[BaseException], hard_exits: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    def command() -> None:
        raise interrupt

    with pytest.raises(SystemExit):
        finish(command)
    assert hard_exits == [1]
    assert capsys.readouterr().err == "\nAborted!\n"
