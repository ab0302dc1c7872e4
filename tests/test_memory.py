"""Graphs hold no reference cycles: reference counting frees them the moment they are dropped.

micrograd's closures refer to their own output, so each of its nodes is a cycle
that only the cyclic garbage collector can free, and collecting dominates its
run time on large graphs. These tests pin down that autograd-lite's graphs leave
the collector nothing to do. (How fast and how small is measured by the
benchmarks, not here.)
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from autograd_lite import Value, dot, grad, log_softmax, logsumexp, no_grad, softmax, vsum


@contextmanager
def collector_off() -> Iterator[None]:
    """Collect what earlier tests left, then keep the collector from running on its own."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def chain(n: int) -> tuple[Value, Value]:
    """n operations cycling tanh, *, + (the benchmark's chain)."""
    x = y = Value(0.5, "x")
    for i in range(n):
        if i % 3 == 0:
            y = y.tanh()
        elif i % 3 == 1:
            y = y * 0.9
        else:
            y = y + 0.1
    return x, y


def neuron_layer() -> tuple[list[Value], Value]:
    ws = [Value(0.1 * i + 0.2, f"w{i}") for i in range(6)]
    xs = [1.0, -2.0, 0.5]
    hidden = [dot(ws[:3], xs, 0.2).relu(), dot(ws[3:], xs).sigmoid()]
    loss = vsum([h**2 for h in hidden]) + logsumexp(hidden) - log_softmax(hidden)[0]
    return ws, loss + softmax(hidden)[1] / (1 + ws[0].exp()) - (ws[1] ** ws[2].sigmoid()).log()


GRAPHS: dict[str, Callable[[], tuple[object, Value]]] = {
    "chain": lambda: chain(3_000),
    "every operation": neuron_layer,
}


@pytest.mark.parametrize("build", GRAPHS.values(), ids=GRAPHS.keys())
def test_a_dropped_graph_leaves_the_collector_nothing(build):
    with collector_off():
        leaves, root = build()
        root.backward()
        root.backward()
        del leaves, root
        assert gc.collect() == 0


def test_dropping_the_root_frees_the_graph_without_the_collector():
    with collector_off():
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            x, root = chain(30_000)
            root.backward()
            built = tracemalloc.get_traced_memory()[0] - before
            del x, root
            kept = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    assert built > 30_000 * 100  # the graph was really there (144 bytes a node)
    assert kept < built / 20  # and reference counting alone gave it back (bar free lists)


def test_a_node_of_one_or_two_parents_is_one_object_the_collector_tracks():
    """The collector walks every tracked object again and again while a graph grows: a
    node's parents sit in its own slots, so the chain adds one tracked object a node."""
    with collector_off():
        x = Value(0.5, "x")
        chain(3)  # warm: any first-call objects made before counting
        before = len(gc.get_objects())
        _, root = chain(3_000)
        product = root * x  # two parents
        added = len(gc.get_objects()) - before
        assert product.parents == (root, x)
    assert 3_002 <= added <= 3_002 + 20  # the chain's leaf and 3,000 nodes, the product


def test_a_deep_chain_is_freed_without_recursion_or_the_collector():
    with collector_off():
        _, root = chain(200_000)
        root.backward()
        del root
        assert gc.collect() == 0


def test_second_derivatives_leave_no_cycles_behind():
    with collector_off():
        x = Value(0.7, "x")
        f = x.tanh() * x**3
        (first,) = grad(f, [x], create_graph=True)
        (second,) = grad(first, [x])
        assert x.grad == 0.0  # grad() leaves the leaves as they were
        del x, f, first
        assert gc.collect() == 0
    assert second != 0.0


def test_backward_with_create_graph_frees_once_the_leaf_grads_are_reset():
    with collector_off():
        x = Value(1.3, "x")
        y = (x * x).exp()
        y.backward(create_graph=True)
        x.grad.backward()  # d/dx of dy/dx
        x.grad = 0.0  # the documented way to let the gradient graph go
        del x, y
        assert gc.collect() == 0


def test_no_grad_records_no_parents():
    with no_grad():
        x = Value(2.0)
        y = (x * 3.0).tanh()
    assert y.parents == () and y.op is None


def test_a_graph_node_costs_at_most_250_bytes_of_python_heap():
    """A loose guard; the benchmark checks the 200-byte target and prints the exact figure."""
    with collector_off():
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            _, root = chain(30_000)
            root.backward()
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    nodes = 30_000 + 1  # every result, and x (a constant operand is held by its node, not a node)
    assert held / nodes < 250
