"""Components: each owns its modules; others import only its public interface, only when they
declare the dependency and its visibility grants it, and components form no cycle.

Every import between two components is checked once (at its first statement). A deprecated
dependency is allowed with a warning (ARC506, turned into a warning by the engine). With
``strict``, a declared dependency that no import uses is reported at its line in pyproject.toml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archlint.contracts import Component, ComponentsContract
from archlint.graph import ImportGraph
from archlint.model import Import, Violation, make_violation
from archlint.rules.context import RuleContext

if TYPE_CHECKING:  # ownership loads only when a components contract is checked
    from archlint.ownership import Ownership

PRIVATE = "ARC501"
UNDECLARED = "ARC502"
VISIBILITY = "ARC503"
CYCLE = "ARC504"
UNUSED = "ARC505"
DEPRECATED = "ARC506"


def check(contract: ComponentsContract, ctx: RuleContext) -> list[Violation]:
    from archlint.ownership import component_links, own

    graph = ctx.graph
    ownership = own(contract, graph.internal_modules(), ctx.config_path)
    violations: list[Violation] = []
    used: set[tuple[str, str]] = set()
    for link in component_links(graph, ownership):
        source = ownership.component(ownership.owner[link.importer])
        target = ownership.component(ownership.owner[link.imported])
        used.add((source.name, target.name))
        violations.extend(_link_violations(contract, ownership, link, source, target))
    violations.extend(_cycles(contract, graph, ownership))
    if contract.strict:
        violations.extend(_unused(contract, used, ctx.config_path))
    return violations


def _link_violations(
    contract: ComponentsContract,
    ownership: Ownership,
    link: Import,
    source: Component,
    target: Component,
) -> list[Violation]:
    found: list[tuple[str, str]] = []
    who = f"{link.importer} (component {source.name}) imports {link.imported}"
    if not ownership.is_public(link.imported):
        interface = ", ".join(ownership.public_names(target.name))
        found.append(
            (
                PRIVATE,
                f"{who}, a private module of component {target.name}; "
                f"import its public interface: {interface}",
            )
        )
    if target.name in source.deprecated:
        found.append(
            (DEPRECATED, f"{who}: {source.name} depends on {target.name}, which is deprecated")
        )
    elif target.name not in source.depends_on and not target.utility:
        found.append(
            (
                UNDECLARED,
                f"{who}, but component {source.name} does not declare depends-on '{target.name}'",
            )
        )
    if target.visibility is not None and source.name not in target.visibility:
        allowed = ", ".join(target.visibility) or "no component"
        found.append(
            (
                VISIBILITY,
                f"{who}, but component {target.name} is visible only to: {allowed}",
            )
        )
    return [make_violation(code, message, contract.name, (link,)) for code, message in found]


def _cycles(
    contract: ComponentsContract, graph: ImportGraph, ownership: Ownership
) -> list[Violation]:
    collapsed = graph.collapsed(ownership.owner_of)
    violations: list[Violation] = []
    for group in collapsed.strongly_connected_components():
        path = collapsed.shortest_cycle(group[0], group)
        message = f"component cycle {' -> '.join(path)}"
        if len(group) > len(path) - 1:
            message += f" ({len(group)} components in the cyclic group)"
        violations.append(make_violation(CYCLE, message, contract.name, collapsed.chain_of(path)))
    return violations


def _unused(
    contract: ComponentsContract, used: set[tuple[str, str]], config_path: str
) -> list[Violation]:
    violations: list[Violation] = []
    for component in contract.components:
        for key in ("depends-on", "deprecated"):
            names = component.depends_on if key == "depends-on" else component.deprecated
            for index, name in enumerate(names):
                if (component.name, name) in used:
                    continue
                message = (
                    f"component {component.name} declares {key} '{name}' but never imports it; "
                    "remove it"
                )
                violation = make_violation(
                    UNUSED, message, contract.name, (), importer=component.name, imported=name
                )
                line = component.line_of(key, index)
                violations.append(violation.replace(path=config_path, line=line, column=1))
    return violations
