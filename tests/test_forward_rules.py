"""The wide rows' forward helpers written from the table agree with the rows, bit for bit.

A node of three or more parents gets its number through a helper generated from its
row (``autograd_lite.forward_rules``); the plain way is ``op.forward(*numbers)``. Every
wide row, on many random operands and counts, must give exactly the same float both
ways, and a failure must raise what the row raises.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import OPS, AutogradError, Op, Value, apply, dot, vsum
from autograd_lite.backward_rules import MAX_OPERANDS
from autograd_lite.forward_rules import WIDE_FORWARDS, _by_the_row, source, wide_forward

WIDE = ["sum", "dot", "logsumexp"]
NUMBERS = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


@settings(max_examples=80, deadline=None)
@given(data=st.lists(NUMBERS, min_size=3, max_size=60))
@pytest.mark.parametrize("name", WIDE)
def test_each_wide_row_helper_gives_the_rows_number_bit_for_bit(name, data):
    op = OPS[name]
    parents = [Value(x) for x in data]
    assert bits(wide_forward(op, len(data))(parents)) == bits(op.forward(*data))
    node = apply(op, *parents)  # the engine's path: the helper, inside _record
    assert bits(node.data) == bits(op.forward(*data))


def test_dot_and_sum_are_written_out_and_logsumexp_calls_its_own_forward():
    assert source(OPS["dot"], 5) == (
        "def forward_dot(parents):\n"
        "    p0, p1, p2, p3, p4, = parents\n"
        "    return p4.data + p0.data * p1.data + p2.data * p3.data\n"
    )
    assert source(OPS["dot"], 4).endswith("return 0.0 + p0.data * p1.data + p2.data * p3.data\n")
    assert source(OPS["sum"], 3).endswith("return p0.data + p1.data + p2.data\n")
    assert source(OPS["logsumexp"], 3) is None  # only the row's own helper would be called


def test_a_neurons_sum_starts_from_its_bias_then_adds_the_products_left_to_right():
    ws = [Value(w) for w in (1e16, -1e16, 1.0)]
    xs = [Value(1.0), Value(1.0), Value(1.0)]
    node = dot(ws, xs, Value(1.0))
    assert node.data == ((1.0 + 1e16) + -1e16) + 1.0 == 1.0  # not 2.0, the exact sum
    assert node.data == OPS["dot"].forward(*[v.data for v in node.parents])


def test_a_dot_without_bias_starts_from_zero_so_a_negative_zero_reads_as_the_row():
    node = dot([Value(-0.0), Value(1.0)], [Value(1.0), Value(-0.0)])
    assert bits(node.data) == bits(0.0)  # 0.0 + -0.0 + -0.0, as the row's loop gives


def test_wider_nodes_use_the_rows_forward_as_it_is():
    xs = [Value(0.5 * i) for i in range(MAX_OPERANDS + 1)]
    assert source(OPS["sum"], MAX_OPERANDS + 1) is not None  # the text could be written...
    helper = wide_forward(OPS["sum"], MAX_OPERANDS + 1)
    assert helper.__name__ == "by_the_row"  # ...but a function that long is not compiled
    assert vsum(xs).data == OPS["sum"].forward(*[x.data for x in xs])
    before = dict(WIDE_FORWARDS)
    for extra in range(2, 40):  # sums of ever new widths keep no helper each
        vsum(xs + xs[:extra])
    assert WIDE_FORWARDS == before


def test_an_overflow_fails_as_the_rows_forward_does(monkeypatch):
    big = [Value(1e200, "x"), Value(1e200, "w"), Value(1.0, "u"), Value(2.0, "v")]

    def failure() -> tuple[type, str]:
        with pytest.raises(AutogradError) as caught:
            dot(big[::2], big[1::2])
        return type(caught.value), str(caught.value)

    written_out = failure()
    assert "dot" in written_out[1] and "x = 1e+200" in written_out[1], written_out
    by_the_row = (OPS["dot"], _by_the_row(OPS["dot"]))
    monkeypatch.setitem(WIDE_FORWARDS, (id(OPS["dot"]), 4), by_the_row)
    assert failure() == written_out  # the row's own forward, called as it is: the same error


def test_a_learners_wide_row_calls_its_own_forward_on_the_numbers():
    calls = []

    row = Op(
        "ratio3",
        lambda a, b, c: f"{a} / ({b}*{c})",
        lambda a, b, c: calls.append((a, b, c)) or a / (b * c),
        lambda out, a, b, c: (1 / (b * c), -out / b, -out / c),
        domain="non-zero b and c",
    )
    assert "p0.data / (p1.data * p2.data)" in source(row, 3)  # it could be written out...
    calls.clear()
    a, z, c = Value(3.0, "a"), Value(0.0, "z"), Value(0.5, "c")
    assert apply(row, a, Value(2.0), c).data == 3.0
    assert calls == [(3.0, 2.0, 0.5)]  # ...but a learner's forward runs as written, on floats
    with pytest.raises(
        ZeroDivisionError, match=r"^ratio3: division by zero in a / \(z\*c\) with a = 3.0"
    ):
        apply(row, a, z, c)


def test_a_learners_row_put_into_the_table_is_still_called_as_written(monkeypatch):
    calls = []
    row = Op("sum3", lambda *xs: " + ".join(xs), lambda *xs: calls.append(xs) or sum(xs),
             lambda out, *xs: (1.0,) * len(xs))  # fmt: skip
    monkeypatch.setitem(OPS, "sum3", row)
    assert apply(row, Value(1.0), Value(2.0), Value(4.0)).data == 7.0
    assert calls == [(1.0, 2.0, 4.0)]  # floats only: never run on the generator's symbols
