"""compile_graph on a batch: one function per distinct example subgraph, looped, still bit for bit.

A batch's loss is many copies of one example's graph over shared parameters; the program
compiles the copy once (``_t0_forward``/``_t0_backward``) and loops over the examples in the
order ``backward()`` reaches them, so its numbers stay the engine's.
"""

from __future__ import annotations

import struct
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_lite import Value, compile_graph, dot, repeats, vsum


def bits(xs) -> list[bytes]:
    return [struct.pack("<d", x) for x in xs]


def batch_graph(hidden, n_examples, seed, labels_as_inputs=True, penalty=True):
    xs, ys = nn.datasets.make_moons(n_examples, noise=0.1, seed=seed, labels=(-1, 1))
    model = nn.MLP(2, [hidden, hidden, 1], seed=seed)
    params = model.parameters()
    xv = [[Value(a, f"x{i}_{j}") for j, a in enumerate(x)] for i, x in enumerate(xs)]
    yv = [Value(float(y), f"y{i}") for i, y in enumerate(ys)]
    losses = [(1.0 - y * model(x)).relu() for x, y in zip(xv, yv)]
    loss = vsum(losses) / len(losses)
    if penalty:
        loss = loss + nn.l2_penalty(params, 1e-4)
    inputs = params + [v for row in xv for v in row] + (yv if labels_as_inputs else [])
    return loss, inputs


@settings(max_examples=8, deadline=None)
@given(hidden=st.sampled_from([6, 9]), n=st.integers(30, 60), seed=st.integers(0, 5))
def test_a_batch_compiles_its_example_once_and_matches_backward_bit_for_bit(hidden, n, seed):
    loss, inputs = batch_graph(hidden, n, seed, penalty=seed % 2 == 0)
    prog = compile_graph(loss, inputs)
    assert prog.source.count("def _t0_forward(") == 1 and "def _t1_forward(" not in prog.source
    loss.backward()
    out, grads = prog([v.data for v in inputs])
    assert bits([out]) == bits([loss.data])
    assert bits(grads) == bits([v.grad for v in inputs])
    # new numbers: the engine on a graph built from them
    loss2, inputs2 = batch_graph(hidden, n, seed + 1, penalty=seed % 2 == 0)
    loss2.backward()
    out2, grads2 = prog([v.data for v in inputs2])
    assert bits([out2]) == bits([loss2.data])
    assert bits(grads2) == bits([v.grad for v in inputs2])


def test_the_source_grows_with_the_model_not_the_batch():
    small = compile_graph(*batch_graph(8, 40, 0), comments=False)
    large = compile_graph(*batch_graph(8, 160, 0), comments=False)
    template = small.source.split("def program(")[0].replace("40 copies", "160 copies")
    assert large.source.split("def program(")[0] == template
    # beyond the template, a few words per example: its inputs in the rows and its names
    per_example = (len(large.source) - len(small.source)) / 120
    assert per_example < 400


def constant_label_batch(n=50, seed=3):
    xs, ys = nn.datasets.make_moons(n, noise=0.1, seed=seed, labels=(-1, 1))
    model = nn.MLP(2, [8, 8, 1], seed=seed)
    xv = [[Value(a) for a in x] for x in xs]
    loss = nn.max_margin([model(x) for x in xv], [float(y) for y in ys])
    return loss, model.parameters() + [v for row in xv for v in row]


def test_constant_labels_loop_over_the_model_and_leave_the_heads_outside():
    loss, inputs = constant_label_batch()
    prog = compile_graph(loss, inputs)
    # relu(1 - s) for y = 1 and relu(1 + s) for y = -1 over one model: the loop is the model's
    assert "def _t1_forward(" not in prog.source and "kind == 1" not in prog.source
    assert prog.source.count(" if ") > 40  # the 50 heads' relus, written out after the loop
    loss.backward()
    out, grads = prog([v.data for v in inputs])
    assert bits([out, *grads]) == bits([loss.data, *(v.grad for v in inputs)])


def test_heads_that_branch_mix_templates_when_no_shared_model_is_below(monkeypatch):
    from autograd_lite import repeats

    monkeypatch.setattr(repeats, "_over_commoner", lambda *args: False)
    loss, inputs = constant_label_batch()
    prog = compile_graph(loss, inputs)
    assert "if kind == 0:" in prog.source and "elif kind == 1:" in prog.source
    loss.backward()
    out, grads = prog([v.data for v in inputs])
    assert bits([out, *grads]) == bits([loss.data, *(v.grad for v in inputs)])


def test_an_error_inside_a_copy_is_the_engines():
    from autograd_lite import DomainError

    w = Value(1.0, "w")
    xs = [Value(float(i + 1), f"x{i}") for i in range(300)]
    terms = []
    for x in xs:
        h = x * w
        for _ in range(20):
            h = (h * 0.5 + 1.0).tanh() + h
        terms.append(h.log())
    loss = vsum(terms)
    prog = compile_graph(loss, [w, *xs])
    assert "_t0_forward" in prog.source
    values = [1.0] + [x.data for x in xs]
    values[150] = -1e6  # x149 * w: deeply negative, and log of it fails
    with pytest.raises(DomainError) as got:
        prog(values)
    assert "log needs a positive operand" in str(got.value)


OPS_OF_A_COPY = ["mul", "add", "tanh", "sigmoid", "relu", "square", "mul_k", "exp_neg", "dot"]
copies = st.lists(
    st.tuples(st.sampled_from(OPS_OF_A_COPY), st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=16,
    max_size=30,
)


def copy_graph(plan, params, x):
    """One example's graph: the plan's steps over the shared parameters and the example's x."""
    nodes = [*params, x]
    for kind, i, j in plan:
        a, b = nodes[-1 - i % 3], nodes[j % len(nodes)]  # mostly a chain: all in the graph
        if kind == "mul":
            v = a * b
        elif kind == "add":
            v = a + b
        elif kind == "square":
            v = a * a
        elif kind == "mul_k":
            v = 0.5 * a
        elif kind == "exp_neg":
            v = (-(a * a)).exp()
        elif kind == "dot":
            v = dot([a, b, x], [b, x, a], params[0])
        else:
            v = getattr(a, kind)()
        nodes.append(v)
    return vsum([nodes[-1], *params, x])  # every leaf in the graph


@settings(max_examples=25, deadline=None)
@given(
    plan=copies,
    heads=st.lists(
        st.sampled_from(["hinge+", "hinge-", "twice", "none"]), min_size=10, max_size=60
    ),
    seed=st.integers(0, 100),
)
def test_random_copies_with_random_heads_match_backward_bit_for_bit(plan, heads, seed):
    import random

    rng = random.Random(seed)

    def build(values, xs):
        params = [Value(v, f"p{k}") for k, v in enumerate(values)]
        xv = [Value(x, f"x{i}") for i, x in enumerate(xs)]
        terms = []
        for x, head in zip(xv, heads):
            out = copy_graph(plan, params, x)
            if head == "hinge+":
                out = (1.0 - out).relu()
            elif head == "hinge-":
                out = (1.0 + out).relu()
            elif head == "twice":
                out = out * 2.0
            terms.append(out)
        return vsum(terms) / len(terms), params, xv

    values = [rng.uniform(-1, 1) for _ in range(3)]
    xs = [rng.uniform(-1, 1) for _ in heads]
    loss, params, xv = build(values, xs)
    with (
        patch.object(repeats, "MIN_INSTANCE_NODES", 4),
        patch.object(repeats, "MIN_GRAPH_EDGES", 0),
    ):
        prog = compile_graph(loss, params + xv)
    assert "def _t0_forward(" in prog.source  # the copies are looped over
    loss.backward()
    out, grads = prog([v.data for v in params + xv])
    assert bits([out, *grads]) == bits([loss.data, *(v.grad for v in params + xv)])
    values2 = [rng.uniform(-1, 1) for _ in range(3)]
    xs2 = [rng.uniform(-1, 1) for _ in heads]
    loss2, params2, xv2 = build(values2, xs2)
    loss2.backward()
    out2, grads2 = prog(values2 + xs2)
    assert bits([out2, *grads2]) == bits([loss2.data, *(v.grad for v in params2 + xv2)])


def test_a_copy_whose_seed_is_zero_is_passed_over_as_backward_passes_over_it():
    """A dead hinge gives its copy a zero seed: backward() never reaches sqrt's derivative at 0."""

    def build(values):
        leaves = [Value(v, f"x{i}") for i, v in enumerate(values)]
        w, xs = leaves[0], leaves[1:]
        ys = [1.0 if i % 2 else -1.0 for i in range(len(xs))]  # constants: heads outside
        copies = [((x * w) ** 0.5 + x * 0.1).tanh() for x in xs]
        terms = [(y * c - 0.5).relu() for y, c in zip(ys, copies)]
        return vsum(terms), leaves

    loss, leaves = build([1.0] + [float(i % 5 + 1) for i in range(200)])
    with (
        patch.object(repeats, "MIN_INSTANCE_NODES", 4),
        patch.object(repeats, "MIN_GRAPH_EDGES", 0),
    ):
        prog = compile_graph(loss, leaves)
    assert "if not seed:" in prog.source
    values = [2.0] + [float(i % 5) for i in range(200)]  # x = 0: the hinge is dead ...
    loss2, leaves2 = build(values)
    loss2.backward()  # ... and d sqrt(0) (a division by zero) is never computed
    with patch("autograd_lite.program.replay", side_effect=AssertionError("replayed")):
        out, grads = prog(values)
    assert bits([out, *grads]) == bits([loss2.data, *(v.grad for v in leaves2)])
    assert list(grads[1::5]) == [0.0] * 40 and all(g > 0 for g in grads[2::10])
