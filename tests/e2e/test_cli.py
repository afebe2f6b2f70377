"""The command line itself: formats, discovery, listing rules, the graph, determinism."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archlint.rules.registry import RULES
from tests.e2e.conftest import Project, Run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

SMALL = {
    "pyproject.toml": '[tool.archlint]\n[[tool.archlint.forbidden]]\nname = "F"\n'
    'source = ["app.a"]\nforbidden = ["app.c"]\n',
    "src/app/__init__.py": "",
    "src/app/a.py": "import app.b\n",
    "src/app/b.py": "def f():\n    import app.c\n",
    "src/app/c.py": "import os\n",
}


def test_example_shop_is_kept(run: Run) -> None:
    result = run("check", str(EXAMPLES / "shop"), cwd=ROOT)
    assert result.code == 0, result.out + result.err
    assert "5 contracts: 5 kept, 0 broken | 0 violations" in result.out


def test_example_broken_shop_breaks_every_contract(run: Run) -> None:
    result = run("check", "--format", "concise", cwd=EXAMPLES / "shop-broken")
    assert result.code == 1
    assert result.out == (
        "src/shop/api/__init__.py:1:1: ARC801 shop.api has a cyclic group of 2 units, above max-cycle-size 1: shop.api, shop.services [Coupling stays low]\n"
        "src/shop/api/orders.py:1:1: ARC401 import cycle shop.api.orders -> shop.services.checkout -> shop.api.orders (2 modules in the cyclic group; removing shop.services.checkout -> shop.api.orders breaks it) [No cycles in the shop]\n"
        "src/shop/domain/catalog.py:1:1: ARC301 shop.domain.catalog imports shop.domain.orders, but shop.domain.catalog and shop.domain.orders must be independent [Domain aggregates are independent]\n"
        "src/shop/domain/catalog.py:1:1: ARC401 import cycle shop.domain.catalog -> shop.domain.orders -> shop.domain.catalog (2 modules in the cyclic group; removing shop.domain.orders -> shop.domain.catalog breaks it) [No cycles in the shop]\n"
        "src/shop/domain/orders.py:1:1: ARC201 shop.domain.orders imports forbidden module requests [The domain stays pure]\n"
        "src/shop/domain/orders.py:3:1: ARC301 shop.domain.orders imports shop.domain.catalog, but shop.domain.orders and shop.domain.catalog must be independent [Domain aggregates are independent]\n"
        "src/shop/services/__init__.py:1:1: ARC801 shop.services has a cyclic group of 2 units, above max-cycle-size 1: shop.api, shop.services [Coupling stays low]\n"
        "src/shop/services/checkout.py:5:5: ARC101 shop.services.checkout (layer shop.services) imports shop.api.orders (higher layer shop.api) [Shop layers]\n"
    )


def test_paths_are_relative_to_the_working_directory(project: Project, run: Run) -> None:
    root = project(SMALL)
    result = run("check", "--format", "concise", "app", cwd=root.parent)
    assert result.code == 2  # "app" is no path here
    result = run("check", "--format", "concise", root.name, cwd=root.parent)
    assert result.out.startswith(f"{root.name}/src/app/a.py:1:1: ARC201 ")


def test_text_report_shows_chain_with_kinds(project: Project, run: Run) -> None:
    project(SMALL)
    result = run("check", "--no-color")
    assert result.code == 1
    assert result.out == (
        "BROKEN F (forbidden): 1 violation\n"
        "  ARC201 app.a indirectly imports forbidden module app.c\n"
        "      app.a -> app.b  src/app/a.py:1:1\n"
        "      app.b -> app.c  src/app/b.py:2:5 (function)\n"
        "\n"
        "1 contract: 0 kept, 1 broken | 1 violation | 4 files, 4 modules, 3 imports\n"
    )


def test_color_is_kept_when_forced_through_a_pipe(project: Project, run: Run) -> None:
    project(SMALL)
    plain = run("check", "--no-color").out
    colored = run("check", "--color").out
    assert "\x1b[1;31mBROKEN\x1b[0m" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain


def test_json_report(project: Project, run: Run) -> None:
    project(SMALL)
    result = run("check", "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["version"] == 1
    [contract] = data["contracts"]
    assert (contract["name"], contract["type"], contract["kept"]) == ("F", "forbidden", False)
    [violation] = contract["violations"]
    assert violation["code"] == "ARC201"
    assert (violation["path"], violation["line"], violation["column"]) == ("src/app/a.py", 1, 1)
    assert [link["kind"] for link in violation["chain"]] == ["top-level", "function"]
    assert len(violation["fingerprint"]) == 16
    assert data["errors"] == []
    assert data["summary"]["violations"] == 1


def test_exit_zero(project: Project, run: Run) -> None:
    project(SMALL)
    assert run("check", "--exit-zero").code == 0


def test_output_is_byte_identical_across_runs(project: Project, run: Run) -> None:
    project(SMALL)
    for fmt in ("text", "concise", "json"):
        assert run("check", "--format", fmt).out == run("check", "--format", fmt).out


def test_root_discovery_from_a_subdirectory_and_verbose(project: Project, run: Run) -> None:
    root = project(SMALL)
    result = run("check", "-v", "--format", "concise", cwd=root / "src" / "app")
    assert result.code == 1
    assert f"archlint: using configuration {root / 'pyproject.toml'}\n" in result.err
    assert result.out.startswith("../../src/app/a.py:1:1: ARC201")


def test_graph_json(project: Project, run: Run) -> None:
    project(SMALL)
    result = run("graph", "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["modules"][0] == {
        "name": "app",
        "path": "src/app/__init__.py",
        "is_package": True,
        "external": False,
        "stdlib": False,
    }
    assert {
        "name": "os",
        "path": None,
        "is_package": False,
        "external": True,
        "stdlib": True,
    } in data["modules"]
    assert data["imports"] == [
        {
            "importer": "app.a",
            "imported": "app.b",
            "path": "src/app/a.py",
            "line": 1,
            "column": 1,
            "kind": "top-level",
        },
        {
            "importer": "app.b",
            "imported": "app.c",
            "path": "src/app/b.py",
            "line": 2,
            "column": 5,
            "kind": "function",
        },
        {
            "importer": "app.c",
            "imported": "os",
            "path": "src/app/c.py",
            "line": 1,
            "column": 1,
            "kind": "top-level",
        },
    ]


def test_rules_and_rule(run: Run, tmp_path: Path) -> None:
    listing = run("rules").out.splitlines()
    assert [line.split()[0] for line in listing] == [rule.code for rule in RULES]
    assert listing[5].startswith("ARC101  upward-layer-import")
    spec = run("rule", "arc101")
    assert spec.code == 0 and spec.out.startswith("# ARC101 upward-layer-import\n")
    unknown = run("rule", "ARX101")
    assert unknown.code == 2
    assert unknown.err == "archlint: error: unknown rule code 'ARX101'; did you mean ARC101?\n"


def test_usage_error_exits_2(run: Run) -> None:
    assert run("check", "--format", "yaml").code == 2
    assert run("nonsense").code == 2


@pytest.mark.parametrize(
    "entry",
    [
        ["-m", "archlint"],
        ["-c", "from archlint.cli import main; main()"],
        ["-c", "from archlint.entry import run; run()"],
    ],
)
def test_python_m_archlint(entry: list[str], project: Project) -> None:
    root = project(SMALL)
    done = subprocess.run(
        [sys.executable, *entry, "check", "--format", "concise", str(root)],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("src/app/a.py:1:1: ARC201")


def test_public_api(project: Project) -> None:
    import archlint

    root = project(SMALL)
    report = archlint.check(root)
    assert not report.ok
    assert [v.code for v in report.violations] == ["ARC201"]
    assert [link.kind for link in report.violations[0].chain] == [
        archlint.ImportKind.TOP_LEVEL,
        archlint.ImportKind.FUNCTION,
    ]


def test_internal_error_is_one_line_and_debug_shows_traceback(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archlint.api

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    project(SMALL)
    monkeypatch.setattr(archlint.api, "check", explode)
    result = run("check")
    assert result.code == 2
    assert result.err == (
        "archlint: internal error: RuntimeError: boom; rerun with --debug for the traceback\n"
    )
    result = run("check", "--debug")
    assert result.code == 2
    assert "Traceback (most recent call last)" in result.err


def test_getting_started_shows_the_real_reports(run: Run) -> None:
    # the two reports quoted in docs/getting-started.md are the examples' output, byte for byte
    guide = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    for example, marker in (
        ("shop", "$ cd examples/shop\n"),
        ("shop-broken", "$ cd ../shop-broken\n"),
    ):
        block = guide.split(marker, 1)[1].split("$ archlint check\n", 1)[1].split("```", 1)[0]
        quoted = block.split("$ echo $?", 1)[0]
        result = run("check", "--no-color", "--no-cache", cwd=EXAMPLES / example)
        assert result.out == quoted, example


def test_the_program_exits_with_its_code_and_all_its_output(run: Run, tmp_path: Path) -> None:
    """``python -m archlint`` (and the console script) end with a hard exit after flushing:
    the report must be complete and the exit code the CLI's, through a pipe too."""
    shop = Path(__file__).resolve().parents[2] / "examples" / "shop-broken"
    expected = run("check", "--no-cache", cwd=shop)
    program = [sys.executable, "-m", "archlint"]
    done = subprocess.run(
        [*program, "check", "--no-cache"], cwd=shop, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (expected.code, expected.out) == (1, expected.out)
    assert expected.out.count("\n") > 10
    usage = subprocess.run(
        [*program, "chek"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2 and "No such command 'chek'" in usage.stderr
    version = subprocess.run([*program, "--version"], capture_output=True, text=True, check=False)
    assert (version.returncode, version.stdout) == (0, "archlint, version 0.1.0\n")


@pytest.mark.parametrize("traced", [False, True])
def test_the_hard_exit_leaves_coverage_and_profilers_their_normal_exit(traced: bool) -> None:
    """atexit handlers (coverage data, profiler reports) run only when a tracer or profiler
    is active; otherwise the program skips the interpreter's teardown."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran'))\n"
        + ("sys.settrace(lambda *args: None)\n" if traced else "")
        + "sys.argv = ['archlint', '--version']\n"
        "from archlint.cli import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("archlint, version")
    assert ("atexit ran" in done.stdout) is traced


def _imports_of(root: Path, *args: str) -> tuple[int, list[str]]:
    """The exit code and the modules of a real ``archlint ARGS`` process (``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "archlint", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return done.returncode, [line.rpartition("|")[2].strip() for line in lines]


def test_a_plain_check_runs_without_click(project: Project) -> None:
    root = project(SMALL)
    for args in (["check"], ["check", ".", "--no-cache", "--format", "concise", "-v"]):
        code, modules = _imports_of(root, *args)
        assert code == 1
        assert "archlint.shell" in modules
        assert not [name for name in modules if name.split(".")[0] == "click"], args
    for args in (["check", "--help"], ["check", "--format", "yaml"], ["rules"]):
        code, modules = _imports_of(root, *args)
        assert "click" in modules, args


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--no-cache", "--format", "concise"],
        ["check", "--format=json", "--exit-zero", "src"],
        ["check", "--no-color", "-v", "--cache-dir", "elsewhere"],
        ["check", "src/app/a.py", "--debug"],
    ],
)
def test_the_fast_path_and_click_print_the_same(
    args: list[str], project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archlint.entry import plain_check
    from tests.e2e.conftest import run_click

    root = project(SMALL)
    fast = run(*args, cwd=root)
    assert plain_check(args) is not None  # run() took the fast path, as the program does
    shutil.rmtree(root / ".archlint_cache", ignore_errors=True)
    shutil.rmtree(root / "elsewhere", ignore_errors=True)
    assert run_click(args) == fast
    assert fast.out


def test_the_fast_path_reports_configuration_errors_like_click(project: Project, run: Run) -> None:
    from tests.e2e.conftest import run_click

    root = project({**SMALL, "pyproject.toml": "[tool.archlint]\nroot-packagez = []\n"})
    fast = run("check", cwd=root)
    assert fast.code == 2
    assert fast.err == (
        "archlint: error: pyproject.toml:2: unknown key 'root-packagez' in [tool.archlint]; "
        "did you mean 'root-packages'?\n"
    )
    assert run_click(["check"]) == fast


def test_the_api_leaves_the_collector_as_it_found_it(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During an analysis the collector runs rarely, (20,000, 50, 50) or rarer still if the
    caller (the program: shell.COLLECT_RARELY) asked so; afterwards as the caller had it."""
    import gc

    import archlint.api
    import archlint.resolve
    from archlint.shell import COLLECT_RARELY

    seen: list[tuple[int, int, int]] = []
    resolve = archlint.resolve.resolve

    def watched(*args: Any) -> Any:
        seen.append(gc.get_threshold())
        return resolve(*args)

    monkeypatch.setattr(archlint.resolve, "resolve", watched)
    root = project(SMALL)
    before = gc.get_threshold()
    try:
        for caller, during in (((700, 10, 10), (20_000, 50, 50)), (COLLECT_RARELY,) * 2):
            gc.set_threshold(*caller)
            archlint.api.check(root, cache=False)
            assert (seen.pop(), gc.get_threshold()) == (during, caller)
    finally:
        gc.set_threshold(*before)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell redirections")
@pytest.mark.parametrize("closed", [">&-", "2>&-", ">&- 2>&-"])
@pytest.mark.parametrize(
    ("example", "args", "code"),
    [
        ("shop", "check -v", 0),
        ("shop-broken", "check", 1),
        ("shop-broken", "check --format json", 1),
        ("shop", "rules", 0),
    ],
)
def test_a_closed_standard_stream_changes_nothing_but_the_output(
    closed: str, example: str, args: str, code: int
) -> None:
    """Started without stdout or stderr (``>&-``: Python then has None for it), archlint
    writes what it can and exits with the code the run deserves, never a traceback."""
    command = f"{shlex.quote(sys.executable)} -m archlint {args} --no-cache {closed}"
    if args == "rules":
        command = command.replace(" --no-cache", "")
    done = subprocess.run(
        ["sh", "-c", command], cwd=EXAMPLES / example, capture_output=True, text=True
    )
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
@pytest.mark.parametrize("args", [["check"], ["check", "--format", "json"], ["graph"]])
def test_a_reader_that_stops_early_ends_the_run_quietly(args: list[str]) -> None:
    """``archlint check | head``: the pipe is closed before archlint writes its report, which
    ends the run with exit code 1 and no message (not an internal error)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "archlint", *args, "--no-cache"],
        cwd=EXAMPLES / "shop",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the run has written anything
    error = process.stderr.read().decode()
    assert process.wait() == 1
    assert error == ""
