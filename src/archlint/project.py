"""Find the project root, its configuration and its Python files. Reads directories, never code."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from archlint.model import ArchlintError, Diagnostic, Severity

if TYPE_CHECKING:
    from archlint.contracts import Config

SHADOWED_MODULE = "ARC005"
_ARCHLINT_HEADER = re.compile(rb"^[ \t]*\[\[?[ \t]*tool\.archlint\b", re.MULTILINE)
DEFAULT_EXCLUDES = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "build",
        "dist",
        "node_modules",
        "__pycache__",
        ".tox",
        "site-packages",
    }
)


class SourceFile(NamedTuple):
    """A Python file and the module it is. ``path`` is posix, relative to the project root."""

    module: str
    path: str
    is_package: bool


# (path as given, inode, device, digest of the entries that matter, all entries matter)
Probe = tuple[str, int, int, str, bool]


def listing_digest(entries: Iterable[os.DirEntry[str]], all_names: bool) -> str:
    """What discovery can learn from a directory's entries: the names and types of those it
    may walk into or read (names without a dot, ``.py`` files; never the default excludes),
    or of every entry when exclude patterns, which may name anything, are in use
    (``all_names``). A ``notes.txt`` or ``.coverage`` written beside a package changes
    nothing."""
    seen = sorted(
        (e.name, e.is_dir(follow_symlinks=False), e.is_file())
        for e in entries
        if all_names
        or (e.name not in DEFAULT_EXCLUDES and ("." not in e.name or e.name.endswith(".py")))
    )
    return hashlib.blake2b(repr(seen).encode(), digest_size=16).hexdigest()


class _Reads:
    """Collects what discovery reads (see ``Layout``): plain directories, or probes."""

    def __init__(self, probes: bool, all_names: bool) -> None:
        self.as_probes = probes
        self.all_names = all_names
        self.directories: list[str] = []
        self.probes: list[Probe] = []
        self.absent: list[str] = []

    def listing(self, directory: str, shown: str | None = None) -> list[os.DirEntry[str]]:
        """The entries of ``directory`` (``shown``: the path to record, e.g. unresolved)."""
        path = shown or directory
        if not self.as_probes:
            self.directories.append(path)
            with os.scandir(directory) as scanned:
                return list(scanned)
        st = os.stat(path)  # before the listing: a change in between is seen next time
        with os.scandir(directory) as scanned:
            entries = list(scanned)
        digest = listing_digest(entries, self.all_names)
        self.probes.append((path, st.st_ino, st.st_dev, digest, self.all_names))
        return entries


class Layout(NamedTuple):
    """The module tree found on disk."""

    files: tuple[SourceFile, ...]
    namespaces: tuple[tuple[str, str], ...]  # (module, directory path) without __init__.py
    root_packages: tuple[str, ...]
    # What discovery read, for the report cache (see report_cache): while none of it changes,
    # neither does the layout. ``directories``: the directories walked for modules (a
    # directory's mtime moves whenever an entry is added, removed or renamed in it);
    # ``probes``: the directories read to find the root packages, each with its identity and
    # the digest of the entries that can matter there (``listing_digest``), so that files
    # tools write beside the packages do not count; ``absent``: ``.py`` links that led to no
    # file, which a new target would bring in without changing their directory.
    directories: tuple[str, ...] = ()
    probes: tuple[Probe, ...] = ()
    absent: tuple[str, ...] = ()
    # ``a.py`` beside a package ``a/__init__.py``: Python imports the package, never the
    # file, so it is left out of ``files`` (path of the file, module, path of the package)
    shadowed: tuple[tuple[str, str, str], ...] = ()


def find_root(start: Path) -> Path:
    """The given directory if its pyproject.toml has [tool.archlint], else the nearest parent's."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and (_mentions_archlint(candidate) or _has_table(candidate)):
            return directory
    raise ArchlintError(
        f"no pyproject.toml with a [tool.archlint] table in {start} or any parent directory; "
        "add one (see docs/configuration.md)"
    )


def _has_table(path: Path) -> bool:
    from archlint.config import has_archlint_table  # a TOML parser, needed only when in doubt

    return has_archlint_table(path)


def _mentions_archlint(path: Path) -> bool:
    """A pyproject.toml that fails to parse but has a [tool.archlint...] header is ours: its
    TOML error is then reported instead of a search that silently goes on upwards."""
    try:
        return _ARCHLINT_HEADER.search(path.read_bytes()) is not None
    except OSError:
        return False


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Gitignore-like globs relative to the root: ``*`` within a segment, ``**`` across them; a
    pattern without ``/`` matches a name at any depth. Match it against ``"/" + relpath``."""
    pattern = pattern.strip("/")
    if "/" not in pattern:
        pattern = "**/" + pattern
    regex = ""
    for part in pattern.split("/"):
        if part == "**":
            regex += "(?:/[^/]+)*"
        else:
            regex += "/" + re.escape(part).replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    return re.compile(regex + r"(?:/.*)?\Z")


class _Excluder:
    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        self.regexes = [glob_regex(p) for p in patterns]
        self.used: set[str] = set()

    def excluded(self, relpath: str, name: str) -> bool:
        if name in DEFAULT_EXCLUDES:
            return True
        hit = False
        for pattern, regex in zip(self.patterns, self.regexes, strict=True):
            if regex.match("/" + relpath):
                self.used.add(pattern)
                hit = True
        return hit


def _has_python(directory: Path, root: Path, excluder: _Excluder, reads: _Reads) -> bool:
    rel = directory.relative_to(root).as_posix()
    return any(True for _ in _walk(str(directory), rel, "", excluder, reads))


def _walk(
    directory: str, rel_dir: str, module: str, excluder: _Excluder, reads: _Reads
) -> Iterator[SourceFile]:
    """Python files below ``directory`` (``rel_dir`` from the root; module ``module``), in no
    particular order; directory symlinks not followed; what it reads goes to ``reads``.
    Plain strings and an explicit stack: pathlib and nested generators cost a large part of
    a warm run on 10,000 files."""
    patterns = bool(excluder.patterns)
    stack = [(directory, rel_dir, module)]
    while stack:
        directory, rel_dir, module = stack.pop()
        try:
            entries = reads.listing(directory)
        except OSError:
            continue
        prefix = f"{rel_dir}/" if rel_dir else ""
        for entry in entries:
            name = entry.name
            if name in DEFAULT_EXCLUDES or (patterns and excluder.excluded(prefix + name, name)):
                continue
            if name.endswith(".py"):
                if not entry.is_file():
                    if entry.is_symlink():
                        reads.absent.append(entry.path)
                    continue
                stem = name[:-3]
                if stem == "__init__":
                    yield SourceFile(module, prefix + name, True)
                elif "." not in stem and stem:
                    yield SourceFile(f"{module}.{stem}", prefix + name, False)
            elif "." not in name and entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, prefix + name, f"{module}.{name}"))


def discover(root: Path, config: Config) -> Layout:
    """Every module of the configured root packages in the source roots."""
    excluder = _Excluder(config.exclude)
    written: list[str] = []  # each source root as configured (a link is followed when read)
    if config.source_roots is not None:
        source_roots = []
        for name in config.source_roots:
            directory = (root / name).resolve()
            if not directory.is_relative_to(root.resolve()):
                raise ArchlintError(
                    f"source root '{name}' is outside the project root {root}; run archlint "
                    "from a directory that contains it",
                    config.path,
                    config.line_of("source-roots"),
                )
            if not directory.is_dir():
                raise ArchlintError(
                    f"source root '{name}' is not a directory under {root}",
                    config.path,
                    config.line_of("source-roots"),
                )
            source_roots.append(directory)
            written.append(str(root / name))
    else:
        source_roots = [root / "src"] if (root / "src").is_dir() else [root]
        written.append(str(source_roots[0]))

    candidates: dict[str, Path] = {}
    shadowed: list[tuple[str, str, str]] = []
    probes = _Reads(probes=True, all_names=bool(config.exclude))  # to find the root packages
    for source_root, shown in zip(source_roots, written, strict=True):
        try:
            entries = sorted(probes.listing(str(source_root), shown), key=lambda e: e.name)
        except OSError as exc:
            raise ArchlintError(f"cannot read source root {source_root}: {exc}") from exc
        for entry in entries:
            rel = Path(entry.path).relative_to(root).as_posix()
            if excluder.excluded(rel, entry.name):
                continue
            if entry.is_dir(follow_symlinks=False) and entry.name.isidentifier():
                if _has_python(Path(entry.path), root, excluder, probes):
                    candidates.setdefault(entry.name, Path(entry.path))
            elif entry.name.endswith(".py") and entry.name[:-3].isidentifier() and entry.is_file():
                name = entry.name[:-3]
                package = candidates.get(name)
                if package is not None and (package / "__init__.py").is_file():
                    init = (package / "__init__.py").relative_to(root).as_posix()
                    shadowed.append((rel, name, init))
                candidates.setdefault(name, Path(entry.path))

    if config.root_packages is not None:
        for name in config.root_packages:
            if name not in candidates:
                import difflib

                hint = difflib.get_close_matches(name, list(candidates), n=1)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
                raise ArchlintError(
                    f"root package '{name}' not found in the source roots "
                    f"({', '.join(_rel(s, root) for s in source_roots)}){suggestion}",
                    config.path,
                    config.line_of("root-packages"),
                )
        chosen = sorted(config.root_packages)
    else:
        chosen = sorted(candidates)

    files: list[SourceFile] = []
    namespaces: list[tuple[str, str]] = []
    walked = _Reads(probes=False, all_names=False)  # to find the modules
    for name in chosen:
        location = candidates[name]
        if location.is_file():
            files.append(SourceFile(name, location.relative_to(root).as_posix(), False))
            continue
        rel_location = location.relative_to(root).as_posix()
        package_files = list(_walk(str(location), rel_location, name, excluder, walked))
        files.extend(package_files)
        have_init = {f.module for f in package_files if f.is_package}
        directories = {f.module.rpartition(".")[0] for f in package_files if not f.is_package}
        for module in sorted(directories):
            parts = module.split(".")
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if prefix not in have_init:
                    relative = "/".join(parts[1:depth])
                    directory = location / relative if relative else location
                    namespaces.append((prefix, directory.relative_to(root).as_posix()))
                    have_init.add(prefix)

    unused = [p for p in config.exclude if p not in excluder.used]
    if unused:
        raise ArchlintError(
            f"exclude pattern '{unused[0]}' matches no file or directory; fix or remove it",
            config.path,
            config.line_of("exclude"),
        )
    if not files:
        raise ArchlintError(
            f"no Python file found in {', '.join(_rel(s, root) for s in source_roots)}; "
            "set `source-roots` in [tool.archlint]",
            config.path,
            config.line_of("source-roots") or None,
        )
    files.sort(key=lambda f: (f.module, not f.is_package, f.path))  # a/__init__.py before a.py
    unique: list[SourceFile] = []
    for source in files:
        if unique and unique[-1].module == source.module:  # a.py after a/__init__.py
            shadowed.append((source.path, source.module, unique[-1].path))
            continue
        unique.append(source)
    return Layout(
        tuple(unique),
        tuple(sorted(set(namespaces))),
        tuple(chosen),
        tuple(sorted(set(walked.directories))),
        tuple(sorted(set(probes.probes))),
        tuple(sorted(set(walked.absent + probes.absent))),
        tuple(sorted(shadowed)),
    )


def shadowed_modules(layout: Layout) -> list[Diagnostic]:
    """ARC005 for each module file that a package of the same name shadows."""
    return [
        Diagnostic(
            path,
            1,
            1,
            SHADOWED_MODULE,
            f"'{module}' is the package {package}: Python never imports this file; "
            "archlint skips it (delete it, or rename it if it is still used)",
            Severity.WARNING,
        )
        for path, module, package in layout.shadowed
    ]


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)
