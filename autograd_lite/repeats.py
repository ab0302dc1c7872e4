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

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


def _spans(rec: Recording) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Candidate copies (node ranges) from the root down; each leaf's first and last use."""
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
    found = []
    j = n - 1
    while j >= 0:
        s = start[j]
        if count[shape[j]] >= 2 and j - s + 1 >= MIN_INSTANCE_NODES and max(last_use[s:j]) <= j:
            found.append((s, j))
            j = s - 1
        else:
            j -= 1
    found.reverse()
    leaf_first = [first_use[~i] for i in range(n_leaves)]
    leaf_last = [last_use[~i] for i in range(n_leaves)]
    return found, leaf_first, leaf_last


def find_runs(rec: Recording) -> list[Run]:
    """The runs of a large graph, in order; none for a graph of under ``MIN_GRAPH_EDGES``.

    A copy's wiring is read with its own nodes renumbered from 0 and its private leaves
    (used by no node outside it) numbered in the order the graph reached them: two copies
    of one template then read the same, shared leaves included.
    """
    if sum(len(node.operands) for node in rec.nodes) < MIN_GRAPH_EDGES:
        return []
    spans, leaf_first, leaf_last = _spans(rec)
    n, n_leaves = len(rec.nodes), len(rec.leaves)
    owner = {}  # leaf -> the copy it is private to
    starts = [s for s, _ in spans]
    for i in range(n_leaves):
        k = bisect_right(starts, leaf_first[i]) - 1
        if k >= 0 and leaf_last[i] <= spans[k][1]:
            owner.setdefault(k, []).append(i)
    remap = list(range(n)) + [~i for i in range(n_leaves - 1, -1, -1)]
    groups: list[list] = []
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
        if group and group[-1][0][1] + 1 == s and (wiring in seen or len(seen) < MAX_KINDS):
            group.append(((s, e), wiring, own))
        else:
            groups.append([((s, e), wiring, own)])
            seen = set()
        seen.add(wiring)
    return [_run(group, n_leaves) for group in groups if len(group) >= 2]


def _run(group: list, n_leaves: int) -> Run:
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
    return Run(
        tuple(span for span, _, _ in group), kinds, tuple(templates), private, tuple(shared_leaves)
    )


def _exact(k: object) -> object:
    """A constant as a key that tells 2 from 2.0 and 0.0 from -0.0."""
    return k.hex() if type(k) is float else k
