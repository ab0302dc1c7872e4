"""The ids that tie a drawing to a trace: one place spells them, every reader calls these.

A Value's record is ``X1`` (the tracer's ``node_id``); the small node of the operation
that made it is ``X1~op``; the edge from that operation to the Value is ``X1~out`` and
the edge from its i-th operand ``X1~in<i>``. The SVG, the step-through page's JSON and
the tests all name shapes through these functions, so a step names what shows it.
"""

from __future__ import annotations


def op_id(node_id: str) -> str:
    """The small node of the operation that made ``node_id``."""
    return f"{node_id}~op"


def out_edge_id(node_id: str) -> str:
    """The edge from the operation to the Value it made."""
    return f"{node_id}~out"


def in_edge_id(node_id: str, position: int) -> str:
    """The edge from the operand at ``position`` to the operation that made ``node_id``."""
    return f"{node_id}~in{position}"


def is_value_id(element_id: str) -> bool:
    """True for a Value's record, False for an operation node or an edge."""
    return "~" not in element_id


def is_in_edge_id(element_id: str) -> bool:
    """True for an edge from an operand (the edges that carry a local derivative)."""
    return "~in" in element_id


def step_edges(node_id: str, positions: range | list[int]) -> list[str]:
    """The edges a step uses: the operation's output, then its operands' edges in order."""
    return [out_edge_id(node_id)] + [in_edge_id(node_id, i) for i in positions]
