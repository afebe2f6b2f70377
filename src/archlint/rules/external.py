"""External confinement: only the modules of ``allowed-in`` may import the listed external
modules (``sqlalchemy``, ``jwt``, ``google.cloud.storage``), directly.

External imports are matched by their full dotted names, which the graph squashes to the
top-level name: ``from google.cloud import storage`` is a use of ``google.cloud.storage``.
Each importer is reported once per confined module, at its first import of it.
"""

from __future__ import annotations

from archlint.contracts import ExternalContract
from archlint.distributions import normalise
from archlint.model import Import, Violation, make_violation
from archlint.patterns import is_within
from archlint.resolve import STDLIB
from archlint.rules.context import RuleContext

CODE = "ARC601"


def check(contract: ExternalContract, ctx: RuleContext) -> list[Violation]:
    imports = [imp for imp in ctx.external_imports if imp.kind in contract.kinds]
    for name in contract.modules:
        _check_known(contract, ctx, name)
    allowed = ctx.graph.members(ctx.select(contract, "allowed-in", contract.allowed_in))
    first: dict[tuple[str, str], Import] = {}
    for imp in imports:
        if imp.importer in allowed:
            continue
        for name in contract.modules:
            if is_within(imp.imported, name):
                first.setdefault((imp.importer, name), imp)
    who = f"only {', '.join(contract.allowed_in)}" if contract.allowed_in else "no module"
    return [
        make_violation(
            CODE,
            f"{imp.importer} imports {imp.imported}; {who} may import {name}",
            contract.name,
            (imp,),
            imported=name,
        )
        for (_, name), imp in sorted(first.items())
    ]


def _check_known(contract: ExternalContract, ctx: RuleContext, name: str) -> None:
    """A confined name must be imported somewhere, be in the standard library, or be provided
    by a declared dependency: otherwise it is probably a typo and the rule would never fire."""
    top = name.split(".", 1)[0]
    if top in ctx.graph and not ctx.graph.module(top).external:
        message = (
            f"'{name}' is a module of the project; `external` contracts confine third-party "
            "modules (use a forbidden contract for the project's own modules)"
        )
        raise ctx.fail(contract, "modules", message)
    if any(is_within(imp.imported, name) for imp in ctx.external_imports):
        return
    if top in STDLIB or normalise(top) in ctx.dependencies:
        return
    if any(top in ctx.import_names(dependency) for dependency in ctx.dependencies):
        return
    imported = sorted({imp.imported for imp in ctx.external_imports})
    import difflib  # only for a mistake: start-up time

    close = difflib.get_close_matches(name, imported, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    message = (
        f"modules '{name}' is not imported by the project, not in the standard library and "
        f"not provided by a declared dependency{hint}"
    )
    raise ctx.fail(contract, "modules", message)
