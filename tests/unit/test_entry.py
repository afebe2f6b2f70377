"""The launcher's fast path parses a plain ``archlint check`` without click: whatever it
accepts must mean to it what it means to click, and the usual invocations must be accepted."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archlint.cli import main
from archlint.entry import CheckOptions, plain_check

OPTIONS = [
    "--format",
    "--format=json",
    "--format=concise",
    "--format=text",
    "--format=yaml",
    "--format=",
    "json",
    "concise",
    "text",
    "--exit-zero",
    "--exit-zero=1",
    "-v",
    "-vv",
    "--verbose",
    "--debug",
    "--color",
    "--no-color",
    "--no-cache",
    "--cache-dir",
    "--cache-dir=cachedir",
    "--cache-dir=afile",
    "--cache-dir=",
    "cachedir",
    "--",
    "-",
    "-h",
    "--help",
    "--version",
    "--unknown",
    ".",
    "src",
    "afile",
    "missing",
    "check",
    "graph",
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "cachedir").mkdir()
    (tmp_path / "afile").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def click_params(argv: list[str]) -> dict[str, object] | None:
    """What click makes of ``argv`` (``check`` and its arguments): the parameters of
    ``archlint check``, or None if click refuses them."""
    assert argv and argv[0] == "check"
    try:
        with main.commands["check"].make_context("check", argv[1:]) as ctx:
            return dict(ctx.params)
    except (click.exceptions.Exit, click.ClickException):
        return None


@given(st.lists(st.sampled_from(OPTIONS), max_size=7))
# the directory is only read: sharing it between examples is safe
@settings(
    max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_what_the_fast_path_accepts_click_reads_the_same(workdir: Path, tail: list[str]) -> None:
    argv = ["check", *tail]
    fast = plain_check(argv)
    if fast is not None:
        assert click_params(argv) == fast._asdict(), argv


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check"], CheckOptions()),
        (["check", "."], CheckOptions()),
        (["check", "--no-cache"], CheckOptions(no_cache=True)),
        (["check", "src", "--format", "json"], CheckOptions("src", "json")),
        (["check", "--format=concise", "-v", "src"], CheckOptions("src", "concise", verbose=True)),
        (
            ["check", "--exit-zero", "--debug", "--no-color", "--cache-dir", "cachedir"],
            CheckOptions(exit_zero=True, debug=True, color=False, cache_dir="cachedir"),
        ),
        (["check", "--color", "--cache-dir=new"], CheckOptions(color=True, cache_dir="new")),
        (["check", "afile"], CheckOptions("afile")),
    ],
)
def test_the_usual_checks_take_the_fast_path(
    workdir: Path, argv: list[str], expected: CheckOptions
) -> None:
    assert plain_check(argv) == expected
    assert click_params(argv) == expected._asdict()


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--help"],
        ["check", "-h"],
        ["check", "missing"],
        ["check", "src", "afile"],  # two paths: click's error
        ["check", "--format", "yaml"],
        ["check", "--format"],
        ["check", "--format", "--no-cache"],
        ["check", "--format="],
        ["check", "-v", "--verbose"],  # repeated: left to click
        ["check", "--color", "--no-color"],
        ["check", "--cache-dir", "afile"],  # a file: click refuses it
        ["check", "--cache-dir="],
        ["check", "--debug=1"],
        ["check", "-vv"],
        ["check", "--", "src"],
        ["check", "-"],
    ],
)
def test_anything_else_goes_to_click(workdir: Path, argv: list[str]) -> None:
    assert plain_check(argv) is None


@pytest.mark.parametrize("argv", [[], ["--version"], ["-h"], ["graph"], ["rules"], ["chek"]])
def test_other_commands_go_to_click(argv: list[str]) -> None:
    assert plain_check(argv) is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_an_unreadable_path_goes_to_click(workdir: Path) -> None:
    (workdir / "secret").mkdir(mode=0o000)
    try:
        assert plain_check(["check", "secret"]) is None
        assert plain_check(["check", "--cache-dir", "secret"]) is None
        assert click_params(["check", "secret"]) is None
    finally:
        (workdir / "secret").chmod(0o755)
