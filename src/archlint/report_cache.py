"""The report cache: a whole run's Report, reused while nothing it depends on has changed.

A report is a pure function of the configuration, the module tree, every file's scan and (for
a few contracts) installed metadata and the files' text. One entry per project root lives next to
the scan index (``report-<root digest>.json`` in the namespace of archlint's version); it holds
the key of everything but the files, each file's stamp and content digest, and the report.

A warm run (see ``lookup``) finds the project's files as usual, then for each file: the same
stamp means the same bytes (the scan cache's argument); otherwise the bytes are hashed, and the
same digest means the same file. A file whose bytes changed is scanned again and compared
with its old scan (kept by the scan cache under the old digest): an edit that leaves the
imports (and, for metric thresholds, the line and class counts) as they were leaves the
report as it was. Anything else is a miss and the whole analysis runs. Banned-API contracts read
the text itself, so with them any change to a file's bytes is a miss.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from archlint.cache import (
    FAST_PATH,
    RACY_MARGIN_NS,
    ScanCache,
    Stamp,
    content_digest,
    stamp_of,
    write_atomic,
)
from archlint.contracts import (
    BannedApiContract,
    Config,
    DependenciesContract,
    ThresholdsContract,
)
from archlint.model import FileScan, Report
from archlint.project import Layout
from archlint.report_codec import decode_report, encode_report

FORMAT = 1

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a report depends on besides the files' scans, and how a changed file is judged."""

    key: str
    text: bool  # a contract reads the files' text (banned-api): any change to the bytes counts
    measures: bool  # a contract uses line and class counts (thresholds)


def inputs_of(root: Path, config: Config, layout: Layout) -> Inputs:
    """The key of everything a report depends on besides its files: archlint's version (the
    namespace the entry lives in), the root, the configuration file's bytes, the module tree,
    the interpreter and the installed packages it sees, and monorepo members' pyproject.toml."""
    contracts = config.contracts
    text = any(isinstance(c, BannedApiContract) for c in contracts)
    measures = any(isinstance(c, ThresholdsContract) for c in contracts)
    parts: list[object] = [FORMAT, str(root), text, measures, sys.version]
    try:
        parts.append(content_digest((root / "pyproject.toml").read_bytes()))
    except OSError:
        parts.append(None)
    parts.append(layout.root_packages)
    parts.append(layout.namespaces)
    parts.append([(f.module, f.path, f.is_package) for f in layout.files])
    parts.append(_installed())
    if any(isinstance(c, DependenciesContract) for c in contracts):
        from archlint.member_projects import member_projects

        parts.append(repr(member_projects(root, layout.files)))
    return Inputs(content_digest(repr(parts).encode()), text, measures)


def _installed() -> list[tuple[str, int]]:
    """The directories packages are imported from, with their modification times: installing
    or removing a distribution adds or removes an entry in one of them (its metadata is what
    dependency and external contracts consult). The first entry is the script's directory or
    the current one, which is not where packages are installed."""
    found = []
    for entry in sys.path[1:]:
        try:
            found.append((entry, os.stat(entry).st_mtime_ns))
        except OSError:
            continue
    return found


def _entry_path(cache: ScanCache) -> Path:
    return cache.index_path.with_name(cache.index_path.name.replace("index-", "report-", 1))


def lookup(
    cache: ScanCache, inputs: Inputs, root: Path, layout: Layout, log: Log | None = None
) -> Report | None:
    """The cached report of this project if it is still the report the analysis would give."""
    data = cache.read_json(_entry_path(cache))
    if data is None:
        return None
    if not isinstance(data, dict) or type(data.get("files")) is not list:
        cache.corrupt += 1
        return None
    if data.get("key") != inputs.key:
        return None
    files: list[object] = data["files"]
    if len(files) != len(layout.files):
        return None
    base = str(root)
    updated: list[object] = []
    rescanned = 0
    for source, item in zip(layout.files, files, strict=True):
        if type(item) is not list or len(item) != 3 or item[0] != source.path:
            return None
        _, stamp, digest = item
        path = os.path.join(base, source.path)
        try:
            st = os.stat(path)
        except OSError:
            return None
        if stamp is not None and list(stamp_of(st)) == stamp:
            updated.append(item)
            continue
        judged = _judge(cache, path, digest, inputs)
        if judged is None:
            return None
        new_digest, new_stamp, scanned = judged
        rescanned += scanned
        updated.append([source.path, _recordable(cache, new_stamp), new_digest])
    report = decode_report(data.get("report"))
    if report is None:
        cache.corrupt += 1
        return None
    if updated != files:
        _write(cache, inputs, updated, data["report"])
    if log:
        log(
            f"report cache: reused the report of {len(files)} files"
            + (f" ({rescanned} changed {_files(rescanned)} scanned again)" if rescanned else "")
        )
    return report


def _files(count: int) -> str:
    return "file" if count == 1 else "files"


def _judge(
    cache: ScanCache, path: str, digest: object, inputs: Inputs
) -> tuple[str, Stamp, int] | None:
    """A file whose stamp changed: its digest, its stamp, and 1 if it had to be scanned again;
    None if it may change the report."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
            st = os.fstat(stream.fileno())
    except OSError:
        return None
    new_digest = content_digest(data)
    if new_digest == digest:
        return new_digest, stamp_of(st), 0
    if inputs.text or type(digest) is not str:
        return None
    old = cache.load_stored(digest)
    if old is None:
        return None
    from archlint.parse import scan

    new = scan(data)
    if not _same_for_the_report(old, new, inputs.measures):
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
    _write(cache, inputs, files, encode_report(report))


def _write(cache: ScanCache, inputs: Inputs, files: list[object], report: object) -> None:
    if cache.store() is None:
        return
    data = json.dumps({"key": inputs.key, "files": files, "report": report}, separators=(",", ":"))
    try:
        write_atomic(_entry_path(cache), data.encode())
    except OSError as exc:
        cache.failed(exc.strerror or str(exc))
