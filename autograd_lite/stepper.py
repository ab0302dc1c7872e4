"""A self-contained HTML page that steps through backpropagation, one chain-rule step per click.

The graph is the renderer's SVG with its numbers taken out: each number slot is
filled in by the page's JavaScript from the trace's step records, embedded as
JSON, so a value appears when its forward step is reached and a gradient when the
backward pass reaches it. The JavaScript only displays; every number it shows was
formatted here from a record. The HTML, CSS and JavaScript are package data files
(``autograd_lite/templates/stepper.*``), put together into one file that needs no
network and no build step.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import Any

from .engine import Value
from .errors import ArgumentTypeError
from .fit import FONT_SIZE, MIN_TEXT_PX
from .grouping import Neuron, check_group, find_neurons, hidden_by
from .ids import in_edge_id, op_id, step_edges
from .naming import check_digits, derivative, format_number
from .practice_questions import practice_data
from .render import draw
from .render_labels import notes_by_id
from .stepper_svg import neuron_detail, numbers_to_slots
from .trace import FLAT_BELOW, Contribution, ForwardStep, Trace, explain

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")

IFRAME_HEIGHT = 620
"""Pixels: room for the graph and the panel when a notebook shows the page inline."""


@dataclass(frozen=True)
class StepperPage:
    """The stepper page of one graph: ``save(path)`` writes it; Jupyter shows it inline.

    Inline, the page sits in an ``<iframe srcdoc>``, so it runs without a widget
    extension or a kernel connection and keeps working in a saved notebook.
    """

    html: str
    title: str
    steps: int

    def save(self, path: str | Path) -> Path:
        """Write the page as one HTML file that opens from disk; returns the path."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'title="{html.escape(self.title, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {IFRAME_HEIGHT}px; border: 1px solid #ccc;"></iframe>'
        )

    def __str__(self) -> str:
        return self.html


def stepper_page(
    subject: Trace | Value,
    *,
    title: str | None = None,
    digits: int | None = None,
    rankdir: str = "auto",
    max_nodes: int = 500,
    practice: bool = False,
    notes: Mapping[str, str] | None = None,
    group: str | None = None,
) -> StepperPage:
    """The step-through page of a trace (or of a Value, explained first).

    Everything the page shows comes from the trace's records: the graph is drawn
    from them and each number is formatted from them, so the Values are neither read
    after the snapshot nor written. ``digits`` defaults to the trace's (9 for a Value).
    Graphs with more than ``max_nodes`` Values raise the renderer's
    ``GraphTooLargeError``; a missing ``dot`` raises ``DotNotFoundError``.
    ``practice=True`` asks the learner for each step's numbers before showing them
    (``autograd_lite.practice``). ``notes`` maps a node's name, as the trace records
    show it (``TracedNode.name``: the label a Value was given, ``v1`` for an unnamed
    operation), to a short text the page shows beside that node, as plain text:
    ``{"h1": "printed 0.5449 (rounded)"}``; a name no node has raises
    ``NodeNotFoundError`` naming it. ``group="layer"`` draws one box per neuron (see
    ``grouping``); a click on a box expands it below the graph. The graph fits the
    width it has, its text never under ``fit.MIN_TEXT_PX`` pixels, with zoom buttons,
    Ctrl/Cmd-wheel zoom and dragging to pan; ``rankdir`` is ``draw``'s.
    """
    if isinstance(subject, Trace):
        trace = subject if digits is None else _with_digits(subject, digits)
    elif isinstance(subject, Value):
        trace = explain(subject, digits=9 if digits is None else digits)
    else:
        raise ArgumentTypeError(
            f"stepper_page() takes a Trace or a Value, got {type(subject).__name__}"
        )
    title = title or f"Backpropagation through {trace.root_name}, step by step"
    if not isinstance(practice, bool):
        raise ArgumentTypeError(f"practice must be True or False, got {practice!r}")
    group = check_group(group)
    graph = draw(
        trace,
        rankdir=rankdir,
        digits=trace.digits,
        max_nodes=max_nodes,
        group=group,
        notes=notes,
    )
    svg = numbers_to_slots(graph, f"Computation graph of {trace.root_name}")
    neurons = find_neurons(trace) if group else []
    data = page_data(trace, title)
    data["notes"] = notes_by_id(trace, notes)
    data["minScale"] = MIN_TEXT_PX / FONT_SIZE
    data["shownAs"] = {k: v for k, v in hidden_by(neurons).items() if k != v}
    data["neurons"] = [_neuron_data(trace, n) for n in neurons]
    font = {"fontname": "Helvetica", "fontsize": str(FONT_SIZE)}
    details = "".join(
        f'<div class="neuron-detail" data-neuron="{html.escape(n.box_id, quote=True)}" hidden>'
        f"{neuron_detail(trace, n, trace.digits, font)}</div>"
        for n in neurons
    )
    if practice:
        data["practice"] = practice_data(trace)
    page = _fill(
        _template("stepper.html"),
        title=html.escape(title),
        style=_template("stepper.css"),
        graph=svg,
        details=details,
        data=_script_json(data),
        script=_template("stepper.js"),
        practice=_template("practice.html") if practice else "",
        practice_script=f"<script>\n{_template('practice.js')}</script>" if practice else "",
    )
    return StepperPage(html=page, title=title, steps=len(trace.steps))


def _with_digits(trace: Trace, digits: int) -> Trace:
    return replace(trace, digits=check_digits(digits))


def save_html(subject: Trace | Value, path: str | Path, **options: Any) -> Path:
    """Write the stepper page of a trace or a Value (``options`` as for ``stepper_page``)."""
    return stepper_page(subject, **options).save(path)


# --- what the page shows, step by step ---------------------------------------------------------


def page_data(trace: Trace, title: str) -> dict[str, Any]:
    """The JSON the page reads: for each step its text, what it highlights and what it reveals.

    Every number is a string formatted from a step record (``ForwardStep.result``,
    ``Contribution.local`` and ``.accumulated``, the leaves' data and the seed), so
    the page shows exactly what ``trace.to_text()`` prints.
    """
    digits = trace.digits
    fmt = format_number
    given = [n for n in trace.nodes if n.kind != "op"]
    inputs = ", ".join(f"{n.name} = {fmt(n.data, digits)}" for n in given if n.kind == "leaf")
    start = {
        "index": 0,
        "phase": "start",
        "text": f"Inputs: {inputs or 'none'}",
        "explanation": "The inputs are given. Next computes the graph one operation at a time.",
        "current": [],
        "operands": [],
        "edges": [],
        "value": {n.node_id: fmt(n.data, digits) for n in given},
        "grad": {},
        "local": {},
    }
    steps = [start]
    made_by = {s.node_id: s for s in trace.forward}
    for step in trace.steps:
        if isinstance(step, ForwardStep):
            steps.append(_forward(step, digits))
        else:
            steps.append(_backward(step, digits, made_by[step.node_id].flat[step.position]))
    if len(trace.steps) > len(trace.forward):  # the backward pass starts from d root/d root
        first = steps[len(trace.forward) + 1]
        first["grad"] = {trace.root_id: fmt(trace.seed, digits), **first["grad"]}
    return {
        "title": title,
        "root": trace.root_id,
        "rootName": trace.root_name,
        "names": {n.node_id: n.name for n in trace.nodes},
        "forwardSteps": len(trace.forward),
        "total": len(trace.steps),
        "steps": steps,
    }


def _neuron_data(trace: Trace, neuron: Neuron) -> dict[str, Any]:
    names = {n.node_id: n.name for n in trace.nodes}
    return {
        "box": neuron.box_id,
        "name": names[neuron.box_id],
        "layer": neuron.layer,
        "members": list(neuron.members),
    }


def _forward(step: ForwardStep, digits: int) -> dict[str, Any]:
    operands = ", ".join(dict.fromkeys(step.operand_names))
    shown = {
        "index": step.index,
        "phase": "forward",
        "node": step.node_id,
        "text": step.text(digits),
        "explanation": f"Forward: {step.name} is computed by {step.op} from {operands}.",
        "current": [step.node_id, op_id(step.node_id)],
        "operands": list(dict.fromkeys(step.operand_ids)),
        "edges": step_edges(step.node_id, range(len(step.operand_ids))),
        "value": {step.node_id: format_number(step.result, digits)},
        "grad": {},
        "local": {},
    }
    flat = [
        f"{derivative(step.name, name)} = {format_number(local, digits)}"
        for name, local, is_flat in zip(step.operand_names, step.local, step.flat, strict=True)
        if is_flat and local is not None
    ]
    if flat:
        shown["flat"] = (
            f"Flat: {', '.join(dict.fromkeys(flat))}, 0 or below {format_number(FLAT_BELOW)}: "
            "almost no gradient will flow back along that edge."
        )
    return shown


def _backward(c: Contribution, digits: int, flat: bool) -> dict[str, Any]:
    if c.first:
        explanation = (
            f"Backward: {c.name} passes its gradient to {c.parent_name}: "
            f"the upstream gradient times the local derivative."
        )
    else:
        explanation = (
            f"Backward: {c.name} passes more gradient to {c.parent_name}, which already has "
            f"some from another path; the two are added."
        )
    edge = in_edge_id(c.node_id, c.position)
    return {
        "index": c.index,
        "phase": "backward",
        "node": c.node_id,
        "parent": c.parent_id,
        "text": c.text(digits),
        "explanation": explanation,
        "current": [c.node_id, op_id(c.node_id)],
        "operands": [c.parent_id],
        "edges": step_edges(c.node_id, [c.position]),
        "value": {},
        "grad": {c.parent_id: format_number(c.accumulated, digits)},
        "local": {edge: format_number(c.local, digits)},
    } | (
        {
            "flat": (
                f"Flat edge: {derivative(c.name, c.parent_name)} = "
                f"{format_number(c.local, digits)}, 0 or below {format_number(FLAT_BELOW)}, "
                f"so almost no gradient reaches {c.parent_name}."
            )
        }
        if flat
        else {}
    )


# --- putting the page together -----------------------------------------------------------------


def _template(name: str) -> str:
    return files("autograd_lite").joinpath("templates", name).read_text(encoding="utf-8")


def _fill(template: str, **parts: str) -> str:
    """Replace each ``{{name}}`` once, in one pass, so inserted text is never rescanned."""
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def _script_json(data: dict[str, Any]) -> str:
    """JSON safe inside ``<script>``: no ``</script>`` or ``<!--`` can close it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
