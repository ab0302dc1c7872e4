"""codegen: the text generated from each row of the table computes what the row computes, bit for bit.

For every row and many random operands, ``eval`` of ``forward_expression`` and of
``local_expressions`` (with ``codegen.namespace()``) equals the row's own ``forward`` and
``local_grads``, compared as the bits of the float; where the row fails (a domain), the text
fails with the same exception class.
"""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import codegen
from autograd_lite.ops import OPS

VARIADIC = {"sum", "dot", "logsumexp"}
UNARY = {"neg", "exp", "log", "tanh", "sigmoid", "relu"}
NAMES = "abcdefgh"

numbers = st.one_of(
    st.floats(-5, 5, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 1e-300, -3.0]),
    st.floats(-800, 800, allow_nan=False),
)
constants = st.one_of(st.sampled_from([0, 1, 2, 3, -1, 0.5, -2.5, 2.0, 0.0]), numbers)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def arity(name: str, op, variadic_count: int) -> int:
    if name in VARIADIC:
        return variadic_count
    return 1 if op.has_constant or name in UNARY else 2


def run(callable_, *args):
    try:
        return callable_(*args), None
    except (ArithmeticError, ValueError) as exc:
        return None, type(exc)


@pytest.mark.parametrize("name", sorted(OPS))
@settings(max_examples=150, deadline=None)
@given(data=st.data(), count=st.integers(1, 6), named_constant=st.booleans())
def test_generated_text_equals_the_row_bit_for_bit(name, data, count, named_constant):
    op = OPS[name]
    n = arity(name, op, count)
    xs = [data.draw(numbers) for _ in range(n)]
    names = list(NAMES[:n])
    env = codegen.namespace() | dict(zip(names, xs))
    args = list(xs)
    constant_text = None
    if op.has_constant:
        k = data.draw(constants)
        args.append(k)
        constant_text = "k" if named_constant else repr(k)
        env["k"] = k
    out, error = run(op.forward, *args)
    text = codegen.forward_expression(op, names, constant_text)
    got, got_error = run(lambda: eval(text, env))
    assert got_error == error, text
    if error is not None:
        return
    if isinstance(out, complex) or not math.isfinite(out):
        return
    assert bits(got) == bits(out), text
    env["out"] = out
    texts = codegen.local_expressions(op, "out", names, constant_text)
    assert len(texts) == n
    locals_, error = run(op.local_grads, out, *args)
    values = [run(lambda t=text: eval(t, env)) for text in texts]
    if error is not None:  # the rule fails (0 ** -1.5): so does one of the texts, the same way
        assert error in {e for _, e in values}, texts
        return
    for text, expected, (value, value_error) in zip(texts, locals_, values):
        assert value_error is None, text
        assert bits(float(value)) == bits(float(expected)), text


def test_relu_branches_become_a_conditional_expression():
    assert codegen.forward_expression(OPS["relu"], ["s"]) == "s if s > 0.0 else 0.0"
    assert codegen.local_expressions(OPS["relu"], "h", ["s"]) == ("1.0 if h > 0.0 else 0.0",)


def test_the_power_rule_is_decided_for_a_literal_and_kept_for_a_name():
    assert codegen.local_expressions(OPS["pow"], "out", ["x"], "0") == ("0.0",)
    assert codegen.local_expressions(OPS["pow"], "out", ["x"], "3") == ("3 * x ** 2",)
    assert codegen.local_expressions(OPS["pow"], "out", ["x"], "k") == (
        "0.0 if k == 0 else k * x ** (k - 1)",
    )


def test_parentheses_keep_the_order_of_float_operations():
    sub, mul, neg, pow_ = OPS["sub"], OPS["mul"], OPS["neg"], OPS["pow"]
    assert codegen.forward_expression(sub, ["a", "b - c"]) == "a - (b - c)"
    assert codegen.forward_expression(sub, ["a - b", "c"]) == "(a - b) - c"
    assert codegen.forward_expression(mul, ["a + b", "c"]) == "(a + b) * c"
    assert codegen.forward_expression(neg, ["a"]) == "-a"
    assert codegen.local_expressions(pow_, "out", ["-a"], "2") == ("2 * (-a) ** 1",)


def test_dot_is_written_out_bias_first_as_the_row_adds_it():
    dot = OPS["dot"]
    assert codegen.forward_expression(dot, ["x1", "w1", "x2", "w2", "b"]) == "b + x1 * w1 + x2 * w2"
    assert codegen.forward_expression(dot, ["x1", "w1"]) == "0.0 + x1 * w1"
    assert codegen.local_expressions(dot, "s", ["x1", "w1", "b"]) == ("w1", "x1", "1.0")


def test_helpers_with_a_domain_are_called_by_name():
    assert codegen.forward_expression(OPS["pow"], ["a"], "0.5") == "_power(a, 0.5)"
    assert codegen.forward_expression(OPS["sigmoid"], ["s"]) == "_sigmoid(s)"
    assert codegen.forward_expression(OPS["logsumexp"], ["a", "b"]) == "_logsumexp(a, b)"
    assert codegen.forward_expression(OPS["exp"], ["a"]) == "exp(a)"


def test_a_row_from_outside_whose_rule_symbols_cannot_follow_is_called_by_name():
    from autograd_lite.ops import Op

    sin = Op("sin", lambda a: f"sin({a})", math.sin, lambda out, a: (math.cos(a),))
    env = codegen.namespace([sin]) | {"a": 0.3}
    text = codegen.forward_expression(sin, ["a"])
    (grad,) = codegen.local_expressions(sin, "out", ["a"])
    assert eval(text, env) == math.sin(0.3)
    assert eval(grad, env | {"out": math.sin(0.3)}) == math.cos(0.3)


def test_bad_arguments_are_named():
    from autograd_lite import ArgumentError, ArgumentTypeError

    with pytest.raises(ArgumentTypeError, match="Op"):
        codegen.forward_expression("add", ["a", "b"])
    with pytest.raises(ArgumentError, match="constant"):
        codegen.forward_expression(OPS["pow"], ["a"])
    with pytest.raises(ArgumentError, match="no constant"):
        codegen.forward_expression(OPS["add"], ["a", "b"], "2")
    with pytest.raises(ArgumentTypeError, match="texts"):
        codegen.forward_expression(OPS["add"], "ab")
