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

from .engine import Value, local_grads, topological_order
from .errors import AutogradError
from .trace import BackwardStep, Contribution, ForwardStep, NodeName, format_number, node_names

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
_SYMBOLS = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "div": "/",
    "neg": "neg",
    "powv": "**",
    "sum": "sum",
    "sigmoid": "σ",
}


class DotNotFoundError(AutogradError, RuntimeError):
    """Graphviz's ``dot`` program is missing; the message says how to install it."""


class GraphTooLargeError(AutogradError, ValueError):
    """The graph has more Values than the drawing limit (``max_nodes``)."""


def require_dot() -> str:
    """The path of Graphviz's ``dot``, or a ``DotNotFoundError`` saying what to install."""
    path = shutil.which("dot")
    if path is None:
        raise DotNotFoundError(INSTALL_GRAPHVIZ)
    return path


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = True,
    highlight: object = None,
    digits: int = 4,
    max_nodes: int = 500,
) -> graphviz.Digraph:
    """The graph that computes ``root``, as a ``graphviz.Digraph`` (Jupyter shows it inline).

    Each Value is a record (name | data | grad); each operation is a small node
    between its operands and its result, an n-ary ``dot``/``vsum`` being one.
    With ``show_local`` the edge from an operand is labelled with the local
    derivative of the result with respect to it, read from the operation table.
    ``highlight`` takes a step of a trace (``ForwardStep``, ``BackwardStep``,
    ``Contribution``), a node's name or id, or a Value, and marks the node being
    processed and the edges it uses.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw() takes a Value, got {type(root).__name__}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an integer from 1 to 17, got {digits!r}")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {len(order)} Values, more than the drawing limit of {max_nodes}; "
            f"pass max_nodes={len(order)} (or more) to draw it anyway, or draw a smaller part"
        )
    require_dot()
    import graphviz

    names = node_names(order)
    marked_nodes, marked_parents, marked_edges = _highlighted(highlight, order, names)

    graph = graphviz.Digraph(
        name=names[root].node_id,
        graph_attr={"rankdir": rankdir, "id": "autograd-lite-graph"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
    )
    for node in order:
        node_id = names[node].node_id
        fill = (
            HIGHLIGHT_FILL
            if node_id in marked_nodes
            else HIGHLIGHT_PARENT_FILL
            if node_id in marked_parents
            else None
        )
        graph.node(
            node_id,
            label=_record(node, names[node], show_grad, digits, fill),
            shape="plain",
            id=node_id,
        )
        if not node.parents:
            continue
        op_id = f"{node_id}~op"
        op_marked = op_id in marked_nodes
        graph.node(
            op_id,
            label=_op_text(node, digits),
            id=op_id,
            shape="circle" if len(_op_text(node, digits)) <= 2 else "ellipse",
            width="0.3",
            height="0.3",
            margin="0.02",
            style="filled",
            fillcolor=HIGHLIGHT_FILL if op_marked else "#eeeeee",
            color=HIGHLIGHT_LINE if op_marked else "black",
        )
        graph.edge(
            op_id, node_id, id=f"{node_id}~out", **_edge_style(f"{node_id}~out", marked_edges)
        )
        locals_ = _local_texts(node, digits) if show_local else [None] * len(node.parents)
        for position, (parent, text) in enumerate(zip(node.parents, locals_, strict=True)):
            edge_id = f"{node_id}~in{position}"
            style = _edge_style(edge_id, marked_edges)
            if text is not None:
                style["label"] = text
            graph.edge(names[parent].node_id, op_id, id=edge_id, **style)
    return graph


def save_svg(root: Value, path: str | Path, **options: object) -> Path:
    """Draw ``root``'s graph (``options`` as for ``draw``) and write it as an SVG file."""
    import graphviz

    graph = draw(root, **options)
    try:
        svg = graph.pipe(format="svg")
    except graphviz.ExecutableNotFound:
        raise DotNotFoundError(INSTALL_GRAPHVIZ) from None
    path = Path(path)
    path.write_bytes(svg)
    return path


def _record(node: Value, name: NodeName, show_grad: bool, digits: int, fill: str | None) -> str:
    """An HTML-like label: one row of cells, the name (leaves made of numbers have none)."""
    cells = []
    if node.parents or node.label:
        cells.append(f"<b>{html.escape(name.name)}</b>")
    cells.append(f"data {format_number(node.data, digits)}")
    if show_grad:
        cells.append(f"grad {format_number(float(node.grad), digits)}")
    constant = not node.parents and not node.label
    color = ' color="gray55"' if constant and fill != HIGHLIGHT_FILL else ""
    background = f' bgcolor="{fill}"' if fill else ""
    border = f' border="2" color="{HIGHLIGHT_LINE}"' if fill == HIGHLIGHT_FILL else ' border="0"'
    row = "".join(f"<td>{c}</td>" for c in cells)
    return (
        f'<<table cellspacing="0" cellborder="1" cellpadding="4"{border}{color}{background}>'
        f"<tr>{row}</tr></table>>"
    )


def _op_text(node: Value, digits: int) -> str:
    op = node.op
    if op.has_constant:  # the constant is part of the operation, not a node: "0.5*·", "·**2"
        return op.show("·", format_number(node.constant, digits))
    return _SYMBOLS.get(op.name, op.name)


def _local_texts(node: Value, digits: int) -> list[str | None]:
    try:
        return [format_number(float(d), digits) for d in local_grads(node)]
    except (ArithmeticError, ValueError):  # shown as missing rather than failing the drawing
        return ["?"] * len(node.parents)


def _edge_style(edge_id: str, marked_edges: set[str]) -> dict[str, str]:
    if edge_id in marked_edges:
        return {"color": HIGHLIGHT_LINE, "fontcolor": HIGHLIGHT_LINE, "penwidth": "2.5"}
    return {}


def _highlighted(
    highlight: object, order: list[Value], names: dict[Value, NodeName]
) -> tuple[set[str], set[str], set[str]]:
    """(nodes to mark, parents to mark lightly, edges to mark) for a step, a name or a Value."""
    if highlight is None:
        return set(), set(), set()
    by_id = {names[n].node_id: n for n in order}
    if isinstance(highlight, Contribution):
        node = _find(by_id, highlight.node_id)
        parent = _find(by_id, highlight.parent_id)
        edges = {f"{highlight.node_id}~out", f"{highlight.node_id}~in{highlight.position}"}
        return {highlight.node_id, f"{highlight.node_id}~op"}, {names[parent].node_id}, edges
    if isinstance(highlight, (ForwardStep, BackwardStep)):
        node = _find(by_id, highlight.node_id)
    elif isinstance(highlight, Value):
        if highlight not in names:
            raise ValueError(f"cannot highlight {highlight!r}: it is not in this graph")
        node = highlight
    elif isinstance(highlight, str):
        node = _find_name(highlight, order, names)
    else:
        raise TypeError(
            "highlight takes a trace step, a node's name or id, or a Value; "
            f"got {type(highlight).__name__}"
        )
    node_id = names[node].node_id
    if not node.parents:
        return {node_id}, set(), set()
    edges = {f"{node_id}~out"} | {f"{node_id}~in{i}" for i in range(len(node.parents))}
    return {node_id, f"{node_id}~op"}, {names[p].node_id for p in node.parents}, edges


def _find(by_id: dict[str, Value], node_id: str) -> Value:
    if node_id not in by_id:
        raise ValueError(
            f"cannot highlight node {node_id!r}: it is not in this graph "
            "(was the step traced from another root?)"
        )
    return by_id[node_id]


def _find_name(text: str, order: list[Value], names: dict[Value, NodeName]) -> Value:
    matches = [n for n in order if text in (names[n].node_id, names[n].name)]
    if not matches:
        raise ValueError(f"cannot highlight {text!r}: no node has that name or id")
    if len(matches) > 1:
        ids = ", ".join(names[n].node_id for n in matches)
        raise ValueError(f"cannot highlight {text!r}: several nodes have that name ({ids})")
    return matches[0]
