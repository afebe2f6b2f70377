"""The report cache: a whole run's Report, reused while nothing it depends on has changed.

A report is a pure function of the configuration, the module tree, every file's scan and (for
a few contracts) installed metadata and the files' text. One entry per project root lives next
to the scan index (``report-<root digest>.json`` in the namespace of archlint's version); it
holds the key of everything but the files (``report_key``), each file's stamp and content
digest, what discovery read (``project.Layout``), and the report.

Each file is judged the same way: the same stamp means the same bytes (the scan cache's
argument); otherwise the bytes are hashed, and the same digest means the same file; a file
whose bytes changed is scanned again and compared with its old scan (kept by the scan cache
under the old digest): an edit that leaves the imports (and, for metric thresholds, the line
and class counts) as they were leaves the report as it was. Banned-API contracts read the text
itself, so with them any change to a file's bytes counts.

``reuse_unchanged`` tries that before the configuration is even parsed, with what the entry
recorded: the same pyproject.toml bytes and installed distributions, every directory walked
for modules with its stamp (a directory's mtime and ctime move whenever an entry is added,
removed or renamed in it), every directory read to find the root packages with the same
identity and the same entries that matter, and no dangling ``.py`` link come to life. Else
``lookup`` compares the key of the freshly discovered layout. Stamps are trusted only when
they were older than the recording run's start by the racy margin, as in the scan cache.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from archlint.cache import (
    FAST_PATH,
    RACY_MARGIN_NS,
    ScanCache,
    Stamp,
    content_digest,
    stamp_of,
    write_atomic,
)
from archlint.model import FileScan, Report
from archlint.report_codec import decode_report, encode_report
from archlint.report_key import Inputs, digest_of, environment_digest

if TYPE_CHECKING:  # the quick path must not pay for importing the configuration's modules
    from archlint.project import Layout

Log = Callable[[str], None]


def _entry_path(cache: ScanCache) -> Path:
    return cache.index_path.with_name(cache.index_path.name.replace("index-", "report-", 1))


Entry = dict[str, object]


def read_entry(cache: ScanCache) -> Entry | None:
    """The project's entry, if there is one (an unreadable one is counted as corrupt)."""
    data = cache.read_json(_entry_path(cache))
    if data is None:
        return None
    if not isinstance(data, dict) or type(data.get("files")) is not list:
        cache.corrupt += 1
        return None
    return data


def reuse_unchanged(
    cache: ScanCache, data: Entry, root: Path, log: Log | None = None
) -> Report | None:
    """The cached report if no directory, configuration or installed package changed since it
    was recorded, and each file has its recorded stamp or (read again) bytes that leave the
    report as it was; None otherwise, or when unsure."""
    if data.get("quick") is not True:
        return None
    if data.get("pyproject") != digest_of(root / "pyproject.toml"):
        return None
    if data.get("environment") != environment_digest():
        return None
    directories, files = data.get("directories"), data.get("files")
    if type(directories) is not list or type(files) is not list:
        return None
    if not _probes_hold(data.get("probes")) or not _still_absent(data.get("absent")):
        return None
    stat = os.stat
    for item in directories:
        if type(item) is not list or len(item) != 2 or type(item[0]) is not str:
            return None
        try:
            st = stat(item[0])
        except (OSError, ValueError):  # ValueError: a NUL in a path
            return None
        if [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev] != item[1]:
            return None
    text, measures = data.get("text") is not False, data.get("measures") is not False
    judged = _judge_files(cache, root, None, files, text, measures)
    if judged is None:
        return None
    updated, rescanned = judged
    report = decode_report(data.get("report"))
    if report is None or report.root != str(root):
        return None  # the full lookup that follows counts and replaces a broken entry
    if updated is not None:
        _write_entry(cache, {**data, "files": updated})
    if log:
        log(_reused(len(files), rescanned, quick=True))
    return report


def _probes_hold(probes: object) -> bool:
    """Whether every directory read to find the root packages is the same directory with the
    same entries that matter (see ``project.Layout``)."""
    from archlint.project import listing_digest

    if type(probes) is not list:
        return False
    for item in probes:
        if type(item) is not list or len(item) != 5 or type(item[0]) is not str:
            return False
        path, inode, device, digest, all_names = item
        try:
            st = os.stat(path)
            with os.scandir(path) as listing:
                found = listing_digest(listing, all_names is True)
        except (OSError, ValueError):
            return False
        if [st.st_ino, st.st_dev, found] != [inode, device, digest]:
            return False
    return True


def _still_absent(links: object) -> bool:
    """Whether every ``.py`` link that led to no file still leads to none."""
    if type(links) is not list:
        return False
    try:
        return not any(type(link) is not str or os.path.isfile(link) for link in links)
    except ValueError:  # a NUL in a damaged entry
        return False


def _reused(files: int, rescanned: int, quick: bool = False) -> str:
    if quick and not rescanned:
        return f"report cache: nothing changed; reused the report of {files} files"
    changed = "file" if rescanned == 1 else "files"
    again = f" ({rescanned} changed {changed} scanned again)" if rescanned else ""
    return f"report cache: reused the report of {files} files{again}"


def lookup(
    cache: ScanCache,
    data: Entry,
    inputs: Inputs,
    root: Path,
    layout: Layout,
    log: Log | None = None,
) -> Report | None:
    """The cached report of this project if it is still the report the analysis would give."""
    if data.get("key") != inputs.key:
        return None
    files = data["files"]
    if type(files) is not list or len(files) != len(layout.files):
        return None
    paths = [source.path for source in layout.files]
    judged = _judge_files(cache, root, paths, files, inputs.text, inputs.measures)
    if judged is None:
        return None
    updated, rescanned = judged
    report = decode_report(data.get("report"))
    if report is None:
        cache.corrupt += 1
        return None
    directories = _directory_stamps(cache, layout)
    probes = [list(probe) for probe in layout.probes]
    if (
        updated is not None
        or directories != data.get("directories")
        or probes != data.get("probes")
        or list(layout.absent) != data.get("absent")
    ):
        _write(cache, inputs, layout, directories, updated or files, data["report"])
    if log:
        log(_reused(len(files), rescanned))
    return report


def _judge_files(
    cache: ScanCache,
    root: Path,
    paths: list[str] | None,
    items: list[object],
    text: bool,
    measures: bool,
) -> tuple[list[object] | None, int] | None:
    """Whether every file of the entry (``items``: path, stamp, digest; at ``paths`` if given,
    else at the paths they name) is as the report saw it: the same stamp, or (``_judge``)
    bytes that leave the report as it was. None if one may change the report; else the items
    to record instead (None when no new stamp can be trusted yet: a file changed seconds ago
    is judged again next time rather than rewriting the entry on every run) and how many
    files were scanned again."""
    base = os.path.join(str(root), "")
    stat = os.stat
    updated: list[object] | None = None
    rescanned = 0
    for index, item in enumerate(items):
        if type(item) is not list or len(item) != 3 or type(item[0]) is not str:
            return None
        if paths is not None and item[0] != paths[index]:
            return None
        try:
            st = stat(base + item[0])
        except (OSError, ValueError):  # ValueError: a NUL in a path
            return None
        if [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev] == item[1]:
            continue
        judged = _judge(cache, base + item[0], item[2], text, measures)
        if judged is None:
            return None
        digest, stamp, scanned = judged
        rescanned += scanned
        recordable = _recordable(cache, stamp)
        if recordable is not None:
            updated = updated or list(items)
            updated[index] = [item[0], recordable, digest]
    return updated, rescanned


def _judge(
    cache: ScanCache, path: str, digest: object, text: bool, measures: bool
) -> tuple[str, Stamp, int] | None:
    """A file whose stamp changed: its digest, its stamp, and 1 if it had to be scanned again;
    None if it may change the report."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
            st = os.fstat(stream.fileno())
    except (OSError, ValueError):  # ValueError: a NUL in a path
        return None
    new_digest = content_digest(data)
    if new_digest == digest:
        return new_digest, stamp_of(st), 0
    if text or type(digest) is not str:
        return None
    old = cache.load_stored(digest)
    if old is None:
        return None
    from archlint.parse import scan

    new = scan(data)
    if not _same_for_the_report(old, new, measures):
        return None
    cache.store_one(new_digest, new)  # the next edit compares with this scan
    return new_digest, stamp_of(st), 1


def _same_for_the_report(old: FileScan, new: FileScan, measures: bool) -> bool:
    if old.imports != new.imports or old.error != new.error:
        return False
    if not measures:
        return True
    return (old.lines, old.classes, old.abstract_classes) == (
        new.lines,
        new.classes,
        new.abstract_classes,
    )


def _recordable(cache: ScanCache, stamp: Stamp) -> list[int] | None:
    """The stamp, if it may be trusted in a later run (see ScanCache.record); else None."""
    limit = cache.started_ns - RACY_MARGIN_NS
    if FAST_PATH and stamp[0] < limit and stamp[1] < limit:
        return list(stamp)
    return None


def store(
    cache: ScanCache,
    inputs: Inputs,
    layout: Layout,
    digests: Mapping[str, str],
    report: Report,
) -> None:
    """Remember ``report`` for these inputs (``digests``: every file's content digest by path;
    a run that could not read some file is not remembered)."""
    files: list[object] = []
    for source in layout.files:
        digest = digests.get(source.path)
        if digest is None:
            return
        known = cache.seen.get(source.path)
        stamp = list(known[0]) if known is not None and known[1] == digest else None
        files.append([source.path, stamp, digest])
    _write(cache, inputs, layout, _directory_stamps(cache, layout), files, encode_report(report))


def _directory_stamps(cache: ScanCache, layout: Layout) -> list[object] | None:
    """The stamp of every directory discovery read; None if one is too fresh to be trusted (or
    gone), which leaves the quick check out."""
    stamps: list[object] = []
    for directory in layout.directories:
        try:
            stamp = _recordable(cache, stamp_of(os.stat(directory)))
        except (OSError, ValueError):  # ValueError: a NUL in a path
            return None
        if stamp is None:
            return None
        stamps.append([directory, stamp])
    return stamps


def _write(
    cache: ScanCache,
    inputs: Inputs,
    layout: Layout,
    directories: list[object] | None,
    files: list[object],
    report: object,
) -> None:
    entry = {
        "key": inputs.key,
        "quick": inputs.quick and directories is not None,
        "text": inputs.text,
        "measures": inputs.measures,
        "pyproject": inputs.pyproject,
        "environment": inputs.environment,
        "directories": directories or [],
        "probes": [list(probe) for probe in layout.probes],
        "absent": list(layout.absent),
        "files": files,
        "report": report,
    }
    _write_entry(cache, entry)


def _write_entry(cache: ScanCache, entry: Entry) -> None:
    if cache.store() is None:
        return
    data = json.dumps(entry, separators=(",", ":"))
    try:
        write_atomic(_entry_path(cache), data.encode())
    except OSError as exc:
        cache.failed(exc.strerror or str(exc))
