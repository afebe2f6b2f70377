"""Every rules/*.md spec is an executable test: its files are written to a temporary directory,
``archlint check --format concise`` runs there, and the output and exit code must match.

Spec format (fenced blocks; the info string after the language names the role):
    ```toml file=pyproject.toml         -> a file of the example project
    ```python file=src/shop/a.py        -> another file
    ```text output exit=1               -> the exact expected concise output and exit code
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archlint.rules.registry import RULES
from tests.e2e.conftest import run_cli, write_project

SPECS = Path(__file__).resolve().parents[2] / "rules"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def parse_spec(text: str) -> tuple[dict[str, str], str, int]:
    files: dict[str, str] = {}
    output, exit_code = None, -1
    for _lang, info, body in FENCE.findall(text):
        options = dict(part.split("=", 1) for part in info.split() if "=" in part)
        if "file" in options:
            files[options["file"]] = body
        elif "output" in info.split():
            output, exit_code = body, int(options.get("exit", "0"))
    assert files, "a spec needs at least one file block"
    assert output is not None, "a spec needs an ```text output exit=N block"
    return files, output, exit_code


def spec_paths() -> list[Path]:
    return sorted(SPECS.glob("ARC*.md"))


def test_every_code_has_exactly_one_spec() -> None:
    codes = sorted(path.name.split("-", 1)[0] for path in spec_paths())
    assert codes == sorted(rule.code for rule in RULES)
    for rule in RULES:
        assert (SPECS / f"{rule.code}-{rule.name}.md").is_file(), rule


@pytest.mark.parametrize("spec", spec_paths(), ids=lambda p: p.stem)
def test_spec(spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = spec.read_text(encoding="utf-8")
    code = spec.name.split("-", 1)[0]
    assert text.startswith(f"# {code} "), "a spec starts with '# CODE name'"
    for heading in ("## What it does", "## Why is this bad?", "## Example"):
        assert heading in text, heading
    files, expected, exit_code = parse_spec(text)
    write_project(tmp_path, files)
    result = run_cli(["check", "--format", "concise"], tmp_path, monkeypatch)
    assert result.out == expected
    assert result.code == exit_code
    assert f" {code} " in expected, "the example must show the code it documents"
