"""The per-file scan cache: content-addressed JSON entries plus a per-project index of file stamps.

Layout of a cache directory (default ``<project root>/.archlint_cache``)::

    CACHEDIR.TAG  .gitignore               marks the directory as a cache; ``*`` keeps it out of git
    scan-v1-<key>/                         one namespace per archlint version and scan settings
        scans/<ab>/<ab...>.json            one FileScan per content digest (the truth)
        index-<root digest>.json           per project root: path -> stamp, digest (the fast path),
                                           and a copy of those files' scans by digest

A file's scan is found by the digest of its bytes. The index only saves reading and hashing the
file: its entry is trusted when the file's stamp (mtime, ctime, size, inode, device) is exactly
the recorded one (the index also carries a copy of the scans it names, so a warm run reads
one file instead of one per source file), and a stamp is recorded only if the file's mtime and
ctime were both older than the start of the recording run minus ``RACY_MARGIN_NS``. ctime is set
by the kernel to the current time on every write, ``utime``, ``chmod`` or rename, and cannot be
set back from user space (``touch -d``, ``cp -p``, ``rsync -t`` and tar preserve mtime only),
so any change to the file after the recording run gives it a ctime later than the recorded one:
the stamp differs and the file is hashed again. See docs/architecture.md ("The scan cache")
for the full argument.

Every write is a complete file written under a unique temporary name in the target's directory
and renamed over the target (``os.replace``), so concurrent runs never see partial entries of
each other; an entry that is unreadable anyway (``kill -9`` before the data reached the disk,
disk errors, tampering) is ignored, rebuilt and reported once per run. Entries are JSON and
validated field by field: the cache never executes anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from functools import partial
from pathlib import Path

from archlint.model import FileScan, ImportKind, RawImport, ScanError

DEFAULT_DIRECTORY = ".archlint_cache"
# Bump when the entry format changes. (Any change to archlint's source, parse.py included,
# already gives a new namespace: see _namespace.)
FORMAT = 3  # 2: class counts; 3: imports by columns
# A stamp is recorded only if mtime and ctime are older than the run's start minus this margin:
# more than the coarsest timestamp granularity in use (2 s on FAT) and the kernel's coarse clock.
RACY_MARGIN_NS = 3_000_000_000
PRUNE_AFTER_NS = 7 * 24 * 3600 * 10**9  # namespaces of other versions unused for a week go
TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# archlint scan cache: safe to delete.\n"
# Windows reports the creation time as st_ctime, which a write does not change: no fast path.
FAST_PATH = os.name != "nt"

Stamp = tuple[int, int, int, int, int]  # mtime_ns, ctime_ns, size, inode, device
_KINDS = {kind.value: kind for kind in ImportKind}
_HEX = "0123456789abcdef"


def content_digest(data: bytes) -> str:
    """The cache key of a file's bytes."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _is_digest(value: object) -> bool:
    return type(value) is str and len(value) == 40 and not value.strip(_HEX)


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def encode_scan(scan: FileScan) -> dict[str, object]:
    """A FileScan as JSON-compatible data (what the cache stores). The imports are stored by
    columns (lines, columns, modules, names, levels, kinds), which ``decode_scan`` validates
    and rebuilds a column at a time, in C, instead of field by field."""
    error = scan.error
    if scan.imports:
        rows = [(*i[:5], i.kind.value) for i in scan.imports]
        columns: list[list[object]] = [list(column) for column in zip(*rows, strict=True)]
    else:
        columns = [[], [], [], [], [], []]
    return {
        "lines": scan.lines,
        "imports": columns,
        "error": None if error is None else [error.line, error.column, error.message],
        "classes": [scan.classes, scan.abstract_classes],
    }


_INT, _STR, _NAME = {int}, {str}, {str, type(None)}
_new_import = partial(tuple.__new__, RawImport)


def decode_scan(data: object) -> FileScan | None:
    """The FileScan that ``encode_scan`` encoded, or None if ``data`` is not a valid encoding."""
    if not isinstance(data, dict):
        return None
    lines, columns, error = data.get("lines"), data.get("imports"), data.get("error")
    if type(lines) is not int or type(columns) is not list or len(columns) != 6:
        return None
    classes = data.get("classes")
    if type(classes) is not list or len(classes) != 2 or any(type(n) is not int for n in classes):
        return None
    if any(type(column) is not list for column in columns):
        return None
    at_lines, at_columns, modules, names, levels, kinds = columns
    if len({len(c) for c in columns}) != 1:
        return None
    if not (
        set(map(type, at_lines)) <= _INT
        and set(map(type, at_columns)) <= _INT
        and set(map(type, modules)) <= _STR
        and set(map(type, names)) <= _NAME
        and set(map(type, levels)) <= _INT
        and set(map(type, kinds)) <= _STR
        and set(kinds) <= _KINDS.keys()
    ):
        return None
    rows = zip(
        at_lines, at_columns, modules, names, levels, map(_KINDS.__getitem__, kinds), strict=True
    )
    imports = tuple(map(_new_import, rows))
    if error is None:
        return FileScan(imports, lines, None, classes[0], classes[1])
    if type(error) is not list or len(error) != 3:
        return None
    line, column, message = error
    if type(line) is not int or type(column) is not int or type(message) is not str:
        return None
    return FileScan(imports, lines, ScanError(line, column, message), *classes)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file, the new one, or none."""
    temporary = path.with_name(f".tmp-{os.getpid()}-{os.urandom(6).hex()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def entry_path(scans: str, digest: str) -> str:
    return os.path.join(scans, digest[:2], digest + ".json")


def store_scan(scans: str, digest: str, encoded: dict[str, object]) -> str | None:
    """Store one encoded scan under ``scans``; return why it failed, or None. Used by workers."""
    path = Path(entry_path(scans, digest))
    try:
        path.parent.mkdir(exist_ok=True)
        write_atomic(path, json.dumps(encoded, separators=(",", ":")).encode())
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _namespace() -> str:
    """Everything scan results depend on, besides the bytes: archlint (its installed version
    and its own source, which also tells development checkouts apart), the Python that runs
    ``ast``, and libcst."""
    parts = [f"format {FORMAT}", sys.implementation.name, repr(tuple(sys.version_info))]
    parts += [_distribution_of("archlint"), _distribution_of("libcst")]
    package = Path(__file__).parent
    try:
        for source in sorted(package.rglob("*.py")):
            parts.append(f"{source.relative_to(package)} {content_digest(source.read_bytes())}")
    except OSError:
        pass
    return f"scan-v{FORMAT}-" + content_digest("\n".join(parts).encode())[:16]


def _distribution_of(name: str) -> str:
    """``name-version.dist-info`` of an installed package, found without importing it (importing
    libcst or importlib.metadata would cost a large part of a warm run)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return ""
    if spec is None or not spec.submodule_search_locations:
        return ""
    site = Path(next(iter(spec.submodule_search_locations))).parent
    try:
        found = [e.name for e in os.scandir(site) if e.name.startswith(f"{name}-")]
    except OSError:
        return ""
    return ",".join(sorted(n for n in found if n.endswith((".dist-info", ".egg-info"))))


class ScanCache:
    """One run's view of a cache directory. Collects its problems for one warning each."""

    def __init__(self, directory: Path, root: Path, started_ns: int) -> None:
        self.directory = directory
        self.root = root
        self.started_ns = started_ns  # taken before any file of this run was read
        self.namespace = directory / _namespace()
        self.index_path = self.namespace / f"index-{content_digest(str(root).encode())[:16]}.json"
        self.corrupt = 0
        self.unwritable: str | None = None
        self.fast_hits = 0
        self.content_hits = 0
        self._store: str | None = None
        self.packed: dict[str, object] = {}  # digest -> encoded scan, from the index file
        self._index: dict[str, tuple[Stamp, str]] | None = None  # read when first needed
        self.seen: dict[str, tuple[Stamp, str]] = {}
        self.digests: dict[str, str] = {}  # path -> digest of every file found or recorded
        self.encoded: dict[str, object] = {}  # digest -> encoded scan, of this run's files
        self.visited: set[str] = set()  # every file this run asked for

    @property
    def scans(self) -> str:
        return str(self.namespace / "scans")

    @property
    def index(self) -> dict[str, tuple[Stamp, str]]:
        """path -> (stamp, digest) recorded by an earlier run (a reused report never reads it)."""
        if self._index is None:
            self._index = self._load_index()
        return self._index

    # reading

    def read_json(self, path: Path | str) -> object:
        """The JSON in ``path``; None if missing; counts an unreadable or invalid file."""
        try:
            with open(path, "rb") as stream:
                data = stream.read()
        except FileNotFoundError:
            return None
        except OSError:
            self.corrupt += 1
            return None
        try:
            return json.loads(data)
        except ValueError:  # includes UnicodeDecodeError
            self.corrupt += 1
            return None

    def _load_index(self) -> dict[str, tuple[Stamp, str]]:
        data = self.read_json(self.index_path)
        if data is None:
            return {}
        if (
            not isinstance(data, dict)
            or type(data.get("root")) is not str
            or type(data.get("files")) is not dict
        ):
            self.corrupt += 1
            return {}
        if data["root"] != str(self.root):  # another root with the same key: not ours
            return {}
        packed = data.get("scans", {})
        if isinstance(packed, dict):
            self.packed = packed
        files: dict[object, object] = data["files"]
        index: dict[str, tuple[Stamp, str]] = {}
        for path, entry in files.items():
            if type(entry) is not list or len(entry) != 6 or not _is_digest(entry[5]):
                self.corrupt += 1
                return {}
            mtime, ctime, size, inode, device, digest = entry
            if not all(type(n) is int for n in (mtime, ctime, size, inode, device)):
                self.corrupt += 1
                return {}
            index[str(path)] = ((mtime, ctime, size, inode, device), digest)
        return index

    def load(self, digest: str) -> FileScan | None:
        """The stored scan of the bytes with this digest, if there is a valid one."""
        data = self.packed.get(digest)
        scan = None if data is None else decode_scan(data)
        if scan is None:  # not packed in the index, or a bad copy (dropped: save rewrites it)
            if data is not None:
                self.corrupt += 1
                del self.packed[digest]
            data, scan = self._stored(digest)
            if scan is None:
                return None
        self.encoded[digest] = data
        return scan

    def load_stored(self, digest: str) -> FileScan | None:
        """The scan stored under ``digest`` in the scan directory (not the index's copies)."""
        return self._stored(digest)[1] if _is_digest(digest) else None

    def _stored(self, digest: str) -> tuple[object, FileScan | None]:
        """The entry of ``digest`` in the scan directory and its scan (None if missing or
        invalid; an invalid one is counted)."""
        data = self.read_json(entry_path(self.scans, digest))
        if data is None:
            return None, None
        scan = decode_scan(data)
        if scan is None:
            self.corrupt += 1
        return data, scan

    def store_one(self, digest: str, scan: FileScan) -> None:
        """Store one scan under ``digest`` (a failure only disables writing)."""
        store = self.store()
        if store is not None:
            failure = store_scan(store, digest, encode_scan(scan))
            if failure is not None:
                self.failed(failure)

    def find(self, relpath: str, path: str) -> FileScan | None:
        """The cached scan of the file at ``path`` (``relpath`` from the root), or None."""
        self.visited.add(relpath)
        try:
            st = os.stat(path)
        except OSError:
            return None
        known = self.index.get(relpath)
        if FAST_PATH and known is not None and known[0] == stamp_of(st):
            scan = self.load(known[1])  # the bytes have this digest: no need to read them
            if scan is not None:
                self.seen[relpath] = known
                self.digests[relpath] = known[1]
                self.fast_hits += 1
            return scan
        try:
            with open(path, "rb") as stream:
                data = stream.read()
                st = os.fstat(stream.fileno())
        except OSError:
            return None
        digest = content_digest(data)
        scan = self.load(digest)
        if scan is not None:
            self.record(relpath, stamp_of(st), digest)
            self.content_hits += 1
        return scan

    # writing

    def record(self, relpath: str, stamp: Stamp, digest: str, scan: FileScan | None = None) -> None:
        """Remember that the file had this content when it had this stamp, if that is safe: the
        stamp (taken after the bytes were read) must predate this run by the racy margin.
        ``scan`` (of a file scanned in this run) is packed into the index."""
        if scan is not None:
            self.encoded[digest] = encode_scan(scan)
        self.digests[relpath] = digest
        limit = self.started_ns - RACY_MARGIN_NS
        if FAST_PATH and stamp[0] < limit and stamp[1] < limit:
            self.seen[relpath] = (stamp, digest)

    def store(self) -> str | None:
        """Where to write scans (``store_scan``), or None if this cache cannot be written."""
        if self._store is None and self.unwritable is None:
            try:
                self._prepare()
                probe = Path(self.scans) / f"probe-{os.getpid()}-{os.urandom(6).hex()}"
                write_atomic(probe, b"")
                probe.unlink()
                self._store = self.scans
            except OSError as exc:
                self.failed(exc.strerror or str(exc))
        return self._store

    def failed(self, reason: str) -> None:
        if self.unwritable is None:
            self.unwritable = reason
        self._store = None

    def _prepare(self) -> None:
        """Create the directory with its tag and .gitignore (each created once, exclusively:
        the tag first, so a directory with other files in it always has the tag)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", TAG), (".gitignore", "*\n")):
            try:
                with open(self.directory / name, "x", encoding="utf-8") as stream:
                    stream.write(text)
            except FileExistsError:
                pass
        if not self.namespace.exists():
            self._prune()
        Path(self.scans).mkdir(parents=True, exist_ok=True)

    def _prune(self) -> None:
        """Remove the namespaces of other versions or settings that nobody wrote to for
        ``PRUNE_AFTER_NS`` (called when a new namespace is made; errors are harmless)."""
        import shutil

        limit = self.started_ns - PRUNE_AFTER_NS
        with contextlib.suppress(OSError), os.scandir(self.directory) as entries:
            for entry in entries:
                if (
                    entry.name.startswith("scan-v")
                    and entry.is_dir(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime_ns < limit
                ):
                    shutil.rmtree(entry.path, ignore_errors=True)

    def save(self) -> None:
        """Write the index of this run's files, with their scans, if it changed (entries of
        vanished files go)."""
        digests = sorted({digest for _, digest in self.seen.values() if digest in self.encoded})
        changed = any(self.index.get(path) != entry for path, entry in self.seen.items())
        vanished = any(path not in self.visited for path in self.index)
        # a file changed in the last seconds is not recorded (racy): its old entry no longer
        # matches its stamp, so keeping it is harmless and saves rewriting the index each run
        unpacked = any(d not in self.packed for d in digests)
        if not (changed or vanished or unpacked) or self.store() is None:
            return
        files = {path: [*stamp, digest] for path, (stamp, digest) in sorted(self.seen.items())}
        scans = {digest: self.encoded[digest] for digest in digests}
        data = json.dumps(
            {"root": str(self.root), "files": files, "scans": scans}, separators=(",", ":")
        )
        try:
            write_atomic(self.index_path, data.encode())
        except OSError as exc:
            self.failed(exc.strerror or str(exc))

    def warnings(self) -> list[str]:
        """At most one line per kind of problem met in this run."""
        found = []
        if self.corrupt:
            entries = "entry" if self.corrupt == 1 else "entries"
            fate = "rebuilt" if self.unwritable is None else "not rebuilt"
            found.append(
                f"ignored {self.corrupt} unreadable {entries} in the cache {self.directory}; {fate}"
            )
        if self.unwritable is not None:
            found.append(
                f"cannot write to the cache {self.directory} ({self.unwritable}); "
                "results of this run are not cached"
            )
        return found


def open_cache(
    root: Path, cache_dir: str | Path | None, started_ns: int
) -> tuple[ScanCache | None, str | None]:
    """The cache of the project at ``root``: in ``cache_dir`` (relative to the current
    directory) if given, else in ``DEFAULT_DIRECTORY`` under the root. None, and why, if it
    cannot be used.

    The default directory is refused if it is a symbolic link out of the
    project: a checked-out repository must not make archlint write elsewhere. A directory that
    is not empty and has no CACHEDIR.TAG is refused too: it is not an archlint cache, and
    writing a ``.gitignore`` of ``*`` into it would hide it from git.
    """
    directory = Path(os.path.abspath(cache_dir)) if cache_dir else root / DEFAULT_DIRECTORY
    if not cache_dir and directory.is_symlink():
        target = directory.resolve()
        inside = root.resolve()
        if target == inside or not target.is_relative_to(inside):
            return None, (
                f"the cache directory {directory} is a symbolic link to {target}, outside the "
                "project; not used (pass --cache-dir to use it anyway)"
            )
    if directory.exists():
        if not directory.is_dir():
            return None, f"the cache directory {directory} is not a directory; not used"
        if not (directory / "CACHEDIR.TAG").exists():
            try:
                with os.scandir(directory) as entries:
                    empty = next(entries, None) is None
            except OSError as exc:
                return None, f"cannot read the cache directory {directory} ({exc}); not used"
            if not empty:
                return None, (
                    f"{directory} is not empty and has no CACHEDIR.TAG, so it is not an archlint "
                    "cache; not used (choose another --cache-dir)"
                )
    return ScanCache(directory, root, started_ns), None
