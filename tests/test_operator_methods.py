"""Value's operators, written from the table, make the node ``_record`` makes, error for error."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_lite import Value, allow_nonfinite, dot, engine, layer_dot, no_grad
from autograd_lite.ops import OPS

# method -> (its row for a Value operand, its row for a plain number, its symbol)
BINARY = {
    "__add__": ("add", "add_k", "+"),
    "__sub__": ("sub", "sub_k", "-"),
    "__mul__": ("mul", "mul_k", "*"),
    "__truediv__": ("div", "div_k", "/"),
    "__pow__": ("powv", "pow", "**"),
}
REFLECTED = {
    "__radd__": ("add_k", "+"),
    "__rsub__": ("rsub_k", "-"),
    "__rmul__": ("mul_k", "*"),
    "__rtruediv__": ("rdiv_k", "/"),
    "__rpow__": ("rpow_k", "**"),
}
UNARY = {"__neg__": "neg", "exp": "exp", "log": "log", "tanh": "tanh", "sigmoid": "sigmoid"}
UNARY["relu"] = "relu"

numbers = st.one_of(
    st.floats(-1e3, 1e3, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 710.0, 1e308, -1e308, 5e-324]),
    st.integers(-3, 3),
)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def outcome(make):
    """The node's (data bits, row, parents, constant), or the error's type and message."""
    try:
        node = make()
    except Exception as exc:  # noqa: BLE001 (the error is what is compared)
        return type(exc), str(exc)
    return bits(node.data), node.op, node.parents, node.constant


@settings(max_examples=300, deadline=None)
@given(method=st.sampled_from(sorted(BINARY)), a=numbers, b=numbers, b_is_value=st.booleans())
def test_a_binary_operator_is_its_row_recorded(method, a, b, b_is_value):
    x = Value(a, "x")
    row, row_k, symbol = BINARY[method]
    if b_is_value:
        y = Value(b, "y")
        got = outcome(lambda: getattr(x, method)(y))
        want = outcome(lambda: engine._record(OPS[row], (x, y)))
    else:
        got = outcome(lambda: getattr(x, method)(b))
        want = outcome(lambda: engine._record(OPS[row_k], (x,), engine._constant(b, symbol)))
    assert got == want


@settings(max_examples=200, deadline=None)
@given(method=st.sampled_from(sorted(REFLECTED)), a=numbers, k=numbers)
def test_a_reflected_operator_is_its_row_with_the_constant(method, a, k):
    x = Value(a, "x")
    row, symbol = REFLECTED[method]
    got = outcome(lambda: getattr(x, method)(k))
    want = outcome(lambda: engine._record(OPS[row], (x,), engine._constant(k, symbol)))
    assert got == want


@settings(max_examples=200, deadline=None)
@given(method=st.sampled_from(sorted(UNARY)), a=numbers)
def test_a_one_operand_method_is_its_row(method, a):
    x = Value(a, "x")
    assert outcome(lambda: getattr(x, method)()) == outcome(
        lambda: engine._record(OPS[UNARY[method]], (x,))
    )


def test_the_errors_name_the_operation_and_the_values():
    with pytest.raises(ZeroDivisionError, match=r"div: division by zero in 1.0 / 0.0"):
        Value(1.0) / Value(0.0)
    with pytest.raises(OverflowError, match=r"exp: result too large for a float in exp\(800.0\)"):
        Value(800.0).exp()
    with pytest.raises(TypeError, match=r"unsupported operand for \*: str \('w'\) with a Value"):
        Value(1.0) * "w"
    with pytest.raises(ValueError, match="NaN and infinity are refused"):
        Value(1.0) + math.inf


def test_no_grad_and_allow_nonfinite_hold_for_the_generated_methods():
    x = Value(2.0)
    with no_grad():
        y = x * 3.0 + x
    assert y.data == 8.0 and y.parents == () and y.op is None
    with allow_nonfinite():
        z = Value(1e308) * 10.0
    assert z.data == math.inf


def test_a_subclass_of_value_takes_the_general_path():
    class Named(Value):
        __slots__ = ()

    x, y = Value(2.0), Named(3.0)
    z = x * y
    assert z.data == 6.0 and z.parents == (x, y) and z.op is OPS["mul"]


def test_help_shows_the_rows():
    assert "mul, d out / d operand = b, a" in Value.__mul__.__doc__
    assert "tanh, d out / d operand = 1 - out**2" in Value.tanh.__doc__
    assert Value.tanh.__name__ == "tanh" and Value.__rpow__.__qualname__ == "Value.__rpow__"


@settings(max_examples=100, deadline=None)
@given(
    ws=st.lists(st.floats(-10, 10), min_size=0, max_size=20),
    bias=st.one_of(st.none(), st.floats(-10, 10)),
    data=st.data(),
)
def test_layer_dot_is_dot(ws, bias, data):
    xs = data.draw(st.lists(st.floats(-10, 10), min_size=len(ws), max_size=len(ws)))
    wv, xv = [Value(w) for w in ws], [Value(x) for x in xs]
    bv = None if bias is None else Value(bias)
    a, b = dot(wv, xv, bv), layer_dot(wv, xv, bv)
    assert bits(a.data) == bits(b.data) and a.op is b.op
    assert a.parents == b.parents


def test_layer_dot_takes_a_plain_number_weight_as_dot_does():
    neuron = nn.Neuron(2, seed=0)
    neuron.w[0] = 0.5  # a learner's edit: a constant now, no gradient
    x = [Value(1.0), Value(2.0)]
    out = neuron(x)
    assert out.data == dot([0.5, neuron.w[1]], x, neuron.b).data


def test_the_generated_text_can_be_read_and_a_traceback_shows_it():
    import inspect
    import traceback

    assert "data = a * b" in inspect.getsource(Value.__mul__)
    try:
        Value(1.0) / 0.0
    except ZeroDivisionError as exc:
        shown = "".join(traceback.format_exception(exc))
    assert "<Value.__truediv__, from the table>" in shown and "raise operation_failure" in shown
