"""Helpers for end-to-end tests: build a small project in tmp_path, run the CLI on it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from archlint import shell
from archlint.cli import main
from archlint.entry import plain_check


@dataclass
class Result:
    code: int
    out: str
    err: str


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run_cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    """Run ``archlint ARGS`` as the program does: a plain check without click (the launcher's
    fast path, archlint.entry), anything else through click."""
    monkeypatch.chdir(cwd)
    options = plain_check(args)
    if options is None:
        return run_click(args)
    with CliRunner().isolation() as (out, err, _):
        try:
            shell.check(*options)
        except SystemExit as exc:
            code = exc.code
    assert isinstance(code, int)
    return Result(code, out.getvalue().decode(), err.getvalue().decode())


def run_click(args: list[str]) -> Result:
    """Run ``archlint ARGS`` through click (in the current directory)."""
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


Project = Callable[[dict[str, str]], Path]
Run = Callable[..., Result]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    def build(files: dict[str, str]) -> Path:
        return write_project(tmp_path, files)

    return build


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    def invoke(*args: str, cwd: Path | None = None) -> Result:
        return run_cli(list(args), cwd or tmp_path, monkeypatch)

    return invoke
