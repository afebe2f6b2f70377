"""The component map: for each component, its declared and actual dependencies, who depends on
it, which of its modules others import, and whether it could be extracted as a service today.

A pure function of the graph (as the components contract sees it) and the contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from archlint.contracts import ComponentsContract
from archlint.graph import ImportGraph
from archlint.ownership import component_links, own


@dataclass(frozen=True, slots=True)
class ComponentInfo:
    """One component as the code uses it. ``extractable``: nobody imports its private modules
    and no component cycle runs through it."""

    name: str
    modules: tuple[str, ...]
    public: tuple[str, ...]
    utility: bool
    module_count: int
    declared: tuple[str, ...]
    deprecated: tuple[str, ...]
    actual: tuple[str, ...]
    dependents: tuple[str, ...]
    imported_modules: tuple[str, ...]
    private_imported: tuple[str, ...]
    in_cycle: bool

    @property
    def extractable(self) -> bool:
        return not self.private_imported and not self.in_cycle


@dataclass(frozen=True, slots=True)
class ComponentMap:
    components: tuple[ComponentInfo, ...]
    unowned: int  # internal modules that belong to no component


def component_map(
    graph: ImportGraph, contract: ComponentsContract, config_path: str
) -> ComponentMap:
    modules = graph.internal_modules()
    ownership = own(contract, modules, config_path)
    uses: dict[str, set[str]] = {c.name: set() for c in contract.components}
    used_by: dict[str, set[str]] = {c.name: set() for c in contract.components}
    imported: dict[str, set[str]] = {c.name: set() for c in contract.components}
    for link in component_links(graph, ownership):
        source, target = ownership.owner[link.importer], ownership.owner[link.imported]
        uses[source].add(target)
        used_by[target].add(source)
        imported[target].add(link.imported)
    cyclic = {
        name
        for group in graph.collapsed(ownership.owner_of).strongly_connected_components()
        for name in group
    }
    infos = tuple(
        ComponentInfo(
            name=c.name,
            modules=c.modules,
            public=c.public,
            utility=c.utility,
            module_count=len(ownership.members[c.name]),
            declared=tuple(sorted(c.depends_on)),
            deprecated=tuple(sorted(c.deprecated)),
            actual=tuple(sorted(uses[c.name])),
            dependents=tuple(sorted(used_by[c.name])),
            imported_modules=tuple(sorted(imported[c.name])),
            private_imported=tuple(
                sorted(m for m in imported[c.name] if not ownership.is_public(m))
            ),
            in_cycle=c.name in cyclic,
        )
        for c in sorted(contract.components, key=lambda c: c.name)
    )
    return ComponentMap(infos, sum(1 for m in modules if ownership.owner_of(m) is None))
