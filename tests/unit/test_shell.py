"""archlint.shell.echo writes what click.echo writes (the fast path of a plain ``archlint
check`` prints without click, and must print the same)."""

from __future__ import annotations

import gc
import io

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from archlint.model import COLLECT_RARELY
from archlint.shell import echo, finish

PIECES = ["plain", "\033[31m", "\033[0m", "\033[1;2m", "\033]8;;x\033\\", "ü", "\n", "\033"]


def _written(write: object, monkeypatch: pytest.MonkeyPatch, encoding: str = "utf-8") -> bytes:
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding=encoding, errors="strict", write_through=True)
    with monkeypatch.context() as patch:
        patch.setattr("sys.stdout", stream)
        patch.setattr("sys.stderr", stream)
        write()  # type: ignore[operator]
    return buffer.getvalue()


@given(
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.sampled_from([None, True, False]),
    st.booleans(),
    st.booleans(),
)
def test_echo_writes_what_click_writes(
    message: str, color: bool | None, err: bool, nl: bool
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        ours = _written(lambda: echo(message, err=err, nl=nl, color=color), monkeypatch)
        theirs = _written(lambda: click.echo(message, err=err, nl=nl, color=color), monkeypatch)
    assert ours == theirs


def test_a_stream_that_cannot_spell_the_text_gets_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _written(lambda: echo("módulo"), monkeypatch, encoding="ascii")
    assert ours == "módulo\n".encode()


def test_the_program_collects_rarely_and_ends_with_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``finish`` runs a command with the collector's rare thresholds (nothing an analysis
    allocates is garbage) and exits with the command's code, skipping the teardown."""
    seen: list[tuple[int, int, int]] = []
    exits: list[int] = []

    def command() -> None:
        seen.append(gc.get_threshold())
        raise SystemExit(1)

    def hard_exit(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)

    before = gc.get_threshold()
    monkeypatch.setattr("sys.gettrace", lambda: None)
    monkeypatch.setattr("sys.getprofile", lambda: None)
    monkeypatch.setattr("os._exit", hard_exit)
    try:
        with pytest.raises(SystemExit):
            finish(command)
    finally:
        gc.set_threshold(*before)
    assert seen == [COLLECT_RARELY]
    assert exits == [1]
