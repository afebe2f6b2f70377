"""The scan cache (archlint.cache) and the scanning driver (archlint.scanning): hits, misses,
stale stamps, broken entries, unwritable directories, concurrent runs, worker processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import archlint.parse
from archlint import cache as cache_module
from archlint import scanning
from archlint.api import check
from archlint.cache import (
    RACY_MARGIN_NS,
    ScanCache,
    content_digest,
    decode_scan,
    encode_scan,
    open_cache,
    stamp_of,
)
from archlint.model import ArchlintError, FileScan, ImportKind, RawImport, ScanError
from archlint.project import SourceFile
from archlint.render.concise import render as render_concise
from archlint.render.json_report import render as render_json
from archlint.scanning import CRASHED, scan_files

LATER = 10 * RACY_MARGIN_NS  # a run that "started" this much later sees today's files as old


def make_project(root: Path, count: int = 3) -> list[SourceFile]:
    """``pkg`` with ``count`` modules, each importing the next, and a pyproject.toml."""
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[tool.archlint]\nroot-packages = ["pkg"]\n\n[[tool.archlint.layers]]\n'
        'layers = ["pkg.m1", "pkg.m0"]\n',
        encoding="utf-8",
    )
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    files = [SourceFile("pkg", "pkg/__init__.py", True)]
    for i in range(count):
        source = f"import os\nfrom pkg import m{(i + 1) % count}\n\n\ndef f():\n    import json\n"
        (root / "pkg" / f"m{i}.py").write_text(source, encoding="utf-8")
        files.append(SourceFile(f"pkg.m{i}", f"pkg/m{i}.py", False))
    return files


def run(
    root: Path,
    files: list[SourceFile],
    *,
    started: int | None = None,
    cache_dir: Path | None = None,
    warnings: list[str] | None = None,
) -> tuple[dict[str, FileScan], ScanCache]:
    now = time.time_ns() if started is None else started
    cache, refusal = open_cache(root, cache_dir, now)
    assert refusal is None and cache is not None
    scans, _ = scan_files(root, files, cache, warn=(warnings or []).append)
    if warnings is not None:
        warnings.extend(cache.warnings())
    return scans, cache


def reference(root: Path, files: list[SourceFile]) -> dict[str, FileScan]:
    return scan_files(root, files, None)[0]


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: bytes) -> FileScan:
        raise AssertionError("the parser ran although the cache has this file")

    monkeypatch.setattr(archlint.parse, "scan", refuse)


def scan_entries(root: Path) -> list[Path]:
    return sorted((root / ".archlint_cache").glob("scan-v*/scans/*/*.json"))


# the entry format


def test_encoding_round_trips() -> None:
    scan = FileScan(
        (
            RawImport(1, 1, "a.b", None, 0, ImportKind.TOP_LEVEL),
            RawImport(3, 5, "", "x", 2, ImportKind.TYPE_CHECKING),
            RawImport(9, 9, "m", "*", 0, ImportKind.DYNAMIC),
        ),
        12,
    )
    failed = FileScan((), 0, ScanError(3, 7, "syntax error: nope"))
    for value in (scan, failed, FileScan()):
        assert decode_scan(json.loads(json.dumps(encode_scan(value)))) == value


def _columns(*rows: list[object]) -> list[list[object]]:
    """Imports as the cache stores them: by columns."""
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 6


def _entry(imports: object, error: object = None) -> dict[str, object]:
    return {"lines": 1, "imports": imports, "error": error, "classes": [0, 0]}


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"lines": "1", "imports": _columns(), "error": None, "classes": [0, 0]},
        {"lines": 1, "imports": _columns(), "error": None},
        {"lines": 1, "imports": _columns(), "error": None, "classes": [0, "1"]},
        _entry({}),
        _entry([[], [], [], [], []]),  # five columns
        _entry([[1], [1], ["a"], [None], [0], []]),  # columns of different lengths
        _entry(_columns([1, 1, "a", None, 0, "sometimes"])),
        _entry(_columns([1, 1, "a", None, 0, ["top-level"]])),
        _entry(_columns([1, "1", "a", None, 0, "top-level"])),
        _entry(_columns([1, 1, 7, None, 0, "top-level"])),
        _entry(_columns([1, 1, "a", 0, 0, "top-level"])),
        _entry(_columns([True, 1, "a", None, 0, "top-level"])),
        _entry(_columns([1, 1, "a", None, 0.5, "top-level"])),
        _entry([[1], [1], ["a"], [None], [0], "t"]),  # a column that is no list
        _entry(_columns(), [1, 1]),
        _entry(_columns(), [1, 1, None]),
        _entry(_columns(), "bad"),
    ],
)
def test_invalid_entries_are_refused(data: object) -> None:
    assert decode_scan(data) is None


# hits and misses


def test_second_run_reads_nothing_but_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_project(tmp_path)
    expected = reference(tmp_path, files)
    first, cache = run(tmp_path, files, started=time.time_ns() + LATER)
    assert first == expected
    assert (cache.fast_hits, cache.content_hits) == (0, 0)
    assert len(scan_entries(tmp_path)) == 4
    no_parsing(monkeypatch)
    second, cache = run(tmp_path, files, started=time.time_ns() + LATER)
    assert second == expected
    assert list(second) == [f.module for f in files]
    assert (cache.fast_hits, cache.content_hits) == (4, 0)


def test_a_warm_run_reads_the_scans_packed_in_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_project(tmp_path)
    expected = reference(tmp_path, files)
    run(tmp_path, files, started=time.time_ns() + LATER)
    for entry in scan_entries(tmp_path):
        entry.unlink()  # only the index is left: it carries the scans
    no_parsing(monkeypatch)
    scans, cache = run(tmp_path, files, started=time.time_ns() + LATER)
    assert scans == expected
    assert (cache.fast_hits, cache.content_hits) == (4, 0)


def test_a_broken_packed_scan_is_read_from_its_entry_and_repacked(tmp_path: Path) -> None:
    files = make_project(tmp_path)
    expected = reference(tmp_path, files)
    _, cache = run(tmp_path, files, started=time.time_ns() + LATER)
    index = json.loads(cache.index_path.read_bytes())
    digest = sorted(index["scans"])[0]
    index["scans"][digest] = {"lines": "many"}
    cache.index_path.write_text(json.dumps(index), encoding="utf-8")
    warnings: list[str] = []
    scans, _ = run(tmp_path, files, started=time.time_ns() + LATER, warnings=warnings)
    assert scans == expected
    assert warnings == [f"ignored 1 unreadable entry in the cache {cache.directory}; rebuilt"]
    assert json.loads(cache.index_path.read_bytes())["scans"][digest]["lines"] != "many"
    again: list[str] = []
    assert run(tmp_path, files, started=time.time_ns() + LATER, warnings=again)[0] == expected
    assert again == []


def test_fresh_files_are_found_by_content_until_they_are_old_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_project(tmp_path)
    expected = reference(tmp_path, files)
    run(tmp_path, files)  # the files were written just now: their stamps are not recorded
    no_parsing(monkeypatch)
    scans, cache = run(tmp_path, files)
    assert scans == expected
    assert (cache.fast_hits, cache.content_hits) == (0, 4)
    _, cache = run(tmp_path, files, started=time.time_ns() + LATER)
    _, cache = run(tmp_path, files, started=time.time_ns() + LATER)
    assert (cache.fast_hits, cache.content_hits) == (4, 0)


def test_a_racy_stamp_is_not_recorded(tmp_path: Path) -> None:
    cache, _ = open_cache(tmp_path, None, time.time_ns())
    assert cache is not None
    path = tmp_path / "f.py"
    path.write_bytes(b"import a\n")
    cache.record("f.py", stamp_of(path.stat()), content_digest(b"import a\n"))
    assert cache.seen == {}  # changed less than RACY_MARGIN_NS before the run started
    old = time.time_ns() - 2 * RACY_MARGIN_NS
    stamp = (old, old, 9, 1, 1)
    cache.record("f.py", stamp, "d")
    assert cache.seen == {"f.py": (stamp, "d")}
    cache.record("g.py", (old, time.time_ns(), 9, 1, 1), "d")  # ctime counts as much as mtime
    assert "g.py" not in cache.seen


def test_content_changed_with_mtime_and_size_preserved(tmp_path: Path) -> None:
    files = make_project(tmp_path)
    target = tmp_path / "pkg" / "m0.py"
    before = target.stat()
    run(tmp_path, files, started=time.time_ns() + LATER)  # records every stamp
    recorded = stamp_of(before)
    # same size, same mtime (restored as `cp -p`, `touch -d` or a CI cache restore would)
    changed = target.read_bytes().replace(b"import os", b"import re")
    while True:
        target.write_bytes(changed)
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = target.stat()
        if after.st_ctime_ns != before.st_ctime_ns:  # the kernel's clock ticked since
            break
        time.sleep(0.01)
    assert (after.st_mtime_ns, after.st_size) == (recorded[0], recorded[2])
    scans, cache = run(tmp_path, files, started=time.time_ns() + LATER)
    assert scans == reference(tmp_path, files)
    assert scans["pkg.m0"].imports[0].module == "re"
    assert cache.fast_hits == 3


def test_a_copied_project_and_cache_are_found_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restored CI cache: other paths, inodes and times; the same bytes."""
    files = make_project(tmp_path / "a")
    expected = reference(tmp_path / "a", files)
    run(tmp_path / "a", files, started=time.time_ns() + LATER)
    shutil.copytree(tmp_path / "a", tmp_path / "b")  # copies mtimes, not inodes or ctimes
    no_parsing(monkeypatch)
    scans, cache = run(tmp_path / "b", files, started=time.time_ns() + LATER)
    assert (cache.fast_hits, cache.content_hits) == (0, 4)
    assert scans == expected


def test_files_that_fail_to_scan_are_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_project(tmp_path)
    (tmp_path / "pkg" / "m1.py").write_bytes(b"from os import (:\n")
    _, diagnostics = scan_files(tmp_path, files, open_cache(tmp_path, None, time.time_ns())[0])
    no_parsing(monkeypatch)
    cache, _ = open_cache(tmp_path, None, time.time_ns())
    scans, again = scan_files(tmp_path, files, cache)
    assert again == diagnostics
    assert [d.code for d in again] == ["ARC001"]
    assert scans["pkg.m1"].error is not None


# broken entries


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # killed while writing (without the rename)
        lambda data: b"",
        lambda data: b"\x00\xff garbage",
        lambda data: b'{"lines": 1, "imports": [["not", "an", "import"]], "error": null}',
        lambda data: b"[]",
    ],
)
def test_a_broken_entry_is_rebuilt_with_one_warning(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    files = make_project(tmp_path)
    run(tmp_path, files)
    entries = scan_entries(tmp_path)
    for entry in entries:
        entry.write_bytes(damage(entry.read_bytes()))
    warnings: list[str] = []
    scans, _ = run(tmp_path, files, warnings=warnings)
    assert scans == reference(tmp_path, files)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"ignored {len(entries)} unreadable entries in the cache ")
    assert warnings[0].endswith("; rebuilt")
    again: list[str] = []
    assert run(tmp_path, files, warnings=again)[0] == scans
    assert again == []


def test_a_broken_index_is_rebuilt(tmp_path: Path) -> None:
    files = make_project(tmp_path)
    run(tmp_path, files, started=time.time_ns() + LATER)
    (index,) = (tmp_path / ".archlint_cache").glob("scan-v*/index-*.json")
    valid = json.loads(index.read_bytes())
    for data in (
        b'{"root": 1',
        b"\x00",
        json.dumps({"files": valid["files"]}).encode(),
        json.dumps({"root": str(tmp_path), "files": {"pkg/m0.py": [1, 2]}}).encode(),
        json.dumps(
            {"root": str(tmp_path), "files": {"pkg/m0.py": [1, 2, 3, 4, "5", "d"]}}
        ).encode(),
        json.dumps(  # a digest that is no digest must not become a path
            {"root": str(tmp_path), "files": {"pkg/m0.py": [1, 2, 3, 4, 5, "../" * 13 + "a"]}}
        ).encode(),
    ):
        index.write_bytes(data)
        warnings: list[str] = []
        scans, cache = run(tmp_path, files, started=time.time_ns() + LATER, warnings=warnings)
        assert scans == reference(tmp_path, files)
        assert (cache.fast_hits, cache.content_hits) == (0, 4)
        assert len(warnings) == 1
        assert json.loads(index.read_bytes())["root"] == str(tmp_path)


def test_entries_of_vanished_files_leave_the_index(tmp_path: Path) -> None:
    files = make_project(tmp_path)
    run(tmp_path, files, started=time.time_ns() + LATER)
    _, cache = run(tmp_path, files[:2], started=time.time_ns() + LATER)
    index = json.loads(cache.index_path.read_bytes())
    assert sorted(index["files"]) == ["pkg/__init__.py", "pkg/m0.py"]


# directories the cache cannot or must not use


def test_an_unwritable_cache_only_stops_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_project(tmp_path)
    run(tmp_path, files)
    (tmp_path / "pkg" / "m2.py").write_text("import sys\n", encoding="utf-8")

    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache_module, "write_atomic", refuse)
    warnings: list[str] = []
    scans, cache = run(tmp_path, files, warnings=warnings)
    assert scans == reference(tmp_path, files)
    assert cache.content_hits == 3
    assert warnings == [
        f"cannot write to the cache {tmp_path / '.archlint_cache'} (Permission denied); "
        "results of this run are not cached"
    ]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions"
)
def test_a_read_only_cache_directory(tmp_path: Path) -> None:
    files = make_project(tmp_path)
    run(tmp_path, files)
    (tmp_path / "pkg" / "m2.py").write_text("import sys\n", encoding="utf-8")
    directories = [p for p in (tmp_path / ".archlint_cache").rglob("*") if p.is_dir()]
    for directory in [tmp_path / ".archlint_cache", *directories]:
        directory.chmod(0o555)
    try:
        warnings: list[str] = []
        scans, _ = run(tmp_path, files, warnings=warnings)
    finally:
        for directory in [tmp_path / ".archlint_cache", *directories]:
            directory.chmod(0o755)
    assert scans == reference(tmp_path, files)
    assert len(warnings) == 1 and warnings[0].startswith("cannot write to the cache")


def test_a_cache_path_that_is_a_file_is_not_used(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / ".archlint_cache").write_text("", encoding="utf-8")
    cache, refusal = open_cache(tmp_path, None, time.time_ns())
    assert cache is None
    assert (
        refusal
        == f"the cache directory {tmp_path / '.archlint_cache'} is not a directory; not used"
    )


def test_a_directory_that_is_no_cache_is_not_used(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("", encoding="utf-8")
    cache, refusal = open_cache(tmp_path, tmp_path / "notes", time.time_ns())
    assert cache is None
    assert refusal is not None and "has no CACHEDIR.TAG" in refusal
    empty, refusal = open_cache(tmp_path, tmp_path / "empty", time.time_ns())
    assert empty is not None and refusal is None


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_default_cache_that_links_out_of_the_project_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    files = make_project(root)
    (tmp_path / "elsewhere").mkdir()
    (root / ".archlint_cache").symlink_to(tmp_path / "elsewhere")
    cache, refusal = open_cache(root, None, time.time_ns())
    assert cache is None
    assert refusal == (
        f"the cache directory {root / '.archlint_cache'} is a symbolic link to "
        f"{(tmp_path / 'elsewhere').resolve()}, outside the project; not used (pass --cache-dir to use it "
        "anyway)"
    )
    # named explicitly, it is used
    scans, _ = run(root, files, cache_dir=root / ".archlint_cache")
    assert scans == reference(root, files)
    assert list((tmp_path / "elsewhere").glob("scan-v*/scans/*/*.json"))
    # a link inside the project is fine
    (root / ".archlint_cache").unlink()
    (root / "build").mkdir()
    (root / ".archlint_cache").symlink_to(root / "build")
    assert open_cache(root, None, time.time_ns())[0] is not None


def test_the_directory_is_tagged_and_ignored_by_git(tmp_path: Path) -> None:
    files = make_project(tmp_path)
    run(tmp_path, files)
    directory = tmp_path / ".archlint_cache"
    assert (directory / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert (
        (directory / "CACHEDIR.TAG")
        .read_text(encoding="utf-8")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert not [p for p in directory.rglob("*") if p.name.startswith((".tmp-", "probe-"))]


def test_old_namespaces_are_pruned(tmp_path: Path) -> None:
    files = make_project(tmp_path)
    stale = tmp_path / ".archlint_cache" / "scan-v0-old"
    recent = tmp_path / ".archlint_cache" / "scan-v0-recent"
    for directory in (stale, recent):
        (directory / "scans").mkdir(parents=True)
    os.utime(stale, (0, 0))
    (tmp_path / ".archlint_cache" / "CACHEDIR.TAG").write_text("", encoding="utf-8")
    run(tmp_path, files)
    assert not stale.exists()
    assert recent.exists()


# concurrent runs


def _checked(root: str) -> str:
    return render_concise(check(root))


def test_eight_concurrent_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = make_project(tmp_path, 30)
    monkeypatch.setenv("ARCHLINT_WORKERS", "1")
    expected = render_concise(check(tmp_path, cache=False))
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(8) as pool:
        outputs = pool.map(_checked, [str(tmp_path)] * 16)
    assert outputs == [expected] * 16
    cache, _ = open_cache(tmp_path, None, time.time_ns())
    assert cache is not None
    scans, _ = scan_files(tmp_path, files, cache)
    assert cache.corrupt == 0
    assert cache.content_hits + cache.fast_hits == len(files)
    assert scans == reference(tmp_path, files)


# the report does not depend on the cache or the workers


def test_the_report_is_the_same_with_or_without_the_cache(tmp_path: Path) -> None:
    make_project(tmp_path, 5)
    (tmp_path / "pkg" / "m4.py").write_bytes(b"\xff\xfe broken")
    off = check(tmp_path, cache=False)
    assert not (tmp_path / ".archlint_cache").exists()
    cold = check(tmp_path)
    warm = check(tmp_path)
    assert off == cold == warm
    assert render_json(off) == render_json(warm)
    assert [d.code for d in off.diagnostics] == ["ARC001"]
    assert off.violations


@pytest.mark.parametrize("fork", [True, False], ids=["forked-workers", "process-pool"])
def test_one_worker_or_many_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    # without os.fork (Windows) the workers are a ProcessPoolExecutor's: tried here as well
    monkeypatch.setattr(scanning, "HAS_FORK", fork and scanning.HAS_FORK)
    count = scanning.PARALLEL_THRESHOLD + 20
    make_project(tmp_path, count)
    (tmp_path / "pkg" / "m7.py").write_text("from . import (\n", encoding="utf-8")
    monkeypatch.setenv("ARCHLINT_WORKERS", "1")
    one = check(tmp_path, cache=False)
    monkeypatch.setenv("ARCHLINT_WORKERS", "3")
    logged: list[str] = []
    many = check(tmp_path, logged.append, cache=False)
    assert f"scanning {count + 1} files in 3 worker processes" in logged
    assert one == many
    assert render_json(one) == render_json(many)
    assert one.files == count + 1


def test_workers_must_be_a_positive_integer(monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("0", "two", "-1"):
        monkeypatch.setenv("ARCHLINT_WORKERS", value)
        with pytest.raises(ArchlintError, match="ARCHLINT_WORKERS must be a positive integer"):
            scanning.worker_count()
    monkeypatch.setenv("ARCHLINT_WORKERS", "2")
    assert scanning.worker_count() == 2


@pytest.mark.skipif(sys.platform != "linux", reason="the test patches the parser in forked workers")
@pytest.mark.parametrize("fork", [True, False], ids=["forked-workers", "process-pool"])
def test_a_crashing_worker_does_not_take_the_run_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    monkeypatch.setattr(scanning, "HAS_FORK", fork)
    files = make_project(tmp_path, 60)
    for name in ("m13.py", "m42.py"):
        (tmp_path / "pkg" / name).write_text("# CRASH\nimport os\n", encoding="utf-8")
    parent = os.getpid()
    real_scan = archlint.parse.scan

    def crashing_scan(source: bytes) -> FileScan:
        if b"CRASH" in source and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault in native code would
        return real_scan(source)

    expected = reference(tmp_path, files)
    monkeypatch.setattr(archlint.parse, "scan", crashing_scan)
    monkeypatch.setattr(scanning, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setenv("ARCHLINT_WORKERS", "2")
    scans, diagnostics = scan_files(tmp_path, files, None)
    assert [(d.path, d.code, d.message) for d in diagnostics] == [
        ("pkg/m13.py", "ARC001", CRASHED),
        ("pkg/m42.py", "ARC001", CRASHED),
    ]
    assert scans == {m: s for m, s in expected.items() if m not in ("pkg.m13", "pkg.m42")}


def test_the_entries_above_differ_from_valid_ones_by_one_thing() -> None:
    """Each refused entry above breaks one rule of these, which decode."""
    valid = _entry(_columns([1, 1, "a", None, 0, "top-level"], [2, 5, "", "b", 1, "dynamic"]))
    assert decode_scan(valid) == FileScan(
        (
            RawImport(1, 1, "a", None, 0, ImportKind.TOP_LEVEL),
            RawImport(2, 5, "", "b", 1, ImportKind.DYNAMIC),
        ),
        1,
    )
    assert decode_scan(_entry(_columns(), [1, 1, "x"])) == FileScan((), 1, ScanError(1, 1, "x"))
