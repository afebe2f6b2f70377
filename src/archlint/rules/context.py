"""What every rule receives besides its contract, and how rules turn names into modules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from archlint.contracts import Contract, ProjectDependencies, line_of
from archlint.distributions import normalise
from archlint.graph import ImportGraph
from archlint.model import EMPTY, ArchlintError, Import, NameUse
from archlint.patterns import expand, is_pattern
from archlint.resolve import STDLIB


class RuleContext(NamedTuple):
    """The contract's view of the graph (its import kinds, its ignores removed)."""

    graph: ImportGraph
    config_path: str
    dependencies: tuple[str, ...] = ()
    import_names: Callable[[str], tuple[str, ...]] = lambda distribution: ()
    external_imports: tuple[Import, ...] = ()  # full external names; not filtered by kinds
    name_uses: Mapping[str, tuple[NameUse, ...]] = EMPTY  # banned names
    required_dependencies: Mapping[str, int] = EMPTY  # name -> line
    distributions_of: Callable[[str], tuple[str, ...]] = lambda import_name: ()
    member_projects: tuple[ProjectDependencies, ...] = ()  # monorepo members' dependencies
    lines: Mapping[str, int] = EMPTY  # lines of each module
    classes: Mapping[str, tuple[int, int]] = EMPTY  # classes, abstract

    def fail(self, contract: Contract, key: str, message: str) -> ArchlintError:
        return ArchlintError(
            f"{message} (in contract '{contract.name}')", self.config_path, line_of(contract, key)
        )

    def select(
        self, contract: Contract, key: str, names: tuple[str, ...], externals: bool = False
    ) -> list[str]:
        """The modules that ``names`` stand for; a name that matches nothing is an error.

        With ``externals``, a top-level name outside the project also counts when the project
        imports it, it is in the standard library, or `[project]` declares it as a dependency.
        """
        graph = self.graph
        selected: list[str] = []
        for name in names:
            if is_pattern(name):
                found = expand(name, graph.internal_modules())
            else:  # a plain name stands for itself
                found = [name] if name in graph and not graph.module(name).external else []
            if not found and externals:
                found = self._external(contract, key, name)
            if not found:
                scope = (
                    "no module of the project, no imported package, no standard-library "
                    "module and no declared dependency"
                    if externals
                    else "no module"
                )
                candidates = graph.internal_modules() + graph.external_modules()
                raise self.fail(
                    contract, key, f"{key} '{name}' matches {scope}" + _suggest(name, candidates)
                )
            selected.extend(found)
        return sorted(set(selected))

    def _external(self, contract: Contract, key: str, name: str) -> list[str]:
        top = name.split(".", 1)[0]
        if top in self.graph and self.graph.module(top).external:
            if top != name:
                raise self.fail(
                    contract,
                    key,
                    f"{key} '{name}': external modules are checked by "
                    f"their top-level name; use '{top}'",
                )
            return [top]
        if is_pattern(name) or top != name:
            return []
        if name in STDLIB:
            return [name]
        if normalise(name) in self.dependencies:
            provided = self.import_names(name)
            if provided and name not in provided:
                raise self.fail(
                    contract,
                    key,
                    f"{key} '{name}' is a distribution name; forbid "
                    f"what the code imports: {', '.join(provided)}",
                )
            return [name]
        if any(name in self.import_names(dependency) for dependency in self.dependencies):
            return [name]  # `yaml` when PyYAML is declared (and installed, so we can tell)
        return []


def _suggest(name: str, candidates: list[str]) -> str:
    import difflib  # only for a mistake: start-up time

    hint = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{hint[0]}'?" if hint else ""
