"""Draw a graph of Values with Graphviz: one record per Value, one small node per operation.

The only module that touches ``graphviz``, and only when a drawing is asked for, so
``import autograd_lite`` works without it. Node ids are the tracer's (``node_names``):
a Value's record has the id ``X1`` (SVG ``<g id="X1">``), the operation that made it
``X1~op``, the edge from the operation ``X1~out`` and the edge from its i-th operand
``X1~in<i>``, so a step of a trace names the shapes that show it.

Drawings are laid out to fit a page or a notebook cell: a record stacks its name, data
and grad; a graph that would come out wider than tall is drawn top to bottom; text is
``FONT_SIZE`` units, so shrunk to fit it stays at least ``MIN_TEXT_PX`` CSS pixels down
to the scale ``min_scale()``. ``group="layer"`` draws one box per neuron (``grouping``).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import Value
from .errors import (
    ArgumentError,
    ArgumentTypeError,
    DotNotFoundError,
    GraphTooLargeError,
)
from .fit import FONT_SIZE, drawing_class
from .graph_order import topological_order
from .grouping import Neuron, check_group, find_neurons, hidden_by
from .ids import in_edge_id, op_id, out_edge_id, step_edges
from .naming import NodeName, check_digits, format_number
from .render_labels import (
    FLAT_COLOR,
    HIGHLIGHT_FILL,
    HIGHLIGHT_LINE,
    HIGHLIGHT_PARENT_FILL,
    flat_text,
    neuron_box,
    notes_by_id,
    value_record,
)
from .trace import BackwardStep, Contribution, ForwardStep, Trace, snapshot

if TYPE_CHECKING:
    import graphviz

INSTALL_GRAPHVIZ = """\
drawing needs Graphviz's `dot` program, which is not on PATH (the Python package \
`graphviz` only calls it). Install Graphviz, then try again:
    sudo apt-get install graphviz           # Debian, Ubuntu
    brew install graphviz                   # macOS
    conda install -c conda-forge graphviz   # conda"""

_RANKDIRS = ("auto", "LR", "RL", "TB", "BT")
__all__ = [
    "HIGHLIGHT_FILL",
    "HIGHLIGHT_LINE",
    "DotNotFoundError",
    "GraphTooLargeError",
    "draw",
    "require_dot",
    "save_svg",
]


def require_dot() -> str:
    """The path of Graphviz's ``dot``, or a ``DotNotFoundError`` saying what to install."""
    path = shutil.which("dot")
    if path is None:
        raise DotNotFoundError(INSTALL_GRAPHVIZ)
    return path


def draw(
    subject: Trace | Value,
    *,
    rankdir: str = "auto",
    show_grad: bool = True,
    show_local: bool = True,
    highlight: object = None,
    digits: int = 4,
    max_nodes: int = 500,
    group: str | None = None,
    notes: Mapping[str, str] | None = None,
) -> graphviz.Digraph:
    """The graph of a trace (or of a Value, explained first) as a ``graphviz.Digraph``.

    Each Value is a record (name, data and grad stacked); each operation is a small node
    between its operands and its result, an n-ary ``dot``/``vsum`` being one. With
    ``show_local`` the edge from an operand is labelled with the local derivative of the
    result with respect to it, as the trace recorded it from the operation table; a flat
    edge (local derivative 0 or below ``trace.FLAT_BELOW``) is dashed and its result
    marked ``⚠ flat``. ``highlight`` takes a step of a trace (``ForwardStep``,
    ``BackwardStep``, ``Contribution``), a node's name or id, or (when drawing a Value) a
    Value, and marks the node being processed and the edges it uses. ``rankdir="auto"``
    draws left to right unless that comes out wider than tall, then top to bottom.
    ``group="layer"`` draws each neuron (a ``dot`` and its activation, see ``grouping``)
    as one box with its weights and bias, and ``max_nodes`` counts the boxes drawn.
    ``notes`` maps a node's name to a short text shown in its record. In Jupyter the
    drawing scales to the cell's width, its text never under ``MIN_TEXT_PX`` pixels (it
    scrolls instead). The drawing reads only the trace's records: no Value is read after
    the snapshot, or ever written.
    """
    if rankdir not in _RANKDIRS:
        raise ArgumentError(f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    check_digits(digits)
    group = check_group(group)
    trace, names = _as_trace(subject, max_nodes if group is None else None)
    neurons = find_neurons(trace) if group else []
    shown_as = hidden_by(neurons)
    if group:
        _check_size(sum(n.node_id not in shown_as for n in trace.nodes) + len(neurons), max_nodes)
    noted = notes_by_id(trace, notes)
    require_dot()

    steps = {s.node_id: s for s in trace.forward}
    marked = _highlighted(highlight, trace, steps, names)
    marked_nodes, marked_parents, marked_edges = (
        {_shown(i, shown_as) for i in ids} for ids in marked
    )
    graph = drawing_class()(
        name=trace.root_id,
        graph_attr={"rankdir": "LR", "id": "autograd-lite-graph", "nodesep": "0.2"},
        node_attr={"fontname": "Helvetica", "fontsize": str(FONT_SIZE)},
        edge_attr={"fontname": "Helvetica", "fontsize": str(FONT_SIZE), "arrowsize": "0.6"},
    )
    graph.slots, graph.digits, graph.show_local = {}, digits, show_local
    nodes = {n.node_id: n for n in trace.nodes}
    boxes = {n.box_id: n for n in neurons}
    clusters: dict[int, Any] = {}
    for node in trace.nodes:
        node_id = node.node_id
        fill = _fill(node_id, marked_nodes, marked_parents)
        if node_id in boxes:
            neuron = boxes[node_id]
            label, plan = neuron_box(
                neuron, nodes, steps, show_grad=show_grad, digits=digits, fill=fill, notes=noted
            )
            _layer(graph, clusters, neuron).node(node_id, label=label, shape="plain", id=node_id)
            graph.slots[node_id] = plan
            # each input straight into the box, unlabelled: d sum/d input is its weight, shown
            for position, operand in neuron.inputs:
                operand_edge(
                    graph,
                    steps[neuron.sum_id],
                    position,
                    operand,
                    node_id,
                    marked_edges,
                    label=False,
                )
            continue
        if node_id in shown_as:
            continue
        step = steps.get(node_id)
        label, plan = value_record(
            node,
            show_grad=show_grad,
            digits=digits,
            fill=fill,
            flat=flat_text(step, digits),
            note=noted.get(node_id),
        )
        graph.node(node_id, label=label, shape="plain", id=node_id)
        graph.slots[node_id] = plan
        if step is not None:
            add_operation(graph, step, op_id(node_id) in marked_nodes, digits)
            add_edges(graph, step, marked_edges)
    for _, cluster in sorted(clusters.items()):
        graph.subgraph(cluster)
    if rankdir == "auto":
        rankdir = "TB" if _wider_than_tall(graph) else "LR"
    graph.graph_attr["rankdir"] = rankdir
    return graph


def add_operation(
    graph: graphviz.Digraph, step: ForwardStep, marked: bool, digits: int, node_id: str = ""
) -> None:
    """The small node of a step's operation (``*``, ``σ``, ``0.5*·``)."""
    text = step.operation_text(digits)
    graph.node(
        node_id or op_id(step.node_id),
        label=text,
        id=node_id or op_id(step.node_id),
        shape="circle" if len(text) <= 2 else "ellipse",
        width="0.3",
        height="0.3",
        margin="0.02",
        style="filled",
        fillcolor=HIGHLIGHT_FILL if marked else "#eeeeee",
        color=HIGHLIGHT_LINE if marked else "black",
    )


def add_edges(
    graph: graphviz.Digraph, step: ForwardStep, marked_edges: set[str], name: Any = str
) -> None:
    """The edges of a step: operation to result, and each operand to the operation.

    ``name`` turns an id into the element's id (the page's expanded neurons prefix them).
    """
    node_id = step.node_id
    out = out_edge_id(node_id)
    graph.edge(name(op_id(node_id)), name(node_id), id=name(out), **_edge_style(out, marked_edges))
    for position, operand in enumerate(step.operand_ids):
        operand_edge(graph, step, position, name(operand), name(op_id(node_id)), marked_edges, name)


def operand_edge(
    graph: graphviz.Digraph,
    step: ForwardStep,
    position: int,
    tail: str,
    head: str,
    marked_edges: set[str],
    name: Any = str,
    *,
    label: bool = True,
) -> None:
    """The edge from a step's operand, labelled with the local derivative, dashed if flat."""
    edge_id = in_edge_id(step.node_id, position)
    style = _edge_style(edge_id, marked_edges)
    local = step.local[position]
    if step.flat[position]:
        style.setdefault("color", FLAT_COLOR)
        style["style"] = "dashed"
    if graph.show_local and label:
        style["label"] = "?" if local is None else format_number(local, graph.digits)
        graph.slots[name(edge_id)] = [("local", edge_id, "")]
    graph.edge(tail, head, id=name(edge_id), **style)


def save_svg(subject: Trace | Value, path: str | Path, **options: object) -> Path:
    """Draw a trace or a Value's graph (``options`` as for ``draw``) and write it as SVG."""
    import graphviz

    graph = draw(subject, **options)
    try:
        svg = graph.pipe(format="svg")
    except graphviz.ExecutableNotFound:
        raise DotNotFoundError(INSTALL_GRAPHVIZ) from None
    path = Path(path)
    path.write_bytes(svg)
    return path


def _wider_than_tall(graph: graphviz.Digraph) -> bool:
    import graphviz

    try:
        plain = graph.pipe(format="plain", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise DotNotFoundError(INSTALL_GRAPHVIZ) from None
    _, _, width, height = plain.split("\n", 1)[0].split()[:4]
    return float(width) > float(height)


def _layer(graph: graphviz.Digraph, clusters: dict[int, Any], neuron: Neuron) -> Any:
    """The cluster of the neuron's layer, made on first use (``graph.subgraph`` adds it last)."""
    import graphviz

    if neuron.layer not in clusters:
        clusters[neuron.layer] = graphviz.Digraph(
            name=f"cluster_layer{neuron.layer}",
            graph_attr={
                "label": f"layer {neuron.layer}",
                "id": f"layer{neuron.layer}",
                "style": "rounded,dashed",
                "color": "gray60",
                "fontname": "Helvetica",
                "fontsize": str(FONT_SIZE),
            },
        )
    return clusters[neuron.layer]


def _shown(element_id: str, shown_as: dict[str, str]) -> str:
    """The element that shows a node or its operation: a neuron's box when it hides them."""
    base = element_id.split("~")[0]
    if base in shown_as and element_id in (base, op_id(base)):
        return shown_as[base]
    return element_id


def _fill(node_id: str, marked_nodes: set[str], marked_parents: set[str]) -> str | None:
    if node_id in marked_nodes:
        return HIGHLIGHT_FILL
    return HIGHLIGHT_PARENT_FILL if node_id in marked_parents else None


def _as_trace(
    subject: Trace | Value, max_nodes: int | None
) -> tuple[Trace, dict[Value, NodeName] | None]:
    """The trace to draw, refusing a graph over the limit before any work is done on it."""
    if isinstance(subject, Trace):
        count = len(subject.nodes)
    elif isinstance(subject, Value):
        count = len(topological_order(subject))
    else:
        raise ArgumentTypeError(f"draw() takes a Trace or a Value, got {type(subject).__name__}")
    if max_nodes is not None:
        _check_size(count, max_nodes)
    if isinstance(subject, Trace):
        return subject, None
    return snapshot(subject)


def _check_size(count: int, max_nodes: int) -> None:
    if count > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {count} Values, more than the drawing limit of {max_nodes}; "
            f"pass max_nodes={count} (or more) to draw it anyway, or draw a smaller part"
        )


def _edge_style(edge_id: str, marked_edges: set[str]) -> dict[str, str]:
    if edge_id in marked_edges:
        return {"color": HIGHLIGHT_LINE, "fontcolor": HIGHLIGHT_LINE, "penwidth": "2.5"}
    return {}


def _highlighted(
    highlight: object,
    trace: Trace,
    steps: dict[str, ForwardStep],
    names: dict[Value, NodeName] | None,
) -> tuple[set[str], set[str], set[str]]:
    """(nodes to mark, parents to mark lightly, edges to mark) for a step, a name or a Value."""
    if highlight is None:
        return set(), set(), set()
    ids = {n.node_id for n in trace.nodes}
    if isinstance(highlight, Contribution):
        for node_id in (highlight.node_id, highlight.parent_id):
            _require(node_id, ids)
        edges = {out_edge_id(highlight.node_id), in_edge_id(highlight.node_id, highlight.position)}
        return {highlight.node_id, op_id(highlight.node_id)}, {highlight.parent_id}, edges
    if isinstance(highlight, (ForwardStep, BackwardStep)):
        node_id = _require(highlight.node_id, ids)
    elif isinstance(highlight, Value):
        if names is None:
            raise ArgumentTypeError(
                "highlight a Value only when drawing that Value's graph; with a trace, pass "
                "a step of it or a node's name"
            )
        if highlight not in names:
            raise ArgumentError(f"cannot highlight {highlight!r}: it is not in this graph")
        node_id = names[highlight].node_id
    elif isinstance(highlight, str):
        node_id = _find_name(highlight, trace)
    else:
        raise ArgumentTypeError(
            "highlight takes a trace step, a node's name or id, or a Value; "
            f"got {type(highlight).__name__}"
        )
    step = steps.get(node_id)
    if step is None:
        return {node_id}, set(), set()
    edges = set(step_edges(node_id, range(len(step.operand_ids))))
    return {node_id, op_id(node_id)}, set(step.operand_ids), edges


def _require(node_id: str, ids: set[str]) -> str:
    if node_id not in ids:
        raise ArgumentError(
            f"cannot highlight node {node_id!r}: it is not in this graph "
            "(was the step traced from another root?)"
        )
    return node_id


def _find_name(text: str, trace: Trace) -> str:
    matches = [n.node_id for n in trace.nodes if text in (n.node_id, n.name)]
    if not matches:
        raise ArgumentError(f"cannot highlight {text!r}: no node has that name or id")
    if len(matches) > 1:
        raise ArgumentError(
            f"cannot highlight {text!r}: several nodes have that name ({', '.join(matches)})"
        )
    return matches[0]
