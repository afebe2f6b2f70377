"""Cross-check archlint's import graph against grimp (an independent implementation) on real
packages fetched from PyPI with pip. Every difference is either fixed or explained here.

Explained differences:
- dynamic imports (``importlib.import_module("x")``): grimp does not see them; they are left out.
- externals: both squash to the top-level name; compared as such.
- a module importing itself (``rich/box.py`` runs ``from rich.box import ...`` in its
  ``__main__`` block): grimp keeps the self-edge, archlint drops it (no dependency, never a
  violation); grimp's self-edges are left out.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archlint.api import analyse
from archlint.model import ImportKind

_DOWNLOADED: dict[str, Path] = {}
PACKAGES = {"requests": "2.32.3", "rich": "13.9.4", "click": "8.1.7"}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return download(tmp_path_factory)


def download(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fetch the pinned wheels with pip and extract them (once per session)."""
    if "root" in _DOWNLOADED:
        return _DOWNLOADED["root"]
    root = tmp_path_factory.mktemp("site")
    wheels = root / "wheels"
    pins = [f"{name}=={version}" for name, version in PACKAGES.items()]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(wheels),
            *pins,
        ],
        check=True,
    )
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(root)
    _DOWNLOADED["root"] = root
    return root


GRIMP_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import grimp
graph = grimp.build_graph(sys.argv[2], include_external_packages=True, cache_dir=None)
edges = []
for importer in graph.modules:
    for imported in graph.find_modules_directly_imported_by(importer) - {importer}:
        details = graph.get_import_details(importer=importer, imported=imported)
        edges += [(importer, imported, d["line_number"]) for d in details] or [
            (importer, imported, 0)]
print(json.dumps(edges))
"""


def grimp_edges(package: str, site: Path) -> set[tuple[str, str, int]]:
    """grimp runs in its own process so that the package under test, not a copy already
    imported here (archlint itself imports click and rich), is the one it finds."""
    done = subprocess.run(
        [sys.executable, "-c", GRIMP_SCRIPT, str(site), package],
        capture_output=True,
        text=True,
        check=True,
        cwd=site,
    )
    return {(a, b, line) for a, b, line in json.loads(done.stdout)}


def archlint_edges(package: str, site: Path) -> set[tuple[str, str, int]]:
    (site / "pyproject.toml").write_text(
        f'[tool.archlint]\nsource-roots = ["."]\nroot-packages = ["{package}"]\n'
    )
    graph = analyse(site).graph
    return {
        (imp.importer, imp.imported, imp.line)
        for imp in graph.imports()
        if imp.kind is not ImportKind.DYNAMIC
    }


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_same_graph_as_grimp(package: str, site: Path) -> None:
    ours = archlint_edges(package, site)
    theirs = grimp_edges(package, site)
    assert len(ours) > 50
    assert sorted(ours - theirs) == []
    assert sorted(theirs - ours) == []
