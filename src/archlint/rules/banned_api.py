"""Banned APIs: modules of ``modules`` (except ``allowed-in``) must not use the banned qualified
names. Uses come from libcst's qualified names (aliases followed), gathered before the rules run.

One violation per use and banned entry; where several names at one position match one entry
(``os.environ.get`` and ``os.environ`` for ``os.*``), the shortest is shown: it is the name
the code reads (libcst also names ``f().x`` after ``f``, as ``f.x``).
"""

from __future__ import annotations

from archlint.banned_names import banned_matches
from archlint.contracts import BannedApiContract
from archlint.model import NameUse, Violation, make_violation
from archlint.rules.context import RuleContext

CODE = "ARC701"


def check(contract: BannedApiContract, ctx: RuleContext) -> list[Violation]:
    graph = ctx.graph
    scope = graph.members(ctx.select(contract, "modules", contract.modules))
    scope -= graph.members(ctx.select(contract, "allowed-in", contract.allowed_in))
    violations: list[Violation] = []
    for module in sorted(scope & set(ctx.name_uses)):
        best: dict[tuple[int, int, str], NameUse] = {}
        for use in ctx.name_uses[module]:
            for entry in contract.names:
                key = (use.line, use.column, entry)
                if banned_matches(entry, use.name) and (
                    key not in best or len(use.name) < len(best[key].name)
                ):
                    best[key] = use
        path = graph.module(module).path or ""
        for (_, _, entry), use in sorted(best.items()):
            violations.append(_violation(contract, module, path, entry, use))
    return violations


def _violation(
    contract: BannedApiContract, module: str, path: str, entry: str, use: NameUse
) -> Violation:
    banned = "" if entry == use.name else f" (banned: {entry})"
    advice = f": {contract.message}" if contract.message else ""
    message = f"{module} uses {use.name}{banned}{advice}"
    violation = make_violation(CODE, message, contract.name, (), importer=module, imported=entry)
    return violation.replace(path=path, line=use.line, column=use.column)
