"""Graph verbs on graphs built in code."""

from __future__ import annotations

from archlint.graph import ImportGraph
from archlint.model import Import, ImportKind, Module

TOP = ImportKind.TOP_LEVEL


def graph(*edges: str, kind: ImportKind = TOP) -> ImportGraph:
    imports = []
    names: set[str] = set()
    for line, edge in enumerate(edges, start=1):
        a, b = edge.split(">")
        names |= {a, b}
        imports.append(Import(a, b, a.replace(".", "/") + ".py", line, 1, kind))
    return ImportGraph([Module(n) for n in names], imports)


def test_children_descendants_and_direct_imports() -> None:
    g = graph("a.b>a.c", "a.c.d>a.b", "a.b>x")
    assert g.children("a") == ["a.b", "a.c"]
    assert g.descendants("a") == ["a.b", "a.c", "a.c.d"]
    assert g.imported_by("a.b") == ["a.c", "x"]
    assert g.importers_of("a.b") == ["a.c.d"]
    assert [i.line for i in g.direct_imports("a.b", "a.c")] == [1]


def test_chains_between_avoids_blocked_intermediates_and_finds_shortest() -> None:
    g = graph("s>m1", "m1>m2", "m2>t", "s>n", "n>t", "s>blocked", "blocked>t2")
    chains = g.chains_between({"s"}, {"t", "t2"}, avoid={"blocked"})
    assert [[link.importer for link in c] + [c[-1].imported] for c in chains] == [["s", "n", "t"]]


def test_chains_between_direct() -> None:
    g = graph("s>t", "s>m", "m>t")
    chains = g.chains_between({"s"}, {"t"})
    assert [len(c) for c in chains] == [1]


def test_strongly_connected_components_and_cycles() -> None:
    g = graph("a>b", "b>c", "c>a", "c>d", "d>e", "e>d")
    assert g.strongly_connected_components() == [["a", "b", "c"], ["d", "e"]]
    assert g.shortest_cycle("a", ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert g.feedback_edges(["a", "b", "c"]) in ([("c", "a")], [("a", "b")], [("b", "c")])


def test_feedback_edges_break_every_cycle() -> None:
    g = graph("a>b", "b>a", "b>c", "c>a", "c>b", "a>c")
    removed = set(g.feedback_edges(["a", "b", "c"]))
    rest = ImportGraph(
        [Module(n) for n in "abc"],
        [i for i in g.imports() if (i.importer, i.imported) not in removed],
    )
    assert rest.strongly_connected_components() == []
    assert len(removed) <= 3


def test_collapsed_keeps_real_imports() -> None:
    g = graph("p.a.x>p.b.y", "p.b.y>p.a.z", "p.a.x>p.a.z")
    c = g.collapsed(lambda m: ".".join(m.split(".")[:2]) if m.count(".") >= 1 else None)
    assert c.modules == ["p.a", "p.b"]
    assert c.link("p.a", "p.b").importer == "p.a.x"
    assert c.strongly_connected_components() == [["p.a", "p.b"]]


def test_filtered_by_kind() -> None:
    g = graph("a>b")
    assert list(g.filtered({ImportKind.FUNCTION}).imports()) == []
    assert len(list(g.filtered({TOP}).imports())) == 1
