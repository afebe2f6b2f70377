"""The import graph: modules, resolved imports, and the verbs rules ask of them.

Traversal runs on plain adjacency dictionaries (fast, no third-party import). networkx is
imported only by the verbs that need its algorithms (cycles, feedback sets), so a run whose
contracts never ask for them never pays for the import.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from itertools import groupby, pairwise
from operator import itemgetter
from typing import TYPE_CHECKING

from archlint.model import Import, ImportKind, Module

if TYPE_CHECKING:
    import networkx as nx

Chain = tuple[Import, ...]


class ImportGraph:
    """A directed graph of modules. Each edge keeps every import statement that makes it."""

    def __init__(self, modules: Iterable[Module], imports: Iterable[Import]) -> None:
        self._modules: dict[str, Module] = {m.name: m for m in modules}
        # Invariant: every inner dict iterates in sorted order (the imports arrive sorted, and
        # ``collapsed`` re-sorts), so traversals are deterministic without sorting each step.
        # ``_pred`` maps to insertion-ordered sets (dicts of None).
        self._succ: dict[str, dict[str, list[Import]]] = {name: {} for name in self._modules}
        self._pred: dict[str, dict[str, None]] = {name: {} for name in self._modules}
        self._children: dict[str, list[str]] | None = None
        self._sorted: list[str] | None = None
        self._internal: list[str] | None = None
        self._kinds_present: set[ImportKind] = set()
        self._count = 0
        ordered = sorted(set(imports))  # named tuples: ordered by their fields, in C
        self._insert([list(row) for _, row in groupby(ordered, key=itemgetter(0))])

    @classmethod
    def from_rows(cls, modules: Iterable[Module], rows: Iterable[list[Import]]) -> ImportGraph:
        """The graph of ``modules`` with the imports in ``rows``: one list per importer, each
        sorted, the importers in sorted order (what ``resolve`` builds: sorting each file's
        imports costs less than sorting all of them at once); duplicates (one statement naming
        several attributes of one module) are dropped."""
        graph = cls(modules, ())
        graph._insert(rows)
        return graph

    def _insert(self, rows: Iterable[list[Import]]) -> None:
        """Add the imports of ``rows``: one non-empty sorted list per importer (so equal
        imports are next to each other), importers in sorted order."""
        succ, pred, kinds = self._succ, self._pred, self._kinds_present
        count = self._count
        for row in rows:
            importer = row[0][0]
            targets = succ.get(importer)
            if targets is None:
                targets = succ[importer] = {}
                pred.setdefault(importer, {})
            last = None
            for imp in row:
                if imp == last:
                    continue
                last = imp
                imported = imp[1]
                if imported == importer:
                    continue
                count += 1
                kinds.add(imp[5])
                edge = targets.get(imported)
                if edge is not None:
                    edge.append(imp)
                    continue
                targets[imported] = [imp]
                importers = pred.get(imported)
                if importers is None:
                    pred[imported] = {importer: None}
                    succ.setdefault(imported, {})
                else:
                    importers[importer] = None
        self._count = count

    # -- modules -----------------------------------------------------------------------------

    @property
    def modules(self) -> list[str]:
        return sorted(self._modules)

    def module(self, name: str) -> Module:
        return self._modules[name]

    def modules_info(self) -> list[Module]:
        return sorted(self._modules.values())

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def internal_modules(self) -> list[str]:
        if self._internal is None:
            self._internal = sorted(n for n, m in self._modules.items() if not m.external)
        return list(self._internal)

    def external_modules(self) -> list[str]:
        return sorted(n for n, m in self._modules.items() if m.external)

    def children(self, name: str) -> list[str]:
        if self._children is None:
            children: dict[str, list[str]] = {}
            for module in self._modules:
                parent, _, _ = module.rpartition(".")
                if parent:
                    children.setdefault(parent, []).append(module)
            self._children = {k: sorted(v) for k, v in children.items()}
        return list(self._children.get(name, ()))

    def descendants(self, name: str) -> list[str]:
        prefix = name + "."
        return sorted(m for m in self._modules if m.startswith(prefix))

    def members(self, names: Iterable[str]) -> set[str]:
        """The given modules and all their descendants."""
        if self._sorted is None:
            self._sorted = sorted(self._modules)
        ordered = self._sorted
        found = set()
        for name in set(names):
            if name in self._modules:
                found.add(name)
            # every name that starts with "name." sorts in ["name.", "name/"): "/" follows "."
            found.update(
                ordered[bisect_left(ordered, name + ".") : bisect_left(ordered, name + "/")]
            )
        return found

    # -- imports -----------------------------------------------------------------------------

    def imports(self) -> Iterator[Import]:
        for importer in sorted(self._succ):
            for edge in self._succ[importer].values():
                yield from edge

    def _kinds(self) -> set[ImportKind]:
        return self._kinds_present

    def count_imports(self) -> int:
        return self._count

    def imported_by(self, name: str) -> list[str]:
        """Modules that ``name`` imports directly."""
        return list(self._succ.get(name, ()))

    def importers_of(self, name: str) -> list[str]:
        """Modules that import ``name`` directly."""
        return list(self._pred.get(name, ()))

    def direct_imports(self, importer: str, imported: str) -> list[Import]:
        """Every import statement that makes the edge, sorted by position."""
        return list(self._succ.get(importer, {}).get(imported, ()))

    def link(self, importer: str, imported: str) -> Import:
        """The first import statement of an edge, the one a report points at."""
        return self._succ[importer][imported][0]

    def has_edge(self, importer: str, imported: str) -> bool:
        return imported in self._succ.get(importer, {})

    # -- views -------------------------------------------------------------------------------

    def filtered(
        self, kinds: Collection[ImportKind], drop: Callable[[Import], bool] | None = None
    ) -> ImportGraph:
        """A graph with the same modules and only the imports of ``kinds`` that ``drop`` keeps
        (this graph itself when that is every import: graphs are never changed in place)."""
        if drop is None and self._kinds() <= set(kinds):
            return self
        keep = [
            imp for imp in self.imports() if imp.kind in kinds and (drop is None or not drop(imp))
        ]
        return ImportGraph(self._modules.values(), keep)

    def collapsed(self, units: Callable[[str], str | None]) -> ImportGraph:
        """Squash modules into units (``units(name)`` gives the unit or None to leave it out).

        Each edge between two different units keeps the underlying imports, whose importer and
        imported are the real modules, so chains still point at real lines.
        """
        mapping = {name: units(name) for name in self._modules}
        names = sorted({u for u in mapping.values() if u is not None})
        graph = ImportGraph((Module(n) for n in names), ())
        for imp in self.imports():
            a, b = mapping[imp.importer], mapping[imp.imported]
            if a is None or b is None or a == b:
                continue
            graph._succ[a].setdefault(b, []).append(imp)
            graph._pred[b][a] = None
            graph._count += 1
            graph._kinds_present.add(imp.kind)
        graph._succ = {a: dict(sorted(row.items())) for a, row in graph._succ.items()}
        graph._pred = {b: dict.fromkeys(sorted(row)) for b, row in graph._pred.items()}
        return graph

    # -- paths -------------------------------------------------------------------------------

    def shortest_chain(
        self, sources: Collection[str], targets: Collection[str], avoid: Collection[str] = ()
    ) -> Chain | None:
        """The shortest chain from any source to any target (intermediates never in ``avoid``)."""
        found = self.chains_between(sources, targets, avoid)
        return min(found, key=len) if found else None

    def chains_between(
        self,
        sources: Collection[str],
        targets: Collection[str],
        avoid: Collection[str] = (),
    ) -> list[Chain]:
        """Shortest import chains from sources to targets.

        Intermediate modules are never sources, targets or in ``avoid``: a chain through them
        is the concern of the pair that starts or ends there. For each source, every target
        reached first through one of its direct imports gets its shortest such chain.
        ``sources`` and ``targets`` must not overlap. Sorted, deterministic.
        """
        target_set = set(targets)
        next_hop = self.hops_towards(target_set, set(sources) | target_set | set(avoid))
        chains: list[Chain] = []
        for source in sorted(sources):
            best: dict[str, list[str]] = {}
            for succ in self._succ.get(source, ()):
                path = self.path_through(source, succ, target_set, next_hop)
                if path is not None and (path[-1] not in best or len(path) < len(best[path[-1]])):
                    best[path[-1]] = path
            for end in sorted(best):
                chains.append(self.chain_of(best[end]))
        return chains

    def hops_towards(self, targets: Collection[str], blocked: Collection[str]) -> dict[str, str]:
        """For every module that reaches a target through modules not ``blocked`` (nor
        targets): the next module on a shortest way there (a reverse breadth-first search
        from the targets, in sorted order, so the answer is deterministic)."""
        next_hop: dict[str, str] = {}
        queue: deque[str] = deque()
        for target in sorted(targets):
            for pred in self._pred.get(target, ()):
                if pred not in blocked and pred not in next_hop:
                    next_hop[pred] = target
                    queue.append(pred)
        while queue:
            node = queue.popleft()
            for pred in self._pred.get(node, ()):
                if pred not in blocked and pred not in next_hop:
                    next_hop[pred] = node
                    queue.append(pred)
        return next_hop

    @staticmethod
    def path_through(
        source: str, succ: str, targets: Collection[str], next_hop: Mapping[str, str]
    ) -> list[str] | None:
        """The modules from ``source`` through its direct import ``succ`` to a target, following
        ``next_hop`` (from ``hops_towards``); None if ``succ`` leads to none."""
        if succ in targets:
            return [source, succ]
        if succ not in next_hop:
            return None
        path = [source, succ]
        while path[-1] not in targets:
            path.append(next_hop[path[-1]])
        return path

    def chain_of(self, path: list[str]) -> Chain:
        return tuple(self.link(a, b) for a, b in pairwise(path))

    # -- algorithms (networkx) ---------------------------------------------------------------

    def to_networkx(self) -> nx.DiGraph[str]:
        import networkx as nx

        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(sorted(self._modules))
        graph.add_edges_from((a, b) for a in sorted(self._succ) for b in self._succ[a])
        return graph

    def strongly_connected_components(self) -> list[list[str]]:
        """Groups of two or more modules that import each other, each sorted, largest first."""
        import networkx as nx

        groups = [sorted(c) for c in nx.strongly_connected_components(self.to_networkx())]
        return sorted((g for g in groups if len(g) > 1), key=lambda g: (-len(g), g))

    def shortest_cycle(self, start: str, within: Collection[str]) -> list[str]:
        """A shortest cycle through ``start`` inside ``within``, as modules from start to start."""
        allowed = set(within)
        parents: dict[str, str] = {}
        queue: deque[str] = deque([start])
        seen = {start}
        while queue:
            node = queue.popleft()
            for succ in self._succ.get(node, ()):
                if succ == start:
                    path = [succ, node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return path[::-1]
                if succ in allowed and succ not in seen:
                    seen.add(succ)
                    parents[succ] = node
                    queue.append(succ)
        return []

    def feedback_edges(self, group: Collection[str]) -> list[tuple[str, str]]:
        """A small set of edges whose removal makes ``group`` acyclic (Eades-Lin-Smyth greedy)."""
        nodes = set(group)
        succ = {n: {s for s in self._succ.get(n, ()) if s in nodes} for n in nodes}
        pred = {n: {p for p in self._pred.get(n, ()) if p in nodes} for n in nodes}
        left: list[str] = []
        right: list[str] = []
        remaining = set(nodes)

        def remove(node: str) -> None:
            remaining.discard(node)
            for s in succ[node]:
                pred[s].discard(node)
            for p in pred[node]:
                succ[p].discard(node)

        while remaining:
            changed = True
            while changed:
                changed = False
                for node in sorted(n for n in remaining if not succ[n]):
                    right.append(node)
                    remove(node)
                    changed = True
                for node in sorted(n for n in remaining if not pred[n]):
                    left.append(node)
                    remove(node)
                    changed = True
            if remaining:
                node = max(sorted(remaining), key=lambda n: len(succ[n]) - len(pred[n]))
                left.append(node)
                remove(node)
        order = {node: index for index, node in enumerate(left + right[::-1])}
        return sorted(
            (a, b)
            for a in nodes
            for b in self._succ.get(a, ())
            if b in nodes and order[b] < order[a]
        )
