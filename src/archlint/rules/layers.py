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
    each module's imports are read once, and each higher unit's reverse search runs once)."""
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
    found: dict[tuple[Unit, Unit], list[Chain]] = {}
    for lower in units:
        highers = [higher for higher in units if _code(lower, higher) is not None]
        for higher in highers:
            found[(lower, higher)] = []
        if not highers:
            continue
        wanted = set(highers)
        for source in sorted(members[lower]):
            best: dict[Unit, dict[str, list[str]]] = {}
            for succ in graph.imported_by(source):
                if succ in layered:  # a direct import: a chain ends at the first layered module
                    paths = [(h, [source, succ]) for h in unit_of[succ] if h in wanted]
                elif succ in reaches:
                    paths = []
                    for higher in reaches[succ]:  # in the order of ``units``
                        if higher in wanted:
                            path = graph.path_through(source, succ, members[higher], hops[higher])
                            assert path is not None
                            paths.append((higher, path))
                else:
                    continue
                for higher, path in paths:
                    ends = best.setdefault(higher, {})
                    if path[-1] not in ends or len(path) < len(ends[path[-1]]):
                        ends[path[-1]] = path
            for higher, ends in best.items():
                found[(lower, higher)].extend(graph.chain_of(ends[end]) for end in sorted(ends))
    return found


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
