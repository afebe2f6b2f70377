"""Coupling and modularity metrics of the import graph: pure functions, no I/O.

Per unit (a module, or a package at a given depth): fan-in Ca (how many other units import it),
fan-out Ce (how many other units it imports), instability I = Ce / (Ca + Ce) (Martin 1994),
lines and modules, and the cyclic group it belongs to. For the system: modules, imports,
cyclic groups, the largest one, propagation cost (MacCormack, Rusnak and Baldwin 2006: the
density of the visibility matrix, the transitive closure of the dependency matrix with its
diagonal) and depth (the longest dependency path, in imports, once cycles are condensed).
docs/metrics.md gives each formula and how to choose thresholds.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from archlint.graph import ImportGraph
from archlint.model import ImportKind, Module
from archlint.patterns import is_within

LEVELS = ("module", "package", "component")
# Runtime coupling: an import under ``if TYPE_CHECKING:`` never runs.
DEFAULT_KINDS = frozenset(ImportKind) - {ImportKind.TYPE_CHECKING}


@dataclass(frozen=True, slots=True)
class UnitMetrics:
    name: str
    modules: int
    lines: int
    fan_in: int  # Ca: other units that import this one
    fan_out: int  # Ce: other units this one imports
    instability: float | None  # Ce / (Ca + Ce); None for a unit with neither
    classes: int
    abstract_classes: int
    abstractness: float | None  # abstract classes / classes; None without classes
    distance: float | None  # |A + I - 1|, from the main sequence; None without A or I
    cycle: int  # 1-based number of its cyclic group (largest first), 0 if in none
    cycle_size: int  # units in that group, 0 if in none


@dataclass(frozen=True, slots=True)
class SystemMetrics:
    units: int
    modules: int
    imports: int  # import statements between modules of the project, of the counted kinds
    dependencies: int  # pairs of units, one importing the other
    cyclic_groups: int
    largest_cycle: int  # units in the largest cyclic group, 0 if none
    propagation_cost: float  # 0..1
    depth: int


@dataclass(frozen=True, slots=True)
class Matrix:
    """A dependency structure matrix: ``units`` in display order and, for each (row, column)
    pair of indexes where the row's unit imports the column's, the number of imports."""

    units: tuple[str, ...]
    cells: tuple[tuple[int, int, int], ...]  # (row, column, imports)
    cyclic: frozenset[str]  # units in a cyclic group


@dataclass(frozen=True, slots=True)
class Metrics:
    level: str
    depth: int | None  # package depth, for the package level
    kinds: tuple[str, ...]
    units: tuple[UnitMetrics, ...]
    system: SystemMetrics
    matrix: Matrix


def unit_function(
    level: str, depth: int | None, owners: Mapping[str, str] | None = None
) -> Callable[[Module], str | None]:
    """How modules group into units: each module, its ancestor ``depth`` names deep, or the
    component that owns it (``owners``; modules of no component are left out)."""

    def unit(module: Module) -> str | None:
        if module.external:
            return None
        if level == "component":
            return (owners or {}).get(module.name)
        if level == "module" or depth is None:
            return module.name
        return ".".join(module.name.split(".")[:depth])

    return unit


def instability_of(units: ImportGraph, name: str) -> float | None:
    """Ce / (Ca + Ce) of a unit of a graph of units; None for a unit with neither."""
    fan_in, fan_out = len(units.importers_of(name)), len(units.imported_by(name))
    return fan_out / (fan_in + fan_out) if fan_in + fan_out else None


def measure(
    graph: ImportGraph,
    lines: Mapping[str, int],
    level: str = "module",
    depth: int | None = None,
    kinds: Collection[ImportKind] = DEFAULT_KINDS,
    classes: Mapping[str, tuple[int, int]] | None = None,
    owners: Mapping[str, str] | None = None,
    layers: tuple[tuple[str, ...], ...] = (),
) -> Metrics:
    """The metrics of the project's modules (externals do not count) grouped by ``level``."""
    view = graph.filtered(kinds)
    grouping = unit_function(level, depth, owners)
    units_of = {name: grouping(view.module(name)) for name in view.modules}
    units = view.collapsed(lambda name: units_of[name])
    names = units.modules
    members: dict[str, int] = dict.fromkeys(names, 0)
    sizes: dict[str, int] = dict.fromkeys(names, 0)
    defined: dict[str, list[int]] = {name: [0, 0] for name in names}
    internal_imports = 0
    for name, unit in units_of.items():
        if unit is not None:
            members[unit] += 1
            sizes[unit] += lines.get(name, 0)
            count, abstract = (classes or {}).get(name, (0, 0))
            defined[unit][0] += count
            defined[unit][1] += abstract
    for imp in view.imports():
        if units_of[imp.importer] is not None and units_of[imp.imported] is not None:
            internal_imports += 1
    groups = units.strongly_connected_components()
    group_of = {unit: number for number, group in enumerate(groups, 1) for unit in group}
    rows = []
    for name in names:
        fan_in, fan_out = len(units.importers_of(name)), len(units.imported_by(name))
        number = group_of.get(name, 0)
        instability = instability_of(units, name)
        count, abstract = defined[name]
        abstractness = abstract / count if count else None
        distance = None
        if abstractness is not None and instability is not None:
            distance = abs(abstractness + instability - 1)
        rows.append(
            UnitMetrics(
                name,
                members[name],
                sizes[name],
                fan_in,
                fan_out,
                instability,
                count,
                abstract,
                abstractness,
                distance,
                number,
                len(groups[number - 1]) if number else 0,
            )
        )
    cost, heights = _reach(units, names, groups)
    longest = max(heights.values(), default=0)
    system = SystemMetrics(
        units=len(names),
        modules=sum(members.values()),
        imports=internal_imports,
        dependencies=sum(len(units.imported_by(name)) for name in names),
        cyclic_groups=len(groups),
        largest_cycle=len(groups[0]) if groups else 0,
        propagation_cost=cost,
        depth=longest,
    )
    chosen = tuple(sorted(kind.value for kind in kinds))
    matrix = _matrix(units, names, groups, heights, layers)
    package_depth = depth if level == "package" else None
    return Metrics(level, package_depth, chosen, tuple(rows), system, matrix)


def _matrix(
    graph: ImportGraph,
    names: list[str],
    groups: list[list[str]],
    heights: Mapping[str, int],
    layers: tuple[tuple[str, ...], ...] = (),
) -> Matrix:
    """Units ordered so that, without cycles, every import points down and to the right: by
    layer when ``layers`` (of a layers contract, highest first) are given, then by height
    (from ``_reach``: cycles condensed), highest first, members of a cyclic group together,
    then by name. An import against that order shows a cycle (or, with layers, an upward
    import)."""
    leader = {name: name for name in names}
    for group in groups:
        for name in group:
            leader[name] = group[0]

    def layer(name: str) -> int:
        """The index of the layer the unit is or lies within; else of the only layer it contains
        (a package unit above a deeper layer); else after every layer."""
        within = [i for i, level in enumerate(layers) for e in level if is_within(name, e)]
        if within:
            return within[0]
        above = {i for i, level in enumerate(layers) for e in level if is_within(e, name)}
        return above.pop() if len(above) == 1 else len(layers)

    order = sorted(names, key=lambda name: (layer(name), -heights[name], leader[name], name))
    position = {name: index for index, name in enumerate(order)}
    cells = sorted(
        (position[a], position[b], len(graph.direct_imports(a, b)))
        for a in names
        for b in graph.imported_by(a)
    )
    cyclic = frozenset(name for group in groups for name in group)
    return Matrix(tuple(order), tuple(cells), cyclic)


def _reach(
    graph: ImportGraph, names: list[str], groups: list[list[str]]
) -> tuple[float, dict[str, int]]:
    """Propagation cost, and the height of each unit (the longest chain of imports below it),
    on the graph with each cyclic group condensed to one node: the system's depth is the
    largest height.

    Reachability is kept as one integer bit set per condensed node (bit ``i``: unit ``i``),
    filled in reverse topological order: linear in the imports, times a machine word per 64
    units, where one search per unit would be quadratic."""
    if not names:
        return 0.0, {}
    node_of = {name: index for index, name in enumerate(names)}  # singletons
    for number, group in enumerate(groups):
        for name in group:
            node_of[name] = len(names) + number
    nodes = sorted(set(node_of.values()))
    successors: dict[int, set[int]] = {node: set() for node in nodes}
    bits: dict[int, int] = dict.fromkeys(nodes, 0)
    for index, name in enumerate(names):
        bits[node_of[name]] |= 1 << index
        for target in graph.imported_by(name):
            if node_of[target] != node_of[name]:
                successors[node_of[name]].add(node_of[target])
    order = _topological(nodes, successors)
    reach: dict[int, int] = {}
    longest: dict[int, int] = {}
    for node in reversed(order):  # every successor first
        seen = bits[node]
        depth = 0
        for successor in successors[node]:
            seen |= reach[successor]
            depth = max(depth, longest[successor] + 1)
        reach[node], longest[node] = seen, depth
    visible = sum(reach[node_of[name]].bit_count() for name in names)
    return visible / len(names) ** 2, {name: longest[node_of[name]] for name in names}


def _topological(nodes: list[int], successors: Mapping[int, set[int]]) -> list[int]:
    """Kahn's algorithm: every node before the nodes it imports (the graph is acyclic)."""
    incoming = dict.fromkeys(nodes, 0)
    for node in nodes:
        for target in successors[node]:
            incoming[target] += 1
    ready = [node for node in nodes if incoming[node] == 0]
    order: list[int] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for target in sorted(successors[node]):
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return order
