"""Thresholds contracts end to end: breaches with values and contributors, and bad limits."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Project, Run

CODE = {
    "src/shop/__init__.py": "",
    "src/shop/api/__init__.py": "",
    "src/shop/api/views.py": "from shop.core import models\n",
    "src/shop/core/__init__.py": "",
    "src/shop/core/models.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
    "    from shop.api import views\n",
    "src/shop/core/rules.py": "from shop.core import models\nfrom shop.api import views\n",
}


def config(body: str) -> str:
    return (
        f'[tool.archlint]\n[[tool.archlint.thresholds]]\nname = "T"\nmodules = ["shop.**"]\n{body}'
    )


def test_package_level_breaches(project: Project, run: Run) -> None:
    toml = config('level = "package"\nmax-cycle-size = 1\nmax-instability = 0.4\nmax-depth = 0\n')
    project({**CODE, "pyproject.toml": toml})
    result = run("check", "--format", "concise", "--no-cache")
    assert result.code == 1
    # views -> models and rules -> views: shop.api and shop.core import each other (Ca = Ce =
    # 1, I = 0.5); condensed, the graph has no chain left (depth 0, within the limit)
    assert result.out.splitlines() == [
        "src/shop/api/__init__.py:1:1: ARC801 shop.api has a cyclic group of 2 units, above "
        "max-cycle-size 1: shop.api, shop.core [T]",
        "src/shop/api/__init__.py:1:1: ARC801 shop.api has instability 0.50, above "
        "max-instability 0.40 [T]",
        "src/shop/core/__init__.py:1:1: ARC801 shop.core has a cyclic group of 2 units, above "
        "max-cycle-size 1: shop.api, shop.core [T]",
        "src/shop/core/__init__.py:1:1: ARC801 shop.core has instability 0.50, above "
        "max-instability 0.40 [T]",
    ]


def test_type_checking_imports_count_only_when_asked(project: Project, run: Run) -> None:
    project({**CODE, "pyproject.toml": config("max-fan-in = 1\n")})
    models = (
        "src/shop/core/models.py:1:1: ARC801 shop.core.models has fan-in 2, above max-fan-in 1; "
        "most importers: shop.api.views (1), shop.core.rules (1) [T]"
    )
    assert run("check", "--format", "concise", "--no-cache").out.splitlines() == [models]
    project({"pyproject.toml": config('max-fan-in = 1\nkinds = ["top-level", "type-checking"]\n')})
    result = run("check", "--format", "concise", "--no-cache")
    assert result.out.splitlines() == [
        "src/shop/api/views.py:1:1: ARC801 shop.api.views has fan-in 2, above max-fan-in 1; "
        "most importers: shop.core.models (1), shop.core.rules (1) [T]",
        models,
    ]


def test_kept_within_limits(project: Project, run: Run) -> None:
    project({**CODE, "pyproject.toml": config("max-fan-out = 2\nmax-fan-in = 2\n")})
    result = run("check", "--no-cache")
    assert result.code == 0, result.out
    assert "KEPT   T (thresholds)" in result.out


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            "max-fanout = 3\n",
            "pyproject.toml:5: unknown key 'max-fanout' in [[tool.archlint.thresholds]] #1; did you mean 'max-fan-out'?",
        ),
        (
            "max-fan-out = -1\n",
            "pyproject.toml:5: `max-fan-out` in [[tool.archlint.thresholds]] #1 must be a whole number of at least 0, got -1",
        ),
        (
            'max-fan-out = "ten"\n',
            'pyproject.toml:5: `max-fan-out` in [[tool.archlint.thresholds]] #1 must be a whole number of at least 0, got "ten"',
        ),
        (
            "max-instability = 1.5\n",
            "pyproject.toml:5: `max-instability` in [[tool.archlint.thresholds]] #1 must be a number from 0 to 1, got 1.5",
        ),
        (
            'level = "service"\nmax-depth = 3\n',
            'pyproject.toml:5: unknown level "service" in [[tool.archlint.thresholds]] #1; use: module, package',
        ),
        (
            "depth = 0\nmax-depth = 3\n",
            "pyproject.toml:5: `depth` in [[tool.archlint.thresholds]] #1 must be a whole number of at least 1, got 0",
        ),
        (
            "",
            "pyproject.toml:2: [[tool.archlint.thresholds]] #1 sets no limit; add one of max-fan-out, max-fan-in, max-instability, max-distance, max-module-lines, max-cycle-size, max-propagation-cost, max-depth (e.g. max-fan-out = 20)",
        ),
    ],
)
def test_bad_limits_exit_2(project: Project, run: Run, body: str, error: str) -> None:
    project({**CODE, "pyproject.toml": config(body)})
    result = run("check", "--no-cache")
    assert result.code == 2
    assert result.err == f"archlint: error: {error}\n"


def test_a_pattern_that_matches_nothing(project: Project, run: Run) -> None:
    toml = config("max-fan-out = 3\n").replace('"shop.**"', '"shop.nothing"')
    project({**CODE, "pyproject.toml": toml})
    result = run("check", "--no-cache")
    assert result.code == 2
    assert "modules 'shop.nothing' matches no module" in result.err


SDP = {
    "src/shop/__init__.py": "",
    "src/shop/money.py": "from shop import pricing\n",
    "src/shop/pricing.py": "from shop import money, taxes\n",
    "src/shop/taxes.py": "",
    "src/shop/cart.py": "from shop import money, pricing\n",
}


def sdp(body: str = "") -> str:
    return (
        '[tool.archlint]\n[[tool.archlint.stable-dependencies]]\nname = "S"\n'
        f'modules = ["shop.**"]\n{body}'
    )


def test_stable_dependencies(project: Project, run: Run) -> None:
    project({**SDP, "pyproject.toml": sdp()})
    result = run("check", "--format", "concise", "--no-cache")
    assert result.code == 1
    # money: Ca 2, Ce 1, I 1/3; pricing: Ca 2, Ce 2, I 1/2; taxes 0; cart 1
    assert result.out == (
        "src/shop/money.py:1:1: ARC802 shop.money (instability 0.33) depends on shop.pricing "
        "(instability 0.50), which is less stable than it [S]\n"
    )
    project({"pyproject.toml": sdp("tolerance = 0.2\n")})
    assert run("check", "--no-cache").code == 0  # 0.50 <= 0.33 + 0.2


def test_stable_dependencies_by_package(project: Project, run: Run) -> None:
    project({**CODE, "pyproject.toml": sdp('level = "package"\n')})
    result = run("check", "--format", "concise", "--no-cache")
    assert result.code == 0, result.out  # shop.api and shop.core: both 0.5


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            "tolerance = 2\n",
            "`tolerance` in [[tool.archlint.stable-dependencies]] #1 must be a number from 0 to 1, got 2",
        ),
        (
            "max-fan-out = 2\n",
            "unknown key 'max-fan-out' in [[tool.archlint.stable-dependencies]] #1; allowed keys are: name, kinds, modules, level, depth, tolerance",
        ),
    ],
)
def test_bad_stable_dependencies(project: Project, run: Run, body: str, error: str) -> None:
    project({**SDP, "pyproject.toml": sdp(body)})
    result = run("check", "--no-cache")
    assert result.code == 2
    assert result.err == f"archlint: error: pyproject.toml:5: {error}\n"
