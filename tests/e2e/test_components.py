"""Components through the CLI: `check` (ARC501-ARC506), `components`, and configuration errors."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Project, Run

SHOP = {
    "src/shop/__init__.py": "",
    "src/shop/billing/__init__.py": "from shop.billing.api import Invoice as Invoice\n",
    "src/shop/billing/api.py": "from shop.billing.models import Invoice as Invoice\n",
    "src/shop/billing/models.py": "class Invoice: ...\n",
    "src/shop/orders/__init__.py": "",
    "src/shop/orders/checkout.py": (
        "from shop.billing import Invoice\nfrom shop.events import OrderPlaced\n"
    ),
    "src/shop/events/__init__.py": "class OrderPlaced: ...\n",
    "src/shop/inventory/__init__.py": "",
    "src/shop/inventory/stock.py": "from shop.events import OrderPlaced\n",
}

COMPONENTS = """\
[[tool.archlint.components]]
name = "orders"
modules = ["shop.orders"]
depends-on = ["billing"]

[[tool.archlint.components]]
name = "billing"
modules = ["shop.billing"]
public = ["shop.billing.api"]

[[tool.archlint.components]]
name = "inventory"
modules = ["shop.inventory"]

[[tool.archlint.components]]
name = "events"
modules = ["shop.events"]
utility = true
"""


def config(components: str = COMPONENTS, options: str = "") -> str:
    return '[tool.archlint]\nroot-packages = ["shop"]\n\n' + options + components


def test_kept_with_re_export_and_utility(project: Project, run: Run) -> None:
    project({**SHOP, "pyproject.toml": config()})
    result = run("check", "--format", "concise")
    assert (result.code, result.out, result.err) == (0, "", "")
    assert run("check").out == (
        "KEPT   components (components)\n\n"
        "1 contract: 1 kept, 0 broken | 0 violations | 9 files, 9 modules, 5 imports\n"
    )


BROKEN = """\
[tool.archlint]
root-packages = ["shop"]

[tool.archlint.component-options]
name = "services"
strict = true

[[tool.archlint.components]]
name = "orders"
modules = ["shop.orders"]
depends-on = ["billing", "payments"]

[[tool.archlint.components]]
name = "billing"
modules = ["shop.billing"]
public = ["shop.billing.api"]

[[tool.archlint.components]]
name = "inventory"
modules = ["shop.inventory"]
deprecated = ["legacy"]
depends-on = ["events"]

[[tool.archlint.components]]
name = "events"
modules = ["shop.events"]
utility = true

[[tool.archlint.components]]
name = "payments"
modules = ["shop.payments"]
visibility = ["billing"]

[[tool.archlint.components]]
name = "legacy"
modules = ["shop.legacy"]
"""


def test_every_component_violation(project: Project, run: Run) -> None:
    project(
        {
            **SHOP,
            "src/shop/orders/checkout.py": (
                "from shop.billing.models import Invoice\n"
                "from shop.inventory import stock\n"
                "from shop.payments import capture\n"
            ),
            "src/shop/billing/api.py": (
                "from shop.billing.models import Invoice as Invoice\n"
                "def undo():\n    import shop.orders.checkout\n"
            ),
            "src/shop/payments/__init__.py": "capture = 1\n",
            "src/shop/legacy.py": "",
            "src/shop/inventory/stock.py": "import shop.legacy\n",
            "pyproject.toml": BROKEN,
        }
    )
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.err == ""
    assert result.out == (
        "pyproject.toml:22:1: ARC505 component inventory declares depends-on 'events' but never imports it; remove it [services]\n"
        "src/shop/billing/api.py:3:5: ARC501 shop.billing.api (component billing) imports shop.orders.checkout, a private module of component orders; import its public interface: shop.orders [services]\n"
        "src/shop/billing/api.py:3:5: ARC502 shop.billing.api (component billing) imports shop.orders.checkout, but component billing does not declare depends-on 'orders' [services]\n"
        "src/shop/billing/api.py:3:5: ARC504 component cycle billing -> orders -> billing [services]\n"
        "src/shop/inventory/stock.py:1:1: warning: ARC506 shop.inventory.stock (component inventory) imports shop.legacy: inventory depends on legacy, which is deprecated [services]\n"
        "src/shop/orders/checkout.py:1:1: ARC501 shop.orders.checkout (component orders) imports shop.billing.models, a private module of component billing; import its public interface: shop.billing, shop.billing.api [services]\n"
        "src/shop/orders/checkout.py:2:1: ARC501 shop.orders.checkout (component orders) imports shop.inventory.stock, a private module of component inventory; import its public interface: shop.inventory [services]\n"
        "src/shop/orders/checkout.py:2:1: ARC502 shop.orders.checkout (component orders) imports shop.inventory.stock, but component orders does not declare depends-on 'inventory' [services]\n"
        "src/shop/orders/checkout.py:3:1: ARC503 shop.orders.checkout (component orders) imports shop.payments, but component payments is visible only to: billing [services]\n"
    )
    text = run("check").out
    assert (
        "  ARC504 component cycle billing -> orders -> billing\n"
        "      shop.billing.api -> shop.orders.checkout  src/shop/billing/api.py:3:5 (function)\n"
        "      shop.orders.checkout -> shop.billing.models  src/shop/orders/checkout.py:1:1\n"
    ) in text
    assert (
        "  ARC505 component inventory declares depends-on 'events' but never imports it; remove it\n      pyproject.toml:22:1\n"
        in text
    )


def test_kinds_and_ignore_of_component_options(project: Project, run: Run) -> None:
    project(
        {
            **SHOP,
            "src/shop/inventory/stock.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from shop.billing.models import Invoice\n"
                "from shop.orders import checkout\n"
            ),
            "pyproject.toml": config(
                options='[tool.archlint.component-options]\nkinds = ["top-level"]\n'
                'ignore = ["shop.inventory.stock -> shop.orders.checkout"]\n\n'
            ),
        }
    )
    result = run("check", "--format", "concise")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_components_map(project: Project, run: Run) -> None:
    project(
        {
            **SHOP,
            "src/shop/inventory/stock.py": "from shop.billing.models import Invoice\n",
            "pyproject.toml": config(
                COMPONENTS.replace(
                    'modules = ["shop.inventory"]\n',
                    'modules = ["shop.inventory"]\ndeprecated = ["billing"]\n',
                )
            ),
        }
    )
    result = run("components")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "billing (shop.billing: 3 modules)\n"
        "  public:           shop.billing, shop.billing.api\n"
        "  declared deps:    -\n"
        "  actual deps:      -\n"
        "  used by:          inventory, orders\n"
        "  imported modules: shop.billing, shop.billing.models\n"
        "  extractable:      no: others import its private modules shop.billing.models\n"
        "\n"
        "events (shop.events: 1 module, utility)\n"
        "  public:           shop.events\n"
        "  declared deps:    -\n"
        "  actual deps:      -\n"
        "  used by:          orders\n"
        "  imported modules: shop.events\n"
        "  extractable:      yes\n"
        "\n"
        "inventory (shop.inventory: 2 modules)\n"
        "  public:           shop.inventory\n"
        "  declared deps:    billing (deprecated)\n"
        "  actual deps:      billing\n"
        "  used by:          -\n"
        "  imported modules: -\n"
        "  extractable:      yes\n"
        "\n"
        "orders (shop.orders: 2 modules)\n"
        "  public:           shop.orders\n"
        "  declared deps:    billing\n"
        "  actual deps:      billing, events\n"
        "  used by:          -\n"
        "  imported modules: -\n"
        "  extractable:      yes\n"
        "\n"
        "4 components, 3 extractable (events, inventory, orders) | 1 module in no component\n"
    )
    data = json.loads(run("components", "--format", "json").out)
    assert data["version"] == 1
    assert data["unowned_modules"] == 1
    assert [c["name"] for c in data["components"]] == ["billing", "events", "inventory", "orders"]
    assert data["components"][0] == {
        "name": "billing",
        "modules": ["shop.billing"],
        "public": ["shop.billing.api"],
        "utility": False,
        "module_count": 3,
        "declared_dependencies": [],
        "deprecated_dependencies": [],
        "actual_dependencies": [],
        "dependents": ["inventory", "orders"],
        "imported_modules": ["shop.billing", "shop.billing.models"],
        "private_modules_imported": ["shop.billing.models"],
        "in_cycle": False,
        "extractable": False,
    }
    assert data["components"][2]["deprecated_dependencies"] == ["billing"]


def test_components_map_shows_cycles(project: Project, run: Run) -> None:
    project(
        {
            **SHOP,
            "src/shop/billing/models.py": "import shop.orders\n",
            "pyproject.toml": config(),
        }
    )
    out = run("components").out
    assert "  extractable:      no: it is in a component cycle\n" in out
    assert out.endswith(
        "4 components, 2 extractable (events, inventory) | 1 module in no component\n"
    )


def test_components_without_components_is_an_error(project: Project, run: Run) -> None:
    project({**SHOP, "pyproject.toml": config(components="")})
    result = run("components")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "archlint: error: pyproject.toml: no components are declared; add "
        "[[tool.archlint.components]] tables (see docs/modular-monolith.md)\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'depends-on = ["billing"]',
            'depends-on = ["biling"]',
            "pyproject.toml:7: unknown component 'biling' in `depends-on` of "
            "[[tool.archlint.components]] #1; did you mean 'billing'?",
        ),
        (
            'depends-on = ["billing"]',
            'depends-on = ["orders"]',
            "pyproject.toml:7: component 'orders' names itself in `depends-on` of "
            "[[tool.archlint.components]] #1; a component may always use its own modules",
        ),
        (
            'depends-on = ["billing"]',
            'depends-on = ["billing"]\ndeprecated = ["billing"]',
            "pyproject.toml:8: component 'billing' is in both `depends-on` and `deprecated` of "
            "[[tool.archlint.components]] #1; keep it in one (deprecated dependencies are "
            "allowed with a warning)",
        ),
        (
            'name = "inventory"',
            'name = "orders"',
            "pyproject.toml:15: duplicate component name 'orders' (also used at line 5); "
            "give each component a unique `name`",
        ),
        (
            'modules = ["shop.billing"]',
            'modules = ["shop.billing"]\nvisible = ["orders"]',
            "pyproject.toml:12: unknown key 'visible' in [[tool.archlint.components]] #2; "
            "did you mean 'visibility'?",
        ),
        (
            'name = "billing"\n',
            "",
            "pyproject.toml:9: [[tool.archlint.components]] #2 is missing the required key "
            '`name`; add e.g. name = "billing"',
        ),
        (
            "utility = true",
            'utility = "yes"',
            "pyproject.toml:21: `utility` in [[tool.archlint.components]] #4 must be a boolean "
            "(true or false), got string",
        ),
        (
            'modules = ["shop.inventory"]',
            'modules = ["shop.inventry"]',
            "pyproject.toml:16: `modules` entry 'shop.inventry' of component 'inventory' matches "
            "no module; did you mean 'shop.inventory'?",
        ),
        (
            'modules = ["shop.inventory"]',
            'modules = ["shop.inventory", "shop.billing.models"]',
            "pyproject.toml:16: module 'shop.billing.models' is owned by two components, "
            "'billing' and 'inventory'; a module belongs to one component (narrow `modules`)",
        ),
        (
            'public = ["shop.billing.api"]',
            'public = ["shop.events"]',
            "pyproject.toml:12: public module 'shop.events' of component 'billing' is outside "
            "the component (its modules: shop.billing)",
        ),
        (
            'public = ["shop.billing.api"]',
            'public = ["shop.billing.apis"]',
            "pyproject.toml:12: `public` entry 'shop.billing.apis' of component 'billing' "
            "matches no module; did you mean 'shop.billing.api'?",
        ),
        (
            'public = ["shop.billing.api"]',
            'public = ["shop..api"]',
            "pyproject.toml:12: 'shop..api' is not a valid module name or pattern (in `public` "
            "of [[tool.archlint.components]] #2); use dotted names, with '*' for one segment or "
            "'**' for any depth",
        ),
    ],
)
def test_configuration_errors(project: Project, run: Run, old: str, new: str, message: str) -> None:
    assert old in COMPONENTS
    project({**SHOP, "pyproject.toml": config(COMPONENTS.replace(old, new, 1))})
    result = run("check")
    assert (result.code, result.out, result.err) == (2, "", f"archlint: error: {message}\n")
    assert run("components").err == f"archlint: error: {message}\n"


def test_component_options_without_components(project: Project, run: Run) -> None:
    project(
        {**SHOP, "pyproject.toml": config("", "[tool.archlint.component-options]\nstrict = true\n")}
    )
    result = run("check")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "archlint: error: pyproject.toml:4: [tool.archlint.component-options] is set but no "
        "component is declared; add [[tool.archlint.components]] tables or remove it\n"
    )
