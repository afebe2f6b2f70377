"""Metrics against values computed by hand (docs/metrics.md gives the formulas)."""

from __future__ import annotations

import pytest

from archlint.graph import ImportGraph
from archlint.metrics import measure
from archlint.model import Import, ImportKind, Module

TOP, TC = ImportKind.TOP_LEVEL, ImportKind.TYPE_CHECKING


def graph(edges: list[tuple[str, str, ImportKind]], external: tuple[str, ...] = ()) -> ImportGraph:
    names = sorted({n for a, b, _ in edges for n in (a, b)} - set(external))
    modules = [Module(n, f"{n.replace('.', '/')}.py") for n in names]
    modules += [Module(n, None, external=True) for n in external]
    imports = [
        Import(a, b, f"{a.replace('.', '/')}.py", i + 1, 1, k) for i, (a, b, k) in enumerate(edges)
    ]
    return ImportGraph(modules, imports)


# a -> b <-> c -> d, plus a -> d under TYPE_CHECKING and a -> requests (external)
EDGES = [("a", "b", TOP), ("b", "c", TOP), ("c", "b", TOP), ("c", "d", TOP), ("a", "d", TC)]
SMALL = graph([*EDGES, ("a", "requests", TOP)], external=("requests",))
LINES = {"a": 10, "b": 20, "c": 5, "d": 1}


def test_module_level_by_hand() -> None:
    result = measure(SMALL, LINES)
    rows = {u.name: (u.fan_in, u.fan_out, u.instability, u.cycle, u.lines) for u in result.units}
    assert rows == {
        "a": (0, 1, 1.0, 0, 10),
        "b": (2, 1, pytest.approx(1 / 3), 1, 20),
        "c": (1, 2, pytest.approx(2 / 3), 1, 5),
        "d": (1, 0, 0.0, 0, 1),
    }
    system = result.system
    assert (system.units, system.modules, system.imports, system.dependencies) == (4, 4, 4, 4)
    assert (system.cyclic_groups, system.largest_cycle) == (1, 2)
    # visibility (each module sees itself): a 4, b 3, c 3, d 1 -> 11 of 16
    assert system.propagation_cost == pytest.approx(11 / 16)
    assert system.depth == 2  # a -> {b, c} -> d
    assert result.kinds == ("dynamic", "function", "optional", "top-level")


def test_type_checking_imports_count_when_asked() -> None:
    result = measure(SMALL, LINES, kinds=frozenset(ImportKind))
    rows = {u.name: (u.fan_in, u.fan_out) for u in result.units}
    assert rows["a"] == (0, 2) and rows["d"] == (2, 0)
    assert result.system.imports == 5
    assert result.system.propagation_cost == pytest.approx(11 / 16)  # a already saw d


def test_package_level_condenses_a_cycle_between_packages() -> None:
    edges = [("p.x.a", "p.y.c", TOP), ("p.y.c", "p.x.b", TOP), ("p.x.a", "p.x.b", TOP)]
    result = measure(graph(edges), {"p.x.a": 3, "p.x.b": 4, "p.y.c": 5}, "package", 2)
    rows = {u.name: (u.modules, u.lines, u.fan_in, u.fan_out, u.cycle_size) for u in result.units}
    assert rows == {"p.x": (2, 7, 1, 1, 2), "p.y": (1, 5, 1, 1, 2)}
    assert result.system.propagation_cost == 1.0
    assert result.system.depth == 0
    assert result.depth == 2


def test_a_module_without_imports() -> None:
    result = measure(graph([("a", "b", TC)]), {}, kinds=frozenset({TOP}))
    assert [(u.name, u.instability) for u in result.units] == [("a", None), ("b", None)]
    assert result.system.propagation_cost == 0.5  # each sees only itself: 2 of 4
    assert result.system.depth == 0


def test_a_long_chain_is_linear_and_deep() -> None:
    n = 2000
    edges = [(f"m{i:04}", f"m{i + 1:04}", TOP) for i in range(n - 1)]
    result = measure(graph(edges), {})
    assert result.system.depth == n - 1
    # module i sees the n - i modules from itself on: sum = n (n + 1) / 2
    assert result.system.propagation_cost == pytest.approx((n + 1) / (2 * n))
