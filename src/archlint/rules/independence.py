"""Independence: the listed modules must not import each other, directly or indirectly."""

from __future__ import annotations

from archlint.contracts import IndependenceContract
from archlint.model import Violation, make_violation
from archlint.rules.context import RuleContext

CODE = "ARC301"


def check(contract: IndependenceContract, ctx: RuleContext) -> list[Violation]:
    graph = ctx.graph
    modules = ctx.select(contract, "modules", contract.modules)
    nested = [(a, b) for a in modules for b in modules if a != b and b.startswith(a + ".")]
    if nested:
        raise ctx.fail(
            contract,
            "modules",
            f"'{nested[0][1]}' is inside '{nested[0][0]}'; independent modules "
            "must not contain each other",
        )
    members = {module: graph.members([module]) for module in modules}
    everyone = set().union(*members.values()) if members else set()
    violations: list[Violation] = []
    for source in modules:
        for target in modules:
            if source == target:
                continue
            for chain in graph.chains_between(members[source], members[target], avoid=everyone):
                how = "imports" if len(chain) == 1 else "indirectly imports"
                violations.append(
                    make_violation(
                        CODE,
                        f"{chain[0].importer} {how} {chain[-1].imported}, but {source} and "
                        f"{target} must be independent",
                        contract.name,
                        chain,
                    )
                )
    return violations
