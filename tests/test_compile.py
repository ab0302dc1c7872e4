"""compile_graph: the program's numbers are backward()'s, bit for bit, and its errors the engine's.

Random graphs (hypothesis) over every row of the table, with shared nodes, constants and
leaves used several times, are built once to compile and again with new numbers for the
engine; the program called on those numbers must give the same output and gradients
(compared as the bits of each float), or raise the same error with the same message.
"""

from __future__ import annotations

import struct
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import (
    ArgumentError,
    ArgumentTypeError,
    DomainError,
    NoGraphError,
    Value,
    ValueOverflowError,
    allow_nonfinite,
    compile_graph,
    dot,
    logsumexp,
    no_grad,
    vsum,
)

UNARY = ["neg", "exp", "log", "tanh", "sigmoid", "relu", "square", "pow_k", "rpow_k"]
UNARY += ["add_k", "sub_k", "rsub_k", "mul_k", "div_k", "rdiv_k"]
BINARY = ["add", "sub", "mul", "div", "powv"]
NARY = ["sum", "dot", "logsumexp"]

steps = st.lists(
    st.tuples(
        st.sampled_from(UNARY + BINARY + NARY),
        st.lists(st.integers(0, 10**6), min_size=1, max_size=5),
        st.sampled_from([2, 3, 0.5, -1, 0, 1.5, -2.0, 0.1]),
    ),
    min_size=1,
    max_size=25,
)
numbers = st.floats(-3, 3, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-3)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def build(plan, values):
    """The graph of ``plan`` over leaves with ``values``; the leaves and the last node."""
    leaves = [Value(v, f"x{i}") for i, v in enumerate(values)]
    nodes = list(leaves)
    for kind, picks, k in plan:
        ops = [nodes[p % len(nodes)] for p in picks]
        a = ops[0]
        b = ops[1 % len(ops)]
        if kind in ("exp", "log", "tanh", "sigmoid", "relu"):
            v = getattr(a, kind)()
        elif kind == "neg":
            v = -a
        elif kind == "square":
            v = a * a
        elif kind == "pow_k":
            v = a**k
        elif kind == "rpow_k":
            v = abs(k) ** a if k else 2**a
        elif kind == "add_k":
            v = a + k
        elif kind == "sub_k":
            v = a - k
        elif kind == "rsub_k":
            v = k - a
        elif kind == "mul_k":
            v = k * a
        elif kind == "div_k":
            v = a / (k or 3)
        elif kind == "rdiv_k":
            v = k / a
        elif kind == "add":
            v = a + b
        elif kind == "sub":
            v = a - b
        elif kind == "mul":
            v = a * b
        elif kind == "div":
            v = a / b
        elif kind == "powv":
            v = a**b
        elif kind == "sum":
            v = vsum(ops)
        elif kind == "dot":
            v = dot(ops[: len(ops) // 2], ops[len(ops) // 2 : 2 * (len(ops) // 2)], ops[-1])
        else:
            v = logsumexp(ops)
        if len(nodes) % 3 == 0:
            v.named(f"n{len(nodes)}")
        nodes.append(v)
    made = nodes[len(leaves) :]
    # every node under the root, so that an error while building is one the graph has
    return leaves, made[-1] if len(made) == 1 else (vsum(made[:-1]) * made[-1]).named("root")


def engine(plan, values):
    """(out, grads) from backward(), or the error it raises."""
    try:
        leaves, root = build(plan, values)
        root.backward()
    except (ArithmeticError, ValueError) as exc:
        return exc
    return root.data, tuple(leaf.grad for leaf in leaves)


def outcome(prog, values):
    try:
        return prog(values)
    except (ArithmeticError, ValueError) as exc:
        return exc


def assert_same(got, expected):
    if isinstance(expected, Exception):
        assert isinstance(got, Exception), f"expected {expected!r}, got {got!r}"
        assert type(got) is type(expected) and str(got) == str(expected)
        return
    assert not isinstance(got, Exception), f"{got!r} where backward() gave {expected!r}"
    out, grads = got
    assert bits(out) == bits(expected[0])
    assert [bits(g) for g in grads] == [bits(g) for g in expected[1]]


@settings(max_examples=300, deadline=None)
@given(
    plan=steps,
    first=st.lists(numbers, min_size=1, max_size=4),
    data=st.data(),
)
def test_random_graphs_give_backwards_numbers_bit_for_bit(plan, first, data):
    check_random_graph(plan, first, data, compile_graph)


@settings(max_examples=150, deadline=None)
@given(
    plan=steps,
    first=st.lists(numbers, min_size=1, max_size=4),
    data=st.data(),
    part_lines=st.sampled_from([1, 2, 3, 7]),
)
def test_random_graphs_cut_into_parts_give_backwards_numbers_bit_for_bit(
    plan, first, data, part_lines
):
    """A long graph's program: numbers handed from part to part in lists, locals inside."""
    from autograd_lite import chunked

    def compile_in_parts(root, inputs):
        with (
            patch("autograd_lite.compiler.MAX_LINES", 0),
            patch.object(chunked, "PART_LINES", part_lines),
        ):
            prog = compile_graph(root, inputs)
        assert "def _backward0(_V, _L, _G, _GL):" in prog.source
        return prog

    check_random_graph(plan, first, data, compile_in_parts)


def check_random_graph(plan, first, data, compile_graph) -> None:
    try:
        leaves, root = build(plan, first)
    except (ArithmeticError, ValueError):
        return  # the engine refused these numbers while building: nothing to compile
    used = [leaf for leaf in leaves if leaf.label in _labels_under(root)]
    if not root.parents or not used:
        return
    prog = compile_graph(root, used)
    positions = [leaves.index(leaf) for leaf in used]
    for trial in range(3):
        values = (
            first
            if trial == 0
            else data.draw(st.lists(numbers, min_size=len(first), max_size=len(first)))
        )
        expected = engine(plan, values)
        if not isinstance(expected, Exception):
            expected = (expected[0], tuple(expected[1][p] for p in positions))
        got = outcome(prog, [values[p] for p in positions])
        assert_same(got, expected)


def _labels_under(root):
    from autograd_lite import topological_order

    return {v.label for v in topological_order(root) if not v.parents}


def test_seed002_neuron_program_reads_as_the_chain_rule(seed002_neuron):
    n = seed002_neuron
    prog = compile_graph(n.E, [n.W1, n.W2, n.b])
    n.E.backward()
    out, grads = prog([0.5, 0.2, 1.83])
    assert out == n.E.data and grads == (n.W1.grad, n.W2.grad, n.b.grad)
    lines = prog.source.splitlines()
    body = lines[
        lines.index("    # forward") + 1 : lines.index(
            "    # backward: the chain rule, one product per line"
        )
    ]
    assert [line.split(" = ")[0].strip() for line in body] == ["s", "predicted", "v2", "v3", "E"]
    assert "    s = b + X1 * W1 + X2 * W2  # 1.94" in lines
    assert "    predicted = _sigmoid(s)  # 0.874352" in lines
    products = [line.strip() for line in lines if line.strip().startswith("grad_") and "=" in line]
    # one line per product: E, v3, v2 have one operand each, predicted one, s five (dot)
    assert len(products) == 1 + 1 + 1 + 1 + 1 + 5 + 1  # grad_E = 1.0 first
    assert "grad_W1 = X1 * grad_s" in products
    assert "grad_predicted = -grad_v2" in products
    assert "grad_s = predicted * (1 - predicted) * grad_predicted" in products
    assert str(prog) == prog.source
    page = prog._repr_html_()
    assert "<pre>" in page and "grad_W1 = X1 * grad_s" in page
    assert '<span style="color:#a31515">    grad_s = predicted' in page  # a chain-rule line, marked
    assert "if grad_" not in prog.source  # a 5-product dot and safe rules: no guard to read past


def test_a_leaf_used_several_times_sums_in_backwards_order():
    x = Value(0.7, "x")
    y = x * x + x.tanh() * x - 3.0 * x
    prog = compile_graph(y, [x])
    y.backward()
    assert prog([0.7]) == (y.data, (x.grad,))
    assert bits(prog([0.7])[1][0]) == bits(x.grad)


def test_replay_errors_are_the_engines(seed002_neuron):
    x = Value(2.0, "x")
    y = (x.log() * 3.0).named("y")
    prog = compile_graph(y, [x])
    with pytest.raises(DomainError) as from_program:
        prog([-1.0])
    with pytest.raises(DomainError) as from_engine:
        (Value(-1.0, "x").log() * 3.0).backward()
    assert str(from_program.value) == str(from_engine.value)
    assert "x = -1.0" in str(from_program.value)
    z = (x * 2.0).exp()
    with pytest.raises(ValueOverflowError, match="exp"):
        compile_graph(z, [x])([400.0])


def test_an_overflowing_gradient_is_refused_like_backward():
    u, b = Value(1e-20, "u"), Value(1.0, "b")
    prog = compile_graph((u * 1e10) * b, [u, b])
    assert prog([1e-20, 1.0]) == (1e-20 * 1e10, (1e10, 1e-20 * 1e10))
    with pytest.raises(ValueOverflowError) as got:
        prog([1e-20, 1e300])  # forward 1e290; d/du = 1e10 * 1e300 overflows
    with pytest.raises(ValueOverflowError) as expected:
        ((Value(1e-20, "u") * 1e10) * Value(1e300, "b")).backward()
    assert str(got.value) == str(expected.value)


def test_inside_allow_nonfinite_the_program_gives_the_engines_infinities():
    x = Value(1.0, "x")
    prog = compile_graph(((x * 1e300) * 10.0).tanh(), [x])
    with pytest.raises(ValueOverflowError, match="mul_k overflowed"):
        prog([1e10])
    with allow_nonfinite():
        out, (g,) = prog([1e10])
        big = Value(1e10, "x")
        y = ((big * 1e300) * 10.0).tanh()
        y.backward()
    assert out == y.data == 1.0 and g == big.grad


def test_relu_is_decided_anew_on_each_call():
    x = Value(2.0, "x")
    prog = compile_graph((x.relu() * 3.0).named("y"), [x])
    assert prog([2.0]) == (6.0, (3.0,))
    assert prog([-2.0]) == (0.0, (0.0,))
    assert "x if x > 0.0 else 0.0" in prog.source


def test_forward_alone():
    x, w = Value(1.5, "x"), Value(-0.5, "w")
    prog = compile_graph((x * w).tanh(), [x, w])
    assert prog.forward([1.5, -0.5]) == (Value(1.5) * Value(-0.5)).tanh().data
    assert prog.forward([3, 1]) == (Value(3.0) * Value(1.0)).tanh().data


def test_bad_input_is_named():
    x, w = Value(1.0, "x"), Value(2.0, "w")
    y = x * w
    with pytest.raises(ArgumentTypeError, match="root must be a Value"):
        compile_graph(3.0, [x])
    with pytest.raises(ArgumentTypeError, match=r"inputs\[1\] is float"):
        compile_graph(y, [x, 2.0])
    with pytest.raises(ArgumentTypeError, match="list of Values"):
        compile_graph(y, x)
    with pytest.raises(ArgumentError, match="not a leaf"):
        compile_graph(y, [y])
    with pytest.raises(ArgumentError, match=r"inputs\[1\].*inputs\[0\] again"):
        compile_graph(y, [x, x])
    with pytest.raises(ArgumentError, match="not in the graph"):
        compile_graph(y, [x, Value(3.0, "stray")])
    with no_grad():
        z = x * w
    with pytest.raises(NoGraphError):
        compile_graph(z, [x])
    prog = compile_graph(y, [x, w])
    with pytest.raises(ArgumentError, match="takes 2 values.*got 3"):
        prog([1.0, 2.0, 3.0])
    with pytest.raises(ArgumentTypeError, match=r"value 1 \('w'\) .* str"):
        prog([1.0, "2"])
    with pytest.raises(ArgumentTypeError, match="bool"):
        prog([1.0, True])
    with pytest.raises(ArgumentTypeError, match="list of 2 numbers"):
        prog(5.0)


def test_a_long_chain_is_split_into_parts_and_stays_exact():
    from autograd_lite import chunked

    x, w = Value(0.5, "x"), Value(0.999, "w")
    h = x
    for i in range(12_000):  # 30,000 operations: past one function's worth of lines
        h = (h * w + 0.001).tanh() if i % 2 else h * w + 0.0001
    prog = compile_graph(h, [x, w])
    assert "def _forward1(_V, _L, _G, _GL):" in prog.source
    assert (
        max(len(part.splitlines()) for part in prog.source.split("\ndef "))
        <= chunked.PART_LINES + 3
    )
    h.backward()
    out, grads = prog([0.5, 0.999])
    assert bits(out) == bits(h.data) and [bits(g) for g in grads] == [bits(x.grad), bits(w.grad)]
    with pytest.raises(ValueOverflowError) as got:
        prog([0.5, 1e300])
    with pytest.raises(ValueOverflowError) as expected:
        Value(0.5, "x") * Value(1e300, "w") * Value(1e300, "w")
    assert str(got.value).split(" in ")[0] == str(expected.value).split(" in ")[0]


def test_labels_never_take_a_name_the_program_uses():
    names = ["row", "check", "sum", "t0_rows", "grad_x", "exp", "_sigmoid", "lambda", "V", "x.y"]
    leaves = [Value(0.5 + i, label) for i, label in enumerate(names)]
    y = leaves[0]
    for v in leaves[1:]:
        y = (y * v).tanh().named(v.label) + y
    prog = compile_graph(y, leaves)
    y.backward()
    assert prog([v.data for v in leaves]) == (y.data, tuple(v.grad for v in leaves))
    header = prog.source.splitlines()[0]
    params = header[header.index("(") + 1 : header.index(")")].split(", ")
    assert params == ["row_2", "check_2", "sum_2", "in3", "grad_x", "exp_2", "in6", "lambda_2"] + [
        "V",
        "x_y",
    ]
    assert prog.sgd_epoch([()] * 2, [0.1, 0.1], *[v.data for v in leaves])[0][0] == y.data


def test_a_learners_usual_names_for_a_loss_and_a_gradient_are_kept():
    w, b = Value(0.3, "w"), Value(-0.1, "b")
    z = (w * 2.0 + b).named("z")
    loss = (z.sigmoid().named("V") - 1.0).named("G") ** 2
    prog = compile_graph(loss.named("L"), [w, b])
    lines = [line.split("  #")[0] for line in prog.source.splitlines()]
    assert {"    V = _sigmoid(z)", "    G = V - 1.0", "    L = G ** 2"} <= set(lines)


def test_a_value_that_is_not_finite_is_refused_by_name_unless_allowed():
    from autograd_lite import NonFiniteError

    x, w = Value(1.0, "x"), Value(2.0, "w")
    prog = compile_graph((x * w).relu(), [x, w])
    with pytest.raises(NonFiniteError, match=r"value 1 \('w'\) .* nan"):
        prog([1.0, float("nan")])
    with allow_nonfinite():
        out, (dx, dw) = prog([1.0, float("-inf")])
        a, b = Value(1.0), Value(float("-inf"))
        y = (a * b).relu()
        y.backward()
    # relu(-inf) is 0 and passes 0.0 back, so the engine skips the product -inf * 0.0 (NaN)
    assert (out, dx, dw) == (y.data, a.grad, b.grad) == (0.0, 0.0, 0.0)


def test_a_leaf_root_no_inputs_and_a_gradients_graph():
    from autograd_lite import grad

    x = Value(2.0, "x")
    assert compile_graph(x, [x])([3.0]) == (3.0, (1.0,))  # d x / d x, the seed
    assert compile_graph((x * x + 1.0).named("y"), [])([]) == (5.0, ())
    (first,) = grad(x.tanh() * x, [x], create_graph=True)  # a gradient, itself a graph
    prog = compile_graph(first, [x])
    first.backward()
    assert prog([2.0]) == (first.data, (x.grad,))


def test_a_program_leaves_no_source_behind_in_linecache():
    import gc
    import linecache
    import traceback

    x = Value(2.0, "x")
    keep = compile_graph(x.log(), [x])
    prog = compile_graph((x * x).tanh(), [x])
    prog.sgd_epoch  # noqa: B018 - compiled on first use, under a file name of its own
    try:
        prog._program("not a number")  # a traceback shows the generated line
    except TypeError as exc:
        assert "v0 = x * x" in "".join(traceback.format_tb(exc.__traceback__))
    name = prog.filename
    del prog
    gc.collect()
    assert not [n for n in linecache.cache if n == name or n.startswith(name[:-1] + ",")]
    assert keep.filename in linecache.cache


def test_repeated_labels_take_the_next_free_suffix():
    leaves = [
        Value(1.0, "w"),
        Value(2.0, "w"),
        Value(3.0, "w_2"),
        Value(4.0, "w"),
        Value(5.0, "h.w"),
    ]
    prog = compile_graph(leaves[0] * leaves[1] + leaves[2] * leaves[3] + leaves[4], leaves)
    assert prog.source.splitlines()[0] == "def program(w, w_2, w_2_2, w_3, h_w):"
    many = [Value(float(i), "w") for i in range(300)]  # a wide layer's w1 in every neuron
    names = compile_graph(vsum(many), many, comments=False).source.splitlines()[0]
    assert names.startswith("def program(w, w_2, w_3,") and names.endswith(" w_300):")
