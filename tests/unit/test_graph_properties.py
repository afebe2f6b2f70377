"""Invariants of the graph verbs on random graphs (hypothesis), checked against networkx."""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from archlint.graph import ImportGraph
from archlint.model import Import, ImportKind, Module

NODES = [f"m{i}" for i in range(8)]
edges_strategy = st.lists(
    st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), max_size=25, unique=True
)
subset = st.sets(st.sampled_from(NODES), max_size=3)


def build(edges: list[tuple[str, str]]) -> ImportGraph:
    imports = [
        Import(a, b, f"{a}.py", line, 1, ImportKind.TOP_LEVEL)
        for line, (a, b) in enumerate(edges, start=1)
    ]
    return ImportGraph([Module(n) for n in NODES], imports)


@settings(max_examples=300, deadline=None)
@given(edges_strategy, subset, subset, subset)
def test_chains_between_is_sound_and_complete(
    edges: list[tuple[str, str]], sources: set[str], targets: set[str], avoid: set[str]
) -> None:
    assume(not sources & targets)  # a precondition: rules never ask for overlapping sets
    graph = build(edges)
    chains = graph.chains_between(sources, targets, avoid)
    blocked = sources | targets | avoid
    found_sources = set()
    for chain in chains:
        assert chain[0].importer in sources
        assert chain[-1].imported in targets
        for link, following in pairwise(chain):
            assert link.imported == following.importer
            assert link.imported not in blocked
        found_sources.add(chain[0].importer)
    # complete: every source that reaches a target through allowed intermediates has a chain
    reference = nx.DiGraph()
    reference.add_nodes_from(NODES)
    reference.add_edges_from((a, b) for a, b in edges if a != b)
    for source in sources:
        allowed = reference.subgraph((set(NODES) - blocked) | {source} | targets).copy()
        allowed.remove_edges_from([(a, b) for a, b in list(allowed.edges) if a in targets])
        reachable = nx.descendants(allowed, source) & targets
        assert (source in found_sources) == bool(reachable)


@settings(max_examples=200, deadline=None)
@given(edges_strategy)
def test_feedback_edges_make_each_cyclic_group_acyclic(edges: list[tuple[str, str]]) -> None:
    graph = build(edges)
    for group in graph.strongly_connected_components():
        removed = set(graph.feedback_edges(group))
        rest = nx.DiGraph()
        rest.add_nodes_from(group)
        rest.add_edges_from(
            (a, b)
            for a, b in edges
            if a != b and a in group and b in group and (a, b) not in removed
        )
        assert nx.is_directed_acyclic_graph(rest)
        path = graph.shortest_cycle(group[0], group)
        assert path[0] == path[-1] == group[0] and len(path) >= 3


DOTTED = ["a", "a.b", "a.b.c", "a.bc", "a-b", "a/b", "ab", "b", "b.a", "b.a.z"]


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(DOTTED)), st.sets(st.sampled_from([*DOTTED, "a.x", "zz"])))
def test_members_are_the_modules_and_their_descendants(present: set[str], names: set[str]) -> None:
    graph = ImportGraph([Module(n) for n in present], [])
    expected = {m for m in present if any(m == n or m.startswith(n + ".") for n in names)}
    assert graph.members(names) == expected


@settings(max_examples=300, deadline=None)
@given(edges_strategy, st.lists(subset, min_size=1, max_size=4))
def test_layer_chains_in_one_pass_equal_chains_between_for_each_pair(
    edges: list[tuple[str, str]], layers: list[set[str]]
) -> None:
    """The layers rule's one-pass search gives what chains_between gives pair by pair."""
    from archlint.rules.layers import _code, _illegal_chains

    taken: set[str] = set()
    units = []
    for level, layer in enumerate(layers):
        for name in sorted(layer - taken):  # a module in one layer only (config enforces it)
            units.append((level, name))
        taken |= layer
    graph = build(edges)
    members = {unit: graph.members([unit[1]]) for unit in units}
    layered = set().union(*members.values())
    expected = {
        (lower, higher): graph.chains_between(members[lower], members[higher], avoid=layered)
        for lower in units
        for higher in units
        if _code(lower, higher) is not None
    }
    assert _illegal_chains(graph, units, members) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(NODES),
            st.sampled_from(NODES),
            st.integers(1, 3),
            st.sampled_from(list(ImportKind)),
        ),
        max_size=30,
    ),
    st.sets(st.sampled_from(list(ImportKind)), min_size=1),
)
def test_counts_and_kinds_kept_while_building_match_the_imports(
    rows: list[tuple[str, str, int, ImportKind]], kinds: set[ImportKind]
) -> None:
    """``count_imports`` and the kinds present are kept as imports are inserted (duplicates
    and self-imports dropped): they must equal what iterating the imports gives, for the
    graph, its filtered views and a collapsed graph."""
    imports = [Import(a, b, f"{a}.py", line, 1, kind) for a, b, line, kind in rows]
    graph = ImportGraph([Module(n) for n in NODES], imports)
    by_parity = graph.collapsed(lambda name: f"p{int(name[1:]) % 2}")
    for each in (graph, graph.filtered(frozenset(kinds)), by_parity):
        listed = list(each.imports())
        assert each.count_imports() == len(listed)
        assert each._kinds() == {imp.kind for imp in listed}
    assert graph.count_imports() == len({imp for imp in imports if imp.importer != imp.imported})
