"""Bad input: configuration errors exit 2 with pyproject.toml:line; unreadable files exit 1."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Project, Run

APP = {
    "src/app/__init__.py": "",
    "src/app/a.py": "import app.b\n",
    "src/app/b.py": "",
}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x = [\n", "pyproject.toml:3:1: invalid TOML: Invalid value at end of file"),
        (
            '[[tool.archlint.layer]]\nlayers = ["app.a"]\n',
            "pyproject.toml:2: unknown key 'layer' in [tool.archlint]; did you mean 'layers'?",
        ),
        (
            'root_packages = ["app"]\n',
            "pyproject.toml:2: unknown key 'root_packages' in "
            "[tool.archlint]; did you mean 'root-packages'?",
        ),
        (
            '[[tool.archlint.layers]]\nlayers = "app.a"\n',
            "pyproject.toml:3: `layers` in "
            "[[tool.archlint.layers]] #1 must be a list of strings, got string; write layers = "
            '["app.a"]',
        ),
        (
            '[[tool.archlint.layers]]\nlayers = ["app.a"]\nkinds = ["toplevel"]\n',
            "pyproject.toml:4: unknown import kind 'toplevel' in `kinds` of "
            "[[tool.archlint.layers]] #1; did you mean 'top-level'?",
        ),
        (
            '[[tool.archlint.layers]]\nlayers = ["app.a", "app.c"]\n',
            "pyproject.toml:3: layers 'app.c' matches no module; did you mean 'app.b'? "
            "(in contract 'layers #1')",
        ),
        (
            '[[tool.archlint.layers]]\nlayers = ["app.a", "app.b", "app.a"]\n',
            "pyproject.toml:3: module 'app.a' appears in two layers of [[tool.archlint.layers]] #1; "
            "keep one",
        ),
        (
            '[[tool.archlint.forbidden]]\nsource = ["app.a"]\nforbidden = ["app.b"]\n'
            'ignore = ["app.x -> app.b"]\n',
            "pyproject.toml:5: ignore 'app.x -> app.b' of contract 'forbidden #1' matches no import; "
            "remove it (or set unmatched-ignores)",
        ),
        (
            '[[tool.archlint.forbidden]]\nsource = ["app.a"]\nforbidden = ["reqests"]\n',
            "pyproject.toml:4: forbidden 'reqests' matches no module of the project, no imported "
            "package, no standard-library module and no declared dependency "
            "(in contract 'forbidden #1')",
        ),
        (
            '[[tool.archlint.independence]]\nmodules = ["app.*.x", "app.a"]\n',
            "pyproject.toml:3: modules 'app.*.x' matches no module",
        ),
        (
            'root-packages = ["ap"]\n',
            "pyproject.toml:2: root package 'ap' not found in the source "
            "roots (src); did you mean 'app'?",
        ),
        (
            'exclude = ["nothing-here"]\n',
            "pyproject.toml:2: exclude pattern 'nothing-here' "
            "matches no file or directory; fix or remove it",
        ),
        ('source-roots = ["lib"]\n', "pyproject.toml:2: source root 'lib' is not a directory"),
        ('[[tool.archlint.cycles]]\npackages = ["app"]\ndepth = 0\n', "pyproject.toml:4: "),
    ],
)
def test_configuration_errors_exit_2_with_location(
    project: Project, run: Run, body: str, message: str
) -> None:
    project({**APP, "pyproject.toml": "[tool.archlint]\n" + body})
    result = run("check")
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("archlint: error: " + message), result.err
    assert result.err.count("\n") == 1


def test_unmatched_ignore_can_warn_or_be_ignored(project: Project, run: Run) -> None:
    contract = (
        '[[tool.archlint.forbidden]]\nsource = ["app.b"]\nforbidden = ["app.a"]\n'
        'ignore = ["app.x -> app.b"]\n'
    )
    project({**APP, "pyproject.toml": '[tool.archlint]\nunmatched-ignores = "warn"\n' + contract})
    result = run("check", "--format", "concise")
    assert (result.code, result.out) == (
        0,
        (
            "pyproject.toml:6:1: warning: ARC004 ignore 'app.x -> app.b' of contract 'forbidden #1' "
            "matches no import; remove it (or set unmatched-ignores)\n"
        ),
    )
    project({"pyproject.toml": '[tool.archlint]\nunmatched-ignores = "ignore"\n' + contract})
    assert (run("check", "--format", "concise").code, run("check", "--format", "concise").out) == (
        0,
        "",
    )


def test_no_configuration_anywhere(project: Project, run: Run) -> None:
    root = project({**APP, "pyproject.toml": "[project]\nname = 'x'\n"})
    result = run("check", str(root))
    assert result.code == 2
    assert result.err.startswith("archlint: error: no pyproject.toml with a [tool.archlint] table")


def test_no_python_file(project: Project, run: Run) -> None:
    project({"pyproject.toml": "[tool.archlint]\n", "README.md": "hi\n"})
    result = run("check")
    assert result.code == 2
    assert result.err == (
        "archlint: error: pyproject.toml: no Python file found in .; "
        "set `source-roots` in [tool.archlint]\n"
    )


def test_unreadable_files_are_reported_and_the_rest_is_checked(project: Project, run: Run) -> None:
    project(
        {
            **APP,
            "src/app/bad.py": "import app.a\nfrom app import (a,\n",
            "src/app/b.py": "import app.a\n",
            "pyproject.toml": '[tool.archlint]\n[[tool.archlint.forbidden]]\nname = "F"\n'
            'source = ["app.b"]\nforbidden = ["app.a"]\n',
        }
    )
    (project({}) / "src/app/nul.py").write_bytes(b"import os\x00\n")
    (project({}) / "src/app/latin.py").write_bytes(b"# -*- coding: klingon -*-\nimport os\n")
    result = run("check", "--format", "concise")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("src/app/b.py:1:1: ARC201 app.b imports forbidden module app.a")
    assert lines[1].startswith("src/app/bad.py:2:")
    assert " ARC001 " in lines[1] and lines[1].endswith("; file skipped")
    assert lines[2].startswith("src/app/latin.py:1:1: ARC001 unsupported encoding 'klingon'")
    assert lines[3].startswith("src/app/nul.py:1:10: ARC001 ")
    assert len(lines) == 4


def test_unreadable_file_alone_exits_1(project: Project, run: Run) -> None:
    project({**APP, "src/app/bad.py": "import (\n", "pyproject.toml": "[tool.archlint]\n"})
    result = run("check", "--format", "concise")
    assert result.code == 1


def test_relative_import_beyond_top_level_and_unresolved_import(project: Project, run: Run) -> None:
    project(
        {
            **APP,
            "src/app/a.py": "from ... import x\nimport app.missing\nfrom app import b, nothing\n",
            "pyproject.toml": "[tool.archlint]\n",
        }
    )
    result = run("check", "--format", "concise")
    assert result.code == 1
    assert result.out == (
        "src/app/a.py:1:1: ARC002 relative import '...' climbs above the top-level package\n"
        "src/app/a.py:2:1: warning: ARC003 'app.missing' is not a module of the project; "
        "counted as an import of 'app'\n"
    )


def test_debug_shows_traceback_for_config_errors(project: Project, run: Run) -> None:
    project({**APP, "pyproject.toml": "[tool.archlint]\nbogus = 1\n"})
    result = run("check", "--debug")
    assert result.code == 2
    assert "Traceback" in result.err


def test_source_root_outside_the_project_is_a_configuration_error(
    project: Project, run: Run
) -> None:
    root = project({"lib/shop/__init__.py": "", "proj/src/app/__init__.py": ""})
    (root / "proj/pyproject.toml").write_text('[tool.archlint]\nsource-roots = ["../lib"]\n')
    result = run("check", cwd=root / "proj")
    assert result.code == 2
    assert result.err.startswith(
        "archlint: error: pyproject.toml:2: source root '../lib' is outside the project root"
    )


def test_distribution_name_instead_of_import_name(project: Project, run: Run) -> None:
    # PyYAML is installed wherever archlint is (libcst needs it); its import name is `yaml`
    project(
        {
            **APP,
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["PyYAML"]\n[tool.archlint]\n'
            '[[tool.archlint.forbidden]]\nsource = ["app"]\nforbidden = ["pyyaml"]\n',
        }
    )
    result = run("check")
    assert result.code == 2
    assert result.err == (
        "archlint: error: pyproject.toml:7: forbidden 'pyyaml' is a distribution name; forbid "
        "what the code imports: yaml (in contract 'forbidden #1')\n"
    )


def test_root_discovery_ignores_a_comment_that_mentions_archlint(
    project: Project, run: Run
) -> None:
    root = project(
        {
            **APP,
            "pyproject.toml": "[tool.archlint]\n",
            "sub/pyproject.toml": '# we might use tool.archlint here one day\n[project]\nname = "s"\n',
            "sub/x.py": "",
        }
    )
    result = run("check", "-v", cwd=root / "sub")
    assert result.code == 0, result.err
    assert f"using configuration {root / 'pyproject.toml'}" in result.err


def test_a_module_file_beside_its_package_is_skipped_with_a_warning(
    project: Project, run: Run
) -> None:
    """Python imports the package ``a/__init__.py``, never ``a.py``: archlint analyses the
    package alone (its imports, not the file's) and warns about the file, at the root too."""
    root = project(
        {
            "pyproject.toml": (
                '[tool.archlint]\nroot-packages = ["app", "lib"]\n\n'
                '[[tool.archlint.forbidden]]\nname = "no io"\nsource = ["app.a", "lib"]\n'
                'forbidden = ["json", "os"]\n'
            ),
            "src/app/__init__.py": "",
            "src/app/a/__init__.py": "import json\n",
            "src/app/a.py": "import os\n",
            "src/lib/__init__.py": "",
            "src/lib.py": "import os\n",
        }
    )
    result = run("check", "--format", "concise", cwd=root)
    message = "Python never imports this file; archlint skips it (delete it, or rename it if it is still used)"
    assert result.out == (
        f"src/app/a.py:1:1: warning: ARC005 'app.a' is the package src/app/a/__init__.py: {message}\n"
        "src/app/a/__init__.py:1:1: ARC201 app.a imports forbidden module json [no io]\n"
        f"src/lib.py:1:1: warning: ARC005 'lib' is the package src/lib/__init__.py: {message}\n"
    )
    assert result.code == 1
    (root / "src/app/a.py").unlink()  # only that: the report cache must see it too
    result = run("check", "--format", "concise", cwd=root)
    assert result.out == (
        "src/app/a/__init__.py:1:1: ARC201 app.a imports forbidden module json [no io]\n"
        f"src/lib.py:1:1: warning: ARC005 'lib' is the package src/lib/__init__.py: {message}\n"
    )
    assert result.code == 1
