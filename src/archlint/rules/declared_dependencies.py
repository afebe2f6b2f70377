"""Declared dependencies: every third-party package the code imports is provided by a dependency
of `[project]`, and every dependency of `[project].dependencies` is imported.

In a monorepo, a module whose nearest pyproject.toml below the root has a `[project]` table (a
member project) is checked against that file instead, and each member's dependencies must be
used by its own modules.

Which import names a distribution provides comes from the contract's ``import-names`` table,
else from installed metadata, else it is guessed from the distribution's name (``foo-bar`` ->
``foo_bar``). Standard-library modules are never reported.
"""

from __future__ import annotations

from archlint.contracts import DependenciesContract, ProjectDependencies
from archlint.model import Violation, make_violation
from archlint.rules.context import RuleContext

UNDECLARED = "ARC602"
UNUSED = "ARC603"


def check(contract: DependenciesContract, ctx: RuleContext) -> list[Violation]:
    graph = ctx.graph
    members = set().union(*(member.modules for member in ctx.member_projects))
    root = ProjectDependencies(
        ctx.config_path,
        ctx.dependencies,
        ctx.required_dependencies,
        frozenset(m for m in graph.internal_modules() if m not in members),
    )
    _check_options(contract, ctx, (root, *ctx.member_projects))
    violations: list[Violation] = []
    for project in (root, *ctx.member_projects):
        where = "" if project is root else f" of {project.path}"
        violations.extend(_check_project(contract, ctx, project, where))
    return violations


def _check_options(
    contract: DependenciesContract, ctx: RuleContext, projects: tuple[ProjectDependencies, ...]
) -> None:
    """An `ignore-unused` or `import-names` entry must name a declared distribution."""
    required = {name for project in projects for name in project.required}
    declared = {name for project in projects for name in project.dependencies}
    for name in contract.ignore_unused:
        if name not in required:
            message = f"ignore-unused '{name}' is not in [project].dependencies; remove it"
            raise ctx.fail(contract, "ignore-unused", message)
    for name in sorted(contract.import_names):
        if name not in declared:
            message = f"import-names '{name}' is not a declared dependency; remove it"
            raise ctx.fail(contract, "import-names", message)


def _check_project(
    contract: DependenciesContract, ctx: RuleContext, project: ProjectDependencies, where: str
) -> list[Violation]:
    """The imports of ``project.modules`` against ``project``'s declared dependencies."""
    graph = ctx.graph
    provided = {name for dist in project.dependencies for name in _names(contract, ctx, dist)[0]}
    importers = {
        name: [m for m in graph.importers_of(name) if m in project.modules]
        for name in graph.external_modules()
        if not graph.module(name).stdlib
    }
    imported = {name for name, modules in importers.items() if modules}
    violations: list[Violation] = []
    for name in sorted(imported - provided):
        installed = ctx.distributions_of(name)
        hint = (
            f"; add {' or '.join(installed)} to [project].dependencies{where}"
            if installed
            else f"; declare the distribution that provides it in [project].dependencies{where}, "
            "or map it in import-names"
        )
        for importer in importers[name]:
            message = f"{importer} imports {name}, which no declared dependency provides{hint}"
            violations.append(
                make_violation(UNDECLARED, message, contract.name, (graph.link(importer, name),))
            )
    if contract.check_unused:
        violations.extend(_unused(contract, ctx, project, imported, where))
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
    contract: DependenciesContract,
    ctx: RuleContext,
    project: ProjectDependencies,
    imported: set[str],
    where: str,
) -> list[Violation]:
    violations: list[Violation] = []
    for distribution, line in sorted(project.required.items()):
        names, source = _names(contract, ctx, distribution)
        if distribution in contract.ignore_unused or imported.intersection(names):
            continue
        how = (
            f" as '{names[0]}' (not installed, so the name is a guess; set import-names)"
            if source == "guessed"
            else f" (it provides {', '.join(names)})"
        )
        message = (
            f"dependency {distribution} is declared in [project].dependencies{where} but never "
            f"imported{how}; remove it or add it to ignore-unused"
        )
        violation = make_violation(
            UNUSED, message, contract.name, (), importer="", imported=distribution
        )
        violations.append(violation.replace(path=project.path, line=line, column=1))
    return violations
