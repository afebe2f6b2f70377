"""Read ``[tool.archlint]`` from pyproject.toml into typed contracts, or say exactly what is wrong.

Every problem raises ``ArchlintError`` naming the pyproject.toml and the line it applies to, with
a message that says what is wrong and how to fix it. The only module that imports a TOML parser.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from archlint.banned_names import valid_banned_name
from archlint.contracts import (
    BannedApiContract,
    Component,
    ComponentsContract,
    Config,
    Contract,
    CyclesContract,
    DependenciesContract,
    ExternalContract,
    ForbiddenContract,
    ImportPattern,
    IndependenceContract,
    LayersContract,
    ProjectDependencies,
    UnmatchedIgnores,
)
from archlint.model import ALL_KINDS, ArchlintError, ImportKind
from archlint.patterns import valid_pattern
from archlint.toml_lines import KeyPath, locate

_TABLE: KeyPath = ("tool", "archlint")
_CONTRACT_KEYS: dict[str, tuple[str, ...]] = {
    "layers": ("layers", "containers", "exhaustive"),
    "forbidden": ("source", "forbidden", "allow-indirect"),
    "independence": ("modules",),
    "cycles": ("packages", "depth"),
    "external": ("modules", "allowed-in"),
    "banned-api": ("names", "modules", "allowed-in", "message"),
}
_COMPONENT_KEYS = ("name", "modules", "public", "depends-on", "visibility", "utility", "deprecated")
_COMPONENT_OPTION_KEYS = ("name", "kinds", "ignore", "strict")
_TOP_KEYS = (
    "source-roots",
    "root-packages",
    "exclude",
    "unmatched-ignores",
    *_CONTRACT_KEYS,
    "components",
    "component-options",
    "dependencies",
)
_DEPENDENCIES_KEYS = ("name", "kinds", "ignore", "import-names", "ignore-unused", "check-unused")
_COMMON_KEYS = ("name", "kinds", "ignore")
_REQUIRED = {  # each required key of a contract table, with an example for the error message
    "layers": 'layers = ["shop.api", "shop.domain"]',
    "source": 'source = ["shop.domain"]',
    "forbidden": 'forbidden = ["shop.api"]',
    "modules": 'modules = ["shop.orders", "shop.billing"]',
    "packages": 'packages = ["shop"]',
    "name": 'name = "billing"',
    "names": 'names = ["os.environ", "subprocess.*", "print"]',
}
_KINDS = tuple(kind.value for kind in ImportKind)
_UNMATCHED: dict[str, UnmatchedIgnores] = {"warn": "warn", "error": "error", "ignore": "ignore"}
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_DISTRIBUTION = re.compile(r"[A-Za-z0-9._-]+")
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
)


def load_config(path: Path, display_path: str) -> Config:
    """The validated ``[tool.archlint]`` of the pyproject.toml at ``path``, reported as
    ``display_path`` in the result and in every error."""
    text, data = _read_toml(path, display_path)
    return _Loader(text, display_path).config(data)


def load_project_dependencies(path: Path, display_path: str) -> ProjectDependencies | None:
    """The ``[project]`` dependencies of another pyproject.toml of the project (a member of a
    monorepo), or None when it has no ``[project]`` table."""
    text, data = _read_toml(path, display_path)
    if not isinstance(data.get("project"), dict):
        return None
    loader = _Loader(text, display_path)
    return ProjectDependencies(
        display_path, _dependencies(data), loader.required_dependencies(data)
    )


def _read_toml(path: Path, display_path: str) -> tuple[str, dict[str, object]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArchlintError(f"cannot read the file: {exc.strerror or exc}", display_path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = "invalid TOML: the file is not valid UTF-8; save it with UTF-8 encoding"
        raise ArchlintError(message, display_path, line) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(str(exc), text, display_path) from None
    return text, data


def has_archlint_table(path: Path) -> bool:
    """The file reads and parses as TOML and has a ``[tool.archlint]`` entry."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError):  # UnicodeDecodeError and TOMLDecodeError are ValueErrors
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "archlint" in tool


def _toml_error(message: str, text: str, display_path: str) -> ArchlintError:
    """``Invalid value (at line 3, column 7)`` -> the message without its position, at it."""
    match = _TOML_POSITION.search(message)
    if not match:
        return ArchlintError(f"invalid TOML: {message}", display_path)
    if match.group(1):
        line, column = int(match.group(1)), int(match.group(2))
        return ArchlintError(
            f"invalid TOML: {message[: match.start()]}", display_path, line, column
        )
    line, column = text.count("\n") + 1, len(text) - text.rfind("\n")
    message = f"invalid TOML: {message[: match.start()]} at end of file"
    return ArchlintError(message, display_path, line, column)


def _type_name(value: object) -> str:
    """The TOML name of the type of a value from tomllib (float, datetime, date and time are
    named alike in Python)."""
    name = type(value).__name__
    return _TYPES.get(name, name)


def _list_problem(value: object, item_type: type) -> tuple[str, int | None] | None:
    """Why ``value`` is not a list of ``item_type``: the TOML type found and the bad item."""
    if not isinstance(value, list):
        return _type_name(value), None
    for index, item in enumerate(value):
        if not isinstance(item, item_type):
            return f"array containing {_type_name(item)}", index
    return None


def _suggest(word: str, options: Sequence[str], what: str = "") -> str:
    """``; did you mean 'x'?`` for a near miss, else the list of what is allowed (if ``what``)."""
    kebab = word.replace("_", "-")
    close = [kebab] if kebab in options else difflib.get_close_matches(word, options, n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; {what}: {', '.join(options)}" if what else ""


def _dependencies(data: Mapping[str, object]) -> tuple[str, ...]:
    """Distribution names from ``[project]`` (PEP 503-normalised); malformed entries are skipped."""
    project = data.get("project")
    if not isinstance(project, dict):
        return ()
    groups = [project.get("dependencies")]
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        groups.extend(optional.values())
    names: set[str] = set()
    for group in groups:
        for entry in group if isinstance(group, list) else ():
            if isinstance(entry, str) and (match := _DISTRIBUTION.match(entry.strip())):
                names.add(re.sub(r"[-_.]+", "-", match.group()).lower())
    return tuple(sorted(names))


class _Loader:
    def __init__(self, text: str, display_path: str) -> None:
        self.display_path = display_path
        self.lines = locate(text)

    def line(self, path: KeyPath) -> int:
        """The line of ``path``, else of its nearest located ancestor, else 1."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    def config(self, data: Mapping[str, object]) -> Config:
        tool = data.get("tool")
        archlint = tool.get("archlint") if isinstance(tool, dict) else None
        if archlint is None:
            message = (
                "no [tool.archlint] table in pyproject.toml; add one (see docs/configuration.md)"
            )
            raise ArchlintError(message, self.display_path)
        if not isinstance(archlint, dict):
            got = _type_name(archlint)
            message = f"`tool.archlint` must be a table ([tool.archlint]), got {got}"
            raise ArchlintError(message, self.display_path, self.line(_TABLE))
        top = _Table(self, archlint, _TABLE, "[tool.archlint]")
        top.check_keys(_TOP_KEYS, ())
        source_roots = top.strings("source-roots")
        exclude = top.strings("exclude")
        root_packages = top.strings("root-packages", patterns=True)
        for index, name in enumerate(root_packages):
            if "*" in name:
                message = (
                    f"`root-packages` in [tool.archlint] must list names, not patterns: '{name}'"
                )
                raise top.error(message, "root-packages", index)
        unmatched = archlint.get("unmatched-ignores", "error")
        if not isinstance(unmatched, str) or unmatched not in _UNMATCHED:
            got = f"'{unmatched}'" if isinstance(unmatched, str) else _type_name(unmatched)
            hint = _suggest(unmatched, tuple(_UNMATCHED)) if isinstance(unmatched, str) else ""
            message = "`unmatched-ignores` in [tool.archlint] must be 'warn', 'error' or 'ignore'"
            raise top.error(f"{message}, got {got}{hint}", "unmatched-ignores")
        contracts: list[Contract] = []
        for kind in _CONTRACT_KEYS:
            contracts.extend(self.contracts(top, kind))
        components = self.components(top)
        if components is not None:
            contracts.append(components)
        if "dependencies" in archlint:
            contracts.append(self.dependencies_contract(top))
        contracts.sort(key=lambda contract: contract.line)
        names: dict[str, int] = {}
        for contract in contracts:
            line = contract.line_of("name")
            if contract.name in names:
                message = (
                    f"duplicate contract name '{contract.name}' (also used at line "
                    f"{names[contract.name]}); give each contract a unique `name`"
                )
                raise ArchlintError(message, self.display_path, line)
            names[contract.name] = line
        return Config(
            path=self.display_path,
            source_roots=source_roots if "source-roots" in archlint else None,
            root_packages=root_packages if "root-packages" in archlint else None,
            exclude=exclude,
            unmatched_ignores=_UNMATCHED[unmatched],
            contracts=tuple(contracts),
            key_lines=top.key_lines(),
            dependencies=_dependencies(data),
            required_dependencies=self.required_dependencies(data),
        )

    def required_dependencies(self, data: Mapping[str, object]) -> dict[str, int]:
        """Each distribution of ``[project].dependencies`` (normalised) with its entry's line."""
        project = data.get("project")
        entries = project.get("dependencies") if isinstance(project, dict) else None
        found: dict[str, int] = {}
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            if isinstance(entry, str) and (match := _DISTRIBUTION.match(entry.strip())):
                name = re.sub(r"[-_.]+", "-", match.group()).lower()
                found.setdefault(name, self.line(("project", "dependencies", index)))
        return found

    def dependencies_contract(self, top: _Table) -> Contract:
        value = top.data["dependencies"]
        label = "[tool.archlint.dependencies]"
        if not isinstance(value, dict):
            message = f"`dependencies` in [tool.archlint] must be a table ({label})"
            raise top.error(f"{message}, got {_type_name(value)}", "dependencies")
        table = _Table(self, value, (*_TABLE, "dependencies"), label)
        table.check_keys(_DEPENDENCIES_KEYS, ())
        names = table.data.get("import-names", {})
        if not isinstance(names, dict):
            message = (
                f"`import-names` in {label} must be a table of distribution = [import names], "
                f'e.g. import-names = {{ PyYAML = ["yaml"] }}, got {_type_name(names)}'
            )
            raise table.error(message, "import-names")
        mapping: dict[str, tuple[str, ...]] = {}
        sub = _Table(self, names, (*table.path, "import-names"), f"`import-names` of {label}")
        for distribution in names:
            values = sub.strings(distribution, nonempty=True)
            for index, module in enumerate(values):
                if not _DOTTED.fullmatch(module) or "." in module:
                    message = (
                        f"'{module}' in `import-names` of {label} is not a top-level import "
                        f"name (for {distribution}); write the name after `import`, e.g. 'yaml'"
                    )
                    raise sub.error(message, distribution, index)
            mapping[re.sub(r"[-_.]+", "-", distribution).lower()] = values
        contract = DependenciesContract(
            "",
            import_names=mapping,
            ignore_unused=tuple(
                re.sub(r"[-_.]+", "-", name).lower() for name in table.strings("ignore-unused")
            ),
            check_unused=table.boolean("check-unused", default=True),
        )
        return _with_common(contract, table, "dependencies")

    def tables(self, top: _Table, key: str) -> list[Mapping[str, object]]:
        """The array of tables at ``key`` of [tool.archlint] (``[]`` when absent)."""
        value = top.data.get(key)
        if value is None:
            return []
        header = f"[[tool.archlint.{key}]]"
        if isinstance(value, dict):
            message = (
                f"[tool.archlint.{key}] must be an array of tables: write {header} "
                "(double brackets), once for each entry"
            )
            raise top.error(message, key)
        problem = _list_problem(value, dict)
        if problem or not isinstance(value, list):
            got, index = problem or ("", None)
            message = f"`{key}` in [tool.archlint] must be an array of tables ({header}), got "
            raise top.error(message + got, key, index)
        return value

    def components(self, top: _Table) -> ComponentsContract | None:
        """``[[tool.archlint.components]]`` and ``[tool.archlint.component-options]`` as one
        contract, or None when no component is declared."""
        header = "[[tool.archlint.components]]"
        tables = [
            _Table(self, item, (*_TABLE, "components", index), f"{header} #{index + 1}")
            for index, item in enumerate(self.tables(top, "components"))
        ]
        options = top.data.get("component-options")
        if options is not None and not isinstance(options, dict):
            message = "`component-options` in [tool.archlint] must be a table"
            raise top.error(f"{message}, got {_type_name(options)}", "component-options")
        if not tables:
            if options is not None:
                message = (
                    "[tool.archlint.component-options] is set but no component is declared; "
                    f"add {header} tables or remove it"
                )
                raise top.error(message, "component-options")
            return None
        components = [_component(table) for table in tables]
        _check_component_names(tables, components)
        contract = ComponentsContract("", components=tuple(components))
        if options is None:
            return dataclasses.replace(
                contract, name="components", line=tables[0].line(), key_lines={}
            )
        table = _Table(
            self, options, (*_TABLE, "component-options"), "[tool.archlint.component-options]"
        )
        table.check_keys(_COMPONENT_OPTION_KEYS, ())
        contract = dataclasses.replace(contract, strict=table.boolean("strict"))
        contract = _with_common(contract, table, "components")
        return dataclasses.replace(contract, line=min(tables[0].line(), contract.line))

    def contracts(self, top: _Table, kind: str) -> list[Contract]:
        value = top.data.get(kind)
        if value is None:
            return []
        header = f"[[tool.archlint.{kind}]]"
        if isinstance(value, dict):
            message = (
                f"[tool.archlint.{kind}] must be an array of tables: write {header} "
                "(double brackets), once for each contract"
            )
            raise top.error(message, kind)
        problem = _list_problem(value, dict)
        if problem or not isinstance(value, list):
            got, index = problem or ("", None)
            message = f"`{kind}` in [tool.archlint] must be an array of tables ({header}), got "
            raise top.error(message + got, kind, index)
        result: list[Contract] = []
        for index, item in enumerate(value):
            number = f"#{index + 1}"
            table = _Table(self, item, (*_TABLE, kind, index), f"{header} {number}")
            required = [key for key in _CONTRACT_KEYS[kind] if key in _REQUIRED]
            common: tuple[str, ...] = _COMMON_KEYS
            if kind in ("external", "banned-api"):  # no import ignores: use allowed-in
                common = ("name", "kinds") if kind == "external" else ("name",)
            table.check_keys(common + _CONTRACT_KEYS[kind], required)
            result.append(_BUILDERS[kind](table, f"{kind} {number}"))
        return result


@dataclasses.dataclass(frozen=True)
class _Table:
    """One TOML table being validated: its values, where it is, and its name in messages."""

    loader: _Loader
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
                hint = _suggest(key, allowed, "allowed keys are")
                raise self.error(f"unknown key '{key}' in {self.label}{hint}", key)
        for key in required:
            if key not in self.data:
                message = f"{self.label} is missing the required key `{key}`; add e.g. "
                raise self.error(message + _REQUIRED[key])

    def strings(self, key: str, nonempty: bool = False, patterns: bool = False) -> tuple[str, ...]:
        """A list of strings, ``()`` when absent; ``patterns``: each a module name or pattern."""
        value = self.data.get(key, [])
        problem = _list_problem(value, str)
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
            raise self.error(f"{message}, got {_type_name(value)}", key)
        return value


def _with_common(contract: _C, table: _Table, default_name: str) -> _C:
    """``contract`` with the options every contract table takes: name, kinds, ignore, lines."""
    name = table.data.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        got = _type_name(name) if not isinstance(name, str) else "an empty string"
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
                hint = _suggest(value, _KINDS, "valid kinds are")
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
    return dataclasses.replace(
        contract,
        name=name,
        kinds=kinds,
        ignore=tuple(ignore),
        line=table.line(),
        key_lines=table.key_lines(),
    )


def _layers(table: _Table, default_name: str) -> Contract:
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
    return _with_common(contract, table, default_name)


def _forbidden(table: _Table, default_name: str) -> Contract:
    contract = ForbiddenContract(
        name="",
        source=table.strings("source", nonempty=True, patterns=True),
        forbidden=table.strings("forbidden", nonempty=True, patterns=True),
        allow_indirect=table.boolean("allow-indirect"),
    )
    return _with_common(contract, table, default_name)


def _independence(table: _Table, default_name: str) -> Contract:
    modules = table.strings("modules", patterns=True)
    if len(modules) < 2 and not any("*" in module for module in modules):
        message = (
            f"`modules` in {table.label} must list at least two modules (or a pattern such as "
            f"'shop.*'), got {len(modules)}"
        )
        raise table.error(message, "modules")
    return _with_common(IndependenceContract("", modules=modules), table, default_name)


def _cycles(table: _Table, default_name: str) -> Contract:
    packages = table.strings("packages", nonempty=True, patterns=True)
    depth = table.data.get("depth", 1)
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        got = str(depth) if isinstance(depth, int) and not isinstance(depth, bool) else None
        message = f"`depth` in {table.label} must be an integer >= 1"
        raise table.error(f"{message}, got {got or _type_name(depth)}", "depth")
    return _with_common(CyclesContract("", packages=packages, depth=depth), table, default_name)


def _component(table: _Table) -> Component:
    table.check_keys(_COMPONENT_KEYS, ("name", "modules"))
    name = table.data["name"]
    if not isinstance(name, str) or not name.strip():
        got = _type_name(name) if not isinstance(name, str) else "an empty string"
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


def _check_component_names(tables: Sequence[_Table], components: Sequence[Component]) -> None:
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
                    hint = _suggest(other, known, "components are")
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


def _external(table: _Table, default_name: str) -> Contract:
    modules = table.strings("modules", nonempty=True)
    for index, name in enumerate(modules):
        if not _DOTTED.fullmatch(name):
            message = (
                f"'{name}' in `modules` of {table.label} is not a dotted module name; name an "
                "external module or sub-package, e.g. 'sqlalchemy' or 'google.cloud.storage'"
            )
            raise table.error(message, "modules", index)
    contract = ExternalContract(
        "", modules=modules, allowed_in=table.strings("allowed-in", patterns=True)
    )
    return _with_common(contract, table, default_name)


def _banned_api(table: _Table, default_name: str) -> Contract:
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
            f"`message` in {table.label} must be a string, got {_type_name(advice)}", "message"
        )
    contract = BannedApiContract(
        "",
        names=names,
        modules=table.strings("modules", nonempty=True, patterns=True),
        allowed_in=table.strings("allowed-in", patterns=True),
        message=advice.strip(),
    )
    return _with_common(contract, table, default_name)


_BUILDERS: dict[str, Callable[[_Table, str], Contract]] = {
    "layers": _layers,
    "forbidden": _forbidden,
    "independence": _independence,
    "cycles": _cycles,
    "external": _external,
    "banned-api": _banned_api,
}
