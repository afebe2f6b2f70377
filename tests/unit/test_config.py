"""`[tool.archlint]` -> typed Config, and every configuration error verbatim."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archlint.config import has_archlint_table, load_config
from archlint.contracts import (
    Config,
    CyclesContract,
    ForbiddenContract,
    ImportPattern,
    IndependenceContract,
    LayersContract,
    line_of,
)
from archlint.model import ALL_KINDS, ArchlintError, ImportKind
from archlint.toml_lines import locate

P = "pyproject.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / P
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Config:
    return load_config(write(tmp_path, text), P)


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ArchlintError) as info:
        load(tmp_path, text)
    assert info.value.path == P
    return str(info.value)


# --- valid configurations -------------------------------------------------------------------


def test_full_configuration(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        [project]
        name = "shop"
        dependencies = ["Django>=4.2", "requests[socks] ; python_version > '3'", "zope.interface"]

        [project.optional-dependencies]
        test = ["pytest>=8", "Typing_Extensions", "django"]
        bad = [3, "", ">=1"]

        [tool.archlint]
        source-roots = ["src", "."]
        root-packages = ["shop"]
        exclude = ["**/migrations/**"]
        unmatched-ignores = "warn"

        [[tool.archlint.layers]]
        name = "shop layers"
        layers = [
            "shop.api",
            "shop.orders | shop.billing",  # independent siblings
            "shop.domain",
        ]
        kinds = ["top-level", "function"]
        ignore = [
            "shop.domain.events -> shop.api.schemas",
            "shop.api->shop.domain.*",
        ]

        [[tool.archlint.forbidden]]
        source = ["shop.domain"]
        forbidden = ["django", "shop.api.**"]
        allow-indirect = true

        [[tool.archlint.independence]]
        modules = ["shop.orders", "shop.billing"]

        [[tool.archlint.cycles]]
        packages = ["shop"]
        depth = 2
        """,
    )
    assert config == Config(
        path=P,
        source_roots=("src", "."),
        root_packages=("shop",),
        exclude=("**/migrations/**",),
        unmatched_ignores="warn",
        contracts=(
            LayersContract(
                name="shop layers",
                kinds=frozenset({ImportKind.TOP_LEVEL, ImportKind.FUNCTION}),
                ignore=(
                    ImportPattern(
                        "shop.domain.events",
                        "shop.api.schemas",
                        "shop.domain.events -> shop.api.schemas",
                        line=24,
                    ),
                    ImportPattern("shop.api", "shop.domain.*", "shop.api->shop.domain.*", line=25),
                ),
                line=15,
                key_lines={"name": 16, "layers": 17, "kinds": 22, "ignore": 23},
                layers=(("shop.api",), ("shop.orders", "shop.billing"), ("shop.domain",)),
            ),
            ForbiddenContract(
                name="forbidden #1",
                line=28,
                key_lines={"source": 29, "forbidden": 30, "allow-indirect": 31},
                source=("shop.domain",),
                forbidden=("django", "shop.api.**"),
                allow_indirect=True,
            ),
            IndependenceContract(
                name="independence #1",
                line=33,
                key_lines={"modules": 34},
                modules=("shop.orders", "shop.billing"),
            ),
            CyclesContract(
                name="cycles #1",
                line=36,
                key_lines={"packages": 37, "depth": 38},
                packages=("shop",),
                depth=2,
            ),
        ),
        key_lines={
            "source-roots": 10,
            "root-packages": 11,
            "exclude": 12,
            "unmatched-ignores": 13,
            "layers": 15,
            "forbidden": 28,
            "independence": 33,
            "cycles": 36,
        },
        dependencies=("django", "pytest", "requests", "typing-extensions", "zope-interface"),
        required_dependencies={"django": 3, "requests": 3, "zope-interface": 3},
    )
    assert config.line_of("exclude") == 12
    assert line_of(config.contracts[0], "ignore") == 23
    assert line_of(config.contracts[1], "name") == 28  # not written: the table header


def test_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, "[tool.archlint]\n")
    assert config == Config(path=P)
    assert config.source_roots is None
    assert config.root_packages is None
    assert config.unmatched_ignores == "error"
    assert config.dependencies == ()


def test_contract_defaults_and_per_type_numbering(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        [tool.archlint]
        [[tool.archlint.layers]]
        layers = ["a", "b"]
        [[tool.archlint.cycles]]
        packages = ["a"]
        [[tool.archlint.layers]]
        layers = ["c"]
        containers = ["a.*"]
        exhaustive = true
        [[tool.archlint.independence]]
        modules = ["a.*"]
        """,
    )
    layers1, cycles, layers2, independence = config.contracts  # file order, across types
    assert layers1 == LayersContract(
        name="layers #1", line=2, key_lines={"layers": 3}, layers=(("a",), ("b",))
    )
    assert layers1.kinds == ALL_KINDS
    assert layers1.ignore == ()
    assert layers1.containers == ()
    assert layers1.exhaustive is False
    assert cycles == CyclesContract(
        name="cycles #1", line=4, key_lines={"packages": 5}, packages=("a",), depth=1
    )
    assert layers2 == LayersContract(
        name="layers #2",
        line=6,
        key_lines={"layers": 7, "containers": 8, "exhaustive": 9},
        layers=(("c",),),
        containers=("a.*",),
        exhaustive=True,
    )
    assert independence == IndependenceContract(
        name="independence #1", line=10, key_lines={"modules": 11}, modules=("a.*",)
    )
    assert config.key_lines == {"layers": 2, "cycles": 4, "independence": 10}


def test_inline_array_of_tables(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        [tool.archlint]
        layers = [
            {name = "one", layers = ["a", "b"], ignore = ["a -> b"]},
            # a comment, and a second contract over two lines
            { layers = ["c",
                        "d"] },
        ]
        forbidden = [{source = ["a"], forbidden = ["b"]}]
        """,
    )
    one, two, forbidden = config.contracts
    assert one == LayersContract(
        name="one",
        ignore=(ImportPattern("a", "b", "a -> b", line=3),),
        line=3,
        key_lines={"name": 3, "layers": 3, "ignore": 3},
        layers=(("a",), ("b",)),
    )
    assert (two.name, two.line, two.key_lines) == ("layers #2", 5, {"layers": 5})
    assert (forbidden.name, forbidden.line) == ("forbidden #1", 8)
    assert config.key_lines == {"layers": 2, "forbidden": 8}


def test_line_locator_is_not_fooled(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        '''
        [project]
        description = """
        [[tool.archlint.layers]]
        layers = ["x"]
        """
        dependencies = [
          "a",  # [tool.archlint]
        ]

        [ tool . "archlint" ]  # spaces and a quoted key
        'exclude' = ["x", """
        [[tool.archlint.cycles]]"""]

        [[ tool.archlint.cycles ]]
        packages = ['a']
        ''',
    )
    assert config.key_lines == {"exclude": 11, "cycles": 14}
    assert config.exclude == ("x", "[[tool.archlint.cycles]]")
    assert config.contracts == (
        CyclesContract(name="cycles #1", line=14, key_lines={"packages": 15}, packages=("a",)),
    )


def test_dotted_keys_under_tool(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
        [tool]
        black.line-length = 100
        archlint.exclude = ["x"]
        archlint.root-packages = ["shop"]
        """,
    )
    assert config.exclude == ("x",)
    assert config.key_lines == {"exclude": 3, "root-packages": 4}


def test_dependencies_without_project_table(tmp_path: Path) -> None:
    config = load(tmp_path, 'project = "odd"\n[tool.archlint]\n')
    assert config.dependencies == ()


def test_has_archlint_table(tmp_path: Path) -> None:
    assert has_archlint_table(write(tmp_path, "[tool.archlint]\n"))
    assert has_archlint_table(write(tmp_path, "[tool]\narchlint.exclude = []\n"))
    assert not has_archlint_table(write(tmp_path, "[tool.black]\nx = 1\n"))
    assert not has_archlint_table(write(tmp_path, "[tool.archlint\n"))
    assert not has_archlint_table(tmp_path / "missing.toml")
    assert not has_archlint_table(tmp_path)  # a directory
    (tmp_path / "latin1.toml").write_bytes(b"[tool.archlint]\n# caf\xe9\n")
    assert not has_archlint_table(tmp_path / "latin1.toml")


@given(st.text())
def test_locate_never_raises(text: str) -> None:
    lines = locate(text)
    assert all(line >= 1 for line in lines.values())


# --- errors ----------------------------------------------------------------------------------


def test_invalid_toml(tmp_path: Path) -> None:
    assert error(tmp_path, "[tool.archlint]\nexclude = [1, 2\nx = 3\n") == (
        "pyproject.toml:3:1: invalid TOML: Unclosed array"
    )
    assert error(tmp_path, "[tool.archlint]\n[tool.archlint]\n") == (
        "pyproject.toml:2:15: invalid TOML: Cannot declare ('tool', 'archlint') twice"
    )
    assert error(tmp_path, "[tool.archlint]\nexclude = ") == (
        "pyproject.toml:2:11: invalid TOML: Invalid value at end of file"
    )


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / P).write_bytes(b"[tool.archlint]\n# caf\xe9\n")
    with pytest.raises(ArchlintError) as info:
        load_config(tmp_path / P, P)
    assert str(info.value) == (
        "pyproject.toml:2: invalid TOML: the file is not valid UTF-8; save it with UTF-8 encoding"
    )


def test_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ArchlintError) as info:
        load_config(tmp_path / "nope.toml", "nope.toml")
    assert str(info.value) == "nope.toml: cannot read the file: No such file or directory"


def test_missing_table(tmp_path: Path) -> None:
    message = "no [tool.archlint] table in pyproject.toml; add one (see docs/configuration.md)"
    assert error(tmp_path, "[tool.black]\nline-length = 100\n") == f"pyproject.toml: {message}"
    assert error(tmp_path, "") == f"pyproject.toml: {message}"


def test_archlint_not_a_table(tmp_path: Path) -> None:
    assert error(tmp_path, "[tool]\narchlint = 1\n") == (
        "pyproject.toml:2: `tool.archlint` must be a table ([tool.archlint]), got integer"
    )


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("root_packages", "did you mean 'root-packages'?"),
        ("source_roots", "did you mean 'source-roots'?"),
        ("excludes", "did you mean 'exclude'?"),
        ("forbiden", "did you mean 'forbidden'?"),
        ("unmatched_ignores", "did you mean 'unmatched-ignores'?"),
        (
            "contracts",
            "allowed keys are: source-roots, root-packages, exclude, unmatched-ignores, layers, "
            "forbidden, independence, cycles, external, banned-api, thresholds, "
            "stable-dependencies, components, component-options, dependencies",
        ),
        ("component", "did you mean 'components'?"),
    ],
)
def test_unknown_top_level_key(tmp_path: Path, key: str, hint: str) -> None:
    assert error(tmp_path, f"[tool.archlint]\nexclude = []\n{key} = []\n") == (
        f"pyproject.toml:3: unknown key '{key}' in [tool.archlint]; {hint}"
    )


def test_unknown_contract_type(tmp_path: Path) -> None:
    text = '[tool.archlint]\n\n[[tool.archlint.layer]]\nlayers = ["a"]\n'
    assert error(tmp_path, text) == (
        "pyproject.toml:3: unknown key 'layer' in [tool.archlint]; did you mean 'layers'?"
    )


def test_contract_as_single_table(tmp_path: Path) -> None:
    text = '[tool.archlint]\nexclude = []\n[tool.archlint.layers]\nlayers = ["a", "b"]\n'
    assert error(tmp_path, text) == (
        "pyproject.toml:3: [tool.archlint.layers] must be an array of tables: write "
        "[[tool.archlint.layers]] (double brackets), once for each contract"
    )


def test_contract_type_not_tables(tmp_path: Path) -> None:
    assert error(tmp_path, '[tool.archlint]\nlayers = ["a", "b"]\n') == (
        "pyproject.toml:2: `layers` in [tool.archlint] must be an array of tables "
        "([[tool.archlint.layers]]), got array containing string"
    )
    assert error(tmp_path, "[tool.archlint]\ncycles = 1\n") == (
        "pyproject.toml:2: `cycles` in [tool.archlint] must be an array of tables "
        "([[tool.archlint.cycles]]), got integer"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "exclude = 'build'",
            "`exclude` in [tool.archlint] must be a list of strings, got string; "
            'write exclude = ["build"]',
        ),
        (
            "exclude = ['a',\n  2]",
            "`exclude` in [tool.archlint] must be a list of strings, got array containing integer",
        ),
        (
            "source-roots = {src = 1}",
            "`source-roots` in [tool.archlint] must be a list of strings, got table",
        ),
        (
            "root-packages = [1.5]",
            "`root-packages` in [tool.archlint] must be a list of strings, got array containing "
            "float",
        ),
        (
            "unmatched-ignores = 'warning'",
            "`unmatched-ignores` in [tool.archlint] must be 'warn', 'error' or 'ignore', "
            "got 'warning'; did you mean 'warn'?",
        ),
        (
            "unmatched-ignores = 'never'",
            "`unmatched-ignores` in [tool.archlint] must be 'warn', 'error' or 'ignore', "
            "got 'never'",
        ),
        (
            "unmatched-ignores = false",
            "`unmatched-ignores` in [tool.archlint] must be 'warn', 'error' or 'ignore', "
            "got boolean",
        ),
        (
            "root-packages = ['shop.*']",
            "`root-packages` in [tool.archlint] must list names, not patterns: 'shop.*'",
        ),
        (
            "root-packages = ['shop..x']",
            "'shop..x' is not a valid module name or pattern (in `root-packages` of "
            "[tool.archlint]); use dotted names, with '*' for one segment or '**' for any depth",
        ),
    ],
)
def test_top_level_values(tmp_path: Path, body: str, expected: str) -> None:
    line = 3 if "\n" in body else 2  # the bad element of a multi-line array
    assert error(tmp_path, f"[tool.archlint]\n{body}\n") == f"pyproject.toml:{line}: {expected}"


LAYERS = "[tool.archlint]\n\n[[tool.archlint.layers]]\n"
FORBIDDEN = "[tool.archlint]\n\n[[tool.archlint.forbidden]]\n"
INDEPENDENCE = "[tool.archlint]\n\n[[tool.archlint.independence]]\n"
CYCLES = "[tool.archlint]\n\n[[tool.archlint.cycles]]\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # wrong types
        (
            LAYERS + "layers = 3\n",
            "4: `layers` in [[tool.archlint.layers]] #1 must be a list of strings, got integer",
        ),
        (
            FORBIDDEN + "source = 'shop.domain'\nforbidden = ['x']\n",
            "4: `source` in [[tool.archlint.forbidden]] #1 must be a list of strings, got string; "
            'write source = ["shop.domain"]',
        ),
        (
            FORBIDDEN + "source = ['a']\nforbidden = ['b']\nallow-indirect = 'yes'\n",
            "6: `allow-indirect` in [[tool.archlint.forbidden]] #1 must be a boolean "
            "(true or false), got string",
        ),
        (
            LAYERS + "layers = ['a']\nexhaustive = 1\ncontainers = ['x']\n",
            "5: `exhaustive` in [[tool.archlint.layers]] #1 must be a boolean (true or false), "
            "got integer",
        ),
        (
            LAYERS + "name = 7\nlayers = ['a']\n",
            "4: `name` in [[tool.archlint.layers]] #1 must be a non-empty string, got integer",
        ),
        (
            LAYERS + "name = ''\nlayers = ['a']\n",
            "4: `name` in [[tool.archlint.layers]] #1 must be a non-empty string, "
            "got an empty string",
        ),
        (
            LAYERS + "layers = ['a']\nkinds = 'function'\n",
            "5: `kinds` in [[tool.archlint.layers]] #1 must be a list of strings, got string; "
            'write kinds = ["function"]',
        ),
        (
            LAYERS + "layers = ['a']\nignore = [1979-05-27]\n",
            "5: `ignore` in [[tool.archlint.layers]] #1 must be a list of strings, "
            "got array containing date",
        ),
        # unknown keys, missing keys, empty lists
        (
            FORBIDDEN + "source = ['a']\nforbidden = ['b']\nallow_indirect = true\n",
            "6: unknown key 'allow_indirect' in [[tool.archlint.forbidden]] #1; "
            "did you mean 'allow-indirect'?",
        ),
        (
            LAYERS + "layers = ['a']\ncontainer = ['x']\n",
            "5: unknown key 'container' in [[tool.archlint.layers]] #1; did you mean 'containers'?",
        ),
        (
            CYCLES + "packages = ['a']\nstrict = true\n",
            "5: unknown key 'strict' in [[tool.archlint.cycles]] #1; allowed keys are: "
            "name, kinds, ignore, packages, depth",
        ),
        (
            LAYERS + "name = 'x'\n",
            "3: [[tool.archlint.layers]] #1 is missing the required key `layers`; add e.g. "
            'layers = ["shop.api", "shop.domain"]',
        ),
        (
            FORBIDDEN + "source = ['a']\n",
            "3: [[tool.archlint.forbidden]] #1 is missing the required key `forbidden`; add e.g. "
            'forbidden = ["shop.api"]',
        ),
        (
            INDEPENDENCE,
            "3: [[tool.archlint.independence]] #1 is missing the required key `modules`; "
            'add e.g. modules = ["shop.orders", "shop.billing"]',
        ),
        (
            CYCLES + "depth = 2\n",
            "3: [[tool.archlint.cycles]] #1 is missing the required key `packages`; add e.g. "
            'packages = ["shop"]',
        ),
        (
            FORBIDDEN + "source = []\nforbidden = ['b']\n",
            "4: `source` in [[tool.archlint.forbidden]] #1 must not be empty; "
            "list at least one module",
        ),
        (
            LAYERS + "layers = []\n",
            "4: `layers` in [[tool.archlint.layers]] #1 must not be empty; "
            "list at least one module",
        ),
        # kinds
        (
            LAYERS + "layers = ['a']\nkinds = ['top-level', 'toplevel']\n",
            "5: unknown import kind 'toplevel' in `kinds` of [[tool.archlint.layers]] #1; "
            "did you mean 'top-level'?",
        ),
        (
            LAYERS + "layers = ['a']\nkinds = ['type_checking']\n",
            "5: unknown import kind 'type_checking' in `kinds` of [[tool.archlint.layers]] #1; "
            "did you mean 'type-checking'?",
        ),
        (
            LAYERS + "layers = ['a']\nkinds = ['lazy']\n",
            "5: unknown import kind 'lazy' in `kinds` of [[tool.archlint.layers]] #1; "
            "valid kinds are: top-level, function, type-checking, optional, dynamic",
        ),
        (
            LAYERS + "layers = ['a']\nkinds = []\n",
            "5: `kinds` in [[tool.archlint.layers]] #1 must not be empty; remove it to check "
            "imports of every kind, or list some of: top-level, function, type-checking, "
            "optional, dynamic",
        ),
        # ignore
        (
            LAYERS + "layers = ['a']\nignore = [\n  'a -> b',\n  'a => b',\n]\n",
            "7: malformed ignore entry 'a => b' in [[tool.archlint.layers]] #1: expected "
            "'importer-pattern -> imported-pattern', e.g. 'shop.api -> shop.db'",
        ),
        (
            LAYERS + "layers = ['a']\nignore = ['a -> b -> c']\n",
            "5: malformed ignore entry 'a -> b -> c' in [[tool.archlint.layers]] #1: expected "
            "'importer-pattern -> imported-pattern', e.g. 'shop.api -> shop.db'",
        ),
        (
            LAYERS + "layers = ['a']\nignore = [' -> b']\n",
            "5: malformed ignore entry ' -> b' in [[tool.archlint.layers]] #1: expected "
            "'importer-pattern -> imported-pattern', e.g. 'shop.api -> shop.db'",
        ),
        (
            LAYERS + "layers = ['a']\nignore = ['a -> shop..x']\n",
            "5: 'shop..x' is not a valid module name or pattern (in `ignore` of "
            "[[tool.archlint.layers]] #1); use dotted names, with '*' for one segment or '**' "
            "for any depth",
        ),
        # layers
        (
            LAYERS + "layers = [\n  'shop.api',\n  'shop.domain | shop.api',\n]\n",
            "6: module 'shop.api' appears in two layers of [[tool.archlint.layers]] #1; keep one",
        ),
        (
            LAYERS + "layers = ['a | b | a']\n",
            "4: module 'a' appears in two layers of [[tool.archlint.layers]] #1; keep one",
        ),
        (
            LAYERS + "layers = ['a', 'b']\nexhaustive = true\n",
            "5: `exhaustive = true` in [[tool.archlint.layers]] #1 requires `containers`; "
            'add e.g. containers = ["shop"] (the packages whose children the layers must cover)',
        ),
        (
            LAYERS + "layers = ['api', 'domain.*']\ncontainers = ['shop']\n",
            "4: layer 'domain.*' in [[tool.archlint.layers]] #1 cannot be a pattern: with "
            "`containers`, layer names are relative to each container; write plain names",
        ),
        (
            LAYERS + "layers = ['a |', 'b']\n",
            "4: layer 'a |' in [[tool.archlint.layers]] #1 has an empty name; separate "
            "independent sibling modules with '|', e.g. 'shop.orders | shop.billing'",
        ),
        (
            LAYERS + "layers = ['shop.api', 'shop..x']\n",
            "4: 'shop..x' is not a valid module name or pattern (in `layers` of "
            "[[tool.archlint.layers]] #1); use dotted names, with '*' for one segment or '**' "
            "for any depth",
        ),
        (
            LAYERS + "layers = ['a']\ncontainers = []\n",
            "5: `containers` in [[tool.archlint.layers]] #1 must not be empty; "
            "list at least one module",
        ),
        # forbidden
        (
            FORBIDDEN + "source = ['a']\nforbidden = ['b-c']\n",
            "5: 'b-c' is not a valid module name or pattern (in `forbidden` of "
            "[[tool.archlint.forbidden]] #1); use dotted names, with '*' for one segment or '**' "
            "for any depth",
        ),
        # independence
        (
            INDEPENDENCE + "modules = ['shop.orders']\n",
            "4: `modules` in [[tool.archlint.independence]] #1 must list at least two modules "
            "(or a pattern such as 'shop.*'), got 1",
        ),
        (
            INDEPENDENCE + "modules = []\n",
            "4: `modules` in [[tool.archlint.independence]] #1 must list at least two modules "
            "(or a pattern such as 'shop.*'), got 0",
        ),
        # cycles
        (
            CYCLES + "packages = ['a']\ndepth = 0\n",
            "5: `depth` in [[tool.archlint.cycles]] #1 must be an integer >= 1, got 0",
        ),
        (
            CYCLES + "packages = ['a']\ndepth = -3\n",
            "5: `depth` in [[tool.archlint.cycles]] #1 must be an integer >= 1, got -3",
        ),
        (
            CYCLES + "packages = ['a']\ndepth = true\n",
            "5: `depth` in [[tool.archlint.cycles]] #1 must be an integer >= 1, got boolean",
        ),
        (
            CYCLES + "packages = ['a']\ndepth = '2'\n",
            "5: `depth` in [[tool.archlint.cycles]] #1 must be an integer >= 1, got string",
        ),
        (
            CYCLES + "packages = ['a']\ndepth = 1.0\n",
            "5: `depth` in [[tool.archlint.cycles]] #1 must be an integer >= 1, got float",
        ),
        (
            CYCLES + "packages = []\n",
            "4: `packages` in [[tool.archlint.cycles]] #1 must not be empty; "
            "list at least one module",
        ),
    ],
)
def test_contract_errors(tmp_path: Path, text: str, expected: str) -> None:
    assert error(tmp_path, text) == f"pyproject.toml:{expected}"


def test_errors_name_the_contract_number(tmp_path: Path) -> None:
    text = """
        [tool.archlint]
        [[tool.archlint.cycles]]
        packages = ["a"]
        [[tool.archlint.layers]]
        layers = ["a"]
        [[tool.archlint.cycles]]
        packages = ["a"]
        depth = false
        """
    assert error(tmp_path, text) == (
        "pyproject.toml:8: `depth` in [[tool.archlint.cycles]] #2 must be an integer >= 1, "
        "got boolean"
    )


def test_inline_contract_errors_point_at_the_entry(tmp_path: Path) -> None:
    text = """
        [tool.archlint]
        forbidden = [
            {source = ["a"], forbidden = ["b"]},
            {source = ["a"]},
        ]
        """
    assert error(tmp_path, text) == (
        "pyproject.toml:4: [[tool.archlint.forbidden]] #2 is missing the required key "
        '`forbidden`; add e.g. forbidden = ["shop.api"]'
    )


def test_duplicate_contract_names(tmp_path: Path) -> None:
    text = """
        [tool.archlint]
        [[tool.archlint.layers]]
        name = "core"
        layers = ["a", "b"]
        [[tool.archlint.cycles]]
        packages = ["a"]
        name = "core"
        """
    assert error(tmp_path, text) == (
        "pyproject.toml:7: duplicate contract name 'core' (also used at line 3); "
        "give each contract a unique `name`"
    )


def test_duplicate_of_a_generated_name(tmp_path: Path) -> None:
    text = """
        [tool.archlint]
        [[tool.archlint.cycles]]
        packages = ["a"]
        [[tool.archlint.cycles]]
        name = "cycles #1"
        packages = ["b"]
        """
    assert error(tmp_path, text) == (
        "pyproject.toml:5: duplicate contract name 'cycles #1' (also used at line 2); "
        "give each contract a unique `name`"
    )


def test_locate_paths() -> None:
    text = textwrap.dedent(
        """\
        a = 1
        [t]
        "q.k" = {x = [1,
          2]}
        [[t.arr]]
        [t.arr.sub]
        k = '''
        [t]
        '''
        [[t.arr]]
        s = "esc \\" ] # not a comment"
        k = 2 # comment
        """
    )
    assert locate(text) == {
        ("a",): 1,
        ("t",): 2,
        ("t", "q.k"): 3,
        ("t", "q.k", "x"): 3,
        ("t", "q.k", "x", 0): 3,
        ("t", "q.k", "x", 1): 4,
        ("t", "arr"): 5,
        ("t", "arr", 0): 5,
        ("t", "arr", 0, "sub"): 6,
        ("t", "arr", 0, "sub", "k"): 7,
        ("t", "arr", 1): 10,
        ("t", "arr", 1, "s"): 11,
        ("t", "arr", 1, "k"): 12,
    }
