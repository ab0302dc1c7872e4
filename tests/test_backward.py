"""`backward()`: the chain rule on random expressions, accumulation, second order, deep graphs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Value, dot, grad, log_softmax, logsumexp, softmax, topological_order, vsum
from tests.numeric import central_differences

N_LEAVES = 3

# A random expression is a small tree over N_LEAVES leaves, built from smooth operations.
expressions = st.recursive(
    st.one_of(
        st.integers(0, N_LEAVES - 1).map(lambda i: ("leaf", i)),
        st.floats(-2, 2).map(lambda c: ("const", c)),
    ),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(["add", "sub", "mul"]), inner, inner),
        st.tuples(st.sampled_from(["tanh", "sigmoid", "neg", "square"]), inner),
    ),
    max_leaves=12,
)
points = st.lists(st.floats(-1.5, 1.5), min_size=N_LEAVES, max_size=N_LEAVES)


def evaluate(tree, xs):
    """Evaluate a tree on Values or on floats alike."""
    kind = tree[0]
    if kind == "leaf":
        return xs[tree[1]]
    if kind == "const":
        return tree[1]
    args = [evaluate(t, xs) for t in tree[1:]]
    if kind == "add":
        return args[0] + args[1]
    if kind == "sub":
        return args[0] - args[1]
    if kind == "mul":
        return args[0] * args[1]
    if kind == "neg":
        return -args[0]
    if kind == "square":
        return args[0] * args[0]
    x = args[0]
    if isinstance(x, Value):
        return x.tanh() if kind == "tanh" else x.sigmoid()
    return math.tanh(x) if kind == "tanh" else 1 / (1 + math.exp(-x))


def gradient(tree, point):
    leaves = [Value(x) for x in point]
    out = evaluate(tree, leaves)
    if isinstance(out, Value):
        out.backward()
    return [leaf.grad for leaf in leaves]


@settings(max_examples=150, deadline=None)
@given(tree=expressions, point=points)
def test_random_expressions_match_finite_differences(tree, point):
    analytic = gradient(tree, point)
    numeric = central_differences(lambda p: float(evaluate(tree, p)), point)
    assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(f=expressions, g=expressions, point=points, a=st.floats(-3, 3), b=st.floats(-3, 3))
def test_the_gradient_is_linear(f, g, point, a, b):
    combined = ("add", ("mul", ("const", a), f), ("mul", ("const", b), g))
    expected = [a * df + b * dg for df, dg in zip(gradient(f, point), gradient(g, point))]
    assert gradient(combined, point) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(f=expressions, g=expressions, point=points)
def test_product_and_quotient_rules(f, g, point):
    fv, gv = float(evaluate(f, point)), float(evaluate(g, point))
    df, dg = gradient(f, point), gradient(g, point)
    product = gradient(("mul", f, g), point)
    assert product == pytest.approx([a * gv + fv * b for a, b in zip(df, dg)], rel=1e-9, abs=1e-12)
    leaves = [Value(x) for x in point]
    g_of_leaves = evaluate(g, leaves)
    g_of_leaves = g_of_leaves if isinstance(g_of_leaves, Value) else Value(g_of_leaves)
    (evaluate(f, leaves) / (2.0 + g_of_leaves.tanh())).backward()
    dh = [(1 - math.tanh(gv) ** 2) * b for b in dg]
    h = 2.0 + math.tanh(gv)
    quotient = [(a * h - fv * c) / h**2 for a, c in zip(df, dh)]
    assert [leaf.grad for leaf in leaves] == pytest.approx(quotient, rel=1e-9, abs=1e-12)


def test_a_value_used_twice_gets_both_contributions():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5)), min_size=1, max_size=10),
    st.floats(-5, 5),
)
def test_vsum_and_dot_agree_with_binary_operators(pairs, bias):
    ws, xs = [Value(w) for w, _ in pairs], [Value(x) for _, x in pairs]
    b = Value(bias)
    n_ary = dot(ws, xs, b) + vsum(xs)
    chained = b
    for w, x in zip(ws, xs):
        chained = chained + w * x
    for x in xs:
        chained = chained + x
    assert n_ary.data == pytest.approx(chained.data, rel=1e-12, abs=1e-12)
    n_ary.backward()
    grads = [v.grad for v in ws + xs + [b]]
    for v in ws + xs + [b]:
        v.grad = 0.0
    chained.backward()
    assert grads == pytest.approx([v.grad for v in ws + xs + [b]], rel=1e-12, abs=1e-12)


def test_dot_adds_the_bias_first_then_products_in_order():
    # the order of Brownlee's hand-written loop, so the last bits agree with it
    ws, xs, bias = [0.1, 0.2, 0.3], [0.7, 0.11, 0.13], 0.9
    expected = bias
    for w, x in zip(ws, xs):
        expected += w * x
    assert dot(ws, xs, bias).data == expected


def test_summing_ten_thousand_terms_is_one_node():
    terms = [Value(float(i)) for i in range(10_000)]
    total = vsum(terms)
    assert total.data == sum(range(10_000))
    assert len(topological_order(total)) == 10_001
    total.backward()
    assert all(t.grad == 1.0 for t in terms)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1000, 1000), min_size=1, max_size=8))
def test_softmax_sums_to_one_and_stays_finite(xs):
    probabilities = softmax(xs)
    assert math.fsum(p.data for p in probabilities) == pytest.approx(1.0, abs=1e-12)
    assert all(0.0 <= p.data <= 1.0 for p in probabilities)
    logs = log_softmax(xs)
    assert all(math.isfinite(v.data) for v in logs)


def test_softmax_and_logsumexp_at_plus_minus_1000():
    xs = [Value(1000.0), Value(-1000.0), Value(0.0)]
    assert logsumexp(xs).data == 1000.0
    assert [p.data for p in softmax(xs)] == [1.0, 0.0, math.exp(-1000.0)]
    assert [v.data for v in log_softmax(xs)] == [0.0, -2000.0, -1000.0]
    loss = -log_softmax(xs)[1]
    loss.backward()
    assert [x.grad for x in xs] == pytest.approx([1.0, -1.0, 0.0])


def test_logsumexp_gradient_is_softmax():
    values = [0.3, -1.2, 2.0]
    xs = [Value(x) for x in values]
    logsumexp(xs).backward()
    z = sum(math.exp(x) for x in values)
    assert [x.grad for x in xs] == pytest.approx([math.exp(x) / z for x in values], rel=1e-14)


def test_two_backward_calls_give_leaves_exactly_twice_the_gradient():
    a, b = Value(0.7), Value(-1.3)
    hidden = (a * b).tanh()
    out = hidden * hidden + a
    out.backward()
    once = (a.grad, b.grad, hidden.grad)
    out.backward()
    assert (a.grad, b.grad) == (2 * once[0], 2 * once[1])
    # intermediates show the latest pass only (micrograd's issue #53 doubles them and more)
    assert hidden.grad == once[2]


def test_backward_with_a_seed_scales_every_gradient():
    x = Value(2.0)
    y = x**3
    y.backward(grad=0.5)
    assert x.grad == 0.5 * 12.0
    assert y.grad == 0.5


def test_create_graph_gradients_are_values_with_the_same_numbers():
    x, y = Value(1.3), Value(-0.4)
    f = (x * y).tanh() + x**2
    gx, gy = grad(f, [x, y], create_graph=True)
    x2, y2 = Value(1.3), Value(-0.4)
    ((x2 * y2).tanh() + x2**2).backward()
    assert isinstance(gx, Value) and gx.data == pytest.approx(x2.grad, rel=1e-15)
    assert gy.data == pytest.approx(y2.grad, rel=1e-15)


def test_backward_create_graph_sets_leaf_grads_to_values():
    x = Value(2.0)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.data == 12.0
    x.grad = 0.0
    first.backward()
    assert x.grad == 12.0  # d/dx 3x^2 = 6x


def test_grad_leaves_leaf_gradients_untouched():
    x = Value(2.0)
    x.grad = 5.0
    (g,) = grad(x * x, [x])
    assert g == 4.0 and x.grad == 5.0
    assert grad(x * 2, [Value(1.0)], allow_unused=True) == [0.0]  # not in the graph


def test_hessian_of_a_small_function():
    # f(x, y) = x^2 y + exp(x y); its Hessian by hand
    px, py = 0.6, -1.1
    x, y = Value(px), Value(py)
    f = x * x * y + (x * y).exp()
    first = grad(f, [x, y], create_graph=True)
    hessian = [grad(g, [x, y]) for g in first]
    e = math.exp(px * py)
    expected = [
        [2 * py + py * py * e, 2 * px + e + px * py * e],
        [2 * px + e + px * py * e, px * px * e],
    ]
    assert hessian == [pytest.approx(row, rel=1e-13) for row in expected]


def test_newtons_method_finds_the_square_root_of_two():
    x = Value(1.0)
    for _ in range(6):  # minimise (x^2 - 2)^2 / 4 by Newton's method on its derivative
        f = (x * x - 2) ** 2 / 4
        (df,) = grad(f, [x], create_graph=True)
        (d2f,) = grad(df, [x])
        x = Value(x.data - df.data / d2f)
    assert x.data == pytest.approx(math.sqrt(2), rel=1e-12)


def test_a_million_node_chain_forward_and_backward():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert y.data == 1_000_001.0
    assert x.grad == 1.0


def test_a_deep_chain_of_multiplications_has_the_exact_gradient():
    x = Value(1.0001)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    z = y * y
    z.backward()
    assert x.grad == 2 * 1.0001


def test_topological_order_puts_parents_first_and_is_stable():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = (a * b).named("c")
    d = (c + a).named("d")
    order = topological_order(d)
    assert [v.label for v in order] == ["a", "b", "c", "d"]
    assert topological_order(d) == order
