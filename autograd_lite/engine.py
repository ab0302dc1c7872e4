"""``Value``: a number that remembers how it was computed, and ``backward()``.

Every operation is a row of ``ops.OPS``; this module only records which row made
a node and from which parents, and walks the graph. Nodes refer to their parents
and nothing else, so a graph has no reference cycles and is freed by reference
counting as soon as its root goes out of scope.

A node is one object the garbage collector tracks, not two: its first two parents
sit in its own slots (``_a``, ``_b``), and only a node of three or more (``dot``,
``vsum``) keeps them in a tuple (``_more``). The collector walks every tracked
object again and again while a graph grows, although it never frees any of them;
halving their number halves that walk. ``parents`` gives the tuple either way.
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from functools import partial

from .backward_loop import make_loop
from .backward_rules import RULES, rule_for
from .errors import NoGraphError, NonFiniteError, OperandTypeError
from .failures import check_leaf_gradients
from .graph_order import backward_order
from .higher_order import propagate_values
from .operator_methods import binary_method, record_function, reflected_method, unary_method
from .ops import (
    ADD,
    ADD_K,
    DIV,
    DIV_K,
    EXP,
    LOG,
    MUL,
    MUL_K,
    NEG,
    POW,
    POW_BY_VALUE,
    RDIV_K,
    RELU,
    RPOW_K,
    RSUB_K,
    SIGMOID,
    SUB,
    SUB_K,
    TANH,
    Op,
)

# Modes belong to a thread or an async task (contextvars): one thread's ``no_grad`` never
# stops another's graph. While no block is open anywhere, the hot path reads no ContextVar.
_GRAD_ENABLED: ContextVar[bool] = ContextVar("autograd_lite_grad_enabled", default=True)
_NONFINITE_ALLOWED: ContextVar[bool] = ContextVar("autograd_lite_nonfinite_allowed", default=False)
_blocks_open = 0
_blocks_lock = threading.Lock()

_MADE_WITHOUT_GRAPH = object()  # the ``constant`` of a result computed under ``no_grad``


@contextmanager
def _mode(var: ContextVar[bool], value: bool) -> Iterator[None]:
    global _blocks_open
    token = var.set(value)
    with _blocks_lock:
        _blocks_open += 1
    try:
        yield
    finally:
        var.reset(token)
        with _blocks_lock:
            _blocks_open -= 1


def no_grad() -> AbstractContextManager[None]:
    """Inside this block operations record no graph: for optimizer updates and inference.

    The mode is this thread's (and this async task's) own; blocks nest.
    """
    return _mode(_GRAD_ENABLED, False)


def allow_nonfinite() -> AbstractContextManager[None]:
    """Inside this block NaN and infinity are accepted as data and as results.

    Outside it, ``Value(float('nan'))`` raises and an operation whose result is not
    finite raises, so that no NaN enters a graph unnoticed. Per thread, as ``no_grad``.
    """
    return _mode(_NONFINITE_ALLOWED, True)


def nonfinite_allowed() -> bool:
    """True inside ``allow_nonfinite()`` in this thread or task."""
    return _blocks_open != 0 and _NONFINITE_ALLOWED.get()


def grad_enabled() -> bool:
    """False inside ``no_grad()`` in this thread or task."""
    return _blocks_open == 0 or _GRAD_ENABLED.get()


def _short(x: float) -> str:
    text = f"{x:.4g}"
    return text if any(c in text for c in ".ein") else text + ".0"


class Value:
    """A scalar in a computation graph: its ``data``, its ``grad``, and how it was made.

    ``op`` is the row of the operation table that made it (``None`` for a leaf, and
    only for a leaf), ``parents`` its operands in order (``x * x`` keeps both edges),
    ``constant`` the plain-number operand of ``x ** k``, ``0.5 * x``, ``x + 1``: a
    constant, not a node.
    """

    # One or two parents in ``_a`` and ``_b`` (``None`` when absent), three or more in the
    # tuple ``_more`` (``()`` otherwise): see the module's docstring.
    __slots__ = ("_a", "_b", "_more", "constant", "data", "grad", "label", "op")

    def __init__(self, data: float, label: str = "") -> None:
        if type(data) is not float:  # floats, the common case, skip the slow ABC check
            if isinstance(data, Value):
                raise OperandTypeError(
                    "Value() takes a number, got a Value; use that Value itself, or its .data"
                )
            if isinstance(data, bool) or not isinstance(data, numbers.Real):
                raise OperandTypeError(
                    f"Value() takes an int or a float, got {type(data).__name__} ({data!r})"
                )
            data = float(data)
        if type(label) is not str:
            raise OperandTypeError(
                f"Value(label=...) takes a string, got {type(label).__name__} ({label!r})"
            )
        if data - data != 0.0 and not (_blocks_open and _NONFINITE_ALLOWED.get()):
            raise NonFiniteError(
                f"Value({data}){_labelled(label)}: NaN and infinity are refused so that none "
                "enters a graph unnoticed; create it inside `with allow_nonfinite():` to accept it"
            )
        self.data = data
        self.grad: float | Value = 0.0
        self.label = label
        self.op: Op | None = None
        self._a: Value | None = None
        self._b: Value | None = None
        self._more: tuple[Value, ...] = ()
        self.constant: float | None = None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this node was computed from, in order; ``()`` for a leaf."""
        a = self._a
        if a is None:
            return self._more
        b = self._b
        return (a,) if b is None else (a, b)

    @parents.setter
    def parents(self, parents: Sequence[Value]) -> None:
        self._a, self._b, self._more = _parent_slots(tuple(parents))

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        grad = self.grad.data if isinstance(self.grad, Value) else self.grad
        return f"Value(data={_short(self.data)}, grad={_short(grad)}{label})"

    def __float__(self) -> float:
        # math.exp(x), float(x) and friends would take the number out of the graph and cut it
        raise OperandTypeError(
            f"float() of a Value{_labelled(self.label)}: math's functions and float() take the "
            "number out of the graph, so no gradient flows back through them; use the Value's "
            "own methods (x.exp(), x.log(), x.tanh(), x ** 0.5, ...) to stay in the graph, or "
            "x.data for the plain number"
        )

    def named(self, label: str) -> Value:
        """Set the label the tracer and the renderer show, and return the Value itself."""
        if type(label) is not str:
            raise OperandTypeError(
                f"named() takes a string, got {type(label).__name__} ({label!r})"
            )
        self.label = label
        return self

    # Arithmetic: each operator is one or two rows of the table (a plain number is the
    # constant operand of the second); ``operator_methods`` writes each method from its
    # rows' forward, so a node costs one call. ``help(Value.__mul__)`` shows the rows.
    __add__ = binary_method("__add__", ADD, ADD_K, "+", globals())
    __radd__ = reflected_method("__radd__", ADD_K, "+", globals())
    __sub__ = binary_method("__sub__", SUB, SUB_K, "-", globals())
    __rsub__ = reflected_method("__rsub__", RSUB_K, "-", globals())
    __mul__ = binary_method("__mul__", MUL, MUL_K, "*", globals())
    __rmul__ = reflected_method("__rmul__", MUL_K, "*", globals())
    __truediv__ = binary_method("__truediv__", DIV, DIV_K, "/", globals())
    __rtruediv__ = reflected_method("__rtruediv__", RDIV_K, "/", globals())
    __neg__ = unary_method("__neg__", NEG, globals())
    __pow__ = binary_method("__pow__", POW_BY_VALUE, POW, "**", globals())
    __rpow__ = reflected_method("__rpow__", RPOW_K, "**", globals())
    exp = unary_method("exp", EXP, globals())
    log = unary_method("log", LOG, globals())
    tanh = unary_method("tanh", TANH, globals())
    sigmoid = unary_method("sigmoid", SIGMOID, globals())
    relu = unary_method("relu", RELU, globals())

    def backward(self, grad: float = 1.0, *, create_graph: bool = False) -> None:
        """Apply the chain rule from this node down to every node it depends on.

        The root's gradient is seeded with ``grad`` (1.0). Leaves *accumulate*:
        their ``.grad`` grows by ``+=``, so two calls give every leaf exactly twice
        the gradient, as in PyTorch (zero them between steps). Intermediate nodes
        show the gradient of the latest pass only: each pass resets them before
        propagating. (micrograd accumulates into every node, so its second call
        pushes the first call's intermediate gradients down again, its issue #53.)
        Resetting is also what keeps second derivatives right: differentiating a
        gradient must not pick up the first pass's intermediate gradients.

        With ``create_graph=True`` the pass is itself recorded as Values: every
        ``.grad`` it sets is a Value that can be differentiated again (Newton's
        method, Hessians). A leaf's gradient graph then refers back to the leaf;
        set the leaves' ``.grad`` to 0.0 when done, or use ``grad()``, which
        leaves them untouched.
        """
        if self.constant is _MADE_WITHOUT_GRAPH:
            raise NoGraphError(
                f"backward() on {self.label or _short(self.data)}, a result computed inside "
                "no_grad(): it was made without a graph, so no gradient can reach anything; "
                "compute it outside no_grad() to differentiate it"
            )
        leaves: list[Value] = []
        order = backward_order(self, leaves)  # its nodes' gradients at 0.0
        propagate(order, grad, create_graph, leaves=leaves, reset=False)


def _parent_slots(parents: tuple[Value, ...]) -> tuple[Value | None, Value | None, tuple]:
    """``(_a, _b, _more)`` for these parents: one or two in slots, three or more in the tuple."""
    count = len(parents)
    if count == 1:
        return parents[0], None, ()
    if count == 2:
        return parents[0], parents[1], ()
    return None, None, parents


def _labelled(label: str) -> str:
    return f" (label {label!r})" if label else ""


def as_value(x: object, symbol: str) -> Value:
    """``x`` as a node: a Value itself, or a leaf made of a plain number (``symbol`` for errors)."""
    if isinstance(x, Value):
        return x
    return Value(_constant(x, symbol))


def _constant(k: object, symbol: str) -> float:
    """A plain-number operand (ints stay ints, so ``x ** 2`` reads as written)."""
    if type(k) is not float and type(k) is not int:
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise OperandTypeError(
                f"unsupported operand for {symbol}: {type(k).__name__} ({k!r}) with a Value; "
                "operands must be Values, ints or floats"
            )
        k = float(k)
    if k - k != 0 and not (_blocks_open and _NONFINITE_ALLOWED.get()):
        raise NonFiniteError(
            f"the constant {k} in {symbol}: NaN and infinity are refused so that none enters a "
            "graph unnoticed; use it inside `with allow_nonfinite():` to accept it"
        )
    return k


def _binary(op: Op, op_k: Op, a: Value, b: object, symbol: str) -> Value:
    """``a (op) b``: a node with two parents, or with one and a constant if ``b`` is a number."""
    if isinstance(b, Value):
        return _record(op, (a, b))
    if type(b) is float and b - b == 0.0:  # a finite float, the common constant: checked here
        return _record(op_k, (a,), b)
    return _record(op_k, (a,), _constant(b, symbol))


# Compute one row's forward on the parents' data and, unless in no_grad, link the node:
# ``_record(op, parents, constant=None)``, the path of ``apply``, ``dot`` and every row
# without an operator. Its text is the operators' (``operator_methods``), written once.
_record = record_function(globals())


_new_value = object.__new__


def local_grads(node: Value, *, as_values: bool = False) -> tuple:
    """The local derivatives d node / d parent, from the node's row of the table.

    ``backward()``, the tracer and the renderer all read derivatives through here.
    With ``as_values`` they are Values built from the node and its parents, so
    that a gradient can be differentiated again.
    """
    op = node.op
    if op is None:
        return ()
    if as_values:
        if op.has_constant:
            return op.local_grads(node, node._a, node.constant)
        return op.local_grads(node, *node.parents)
    a = node._a
    if a is None:
        return op.local_grads(node.data, *[p.data for p in node._more])
    if op.has_constant:  # one or two operands passed by hand, as in _record
        return op.local_grads(node.data, a.data, node.constant)
    b = node._b
    if b is None:
        return op.local_grads(node.data, a.data)
    return op.local_grads(node.data, a.data, b.data)


def propagate(
    order: list[Value],
    seed: float | Value,
    create_graph: bool,
    keep: Sequence[Value] = (),
    leaves: list[Value] | None = None,
    reset: bool = True,
) -> dict[Value, Value]:
    """The chain rule from ``order[-1]`` down; with ``create_graph``, the Values of ``keep``.

    ``reset=False``: the nodes' gradients are 0.0 already (``backward_order`` left them so).
    """
    root = order[-1]
    if not isinstance(seed, (int, float, Value)) or isinstance(seed, bool):
        raise OperandTypeError(f"backward(grad=...) takes a number, got {type(seed).__name__}")
    number = seed.data if isinstance(seed, Value) else float(seed)
    if number - number != 0.0 and not nonfinite_allowed():
        raise NonFiniteError(
            f"backward(grad={number!r}): the seed must be finite, or every gradient would be "
            "NaN or infinite; pass it inside `with allow_nonfinite():` to accept that"
        )
    if reset:
        for node in order:
            if node.op is not None:
                node.grad = 0.0
    if create_graph:
        seed = seed if isinstance(seed, Value) else Value(seed)
        return propagate_values(order, root, seed, partial(local_grads, as_values=True), keep)
    root.grad += number
    checked = not nonfinite_allowed()
    _backward_loop(order, checked, RULES, rule_for)  # the chain rule, node by node (backward_loop)
    if checked and leaves:  # leaves outside ``order`` get their gradients checked here
        check_leaf_gradients(leaves, order, local_grads)
    return {}


_backward_loop = make_loop(globals())
