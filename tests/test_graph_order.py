"""``topological_order`` is the order of a recursive depth-first search, found without recursion.

The tracer and the renderer number nodes in this order, so it must not change
when the walk is made faster: each random graph is checked against the plain
recursive definition.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Value, topological_order, vsum


def recursive_order(root: Value, leaves: bool = True) -> list[Value]:
    """The definition: parents first, in order, each node once; leaves only if asked (or the root)."""
    order: list[Value] = []
    seen: set[Value] = set()

    def visit(node: Value) -> None:
        if node in seen:
            return
        seen.add(node)
        for parent in node.parents:
            visit(parent)
        if node.parents or leaves or node is root:
            order.append(node)

    visit(root)
    return order


@st.composite
def graphs(draw) -> Value:
    """A random expression whose nodes reuse earlier nodes (x*x, diamonds, shared leaves)."""
    nodes = [Value(draw(st.floats(-2, 2)), f"x{i}") for i in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(0, 15))):
        pick = st.sampled_from(nodes)
        kind = draw(st.sampled_from(["mul", "add_constant", "tanh", "sum"]))
        if kind == "mul":
            nodes.append(draw(pick) * draw(pick))
        elif kind == "add_constant":
            nodes.append(draw(pick) + 1.0)
        elif kind == "tanh":
            nodes.append(draw(pick).tanh())
        else:
            nodes.append(vsum(draw(st.lists(pick, min_size=1, max_size=5))))
    return draw(st.sampled_from(nodes[-3:]))


@settings(max_examples=300, deadline=None)
@given(graphs(), st.booleans())
def test_the_walk_gives_the_recursive_order(root, leaves):
    assert topological_order(root, leaves=leaves) == recursive_order(root, leaves)


def test_without_leaves_only_the_nodes_operations_made_remain():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = (a * b).named("c")
    d = (c + a).named("d")
    assert [v.label for v in topological_order(d, leaves=False)] == ["c", "d"]
    assert topological_order(a, leaves=False) == [a]  # a leaf root is still there


@settings(max_examples=300, deadline=None)
@given(root=graphs(), start=st.floats(-3, 3))
def test_backward_order_is_the_walk_without_leaves_and_leaves_every_gradient_at_zero(root, start):
    from autograd_lite.graph_order import backward_order

    want_leaves: list[Value] = []
    want = topological_order(root, leaves=False, reached_leaves=want_leaves)
    for node in want:
        node.grad = start  # a previous pass's gradients: the walk must not read them
    leaves: list[Value] = []
    got = backward_order(root, leaves)
    assert got == want == recursive_order(root, leaves=False)
    assert leaves == want_leaves
    assert len(set(leaves)) == len(leaves)  # each leaf once, however many edges reach it
    assert set(leaves) == {v for v in topological_order(root) if not v.parents} - {root}
    assert all(leaf._b is None for leaf in leaves)  # no mark left behind
    assert all(type(node.grad) is float and node.grad == 0.0 for node in got if node.parents)


def test_an_interrupted_backward_order_leaves_no_mark_behind():
    from autograd_lite.graph_order import backward_order

    class Interrupting(Value):
        __slots__ = ()

        @property
        def _a(self):  # the first parent's slot, where the walk reads a node's parents
            raise KeyboardInterrupt

    x = Value(0.5, "x")
    inner = (x * 2.0).tanh()
    trap = inner + 1.0
    outer = [(trap * x).exp(), inner * 3.0]
    root = outer[0] + outer[1]
    nodes = topological_order(root, leaves=False)
    for node in nodes:
        node.grad = 7.0
    trap.__class__ = Interrupting  # reached halfway down the walk
    try:
        backward_order(root, [])
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the walk was not interrupted")
    trap.__class__ = Value
    grads = [node.grad for node in nodes]
    assert all(type(g) is float for g in grads)  # no mark left behind ...
    assert set(grads) == {0.0, 7.0}  # ... the nodes it had walked reset, the others untouched


def test_an_interrupted_backward_order_leaves_no_leaf_marked():
    """A leaf reached before the interruption is listed, so its mark is taken off again."""
    from autograd_lite.graph_order import backward_order

    class Interrupting(Value):
        __slots__ = ()

        @property
        def _a(self):
            raise KeyboardInterrupt

    w = [Value(0.1 * i, f"w{i}") for i in range(4)]
    first = w[0] * w[1] + w[2]  # its leaves are reached after the trap's
    trap = w[3] * 2.0
    root = trap * w[2] + first
    trap.__class__ = Interrupting
    leaves: list[Value] = []
    try:
        backward_order(root, leaves)
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the walk was not interrupted")
    trap.__class__ = Value
    assert leaves  # it had reached some leaves
    assert all(leaf._b is None for leaf in w)
    root.backward()
    assert [leaf.grad for leaf in w] == [w[1].data, w[0].data, trap.data + 1.0, 2.0 * w[2].data]
