"""Numbers and names as the tracer and the renderer show them.

One naming for every reader: a node is shown by its label, an unlabelled operation as
``v1``, ``v2``, ..., an unlabelled leaf by its number, and each gets an id safe in DOT
and HTML. Formatting numbers to a number of significant digits lives here too, since
every table, formula and drawing writes numbers the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from .engine import Value
from .errors import ArgumentError

DEFAULT_DIGITS = 9
"""Significant digits printed by default: enough to compare with articles that print 9."""

_UNSAFE_IN_ID = re.compile(r"[^\w.\-\[\]']")
_PLAIN_NAME = re.compile(r"[A-Za-z_][\w.\[\]']*")


def format_number(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """``x`` to ``digits`` significant digits, without trailing zeros (``1.94``, ``2``)."""
    text = f"{float(x):.{digits}g}"
    return "0" if text == "-0" else text


def operand_text(x: float, digits: int) -> str:
    """A number placed inside a formula: negative ones in parentheses, ``0.5*(-3)``."""
    text = format_number(x, digits)
    return f"({text})" if text.startswith("-") else text


def check_digits(digits: int) -> int:
    """``digits`` itself when it is an integer from 1 to 17 (a float's significant digits)."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ArgumentError(f"digits must be an integer from 1 to 17, got {digits!r}")
    return digits


@dataclass(frozen=True, slots=True)
class NodeName:
    """How a node is shown (``name``) and a unique id safe in DOT and HTML (``node_id``)."""

    node_id: str
    name: str


def node_names(nodes: Iterable[Value]) -> dict[Value, NodeName]:
    """Stable names for ``nodes`` (in topological order), shared by the tracer and the renderer.

    A labelled node is shown by its label (a repeated label gets ``#2``, ``#3``); an
    unlabelled operation gets ``v1``, ``v2``, ... in order; an unlabelled leaf (a
    ``Value(0.3)`` nobody named) is shown as its number and gets the id ``c1``,
    ``c2``, .... (A plain number in ``0.5*x`` is not a node at all: it is part of its
    operation, written in its formula.) Ids keep only letters, digits and ``_.-[]'`` of a
    label, so ``#`` and ``~`` stay free for the renderer's own ids.
    """
    nodes = list(nodes)
    labels = {node.label for node in nodes if node.label}
    reserved = labels | {_UNSAFE_IN_ID.sub("_", label) for label in labels}
    names: dict[Value, NodeName] = {}
    taken_names: set[str] = set()
    taken_ids: set[str] = set()
    counters = {"v": 0, "c": 0}

    def generated(prefix: str) -> str:
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]}"
            if candidate not in reserved:
                return candidate

    for node in nodes:
        if node in names:
            continue
        if node.label:
            name = _unique(node.label, taken_names)
            node_id = _unique(_UNSAFE_IN_ID.sub("_", node.label), taken_ids)
        elif node.parents:
            name = node_id = generated("v")
        else:
            name = format_number(node.data, 12)
            node_id = generated("c")
        taken_names.add(name)
        taken_ids.add(node_id)
        names[node] = NodeName(node_id, name)
    return names


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    k = 2
    while f"{base}#{k}" in taken:
        k += 1
    return f"{base}#{k}"


def plain(record: Any, **extra: Any) -> dict[str, Any]:
    """A record's shown fields as JSON-ready values (tuples as lists), plus ``extra``."""
    out = {}
    for f in fields(record):
        if f.repr:
            value = getattr(record, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out | extra


def _d(name: str) -> str:
    """``d`` in front of a name: ``dW1``, or ``d(0.5)`` for a number or an odd label."""
    return f"d{name}" if _PLAIN_NAME.fullmatch(name) else f"d({name})"


def derivative(of: str, wrt: str) -> str:
    return f"{_d(of)}/{_d(wrt)}"
