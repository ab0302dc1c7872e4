"""backward()'s loop, with the common rows' products inline, gives what their helpers give.

``backward_loop`` copies each ``HOT`` row's helper body into the loop behind
``if op is ROW``; on many random operands, constants, upstream and starting gradients, a
node's parents must end with exactly the floats the helper (and the plain rule) gives.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_lite import OPS, AutogradError, DomainError, Value, apply, engine, local_grads
from autograd_lite.backward_loop import HOT, loop_source
from autograd_lite.backward_rules import RULES, source

NUMBERS = st.floats(-6.0, 6.0, allow_nan=False, allow_infinity=False)


def bits(xs) -> list[bytes]:
    return [struct.pack("<d", x) for x in xs]


def run_loop(node: Value, g: float, start: list[float]) -> list[float]:
    for p, s in zip(node.parents, start):
        p.grad = s
    node.grad = g
    order = [*node.parents, node]  # unchecked: an overflow to inf is compared, not raised
    engine._backward_loop(order, False, RULES, lambda n: RULES.get(id(n.op)))
    return [p.grad for p in node.parents]


def run_rule(node: Value, g: float, start: list[float]) -> list[float]:
    for p, s in zip(node.parents, start):
        p.grad = s
    for i, local in enumerate(local_grads(node)):
        node.parents[i].grad += local * g
    return [p.grad for p in node.parents]


@settings(max_examples=80, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("name", HOT)
def test_an_inlined_row_gives_its_rules_products_bit_for_bit(name, data):
    op = OPS[name]
    count = 1 if op.has_constant or name in ("tanh", "relu", "exp", "log", "neg") else 2
    xs = data.draw(st.lists(NUMBERS, min_size=count, max_size=count))
    constant = data.draw(st.one_of(st.integers(-3, 3), NUMBERS)) if op.has_constant else None
    try:
        node = apply(op, *[Value(x) for x in xs], constant=constant)
    except AutogradError:
        assume(False)
    g = data.draw(NUMBERS.filter(bool))
    start = data.draw(st.lists(NUMBERS, min_size=count, max_size=count))
    try:
        want = run_rule(node, g, start)
    except (ArithmeticError, ValueError):
        assume(False)  # 0 ** -1's derivative: the loop's error is tested below
    assert bits(run_loop(node, g, start)) == bits(want)


def test_every_hot_row_has_its_branch_with_its_helpers_lines():
    text = loop_source({name: OPS[name] for name in HOT})
    for i, name in enumerate(HOT):
        assert f"op is ROW{i}:  # {name}" in text
    body = source(OPS["mul"], 2).splitlines()[1:]
    assert all(line in text for line in body)  # the helper's own lines, copied
    assert "rules.get(id(op)) or rule_for(node)" in text  # every other row: its helper


def test_a_failing_local_derivative_in_the_loop_names_the_operation():
    x = Value(0.0, "x")
    y = x**0.5  # sqrt(0) = 0 is fine; its derivative 0.5 * 0 ** -0.5 is not
    with pytest.raises(DomainError) as got:
        y.backward()
    assert "pow" in str(got.value) and "x" in str(got.value)


def test_rows_outside_the_loop_still_get_their_gradients():
    a, b = Value(0.3, "a"), Value(-1.2, "b")
    out = (a.sigmoid() / b) + (2.0 - a) ** b.exp()  # sigmoid, div, rsub_k: not inlined
    out.backward()
    h = 1e-6
    for leaf in (a, b):
        leaf.data += h
        up = ((a.sigmoid() / b) + (2.0 - a) ** b.exp()).data
        leaf.data -= 2 * h
        down = ((a.sigmoid() / b) + (2.0 - a) ** b.exp()).data
        leaf.data += h
        assert leaf.grad == pytest.approx((up - down) / (2 * h), rel=1e-6)
