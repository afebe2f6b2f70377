"""(graph, contracts) -> results: applies each contract's kinds and ignores, runs its rule,
sorts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from archlint.contracts import Config, Contract, ImportPattern, ProjectDependencies
from archlint.graph import ImportGraph
from archlint.model import (
    ArchlintError,
    ContractResult,
    Diagnostic,
    Import,
    NameUse,
    Severity,
    Violation,
)
from archlint.patterns import matches
from archlint.rules import (
    banned_api,
    components,
    cycles,
    declared_dependencies,
    external,
    forbidden,
    independence,
    layers,
    stable_dependencies,
    thresholds,
)
from archlint.rules.context import RuleContext
from archlint.rules.registry import BY_CODE

UNMATCHED_IGNORE = "ARC004"

CHECKERS: dict[str, Callable[[Any, RuleContext], list[Violation]]] = {
    "layers": layers.check,
    "forbidden": forbidden.check,
    "independence": independence.check,
    "cycles": cycles.check,
    "components": components.check,
    "external": external.check,
    "banned-api": banned_api.check,
    "dependencies": declared_dependencies.check,
    "thresholds": thresholds.check,
    "stable-dependencies": stable_dependencies.check,
}


def check_contracts(
    graph: ImportGraph,
    config: Config,
    import_names: Callable[[str], tuple[str, ...]] = lambda distribution: (),
    external_imports: tuple[Import, ...] = (),
    name_uses: Mapping[str, tuple[NameUse, ...]] | None = None,
    distributions_of: Callable[[str], tuple[str, ...]] = lambda import_name: (),
    member_projects: tuple[ProjectDependencies, ...] = (),
    lines: Mapping[str, int] | None = None,
    classes: Mapping[str, tuple[int, int]] | None = None,
) -> tuple[list[ContractResult], list[Diagnostic]]:
    """Check every contract; ``import_names`` maps a distribution to the names it provides;
    ``external_imports`` are the imports of external modules under their full names;
    ``name_uses`` maps modules to their uses of banned names; ``distributions_of`` maps an
    import name to the installed distributions that provide it; ``member_projects`` are the
    pyproject.toml files of a monorepo's members; ``lines`` and ``classes`` (per module) feed
    the thresholds contracts."""
    results: list[ContractResult] = []
    diagnostics: list[Diagnostic] = []
    for contract in config.contracts:
        view, unmatched = _view(graph, contract)
        for pattern in unmatched:
            message = (
                f"ignore '{pattern.text}' of contract '{contract.name}' matches no import; "
                "remove it (or set unmatched-ignores)"
            )
            if config.unmatched_ignores == "error":
                raise ArchlintError(message, config.path, pattern.line or contract.line)
            if config.unmatched_ignores == "warn":
                diagnostics.append(
                    Diagnostic(
                        config.path,
                        pattern.line or contract.line,
                        1,
                        UNMATCHED_IGNORE,
                        message,
                        Severity.WARNING,
                    )
                )
        ctx = RuleContext(
            view,
            config.path,
            config.dependencies,
            import_names,
            external_imports,
            name_uses or {},
            config.required_dependencies,
            distributions_of,
            member_projects,
            lines or {},
            classes or {},
        )
        violations: list[Violation] = []
        for violation in CHECKERS[contract.type](contract, ctx):
            if BY_CODE[violation.code].severity is Severity.WARNING:
                diagnostics.append(_warning(violation, contract.name))
            else:
                violations.append(violation)
        unique = {v.sort_key: v for v in violations}
        results.append(
            ContractResult(contract.name, contract.type, tuple(unique[k] for k in sorted(unique)))
        )
    return results, diagnostics


def contract_view(graph: ImportGraph, contract: Contract) -> ImportGraph:
    """The graph as ``contract`` sees it: its import kinds, its ignores removed."""
    return _view(graph, contract)[0]


def _view(graph: ImportGraph, contract: Contract) -> tuple[ImportGraph, list[ImportPattern]]:
    """The graph as this contract sees it, and the ignore patterns that matched nothing."""
    used: set[ImportPattern] = set()

    def ignored(imp: Import) -> bool:
        hit = False
        for pattern in contract.ignore:
            if matches(pattern.importer, imp.importer) and matches(pattern.imported, imp.imported):
                used.add(pattern)
                hit = True
        return hit

    view = graph.filtered(contract.kinds, ignored if contract.ignore else None)
    return view, [p for p in contract.ignore if p not in used]


def _warning(violation: Violation, contract: str) -> Diagnostic:
    """A violation of a warning code, reported like other warnings: it does not fail the run."""
    return Diagnostic(
        violation.path,
        violation.line,
        violation.column,
        violation.code,
        f"{violation.message} [{contract}]",
        Severity.WARNING,
    )
