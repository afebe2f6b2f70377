"""Banned APIs through the CLI: qualified names with aliases, the text prefilter, config errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import Project, Run

FILES = {
    "src/shop/__init__.py": "",
    "src/shop/config.py": "import os\nDEBUG = os.getenv('DEBUG')\n",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/orders.py": "def total(prices):\n    return sum(prices)\n",
}


def contract(names: str, extra: str = "") -> str:
    return (
        '[tool.archlint]\nroot-packages = ["shop"]\n\n[[tool.archlint.banned-api]]\n'
        f'name = "banned"\nnames = {names}\nmodules = ["shop"]\n{extra}'
    )


def test_aliases_star_builtins_and_shadowing(project: Project, run: Run) -> None:
    project(
        {
            **FILES,
            "src/shop/domain/orders.py": (
                "import os\n"
                "from os import getenv as read, environ\n"
                "import subprocess\n"
                "\n"
                "def total(prices, print=None):\n"
                "    print(read('X'), environ)\n"
                "    subprocess.check_output(['ls']).decode()\n"
                "    return os.environ.get('Y')\n"
                "\n"
                "print(total([]))\n"
            ),
            "pyproject.toml": contract(
                '["os.getenv", "os.environ", "subprocess.*", "print"]',
                'allowed-in = ["shop.config"]\nmessage = "ask shop.config"\n',
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "src/shop/domain/orders.py:6:11: ARC701 shop.domain.orders uses os.getenv: ask shop.config [banned]\n"
        "src/shop/domain/orders.py:6:22: ARC701 shop.domain.orders uses os.environ: ask shop.config [banned]\n"
        "src/shop/domain/orders.py:7:5: ARC701 shop.domain.orders uses subprocess.check_output (banned: subprocess.*): ask shop.config [banned]\n"
        "src/shop/domain/orders.py:8:12: ARC701 shop.domain.orders uses os.environ: ask shop.config [banned]\n"
        "src/shop/domain/orders.py:10:1: ARC701 shop.domain.orders uses print: ask shop.config [banned]\n"
    )
    text = run("check").out
    assert (
        "  ARC701 shop.domain.orders uses print: ask shop.config\n"
        "      src/shop/domain/orders.py:10:1\n"
    ) in text


def test_kept_when_only_allowed_modules_use_the_names(project: Project, run: Run) -> None:
    project(
        {**FILES, "pyproject.toml": contract('["os.getenv"]', 'allowed-in = ["shop.config"]\n')}
    )
    result = run("check", "--format", "concise")
    assert (result.code, result.out, result.err) == (0, "", "")


def _imported_modules(root: Path, command: str = "check") -> list[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "archlint", command, "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return [line.rpartition("|")[2].strip() for line in result.stderr.splitlines()]


def test_libcst_runs_only_on_files_that_mention_a_banned_name(project: Project) -> None:
    root = project(
        {
            **FILES,
            # mentions the name, but is exempt: never parsed
            "src/shop/config.py": "import pickle\nSTATE = pickle.loads(b'')\n",
            "pyproject.toml": contract('["pickle.loads"]', 'allowed-in = ["shop.config"]\n'),
        }
    )
    imported = _imported_modules(root)
    assert "archlint.banned_scan" in imported
    assert "archlint.qualified_names" not in imported
    assert "libcst" not in imported
    (root / "src/shop/domain/orders.py").write_text("import pickle\nx = pickle.loads(b'')\n")
    assert "archlint.qualified_names" in _imported_modules(root)
    assert "archlint.qualified_names" not in _imported_modules(root, "graph")  # check only


@pytest.mark.parametrize(
    ("names", "extra", "message"),
    [
        (
            '["os.environ", "os..getenv"]',
            "",
            "pyproject.toml:6: 'os..getenv' in `names` of [[tool.archlint.banned-api]] #1 is not "
            "a valid dotted name; write e.g. 'os.environ', 'pickle.loads', 'subprocess.*' or 'eval'",
        ),
        (
            '["os.*.x"]',
            "",
            "pyproject.toml:6: 'os.*.x' in `names` of [[tool.archlint.banned-api]] #1 is not "
            "a valid dotted name; write e.g. 'os.environ', 'pickle.loads', 'subprocess.*' or 'eval'",
        ),
        (
            '["eval"]',
            'allowed-in = ["shop.confg"]\n',
            "pyproject.toml:8: allowed-in 'shop.confg' matches no module; did you mean "
            "'shop.config'? (in contract 'banned')",
        ),
        (
            '["eval"]',
            "message = 1\n",
            "pyproject.toml:8: `message` in [[tool.archlint.banned-api]] #1 must be a string, "
            "got integer",
        ),
        (
            '["eval"]',
            'kinds = ["top-level"]\n',
            "pyproject.toml:8: unknown key 'kinds' in [[tool.archlint.banned-api]] #1; allowed "
            "keys are: name, names, modules, allowed-in, message",
        ),
    ],
)
def test_configuration_errors(
    project: Project, run: Run, names: str, extra: str, message: str
) -> None:
    project({**FILES, "pyproject.toml": contract(names, extra)})
    result = run("check")
    assert (result.code, result.out, result.err) == (2, "", f"archlint: error: {message}\n")
