"""The services example (a modular monolith) kept and broken, and its component map."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_services_is_kept(run: Run) -> None:
    result = run("check", "--no-cache", "--format", "concise", cwd=EXAMPLES / "services")
    assert (result.code, result.out, result.err) == (0, "", "")
    text = run("check", "--no-cache", cwd=EXAMPLES / "services").out
    assert text.endswith(
        "6 contracts: 6 kept, 0 broken | 0 violations | 14 files, 14 modules, 19 imports\n"
    )


def test_example_services_broken_shows_every_new_code(run: Run) -> None:
    result = run("check", "--no-cache", "--format", "concise", cwd=EXAMPLES / "services-broken")
    assert result.code == 1
    assert result.err == ""
    assert result.out == (
        "pyproject.toml:8:1: ARC603 dependency redis is declared in [project].dependencies but never imported (it provides redis); remove it or add it to ignore-unused [Imports match the declared dependencies]\n"
        "pyproject.toml:33:1: ARC505 component inventory declares depends-on 'auth' but never imports it; remove it [Shop components]\n"
        "src/shop/billing/api.py:10:5: ARC501 shop.billing.api (component billing) imports shop.orders.checkout, a private module of component orders; import its public interface: shop.orders [Shop components]\n"
        "src/shop/billing/api.py:10:5: ARC502 shop.billing.api (component billing) imports shop.orders.checkout, but component billing does not declare depends-on 'orders' [Shop components]\n"
        "src/shop/billing/api.py:10:5: ARC504 component cycle billing -> orders -> billing [Shop components]\n"
        "src/shop/orders/checkout.py:3:1: ARC602 shop.orders.checkout imports yaml, which no declared dependency provides; add PyYAML to [project].dependencies [Imports match the declared dependencies]\n"
        "src/shop/orders/checkout.py:4:1: ARC601 shop.orders.checkout imports sqlalchemy.text; only shop.adapters.db may import sqlalchemy [Only the database adapter talks to the database]\n"
        "src/shop/orders/checkout.py:6:1: ARC502 shop.orders.checkout (component orders) imports shop.adapters.db, but component orders does not declare depends-on 'platform' [Shop components]\n"
        "src/shop/orders/checkout.py:6:1: ARC503 shop.orders.checkout (component orders) imports shop.adapters.db, but component platform is visible only to: inventory [Shop components]\n"
        "src/shop/orders/checkout.py:9:1: ARC501 shop.orders.checkout (component orders) imports shop.billing.models, a private module of component billing; import its public interface: shop.billing, shop.billing.api [Shop components]\n"
        "src/shop/orders/checkout.py:12:1: warning: ARC506 shop.orders.checkout (component orders) imports shop.legacy: orders depends on legacy, which is deprecated [Shop components]\n"
        "src/shop/orders/checkout.py:16:19: ARC701 shop.orders.checkout uses os.environ: import the setting from shop.settings [Settings come from shop.settings]\n"
    )


def test_example_services_component_map(run: Run) -> None:
    result = run("components", "--no-cache", cwd=EXAMPLES / "services")
    assert result.code == 0
    assert result.out.endswith(
        "platform (shop.adapters, shop.settings: 3 modules)\n"
        "  public:           shop.adapters, shop.settings, shop.adapters.db\n"
        "  declared deps:    -\n"
        "  actual deps:      -\n"
        "  used by:          inventory\n"
        "  imported modules: shop.adapters.db\n"
        "  extractable:      yes\n"
        "\n"
        "6 components, 6 extractable (auth, billing, events, inventory, orders, platform) "
        "| 1 module in no component\n"
    )
    broken = run("components", "--no-cache", cwd=EXAMPLES / "services-broken").out
    assert broken.endswith(
        "7 components, 5 extractable (auth, events, inventory, legacy, platform) "
        "| 1 module in no component\n"
    )
