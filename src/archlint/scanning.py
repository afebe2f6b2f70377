"""Scan the files of a project: from the cache when it has them, else with ``parse.scan``, in
worker processes when there are many. archlint.parse (and with it libcst) is imported only when
some file needs scanning, so a warm run never loads the parser."""

from __future__ import annotations

import gc
import marshal
import os
import sys
from collections import deque
from collections.abc import Callable, Sequence
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from archlint.cache import ScanCache, Stamp, content_digest, encode_scan, stamp_of, store_scan
from archlint.forked_workers import HAS_FORK, run_forked
from archlint.model import ArchlintError, Diagnostic, FileScan, ImportKind, RawImport, ScanError
from archlint.project import SourceFile

if TYPE_CHECKING:
    from concurrent.futures import Future

UNREADABLE = "ARC001"
# More files than this to scan: use worker processes. Forking two costs a few milliseconds,
# about what the lexical scanner needs for 200 small files (measured: 200 generated modules
# were 13 % slower in two workers, Django's 885 files 11 % faster, 1,000 generated ones 20 %).
PARALLEL_THRESHOLD = 300
WORKERS_VARIABLE = "ARCHLINT_WORKERS"  # forces the number of workers (1: scan in-process)
CRASHED = "the parser crashed on this file (its worker process died); file skipped"
_KIND_VALUE = {kind: kind.value for kind in ImportKind}  # (``.value`` is a Python property)
_KIND_OF: dict[object, ImportKind] = {kind.value: kind for kind in ImportKind}

Log = Callable[[str], None]


class Outcome(NamedTuple):
    """What a worker learnt about one file (picklable)."""

    path: str
    problem: str | None  # why the file could not be read
    scan: FileScan | None
    digest: str  # "" when nothing is cached
    stamp: Stamp | None


def scan_files(
    root: Path,
    files: Sequence[SourceFile],
    cache: ScanCache | None,
    log: Log | None = None,
    warn: Log | None = None,
) -> tuple[dict[str, FileScan], list[Diagnostic]]:
    """Scan ``files`` (paths relative to ``root``): their scans by module, and ARC001 for the
    files that could not be read or parsed. The result does not depend on the cache or on the
    number of workers."""
    scans: dict[str, FileScan] = {}
    problems: dict[str, str] = {}
    todo: list[SourceFile] = []
    base = str(root)
    for source in files:
        found = cache.find(source.path, os.path.join(base, source.path)) if cache else None
        if found is None:
            todo.append(source)
        else:
            scans[source.module] = found
    if cache and log:
        log(
            f"scan cache {cache.directory}: {cache.fast_hits} files unchanged, "
            f"{cache.content_hits} found by content, {len(todo)} to scan"
        )
    if todo:
        store = cache.store() if cache else None
        workers = worker_count()
        outcomes, crashed, failure = _scan(base, [s.path for s in todo], store, workers, log)
        if failure is not None and cache:
            cache.failed(failure)
        by_path = {outcome.path: outcome for outcome in outcomes}
        for source in todo:
            if source.path in crashed:
                problems[source.path] = CRASHED
                continue
            outcome = by_path[source.path]
            if outcome.scan is None:
                problems[source.path] = outcome.problem or "cannot read file"
                continue
            scans[source.module] = outcome.scan
            if cache and outcome.stamp is not None and outcome.digest:
                cache.record(source.path, outcome.stamp, outcome.digest, outcome.scan)
    if cache:
        cache.save()
        for message in cache.warnings():
            if warn:
                warn(message)
    diagnostics = []
    ordered: dict[str, FileScan] = {}
    for source in files:
        if source.path in problems:
            diagnostics.append(Diagnostic(source.path, 1, 1, UNREADABLE, problems[source.path]))
            continue
        result = scans[source.module]
        ordered[source.module] = result
        if result.error is not None:
            diagnostics.append(
                Diagnostic(
                    source.path,
                    result.error.line,
                    result.error.column,
                    UNREADABLE,
                    f"{result.error.message}; file skipped",
                )
            )
    return ordered, diagnostics


def worker_count() -> int:
    """``ARCHLINT_WORKERS`` if set, else the number of CPUs this process may run on."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ArchlintError(f"{WORKERS_VARIABLE} must be a positive integer, not {value!r}")
        return int(value)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _scan(
    root: str, paths: list[str], store: str | None, workers: int, log: Log | None
) -> tuple[list[Outcome], set[str], str | None]:
    """Outcomes of ``paths``, the paths whose worker crashed, and why writing the cache failed."""
    if workers < 2 or len(paths) <= PARALLEL_THRESHOLD:
        outcomes, failure = scan_chunk(root, paths, store)
        return outcomes, set(), failure
    chunks = _chunks(paths, workers)
    workers = min(workers, len(chunks))
    if log:
        log(f"scanning {len(paths)} files in {workers} worker processes")
    from archlint import parse  # noqa: F401  (forked workers inherit the imported parser)

    gc.freeze()  # forked workers then do not copy every page the collector would touch
    try:
        if HAS_FORK:
            return _forked(root, chunks, store, workers)
        return _parallel(root, chunks, store, workers)
    except OSError as exc:  # no processes to be had (fork failed): scan here instead
        if log:
            log(f"cannot start worker processes ({exc}); scanning in this process")
        outcomes, failure = scan_chunk(root, paths, store)
        return outcomes, set(), failure
    finally:
        gc.unfreeze()


def _chunks(paths: list[str], workers: int) -> list[list[str]]:
    """``paths`` cut into chunks of at most 64 that shrink towards the end (to 4): workers take
    the next chunk when done, so small last chunks keep one worker from finishing long after
    the others, and large first ones keep the round trips few."""
    chunks, start = [], 0
    while start < len(paths):
        size = max(4, min(64, (len(paths) - start) // (workers * 4)))
        chunks.append(paths[start : start + size])
        start += size
    return chunks


def scan_chunk(root: str, paths: list[str], store: str | None) -> tuple[list[Outcome], str | None]:
    """Read and scan ``paths``, storing each scan in the cache at ``store`` (if not None).
    Runs in worker processes: it reads the files itself, so only paths and scans travel."""
    from archlint import parse

    outcomes = []
    failure = None
    for path in paths:
        try:
            with open(os.path.join(root, path), "rb") as stream:
                data = stream.read()
                st = os.fstat(stream.fileno())  # after the read: see ScanCache.record
        except OSError as exc:
            problem = f"cannot read file: {exc.strerror or exc}; skipped"
            outcomes.append(Outcome(path, problem, None, "", None))
            continue
        scan = parse.scan(data)
        digest = ""
        if store is not None:
            digest = content_digest(data)
            failure = store_scan(store, digest, encode_scan(scan))
            if failure is not None:
                store = None
        outcomes.append(Outcome(path, None, scan, digest, stamp_of(st)))
    return outcomes, failure


def scan_chunk_packed(root: str, paths: list[str], store: str | None) -> bytes:
    """``scan_chunk`` for a worker process: its outcomes and failure as ``marshal`` data of
    plain tuples, which the parent loads in C (unpickling named tuples, enums and dataclasses
    one by one cost the parent more than the workers saved it on 10,000 files). Only the parent
    of this very process reads it: the format never outlives the run."""
    outcomes, failure = scan_chunk(root, paths, store)
    plain: list[tuple[object, ...]] = []
    for path, problem, scan, digest, stamp in outcomes:
        if scan is None:
            plain.append((path, problem, None, digest, stamp))
            continue
        error = scan.error
        plain.append(
            (
                path,
                problem,
                (
                    _columns(scan.imports),
                    scan.lines,
                    None if error is None else (error.line, error.column, error.message),
                    scan.classes,
                    scan.abstract_classes,
                ),
                digest,
                stamp,
            )
        )
    return marshal.dumps((plain, failure))


def _columns(imports: tuple[RawImport, ...]) -> tuple[tuple[object, ...], ...]:
    """A file's imports as six columns (lines, columns, modules, names, levels, kind values):
    turned into columns and back by ``zip`` and ``map``, in C, where a loop over the imports
    cost the parent more than reading the data."""
    if not imports:
        return ()
    *fields, kinds = zip(*imports, strict=True)
    return (*fields, tuple(map(_KIND_VALUE.__getitem__, kinds)))


def _rows(columns: tuple[tuple[object, ...], ...]) -> tuple[RawImport, ...]:
    """The imports ``_columns`` made columns of."""
    if not columns:
        return ()
    *fields, values = columns
    rows = zip(*fields, map(_KIND_OF.__getitem__, values), strict=True)
    return tuple(map(tuple.__new__, repeat(RawImport), rows))


def _unpack(data: bytes, outcomes: list[Outcome], failures: list[str]) -> None:
    """Add the outcomes and failure ``scan_chunk_packed`` packed to ``outcomes``/``failures``."""
    new = tuple.__new__
    chunk, failure = marshal.loads(data)
    if failure is not None:
        failures.append(failure)
    for path, problem, plain, digest, stamp in chunk:
        scan = None
        if plain is not None:
            imports, lines, error, classes, abstract = plain
            scan = FileScan(
                _rows(imports),
                lines,
                None if error is None else ScanError(*error),
                classes,
                abstract,
            )
        outcomes.append(new(Outcome, (path, problem, scan, digest, stamp)))


def _forked(
    root: str, chunks: list[list[str]], store: str | None, workers: int
) -> tuple[list[Outcome], set[str], str | None]:
    """Scan ``chunks`` in ``workers`` forked processes. The files of a chunk whose worker died
    (a native crash in the parser) are scanned again one per task; a file whose worker dies
    again is reported as crashed."""
    outcomes: list[Outcome] = []
    failures: list[str] = []

    def scan_one_chunk(index: int) -> bytes:
        return scan_chunk_packed(root, chunks[index], store)

    results = run_forked(scan_one_chunk, len(chunks), workers)  # None: the worker died
    alone = [[path] for index, data in enumerate(results) if data is None for path in chunks[index]]

    def scan_alone(index: int) -> bytes:
        return scan_chunk_packed(root, alone[index], store)

    crashed: set[str] = set()
    if alone:
        again = run_forked(scan_alone, len(alone), workers)
        results += again
        crashed.update(alone[index][0] for index, data in enumerate(again) if data is None)
    for data in results:
        if data is not None:
            _unpack(data, outcomes, failures)
    return outcomes, crashed, failures[0] if failures else None


def _parallel(
    root: str, chunks: list[list[str]], store: str | None, workers: int
) -> tuple[list[Outcome], set[str], str | None]:
    """Scan ``chunks`` in ``workers`` processes of a ``ProcessPoolExecutor``: the way for
    platforms without ``os.fork`` (Windows), where each worker starts its own interpreter. A
    worker that dies (a native crash in the parser) breaks its pool: the files without results
    are then scanned one per task, at most ``workers`` at a time, and the files in flight when
    a pool breaks again are retried alone in a single process; a file that kills that one too
    is reported as crashed."""
    outcomes: list[Outcome] = []
    failures: list[str] = []
    queue = deque(chunks)
    lost = _round(root, queue, store, workers, None, outcomes, failures)
    queue = deque([path] for chunk in lost for path in chunk)
    suspects: list[list[str]] = []
    while queue:
        suspects.extend(_retry(root, queue, store, workers, outcomes, failures))
    queue = deque(suspects)
    crashed: set[str] = set()
    while queue:
        for chunk in _retry(root, queue, store, 1, outcomes, failures):
            crashed.update(chunk)
    return outcomes, crashed, failures[0] if failures else None


def _retry(
    root: str,
    queue: deque[list[str]],
    store: str | None,
    workers: int,
    outcomes: list[Outcome],
    failures: list[str],
) -> list[list[str]]:
    """One round of at most ``workers`` chunks in flight; what was in flight when it broke.
    A pool that broke before running anything gives up the whole queue (never loop forever)."""
    before = len(queue)
    lost = _round(root, queue, store, workers, workers, outcomes, failures)
    if not lost and len(queue) == before:
        lost = list(queue)
        queue.clear()
    return lost


def _round(
    root: str,
    queue: deque[list[str]],
    store: str | None,
    workers: int,
    limit: int | None,
    outcomes: list[Outcome],
    failures: list[str],
) -> list[list[str]]:
    """Run chunks from ``queue`` in a fresh pool, at most ``limit`` at a time, until the queue
    is empty or the pool breaks. Returns the chunks that were in flight when it broke; chunks
    not yet submitted stay in ``queue``."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # fork: workers inherit the imported parser; the pool starts them before its own threads
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    running: dict[Future[bytes], list[str]] = {}
    broken = False
    pool = ProcessPoolExecutor(workers, mp_context=context)
    try:
        while not broken and (queue or running):
            while queue and (limit is None or len(running) < limit):
                chunk = queue.popleft()
                try:
                    running[pool.submit(scan_chunk_packed, root, chunk, store)] = chunk
                except BrokenProcessPool:
                    queue.appendleft(chunk)
                    broken = True
                    break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True
                else:
                    _collect(future, outcomes, failures)
                    del running[future]
        # a broken pool fails every pending future; keep the results that arrived before
        wait(running)
        lost = []
        for future, chunk in running.items():
            if isinstance(future.exception(), BrokenProcessPool):
                lost.append(chunk)
            else:
                _collect(future, outcomes, failures)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return lost


def _collect(future: Future[bytes], outcomes: list[Outcome], failures: list[str]) -> None:
    # ``result`` re-raises a worker's exception: a bug, not a crash
    _unpack(future.result(), outcomes, failures)
