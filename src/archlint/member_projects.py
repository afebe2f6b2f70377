"""Member projects of a monorepo: pyproject.toml files below the project root that have a
``[project]`` table, each with the modules whose nearest such file it is.

Reads directories and TOML files, never code. The dependencies contract checks each member's
modules against the member's own declared dependencies.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from archlint.config import load_project_dependencies
from archlint.contracts import ProjectDependencies
from archlint.project import SourceFile


def member_projects(root: Path, files: Sequence[SourceFile]) -> tuple[ProjectDependencies, ...]:
    """Every member project that owns at least one module, sorted by path."""
    loaded: dict[str, ProjectDependencies | None] = {}
    owned: dict[str, set[str]] = {}
    for source in files:
        directory = Path(source.path).parent
        while directory != Path("."):
            candidate = (directory / "pyproject.toml").as_posix()
            if candidate not in loaded:
                path = root / candidate
                loaded[candidate] = (
                    load_project_dependencies(path, candidate) if path.is_file() else None
                )
            if loaded[candidate] is not None:
                owned.setdefault(candidate, set()).add(source.module)
                break
            directory = directory.parent
    members: list[ProjectDependencies] = []
    for candidate in sorted(owned):
        project = loaded[candidate]
        if project is not None:
            members.append(project._replace(modules=frozenset(owned[candidate])))
    return tuple(members)
