"""Declared dependencies: every third-party package the code imports is provided by a dependency
of `[project]`, and every dependency of `[project].dependencies` is imported.

Which import names a distribution provides comes from the contract's ``import-names`` table,
else from installed metadata, else it is guessed from the distribution's name (``foo-bar`` ->
``foo_bar``). Standard-library modules are never reported.
"""

from __future__ import annotations

from dataclasses import replace

from archlint.contracts import DependenciesContract
from archlint.model import Violation, make_violation
from archlint.rules.context import RuleContext

UNDECLARED = "ARC602"
UNUSED = "ARC603"


def check(contract: DependenciesContract, ctx: RuleContext) -> list[Violation]:
    graph = ctx.graph
    provided = {name for dist in ctx.dependencies for name in _names(contract, ctx, dist)[0]}
    imported = {
        name
        for name in graph.external_modules()
        if not graph.module(name).stdlib and graph.importers_of(name)
    }
    violations: list[Violation] = []
    for name in sorted(imported - provided):
        installed = ctx.distributions_of(name)
        hint = (
            f"; add {' or '.join(installed)} to [project].dependencies"
            if installed
            else "; declare the distribution that provides it in [project].dependencies, "
            "or map it in import-names"
        )
        for importer in graph.importers_of(name):
            message = f"{importer} imports {name}, which no declared dependency provides{hint}"
            violations.append(
                make_violation(UNDECLARED, message, contract.name, (graph.link(importer, name),))
            )
    if contract.check_unused:
        violations.extend(_unused(contract, ctx, imported))
    return violations


def _names(
    contract: DependenciesContract, ctx: RuleContext, distribution: str
) -> tuple[tuple[str, ...], str]:
    """The import names of ``distribution`` and how they were found."""
    if distribution in contract.import_names:
        return contract.import_names[distribution], "import-names"
    installed = ctx.import_names(distribution)
    if installed:
        return installed, "installed"
    return (distribution.replace("-", "_"),), "guessed"


def _unused(
    contract: DependenciesContract, ctx: RuleContext, imported: set[str]
) -> list[Violation]:
    violations: list[Violation] = []
    for distribution, line in sorted(ctx.required_dependencies.items()):
        names, source = _names(contract, ctx, distribution)
        if distribution in contract.ignore_unused or imported.intersection(names):
            continue
        how = (
            f" as '{names[0]}' (not installed, so the name is a guess; set import-names)"
            if source == "guessed"
            else f" (it provides {', '.join(names)})"
        )
        message = (
            f"dependency {distribution} is declared in [project].dependencies but never "
            f"imported{how}; remove it or add it to ignore-unused"
        )
        violation = make_violation(
            UNUSED, message, contract.name, (), importer="", imported=distribution
        )
        violations.append(replace(violation, path=ctx.config_path, line=line, column=1))
    return violations
