"""Layers: a module may import lower layers, never higher ones; `a | b` siblings never each other.

Every pair of layer units (lower, higher) is searched for chains whose intermediate modules are
in no layer: a chain through another layer always contains a shorter illegal chain, which is the
one reported.
"""

from __future__ import annotations

from archlint.contracts import LayersContract
from archlint.graph import Chain, ImportGraph
from archlint.model import Violation, make_violation
from archlint.rules.context import RuleContext

UPWARD = "ARC101"
SIBLING = "ARC102"
UNLAYERED = "ARC103"

Unit = tuple[int, str]  # (level index, 0 = highest; the layer as named, container included)


def check(contract: LayersContract, ctx: RuleContext) -> list[Violation]:
    graph = ctx.graph
    containers = ctx.select(contract, "containers", contract.containers) or [""]
    violations: list[Violation] = []
    for container in containers:
        expanded = _units(contract, ctx, container)
        units = list(expanded)
        members = {unit: graph.members(modules) for unit, modules in expanded.items()}
        for (lower, higher), chains in _illegal_chains(graph, units, members).items():
            code = _code(lower, higher)
            assert code is not None
            for chain in chains:
                violations.append(
                    make_violation(
                        code,
                        _message(code, chain[0].importer, chain[-1].imported, lower, higher),
                        contract.name,
                        chain,
                    )
                )
        if contract.exhaustive:
            violations.extend(_unlayered(contract, ctx, container, units))
    return violations


def _illegal_chains(
    graph: ImportGraph, units: list[Unit], members: dict[Unit, set[str]]
) -> dict[tuple[Unit, Unit], list[Chain]]:
    """For each pair (lower, higher) whose imports are illegal: the shortest chains from a
    module of ``lower`` to one of ``higher`` through modules in no layer, one per source and
    end (``ImportGraph.chains_between`` for every pair, computed in one pass per lower unit:
    each module's imports are read once, and each higher unit's reverse search runs once).
    The way on from a module in no layer towards a higher unit does not depend on where the
    chain started: it is followed, and its links looked up, once per (module, unit)."""
    layered = set().union(*members.values())
    unit_of: dict[str, list[Unit]] = {}
    for unit in units:
        for module in members[unit]:
            unit_of.setdefault(module, []).append(unit)
    targets = [h for h in units if any(_code(lower, h) is not None for lower in units)]
    hops = {higher: graph.hops_towards(members[higher], layered) for higher in targets}
    reaches: dict[str, list[Unit]] = {}  # module in no layer -> the units it leads to
    for higher in targets:
        for module in hops[higher]:
            reaches.setdefault(module, []).append(higher)
    onward: dict[tuple[str, Unit], tuple[str, int, Chain]] = {}  # (end, length, links)
    found: dict[tuple[Unit, Unit], list[Chain]] = {}
    for lower in units:
        highers = [higher for higher in units if _code(lower, higher) is not None]
        for higher in highers:
            found[(lower, higher)] = []
        if not highers:
            continue
        wanted = set(highers)
        for source in sorted(members[lower]):
            # per higher unit, per end: (length, the first module after source, the rest)
            best: dict[Unit, dict[str, tuple[int, str, Chain]]] = {}
            for succ in graph.imported_by(source):
                ways: list[tuple[Unit, str, int, Chain]]
                if succ in layered:  # a direct import: a chain ends at the first layered module
                    ways = [(h, succ, 2, ()) for h in unit_of[succ] if h in wanted]
                elif succ in reaches:
                    ways = []
                    for higher in reaches[succ]:  # in the order of ``units``
                        if higher in wanted:
                            key = (succ, higher)
                            way = onward.get(key)
                            if way is None:
                                way = onward[key] = _onward(
                                    graph, succ, members[higher], hops[higher]
                                )
                            ways.append((higher, *way))
                else:
                    continue
                for higher, end, length, rest in ways:
                    ends = best.setdefault(higher, {})
                    if end not in ends or length < ends[end][0]:
                        ends[end] = (length, succ, rest)
            for higher, ends in best.items():
                chains = found[(lower, higher)]
                for end in sorted(ends):
                    _, succ, rest = ends[end]
                    chains.append((graph.link(source, succ), *rest))
    return found


def _onward(
    graph: ImportGraph, module: str, targets: set[str], next_hop: dict[str, str]
) -> tuple[str, int, Chain]:
    """From ``module`` (in no layer) along ``next_hop`` to the first of ``targets``: where it
    ends, how many modules a chain that imports ``module`` has, and its links after that."""
    path = [module]
    while path[-1] not in targets:
        path.append(next_hop[path[-1]])
    return path[-1], len(path) + 1, graph.chain_of(path)


def _code(lower: Unit, higher: Unit) -> str | None:
    if lower[0] > higher[0]:
        return UPWARD
    if lower[0] == higher[0] and lower[1] != higher[1]:
        return SIBLING
    return None


def _units(contract: LayersContract, ctx: RuleContext, container: str) -> dict[Unit, list[str]]:
    units: dict[Unit, list[str]] = {}
    for level, names in enumerate(contract.layers):
        for name in names:
            full = f"{container}.{name}" if container else name
            units[(level, full)] = ctx.select(contract, "layers", (full,))
    return units


def _message(code: str, importer: str, imported: str, lower: Unit, higher: Unit) -> str:
    if code == UPWARD:
        return f"{importer} (layer {lower[1]}) imports {imported} (higher layer {higher[1]})"
    return (
        f"{importer} (layer {lower[1]}) imports {imported} (independent sibling layer {higher[1]})"
    )


def _unlayered(
    contract: LayersContract, ctx: RuleContext, container: str, units: list[Unit]
) -> list[Violation]:
    layer_modules = {name for _, name in units}
    found: list[Violation] = []
    for child in ctx.graph.children(container):
        if child in layer_modules:
            continue
        module = ctx.graph.module(child)
        violation = make_violation(
            UNLAYERED,
            f"{child} is a child of {container} but belongs to no layer of an exhaustive contract",
            contract.name,
            (),
            importer=child,
            imported=container,
        )
        found.append(violation.replace(path=module.path or "", line=1, column=1))
    return found
