"""Layers: a module may import lower layers, never higher ones; `a | b` siblings never each other.

Every pair of layer units (lower, higher) is searched for chains whose intermediate modules are
in no layer: a chain through another layer always contains a shorter illegal chain, which is the
one reported.
"""

from __future__ import annotations

from dataclasses import replace

from archlint.contracts import LayersContract
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
        layered = set().union(*members.values())
        for lower in units:
            for higher in units:
                code = _code(lower, higher)
                if code is None:
                    continue
                chains = graph.chains_between(members[lower], members[higher], avoid=layered)
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
        found.append(replace(violation, path=module.path or "", line=1, column=1))
    return found
