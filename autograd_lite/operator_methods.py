"""Value's operators written from the table: each method is its rows' forward, in one call.

``a + b`` could call a helper that picks the row, then one that runs the row's
``forward`` and links the node: three Python calls for every node of a graph. Instead
each operator's method is written once, at import, from its rows' forward expressions
(``codegen.forward_expression``, the same text compiled programs run) and compiled in
the engine's namespace::

    def __mul__(self, other):
        if type(other) is Value:
            second, row, constant = other, MUL, None
            a = self.data
            b = other.data
            try:
                data = a * b
            ...
        node = _new_value(Value)
        ...
        node._a = self
        node._b = second

Each does what ``engine._record`` (the path of ``apply``, ``dot`` and every other row)
does, in the same order, from the same text (``_node``, written once here): the forward
on the parents' data, the same errors for a domain error or a result that is not
finite, the node, and no graph inside ``no_grad()``. The rows stay the only place that knows what an
operation computes; this module only decides how their text is called.
``inspect.getsource(Value.__mul__)`` shows the text, and a traceback its lines.
"""

from __future__ import annotations

import linecache
import re
import textwrap
from collections.abc import Callable
from typing import Any

from .codegen import forward_expression, namespace
from .failures import operation_failure
from .forward_rules import WIDE_FORWARDS, wide_forward
from .ops import Op

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")

_LINK_ONE_OR_TWO = """\
            node._a = self
            node._b = second
            node._more = ()
"""

_LINK_ANY = """\
            if count == 2:
                node._a = parents[0]
                node._b = parents[1]
                node._more = ()
            elif count == 1:
                node._a = parents[0]
                node._b = None
                node._more = ()
            else:
                node._a = None
                node._b = None
                node._more = tuple(parents)
"""


def _node(parents: str, link: str) -> str:
    """The end of every operator, and of ``_record``: the finiteness check, then the node.

    ``parents`` is the text of the operands' tuple (only built for an error message);
    ``link`` the lines that put them in the node's slots (``engine.Value``'s docstring).
    """
    return (
        """\
        if data - data != 0.0 and not (_blocks_open and _NONFINITE_ALLOWED.get()):
"""
        + f"            raise operation_failure(row, {parents}, constant, OverflowError(), result=data)\n"
        + """\
        node = _new_value(Value)
        node.data = data
        node.grad = 0.0
        node.label = ""
        if _blocks_open == 0 or _GRAD_ENABLED.get():
            node.op = row
"""
        + link
        + """\
            node.constant = constant
        else:
            node.op = None
            node._a = None
            node._b = None
            node._more = ()
            node.constant = _MADE_WITHOUT_GRAPH
        return node
"""
    )


_SELF_AND_SECOND = "((self,) if second is None else (self, second))"


def _forward(
    row: str, op: Op, operands: list[str], constant: str | None, parents: str, indent: str
) -> str:
    text = forward_expression(op, operands, constant)
    return (
        f"{indent}try:\n"
        f"{indent}    data = {text}\n"
        f"{indent}except (ArithmeticError, ValueError) as exc:\n"
        f"{indent}    raise operation_failure({row}, {parents}, constant, exc) from None\n"
    )


def _constant_of(symbol: str, indent: str) -> str:
    """A finite float passes as it is (the common case); anything else goes through the check."""
    return (
        f"{indent}if type(other) is not float or other - other != 0.0:\n"
        f"{indent}    other = _constant(other, {symbol!r})\n"
    )


def _binary_source(name: str, op: Op, op_k: Op, symbol: str) -> str:
    """``self (op) other``: two parents when ``other`` is a Value, else ``op_k`` and a constant."""
    return (
        f"    def {name}(self, other):\n"
        "        if type(other) is Value:\n"
        "            second, row, constant = other, ROW, None\n"
        "            a = self.data\n"
        "            b = other.data\n"
        + _forward("ROW", op, ["a", "b"], None, "(self, other)", "            ")
        + "        else:\n"
        "            if type(other) is not float or other - other != 0.0:\n"
        "                if isinstance(other, Value):  # a subclass of Value: the general path\n"
        f"                    return _binary(ROW, ROW_K, self, other, {symbol!r})\n"
        f"                other = _constant(other, {symbol!r})\n"
        + "            second, row, constant = None, ROW_K, other\n"
        "            a = self.data\n"
        + _forward("ROW_K", op_k, ["a"], "constant", "(self,)", "            ")
        + _node(_SELF_AND_SECOND, _LINK_ONE_OR_TWO)
    )


def _reflected_source(name: str, op_k: Op, symbol: str) -> str:
    """``other (op) self`` for a plain-number ``other``: one parent and the constant."""
    return (
        f"    def {name}(self, other):\n"
        + _constant_of(symbol, "        ")
        + "        second, row, constant = None, ROW_K, other\n"
        "        a = self.data\n"
        + _forward("ROW_K", op_k, ["a"], "constant", "(self,)", "        ")
        + _node("(self,)", _LINK_ONE_OR_TWO)
    )


def _unary_source(name: str, op: Op) -> str:
    return (
        f"    def {name}(self):\n"
        "        second, row, constant = None, ROW, None\n"
        "        a = self.data\n"
        + _forward("ROW", op, ["a"], None, "(self,)", "        ")
        + _node("(self,)", _LINK_ONE_OR_TWO)
    )


def _method(source: str, engine_scope: dict[str, Any], **rows: Op) -> Callable[..., Any]:
    """Compile ``source`` (one method) with the rows and the helpers its text calls as closures."""
    helpers = namespace(tuple(rows.values()))
    used = sorted({w for w in _NAME.findall(source) if w in helpers})
    closure = {**rows, **{w: helpers[w] for w in used}, "operation_failure": operation_failure}
    name = re.match(r"    def (\w+)", source).group(1)  # type: ignore[union-attr]
    source = source.replace(f"def {name}(", "def method(", 1)  # ``tanh`` calls the helper tanh
    text = f"def _make({', '.join(closure)}):\n{source}    return method\n"
    scope: dict[str, Any] = {}
    filename = f"<Value.{name}, from the table>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)  # tracebacks
    exec(compile(text, filename, "exec"), engine_scope, scope)  # noqa: S102
    method = scope["_make"](**closure)
    method.__name__, method.__qualname__ = name, f"Value.{name}"
    method.__doc__ = (
        "The table's row"
        + "s" * (len(rows) > 1)
        + ": "
        + "; ".join(f"{op.name}, d out / d operand = {op.derivative}" for op in rows.values())
    )
    unary = "other" not in source.split(":", 1)[0]
    method.__annotations__ = (
        {"return": "Value"} if unary else {"other": "Value | float", "return": "Value"}
    )
    return method


def binary_method(
    name: str, op: Op, op_k: Op, symbol: str, engine_scope: dict[str, Any]
) -> Callable[..., Any]:
    """``Value.<name>(self, other)`` for the rows ``op`` (two Values) and ``op_k`` (a constant)."""
    return _method(_binary_source(name, op, op_k, symbol), engine_scope, ROW=op, ROW_K=op_k)


def reflected_method(
    name: str, op_k: Op, symbol: str, engine_scope: dict[str, Any]
) -> Callable[..., Any]:
    """``Value.<name>(self, other)`` for ``other (op) self`` with a plain-number ``other``."""
    return _method(_reflected_source(name, op_k, symbol), engine_scope, ROW_K=op_k)


def unary_method(name: str, op: Op, engine_scope: dict[str, Any]) -> Callable[..., Any]:
    """``Value.<name>(self)`` for a one-operand row (``exp``, ``relu``, ``-x``)."""
    return _method(_unary_source(name, op), engine_scope, ROW=op)


_RECORD = """\
def _record(op, parents, constant=None):
    row = op
    count = len(parents)
    try:
        if count > 2:  # dot, sum: the wide rows first (a row with a constant has one parent)
            entry = wide_forwards.get((id(op), count))
            if entry is None or entry[0] is not op:
                entry = (op, wide_forward(op, count))
            data = entry[1](parents)
        elif op.has_constant:  # one parent and the constant, passed by hand: a list costs more
            data = op.forward(parents[0].data, constant)
        elif count == 1:
            data = op.forward(parents[0].data)
        elif count == 2:
            data = op.forward(parents[0].data, parents[1].data)
        else:
            data = op.forward()
    except (ArithmeticError, ValueError) as exc:
        raise operation_failure(op, parents, constant, exc) from None
"""


def record_function(engine_scope: dict[str, Any]) -> Callable[..., Any]:
    """``engine._record(op, parents, constant=None)``: any row's node, by calling its ``forward``.

    The general path (``apply``, ``dot``, a learner's rows), with the operators' node text.
    """
    body = _RECORD + textwrap.indent(textwrap.dedent(_node("parents", _LINK_ANY)), "    ")
    text = (
        "def _make(operation_failure, wide_forwards, wide_forward):\n"
        f"{textwrap.indent(body, '    ')}    return _record\n"
    )
    filename = "<engine._record, from operator_methods>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    scope: dict[str, Any] = {}
    exec(compile(text, filename, "exec"), engine_scope, scope)  # noqa: S102 (our own text)
    record = scope["_make"](operation_failure, WIDE_FORWARDS, wide_forward)
    record.__doc__ = (
        "Compute one row's forward on the parents' data and, unless in no_grad, link the node."
    )
    record.__annotations__ = {
        "op": "Op",
        "parents": "tuple[Value, ...]",
        "constant": "float | None",
        "return": "Value",
    }
    return record
