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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from .engine import Value, topological_order
from .render import draw
from .trace import Contribution, ForwardStep, Trace, explain, format_number

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
    root: Value,
    *,
    title: str | None = None,
    digits: int = 9,
    rankdir: str = "LR",
    max_nodes: int = 500,
) -> StepperPage:
    """The step-through page of ``root``'s graph: forward steps, then the backward pass.

    Takes the root Value rather than a trace because the page draws the graph; the
    trace is made here with ``explain(root, digits=digits)``. The graph itself is not
    changed. Graphs with more than ``max_nodes`` Values raise the renderer's
    ``GraphTooLargeError``; a missing ``dot`` raises ``DotNotFoundError``.
    """
    trace = explain(root, digits=digits)
    title = title or f"Backpropagation through {trace.root_name}, step by step"
    with _traced_grads(root, trace):  # so each grad cell is drawn wide enough for its number
        graph = draw(root, rankdir=rankdir, digits=digits, max_nodes=max_nodes)
    svg = _numbers_to_slots(graph.pipe(format="svg", encoding="utf-8"), trace.root_name)
    page = _fill(
        _template("stepper.html"),
        title=html.escape(title),
        style=_template("stepper.css"),
        graph=svg,
        data=_script_json(page_data(trace, title)),
        script=_template("stepper.js"),
    )
    return StepperPage(html=page, title=title, steps=len(trace.steps))


def save_html(root: Value, path: str | Path, **options: Any) -> Path:
    """Write ``root``'s stepper page (``options`` as for ``stepper_page``) to ``path``."""
    return stepper_page(root, **options).save(path)


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
        "forwardSteps": len(trace.forward),
        "total": len(trace.steps),
        "steps": steps,
    }


def _forward(step: ForwardStep, digits: int) -> dict[str, Any]:
    operands = ", ".join(dict.fromkeys(step.operand_names))
    return {
        "index": step.index,
        "phase": "forward",
        "node": step.node_id,
        "text": step.text(digits),
        "explanation": f"Forward: {step.name} is computed by {step.op} from {operands}.",
        "current": [step.node_id, f"{step.node_id}~op"],
        "operands": list(dict.fromkeys(step.operand_ids)),
        "edges": [f"{step.node_id}~out"]
        + [f"{step.node_id}~in{i}" for i in range(len(step.operand_ids))],
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
    edge = f"{c.node_id}~in{c.position}"
    return {
        "index": c.index,
        "phase": "backward",
        "node": c.node_id,
        "parent": c.parent_id,
        "text": c.text(digits),
        "explanation": explanation,
        "current": [c.node_id, f"{c.node_id}~op"],
        "operands": [c.parent_id],
        "edges": [f"{c.node_id}~out", edge],
        "value": {},
        "grad": {c.parent_id: format_number(c.accumulated, digits)},
        "local": {edge: format_number(c.local, digits)},
    }


# --- the drawing, with its numbers turned into slots -------------------------------------------


@contextmanager
def _traced_grads(root: Value, trace: Trace) -> Iterator[None]:
    """Lend each Value its traced gradient while it is drawn, then give back its own.

    The renderer sizes a cell by the text it draws; the page later writes the
    trace's gradient into that cell, which may differ from ``.grad`` (before any
    ``backward()``, or after several).
    """
    order = topological_order(root)
    saved = [node.grad for node in order]
    try:
        for node, traced in zip(order, trace.nodes, strict=True):
            node.grad = traced.grad
        yield
    finally:
        for node, grad in zip(order, saved, strict=True):
            node.grad = grad


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
        if kind == "node" and "~" not in group_id and len(texts) >= 2:
            for text, slot in zip(texts[-2:], ("value", "grad"), strict=True):
                label = (text.text or "").split(" ", 1)[0]  # "data" or "grad"
                _make_slot(text, slot, group_id, label)
        elif kind == "edge" and "~in" in group_id and texts:
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
