"""The chain-rule helpers written from the table agree with the rows' rules, bit for bit.

``backward()`` applies each node's products through a helper generated from its row
(``autograd_lite.backward_rules``); the plain way is ``local_grads(node)`` and a loop.
Every row, on many random operands, constants, upstream gradients and starting
gradients, must give exactly the same floats both ways.
"""

from __future__ import annotations

import inspect
import math
import struct

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_lite import OPS, AutogradError, DomainError, Op, Value, apply, local_grads
from autograd_lite.backward_rules import MAX_OPERANDS, RULES, rule_for, source

VARIADIC = {
    name
    for name, op in OPS.items()
    if any(
        p.kind is p.VAR_POSITIONAL for p in inspect.signature(op.local_grads).parameters.values()
    )
}
NUMBERS = st.floats(-6.0, 6.0, allow_nan=False, allow_infinity=False)
CONSTANTS = st.one_of(st.integers(-3, 3), NUMBERS)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def plain_products(node: Value, g: float) -> None:
    """What backward() did before the helpers: the row's rule, then one product per parent."""
    for i, local in enumerate(local_grads(node)):
        node.parents[i].grad += local * g


def both_ways(node: Value, g: float, start: list[float]) -> tuple[list[float], list[float]]:
    """The parents' gradients after the plain products and after the helper, from ``start``."""
    results = []
    for apply_products in (plain_products, rule_for(node)):
        for p, s in zip(node.parents, start):
            p.grad = s
        apply_products(node, g)
        results.append([p.grad for p in node.parents])
    return results[0], results[1]


def build(op: Op, data: list[float], constant: float | None) -> Value:
    try:
        return apply(op, *[Value(x) for x in data], constant=constant)
    except AutogradError:
        assume(False)  # outside the row's domain: nothing to differentiate


def fixed_count(op: Op) -> int:
    """How many graph operands a row takes (the constant of a ``_k`` row is none of them)."""
    return len(inspect.signature(op.local_grads).parameters) - 1 - op.has_constant


def operand_count(op: Op, draw) -> int:
    return draw(st.integers(1, 40)) if op.name in VARIADIC else fixed_count(op)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("name", list(OPS))
def test_every_row_helper_gives_the_rules_products_bit_for_bit(name, data):
    op = OPS[name]
    count = operand_count(op, data.draw)
    operands = data.draw(st.lists(NUMBERS, min_size=count, max_size=count))
    constant = data.draw(CONSTANTS) if op.has_constant else None
    node = build(op, operands, constant)
    g = data.draw(NUMBERS)
    start = data.draw(st.lists(NUMBERS, min_size=count, max_size=count))
    try:
        expected = both_ways(node, g, start)
    except (ArithmeticError, ValueError):  # the rule itself fails: the helper must fail alike
        with pytest.raises((ArithmeticError, ValueError)):
            rule_for(node)(node, g)
        return
    plain, helper = expected
    assert [bits(x) for x in helper] == [bits(x) for x in plain]


def test_the_variadic_rows_are_found():
    assert {"sum", "dot", "logsumexp"} <= VARIADIC and "mul" not in VARIADIC


def test_every_row_has_a_helper():
    """No row of the table falls back to calling its rule (their rules are all readable)."""
    for op in OPS.values():
        count = 3 if op.name in VARIADIC else fixed_count(op)
        constant = 2.0 if op.has_constant else None
        node = apply(op, *[Value(0.5 + i) for i in range(count)], constant=constant)
        assert rule_for(node) is not None, op.name
    assert {id(op) for op in OPS.values() if op.name not in VARIADIC} <= set(RULES)


def test_a_repeated_parent_gets_both_products_in_order():
    x = Value(0.3)
    for node in (x * x, apply(OPS["dot"], x, x, x, x, x), apply(OPS["sum"], x, x)):
        plain, helper = both_ways(node, 1.7, [0.25] * len(node.parents))
        assert bits(helper[-1]) == bits(plain[-1])


def test_the_helper_reads_as_the_chain_rule():
    assert source(OPS["mul"], 2) == (
        "def backward_mul(node, g):\n"
        "    p0 = node._a\n"
        "    p1 = node._b\n"
        "    a = p0.data\n"
        "    b = p1.data\n"
        "    p0.grad += b * g\n"
        "    p1.grad += a * g\n"
    )
    text = source(OPS["relu"], 1)
    assert "l0 = 1.0 if out > 0.0 else 0.0" in text and "p0.grad += l0 * g" in text


def test_a_rule_the_generator_cannot_read_is_called_as_it_is():
    sine = Op("sine", lambda a: f"sine({a})", math.sin, lambda out, a: (math.cos(a),))
    x = Value(0.7)
    y = apply(sine, x) * 2.0
    assert rule_for(y.parents[0]) is None
    y.backward()
    assert x.grad == 2.0 * math.cos(0.7)


def test_a_rule_that_fails_on_symbols_any_way_is_called_as_it_is():
    # floats have .conjugate(); the generator's symbols do not (an AttributeError)
    same = Op("same", lambda a: f"same({a})", lambda a: a, lambda out, a: (a.conjugate() / a,))
    x = Value(1.5)
    y = apply(same, x) * 3.0
    assert rule_for(y.parents[0]) is None
    y.backward()
    assert x.grad == 3.0


def test_wide_nodes_use_the_rule_as_it_is():
    xs = [Value(float(i)) for i in range(MAX_OPERANDS + 1)]
    total = apply(OPS["sum"], *xs)
    assert rule_for(total) is None
    total.backward()
    assert all(x.grad == 1.0 for x in xs)


def test_a_failing_local_derivative_names_the_operation():
    x = Value(0.0, "x")
    y = x**0.5  # the forward is 0; the derivative 0.5 * 0 ** -0.5 divides by zero
    with pytest.raises(DomainError, match=r"the local derivative of pow is not finite at x\*\*0.5"):
        y.backward()


@pytest.mark.parametrize("count", [1, 2, 3, 5])
@pytest.mark.parametrize("name", sorted(VARIADIC))
def test_a_wide_row_with_one_or_two_operands_keeps_them_in_order(name, count):
    """One or two operands sit in the node's own slots, three or more in its tuple: the
    node reads the same either way, and its helper (one per count) agrees with its rule."""
    operands = [Value(0.3 * i - 0.4, f"x{i}") for i in range(count)]
    node = apply(OPS[name], *operands)
    assert node.parents == tuple(operands)
    assert all(p is q for p, q in zip(node.parents, operands, strict=True))
    plain, helper = both_ways(node, 1.3, [0.25 * i for i in range(count)])
    assert [bits(x) for x in helper] == [bits(x) for x in plain]
    assert plain != [0.25 * i for i in range(count)]  # the products were added
    for x in operands:
        x.grad = 0.0
    node.backward()
    assert [x.grad for x in operands] == list(local_grads(node))  # seed 1.0: the locals
