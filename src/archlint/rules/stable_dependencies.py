"""The Stable Dependencies Principle (Martin): depend in the direction of stability.

A unit (a module, or a package ``depth`` names deep) that contains one of the contract's
``modules`` may import only units whose instability I = Ce / (Ca + Ce) exceeds its own by at
most ``tolerance``. Each breach is one ARC802 violation at the first import statement between
the two units, with both instabilities.
"""

from __future__ import annotations

from archlint.contracts import StableDependenciesContract
from archlint.model import Violation, make_violation
from archlint.rules.context import RuleContext

CODE = "ARC802"


def check(contract: StableDependenciesContract, ctx: RuleContext) -> list[Violation]:
    from archlint.metrics import instability_of, unit_function

    graph = ctx.graph
    selected = graph.members(ctx.select(contract, "modules", contract.modules))
    grouping = unit_function(contract.level, contract.depth)
    units_of = {name: grouping(graph.module(name)) for name in graph.modules}
    checked = {units_of[name] for name in selected}
    units = graph.collapsed(lambda name: units_of[name])  # the view already has the kinds
    instability = {name: instability_of(units, name) for name in units.modules}
    found = []
    for unit in sorted(u for u in checked if u is not None):
        mine = instability.get(unit)
        if mine is None:
            continue
        for target in units.imported_by(unit):
            theirs = instability.get(target)
            if theirs is None or theirs <= mine + contract.tolerance + 1e-9:
                continue
            link = units.link(unit, target)
            tolerance = (
                f" plus the tolerance {contract.tolerance:.2f}" if contract.tolerance else ""
            )
            message = (
                f"{unit} (instability {mine:.2f}) depends on {target} (instability "
                f"{theirs:.2f}), which is less stable than it{tolerance}"
            )
            found.append(
                make_violation(
                    CODE, message, contract.name, (link,), importer=unit, imported=target
                )
            )
    return found
