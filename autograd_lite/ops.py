"""The table of operations: the one place in the code that knows a derivative.

Each row declares an operation once: its name, how it is written, its forward
function and its local partial derivatives, side by side (PyTorch's
``derivatives.yaml`` at micrograd's size). ``Value``'s operators, ``backward()``,
the step-through tracer and the graph renderer all read these rows.

A rule ``local_grads(out, *operands)`` returns d out / d operand for each operand.
It is written with arithmetic and the ``exp``/``log`` helpers below only, so the
same expression serves floats (an ordinary backward pass) and Values
(``backward(create_graph=True)``, whose gradients can be differentiated again).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import add, mul, neg, sub, truediv


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: how it is written, what it computes, and its local derivatives."""

    name: str
    show: Callable[..., str]
    """Operand texts (names or numbers) -> the formula, e.g. ``("x", "w") -> "x*w"``."""
    forward: Callable[..., float]
    """Operand data -> result data."""
    local_grads: Callable[..., tuple]
    """``(out, *operands) -> (d out/d operand, ...)``, floats or Values alike."""
    domain: str = ""
    """What the forward needs of its operands, quoted when it fails."""
    has_constant: bool = False
    """The last operand is a plain number ``k`` (``x + k``, ``x ** k``), not a parent in the graph."""
    symbol: str = ""
    """How a drawing writes the operation in its small node (``+``, ``σ``); empty: its name."""
    derivative: str = ""
    """The local derivatives as a formula over ``out``, ``a``, ``b``, ``k`` (``"1/b, -out/b"``)."""
    code: Callable[..., object] | None = None
    """For generated code (``codegen``), when ``forward`` is a helper that checks a domain:
    the same float operations, written to run on symbols, for the operands where no check
    can fail; ``NotImplemented`` where one could, and the code then calls ``forward``."""

    @property
    def drawn_as(self) -> str:
        """The symbol, or the name when the row has none."""
        return self.symbol or self.name


def exp(x):
    """``exp`` of a float or a Value, for rules that serve both."""
    return math.exp(x) if isinstance(x, (int, float)) else x.exp()


def number(x):
    """The plain number of a float or a Value, for rules that branch on it (relu's)."""
    return x if isinstance(x, (int, float)) else x.data


def log(x):
    """``log`` of a float or a Value, for rules that serve both."""
    return math.log(x) if isinstance(x, (int, float)) else x.log()


def _power(a: float, k: float) -> float:
    result = a**k  # 0.0 ** -1 raises ZeroDivisionError, 10.0 ** 400 OverflowError
    if isinstance(result, complex):  # a negative base to a fractional power
        raise ValueError("complex result")
    return result


def _power_rule(a, k):
    """d a**k / da = k * a**(k-1), and 0 for k = 0 everywhere (``a**-1`` would fail at 0)."""
    return 0.0 if k == 0 else k * a ** (k - 1)


def _positive_power(a: float, b: float) -> float:
    if a <= 0:
        raise ValueError("non-positive base")
    return a**b


def _constant_power(a: float, k: float) -> float:  # k ** a: the base is the constant
    return _positive_power(k, a)


def _sigmoid(a: float) -> float:
    if a >= 0:  # exp of a non-positive number never overflows
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _logsumexp(*xs: float) -> float:
    m = max(xs)  # shift by the largest term: finite for inputs of +-1000
    return m + math.log(math.fsum(math.exp(x - m) for x in xs))


def _dot(*xs: float) -> float:
    # Operands interleaved (x1, w1, x2, w2, ..., [bias]); the bias, if any, is added first,
    # then the products left to right, the order of the articles' hand-written loops.
    total = xs[-1] if len(xs) % 2 else 0.0
    pairs = iter(xs)
    for product in map(mul, pairs, pairs):  # x1*w1, x2*w2, ...: the bias is left unpaired
        total += product
    return total


def _dot_grads(out, *xs) -> tuple:
    grads = []
    for i in range(0, len(xs) - 1, 2):
        grads += (xs[i + 1], xs[i])  # d(x*w)/dx = w, d(x*w)/dw = x
    if len(xs) % 2:
        grads.append(1.0)  # the bias
    return tuple(grads)


def _show_dot(*xs: str) -> str:
    terms = [f"{xs[i]}*{xs[i + 1]}" for i in range(0, len(xs) - 1, 2)]
    if len(xs) % 2:
        terms.append(xs[-1])
    return " + ".join(terms)


# fmt: off
# Operations on Values. ``_k`` rows (and ``pow``) take a plain number ``k`` as their last
# operand: a constant, not a node, so ``0.5 * x`` adds one node to the graph, not two.
#           name         written as                          forward           local derivatives d out / d operand
ADD      = Op("add",     lambda a, b: f"{a} + {b}",           add,              lambda out, a, b: (1.0, 1.0), symbol="+",
              derivative="1, 1")
SUB      = Op("sub",     lambda a, b: f"{a} - {b}",           sub,              lambda out, a, b: (1.0, -1.0), symbol="-",
              derivative="1, -1")
MUL      = Op("mul",     lambda a, b: f"{a}*{b}",             mul,              lambda out, a, b: (b, a), symbol="*",
              derivative="b, a")
DIV      = Op("div",     lambda a, b: f"{a} / {b}",           truediv,          lambda out, a, b: (1 / b, -out / b),
              domain="a non-zero divisor", symbol="/",
              derivative="1/b, -out/b")
NEG      = Op("neg",     lambda a: f"-{a}",                   neg,              lambda out, a: (-1.0,),
              derivative="-1")
POW_BY_VALUE = Op("powv", lambda a, b: f"{a}**{b}",           _positive_power,  lambda out, a, b: (b * a ** (b - 1), out * log(a)),
              domain="a positive base when the exponent is a Value", symbol="**",
              derivative="b * a**(b-1), out * log(a)")
ADD_K    = Op("add_k",   lambda a, k: f"{a} + {k}",           add,              lambda out, a, k: (1.0,), has_constant=True,
              derivative="1")
SUB_K    = Op("sub_k",   lambda a, k: f"{a} - {k}",           sub,              lambda out, a, k: (1.0,), has_constant=True,
              derivative="1")
RSUB_K   = Op("rsub_k",  lambda a, k: f"{k} - {a}",           lambda a, k: k - a,
                                                                                lambda out, a, k: (-1.0,), has_constant=True,
              derivative="-1")
MUL_K    = Op("mul_k",   lambda a, k: f"{k}*{a}",             mul,              lambda out, a, k: (k,), has_constant=True,
              derivative="k")
DIV_K    = Op("div_k",   lambda a, k: f"{a} / {k}",           truediv,          lambda out, a, k: (1 / k,),
              domain="a non-zero divisor", has_constant=True,
              derivative="1/k")
RDIV_K   = Op("rdiv_k",  lambda a, k: f"{k} / {a}",           lambda a, k: k / a,
                                                                                lambda out, a, k: (-out / a,),
              domain="a non-zero divisor", has_constant=True,
              derivative="-out/a")
POW      = Op("pow",     lambda a, k: f"{a}**{k}",            _power,           lambda out, a, k: (_power_rule(a, k),),
              domain="a non-negative base unless the exponent is an integer, and a non-zero base for a "
                     "negative exponent", has_constant=True,
              derivative="k * a**(k-1)",
              code=lambda a, k: a**k if float(k).is_integer() else NotImplemented)  # no complex
RPOW_K   = Op("rpow_k",  lambda a, k: f"{k}**{a}",            _constant_power,  lambda out, a, k: (out * log(k),),
              domain="a positive base", has_constant=True,
              derivative="out * log(k)")
EXP      = Op("exp",     lambda a: f"exp({a})",               math.exp,         lambda out, a: (out,),
              domain="an operand of at most 709.78 (beyond it exp overflows a float)",
              derivative="out")
LOG      = Op("log",     lambda a: f"log({a})",               math.log,         lambda out, a: (1 / a,),
              domain="a positive operand",
              derivative="1/a")
TANH     = Op("tanh",    lambda a: f"tanh({a})",              math.tanh,        lambda out, a: (1 - out * out,),
              derivative="1 - out**2")
SIGMOID  = Op("sigmoid", lambda a: f"sigmoid({a})",           _sigmoid,         lambda out, a: (out * (1 - out),), symbol="σ",
              derivative="out*(1 - out)")
RELU     = Op("relu",    lambda a: f"relu({a})",              lambda a: a if a > 0.0 else 0.0,  # noqa: FURB136 (max is slower)
                                                                                lambda out, a: (1.0 if number(out) > 0.0 else 0.0,),
              derivative="1 if out > 0 else 0")
VSUM     = Op("sum",     lambda *xs: " + ".join(xs),          lambda *xs: reduce(add, xs),
                                                                                lambda out, *xs: (1.0,) * len(xs),
              derivative="1")
DOT      = Op("dot",     _show_dot,                           _dot,             _dot_grads,
              derivative="w_i, x_i, 1")
LOGSUMEXP = Op("logsumexp", lambda *xs: f"logsumexp({', '.join(xs)})", _logsumexp,
                                                                                lambda out, *xs: tuple(exp(x - out) for x in xs),
              derivative="exp(x_i - out)")
# fmt: on

OPS: dict[str, Op] = {
    op.name: op
    for op in (ADD, SUB, MUL, DIV, NEG, POW_BY_VALUE)
    + (ADD_K, SUB_K, RSUB_K, MUL_K, DIV_K, RDIV_K, POW, RPOW_K)
    + (EXP, LOG, TANH, SIGMOID, RELU, VSUM, DOT, LOGSUMEXP)
}
"""Every operation, by name: the table the whole package reads."""
