"""Forbidden: source modules must not import forbidden modules, directly or (by default) indirectly.

Forbidden modules may be internal or external (``requests``). Intermediate modules of a chain are
neither sources nor forbidden: a chain through a source is that source's own violation.
"""

from __future__ import annotations

from archlint.contracts import ForbiddenContract
from archlint.model import Violation, make_violation
from archlint.rules.context import RuleContext

CODE = "ARC201"


def check(contract: ForbiddenContract, ctx: RuleContext) -> list[Violation]:
    graph = ctx.graph
    sources = graph.members(ctx.select(contract, "source", contract.source))
    targets = ctx.select(contract, "forbidden", contract.forbidden, externals=True)
    forbidden = graph.members(targets)
    overlap = sorted(sources & forbidden)
    if overlap:
        raise ctx.fail(
            contract, "forbidden", f"module '{overlap[0]}' is both a source and forbidden"
        )
    violations: list[Violation] = []
    chains = [
        chain
        for target in targets
        for chain in graph.chains_between(sources, graph.members([target]), avoid=forbidden)
    ]
    for chain in chains:
        if contract.allow_indirect and len(chain) > 1:
            continue
        importer, imported = chain[0].importer, chain[-1].imported
        how = "imports" if len(chain) == 1 else "indirectly imports"
        violations.append(
            make_violation(
                CODE, f"{importer} {how} forbidden module {imported}", contract.name, chain
            )
        )
    return violations
