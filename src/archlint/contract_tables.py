"""Validating one TOML table of ``[tool.archlint]`` into a contract: the table helper with
path-aware errors and did-you-mean, and one builder per contract type.

Works on values ``tomllib`` already parsed (config.py reads the file); every problem raises
``ArchlintError`` naming the pyproject.toml and the line of the offending key or item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple, Protocol, TypeVar

from archlint.banned_names import valid_banned_name
from archlint.contracts import (
    THRESHOLDS,
    BannedApiContract,
    Component,
    ComponentsContract,
    Contract,
    CyclesContract,
    DependenciesContract,
    ExternalContract,
    ForbiddenContract,
    ImportPattern,
    IndependenceContract,
    LayersContract,
    StableDependenciesContract,
    ThresholdsContract,
)
from archlint.model import ALL_KINDS, ArchlintError, ImportKind
from archlint.patterns import valid_pattern
from archlint.toml_lines import KeyPath

_COMPONENT_KEYS = ("name", "modules", "public", "depends-on", "visibility", "utility", "deprecated")
REQUIRED = {  # each required key of a contract table, with an example for the error message
    "layers": 'layers = ["shop.api", "shop.domain"]',
    "source": 'source = ["shop.domain"]',
    "forbidden": 'forbidden = ["shop.api"]',
    "modules": 'modules = ["shop.orders", "shop.billing"]',
    "packages": 'packages = ["shop"]',
    "name": 'name = "billing"',
    "names": 'names = ["os.environ", "subprocess.*", "print"]',
}
_KINDS = tuple(kind.value for kind in ImportKind)
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_TYPES = {"bool": "boolean", "int": "integer", "str": "string", "list": "array", "dict": "table"}
_C = TypeVar(
    "_C",
    LayersContract,
    ForbiddenContract,
    IndependenceContract,
    CyclesContract,
    ComponentsContract,
    ExternalContract,
    BannedApiContract,
    DependenciesContract,
    ThresholdsContract,
    StableDependenciesContract,
)


class Lines(Protocol):
    """Where the tables are: the file as shown in errors, and the line of a key path."""

    display_path: str

    def line(self, path: KeyPath) -> int: ...


def type_name(value: object) -> str:
    """The TOML name of the type of a value from tomllib (float, datetime, date and time are
    named alike in Python)."""
    name = type(value).__name__
    return _TYPES.get(name, name)


def list_problem(value: object, item_type: type) -> tuple[str, int | None] | None:
    """Why ``value`` is not a list of ``item_type``: the TOML type found and the bad item."""
    if not isinstance(value, list):
        return type_name(value), None
    for index, item in enumerate(value):
        if not isinstance(item, item_type):
            return f"array containing {type_name(item)}", index
    return None


def suggest(word: str, options: Sequence[str], what: str = "") -> str:
    """``; did you mean 'x'?`` for a near miss, else the list of what is allowed (if ``what``)."""
    kebab = word.replace("_", "-")
    if kebab in options:
        close = [kebab]
    else:
        import difflib  # only for a mistake: start-up time

        close = difflib.get_close_matches(word, options, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; {what}: {', '.join(options)}" if what else ""


class Table(NamedTuple):
    """One TOML table being validated: its values, where it is, and its name in messages."""

    loader: Lines
    data: Mapping[str, object]
    path: KeyPath
    label: str

    def line(self, key: str | None = None, index: int | None = None) -> int:
        return self.loader.line(self.path + tuple(k for k in (key, index) if k is not None))

    def key_lines(self) -> dict[str, int]:
        return {key: self.line(key) for key in self.data}

    def error(
        self, message: str, key: str | None = None, index: int | None = None
    ) -> ArchlintError:
        return ArchlintError(message, self.loader.display_path, self.line(key, index))

    def check_keys(self, allowed: Sequence[str], required: Sequence[str]) -> None:
        for key in self.data:
            if key not in allowed:
                hint = suggest(key, allowed, "allowed keys are")
                raise self.error(f"unknown key '{key}' in {self.label}{hint}", key)
        for key in required:
            if key not in self.data:
                message = f"{self.label} is missing the required key `{key}`; add e.g. "
                raise self.error(message + REQUIRED[key])

    def strings(self, key: str, nonempty: bool = False, patterns: bool = False) -> tuple[str, ...]:
        """A list of strings, ``()`` when absent; ``patterns``: each a module name or pattern."""
        value = self.data.get(key, [])
        problem = list_problem(value, str)
        if problem or not isinstance(value, list):
            got, index = problem or ("", None)
            hint = f"; write {key} = {json.dumps([value])}" if isinstance(value, str) else ""
            message = f"`{key}` in {self.label} must be a list of strings, got {got}{hint}"
            raise self.error(message, key, index)
        if nonempty and key in self.data and not value:
            message = f"`{key}` in {self.label} must not be empty; list at least one module"
            raise self.error(message, key)
        for index, item in enumerate(value if patterns else ()):
            self.check_pattern(item, key, index)
        return tuple(value)

    def check_pattern(self, name: str, key: str, index: int) -> None:
        if not valid_pattern(name):
            message = (
                f"'{name}' is not a valid module name or pattern (in `{key}` of {self.label}); "
                "use dotted names, with '*' for one segment or '**' for any depth"
            )
            raise self.error(message, key, index)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            message = f"`{key}` in {self.label} must be a boolean (true or false)"
            raise self.error(f"{message}, got {type_name(value)}", key)
        return value


def with_common(contract: _C, table: Table, default_name: str) -> _C:
    """``contract`` with the options every contract table takes: name, kinds, ignore, lines."""
    name = table.data.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        got = type_name(name) if not isinstance(name, str) else "an empty string"
        raise table.error(f"`name` in {table.label} must be a non-empty string, got {got}", "name")
    kinds = ALL_KINDS
    if "kinds" in table.data:
        values = table.strings("kinds")
        if not values:
            message = (
                f"`kinds` in {table.label} must not be empty; remove it to check imports of "
                f"every kind, or list some of: {', '.join(_KINDS)}"
            )
            raise table.error(message, "kinds")
        for index, value in enumerate(values):
            if value not in _KINDS:
                hint = suggest(value, _KINDS, "valid kinds are")
                message = f"unknown import kind '{value}' in `kinds` of {table.label}{hint}"
                raise table.error(message, "kinds", index)
        kinds = frozenset(ImportKind(value) for value in values)
    ignore: list[ImportPattern] = []
    for index, text in enumerate(table.strings("ignore")):
        sides = [side.strip() for side in text.split("->")]
        if len(sides) != 2 or not all(sides):
            message = (
                f"malformed ignore entry '{text}' in {table.label}: expected "
                "'importer-pattern -> imported-pattern', e.g. 'shop.api -> shop.db'"
            )
            raise table.error(message, "ignore", index)
        for side in sides:
            table.check_pattern(side, "ignore", index)
        ignore.append(ImportPattern(sides[0], sides[1], text, table.line("ignore", index)))
    return contract._replace(
        name=name,
        kinds=kinds,
        ignore=tuple(ignore),
        line=table.line(),
        key_lines=table.key_lines(),
    )


def _layers(table: Table, default_name: str) -> Contract:
    containers = table.strings("containers", nonempty=True, patterns=True)
    levels: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for index, entry in enumerate(table.strings("layers", nonempty=True)):
        names = tuple(name.strip() for name in entry.split("|"))
        if not all(names):
            message = (
                f"layer '{entry}' in {table.label} has an empty name; separate independent "
                "sibling modules with '|', e.g. 'shop.orders | shop.billing'"
            )
            raise table.error(message, "layers", index)
        for name in names:
            table.check_pattern(name, "layers", index)
            if containers and "*" in name:
                message = (
                    f"layer '{name}' in {table.label} cannot be a pattern: with `containers`, "
                    "layer names are relative to each container; write plain names"
                )
                raise table.error(message, "layers", index)
            if name in seen:
                message = f"module '{name}' appears in two layers of {table.label}; keep one"
                raise table.error(message, "layers", index)
            seen.add(name)
        levels.append(names)
    exhaustive = table.boolean("exhaustive")
    if exhaustive and not containers:
        message = (
            f"`exhaustive = true` in {table.label} requires `containers`; add e.g. "
            'containers = ["shop"] (the packages whose children the layers must cover)'
        )
        raise table.error(message, "exhaustive")
    contract = LayersContract(
        "", layers=tuple(levels), containers=containers, exhaustive=exhaustive
    )
    return with_common(contract, table, default_name)


def _forbidden(table: Table, default_name: str) -> Contract:
    contract = ForbiddenContract(
        name="",
        source=table.strings("source", nonempty=True, patterns=True),
        forbidden=table.strings("forbidden", nonempty=True, patterns=True),
        allow_indirect=table.boolean("allow-indirect"),
    )
    return with_common(contract, table, default_name)


def _independence(table: Table, default_name: str) -> Contract:
    modules = table.strings("modules", patterns=True)
    if len(modules) < 2 and not any("*" in module for module in modules):
        message = (
            f"`modules` in {table.label} must list at least two modules (or a pattern such as "
            f"'shop.*'), got {len(modules)}"
        )
        raise table.error(message, "modules")
    return with_common(IndependenceContract("", modules=modules), table, default_name)


def _cycles(table: Table, default_name: str) -> Contract:
    packages = table.strings("packages", nonempty=True, patterns=True)
    depth = table.data.get("depth", 1)
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        got = str(depth) if isinstance(depth, int) and not isinstance(depth, bool) else None
        message = f"`depth` in {table.label} must be an integer >= 1"
        raise table.error(f"{message}, got {got or type_name(depth)}", "depth")
    return with_common(CyclesContract("", packages=packages, depth=depth), table, default_name)


def component(table: Table) -> Component:
    table.check_keys(_COMPONENT_KEYS, ("name", "modules"))
    name = table.data["name"]
    if not isinstance(name, str) or not name.strip():
        got = type_name(name) if not isinstance(name, str) else "an empty string"
        raise table.error(f"`name` in {table.label} must be a non-empty string, got {got}", "name")
    lists = {
        key: table.strings(key, nonempty=key == "modules", patterns=key in ("modules", "public"))
        for key in ("modules", "public", "depends-on", "visibility", "deprecated")
    }
    item_lines = {
        (key, index): table.line(key, index)
        for key, values in lists.items()
        for index in range(len(values))
    }
    return Component(
        name=name,
        modules=lists["modules"],
        public=lists["public"],
        depends_on=lists["depends-on"],
        visibility=lists["visibility"] if "visibility" in table.data else None,
        utility=table.boolean("utility"),
        deprecated=lists["deprecated"],
        line=table.line(),
        key_lines=table.key_lines(),
        item_lines=item_lines,
    )


def check_component_names(tables: Sequence[Table], components: Sequence[Component]) -> None:
    """Unique names; every name in depends-on, visibility and deprecated is a component."""
    names: dict[str, int] = {}
    for table, component in zip(tables, components, strict=True):
        if component.name in names:
            message = (
                f"duplicate component name '{component.name}' (also used at line "
                f"{names[component.name]}); give each component a unique `name`"
            )
            raise table.error(message, "name")
        names[component.name] = table.line("name")
    known = tuple(names)
    for table, component in zip(tables, components, strict=True):
        for key in ("depends-on", "visibility", "deprecated"):
            for index, other in enumerate(getattr(component, key.replace("-", "_")) or ()):
                if other not in names:
                    hint = suggest(other, known, "components are")
                    message = f"unknown component '{other}' in `{key}` of {table.label}{hint}"
                    raise table.error(message, key, index)
                if other == component.name:
                    message = (
                        f"component '{other}' names itself in `{key}` of {table.label}; "
                        "a component may always use its own modules"
                    )
                    raise table.error(message, key, index)
        for index, other in enumerate(component.deprecated):
            if other in component.depends_on:
                message = (
                    f"component '{other}' is in both `depends-on` and `deprecated` of "
                    f"{table.label}; keep it in one (deprecated dependencies are allowed "
                    "with a warning)"
                )
                raise table.error(message, "deprecated", index)


def _external(table: Table, default_name: str) -> Contract:
    modules = table.strings("modules", nonempty=True)
    for index, name in enumerate(modules):
        if not DOTTED.fullmatch(name):
            message = (
                f"'{name}' in `modules` of {table.label} is not a dotted module name; name an "
                "external module or sub-package, e.g. 'sqlalchemy' or 'google.cloud.storage'"
            )
            raise table.error(message, "modules", index)
    contract = ExternalContract(
        "", modules=modules, allowed_in=table.strings("allowed-in", patterns=True)
    )
    return with_common(contract, table, default_name)


def _banned_api(table: Table, default_name: str) -> Contract:
    names = table.strings("names", nonempty=True)
    for index, name in enumerate(names):
        if not valid_banned_name(name):
            message = (
                f"'{name}' in `names` of {table.label} is not a valid dotted name; write e.g. "
                "'os.environ', 'pickle.loads', 'subprocess.*' or 'eval'"
            )
            raise table.error(message, "names", index)
    advice = table.data.get("message", "")
    if not isinstance(advice, str):
        raise table.error(
            f"`message` in {table.label} must be a string, got {type_name(advice)}", "message"
        )
    contract = BannedApiContract(
        "",
        names=names,
        modules=table.strings("modules", nonempty=True, patterns=True),
        allowed_in=table.strings("allowed-in", patterns=True),
        message=advice.strip(),
    )
    return with_common(contract, table, default_name)


def _shown(value: object) -> str:
    """A TOML value in a message: itself when simple, else its type."""
    if isinstance(value, (bool, int, float, str)):
        return json.dumps(value)
    return type_name(value)


def _level_and_depth(table: Table) -> tuple[str, int]:
    level = table.data.get("level", "module")
    if level not in ("module", "package"):
        hint = suggest(str(level), ["module", "package"], "use")
        raise table.error(f"unknown level {_shown(level)} in {table.label}{hint}", "level")
    depth = table.data.get("depth", 2)
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        message = f"`depth` in {table.label} must be a whole number of at least 1"
        raise table.error(f"{message}, got {_shown(depth)}", "depth")
    return str(level), depth


def _runtime_kinds(contract: _C, table: Table) -> _C:
    """Without ``kinds``: every kind but type-checking (those imports never run)."""
    if "kinds" in table.data:
        return contract
    return contract._replace(kinds=frozenset(ImportKind) - {ImportKind.TYPE_CHECKING})


def _number(table: Table, key: str, whole: bool) -> float:
    """The number at ``key``: a whole number of at least 0 (``whole``), else one from 0 to 1."""
    value = table.data[key]
    expected = "a whole number of at least 0" if whole else "a number from 0 to 1"
    number = -1.0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    fits = number == int(number) and number >= 0 if whole else 0 <= number <= 1
    if not fits:
        raise table.error(f"`{key}` in {table.label} must be {expected}, got {_shown(value)}", key)
    return number


def _thresholds(table: Table, default_name: str) -> Contract:
    level, depth = _level_and_depth(table)
    limits: list[tuple[str, float]] = []
    for key, whole in THRESHOLDS.items():
        if key not in table.data:
            continue
        limits.append((key, _number(table, key, whole)))
    if not limits:
        message = (
            f"{table.label} sets no limit; add one of {', '.join(THRESHOLDS)} "
            "(e.g. max-fan-out = 20)"
        )
        raise table.error(message)
    contract = ThresholdsContract(
        "",
        modules=table.strings("modules", nonempty=True, patterns=True),
        level=level,
        depth=depth,
        limits=tuple(limits),
    )
    return _runtime_kinds(with_common(contract, table, default_name), table)


def _stable_dependencies(table: Table, default_name: str) -> Contract:
    level, depth = _level_and_depth(table)
    number = _number(table, "tolerance", whole=False) if "tolerance" in table.data else 0.0
    contract = StableDependenciesContract(
        "",
        modules=table.strings("modules", nonempty=True, patterns=True),
        level=level,
        depth=depth,
        tolerance=number,
    )
    return _runtime_kinds(with_common(contract, table, default_name), table)


BUILDERS: dict[str, Callable[[Table, str], Contract]] = {
    "layers": _layers,
    "forbidden": _forbidden,
    "independence": _independence,
    "cycles": _cycles,
    "external": _external,
    "banned-api": _banned_api,
    "thresholds": _thresholds,
    "stable-dependencies": _stable_dependencies,
}
