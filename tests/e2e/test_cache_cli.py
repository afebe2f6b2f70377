"""The scan cache seen from the command line: --no-cache, --cache-dir, the directory it makes,
warnings on stderr, and a report that is byte for byte the same with or without it."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import archlint.cache
import archlint.report_cache
from tests.e2e.conftest import Project, Run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

NO_CYCLES = {
    "pyproject.toml": '[tool.archlint]\n[[tool.archlint.layers]]\nlayers = ["app.b", "app.a"]\n',
    "src/app/__init__.py": "",
    "src/app/a.py": "import app.b\n",
    "src/app/b.py": "def f():\n    import app.c\n",
    "src/app/c.py": "import os\n",
}


@pytest.fixture
def broken_shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop-broken"
    shutil.copytree(EXAMPLES / "shop-broken", root, ignore=shutil.ignore_patterns(".archlint_*"))
    return root


@pytest.mark.parametrize("fmt", ["text", "concise", "json"])
def test_the_report_is_the_same_with_or_without_the_cache(
    broken_shop: Path, run: Run, fmt: str
) -> None:
    off = run("check", "--format", fmt, "--no-cache", cwd=broken_shop)
    assert not (broken_shop / ".archlint_cache").exists()
    cold = run("check", "--format", fmt, cwd=broken_shop)
    warm = run("check", "--format", fmt, cwd=broken_shop)
    assert off.code == cold.code == warm.code == 1
    assert off.out == cold.out == warm.out
    assert off.err == cold.err == warm.err == ""


def test_the_cache_directory_is_ignored_by_git(broken_shop: Path, run: Run) -> None:
    run("check", cwd=broken_shop)
    directory = broken_shop / ".archlint_cache"
    assert (directory / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert (directory / "CACHEDIR.TAG").is_file()
    assert list(directory.glob("scan-v*/scans/*/*.json"))


def test_cache_dir_is_relative_to_the_working_directory(
    broken_shop: Path, run: Run, tmp_path: Path
) -> None:
    (tmp_path / "work").mkdir()
    expected = run("check", "--format", "concise", "--no-cache", cwd=broken_shop)
    args = ("check", "--format", "concise", "--cache-dir", "cache", "../shop-broken")
    first = run(*args, cwd=tmp_path / "work")
    second = run(*args, cwd=tmp_path / "work")
    assert (tmp_path / "work" / "cache" / ".gitignore").is_file()
    assert not (broken_shop / ".archlint_cache").exists()
    expected_out = "".join(f"../shop-broken/{line}\n" for line in expected.out.splitlines())
    assert first.out == second.out == expected_out
    assert first.code == second.code == 1


def test_graph_takes_the_cache_options(broken_shop: Path, run: Run) -> None:
    off = run("graph", "--no-cache", cwd=broken_shop)
    assert not (broken_shop / ".archlint_cache").exists()
    cold = run("graph", "--cache-dir", "here", cwd=broken_shop)
    warm = run("graph", "--cache-dir", "here", cwd=broken_shop)
    assert (broken_shop / "here" / "CACHEDIR.TAG").is_file()
    assert off.out == cold.out == warm.out
    assert off.code == cold.code == warm.code == 0


def test_a_damaged_cache_gives_one_warning_and_the_same_report(broken_shop: Path, run: Run) -> None:
    expected = run("check", "--format", "concise", cwd=broken_shop)
    entries = list((broken_shop / ".archlint_cache").glob("scan-v*/scans/*/*.json"))
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:10])
    for report in (broken_shop / ".archlint_cache").glob("scan-v*/report-*.json"):
        report.unlink()  # else the report is reused without reading a scan
    result = run("check", "--format", "concise", cwd=broken_shop)
    assert (result.out, result.code) == (expected.out, expected.code)
    assert result.err == (
        f"archlint: warning: ignored {len(entries)} unreadable entries in the cache "
        f"{broken_shop / '.archlint_cache'}; rebuilt\n"
    )
    assert run("check", "--format", "concise", cwd=broken_shop).err == ""


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_cache_linked_out_of_the_project_is_refused(
    broken_shop: Path, run: Run, tmp_path: Path
) -> None:
    expected = run("check", "--format", "concise", "--no-cache", cwd=broken_shop)
    (tmp_path / "outside").mkdir()
    (broken_shop / ".archlint_cache").symlink_to(tmp_path / "outside")
    result = run("check", "--format", "concise", cwd=broken_shop)
    assert (result.out, result.code) == (expected.out, expected.code)
    assert result.err == (
        f"archlint: warning: the cache directory {broken_shop / '.archlint_cache'} is a symbolic "
        f"link to {(tmp_path / 'outside').resolve()}, outside the project; not used (pass "
        "--cache-dir to use it anyway)\n"
    )
    assert not list((tmp_path / "outside").iterdir())


def test_verbose_says_what_the_cache_held(project: Project, run: Run) -> None:
    root = project(NO_CYCLES)
    run("check", cwd=root)
    result = run("check", "-v", cwd=root)
    assert "archlint: report cache: reused the report of 4 files\n" in result.err
    (root / "src/app/c.py").write_text("import sys\n", encoding="utf-8")  # a new report
    result = run("check", "-v", cwd=root)
    cache = root / ".archlint_cache"
    assert f"archlint: scan cache {cache}: 0 files unchanged, 3 found by content, 1 to scan\n" in (
        result.err
    )


def _imported(root: Path, *args: str) -> str:
    """The modules a real ``archlint check`` process imports (``-X importtime``)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "archlint", "check", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    return "\n".join(line.rpartition("|")[2].strip() for line in result.stderr.splitlines())


def test_a_warm_run_imports_neither_the_parser_nor_networkx(project: Project) -> None:
    root = project(NO_CYCLES)
    cold = _imported(root).splitlines()
    assert "archlint.parse" in cold
    assert "libcst" not in cold  # every file parses with ast: libcst is never needed
    warm = _imported(root).splitlines()
    assert "archlint.parse" not in warm
    assert not [name for name in warm if name.split(".")[0] in ("libcst", "networkx")]
    assert "networkx" not in _imported(root, "--no-cache").splitlines()
    # nor what only external, banned-api and dependencies contracts need
    lazy = {"archlint.banned_scan", "archlint.external_imports", "archlint.member_projects"}
    assert not lazy & set(warm)


def test_an_unchanged_tree_is_checked_without_the_configuration_modules(
    project: Project,
) -> None:
    """The quick check of the report cache needs stamps old enough to trust (3 s)."""
    root = project(NO_CYCLES)
    time.sleep(archlint.cache.RACY_MARGIN_NS / 1e9 + 0.2)
    _imported(root)  # records the report with every stamp
    quick = set(_imported(root).splitlines())
    assert not {"archlint.config", "archlint.contracts", "tomllib", "archlint.parse"} & quick
    assert not {name for name in quick if name.startswith(("archlint.rules", "archlint.graph"))}


def test_a_cache_that_cannot_be_written_still_gives_the_report(
    broken_shop: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only file system (simulated: the tests may run as root, who ignores modes)."""
    expected = run("check", "--format", "concise", "--no-cache", cwd=broken_shop)
    run("check", cwd=broken_shop)

    def refuse(path: Path, data: bytes) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(archlint.cache, "write_atomic", refuse)
    monkeypatch.setattr(archlint.report_cache, "write_atomic", refuse)
    (broken_shop / "src/shop/services/extra.py").write_text("import shop.api\n", encoding="utf-8")
    result = run("check", "--format", "concise", cwd=broken_shop)
    monkeypatch.undo()
    fresh = run("check", "--format", "concise", "--no-cache", cwd=broken_shop)
    assert (result.out, result.code) == (fresh.out, fresh.code)
    assert result.out != expected.out
    assert result.err == (
        f"archlint: warning: cannot write to the cache {broken_shop / '.archlint_cache'} "
        "(Read-only file system); results of this run are not cached\n"
    )
