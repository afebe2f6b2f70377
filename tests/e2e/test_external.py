"""External confinement through the CLI: full external names, kinds, and configuration errors."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Project, Run

FILES = {
    "src/shop/__init__.py": "",
    "src/shop/adapters/__init__.py": "",
    "src/shop/adapters/db.py": "import sqlalchemy.orm\n",
    "src/shop/adapters/files.py": "from google.cloud import storage\n",
    "src/shop/orders.py": "import google.protobuf\nimport json\n",
}

HEADER = '[project]\nname = "shop"\nversion = "1"\n\n[tool.archlint]\nroot-packages = ["shop"]\n'


def contract(modules: str, allowed: str = '["shop.adapters"]', extra: str = "") -> str:
    return (
        HEADER
        + f'\n[[tool.archlint.external]]\nname = "confined"\nmodules = {modules}\n'
        + f"allowed-in = {allowed}\n{extra}"
    )


def test_kept_when_only_allowed_modules_import(project: Project, run: Run) -> None:
    project(
        {**FILES, "pyproject.toml": contract('["sqlalchemy", "google.cloud.storage", "pickle"]')}
    )
    result = run("check", "--format", "concise")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_sub_packages_aliases_and_kinds(project: Project, run: Run) -> None:
    project(
        {
            **FILES,
            "src/shop/orders.py": (
                "import google.protobuf\n"
                "import google.cloud.storage as gcs\n"
                "from google.cloud import storage, bigquery\n"
                "def later():\n"
                "    import pickle\n"
                "    from sqlalchemy.orm import Session\n"
            ),
            "src/shop/adapters/db.py": "import pickle\n",
            "pyproject.toml": contract(
                '["google.cloud.storage", "pickle", "sqlalchemy"]',
                '["shop.adapters.files", "shop.adapters.db"]',
                'kinds = ["top-level", "function"]\n',
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "src/shop/orders.py:2:1: ARC601 shop.orders imports google.cloud.storage; only shop.adapters.files, shop.adapters.db may import google.cloud.storage [confined]\n"
        "src/shop/orders.py:5:5: ARC601 shop.orders imports pickle; only shop.adapters.files, shop.adapters.db may import pickle [confined]\n"
        "src/shop/orders.py:6:5: ARC601 shop.orders imports sqlalchemy.orm.Session; only shop.adapters.files, shop.adapters.db may import sqlalchemy [confined]\n"
    )
    project({"pyproject.toml": contract('["pickle"]', "[]", 'kinds = ["top-level"]\n')})
    result = run("check", "--format", "concise")
    assert result.out == (
        "src/shop/adapters/db.py:1:1: ARC601 shop.adapters.db imports pickle; no module may import pickle [confined]\n"
    )


@pytest.mark.parametrize(
    ("modules", "allowed", "message"),
    [
        (
            '["google.cloud.storag"]',
            '["shop.adapters"]',
            "pyproject.toml:10: modules 'google.cloud.storag' is not imported by the project, "
            "not in the standard library and not provided by a declared dependency; did you "
            "mean 'google.cloud.storage'? (in contract 'confined')",
        ),
        (
            '["shop.adapters"]',
            '["shop.orders"]',
            "pyproject.toml:10: 'shop.adapters' is a module of the project; `external` contracts "
            "confine third-party modules (use a forbidden contract for the project's own "
            "modules) (in contract 'confined')",
        ),
        (
            '["google.*"]',
            '["shop.adapters"]',
            "pyproject.toml:10: 'google.*' in `modules` of [[tool.archlint.external]] #1 is not "
            "a dotted module name; name an external module or sub-package, e.g. 'sqlalchemy' or "
            "'google.cloud.storage'",
        ),
        (
            '["json"]',
            '["shop.adaptors"]',
            "pyproject.toml:11: allowed-in 'shop.adaptors' matches no module; did you mean "
            "'shop.adapters'? (in contract 'confined')",
        ),
    ],
)
def test_configuration_errors(
    project: Project, run: Run, modules: str, allowed: str, message: str
) -> None:
    project({**FILES, "pyproject.toml": contract(modules, allowed)})
    result = run("check")
    assert (result.code, result.out, result.err) == (2, "", f"archlint: error: {message}\n")


def test_ignore_is_not_an_external_key(project: Project, run: Run) -> None:
    project({**FILES, "pyproject.toml": contract('["json"]', extra='ignore = ["a -> b"]\n')})
    result = run("check")
    assert result.code == 2
    assert result.err == (
        "archlint: error: pyproject.toml:12: unknown key 'ignore' in "
        "[[tool.archlint.external]] #1; allowed keys are: name, kinds, modules, allowed-in\n"
    )
