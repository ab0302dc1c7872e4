"""The stepper page's drawings: the renderer's SVG with its numbers turned into slots.

Each number a drawing shows is replaced by an empty, marked slot,
``<text data-slot="value|grad|local" data-for="ID" data-label="data|grad|">``, for the
page's script to fill from the step records. Which texts are numbers, and whose, comes
from the renderer's slot plan (``Drawing.slots``), not from reading the text. The SVG
loses its fixed size (the page sizes it, see ``fit``), keeping its viewBox.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .fit import svg_size
from .grouping import Neuron
from .ids import op_id
from .render import add_edges, add_operation
from .render_labels import Slot, flat_text, value_record
from .trace import Trace

_SVG_NS = "http://www.w3.org/2000/svg"
_SVG = f"{{{_SVG_NS}}}"
DETAIL_MARK = "~detail~"
DETAIL = "{box}" + DETAIL_MARK + "{id}"
"""The element id of node (or edge) ``id`` in the expanded drawing of neuron ``box``."""


def numbers_to_slots(drawing: Any, label: str) -> str:
    """The drawing as SVG text, every number a slot, sized by the page, labelled ``label``.

    A group of an expanded neuron (id ``DETAIL``) gets ``data-shows``: the id of the node
    or edge it shows, for the page to highlight it with the main drawing's.
    """
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    text = drawing.pipe(format="svg", encoding="utf-8")
    width, height = svg_size(text)
    tree = ET.fromstring(text)
    plan: dict[str, list[Slot]] = drawing.slots
    for group in tree.iter(f"{_SVG}g"):
        group_id = group.get("id", "")
        if DETAIL_MARK in group_id:
            group.set("data-shows", group_id.split(DETAIL_MARK, 1)[1])
        if group_id in plan:
            _fill_plan(list(group.iter(f"{_SVG}text")), plan[group_id])
    for attribute in ("width", "height"):
        tree.attrib.pop(attribute, None)
    tree.set("data-width", f"{width:g}")
    tree.set("data-height", f"{height:g}")
    tree.set("role", "img")
    tree.set("aria-label", label)
    return ET.tostring(tree, encoding="unicode")


def _fill_plan(texts: list[ET.Element], plan: list[Slot]) -> None:
    """Make slots of the texts the plan names; if Graphviz wrote the texts otherwise than
    planned, the texts that start with ``data``/``grad`` take the plan's slots in order."""
    if len(texts) != len(plan):
        numbers = [t for t in texts if (t.text or "").split(" ", 1)[0] in ("data", "grad")]
        slots = [s for s in plan if s is not None]
        pairs = list(zip(numbers, slots))
    else:
        pairs = [(t, s) for t, s in zip(texts, plan) if s is not None]
    for text, (kind, target, label) in pairs:
        text.set("data-slot", kind)
        text.set("data-for", target)
        text.set("data-label", label)
        text.text = f"{label} ?" if label else ""


def neuron_detail(trace: Trace, neuron: Neuron, digits: int, font: dict[str, str]) -> str:
    """The expanded drawing of one neuron: its inputs, weights, bias, sum and activation.

    Its element ids are ``DETAIL`` (so they differ from the main drawing's); its groups
    say by ``data-shows`` which node or edge they show, and its slots are those nodes'.
    ``font`` is the main drawing's, so both are read at one scale.
    """
    import graphviz

    nodes = {n.node_id: n for n in trace.nodes}
    steps = {s.node_id: s for s in trace.forward}

    def name(node_or_edge: str) -> str:
        return DETAIL.format(box=neuron.box_id, id=node_or_edge)

    graph = graphviz.Digraph(
        name=name("graph"),
        graph_attr={"rankdir": "LR", "nodesep": "0.12", "ranksep": "0.3"},
        node_attr=font,
        edge_attr={**font, "arrowsize": "0.6"},
    )
    graph.slots, graph.digits, graph.show_local = {}, digits, True
    inner = [neuron.sum_id] + ([neuron.activation_id] if neuron.activation_id else [])
    drawn = [i for _, i in neuron.inputs] + list(neuron.parameters) + inner
    for node_id in dict.fromkeys(drawn):
        step = steps.get(node_id) if node_id in inner else None
        label, plan = value_record(
            nodes[node_id],
            show_grad=True,
            digits=digits,
            fill=None,
            flat=flat_text(step, digits),
            note=None,
        )
        graph.node(name(node_id), label=label, shape="plain", id=name(node_id))
        graph.slots[name(node_id)] = plan
        if step is not None:
            add_operation(graph, step, False, digits, node_id=name(op_id(node_id)))
            add_edges(graph, step, set(), name=name)
    title = nodes[neuron.box_id].name
    return numbers_to_slots(graph, f"Neuron {title}, expanded")
