"""An operation added from outside the package: two rows, ``sin`` and ``cos``, and ``apply``.

Each is the other's derivative, so ``backward(create_graph=True)`` differentiates
through both. Nothing in the package is touched: every reader finds the new rows in
the graph's records, as it finds the package's own.
"""

from __future__ import annotations

import math
import pickle

import pytest

from autograd_lite import (
    Op,
    OperandTypeError,
    Trace,
    Value,
    apply,
    chain,
    draw,
    explain,
    grad,
    gradcheck,
    stepper_page,
)


def sin(x):
    """sin of a float, or of a Value as a node of the graph."""
    return math.sin(x) if isinstance(x, (int, float)) else apply(SIN, x)


def cos(x):
    return math.cos(x) if isinstance(x, (int, float)) else apply(COS, x)


SIN = Op("sin", lambda a: f"sin({a})", math.sin, lambda out, a: (cos(a),))
COS = Op("cos", lambda a: f"cos({a})", math.cos, lambda out, a: (-sin(a),))


def f(x: Value) -> Value:
    return (sin(x) * x).named("f")


X = 0.7
DF = math.cos(X) * X + math.sin(X)  # d/dx x sin x
D2F = -math.sin(X) * X + 2 * math.cos(X)


def test_backward_through_a_new_row():
    x = Value(X, "x")
    f(x).backward()
    assert x.grad == pytest.approx(DF, rel=1e-15)


def test_second_derivative_through_both_rows():
    x = Value(X, "x")
    (first,) = grad(f(x), [x], create_graph=True)
    assert isinstance(first, Value)
    assert first.data == pytest.approx(DF, rel=1e-15)
    (second,) = grad(first, [x])
    assert second == pytest.approx(D2F, rel=1e-14)
    x2 = Value(X, "x")
    f(x2).backward(create_graph=True)
    assert x2.grad.data == pytest.approx(DF, rel=1e-15)


def test_explain_chain_and_gradcheck_read_the_new_row():
    x = Value(X, "x")
    y = f(x)
    trace = explain(y)
    assert trace.forward[0].op == "sin"
    assert trace.forward[0].text(6) == "v1 = sin(x) = sin(0.7) = 0.644218"
    assert trace.forward[0].local == (math.cos(X),)
    assert trace.node("x").grad == pytest.approx(DF, rel=1e-15)
    assert pickle.loads(pickle.dumps(trace)) == trace
    assert Trace.from_json(trace.to_json()) == trace
    assert chain(y, x).value == pytest.approx(DF, rel=1e-15)
    result = gradcheck(lambda v: sin(v) * v, [X])
    assert result.ok and result.rows[0].analytic == pytest.approx(DF, rel=1e-15)


def test_draw_and_the_page_show_the_new_row():
    x = Value(X, "x")
    y = f(x)
    svg = draw(y).pipe(format="svg", encoding="utf-8")
    assert ">sin<" in svg  # the operation's node, written by its name
    assert f">{math.cos(X):.4g}<" in svg  # the edge's local derivative, from the row
    page = stepper_page(y)
    assert "sin(x) = sin(0.7) = 0.644217687" in page.html


def test_a_stale_graph_of_new_rows_is_caught():
    x = Value(X, "x")
    y = f(x)
    x.data = 1.0
    with pytest.raises(Exception, match="changed after its forward pass"):
        explain(y)


def test_apply_refuses_what_is_not_a_row_or_an_operand():
    with pytest.raises(OperandTypeError, match="takes an Op"):
        apply(math.sin, Value(1.0))
    with pytest.raises(OperandTypeError, match="at least one operand"):
        apply(SIN)
    with pytest.raises(OperandTypeError, match="str"):
        apply(SIN, "x")
    with pytest.raises(OperandTypeError, match="takes no constant"):
        apply(SIN, Value(1.0), constant=2.0)
