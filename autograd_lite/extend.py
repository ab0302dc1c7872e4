"""``apply``: the public door for a new operation, the one ``functional.py`` uses too.

A learner adds an operation by writing one row of the table (an ``Op``) and a function
that calls ``apply(row, *operands)``; every reader of a graph then treats it like the
package's own rows (HIPS autograd's ``extend.py`` plays the same part).
"""

from __future__ import annotations

from .engine import Value, _constant, _record, as_value
from .errors import OperandTypeError
from .ops import Op


def apply(op: Op, *operands: Value | float, constant: float | None = None) -> Value:
    """A node made by the row ``op`` from ``operands``: how a new operation joins the graph.

    A learner adds an operation by writing one row (``Op``) and a function that calls
    ``apply``; ``backward()``, the tracer, the renderer and the page then read that row
    like any other. Plain numbers among ``operands`` become leaves; ``constant`` is the
    plain-number operand of a row with ``has_constant`` (as in ``x ** k``).
    """
    if not isinstance(op, Op):
        raise OperandTypeError(f"apply() takes an Op (a row of the table), got {type(op).__name__}")
    if not operands:
        raise OperandTypeError(f"apply({op.name}) needs at least one operand, got none")
    parents = operands
    for x in operands:  # Values pass as they are; one plain number makes a new tuple
        if type(x) is not Value:
            parents = tuple(as_value(x, op.name) for x in operands)
            break
    if op.has_constant:
        if constant is None or len(parents) != 1:
            raise OperandTypeError(
                f"apply({op.name}): the row takes one operand and a constant=, got "
                f"{len(parents)} operand(s) and constant={constant!r}"
            )
        return _record(op, parents, _constant(constant, op.name))
    if constant is not None:
        raise OperandTypeError(f"apply({op.name}): the row takes no constant, got {constant!r}")
    return _record(op, parents)
