"""A trace written out: as text for ``print``, as Markdown, and as HTML tables for Jupyter.

Writers only: each reads a trace's records and formats their numbers, nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .naming import derivative, format_number
from .tables import html_table, markdown_table

if TYPE_CHECKING:
    from .trace import Trace


def trace_text(trace: Trace, digits: int) -> str:
    leaves = [n for n in trace.nodes if n.kind != "op"]
    inputs = [f"{n.name} = {format_number(n.data, digits)}" for n in leaves if n.kind == "leaf"]
    lines = ["Inputs: " + (", ".join(inputs) or "none"), ""]
    lines.append(f"Forward pass ({len(trace.forward)} steps)")
    width = len(str(len(trace.steps)))
    for step in trace.forward:
        line = f"  {step.index:>{width}}. {step.text(digits)}"
        note = step.flat_note(digits)  # a dead ReLU, a saturated sigmoid: see trace.FLAT_BELOW
        lines.append(f"{line}  {note}" if note else line)
    lines.append("")
    lines.append(f"Backward pass, from {_seed(trace, digits)}")
    for node_step in trace.backward:
        lines.append(f"  {node_step.text(digits)}")
        for c in node_step.contributions:
            lines.append(f"    {c.index:>{width}}. {c.text(digits)}")
    lines.append("")
    lines.append(f"Gradients of {trace.root_name}")
    for n in leaves:
        lines.append(f"  {derivative(trace.root_name, n.name)} = {format_number(n.grad, digits)}")
    return "\n".join(lines)


def _seed(trace: Trace, digits: int) -> str:
    return f"{derivative(trace.root_name, trace.root_name)} = {format_number(trace.seed, digits)}"


def _forward_cells(trace: Trace, digits: int, code=str) -> list[list[str]]:
    return [
        [
            str(s.index),
            code(s.name),
            s.op,
            code(s.formula()),
            code(s.substituted(digits)),
            format_number(s.result, digits),
        ]
        for s in trace.forward
    ]


def _backward_cells(trace: Trace, digits: int, code=str) -> list[list[str]]:
    fmt = format_number
    return [
        [
            str(c.index),
            code(c.name),
            fmt(c.upstream, digits),
            code(c.parent_name),
            fmt(c.local, digits),
            fmt(c.product, digits),
            fmt(c.accumulated, digits),
        ]
        for c in trace.contributions()
    ]


def trace_markdown(trace: Trace, digits: int) -> str:
    def code(text: str) -> str:
        return f"`{text}`"  # the table writer escapes any | inside

    out = [f"**Forward pass** ({len(trace.forward)} steps)", ""]
    headers = ["#", "node", "operation", "formula", "substituted", "value"]
    out += markdown_table(headers, _forward_cells(trace, digits, code))
    out += ["", f"**Backward pass**, from `{_seed(trace, digits)}`", ""]
    headers = ["#", "node", "upstream", "parent", "local", "product", "parent's gradient"]
    out += markdown_table(headers, _backward_cells(trace, digits, code))
    return "\n".join(out)


def trace_html(trace: Trace, digits: int) -> str:
    forward = _forward_cells(trace, digits)
    backward = _backward_cells(trace, digits)
    return (
        '<div class="autograd-lite-trace">'
        + html_table(
            f"Forward pass ({len(trace.forward)} steps)",
            ["#", "node", "operation", "formula", "substituted", "value"],
            forward,
            row_attributes=[{"data-node-id": s.node_id} for s in trace.forward],
        )
        + html_table(
            f"Backward pass, from {_seed(trace, digits)}",
            [
                "#",
                "node",
                f"upstream d{trace.root_name}/d node",
                "parent",
                "local d node/d parent",
                "product",
                "parent's gradient after",
            ],
            backward,
            row_attributes=[{"data-node-id": c.node_id} for c in trace.contributions()],
        )
        + "</div>"
    )
