"""Cycles: the children of a package must not import each other in a cycle.

Modules deeper than ``depth`` levels below the package are squashed into their ancestor at that
depth. Each cyclic group is reported once: a shortest cycle through its first member, and a small
set of imports whose removal makes the whole group acyclic.
"""

from __future__ import annotations

from archlint.contracts import CyclesContract
from archlint.graph import ImportGraph
from archlint.model import Violation, make_violation
from archlint.patterns import is_within
from archlint.rules.context import RuleContext

CODE = "ARC401"


def check(contract: CyclesContract, ctx: RuleContext) -> list[Violation]:
    violations: list[Violation] = []
    for package in ctx.select(contract, "packages", contract.packages):
        collapsed = ctx.graph.collapsed(_squash(package, contract.depth))
        for group in collapsed.strongly_connected_components():
            violations.append(_violation(contract, collapsed, group))
    return violations


def _squash(package: str, depth: int) -> _Squash:
    return _Squash(package, len(package.split(".")) + depth)


class _Squash:
    def __init__(self, package: str, segments: int) -> None:
        self.package = package
        self.segments = segments

    def __call__(self, module: str) -> str | None:
        if module == self.package or not is_within(module, self.package):
            return None
        return ".".join(module.split(".")[: self.segments])


def _violation(contract: CyclesContract, graph: ImportGraph, group: list[str]) -> Violation:
    path = graph.shortest_cycle(group[0], group)
    breaks = [f"{a} -> {b}" for a, b in graph.feedback_edges(group)]
    message = (
        f"import cycle {' -> '.join(path)} ({len(group)} modules in the cyclic group; "
        f"removing {', '.join(breaks)} breaks it)"
    )
    return make_violation(
        CODE, message, contract.name, graph.chain_of(path), importer=group[0], imported=group[0]
    )
