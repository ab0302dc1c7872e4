"""Copies of one subgraph (a batch's examples): found so a program compiles each shape once.

A batch's graph is many copies of one example's graph over shared parameters. An
*instance* is a node together with every operation below it, when none of those
operations is used outside (only the node's result leaves it) and they are contiguous in
``backward()``'s order; instances with the same rows, constants, wiring and pattern of
leaves are copies of one *template*. Consecutive copies form a *run*: the program
computes a run with one loop over its copies, in the engine's order, so compile time and
memory grow with the model, not with the batch. Each leaf slot of a template is either
*shared* (the same leaf in every copy: a parameter) or *private* (a leaf only that copy
uses: its data).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .recording import Recording

MIN_GRAPH_EDGES = 3000
"""Graphs of fewer operands in all stay one straight line: the most readable program."""
MIN_INSTANCE_NODES = 16


MAX_KINDS = 4
"""Templates one run may mix (a batch whose loss branches on a label has two)."""


@dataclass(frozen=True)
class Template:
    """One shape of copy: its first copy's span and leaf slots, and which slots are shared."""

    span: tuple[int, int]
    slots: tuple[int, ...]
    """The first copy's leaf of each slot, in the order the template first uses them."""
    shared: tuple[bool, ...]
    """Per slot: the same leaf in every copy (True) or a leaf of that copy alone."""


@dataclass(frozen=True)
class Run:
    """Consecutive copies: node ranges ``(start, end)``, both included, each of a template."""

    spans: tuple[tuple[int, int], ...]
    kinds: tuple[int, ...]
    """Per copy, its template's index in ``templates``."""
    templates: tuple[Template, ...]
    private: tuple[tuple[int, ...], ...]
    """Per copy, the leaves of its private slots, in slot order."""
    shared: tuple[int, ...]
    """The shared leaves of all the templates, in order of first use."""
    gaps: tuple[int, ...] = ()
    """Nodes between copies that only read the copies' roots (a loss's head over each copy):
    computed after the loop, and their gradients before it."""

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


@dataclass(frozen=True)
class _Shapes:
    """Per node: where its operations below start, its last use, its shape; per shape, a count."""

    start: list[int]
    last_use: list[int]
    shape: list[int]
    count: list[int]
    leaf_first: list[int]
    leaf_last: list[int]


def _shapes(rec: Recording) -> _Shapes:
    nodes = rec.nodes
    n, n_leaves = len(nodes), len(rec.leaves)
    last_use = list(range(n)) + [-1] * n_leaves  # a leaf's ref (~i < 0) lands in the tail
    first_use = [n] * (n + n_leaves)
    start = list(range(n)) + [n + 1] * n_leaves
    shape = [0] * n + [-1] * n_leaves
    shapes: dict[tuple, int] = {}
    for j, node in enumerate(nodes):
        refs = node.operands
        for r in refs:
            last_use[r] = j
        first = min(map(start.__getitem__, refs))
        if first < j:
            start[j] = first
        key = (id(node.op), node.constant, tuple(map(shape.__getitem__, refs)))
        shape[j] = shapes.setdefault(key, len(shapes))
    for j in range(n - 1, -1, -1):
        for r in nodes[j].operands:
            first_use[r] = j
    count = [0] * len(shapes)
    for s in shape[:n]:
        count[s] += 1
    leaf_first = [first_use[~i] for i in range(n_leaves)]
    leaf_last = [last_use[~i] for i in range(n_leaves)]
    return _Shapes(start, last_use, shape, count, leaf_first, leaf_last)


def _spans(rec: Recording, sh: _Shapes, descend: bool = False) -> list[tuple[int, int]]:
    """Candidate copies (node ranges), from the root down.

    With ``descend``, a node over a chain of one-operand steps to a shape more nodes share
    (relu(1 - s) and relu(1 + s) over the same s) is passed over for that shape.
    """
    nodes, start, last_use, shape, count = rec.nodes, sh.start, sh.last_use, sh.shape, sh.count
    found = []
    j = len(nodes) - 1
    while j >= 0:
        s = start[j]
        if descend and count[shape[j]] >= 2 and _over_commoner(nodes, j, shape, count):
            j -= 1
            continue
        if count[shape[j]] >= 2 and j - s + 1 >= MIN_INSTANCE_NODES and max(last_use[s:j]) <= j:
            found.append((s, j))
            j = s - 1
        else:
            j -= 1
    found.reverse()
    return found


def _over_commoner(nodes, j: int, shape: list[int], count: list[int]) -> bool:
    c = j
    for _ in range(8):
        inner = [r for r in nodes[c].operands if r >= 0]
        if len(inner) != 1:
            return False
        c = inner[0]
        if count[shape[c]] > count[shape[j]]:
            return True
    return False


def find_runs(rec: Recording) -> list[Run]:
    """The runs of a large graph, in order; none for a graph of under ``MIN_GRAPH_EDGES``.

    A copy's wiring is read with its own nodes renumbered from 0 and its private leaves
    (used by no node outside it) numbered in the order the graph reached them: two copies
    of one template then read the same, shared leaves included.
    """
    if sum(len(node.operands) for node in rec.nodes) < MIN_GRAPH_EDGES:
        return []
    sh = _shapes(rec)
    spans, deeper_spans = _spans(rec, sh), _spans(rec, sh, descend=True)
    if deeper_spans != spans:  # heads over a shared shape: loop over that shape if it covers
        deeper = _runs(rec, sh, deeper_spans)
        gaps = sum(len(run.gaps) for run in deeper)
        if _covered(deeper) + gaps >= 0.9 * sum(e - s + 1 for s, e in spans):
            return deeper
    return _runs(rec, sh, spans)


def _covered(runs: list[Run]) -> int:
    return sum(e - s + 1 for run in runs for s, e in run.spans)


def _gap_ok(rec: Recording, gap: range, roots: set[int], leaf_first, leaf_last) -> bool:
    """Whether nodes between copies read only copies' roots, each other and leaves of their own."""
    if len(gap) > 8:
        return False
    for g in gap:
        for r in rec.nodes[g].operands:
            if r >= 0:
                if r not in roots and r not in gap and r < gap.start:
                    return False
                if r >= gap.start and r not in gap:
                    return False
            elif not (gap.start <= leaf_first[~r] and leaf_last[~r] < gap.stop):
                return False
    return True


def _runs(rec: Recording, sh: _Shapes, spans: list[tuple[int, int]]) -> list[Run]:
    leaf_first, leaf_last = sh.leaf_first, sh.leaf_last
    n, n_leaves = len(rec.nodes), len(rec.leaves)
    owner = {}  # leaf -> the copy it is private to
    starts = [s for s, _ in spans]
    for i in range(n_leaves):
        k = bisect_right(starts, leaf_first[i]) - 1
        if k >= 0 and leaf_last[i] <= spans[k][1]:
            owner.setdefault(k, []).append(i)
    remap = list(range(n)) + [~i for i in range(n_leaves - 1, -1, -1)]
    groups: list[list] = []
    gaps: list[list[int]] = []
    roots: set[int] = set()  # the last group's copies' roots
    seen: set[tuple] = set()  # the templates of the last group
    for k, (s, e) in enumerate(spans):
        own = owner.get(k, [])
        for q, i in enumerate(own):
            remap[~i] = ~(n_leaves + q)
        remap[s : e + 1] = range(e - s + 1)
        get = remap.__getitem__
        wiring = tuple(
            (id(node.op), _exact(node.constant), tuple(map(get, node.operands)))
            for node in rec.nodes[s : e + 1]
        )
        for i in own:
            remap[~i] = ~i
        group = groups[-1] if groups else None
        gap = range(group[-1][0][1] + 1, s) if group else range(0)
        if (
            group
            and (not gap or _gap_ok(rec, gap, roots, leaf_first, leaf_last))
            and (wiring in seen or len(seen) < MAX_KINDS)
        ):
            group.append(((s, e), wiring, own))
            gaps[-1] += gap
        else:
            groups.append([((s, e), wiring, own)])
            gaps.append([])
            seen, roots = set(), set()
        seen.add(wiring)
        roots.add(e)
    return [_run(g, n_leaves, gap) for g, gap in zip(groups, gaps) if len(g) >= 2]


def _run(group: list, n_leaves: int, gaps: list[int]) -> Run:
    wirings: dict[tuple, int] = {}
    templates: list[Template] = []
    picks: list[list[int]] = []
    for span, wiring, own in group:
        if wiring in wirings:
            continue
        wirings[wiring] = len(templates)
        order = dict.fromkeys(r for _, _, refs in wiring for r in refs if r < 0)
        slots = tuple(~r if ~r < n_leaves else own[~r - n_leaves] for r in order)
        shared = tuple(~r < n_leaves for r in order)
        templates.append(Template(span, slots, shared))
        picks.append([~r - n_leaves for r in order if ~r >= n_leaves])
    kinds = tuple(wirings[wiring] for _, wiring, _ in group)
    private = tuple(tuple(own[q] for q in picks[k]) for k, (_, _, own) in zip(kinds, group))
    shared_leaves = dict.fromkeys(
        leaf for t in templates for leaf, s in zip(t.slots, t.shared) if s
    )
    spans = tuple(span for span, _, _ in group)
    return Run(spans, kinds, tuple(templates), private, tuple(shared_leaves), tuple(gaps))


def _exact(k: object) -> object:
    """A constant as a key that tells 2 from 2.0 and 0.0 from -0.0."""
    return k.hex() if type(k) is float else k
