"""``archlint metrics`` end to end: exact tables, JSON and CSV, and its usage errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

from tests.e2e.conftest import Project, Run

SHOP = {
    "pyproject.toml": "[tool.archlint]\n",
    "src/shop/__init__.py": "",
    "src/shop/api/__init__.py": "",
    "src/shop/api/views.py": "from shop.core import models\nimport requests\n",
    "src/shop/core/__init__.py": "",
    "src/shop/core/models.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
    "    from shop.api import views\n",
    "src/shop/core/rules.py": "from shop.core import models\nfrom shop.api import views\n",
}


def test_table_by_module(project: Project, run: Run) -> None:
    project(SHOP)
    result = run("metrics")
    assert result.code == 0, result.err
    # visibility, each module seeing itself: rules 3 (models, views), views 2, the others 1
    assert result.out == (
        "unit              modules  lines  fan-in  fan-out  instability  classes  abstractness  distance  cycle\n"
        "shop                    1      0       0        0            -        0             -         -      -\n"
        "shop.api                1      0       0        0            -        0             -         -      -\n"
        "shop.api.views          1      2       1        1         0.50        0             -         -      -\n"
        "shop.core               1      0       0        0            -        0             -         -      -\n"
        "shop.core.models        1      3       2        0         0.00        0             -         -      -\n"
        "shop.core.rules         1      2       0        2         1.00        0             -         -      -\n"
        "\n"
        "6 module units, 6 modules, 3 imports, 3 dependencies between units "
        "(kinds: dynamic, function, optional, top-level)\n"
        "cyclic groups: 0, largest: 0 units\n"
        "propagation cost: 25.0 %, depth: 2\n"
    )


def test_json_by_package_with_type_checking_imports(project: Project, run: Run) -> None:
    project(SHOP)
    result = run(
        "metrics", "--level", "package", "--format", "json", "--kinds", "top-level,type-checking"
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["level"] == "package" and data["depth"] == 2
    assert data["kinds"] == ["top-level", "type-checking"]
    units = {
        u["name"]: (u["fan_in"], u["fan_out"], u["cycle"], u["cycle_size"]) for u in data["units"]
    }
    # models -> views (type-checking) and views -> models: shop.api and shop.core form a cycle
    assert units == {"shop": (0, 0, None, 0), "shop.api": (1, 1, 1, 2), "shop.core": (1, 1, 1, 2)}
    assert data["system"]["cyclic_groups"] == 1
    assert data["system"]["propagation_cost"] == round(5 / 9, 4)


def test_csv(project: Project, run: Run) -> None:
    project(SHOP)
    result = run("metrics", "--format", "csv", "--level", "package", "--depth", "1")
    assert result.code == 0, result.err
    assert result.out == (
        "unit,modules,lines,fan-in,fan-out,instability,classes,abstractness,distance,cycle,"
        "cycle_size\nshop,6,7,0,0,,0,,,,0\n"
    )


def test_abstractness_and_distance(project: Project, run: Run) -> None:
    files = {
        **SHOP,
        "src/shop/core/ports.py": "from abc import ABC, abstractmethod\n"
        "from typing import Protocol\n\n\nclass Repository(ABC):\n    pass\n\n\n"
        "class Clock(Protocol):\n    def now(self) -> int: ...\n\n\n"
        "class Mailer:\n    @abstractmethod\n    def send(self) -> None: ...\n\n\n"
        "class Plain:\n    pass\n",
        "src/shop/api/views.py": "from shop.core import models, ports\n\n\nclass View:\n    pass\n",
    }
    project(files)
    data = json.loads(run("metrics", "--level", "package", "--format", "json").out)
    units = {u["name"]: u for u in data["units"]}
    core, api = units["shop.core"], units["shop.api"]
    # shop.core: 3 abstract of 4 classes; it imports shop.api (rules.py) and shop.api imports
    # it: Ca = Ce = 1, I = 0.5, D = |0.75 + 0.5 - 1|
    assert (core["classes"], core["abstract_classes"], core["abstractness"]) == (4, 3, 0.75)
    assert (core["instability"], core["distance"]) == (0.5, 0.25)
    # shop.api: one concrete class: A = 0, I = 0.5, D = |0 + 0.5 - 1|
    assert (api["abstractness"], api["instability"], api["distance"]) == (0.0, 0.5, 0.5)


def test_usage_errors_exit_2(project: Project, run: Run) -> None:
    project(SHOP)
    bad_kind = run("metrics", "--kinds", "top-level,functon")
    assert bad_kind.code == 2
    assert (
        "unknown import kind 'functon'" in bad_kind.err
        and "did you mean 'function'?" in bad_kind.err
    )
    assert run("metrics", "--level", "package", "--depth", "0").code == 2
    assert run("metrics", "--level", "service").code == 2


def test_plot_writes_a_standalone_matrix(project: Project, run: Run) -> None:
    root = project(SHOP)
    result = run("metrics", "--kinds", "top-level,type-checking", "--plot", "dsm.svg")
    assert result.code == 0, result.err
    assert "wrote the A/I scatter and the matrix to dsm.svg" in result.err
    svg = (root / "dsm.svg").read_text(encoding="utf-8")
    document = ElementTree.fromstring(svg)  # well-formed, standalone
    assert document.tag == "{http://www.w3.org/2000/svg}svg"
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no network
    texts = [t.text or "" for t in document.iter("{http://www.w3.org/2000/svg}text")]
    labels = [text for text in texts if re.fullmatch(r"\d+ shop[\w.]*", text)]
    assert "Abstractness and instability: 0 of 6 units" in texts  # no module has a class
    # the matrix, highest first: rules imports both; the views <-> models cycle stays together
    assert labels == [
        "1 shop.core.rules",
        "2 shop",
        "3 shop.api",
        "4 shop.api.views",
        "5 shop.core.models",
        "6 shop.core",
    ]
    cells = [
        r
        for r in document.iter("{http://www.w3.org/2000/svg}rect")
        if r.find("{*}title") is not None
    ]
    red = [r.find("{*}title").text for r in cells if r.get("fill") == "#c0392b"]  # type: ignore[union-attr]
    assert red == ["shop.core.models imports shop.api.views: 1"]
    run("metrics", "--kinds", "top-level,type-checking", "--plot", "again.svg")
    assert (root / "again.svg").read_text(encoding="utf-8") == svg  # deterministic


def test_plot_errors_exit_2(project: Project, run: Run) -> None:
    root = project({**SHOP, **{f"src/shop/many/m{i}.py": "" for i in range(300)}})
    result = run("metrics", "--plot", "dsm.svg")
    assert result.code == 2
    assert (
        "units are too many for a readable matrix (at most 300); use --level package" in result.err
    )
    assert not (root / "dsm.svg").exists()
    assert run("metrics", "--level", "package", "--plot", "dsm.svg").code == 0
    missing = run("metrics", "--level", "package", "--plot", "no/such/dir/dsm.svg")
    assert missing.code == 2 and "cannot write no/such/dir/dsm.svg" in missing.err


def test_component_level_on_the_services_example(run: Run) -> None:
    services = Path(__file__).resolve().parents[2] / "examples" / "services"
    result = run("metrics", str(services), "--level", "component", "--format", "csv", "--no-cache")
    assert result.code == 0, result.err
    # the same dependencies as `archlint components`: events is used by billing, inventory and
    # orders; orders uses auth, billing, events and inventory
    assert result.out == (
        "unit,modules,lines,fan-in,fan-out,instability,classes,abstractness,distance,cycle,cycle_size\n"
        "auth,2,11,1,0,0.00,0,,,,0\n"
        "billing,3,21,1,1,0.50,1,0.00,0.50,,0\n"
        "events,1,16,3,0,0.00,2,0.00,1.00,,0\n"
        "inventory,2,7,1,2,0.67,0,,,,0\n"
        "orders,2,11,0,4,1.00,0,,,,0\n"
        "platform,3,16,1,0,0.00,0,,,,0\n"
    )


def test_component_level_needs_components(project: Project, run: Run) -> None:
    project(SHOP)
    result = run("metrics", "--level", "component")
    assert result.code == 2
    assert "no components are declared; add [[tool.archlint.components]] tables" in result.err


def test_the_matrix_follows_the_layers_contract(project: Project, run: Run) -> None:
    layers = '[tool.archlint]\n[[tool.archlint.layers]]\nlayers = ["shop.core", "shop.api"]\n'
    root = project({**SHOP, "pyproject.toml": layers})
    assert run("metrics", "--level", "package", "--plot", "dsm.svg").code == 0
    document = ElementTree.fromstring((root / "dsm.svg").read_text(encoding="utf-8"))
    texts = [t.text or "" for t in document.iter("{http://www.w3.org/2000/svg}text")]
    # layer order first (shop.core above shop.api, as declared), then the rest
    assert [t for t in texts if re.fullmatch(r"\d+ shop[\w.]*", t)] == [
        "1 shop.core",
        "2 shop.api",
        "3 shop",
    ]
    cells = [
        r
        for r in document.iter("{http://www.w3.org/2000/svg}rect")
        if r.find("{*}title") is not None
    ]
    red = sorted(r.find("{*}title").text or "" for r in cells if r.get("fill") == "#c0392b")  # type: ignore[union-attr]
    assert red == ["shop.api imports shop.core: 1"]  # against the declared order
