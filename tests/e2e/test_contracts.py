"""Every contract type, kept and broken, through the CLI, with exact output and exit codes."""

from __future__ import annotations

from tests.e2e.conftest import Project, Run

LAYERED = {
    "src/app/__init__.py": "",
    "src/app/ui/__init__.py": "",
    "src/app/ui/views.py": "from app.logic import rules\n",
    "src/app/logic/__init__.py": "",
    "src/app/logic/rules.py": "from app.data import store\n",
    "src/app/data/__init__.py": "",
    "src/app/data/store.py": "import json\n",
    "src/app/helpers.py": "",
}


def config(body: str) -> str:
    return "[tool.archlint]\n" + body


def test_layers_kept(project: Project, run: Run) -> None:
    project(
        {
            **LAYERED,
            "pyproject.toml": config(
                '[[tool.archlint.layers]]\nlayers = ["app.ui", "app.logic", "app.data"]\n'
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_layers_direct_and_indirect_upward_imports(project: Project, run: Run) -> None:
    project(
        {
            **LAYERED,
            "src/app/data/store.py": "from app.helpers import tool\n",
            "src/app/helpers.py": "def tool():\n    from app.ui import views\n",
            "src/app/data/cache.py": "from app.logic.rules import x\n",
            "pyproject.toml": config(
                '[[tool.archlint.layers]]\nname = "app layers"\n'
                'layers = ["app.ui", "app.logic", "app.data"]\n'
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "src/app/data/cache.py:1:1: ARC101 app.data.cache (layer app.data) imports "
        "app.logic.rules (higher layer app.logic) [app layers]\n"
        "src/app/data/store.py:1:1: ARC101 app.data.store (layer app.data) imports "
        "app.ui.views (higher layer app.ui) [app layers]\n"
    )
    text = run("check").out
    assert "      app.data.store -> app.helpers  src/app/data/store.py:1:1\n" in text
    assert "      app.helpers -> app.ui.views  src/app/helpers.py:2:5 (function)\n" in text


def test_layers_independent_siblings_and_kinds(project: Project, run: Run) -> None:
    project(
        {
            "src/app/__init__.py": "",
            "src/app/top.py": "",
            "src/app/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.b\n",
            "src/app/b.py": "import app.top\n",
            "pyproject.toml": config(
                '[[tool.archlint.layers]]\nname = "L"\nlayers = ["app.top", "app.a | app.b"]\n'
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert result.out == (
        "src/app/a.py:3:5: ARC102 app.a (layer app.a) imports app.b "
        "(independent sibling layer app.b) [L]\n"
        "src/app/b.py:1:1: ARC101 app.b (layer app.b) imports app.top (higher layer app.top) [L]\n"
    )
    project(
        {
            "pyproject.toml": config(
                '[[tool.archlint.layers]]\nname = "L"\nlayers = ["app.top", "app.a | app.b"]\n'
                'kinds = ["top-level", "function"]\n'
            )
        }
    )
    result = run("check", "--format", "concise")
    assert result.out == (
        "src/app/b.py:1:1: ARC101 app.b (layer app.b) imports app.top (higher layer app.top) [L]\n"
    )


def test_layers_containers_and_exhaustive(project: Project, run: Run) -> None:
    project(
        {
            "src/shop/__init__.py": "",
            "src/shop/orders/__init__.py": "",
            "src/shop/orders/api.py": "",
            "src/shop/orders/domain.py": "from shop.orders import api\n",
            "src/shop/orders/extra.py": "",
            "src/shop/billing/__init__.py": "",
            "src/shop/billing/api.py": "import shop.billing.domain\n",
            "src/shop/billing/domain.py": "",
            "pyproject.toml": config(
                '[[tool.archlint.layers]]\nname = "C"\nlayers = ["api", "domain"]\n'
                'containers = ["shop.orders", "shop.billing"]\nexhaustive = true\n'
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "src/shop/orders/domain.py:1:1: ARC101 shop.orders.domain (layer shop.orders.domain) "
        "imports shop.orders.api (higher layer shop.orders.api) [C]\n"
        "src/shop/orders/extra.py:1:1: ARC103 shop.orders.extra is a child of shop.orders but "
        "belongs to no layer of an exhaustive contract [C]\n"
    )


def test_forbidden_internal_external_and_indirect(project: Project, run: Run) -> None:
    project(
        {
            "src/app/__init__.py": "",
            "src/app/core.py": "from app import glue\n",
            "src/app/glue.py": "import requests.adapters\nfrom app import infra\n",
            "src/app/infra.py": "",
            "pyproject.toml": config(
                '[[tool.archlint.forbidden]]\nname = "F"\nsource = ["app.core"]\n'
                'forbidden = ["requests", "app.infra"]\n'
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "src/app/core.py:1:1: ARC201 app.core indirectly imports forbidden module app.infra [F]\n"
        "src/app/core.py:1:1: ARC201 app.core indirectly imports forbidden module requests [F]\n"
    )
    project(
        {
            "pyproject.toml": config(
                '[[tool.archlint.forbidden]]\nname = "F"\nsource = ["app.core"]\n'
                'forbidden = ["requests", "app.infra"]\nallow-indirect = true\n'
            )
        }
    )
    assert run("check", "--format", "concise").code == 0


def test_forbidden_unused_stdlib_and_declared_dependency_are_accepted(
    project: Project, run: Run
) -> None:
    project(
        {
            "src/app/__init__.py": "",
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["Django>=5", "PyYAML"]\n'
            + config(
                '[[tool.archlint.forbidden]]\nsource = ["app"]\nforbidden = ["sqlite3", "django", "yaml"]\n'
            ),
        }
    )
    assert run("check", "--format", "concise").code == 0


def test_independence(project: Project, run: Run) -> None:
    files = {
        "src/app/__init__.py": "",
        "src/app/a/__init__.py": "",
        "src/app/a/x.py": "from app.shared import s\n",
        "src/app/b/__init__.py": "",
        "src/app/b/y.py": "",
        "src/app/shared.py": "",
        "pyproject.toml": config(
            '[[tool.archlint.independence]]\nname = "I"\nmodules = ["app.a", "app.b"]\n'
        ),
    }
    project(files)
    assert run("check", "--format", "concise").code == 0
    project({"src/app/shared.py": "import app.b.y\n"})
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "src/app/a/x.py:1:1: ARC301 app.a.x indirectly imports app.b.y, but app.a and app.b "
        "must be independent [I]\n"
    )


def test_cycles_with_depth(project: Project, run: Run) -> None:
    project(
        {
            "src/app/__init__.py": "",
            "src/app/a/__init__.py": "",
            "src/app/a/one.py": "import app.b.two\n",
            "src/app/b/__init__.py": "",
            "src/app/b/two.py": "def f():\n    from app.a import one\n",
            "pyproject.toml": config('[[tool.archlint.cycles]]\nname = "C"\npackages = ["app"]\n'),
        }
    )
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "src/app/a/one.py:1:1: ARC401 import cycle app.a -> app.b -> app.a (2 modules in the "
        "cyclic group; removing app.b -> app.a breaks it) [C]\n"
    )
    project(
        {
            "pyproject.toml": config(
                '[[tool.archlint.cycles]]\nname = "C"\npackages = ["app.a", "app.b"]\n'
            )
        }
    )
    assert run("check", "--format", "concise").code == 0
    project(
        {
            "pyproject.toml": config(
                '[[tool.archlint.cycles]]\nname = "C"\npackages = ["app"]\nkinds = ["top-level"]\n'
            )
        }
    )
    assert run("check", "--format", "concise").code == 0


def test_ignore_removes_an_import(project: Project, run: Run) -> None:
    project(
        {
            **LAYERED,
            "src/app/data/store.py": "import app.ui.views\n",
            "pyproject.toml": config(
                '[[tool.archlint.layers]]\nlayers = ["app.ui", "app.logic", "app.data"]\n'
                'ignore = ["app.data.** -> app.ui.views"]\n'
            ),
        }
    )
    assert run("check", "--format", "concise").code == 0
