"""Typed, validated contract definitions: what `[tool.archlint]` asks for.

`config.py` builds these from TOML; rules read them. Module names in here are still patterns:
they are matched against the module set when the contract is checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from archlint.model import ALL_KINDS, EMPTY, ImportKind

UnmatchedIgnores = Literal["warn", "error", "ignore"]

# Contracts are named tuples, not dataclasses: creating the 15 frozen dataclasses of this module
# took ~20 ms of every cold run (each one compiles its generated methods), named tuples ~3 ms.
# Every contract starts with the options every contract table takes: ``name``, ``kinds``,
# ``ignore``, ``line`` (the line of its table header) and ``key_lines`` (each key written in
# the table -> its line in pyproject.toml).


def line_of(contract: Contract, key: str) -> int:
    """The line of ``key`` in the contract's table, else of the table's header."""
    return contract.key_lines.get(key, contract.line)


class ImportPattern(NamedTuple):
    """`"importer-pattern -> imported-pattern"` as written in an `ignore` list."""

    importer: str
    imported: str
    text: str
    line: int = 0


class LayersContract(NamedTuple):
    """``layers`` high to low; each level is a tuple of independent sibling names (`"a | b"`)."""

    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    layers: tuple[tuple[str, ...], ...] = ()
    containers: tuple[str, ...] = ()
    exhaustive: bool = False
    type: Literal["layers"] = "layers"


class ForbiddenContract(NamedTuple):
    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    source: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    allow_indirect: bool = False
    type: Literal["forbidden"] = "forbidden"


class IndependenceContract(NamedTuple):
    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    modules: tuple[str, ...] = ()
    type: Literal["independence"] = "independence"


class CyclesContract(NamedTuple):
    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    packages: tuple[str, ...] = ()
    depth: int = 1
    type: Literal["cycles"] = "cycles"


class Component(NamedTuple):
    """One ``[[tool.archlint.components]]`` table: a part of the system that owns modules.

    ``modules`` are names or patterns of the packages it owns (with their descendants); those
    packages themselves are always public (re-exports live there), ``public`` adds interface
    modules (with their descendants). ``visibility`` is None when every component may depend
    on it. ``line`` is the line of its table header; ``key_lines`` maps keys to lines, and
    ``item_lines`` maps ``(key, index)`` of list items to lines.
    """

    name: str
    modules: tuple[str, ...]
    public: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    visibility: tuple[str, ...] | None = None
    utility: bool = False
    deprecated: tuple[str, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    item_lines: Mapping[tuple[str, int], int] = EMPTY

    def line_of(self, key: str, index: int | None = None) -> int:
        if index is not None and (key, index) in self.item_lines:
            return self.item_lines[(key, index)]
        return self.key_lines.get(key, self.line)


class ComponentsContract(NamedTuple):
    """Every component of ``[[tool.archlint.components]]``, checked as one contract.

    ``strict``: a declared dependency that no import uses is a violation.
    """

    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    components: tuple[Component, ...] = ()
    strict: bool = False
    type: Literal["components"] = "components"


class ExternalContract(NamedTuple):
    """Only modules of ``allowed_in`` (with descendants) may import the external ``modules``
    (dotted names of external modules or sub-packages, e.g. ``google.cloud.storage``)."""

    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    modules: tuple[str, ...] = ()
    allowed_in: tuple[str, ...] = ()
    type: Literal["external"] = "external"


class BannedApiContract(NamedTuple):
    """Modules of ``modules`` (minus ``allowed_in``) must not use the qualified ``names``
    (``os.environ``, ``subprocess.*``, ``print``); ``message`` says what to do instead."""

    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    names: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    allowed_in: tuple[str, ...] = ()
    message: str = ""
    type: Literal["banned-api"] = "banned-api"


class ProjectDependencies(NamedTuple):
    """The ``[project]`` dependencies of a member pyproject.toml (a monorepo package) and the
    modules whose nearest pyproject.toml it is. ``path`` is relative to the project root."""

    path: str
    dependencies: tuple[str, ...]  # normalised, with optional groups
    required: Mapping[str, int]  # `[project].dependencies` -> line
    modules: frozenset[str] = frozenset()


class DependenciesContract(NamedTuple):
    """Imports of third-party packages checked against `[project]` dependencies.

    ``import_names`` maps a distribution (normalised) to the import names it provides, over
    installed metadata; ``ignore_unused`` lists distributions never reported as unused.
    """

    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    import_names: Mapping[str, tuple[str, ...]] = EMPTY
    ignore_unused: tuple[str, ...] = ()
    check_unused: bool = True
    type: Literal["dependencies"] = "dependencies"


# metric keys of a thresholds contract -> whether the limit is a whole number (else 0..1)
THRESHOLDS: dict[str, bool] = {
    "max-fan-out": True,
    "max-fan-in": True,
    "max-instability": False,
    "max-distance": False,
    "max-module-lines": True,
    "max-cycle-size": True,
    "max-propagation-cost": False,
    "max-depth": True,
}


class ThresholdsContract(NamedTuple):
    """Limits on the metrics of ``archlint metrics`` for the units of ``modules`` (at
    ``level``: module or package ``depth`` names deep); ``limits`` maps metric keys of
    ``THRESHOLDS`` to their limit. Propagation cost and depth are limits on the whole system."""

    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    modules: tuple[str, ...] = ()
    level: str = "module"
    depth: int = 2
    limits: tuple[tuple[str, float], ...] = ()
    type: Literal["thresholds"] = "thresholds"


class StableDependenciesContract(NamedTuple):
    """Martin's Stable Dependencies Principle: a unit among ``modules`` may import only units
    at least as stable as itself, i.e. whose instability exceeds its own by at most
    ``tolerance``."""

    name: str
    kinds: frozenset[ImportKind] = ALL_KINDS
    ignore: tuple[ImportPattern, ...] = ()
    line: int = 0
    key_lines: Mapping[str, int] = EMPTY
    modules: tuple[str, ...] = ()
    level: str = "module"
    depth: int = 2
    tolerance: float = 0.0
    type: Literal["stable-dependencies"] = "stable-dependencies"


Contract = (
    LayersContract
    | ForbiddenContract
    | IndependenceContract
    | CyclesContract
    | ComponentsContract
    | ExternalContract
    | BannedApiContract
    | DependenciesContract
    | ThresholdsContract
    | StableDependenciesContract
)


class Config(NamedTuple):
    """The whole `[tool.archlint]` table. ``path`` is the pyproject.toml it came from
    (as given to the loader)."""

    path: str
    source_roots: tuple[str, ...] | None = None
    root_packages: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    unmatched_ignores: UnmatchedIgnores = "error"
    contracts: tuple[Contract, ...] = ()
    key_lines: Mapping[str, int] = EMPTY
    dependencies: tuple[str, ...] = ()  # `[project].dependencies` names, normalised
    # each name of `[project].dependencies` proper (not optional groups) -> its line
    required_dependencies: Mapping[str, int] = EMPTY

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 0)
