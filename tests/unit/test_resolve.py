"""Resolution: raw imports + the module set -> edges (submodule vs attribute, relative, externals)."""

from __future__ import annotations

from pathlib import Path

from archlint.contracts import Config
from archlint.model import FileScan, ImportKind, RawImport, Severity
from archlint.project import Layout, SourceFile, discover
from archlint.resolve import resolve

TOP = ImportKind.TOP_LEVEL


def layout(*modules: str, namespaces: tuple[tuple[str, str], ...] = ()) -> Layout:
    files = []
    for name in modules:
        is_package = name.endswith("/")
        name = name.rstrip("/")
        path = name.replace(".", "/") + ("/__init__.py" if is_package else ".py")
        files.append(SourceFile(name, path, is_package))
    roots = tuple(sorted({f.module.split(".")[0] for f in files}))
    return Layout(tuple(files), namespaces, roots)


def raw(module: str, name: str | None = None, level: int = 0, line: int = 1) -> RawImport:
    return RawImport(line, 1, module, name, level, TOP)


def edges(lay: Layout, scans: dict[str, list[RawImport]]) -> list[tuple[str, str]]:
    graph, _ = resolve(lay, {m: FileScan(tuple(r)) for m, r in scans.items()})
    return [(i.importer, i.imported) for i in graph.imports()]


def test_from_import_prefers_submodule_over_attribute() -> None:
    lay = layout("pkg/", "pkg.sub", "pkg.user")
    assert edges(lay, {"pkg.user": [raw("pkg", "sub"), raw("pkg", "Thing")]}) == [
        ("pkg.user", "pkg"),
        ("pkg.user", "pkg.sub"),
    ]


def test_relative_imports_from_module_and_package() -> None:
    lay = layout("pkg/", "pkg.a/", "pkg.a.x", "pkg.a.y", "pkg.b")
    scans = {
        "pkg.a.x": [raw("", "y", 1), raw("b", "f", 2)],
        "pkg.a": [raw("", "x", 1)],
    }
    assert edges(lay, scans) == [("pkg.a", "pkg.a.x"), ("pkg.a.x", "pkg.a.y"), ("pkg.a.x", "pkg.b")]


def test_relative_import_beyond_top_level_is_an_error() -> None:
    lay = layout("pkg/", "pkg.a")
    graph, diagnostics = resolve(lay, {"pkg.a": FileScan((raw("", "x", 3, line=7),))})
    assert [(d.line, d.code, d.severity) for d in diagnostics] == [(7, "ARC002", Severity.ERROR)]
    assert list(graph.imports()) == []


def test_externals_are_squashed_and_marked() -> None:
    lay = layout("pkg/", "pkg.a")
    graph, _ = resolve(
        lay,
        {
            "pkg.a": FileScan(
                (raw("os.path"), raw("google.cloud", "storage"), raw("__future__", "annotations"))
            )
        },
    )
    assert [(i.imported) for i in graph.imports()] == ["__future__", "google", "os"]
    assert graph.module("os").stdlib and graph.module("os").external
    assert not graph.module("google").stdlib


def test_unknown_internal_module_warns_and_falls_back_to_ancestor() -> None:
    lay = layout("pkg/", "pkg.a")
    graph, diagnostics = resolve(lay, {"pkg.a": FileScan((raw("pkg.nope.deeper"),))})
    assert [(i.importer, i.imported) for i in graph.imports()] == [("pkg.a", "pkg")]
    assert [(d.code, d.severity) for d in diagnostics] == [("ARC003", Severity.WARNING)]


def test_namespace_directories_are_modules(tmp_path: Path) -> None:
    for name in ["pkg/__init__.py", "pkg/plain/deep/mod.py", "pkg/migrations/0001_initial.py"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "pkg" / "loop").symlink_to(tmp_path / "pkg")
    lay = discover(tmp_path, Config(path="pyproject.toml"))
    assert [f.module for f in lay.files] == [
        "pkg",
        "pkg.migrations.0001_initial",
        "pkg.plain.deep.mod",
    ]
    assert lay.namespaces == (
        ("pkg.migrations", "pkg/migrations"),
        ("pkg.plain", "pkg/plain"),
        ("pkg.plain.deep", "pkg/plain/deep"),
    )
    graph, _ = resolve(lay, {"pkg": FileScan((raw("pkg.plain.deep", "mod"),))})
    assert [(i.importer, i.imported) for i in graph.imports()] == [("pkg", "pkg.plain.deep.mod")]
    assert graph.module("pkg.plain").is_package


def test_namespace_root_package(tmp_path: Path) -> None:
    (tmp_path / "src" / "ns" / "inner").mkdir(parents=True)
    (tmp_path / "src" / "ns" / "inner" / "m.py").write_text("")
    (tmp_path / "src" / "top.py").write_text("")
    (tmp_path / "src" / "not-a-package").mkdir()
    (tmp_path / "src" / "not-a-package" / "x.py").write_text("")
    lay = discover(tmp_path, Config(path="pyproject.toml"))
    assert lay.root_packages == ("ns", "top")
    assert [f.path for f in lay.files] == ["src/ns/inner/m.py", "src/top.py"]


def test_dynamic_relative_import_anchors_at_the_module_itself() -> None:
    lay = layout("pkg/", "pkg.mod", "pkg.x")
    dynamic = RawImport(1, 1, "x", None, 1, ImportKind.DYNAMIC)
    graph, diagnostics = resolve(
        lay, {"pkg": FileScan((dynamic,)), "pkg.mod": FileScan((dynamic,))}
    )
    # in the package, ".x" is pkg.x; in the module pkg.mod, Python looks for pkg.mod.x (missing)
    assert [(i.importer, i.imported) for i in graph.imports()] == [("pkg", "pkg.x")]
    assert [(d.path, d.code) for d in diagnostics] == [("pkg/mod.py", "ARC003")]
