"""Declared dependencies through the CLI: import names from config, metadata or a guess."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Project, Run

FILES = {
    "src/shop/__init__.py": "",
    "src/shop/app.py": (
        "import json\nimport click\nfrom dateutil import parser\ndef later():\n    import bs4\n"
    ),
}


def pyproject(dependencies: str, table: str = "") -> str:
    return (
        f'[project]\nname = "shop"\nversion = "1"\ndependencies = {dependencies}\n'
        '[project.optional-dependencies]\ntest = ["pytest"]\n\n'
        '[tool.archlint]\nroot-packages = ["shop"]\n\n[tool.archlint.dependencies]\n' + table
    )


def test_kept_with_import_names_override(project: Project, run: Run) -> None:
    project(
        {
            **FILES,
            "pyproject.toml": pyproject(
                '["click", "python-dateutil", "beautifulsoup4"]',
                'import-names = { python-dateutil = ["dateutil"], beautifulsoup4 = ["bs4"] }\n',
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_undeclared_and_unused(project: Project, run: Run) -> None:
    project({**FILES, "pyproject.toml": pyproject('["click", "python-dateutil", "rich"]')})
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "pyproject.toml:4:1: ARC603 dependency python-dateutil is declared in [project].dependencies but never imported as 'python_dateutil' (not installed, so the name is a guess; set import-names); remove it or add it to ignore-unused [dependencies]\n"
        "pyproject.toml:4:1: ARC603 dependency rich is declared in [project].dependencies but never imported (it provides rich); remove it or add it to ignore-unused [dependencies]\n"
        "src/shop/app.py:3:1: ARC602 shop.app imports dateutil, which no declared dependency provides; declare the distribution that provides it in [project].dependencies, or map it in import-names [dependencies]\n"
        "src/shop/app.py:5:5: ARC602 shop.app imports bs4, which no declared dependency provides; declare the distribution that provides it in [project].dependencies, or map it in import-names [dependencies]\n"
    )


def test_kinds_ignore_and_check_unused(project: Project, run: Run) -> None:
    project(
        {
            **FILES,
            "pyproject.toml": pyproject(
                '["click", "rich"]',
                'kinds = ["top-level"]\ncheck-unused = false\nignore = ["shop.app -> dateutil"]\n',
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert (result.code, result.out, result.err) == (0, "", "")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'import-names = ["yaml"]\n',
            "pyproject.toml:12: `import-names` in [tool.archlint.dependencies] must be a table of "
            'distribution = [import names], e.g. import-names = { PyYAML = ["yaml"] }, got array',
        ),
        (
            'import-names = { PyYAML = ["yaml.parser"] }\n',
            "pyproject.toml:12: 'yaml.parser' in `import-names` of [tool.archlint.dependencies] "
            "is not a top-level import name (for PyYAML); write the name after `import`, e.g. 'yaml'",
        ),
        (
            'ignore_unused = ["rich"]\n',
            "pyproject.toml:12: unknown key 'ignore_unused' in [tool.archlint.dependencies]; "
            "did you mean 'ignore-unused'?",
        ),
        (
            'ignore-unused = ["click", "gunicorn"]\n',
            "pyproject.toml:12: ignore-unused 'gunicorn' is not in [project].dependencies; "
            "remove it (in contract 'dependencies')",
        ),
        (
            'ignore-unused = ["pytest"]\n',  # an optional group is never reported as unused
            "pyproject.toml:12: ignore-unused 'pytest' is not in [project].dependencies; "
            "remove it (in contract 'dependencies')",
        ),
        (
            'import-names = { PyYAML = ["yaml"] }\n',
            "pyproject.toml:12: import-names 'pyyaml' is not a declared dependency; remove it "
            "(in contract 'dependencies')",
        ),
        (
            'check-unused = "no"\n',
            "pyproject.toml:12: `check-unused` in [tool.archlint.dependencies] must be a boolean "
            "(true or false), got string",
        ),
    ],
)
def test_configuration_errors(project: Project, run: Run, table: str, message: str) -> None:
    project({**FILES, "pyproject.toml": pyproject('["click"]', table)})
    result = run("check")
    assert (result.code, result.out, result.err) == (2, "", f"archlint: error: {message}\n")


def test_dependencies_must_be_a_table(project: Project, run: Run) -> None:
    project(
        {
            **FILES,
            "pyproject.toml": '[tool.archlint]\nroot-packages = ["shop"]\ndependencies = ["click"]\n',
        }
    )
    result = run("check")
    assert result.err == (
        "archlint: error: pyproject.toml:3: `dependencies` in [tool.archlint] must be a table "
        "([tool.archlint.dependencies]), got array\n"
    )


MONOREPO = {
    "pyproject.toml": (
        '[project]\nname = "workspace"\nversion = "1"\ndependencies = ["networkx"]\n\n'
        '[tool.archlint]\nsource-roots = ["tools", "packages/billing/src", "packages/orders/src"]\n\n'
        "[tool.archlint.dependencies]\n"
    ),
    "tools/release.py": "import networkx\n",
    "packages/billing/pyproject.toml": (
        '[project]\nname = "billing"\nversion = "1"\ndependencies = [\n    "click",\n]\n'
    ),
    "packages/billing/src/billing/__init__.py": "import click\nimport yaml\nimport networkx\n",
    "packages/orders/pyproject.toml": (
        '[project]\nname = "orders"\nversion = "1"\ndependencies = [\n    "click",\n    "rich",\n]\n'
    ),
    "packages/orders/src/orders/__init__.py": "import click\n",
    "packages/orders/src/orders/notes/pyproject.toml": "[tool.black]\nline-length = 100\n",
    "packages/orders/src/orders/notes/__init__.py": "from billing import x\n",
}


def test_monorepo_members_use_their_own_pyproject(project: Project, run: Run) -> None:
    project(MONOREPO)
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.err == ""
    assert result.out == (
        "packages/billing/src/billing/__init__.py:2:1: ARC602 billing imports yaml, which no declared dependency provides; add PyYAML to [project].dependencies of packages/billing/pyproject.toml [dependencies]\n"
        "packages/billing/src/billing/__init__.py:3:1: ARC602 billing imports networkx, which no declared dependency provides; add networkx to [project].dependencies of packages/billing/pyproject.toml [dependencies]\n"
        "packages/orders/pyproject.toml:6:1: ARC603 dependency rich is declared in [project].dependencies of packages/orders/pyproject.toml but never imported (it provides rich); remove it or add it to ignore-unused [dependencies]\n"
    )


def test_monorepo_member_with_invalid_toml(project: Project, run: Run) -> None:
    project({**MONOREPO, "packages/orders/pyproject.toml": "[project\n"})
    result = run("check")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(
        "archlint: error: packages/orders/pyproject.toml:1:9: invalid TOML: "
    )
