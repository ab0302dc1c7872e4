"""Forward helpers written from the table: one per wide row (``sum``, ``dot``) and operand count.

A node of three or more parents (a neuron's ``dot``, a ``vsum``) could compute its
number as ``op.forward(*[p.data for p in parents])``: a list of floats, a call that packs
them into a tuple again, and a loop over them. For a 16-wide neuron that costs twice the
arithmetic itself. Instead, the row's forward is written out once per operand count
(``codegen.forward_expression``, the text compiled programs run) and compiled::

    def forward_dot(parents):
        p0, p1, p2, p3, p4 = parents
        return p4.data + p0.data * p1.data + p2.data * p3.data

The same floats are multiplied and added in the same order as the row's ``forward``, so
the number is the same bit for bit, and a failure raises what ``forward`` raises; the
table stays the only place that knows what an operation computes. A row the generator
cannot write out (``logsumexp`` calls its own helper), more than ``MAX_OPERANDS``
operands, and a learner's own row get the row's ``forward`` as it is: a learner's
forward is called on the numbers, as written (it may print, count or check them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from .backward_rules import MAX_OPERANDS, _identifier
from .codegen import forward_expression, forward_name, namespace
from .ops import OPS, Op

Forward = Callable[[Sequence[Any]], float]
"""``forward(parents) -> the node's number``, from the parents' ``.data``."""

WIDE_FORWARDS: dict[tuple[int, int], tuple[Op, Forward]] = {}
"""``(id(row), operands)`` -> (the row, kept alive so its id stays its own; its forward)."""
_lock = threading.Lock()
_TABLE_ROWS = tuple(OPS.values())
"""The package's own rows, as imported: a row a learner adds to ``OPS`` later is still theirs."""


def source(op: Op, count: int) -> str | None:
    """The helper's text for ``op`` with ``count`` operands; ``None`` if the row's forward
    cannot be written out (its text would only call the row's own forward)."""
    parents = [f"p{i}" for i in range(count)]
    try:
        text = forward_expression(op, [f"{p}.data" for p in parents])
    except Exception:  # noqa: BLE001 (a learner's forward run on symbols may fail any way)
        return None
    if forward_name(op) in text:
        return None
    return (
        f"def forward_{_identifier(op.name)}(parents):\n"
        f"    {', '.join(parents)}, = parents\n"
        f"    return {text}\n"
    )


def _by_the_row(op: Op) -> Forward:
    forward = op.forward

    def by_the_row(parents: Sequence[Any]) -> float:
        return forward(*[p.data for p in parents])

    return by_the_row


def _compile(op: Op, count: int) -> Forward:
    own_row = any(op is row for row in _TABLE_ROWS)
    text = source(op, count) if own_row else None
    if text is None:
        return _by_the_row(op)
    scope = namespace((op,))
    try:  # text codegen wrote from the row's own forward, nothing else
        code = compile(text, f"<forward {op.name}, {count} operands>", "exec")
    except SyntaxError:  # a learner's row whose text does not read back: use its forward
        return _by_the_row(op)
    exec(code, scope)  # noqa: S102
    return scope[f"forward_{_identifier(op.name)}"]


def wide_forward(op: Op, count: int) -> Forward:
    """The forward for ``op``'s nodes of ``count`` parents, written on first use."""
    if count > MAX_OPERANDS:  # not kept: a cache of every width ever seen would only grow
        return _by_the_row(op)
    key = (id(op), count)
    entry = WIDE_FORWARDS.get(key)
    if entry is None or entry[0] is not op:
        with _lock:
            entry = (op, _compile(op, count))
            WIDE_FORWARDS[key] = entry
    return entry[1]
