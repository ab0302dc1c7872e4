"""nn's losses against closed forms (mpmath at 40 digits), their gradients, and their edge cases."""

import math

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_lite import DomainError, Value

finite = st.floats(-30, 30, allow_nan=False)


def grads_of(loss_fn, predictions, targets):
    values = [Value(p) for p in predictions]
    loss = loss_fn(values, targets)
    loss.backward()
    return loss.data, [v.grad for v in values]


def mp_sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


# --- mse and sse_half ----------------------------------------------------------------


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=6))
def test_mse_and_sse_half_closed_forms(pairs):
    ps, ts = [p for p, _ in pairs], [t for _, t in pairs]
    n = len(pairs)
    loss, grads = grads_of(nn.mse, ps, ts)
    with mpmath.workdps(40):
        exact = mpmath.fsum((mpmath.mpf(t) - p) ** 2 for p, t in pairs) / n
        assert loss == pytest.approx(float(exact), rel=1e-13, abs=1e-300)
    assert grads == pytest.approx([2 * (p - t) / n for p, t in pairs], rel=1e-12, abs=1e-12)
    half, half_grads = grads_of(nn.sse_half, ps, ts)
    assert half == pytest.approx(loss * n / 2, rel=1e-13, abs=1e-300)
    assert half_grads == pytest.approx([p - t for p, t in pairs], rel=1e-12, abs=1e-12)


def test_sse_half_is_seed_002s_error():
    predicted = Value(1 / (1 + math.exp(-1.94)))
    error = nn.sse_half(predicted, 0.03)
    error.backward()
    assert round(error.data, 9) == 0.356465271  # printed by the article
    assert round(predicted.grad, 9) == 0.844352143  # dE/dpredicted, printed


def test_a_single_pair_may_be_given_as_scalars():
    assert nn.mse(Value(3.0), 1.0).data == 4.0
    assert nn.mse([Value(3.0)], [1.0]).data == 4.0
    assert nn.sse_half(2.0, 0.0).data == 2.0


@pytest.mark.parametrize(
    "loss",
    [
        nn.mse,
        nn.sse_half,
        nn.binary_cross_entropy,
        nn.binary_cross_entropy_with_logits,
        nn.max_margin,
    ],
)
def test_lengths_are_checked(loss):
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        loss([Value(0.5), Value(0.5)], [1, 1, 1])
    with pytest.raises(ValueError, match="no predictions"):
        loss([], [])
    with pytest.raises(TypeError, match="must be a number, got str"):
        loss(["a"], [1])
    with pytest.raises(TypeError, match="a Value, a number or a list of them"):
        loss([Value(0.5)], "1")


# --- binary cross-entropy on probabilities --------------------------------------------


def test_bce_of_0_8_and_1_is_minus_log_0_8():
    p = Value(0.8)
    loss = nn.binary_cross_entropy(p, 1)
    loss.backward()
    assert loss.data == -math.log(0.8)
    assert p.grad == pytest.approx(-1 / 0.8, rel=1e-15)


@settings(max_examples=200)
@given(st.floats(1e-6, 1 - 1e-6), st.floats(0, 1))
def test_bce_closed_form_and_gradient(p, y):
    loss, (grad,) = grads_of(nn.binary_cross_entropy, [p], [y])
    with mpmath.workdps(40):
        P, Y = mpmath.mpf(p), mpmath.mpf(y)
        exact = -(Y * mpmath.log(P) + (1 - Y) * mpmath.log(1 - P))
        exact_grad = (P - Y) / (P * (1 - P))
    assert loss == pytest.approx(float(exact), rel=1e-9, abs=1e-15)
    assert grad == pytest.approx(float(exact_grad), rel=1e-9, abs=1e-12)


def test_bce_at_exactly_0_and_1_where_the_math_allows():
    for p, y, expected_grad in [(1.0, 1, -1.0), (0.0, 0, 1.0)]:
        v = Value(p)
        loss = nn.binary_cross_entropy(v, y)
        loss.backward()
        assert loss.data == 0.0
        assert v.grad == expected_grad


@pytest.mark.parametrize("p, y", [(0.0, 1), (1.0, 0), (0.0, 0.5), (1.0, 0.5)])
def test_bce_that_is_infinite_raises_a_clear_error(p, y):
    with pytest.raises(DomainError, match="loss is infinite.*binary_cross_entropy_with_logits"):
        nn.binary_cross_entropy(Value(p), y)


def test_bce_refuses_what_is_not_a_probability():
    with pytest.raises(DomainError, match=r"prediction 0 is 1.5, not a probability in \[0, 1\]"):
        nn.binary_cross_entropy(Value(1.5), 1)
    with pytest.raises(ValueError, match=r"target 1 is 2.0; targets must lie in \[0, 1\]"):
        nn.binary_cross_entropy([0.5, 0.5], [1, 2])


def test_bce_averages_its_terms():
    loss = nn.binary_cross_entropy([Value(0.8), Value(0.4)], [1, 0])
    assert loss.data == pytest.approx((-math.log(0.8) - math.log(0.6)) / 2, rel=1e-15)


# --- binary cross-entropy on logits ---------------------------------------------------


@settings(max_examples=300)
@given(st.floats(-1000, 1000), st.floats(0, 1))
def test_bce_with_logits_closed_form_and_gradient(z, y):
    loss, (grad,) = grads_of(nn.binary_cross_entropy_with_logits, [z], [y])
    with mpmath.workdps(60):
        Z, Y = mpmath.mpf(z), mpmath.mpf(y)
        exact = mpmath.log(1 + mpmath.exp(Z)) - Y * Z
        exact_grad = mp_sigmoid(Z) - Y
    assert math.isfinite(loss) and math.isfinite(grad)
    assert loss == pytest.approx(float(exact), rel=1e-9, abs=1e-13)
    assert grad == pytest.approx(float(exact_grad), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    "z, y, loss, grad",
    [
        (1000.0, 1, 0.0, 0.0),
        (1000.0, 0, 1000.0, 1.0),
        (-1000.0, 1, 1000.0, -1.0),
        (-1000.0, 0, 0.0, 0.0),
        (0.0, 1, math.log(2), -0.5),
        (0.0, 0, math.log(2), 0.5),
        (0.0, 0.25, math.log(2), 0.25),
    ],
)
def test_bce_with_logits_at_the_extremes_and_at_zero(z, y, loss, grad):
    v = Value(z)
    out = nn.binary_cross_entropy_with_logits(v, y)
    out.backward()
    assert out.data == pytest.approx(loss, abs=1e-300)
    assert v.grad == grad


@given(st.floats(-15, 15), st.sampled_from([0, 1, 0.3]))
def test_bce_with_logits_agrees_with_bce_of_the_sigmoid(z, y):
    direct = nn.binary_cross_entropy_with_logits(Value(z), y).data
    via_probability = nn.binary_cross_entropy(Value(z).sigmoid(), y).data
    assert direct == pytest.approx(via_probability, rel=1e-6, abs=1e-12)


# --- cross-entropy --------------------------------------------------------------------


def softmax_mp(zs):
    with mpmath.workdps(50):
        top = max(zs)
        exps = [mpmath.exp(mpmath.mpf(z) - top) for z in zs]
        total = mpmath.fsum(exps)
        return [float(e / total) for e in exps]


logit_lists = st.lists(st.floats(-50, 50), min_size=1, max_size=6)


@pytest.mark.filterwarnings("ignore:cross_entropy. got 1 logit")  # one logit: the maths holds
@settings(max_examples=200)
@given(logit_lists, st.data())
def test_cross_entropy_with_an_index_is_minus_log_softmax_and_its_gradient_is_softmax_minus_onehot(
    zs, data
):
    target = data.draw(st.integers(0, len(zs) - 1))
    loss, grads = grads_of(nn.cross_entropy, zs, target)
    with mpmath.workdps(50):
        exact = mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(z)) for z in zs)) - zs[target]
    assert loss == pytest.approx(float(exact), rel=1e-12, abs=1e-13)
    onehot = [1.0 if i == target else 0.0 for i in range(len(zs))]
    assert grads == pytest.approx([s - t for s, t in zip(softmax_mp(zs), onehot)], abs=1e-13)


@pytest.mark.filterwarnings("ignore:cross_entropy. got 1 logit")  # one logit: the maths holds
@settings(max_examples=200)
@given(st.lists(st.tuples(st.floats(-50, 50), st.floats(0, 1)), min_size=1, max_size=6))
def test_cross_entropy_with_probabilities(pairs):
    zs = [z for z, _ in pairs]
    weights = [w for _, w in pairs]
    total = math.fsum(weights)
    if total == 0:
        weights, total = [1.0] + [0.0] * (len(zs) - 1), 1.0
    probs = [w / total for w in weights]
    probs[-1] = 1.0 - math.fsum(probs[:-1])
    probs[-1] = max(probs[-1], 0.0)
    loss, grads = grads_of(nn.cross_entropy, zs, probs)
    log_probs = [math.log(s) if s > 0 else -math.inf for s in softmax_mp(zs)]
    expected = -math.fsum(t * lp for t, lp in zip(probs, log_probs) if t)
    assert loss == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert grads == pytest.approx([s - t for s, t in zip(softmax_mp(zs), probs)], abs=1e-12)


def test_cross_entropy_one_hot_list_equals_index():
    zs = [0.3, -1.2, 2.5]
    assert nn.cross_entropy([Value(z) for z in zs], [0, 1, 0]).data == pytest.approx(
        nn.cross_entropy([Value(z) for z in zs], 1).data, rel=1e-15
    )


def test_cross_entropy_is_finite_for_logits_of_1000():
    for target, expected in [(0, 0.0), (1, 2000.0), (2, 1000.0)]:
        zs = [Value(1000.0), Value(-1000.0), Value(0.0)]
        loss = nn.cross_entropy(zs, target)
        loss.backward()
        assert loss.data == expected
        onehot = [1.0 if i == target else 0.0 for i in range(3)]
        assert [z.grad for z in zs] == [s - t for s, t in zip([1.0, 0.0, 0.0], onehot)]


@pytest.mark.parametrize(
    "target, error, message",
    [
        (3, ValueError, "target class 3 is out of range for 3 logits"),
        (-1, ValueError, "out of range"),
        (True, TypeError, "class index"),
        ("0", TypeError, "class index"),
        ([0.5, 0.5], ValueError, "3 logits but 2 target probabilities"),
        ([0.5, 0.5, 0.5], ValueError, "sum to 1"),
        ([1.5, -0.5, 0.0], ValueError, ">= 0"),
        ([1.0, "0", 0.0], TypeError, r"target\[1\] must be a number"),
    ],
)
def test_cross_entropy_errors(target, error, message):
    with pytest.raises(error, match=message):
        nn.cross_entropy([Value(0.1), Value(0.2), Value(0.3)], target)


def test_cross_entropy_needs_logits():
    with pytest.raises(ValueError, match="no logits"):
        nn.cross_entropy([], 0)


# --- max-margin and the L2 penalty ------------------------------------------------------


@given(st.lists(st.tuples(st.floats(-5, 5), st.sampled_from([-1, 1])), min_size=1, max_size=8))
def test_max_margin_is_the_mean_hinge(pairs):
    scores, labels = [s for s, _ in pairs], [y for _, y in pairs]
    loss, grads = grads_of(nn.max_margin, scores, labels)
    n = len(pairs)
    assert loss == pytest.approx(
        math.fsum(max(0.0, 1 - y * s) for s, y in pairs) / n, rel=1e-12, abs=1e-15
    )
    assert grads == pytest.approx([(-y / n if 1 - y * s > 0 else 0.0) for s, y in pairs], rel=1e-12)


def test_max_margin_labels_must_be_plus_or_minus_one():
    with pytest.raises(ValueError, match="target 0 is 0.0; labels must be -1 or \\+1"):
        nn.max_margin(Value(0.5), 0)


def test_l2_penalty_is_one_node_with_gradient_2_alpha_p():
    params = [Value(0.5), Value(-2.0), Value(3.0)]
    penalty = nn.l2_penalty(params, 1e-4)
    penalty.backward()
    assert penalty.data == pytest.approx(1e-4 * (0.25 + 4.0 + 9.0), rel=1e-15)
    assert [p.grad for p in params] == pytest.approx([2e-4 * p.data for p in params], rel=1e-15)
    assert penalty.op.name == "mul_k" and penalty.parents[0].op.name == "dot"


@pytest.mark.parametrize(
    "loss, predictions, targets",
    [
        (nn.mse, [0.2, 0.9, -1.0], [0.0, 1.0, 1.0]),
        (nn.binary_cross_entropy, [0.2, 0.9, 0.5], [0, 1, 0.5]),
        (nn.binary_cross_entropy_with_logits, [0.2, 9.0, -3.0], [0, 1, 0.5]),
        (nn.max_margin, [0.2, 0.9, -3.0], [1, -1, 1]),
    ],
)
def test_reduction_sum_is_n_times_the_mean(loss, predictions, targets):
    """Seed 001 writes its loss as a sum of per-class binary cross-entropies: reduction='sum'."""
    values = [Value(p) for p in predictions]
    total = loss(values, targets, reduction="sum")
    total.backward()
    mean = loss([Value(p) for p in predictions], targets)
    assert total.data == pytest.approx(3 * mean.data, rel=1e-15)
    fresh = [Value(p) for p in predictions]
    loss(fresh, targets).backward()
    assert [v.grad for v in values] == pytest.approx([3 * v.grad for v in fresh], rel=1e-15)
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum', got 'none'"):
        loss(values, targets, reduction="none")
