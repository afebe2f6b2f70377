"""The key of a cached report: everything it depends on besides the project's files.

Computed by every run that may reuse a report (``report_cache``); the quick check compares
only ``environment_digest`` and the digest of pyproject.toml, without the configuration.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from archlint.cache import content_digest

if TYPE_CHECKING:
    from archlint.contracts import Config
    from archlint.project import Layout

FORMAT = 3  # of the report entry; 3: probes and absent links


class Inputs(NamedTuple):
    """What a report depends on besides the files' scans, and how a changed file is judged."""

    key: str
    text: bool  # a contract reads the files' text (banned-api): any change to the bytes counts
    measures: bool  # a contract uses line and class counts (thresholds)
    quick: bool  # nothing outside the tree and pyproject.toml matters (no dependency contract)
    pyproject: str | None  # digest of pyproject.toml
    environment: str


def inputs_of(root: Path, config: Config, layout: Layout) -> Inputs:
    """The key of everything a report depends on besides its files: archlint's version (the
    namespace the entry lives in), the root, the configuration file's bytes, the module tree,
    the interpreter and the installed packages it sees, and monorepo members' pyproject.toml."""
    types = {c.type for c in config.contracts}
    text, measures = "banned-api" in types, "thresholds" in types
    pyproject = digest_of(root / "pyproject.toml")
    environment = environment_digest()
    parts: list[object] = [FORMAT, str(root), text, measures, pyproject, environment]
    parts.append(layout.root_packages)
    parts.append(layout.namespaces)
    parts.append([(f.module, f.path, f.is_package) for f in layout.files])
    parts.append(layout.shadowed)  # their warnings are in the report
    quick = "dependencies" not in types
    if not quick:
        from archlint.member_projects import member_projects

        members = member_projects(root, layout.files)  # canonical: no set order in the key
        parts.append(
            [
                (m.path, m.dependencies, sorted(m.required.items()), sorted(m.modules))
                for m in members
            ]
        )
    key = content_digest(repr(parts).encode())
    return Inputs(key, text, measures, quick, pyproject, environment)


def digest_of(path: Path) -> str | None:
    """The digest of a file's bytes, None if it cannot be read."""
    try:
        return content_digest(path.read_bytes())
    except (OSError, ValueError):  # ValueError: a NUL in a path
        return None


# what ``importlib.metadata`` reads in a directory of ``sys.path`` (and where editable
# installs add paths): a distribution installed, upgraded or removed changes these entries
_METADATA = (".dist-info", ".egg-info", ".egg-link", ".pth")


def environment_digest() -> str:
    """The interpreter and the installed distributions it sees (dependency and external
    contracts consult their metadata): for every directory of ``sys.path``, the names, inodes
    and modification times of its metadata entries. Only those: an editor's swap file in an
    editable install's ``src`` changes nothing, a ``.venv`` inside the project counts."""
    found: list[object] = [sys.version]
    for directory in sys.path:
        try:
            with os.scandir(directory or ".") as listing:
                entries = [e for e in listing if e.name.endswith(_METADATA)]
            found.append(
                (directory, sorted((e.name, e.inode(), e.stat().st_mtime_ns) for e in entries))
            )
        except (OSError, ValueError):  # a zip file, a missing directory
            continue
    return content_digest(repr(found).encode())
