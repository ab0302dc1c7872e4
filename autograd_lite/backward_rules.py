"""Chain-rule helpers written from the table: one small function per row (and operand count).

``backward()`` could ask every node's row for its local derivatives (``local_grads``),
get a tuple back and loop over it. Instead, each row's rule is turned into Python text
once (``codegen.local_expressions``, which runs the rule on symbols) and that text is
compiled into a function that applies the node's chain-rule products directly::

    def backward_mul(node, g):
        p0 = node._a
        p1 = node._b
        a = p0.data
        b = p1.data
        p0.grad += b * g
        p1.grad += a * g

The same floats are multiplied and added in the same order as ``local_grads`` and the
loop would (every local derivative computed before the first product is added), so
the gradients are bit for bit the same; the table stays the only place that knows a
derivative. Rows with a fixed number of operands get their helper at import; ``sum``,
``dot``, ``logsumexp`` and rows added by a learner get one per operand count on first
use. A rule the generator cannot read, or more than ``MAX_OPERANDS`` operands, gets
``None``: ``backward()`` then calls the row's rule as it is.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable
from typing import Any

from .codegen import grads_name, local_expressions, namespace
from .ops import OPS, Op

MAX_OPERANDS = 256
"""Wider nodes (a penalty over every weight, a 10^5-term sum) use the row's rule as it is."""

Rule = Callable[[Any, float], None]
"""``rule(node, g)``: add ``local * g`` to each parent's ``.grad``."""

RULES: dict[int, Rule] = {}
"""``id(row)`` -> helper, for the rows of ``OPS`` with a fixed number of operands."""

_BY_COUNT: dict[tuple[int, int], tuple[Op, Rule | None]] = {}
"""``(id(row), operands)`` -> (the row, kept alive so its id stays its own; its helper)."""
_lock = threading.Lock()
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def source(op: Op, count: int) -> str | None:
    """The helper's text for ``op`` with ``count`` operands; ``None`` if the rule is not readable."""
    names = ["a", "b"] if count <= 2 else [f"x{i}" for i in range(count)]
    names = names[:count]
    constant = "k" if op.has_constant else None
    try:
        locals_ = local_expressions(op, "out", names, constant)
    except Exception:  # noqa: BLE001 (a learner's rule run on symbols may fail any way)
        return None
    if len(locals_) != count or any(grads_name(op) in text for text in locals_):
        return None  # the generator fell back to calling the rule: nothing to gain
    used = {word for text in locals_ for word in _NAME.findall(text)}
    parents = [f"p{i}" for i in range(count)]
    lines = [f"def backward_{_identifier(op.name)}(node, g):"]
    lines += _unpack(parents)
    if "out" in used:
        lines.append("    out = node.data")
    if constant and "k" in used:
        lines.append("    k = node.constant")
    lines += [f"    {name} = {p}.data" for name, p in zip(names, parents) if name in used]
    products = []
    for i, text in enumerate(locals_):
        if _is_plain(text):  # a name or a number: nothing to compute, nothing that can fail
            products.append(f"    p{i}.grad += {text} * g")
        else:  # computed first, all of them, as local_grads does before any product is added
            lines.append(f"    l{i} = {text}")
            products.append(f"    p{i}.grad += l{i} * g")
    return "\n".join(lines + products) + "\n"


def _unpack(parents: list[str]) -> list[str]:
    """Lines that take the node's parents from its slots (``engine.Value``: one or two in
    ``_a`` and ``_b``, three or more in ``_more``)."""
    if len(parents) <= 2:
        return [f"    {p} = node.{slot}" for p, slot in zip(parents, ("_a", "_b"))]
    return [f"    {', '.join(parents)} = node._more"]


def _is_plain(text: str) -> bool:
    return text.isidentifier() or re.fullmatch(r"-?[0-9.]+", text) is not None


def _identifier(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


def _compile(op: Op, count: int) -> Rule | None:
    text = source(op, count)
    if text is None:
        return None
    scope = namespace((op,))
    try:  # text codegen wrote from the row's own rule, nothing else
        code = compile(text, f"<backward rule {op.name}, {count} operands>", "exec")
    except SyntaxError:  # a learner's row whose text does not read back: use its rule
        return None
    exec(code, scope)  # noqa: S102
    return scope[f"backward_{_identifier(op.name)}"]


def rule_for(node: Any) -> Rule | None:
    """The helper for ``node``'s row and operand count, written on first use; or ``None``."""
    op = node.op
    count = len(node._more) if node._a is None else 1 if node._b is None else 2  # no tuple
    key = (id(op), count)
    entry = _BY_COUNT.get(key)
    if entry is None or entry[0] is not op:
        if count > MAX_OPERANDS:
            return None
        with _lock:
            entry = (op, _compile(op, count))
            _BY_COUNT[key] = entry
    return entry[1]


def _fixed_count(op: Op) -> int | None:
    """How many graph operands the row's rule takes, or ``None`` if any number (``*xs``)."""
    try:
        parameters = list(inspect.signature(op.local_grads).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return None
    return len(parameters) - 1 - op.has_constant  # not ``out``, not the constant


for _op in OPS.values():
    _count = _fixed_count(_op)
    if _count is not None and (_rule := _compile(_op, _count)) is not None:
        RULES[id(_op)] = _rule
        _BY_COUNT[(id(_op), _count)] = (_op, _rule)
