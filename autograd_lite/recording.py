"""A graph recorded for ``compile_graph``: rows, operands and labels, frozen; and its replay.

The recording keeps what the generated code needs (each node's row, constant, operands
and label, each leaf's label and, for a constant, its number) and nothing that would
keep the live graph alive. ``replay`` rebuilds the graph from it with new numbers through
the engine itself (``apply`` and ``backward()``): a program that meets a domain error, an
overflow or a non-finite gradient replays, so it raises exactly what the engine raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .engine import _MADE_WITHOUT_GRAPH, Value, allow_nonfinite
from .errors import ArgumentError, ArgumentTypeError, NoGraphError
from .extend import apply
from .graph_order import topological_order
from .ops import Op


@dataclass(frozen=True, slots=True)
class Node:
    """One operation: its row, its constant, its operands (``>= 0`` a node, ``< 0`` leaf ``~i``)."""

    op: Op
    constant: float | None
    operands: tuple[int, ...]
    label: str
    data: float
    """Its number at record time (for the source's comments)."""


@dataclass(frozen=True, slots=True)
class Leaf:
    label: str
    data: float
    input: int | None
    """Its position in ``inputs``, or ``None`` for a constant of the program."""


@dataclass(frozen=True)
class Recording:
    """A graph in the order ``backward()`` walks it: ``nodes`` each after its operands."""

    leaves: tuple[Leaf, ...]
    nodes: tuple[Node, ...]
    inputs: tuple[int, ...]
    """The leaf index of each input, in the order of ``inputs``."""
    root: int
    """The root: a node index, or ``~leaf`` when the root is itself a leaf."""
    grads_for: int = 0
    """How many inputs, from the first, get a gradient (``nn.fit``'s data needs none)."""
    watched: tuple[int, ...] = ()
    """Nodes (or ``~leaf``) whose numbers a call also returns (``nn.fit``'s predictions)."""

    def ref(self, r: int) -> Leaf | Node:
        return self.nodes[r] if r >= 0 else self.leaves[~r]


def _shown(v: object) -> str:
    if isinstance(v, Value):
        return f"Value {v.label!r}" if v.label else f"Value(data={v.data!r})"
    return f"{type(v).__name__} ({v!r})"[:80]


def record(
    root: Value,
    inputs: Sequence[Value],
    grads_for: int | None = None,
    watch: Sequence[Value] = (),
) -> Recording:
    """Record the graph under ``root``; ``inputs`` must be distinct leaves of it."""
    if not isinstance(root, Value):
        raise ArgumentTypeError(f"compile_graph: root must be a Value, got {_shown(root)}")
    if root.constant is _MADE_WITHOUT_GRAPH:
        raise NoGraphError(
            f"compile_graph: {_shown(root)} was computed inside no_grad(), so it has no graph "
            "to record; compute it outside no_grad()"
        )
    if isinstance(inputs, Value) or not isinstance(inputs, Sequence) or isinstance(inputs, str):
        raise ArgumentTypeError(
            f"compile_graph: inputs must be a list of Values (the leaves that change between "
            f"calls), got {_shown(inputs)}"
        )
    position: dict[int, int] = {}
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise ArgumentTypeError(f"compile_graph: inputs[{i}] is {_shown(x)}, not a Value")
        if x.parents:
            raise ArgumentError(
                f"compile_graph: inputs[{i}] ({_shown(x)}) is computed by {x.op.name}, not a "
                "leaf; inputs are the leaves that change between calls (parameters, data)"
            )
        if id(x) in position:
            raise ArgumentError(
                f"compile_graph: inputs[{i}] ({_shown(x)}) is inputs[{position[id(x)]}] again; "
                "give each leaf once"
            )
        position[id(x)] = i
    index: dict[int, int] = {}
    leaves: list[Leaf] = []
    nodes: list[Node] = []
    position_of = index.__getitem__
    for v in topological_order(root):
        if v.op is not None:  # an operation's node (``parents`` builds a tuple: read it once)
            refs = tuple(map(position_of, map(id, v.parents)))
            nodes.append(Node(v.op, v.constant, refs, v.label, v.data))
            index[id(v)] = len(nodes) - 1
        else:
            leaves.append(Leaf(v.label, v.data, position.get(id(v))))
            index[id(v)] = ~(len(leaves) - 1)
    by_input = [0] * len(inputs)
    found = [False] * len(inputs)
    for i, leaf in enumerate(leaves):
        if leaf.input is not None:
            by_input[leaf.input], found[leaf.input] = i, True
    for i, ok in enumerate(found):
        if not ok:
            raise ArgumentError(
                f"compile_graph: inputs[{i}] ({_shown(inputs[i])}) is not in the graph under "
                "root: nothing computed from it reaches the root"
            )
    if grads_for is None:
        grads_for = len(inputs)
    if (
        isinstance(grads_for, bool)
        or not isinstance(grads_for, int)
        or not 0 <= grads_for <= len(inputs)
    ):
        raise ArgumentError(
            f"compile_graph: grads_for must be an int from 0 to {len(inputs)}, got {grads_for!r}"
        )
    watched = []
    for i, w in enumerate(watch):
        if not isinstance(w, Value) or id(w) not in index:
            raise ArgumentError(f"compile_graph: watch[{i}] ({_shown(w)}) is not in the graph")
        watched.append(index[id(w)])
    return Recording(
        tuple(leaves), tuple(nodes), tuple(by_input), index[id(root)], grads_for, tuple(watched)
    )


def rebuild(rec: Recording, values: Sequence[float]) -> tuple[Value, list[Value], list[Value]]:
    """The graph again, through the engine, with ``values`` for the inputs.

    Returns the root, the input leaves and the watched Values.
    """
    with allow_nonfinite():  # a leaf is what it is (a weight SGD drove to inf): the ops judge
        leaves = [
            Value(leaf.data if leaf.input is None else values[leaf.input], leaf.label)
            for leaf in rec.leaves
        ]
    made: list[Value] = []
    for node in rec.nodes:
        parents = [made[r] if r >= 0 else leaves[~r] for r in node.operands]
        if node.op.has_constant:
            v = apply(node.op, *parents, constant=node.constant)
        else:
            v = apply(node.op, *parents)
        v.label = node.label
        made.append(v)

    def get(r: int) -> Value:
        return made[r] if r >= 0 else leaves[~r]

    return get(rec.root), [leaves[i] for i in rec.inputs], [get(r) for r in rec.watched]


def replay(rec: Recording, values: Sequence[float]) -> tuple[float, tuple, tuple]:
    """The engine's own forward pass and ``backward()`` on the recorded graph: its errors too.

    Returns the root's number, the gradients (of the first ``grads_for`` inputs) and the
    watched numbers.
    """
    root, leaves, watched = rebuild(rec, values)
    root.backward()
    grads = tuple(leaf.grad for leaf in leaves[: rec.grads_for])
    return root.data, grads, tuple(w.data for w in watched)
