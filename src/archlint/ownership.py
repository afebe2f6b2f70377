"""Which component owns each module, and which of its modules form its public interface.

A pure function of the components contract and the module names; a component entry that matches
nothing, a module owned twice or a public module outside its component is a configuration error
naming the line in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from archlint.contracts import Component, ComponentsContract
from archlint.graph import ImportGraph
from archlint.model import ArchlintError, Import
from archlint.patterns import expand, is_within


@dataclass(frozen=True, slots=True)
class Ownership:
    """``owner`` maps every owned module to its component; ``interface`` maps each component to
    the modules others may import; ``members`` maps each component to the modules it owns."""

    components: tuple[Component, ...]
    owner: Mapping[str, str]
    members: Mapping[str, frozenset[str]]
    interface: Mapping[str, frozenset[str]]

    def owner_of(self, module: str) -> str | None:
        return self.owner.get(module)

    def is_public(self, module: str) -> bool:
        owner = self.owner.get(module)
        return owner is not None and module in self.interface[owner]

    def component(self, name: str) -> Component:
        return next(c for c in self.components if c.name == name)

    def public_names(self, name: str) -> list[str]:
        """The interface of ``name`` as written: its packages and its ``public`` entries."""
        component = self.component(name)
        return [*component.modules, *component.public]


def own(contract: ComponentsContract, modules: Sequence[str], config_path: str) -> Ownership:
    """The ownership of ``modules`` (the internal modules of the project) by the components."""
    owner: dict[str, str] = {}
    members: dict[str, frozenset[str]] = {}
    interface: dict[str, frozenset[str]] = {}
    for component in contract.components:
        roots = _expand(component, "modules", modules, config_path)
        owned = frozenset(m for m in modules if any(is_within(m, r) for r in roots))
        for module in sorted(owned):
            if module in owner:
                message = (
                    f"module '{module}' is owned by two components, '{owner[module]}' and "
                    f"'{component.name}'; a module belongs to one component (narrow `modules`)"
                )
                raise ArchlintError(message, config_path, component.line_of("modules"))
            owner[module] = component.name
        public = set(roots)
        for index, name in enumerate(component.public):
            found = _expand_one(component, "public", index, name, modules, config_path)
            outside = [m for m in found if m not in owned]
            if outside:
                message = (
                    f"public module '{outside[0]}' of component '{component.name}' is outside "
                    f"the component (its modules: {', '.join(component.modules)})"
                )
                raise ArchlintError(message, config_path, component.line_of("public", index))
            public.update(m for m in owned if any(is_within(m, f) for f in found))
        members[component.name] = owned
        interface[component.name] = frozenset(public)
    return Ownership(contract.components, owner, members, interface)


def component_links(graph: ImportGraph, ownership: Ownership) -> list[Import]:
    """The first import statement of every edge between modules of two different components."""
    links: list[Import] = []
    for importer in graph.internal_modules():
        source = ownership.owner_of(importer)
        if source is None:
            continue
        for imported in graph.imported_by(importer):
            target = ownership.owner_of(imported)
            if target is not None and target != source:
                links.append(graph.link(importer, imported))
    return links


def _expand(component: Component, key: str, modules: Sequence[str], config_path: str) -> list[str]:
    found: list[str] = []
    for index, name in enumerate(getattr(component, key)):
        found.extend(_expand_one(component, key, index, name, modules, config_path))
    return sorted(set(found))


def _expand_one(
    component: Component,
    key: str,
    index: int,
    name: str,
    modules: Sequence[str],
    config_path: str,
) -> list[str]:
    found = expand(name, modules)
    if not found:
        import difflib  # only for a mistake: start-up time

        close = difflib.get_close_matches(name, list(modules), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        message = f"`{key}` entry '{name}' of component '{component.name}' matches no module{hint}"
        raise ArchlintError(message, config_path, component.line_of(key, index))
    return found
