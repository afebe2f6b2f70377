"""Read ``[tool.archlint]`` from pyproject.toml into typed contracts, or say exactly what is wrong.

Every problem raises ``ArchlintError`` naming the pyproject.toml and the line it applies to, with
a message that says what is wrong and how to fix it. The only module that imports a TOML parser.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from archlint.contract_tables import (
    BUILDERS,
    DOTTED,
    REQUIRED,
    Table,
    check_component_names,
    component,
    list_problem,
    suggest,
    type_name,
    with_common,
)
from archlint.contracts import (
    THRESHOLDS,
    ComponentsContract,
    Config,
    Contract,
    DependenciesContract,
    ProjectDependencies,
    UnmatchedIgnores,
    line_of,
)
from archlint.model import ArchlintError
from archlint.toml_lines import KeyPath, locate

_TABLE: KeyPath = ("tool", "archlint")
_CONTRACT_KEYS: dict[str, tuple[str, ...]] = {
    "layers": ("layers", "containers", "exhaustive"),
    "forbidden": ("source", "forbidden", "allow-indirect"),
    "independence": ("modules",),
    "cycles": ("packages", "depth"),
    "external": ("modules", "allowed-in"),
    "banned-api": ("names", "modules", "allowed-in", "message"),
    "thresholds": ("modules", "level", "depth", *THRESHOLDS),
    "stable-dependencies": ("modules", "level", "depth", "tolerance"),
}
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
_UNMATCHED: dict[str, UnmatchedIgnores] = {"warn": "warn", "error": "error", "ignore": "ignore"}
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_DISTRIBUTION = re.compile(r"[A-Za-z0-9._-]+")


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
            got = type_name(archlint)
            message = f"`tool.archlint` must be a table ([tool.archlint]), got {got}"
            raise ArchlintError(message, self.display_path, self.line(_TABLE))
        top = Table(self, archlint, _TABLE, "[tool.archlint]")
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
            got = f"'{unmatched}'" if isinstance(unmatched, str) else type_name(unmatched)
            hint = suggest(unmatched, tuple(_UNMATCHED)) if isinstance(unmatched, str) else ""
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
            line = line_of(contract, "name")
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

    def dependencies_contract(self, top: Table) -> Contract:
        value = top.data["dependencies"]
        label = "[tool.archlint.dependencies]"
        if not isinstance(value, dict):
            message = f"`dependencies` in [tool.archlint] must be a table ({label})"
            raise top.error(f"{message}, got {type_name(value)}", "dependencies")
        table = Table(self, value, (*_TABLE, "dependencies"), label)
        table.check_keys(_DEPENDENCIES_KEYS, ())
        names = table.data.get("import-names", {})
        if not isinstance(names, dict):
            message = (
                f"`import-names` in {label} must be a table of distribution = [import names], "
                f'e.g. import-names = {{ PyYAML = ["yaml"] }}, got {type_name(names)}'
            )
            raise table.error(message, "import-names")
        mapping: dict[str, tuple[str, ...]] = {}
        sub = Table(self, names, (*table.path, "import-names"), f"`import-names` of {label}")
        for distribution in names:
            values = sub.strings(distribution, nonempty=True)
            for index, module in enumerate(values):
                if not DOTTED.fullmatch(module) or "." in module:
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
        return with_common(contract, table, "dependencies")

    def tables(self, top: Table, key: str, each: str = "entry") -> list[Mapping[str, object]]:
        """The array of tables at ``key`` of [tool.archlint] (``[]`` when absent)."""
        value = top.data.get(key)
        if value is None:
            return []
        header = f"[[tool.archlint.{key}]]"
        if isinstance(value, dict):
            message = (
                f"[tool.archlint.{key}] must be an array of tables: write {header} "
                f"(double brackets), once for each {each}"
            )
            raise top.error(message, key)
        problem = list_problem(value, dict)
        if problem or not isinstance(value, list):
            got, index = problem or ("", None)
            message = f"`{key}` in [tool.archlint] must be an array of tables ({header}), got "
            raise top.error(message + got, key, index)
        return value

    def components(self, top: Table) -> ComponentsContract | None:
        """``[[tool.archlint.components]]`` and ``[tool.archlint.component-options]`` as one
        contract, or None when no component is declared."""
        header = "[[tool.archlint.components]]"
        tables = [
            Table(self, item, (*_TABLE, "components", index), f"{header} #{index + 1}")
            for index, item in enumerate(self.tables(top, "components"))
        ]
        options = top.data.get("component-options")
        if options is not None and not isinstance(options, dict):
            message = "`component-options` in [tool.archlint] must be a table"
            raise top.error(f"{message}, got {type_name(options)}", "component-options")
        if not tables:
            if options is not None:
                message = (
                    "[tool.archlint.component-options] is set but no component is declared; "
                    f"add {header} tables or remove it"
                )
                raise top.error(message, "component-options")
            return None
        components = [component(table) for table in tables]
        check_component_names(tables, components)
        contract = ComponentsContract("", components=tuple(components))
        if options is None:
            return contract._replace(name="components", line=tables[0].line(), key_lines={})
        table = Table(
            self, options, (*_TABLE, "component-options"), "[tool.archlint.component-options]"
        )
        table.check_keys(_COMPONENT_OPTION_KEYS, ())
        contract = contract._replace(strict=table.boolean("strict"))
        contract = with_common(contract, table, "components")
        return contract._replace(line=min(tables[0].line(), contract.line))

    def contracts(self, top: Table, kind: str) -> list[Contract]:
        header = f"[[tool.archlint.{kind}]]"
        result: list[Contract] = []
        for index, item in enumerate(self.tables(top, kind, "contract")):
            number = f"#{index + 1}"
            table = Table(self, item, (*_TABLE, kind, index), f"{header} {number}")
            required = [key for key in _CONTRACT_KEYS[kind] if key in REQUIRED]
            common: tuple[str, ...] = _COMMON_KEYS
            if kind in ("external", "banned-api", "thresholds", "stable-dependencies"):
                common = ("name",) if kind == "banned-api" else ("name", "kinds")
            table.check_keys(common + _CONTRACT_KEYS[kind], required)
            result.append(BUILDERS[kind](table, f"{kind} {number}"))
        return result
