"""``backward()``'s loop, written from the table: the common rows' products inline, no call.

``propagate`` walks the nodes from the root down and hands each node's gradient to its
row's helper (``backward_rules``). A Python call costs about as much as a tanh node's
whole chain rule, so for the rows most graphs are made of (``HOT``) the helper's lines
are copied into the loop itself, behind ``if op is ROW``; any other row, ``dot``, ``sum``
and a learner's rows still go through their helper or their rule. The lines are the
helpers' own text (``backward_rules.source``, written from each row's rule), so the same
floats are multiplied and added in the same order: the gradients are bit for bit those of
the helpers, and the table stays the only place that knows a derivative.
"""

from __future__ import annotations

import linecache
import re
from collections.abc import Callable
from typing import Any

from .backward_rules import _fixed_count, source
from .codegen import namespace
from .errors import AutogradError
from .failures import nonfinite_received, operation_failure
from .ops import OPS, Op

HOT = ("add", "mul", "mul_k", "add_k", "tanh", "relu", "sub", "pow", "exp", "log", "neg")
"""The rows whose products are inlined, the most common first: a node tests them in order."""

_HEAD = """\
def loop(order, checked, rules, rule_for):
    node = order[-1]
    try:
        for node in reversed(order):  # a node's gradient is complete when it is reached
            g = node.grad
            if g == 0.0:
                continue
            op = node.op
            if op is None:  # a leaf: its grad may be a Value left by create_graph
                if checked and type(g) is float and g - g != 0.0:
                    raise nonfinite_received(node, order, local_grads)
                continue
            if g - g != 0.0 and checked:  # inf or NaN: name the product that made it
                raise nonfinite_received(node, order, local_grads)
"""

_TAIL = """\
            else:
                rule = rules.get(id(op)) or rule_for(node)
                if rule is not None:  # the row's chain-rule products, written from the table
                    rule(node, g)
                    continue
                parents = node.parents  # a rule the generator cannot read: called as it is
                for i, local in enumerate(local_grads(node)):  # faster than zip() here
                    parents[i].grad += local * g
    except AutogradError:
        raise
    except (ArithmeticError, ValueError) as exc:
        raise operation_failure(
            node.op, node.parents, node.constant, exc, in_backward=True
        ) from None
"""


def loop_source(rows: dict[str, Op]) -> str:
    """The loop's text: a branch per row, its helper's body (``node.parents`` unpacked, the products)."""
    branches = []
    for i, (name, op) in enumerate(rows.items()):
        count = _fixed_count(op)
        text = source(op, count) if count is not None else None
        if text is None:
            continue
        body = text.splitlines()[1:]  # without ``def backward_<row>(node, g):``
        keyword = "if" if not branches else "elif"
        branches.append(f"            {keyword} op is ROW{i}:  # {name}")
        branches += ["            " + line for line in body]
    if not branches:  # no row readable: every node goes the general way
        return _HEAD + "            if False:\n                pass\n" + _TAIL
    return _HEAD + "\n".join(branches) + "\n" + _TAIL


def make_loop(engine_scope: dict[str, Any]) -> Callable[..., None]:
    """The loop compiled in the engine's namespace (for ``local_grads``), the rest as closures."""
    rows = {name: OPS[name] for name in HOT if name in OPS}
    text = loop_source(rows)
    closure: dict[str, Any] = {f"ROW{i}": op for i, op in enumerate(rows.values())}
    closure.update(
        AutogradError=AutogradError,
        nonfinite_received=nonfinite_received,
        operation_failure=operation_failure,
    )
    helpers = namespace(tuple(rows.values()))
    used = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text))
    closure.update({name: fn for name, fn in helpers.items() if name in used})
    indented = "".join("    " + line + "\n" for line in text.splitlines())
    wrapper = f"def _make({', '.join(closure)}):\n{indented}    return loop\n"
    scope: dict[str, Any] = {}
    filename = "<backward loop, from the table>"
    linecache.cache[filename] = (len(wrapper), None, wrapper.splitlines(True), filename)
    code = compile(wrapper, filename, "exec")
    exec(code, engine_scope, scope)  # noqa: S102 (text written from the rows' own rules)
    return scope["_make"](**closure)
