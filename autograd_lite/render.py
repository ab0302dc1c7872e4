"""Draw a graph of Values with Graphviz: one record per Value, one small node per operation.

The only module that touches ``graphviz``, and only when a drawing is asked for, so
``import autograd_lite`` works without it. Node ids are the tracer's (``node_names``):
a Value's record has the id ``X1`` (SVG ``<g id="X1">``), the operation that made it
``X1~op``, the edge from the operation ``X1~out`` and the edge from its i-th operand
``X1~in<i>``, so a step of a trace names the shapes that show it.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .engine import Value, topological_order
from .errors import ArgumentError, ArgumentTypeError, DotNotFoundError, GraphTooLargeError
from .ids import in_edge_id, op_id, out_edge_id, step_edges
from .naming import NodeName, check_digits, format_number
from .trace import BackwardStep, Contribution, ForwardStep, Trace, TracedNode, snapshot

if TYPE_CHECKING:
    import graphviz

INSTALL_GRAPHVIZ = """\
drawing needs Graphviz's `dot` program, which is not on PATH (the Python package \
`graphviz` only calls it). Install Graphviz, then try again:
    sudo apt-get install graphviz           # Debian, Ubuntu
    brew install graphviz                   # macOS
    conda install -c conda-forge graphviz   # conda"""

HIGHLIGHT_FILL = "#ffd54f"
HIGHLIGHT_PARENT_FILL = "#fff3c4"
HIGHLIGHT_LINE = "#d84315"
_RANKDIRS = ("LR", "RL", "TB", "BT")
__all__ = ["DotNotFoundError", "GraphTooLargeError", "draw", "require_dot", "save_svg"]


def require_dot() -> str:
    """The path of Graphviz's ``dot``, or a ``DotNotFoundError`` saying what to install."""
    path = shutil.which("dot")
    if path is None:
        raise DotNotFoundError(INSTALL_GRAPHVIZ)
    return path


def draw(
    subject: Trace | Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = True,
    highlight: object = None,
    digits: int = 4,
    max_nodes: int = 500,
) -> graphviz.Digraph:
    """The graph of a trace (or of a Value, explained first) as a ``graphviz.Digraph``.

    Each Value is a record (name | data | grad); each operation is a small node
    between its operands and its result, an n-ary ``dot``/``vsum`` being one.
    With ``show_local`` the edge from an operand is labelled with the local
    derivative of the result with respect to it, as the trace recorded it from the
    operation table. ``highlight`` takes a step of a trace (``ForwardStep``,
    ``BackwardStep``, ``Contribution``), a node's name or id, or (when drawing a
    Value) a Value, and marks the node being processed and the edges it uses. The
    drawing reads only the trace's records: no Value is read after the snapshot, or
    ever written.
    """
    if rankdir not in _RANKDIRS:
        raise ArgumentError(f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    check_digits(digits)
    trace, names = _as_trace(subject, max_nodes)
    require_dot()
    import graphviz

    steps = {s.node_id: s for s in trace.forward}
    marked_nodes, marked_parents, marked_edges = _highlighted(highlight, trace, steps, names)
    graph = graphviz.Digraph(
        name=trace.root_id,
        graph_attr={"rankdir": rankdir, "id": "autograd-lite-graph"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
    )
    for node in trace.nodes:
        node_id = node.node_id
        fill = (
            HIGHLIGHT_FILL
            if node_id in marked_nodes
            else HIGHLIGHT_PARENT_FILL
            if node_id in marked_parents
            else None
        )
        graph.node(node_id, label=_record(node, show_grad, digits, fill), shape="plain", id=node_id)
        step = steps.get(node_id)
        if step is None:
            continue
        operation = op_id(node_id)
        op_marked = operation in marked_nodes
        text = step.operation_text(digits)
        graph.node(
            operation,
            label=text,
            id=operation,
            shape="circle" if len(text) <= 2 else "ellipse",
            width="0.3",
            height="0.3",
            margin="0.02",
            style="filled",
            fillcolor=HIGHLIGHT_FILL if op_marked else "#eeeeee",
            color=HIGHLIGHT_LINE if op_marked else "black",
        )
        out = out_edge_id(node_id)
        graph.edge(operation, node_id, id=out, **_edge_style(out, marked_edges))
        for position, (operand, local) in enumerate(zip(step.operand_ids, step.local, strict=True)):
            edge_id = in_edge_id(node_id, position)
            style = _edge_style(edge_id, marked_edges)
            if show_local:
                style["label"] = "?" if local is None else format_number(local, digits)
            graph.edge(operand, operation, id=edge_id, **style)
    return graph


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


def _as_trace(subject: Trace | Value, max_nodes: int) -> tuple[Trace, dict[Value, NodeName] | None]:
    """The trace to draw, refusing a graph over the limit before any work is done on it."""
    if isinstance(subject, Trace):
        count = len(subject.nodes)
    elif isinstance(subject, Value):
        count = len(topological_order(subject))
    else:
        raise ArgumentTypeError(f"draw() takes a Trace or a Value, got {type(subject).__name__}")
    if count > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {count} Values, more than the drawing limit of {max_nodes}; "
            f"pass max_nodes={count} (or more) to draw it anyway, or draw a smaller part"
        )
    if isinstance(subject, Trace):
        return subject, None
    return snapshot(subject)


def _record(node: TracedNode, show_grad: bool, digits: int, fill: str | None) -> str:
    """An HTML-like label: one row of cells, the name (leaves made of numbers have none)."""
    cells = []
    constant = node.kind == "constant"
    if not constant:
        cells.append(f"<b>{html.escape(node.name)}</b>")
    cells.append(f"data {format_number(node.data, digits)}")
    if show_grad:
        cells.append(f"grad {format_number(node.grad, digits)}")
    color = ' color="gray55"' if constant and fill != HIGHLIGHT_FILL else ""
    background = f' bgcolor="{fill}"' if fill else ""
    border = f' border="2" color="{HIGHLIGHT_LINE}"' if fill == HIGHLIGHT_FILL else ' border="0"'
    row = "".join(f"<td>{c}</td>" for c in cells)
    return (
        f'<<table cellspacing="0" cellborder="1" cellpadding="4"{border}{color}{background}>'
        f"<tr>{row}</tr></table>>"
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
