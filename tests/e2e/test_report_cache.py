"""The report cache through the CLI: a warm run reuses the report while nothing it depends on
changed, and every kind of change that matters gives the report a run without cache gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import archlint.api
import archlint.cache
import archlint.config
import archlint.parse
import archlint.report_cache
import archlint.report_key
import archlint.resolve
from archlint.model import FileScan
from tests.e2e.conftest import Project, Result, Run

SHOP = {
    "pyproject.toml": (
        '[tool.archlint]\n\n[[tool.archlint.layers]]\nname = "shop"\n'
        'layers = ["shop.api", "shop.domain", "shop.db"]\n'
    ),
    "src/shop/__init__.py": "",
    "src/shop/api.py": "from shop import domain\n",
    "src/shop/domain.py": "import os\nfrom shop import db\n",
    "src/shop/db.py": "import sqlite3\nfrom shop import api\n",
    "src/shop/util.py": "",
}


def _refuse(*args: object) -> object:
    raise AssertionError("the analysis ran although the report was cached")


def _same_as_without_cache(run: Run, root: Path) -> Result:
    """A cached run, checked against a run without cache; returns the cached run."""
    cached = run("check", "-v", cwd=root)
    fresh = run("check", "--no-cache", cwd=root)
    assert (cached.out, cached.code) == (fresh.out, fresh.code)
    return cached


def test_a_warm_run_reuses_the_report(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(SHOP)
    first = run("check", "--format", "concise", cwd=root)
    assert first.code == 1 and "ARC101" in first.out
    monkeypatch.setattr(archlint.resolve, "resolve", _refuse)
    monkeypatch.setattr(archlint.parse, "scan", _refuse)
    second = run("check", "--format", "concise", "-v", cwd=root)
    assert (second.out, second.code) == (first.out, first.code)
    assert "archlint: report cache: reused the report of 5 files\n" in second.err
    monkeypatch.undo()
    for fmt in ("text", "json"):  # the report is kept, not its rendering
        assert (
            run("check", "--format", fmt, cwd=root).out
            == run("check", "--format", fmt, "--no-cache", cwd=root).out
        )


def test_an_edit_that_leaves_the_imports_reuses_the_report(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(SHOP)
    run("check", cwd=root)
    with (root / "src/shop/db.py").open("a", encoding="utf-8") as stream:
        stream.write("# a comment\n\ndef helper():\n    return 1\n")
    monkeypatch.setattr(archlint.resolve, "resolve", _refuse)
    cached = run("check", "--format", "concise", "-v", cwd=root)
    assert "reused the report of 5 files (1 changed file scanned again)\n" in cached.err
    monkeypatch.undo()
    fresh = run("check", "--format", "concise", "--no-cache", cwd=root)
    assert (cached.out, cached.code) == (fresh.out, fresh.code)


def _append(path: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as stream:
            stream.write(text)

    return edit


def _prepend(path: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        target = root / path
        target.write_text(text + target.read_text(encoding="utf-8"), encoding="utf-8")

    return edit


def _write(path: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / path).write_text(text, encoding="utf-8")

    return edit


def _delete(path: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / path).unlink()

    return edit


EDITS = {
    "an import breaks a layer": _append("src/shop/db.py", "from shop import domain\n"),
    "the broken import goes": _write("src/shop/db.py", "import sqlite3\n"),
    "the import moves down a line": _prepend("src/shop/db.py", "# header\n"),
    "a function import": _append("src/shop/util.py", "def f():\n    import shop.api\n"),
    "a new file": _write("src/shop/extra.py", "import shop.api\n"),
    "a file goes": _delete("src/shop/util.py"),
    "a file becomes unreadable": _write("src/shop/util.py", "from . import (\n"),
    "the configuration": _append(
        "pyproject.toml",
        '\n[[tool.archlint.forbidden]]\nsource = ["shop.domain"]\nforbidden = ["os"]\n',
    ),
}


def _trust_stamps_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stamps are trusted only when older than the run by a margin (seconds): 0 here, so the
    stamps of files written by a test are recorded and the quick check is used."""
    monkeypatch.setattr(archlint.cache, "RACY_MARGIN_NS", 0)
    monkeypatch.setattr(archlint.report_cache, "RACY_MARGIN_NS", 0)


@pytest.mark.parametrize("quick", [False, True], ids=["by content", "by stamps"])
@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_change_that_matters_gives_a_new_report(
    project: Project,
    run: Run,
    edit: Callable[[Path], None],
    quick: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if quick:
        _trust_stamps_at_once(monkeypatch)
    root = project(SHOP)
    before = run("check", cwd=root)
    if quick:
        assert "nothing changed" in run("check", "-v", cwd=root).err
    edit(root)
    after = _same_as_without_cache(run, root)
    assert (after.out, after.code) != (before.out, before.code)
    assert "reused" not in after.err
    assert _same_as_without_cache(run, root).out == after.out  # and that report is kept
    assert "reused the report" in run("check", "-v", cwd=root).err


def test_nothing_changed_needs_neither_the_configuration_nor_a_walk(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_stamps_at_once(monkeypatch)
    root = project(SHOP)
    first = run("check", cwd=root)
    monkeypatch.setattr(archlint.config, "load_config", _refuse)
    monkeypatch.setattr(archlint.api, "discover", _refuse)
    second = run("check", "-v", cwd=root)
    assert (second.out, second.code) == (first.out, first.code)
    assert "archlint: report cache: nothing changed; reused the report of 5 files\n" in second.err
    (root / "src/shop/new").mkdir()  # a directory read by discovery changed: walk again
    (root / "src/shop/new/mod.py").write_text("import shop.api\n", encoding="utf-8")
    monkeypatch.undo()
    third = _same_as_without_cache(run, root)
    assert "nothing changed" not in third.err and "6 files" in third.out


def test_installing_a_package_is_a_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Distributions are judged by the metadata entries of every directory of sys.path: a
    virtual environment inside the project counts, an editor's swap file in src does not."""
    project = tmp_path / "project"
    site = project / ".venv/lib/python3.11/site-packages"
    site.mkdir(parents=True)
    (project / "src").mkdir()
    monkeypatch.setattr(sys, "path", [str(project / "src"), str(site)])
    before = archlint.report_key.environment_digest()
    assert archlint.report_key.environment_digest() == before
    (project / "src" / ".api.py.swp").write_text("", encoding="utf-8")
    assert archlint.report_key.environment_digest() == before
    (site / "zzfoo_dist-1.0.dist-info").mkdir()  # pip install zzfoo-dist
    installed = archlint.report_key.environment_digest()
    assert installed != before
    time.sleep(0.01)
    (site / "zzfoo_dist-1.0.dist-info" / "RECORD").write_text("", encoding="utf-8")  # reinstall
    assert archlint.report_key.environment_digest() != installed


def test_dependency_contracts_leave_the_quick_check_out(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They read monorepo members' pyproject.toml files, which discovery does not track."""
    _trust_stamps_at_once(monkeypatch)
    root = project(
        {
            **SHOP,
            "pyproject.toml": (
                '[project]\nname = "shop"\nversion = "1"\ndependencies = []\n\n'
                "[tool.archlint]\n\n[tool.archlint.dependencies]\n"
            ),
        }
    )
    first = run("check", cwd=root)
    second = run("check", "-v", cwd=root)
    assert (second.out, second.code) == (first.out, first.code)
    assert "nothing changed" not in second.err and "reused the report" in second.err


def test_content_changed_with_mtime_and_size_preserved(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stamps are trusted once they are old enough (the margin is 0 here): a `cp -p` or a
    restored cache that keeps mtime and size still changes ctime, so the file is read again."""
    _trust_stamps_at_once(monkeypatch)
    root = project(SHOP)
    target = root / "src/shop/db.py"
    before = target.stat()
    time.sleep(0.01)
    first = run("check", cwd=root)
    entry = json.loads(next((root / ".archlint_cache").glob("scan-v*/report-*.json")).read_bytes())
    assert all(stamp is not None for _, stamp, _ in entry["files"])  # the fast path is in use
    changed = target.read_bytes().replace(b"from shop import api", b"from shop import sql")
    assert len(changed) == before.st_size
    target.write_bytes(changed)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = _same_as_without_cache(run, root)
    assert after.out != first.out


@pytest.mark.parametrize(
    ("table", "appended", "code"),
    [
        # line counts: thresholds compare them, so a comment can break a limit
        (
            '[[tool.archlint.thresholds]]\nmodules = ["shop"]\nmax-module-lines = 3\n',
            "# one\n# two\n# three\n# four\n",
            "ARC801",
        ),
        # banned names: read from the text, so any change to the bytes counts
        (
            '[[tool.archlint.banned-api]]\nnames = ["eval"]\nmodules = ["shop"]\n',
            "eval('1')\n",
            "ARC701",
        ),
    ],
    ids=["thresholds see line counts", "banned names see the text"],
)
def test_an_edit_that_keeps_the_imports_can_still_matter(
    project: Project, run: Run, table: str, appended: str, code: str
) -> None:
    root = project({**SHOP, "pyproject.toml": f"[tool.archlint]\n\n{table}"})
    assert run("check", cwd=root).code == 0
    _append("src/shop/util.py", appended)(root)
    after = _same_as_without_cache(run, root)
    assert after.code == 1 and code in after.out


def test_a_damaged_report_entry_gives_one_warning_and_the_same_report(
    project: Project, run: Run
) -> None:
    root = project(SHOP)
    expected = run("check", "--format", "concise", cwd=root)
    (entry,) = (root / ".archlint_cache").glob("scan-v*/report-*.json")
    entry.write_bytes(entry.read_bytes()[:40])
    result = run("check", "--format", "concise", cwd=root)
    assert (result.out, result.code) == (expected.out, expected.code)
    assert result.err == (
        f"archlint: warning: ignored 1 unreadable entry in the cache {root / '.archlint_cache'}; "
        "rebuilt\n"
    )
    again = run("check", "--format", "concise", "-v", cwd=root)
    assert "reused the report" in again.err and "warning" not in again.err


def test_an_old_scan_that_is_gone_means_a_full_run(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(SHOP)
    run("check", cwd=root)
    for scan in (root / ".archlint_cache").glob("scan-v*/scans/*/*.json"):
        scan.unlink()
    _append("src/shop/db.py", "# a comment\n")(root)
    calls: list[bytes] = []
    real = archlint.parse.scan

    def counted(source: bytes) -> FileScan:
        calls.append(source)
        return real(source)

    monkeypatch.setattr(archlint.parse, "scan", counted)
    after = _same_as_without_cache(run, root)
    assert "reused" not in after.err
    assert calls


def test_an_edit_that_leaves_the_imports_needs_no_configuration(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_stamps_at_once(monkeypatch)
    root = project(SHOP)
    first = run("check", cwd=root)
    _append("src/shop/db.py", "# a comment\n")(root)
    monkeypatch.setattr(archlint.config, "load_config", _refuse)
    second = run("check", "-v", cwd=root)
    assert (second.out, second.code) == (first.out, first.code)
    assert "reused the report of 5 files (1 changed file scanned again)\n" in second.err


def test_files_beside_the_packages_do_not_count(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries discovery never reads (dotted names, default excludes) leave the source roots'
    listings as they were: tools that write next to the packages do not defeat the cache."""
    _trust_stamps_at_once(monkeypatch)
    root = project(SHOP)
    run("check", cwd=root)
    (root / "src/notes.txt").write_text("x\n", encoding="utf-8")
    (root / "src/.coverage").write_text("x\n", encoding="utf-8")
    (root / "src/node_modules").mkdir()
    (root / "src/node_modules/x.py").write_text("import shop.api\n", encoding="utf-8")
    assert "nothing changed" in _same_as_without_cache(run, root).err


def _shop_in(directory: str, settings: str) -> dict[str, str]:
    """SHOP with its package under ``directory`` ("" for the root) and ``settings`` added to
    [tool.archlint]."""
    prefix = f"{directory}/" if directory else ""
    files = {name.replace("src/", prefix): text for name, text in SHOP.items()}
    files["pyproject.toml"] = SHOP["pyproject.toml"].replace(
        "[tool.archlint]\n", f"[tool.archlint]\n{settings}"
    )
    return files


NAMED = _shop_in("", 'root-packages = ["shop"]\n')


def test_a_new_src_directory_changes_the_source_root(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: the package at the root, then a src/ appears (now the source root)."""
    _trust_stamps_at_once(monkeypatch)
    root = project(NAMED)
    run("check", cwd=root)
    (root / "src").mkdir()
    after = _same_as_without_cache(run, root)
    assert after.code == 2 and "root package 'shop' not found" in after.err


def test_a_package_in_an_earlier_source_root(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_stamps_at_once(monkeypatch)
    files = _shop_in("lib", 'source-roots = ["src", "lib"]\nroot-packages = ["shop"]\n')
    files["src/README"] = ""
    root = project(files)
    before = run("check", cwd=root)
    for name in ("__init__", "api", "domain", "db"):
        (root / "src/shop").mkdir(exist_ok=True)
        (root / f"src/shop/{name}.py").write_text("", encoding="utf-8")
    after = _same_as_without_cache(run, root)
    assert (after.out, after.code) != (before.out, before.code)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_retargeted_source_root_link(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_stamps_at_once(monkeypatch)
    files = _shop_in("v1", 'source-roots = ["lib"]\n')
    files.update({name.replace("src/", "v2/"): "" for name in SHOP if name.startswith("src/")})
    root = project(files)
    (root / "lib").symlink_to("v1")
    before = run("check", cwd=root)
    (root / "lib").unlink()
    (root / "lib").symlink_to("v2")
    after = _same_as_without_cache(run, root)
    assert (after.out, after.code) != (before.out, before.code)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_dangling_module_link_that_comes_to_life(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_stamps_at_once(monkeypatch)
    root = project(SHOP)
    (root / "src/shop/generated.py").symlink_to("../../gen/generated.py")
    before = run("check", cwd=root)
    (root / "gen").mkdir()
    (root / "gen/generated.py").write_text("from shop import api\n", encoding="utf-8")
    after = _same_as_without_cache(run, root)
    assert "6 files" in after.out and after.out != before.out


def test_a_nul_in_a_damaged_entry(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_stamps_at_once(monkeypatch)
    root = project(SHOP)
    run("check", cwd=root)
    (entry,) = root.glob(".archlint_cache/*/report-*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["files"][0][0] += "\0"
    data["files"][0][1] = None
    entry.write_text(json.dumps(data), encoding="utf-8")
    _same_as_without_cache(run, root)


def test_monorepo_members_give_a_stable_key(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: the members' modules (a set) entered the key in hash order, which
    differs between processes. Here: a new hash seed per run."""
    files = {
        **SHOP,
        "pyproject.toml": (
            '[project]\nname = "shop"\nversion = "1"\ndependencies = []\n\n'
            "[tool.archlint]\n\n[tool.archlint.dependencies]\n"
        ),
        "src/shop/pyproject.toml": '[project]\nname = "member"\nversion = "1"\ndependencies = []\n',
    }
    root = project(files)
    program = [sys.executable, "-m", "archlint", "check", "-v"]
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            program, cwd=root, env=env, capture_output=True, text=True, check=False
        )
        reused = "reused the report" in done.stderr
        assert reused is (seed != "1"), done.stderr


def test_a_new_root_package_is_seen(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without root-packages, every package in the source root is analysed."""
    _trust_stamps_at_once(monkeypatch)
    root = project(SHOP)
    before = run("check", cwd=root)
    (root / "src/other").mkdir()
    (root / "src/other/__init__.py").write_text("import shop.api\n", encoding="utf-8")
    after = _same_as_without_cache(run, root)
    assert "reused" not in after.err and after.out != before.out
