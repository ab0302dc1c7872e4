"""The HTML-like labels of a drawing: a Value's record, a neuron's box, and where each number is.

A record stacks a Value's name, data and grad (and a flat marker, a note) in one column,
so a graph grows in length rather than in width. Each label comes with its slot plan:
for every text element Graphviz will write for it, in order, what number it shows
(``("value" | "grad", node id, "data" | "grad")``) or ``None``, so the stepper page can
turn exactly those texts into slots.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from .errors import ArgumentTypeError, NodeNotFoundError
from .grouping import Neuron
from .naming import derivative, format_number
from .trace import ForwardStep, Trace, TracedNode

Slot = tuple[str, str, str] | None
HIGHLIGHT_FILL = "#ffd54f"
HIGHLIGHT_PARENT_FILL = "#fff3c4"
HIGHLIGHT_LINE = "#d84315"
FLAT_COLOR = "#8d6e63"
NOTE_COLOR = "#6a1b9a"
LEFT = ' align="left"'
FLAT_MARK = "\u26a0 flat"
"""How a drawing marks a node whose step has a flat edge (see ``trace.FLAT_BELOW``)."""


def flat_text(step: ForwardStep | None, digits: int, most: int = 2) -> str | None:
    """``⚠ flat: dpredicted/ds = 4.54e-05`` for a step with flat edges, else ``None``;
    past ``most`` edges the rest are counted, so a record stays narrow."""
    if step is None or not any(step.flat):
        return None
    shown = [
        f"{derivative(step.name, name)} = {format_number(local, digits)}"
        for name, local, flat in zip(step.operand_names, step.local, step.flat, strict=True)
        if flat and local is not None
    ]
    shown = list(dict.fromkeys(shown))
    if not shown:
        return None
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return f"{FLAT_MARK}: {', '.join(shown[:most])}{more}"


def value_record(
    node: TracedNode,
    *,
    show_grad: bool,
    digits: int,
    fill: str | None,
    flat: str | None,
    note: str | None,
) -> tuple[str, list[Slot]]:
    """A Value's record, one row each: its name (numbers' leaves have none), data, grad."""
    rows: list[tuple[str, Slot]] = []
    constant = node.kind == "constant"
    if not constant:
        rows.append((f"<b>{html.escape(node.name)}</b>", None))
    rows.append((f"data {format_number(node.data, digits)}", ("value", node.node_id, "data")))
    if show_grad:
        rows.append((f"grad {format_number(node.grad, digits)}", ("grad", node.node_id, "grad")))
    rows += _extra_rows(flat, note)
    color = ' color="gray55"' if constant and fill != HIGHLIGHT_FILL else ""
    # numbers start at the left, so "grad ?" sits where its gradient will
    cells = "".join(
        f"<tr><td{'' if slot is None else LEFT}>{text}</td></tr>" for text, slot in rows
    )
    return _table(cells, fill, color), [slot for _, slot in rows]


def neuron_box(
    neuron: Neuron,
    nodes: Mapping[str, TracedNode],
    steps: Mapping[str, ForwardStep],
    *,
    show_grad: bool,
    digits: int,
    fill: str | None,
    notes: Mapping[str, str],
) -> tuple[str, list[Slot]]:
    """One box for a neuron: its output, its sum, then a row per weight and the bias."""
    out, total = nodes[neuron.box_id], nodes[neuron.sum_id]
    if neuron.activation_id:
        title = f"{out.name} = {steps[out.node_id].op}({total.name})"
    else:
        title = f"{out.name} = dot (linear neuron)"
    span = 3 if show_grad else 2
    cells: list[str] = [f'<tr><td colspan="{span}"><b>{html.escape(title)}</b></td></tr>']
    plan: list[Slot] = [None]
    for kind, label in (("value", "data"), ("grad", "grad"))[: 2 if show_grad else 1]:
        number = out.data if kind == "value" else out.grad
        cells.append(f'<tr><td colspan="{span}">{label} {format_number(number, digits)}</td></tr>')
        plan.append((kind, out.node_id, label))
    inner = [neuron.sum_id] if neuron.activation_id else []
    for member in inner + list(neuron.parameters):
        node = nodes[member]
        shown = node.label or node.name  # w1, not w1#18: the box says whose it is
        shown = f"sum {shown}" if member == neuron.sum_id else shown
        row = [f'<td align="left">{html.escape(shown)}</td>']
        plan.append(None)
        row.append(f'<td align="left">data {format_number(node.data, digits)}</td>')
        plan.append(("value", member, "data"))
        if show_grad:
            row.append(f'<td align="left">grad {format_number(node.grad, digits)}</td>')
            plan.append(("grad", member, "grad"))
        cells.append(f"<tr>{''.join(row)}</tr>")
    flats = [_flat_inputs(steps[neuron.sum_id], nodes)]
    if neuron.activation_id:
        flats.append(flat_text(steps[neuron.activation_id], digits))
    order = [neuron.box_id] + [i for i in neuron.members if i != neuron.box_id]
    noted = [
        notes[i] if i == neuron.box_id else f"{nodes[i].label or nodes[i].name}: {notes[i]}"
        for i in order
        if i in notes
    ]
    for text, slot in _extra_rows(
        "; ".join(f for f in flats if f) or None, "; ".join(noted) or None
    ):
        cells.append(f'<tr><td colspan="{span}">{text}</td></tr>')
        plan.append(slot)
    return _table("".join(cells), fill, ""), plan


def _flat_inputs(step: ForwardStep, nodes: Mapping[str, TracedNode], most: int = 3) -> str | None:
    """``⚠ flat: w1, w5, w7 and 6 more (local derivative 0)``: the sum's flat edges, by the
    short names the box shows (an input of 0 leaves its weight without gradient)."""
    flat = [
        (nodes[i].label or nodes[i].name, local)
        for i, local, is_flat in zip(step.operand_ids, step.local, step.flat, strict=True)
        if is_flat and local is not None
    ]
    if not flat:
        return None
    names = list(dict.fromkeys(name for name, _ in flat))
    more = f" and {len(names) - most} more" if len(names) > most else ""
    size = "0" if all(local == 0 for _, local in flat) else "0 or almost 0"
    return f"{FLAT_MARK}: {', '.join(names[:most])}{more} (local derivative {size})"


def _extra_rows(flat: str | None, note: str | None) -> list[tuple[str, Slot]]:
    rows: list[tuple[str, Slot]] = []
    if flat:
        rows.append((f'<font color="{FLAT_COLOR}"><b>{html.escape(flat)}</b></font>', None))
    if note:
        text = " ".join(note.split())  # one line: a newline would end the label's row
        rows.append((f'<font color="{NOTE_COLOR}"><i>\u270e {html.escape(text)}</i></font>', None))
    return rows


def _table(rows: str, fill: str | None, color: str) -> str:
    # a background, so the record's first shape is a filled one under its text (the page
    # colours that one; the border comes after the text and stays unfilled)
    background = f' bgcolor="{fill or "white"}"'
    border = f' border="2" color="{HIGHLIGHT_LINE}"' if fill == HIGHLIGHT_FILL else ' border="1"'
    return (
        f'<<table cellspacing="0" cellborder="0" cellpadding="2"{border}{color}{background}>'
        f"{rows}</table>>"
    )


def notes_by_id(trace: Trace, notes: Mapping[str, str] | None) -> dict[str, str]:
    """``notes`` (a node's name to a text) keyed by node id, each name checked."""
    if notes is None:
        return {}
    if not isinstance(notes, Mapping):
        raise ArgumentTypeError(
            f"notes must be a mapping from a node's name to a text, got {type(notes).__name__}"
        )
    ids = {n.name: n.node_id for n in trace.nodes}
    out = {}
    for name, text in notes.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise ArgumentTypeError(
                f"notes map a node's name to a text (both str), got {name!r}: {text!r}"
            )
        if name not in ids:
            known = ", ".join(n.name for n in trace.nodes)
            raise NodeNotFoundError(
                f"notes name {name!r}, but no node of this graph has that name (its nodes: {known})"
            )
        out[ids[name]] = text
    return out
