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
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import Any

from .engine import Value
from .errors import ArgumentTypeError, NodeNotFoundError
from .ids import in_edge_id, is_in_edge_id, is_value_id, op_id, step_edges
from .naming import check_digits, format_number
from .practice import practice_data
from .render import draw
from .trace import Contribution, ForwardStep, Trace, explain

_SVG_NS = "http://www.w3.org/2000/svg"
_SVG = f"{{{_SVG_NS}}}"
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
    rankdir: str = "LR",
    max_nodes: int = 500,
    practice: bool = False,
    notes: Mapping[str, str] | None = None,
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
    ``NodeNotFoundError`` naming it.
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
    graph = draw(trace, rankdir=rankdir, digits=trace.digits, max_nodes=max_nodes)
    svg = _numbers_to_slots(graph.pipe(format="svg", encoding="utf-8"), trace.root_name)
    data = page_data(trace, title)
    data["notes"] = page_notes(trace, notes)
    if practice:
        data["practice"] = practice_data(trace)
    page = _fill(
        _template("stepper.html"),
        title=html.escape(title),
        style=_template("stepper.css"),
        graph=svg,
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
    for step in trace.steps:
        if isinstance(step, ForwardStep):
            steps.append(_forward(step, digits))
        else:
            steps.append(_backward(step, digits))
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


def page_notes(trace: Trace, notes: Mapping[str, str] | None) -> dict[str, str]:
    """``notes`` keyed by node id for the page, each name checked against the trace's nodes."""
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


def _forward(step: ForwardStep, digits: int) -> dict[str, Any]:
    operands = ", ".join(dict.fromkeys(step.operand_names))
    return {
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


def _backward(c: Contribution, digits: int) -> dict[str, Any]:
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
    }


# --- the drawing, with its numbers turned into slots -------------------------------------------


def _numbers_to_slots(svg: str, root_name: str) -> str:
    """The renderer's SVG with each number replaced by an empty, marked slot.

    A Value's group ``<g id="X1">`` ends with two texts, ``data ...`` and ``grad ...``;
    an edge ``<g id="s~in0">`` may end with its local derivative. Each becomes
    ``<text data-slot="value|grad|local" data-for="ID">`` for the page to fill.
    """
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    tree = ET.fromstring(svg)
    for group in tree.iter(f"{_SVG}g"):
        kind, group_id = group.get("class"), group.get("id", "")
        texts = list(group.iter(f"{_SVG}text"))
        if kind == "node" and is_value_id(group_id) and len(texts) >= 2:
            for text, slot in zip(texts[-2:], ("value", "grad"), strict=True):
                label = (text.text or "").split(" ", 1)[0]  # "data" or "grad"
                _make_slot(text, slot, group_id, label)
        elif kind == "edge" and is_in_edge_id(group_id) and texts:
            _make_slot(texts[-1], "local", group_id, "")
    tree.set("role", "img")
    tree.set("aria-label", f"Computation graph of {root_name}")
    return ET.tostring(tree, encoding="unicode")


def _make_slot(text: ET.Element, slot: str, target: str, label: str) -> None:
    text.set("data-slot", slot)
    text.set("data-for", target)
    text.set("data-label", label)
    text.text = f"{label} ?" if label else ""


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
