"""Python expression text from a row of the table: the row's rules evaluated on symbols.

The compiler (``compile_graph``) and the engine's generated helpers both write code from
here, so no derivative is copied out of ``ops.py``: a row's ``forward`` and
``local_grads`` are called on ``Symbol`` operands, whose ``+ - * / **`` build text
with exactly the parentheses Python needs to redo the same float operations in the same
order (float addition is not associative, so ``a + (b + c)`` keeps its parentheses).

A rule that branches on its data (relu's ``number(out) > 0``, the power rule's
``k == 0``) is run once per outcome of each comparison, and the outcomes become a
conditional expression: ``(1.0 if out > 0.0 else 0.0)``. A constant given as a number
literal is a plain number to the rule, so ``k == 0`` is decided while generating.

A forward that is a named helper with a domain (``_power``, ``_positive_power``), or
that symbols cannot follow (``math.exp``, ``_sigmoid``, ``_logsumexp``), is called by
name; ``namespace()`` gives the names the generated text uses.
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from .errors import ArgumentError, ArgumentTypeError
from .ops import Op

# Python's binding strengths, weakest first: what decides where parentheses go.
CONDITIONAL, COMPARISON, SUM, PRODUCT, UNARY, POWER, ATOM = range(7)
MAX_BRANCHES = 64
"""Outcomes of a rule's comparisons explored at most (relu's rule has two)."""

_OPERATOR_MODULES = (operator.__name__, operator.add.__module__)
_MATH_NAMES = {math.exp: "exp", math.log: "log", math.tanh: "tanh", math.sqrt: "sqrt"}


class NotSymbolic(ArgumentTypeError):
    """A rule did something symbols cannot follow (``math.exp`` of a symbol, ``float()``)."""


class Symbol:
    """Python expression text standing for a number, with how tightly it binds."""

    __slots__ = ("binding", "text")

    def __init__(self, text: str, binding: int = ATOM) -> None:
        self.text = text
        self.binding = binding

    def __repr__(self) -> str:
        return f"Symbol({self.text!r})"

    @property
    def data(self) -> Symbol:  # ``number(x)`` of a symbol is the symbol
        return self

    def exp(self) -> Symbol:
        return Symbol(f"exp({self.text})")

    def log(self) -> Symbol:
        return Symbol(f"log({self.text})")

    def tanh(self) -> Symbol:
        return Symbol(f"tanh({self.text})")

    def __add__(self, other: object) -> Symbol:
        return _binary(self, "+", other, SUM)

    def __radd__(self, other: object) -> Symbol:
        return _binary(other, "+", self, SUM)

    def __sub__(self, other: object) -> Symbol:
        return _binary(self, "-", other, SUM)

    def __rsub__(self, other: object) -> Symbol:
        return _binary(other, "-", self, SUM)

    def __mul__(self, other: object) -> Symbol:
        return _binary(self, "*", other, PRODUCT)

    def __rmul__(self, other: object) -> Symbol:
        return _binary(other, "*", self, PRODUCT)

    def __truediv__(self, other: object) -> Symbol:
        return _binary(self, "/", other, PRODUCT)

    def __rtruediv__(self, other: object) -> Symbol:
        return _binary(other, "/", self, PRODUCT)

    def __pow__(self, other: object) -> Symbol:
        return _binary(self, "**", other, POWER)

    def __rpow__(self, other: object) -> Symbol:
        return _binary(other, "**", self, POWER)

    def __neg__(self) -> Symbol:
        return Symbol(f"-{_wrap(self, self.binding < UNARY)}", UNARY)

    def __pos__(self) -> Symbol:
        return self

    def __abs__(self) -> Symbol:
        return Symbol(f"abs({self.text})")

    def __lt__(self, other: object) -> Symbol:
        return _binary(self, "<", other, COMPARISON)

    def __le__(self, other: object) -> Symbol:
        return _binary(self, "<=", other, COMPARISON)

    def __gt__(self, other: object) -> Symbol:
        return _binary(self, ">", other, COMPARISON)

    def __ge__(self, other: object) -> Symbol:
        return _binary(self, ">=", other, COMPARISON)

    def __eq__(self, other: object) -> Symbol:  # type: ignore[override]
        return _binary(self, "==", other, COMPARISON)

    def __ne__(self, other: object) -> Symbol:  # type: ignore[override]
        return _binary(self, "!=", other, COMPARISON)

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        return _decide(self)

    def _refuse(self, *args: object) -> Any:
        raise NotSymbolic(f"a rule took the plain number of the symbol {self.text}")

    __float__ = __int__ = __index__ = __complex__ = __round__ = __trunc__ = _refuse


def number_text(x: object) -> Symbol:
    """A plain number as a literal that reads back as the same int or float, bit for bit."""
    if isinstance(x, Symbol):
        return x
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise NotSymbolic(f"a rule produced {type(x).__name__} ({x!r}), not a number")
    if isinstance(x, float) and not math.isfinite(x):
        return Symbol(f"float({str(x)!r})")
    text = repr(x)
    return Symbol(text, UNARY if text.startswith("-") else ATOM)


def _wrap(s: Symbol, needed: bool) -> str:
    return f"({s.text})" if needed else s.text


def _binary(left: object, symbol: str, right: object, binding: int) -> Symbol:
    a, b = number_text(left), number_text(right)
    if binding == POWER:  # right-associative, and -a**b is -(a**b)
        left_parens, right_parens = a.binding <= POWER, b.binding < POWER
    elif binding == COMPARISON:  # a < b < c would chain
        left_parens, right_parens = a.binding <= COMPARISON, b.binding <= COMPARISON
    else:  # left-associative; a - (b - c) and a + (b + c) keep theirs
        left_parens, right_parens = a.binding < binding, b.binding <= binding
    return Symbol(f"{_wrap(a, left_parens)} {symbol} {_wrap(b, right_parens)}", binding)


# --- branches: a rule run once per outcome of its comparisons ------------------------------------

_local = threading.local()


def _decide(condition: Symbol) -> bool:
    path: list[bool] | None = getattr(_local, "path", None)
    if path is None:
        raise NotSymbolic(f"the truth of {condition.text} is decided at run time")
    step = _local.step
    _local.step += 1
    _local.conditions.append(condition)
    if step == len(path):
        path.append(True)
    return path[step]


def _explore(rule: Callable[..., Any], args: Sequence[object]) -> list[tuple[list, list, Any]]:
    """``(path, conditions, result)`` for every outcome of the rule's comparisons."""
    pending: list[list[bool]] = [[]]
    outcomes = []
    while pending:
        path = pending.pop()
        given = len(path)
        _local.path, _local.step, _local.conditions = path, 0, []
        try:
            result = rule(*args)
        finally:
            conditions = _local.conditions
            _local.path = None
        outcomes.append((path, conditions, result))
        pending.extend(path[:j] + [False] for j in range(len(path) - 1, given - 1, -1))
        if len(outcomes) > MAX_BRANCHES:
            raise NotSymbolic(f"a rule with more than {MAX_BRANCHES} outcomes")
    return outcomes


def _choose(outcomes: list, pick: Callable[[Any], object], depth: int = 0) -> Symbol:
    """One expression for ``pick(result)`` over all outcomes: nested ``(a if c else b)``."""
    path, conditions, result = outcomes[0]
    if len(path) == depth:
        return number_text(pick(result))
    condition = conditions[depth]
    yes = _choose([o for o in outcomes if o[0][depth]], pick, depth + 1)
    no = _choose([o for o in outcomes if not o[0][depth]], pick, depth + 1)
    if yes.text == no.text:
        return yes
    test = _wrap(condition, condition.binding <= CONDITIONAL)
    yes_text = _wrap(yes, yes.binding <= CONDITIONAL)
    return Symbol(f"{yes_text} if {test} else {_wrap(no, no.binding < CONDITIONAL)}", CONDITIONAL)


# --- the public functions --------------------------------------------------------------------------


def _operand_symbols(op: Op, operands: Sequence[str], constant: str | None) -> list[object]:
    if not isinstance(op, Op):
        raise ArgumentTypeError(f"expected a row of the table (an Op), got {type(op).__name__}")
    if isinstance(operands, str) or not all(isinstance(t, str) for t in operands):
        raise ArgumentTypeError(
            f"{op.name}: operands must be a sequence of texts, got {operands!r}"
        )
    args: list[object] = [Symbol(t) if _atom(t) else Symbol(f"({t})") for t in operands]
    if op.has_constant:
        if constant is None or len(operands) != 1:
            raise ArgumentError(
                f"{op.name} takes one operand and a constant, got {len(operands)} and {constant!r}"
            )
        args.append(_constant(constant))
    elif constant is not None:
        raise ArgumentError(f"{op.name} takes no constant, got {constant!r}")
    return args


_SUBSCRIPT = re.compile(r"[A-Za-z_]\w*(\[\d+\]|\.[A-Za-z_]\w*)")


def _atom(text: str) -> bool:
    """A name, ``V[12]`` or ``p0.data``: text that needs no parentheses as an operand."""
    return text.isidentifier() or _SUBSCRIPT.fullmatch(text) is not None


def _constant(text: str) -> object:
    """A number literal is a number to the rule (``k == 0`` decided now); a name, a symbol."""
    value = _literal(text)
    if value is None:
        return Symbol(text if text.isidentifier() else f"({text})")
    return value


@lru_cache(maxsize=4096)
def _literal(text: str) -> int | float | None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _inline(op: Op) -> bool:
    """Whether the forward is written out: arithmetic, not a helper that checks a domain."""
    f = op.forward
    if getattr(f, "__module__", None) in _OPERATOR_MODULES or f.__name__ == "<lambda>":
        return True
    return not op.domain and f not in _MATH_NAMES


def forward_name(op: Op) -> str:
    """The name generated code calls ``op.forward`` by (``_sigmoid``, ``exp``)."""
    f = op.forward
    if f in _MATH_NAMES:
        return _MATH_NAMES[f]
    name = getattr(f, "__name__", "")
    if name.isidentifier() and not keyword.iskeyword(name) and f.__module__ == Op.__module__:
        return name
    return f"_forward_{_identifier(op.name)}"


def grads_name(op: Op) -> str:
    """The name generated code calls ``op.local_grads`` by, for a rule symbols cannot follow."""
    return f"_local_grads_{_identifier(op.name)}"


def _identifier(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


def forward_symbol(op: Op, operands: Sequence[str], constant: str | None = None) -> Symbol:
    """``forward_expression`` as a ``Symbol`` (the text and how tightly it binds)."""
    args = _operand_symbols(op, operands, constant)
    code = getattr(op, "code", None)
    if code is not None:  # the row's own form for generated code
        try:
            outcomes = _explore(code, args)
            if all(result is not NotImplemented for _, _, result in outcomes):
                return _choose(outcomes, lambda r: r)
        except (NotSymbolic, TypeError, ArithmeticError, ValueError):
            pass
    elif _inline(op):
        try:
            return _choose(_explore(op.forward, args), lambda r: r)
        except (NotSymbolic, TypeError, ArithmeticError, ValueError):
            pass
    texts = ", ".join(number_text(a).text for a in args)
    return Symbol(f"{forward_name(op)}({texts})")


def local_symbols(
    op: Op, out: str, operands: Sequence[str], constant: str | None = None
) -> tuple[Symbol, ...]:
    """``local_expressions`` as ``Symbol``s."""
    args = _operand_symbols(op, operands, constant)
    if not isinstance(out, str):
        raise ArgumentTypeError(f"{op.name}: out must be a text, got {type(out).__name__}")
    args.insert(0, Symbol(out) if _atom(out) else Symbol(f"({out})"))
    try:
        outcomes = _explore(op.local_grads, args)
        count = len(outcomes[0][2])
        if any(len(o[2]) != count for o in outcomes):
            raise NotSymbolic(
                f"{op.name}'s rule gives a different number of derivatives per branch"
            )
        return tuple(_choose(outcomes, lambda r, i=i: r[i]) for i in range(count))
    except (NotSymbolic, TypeError, ArithmeticError, ValueError):
        texts = ", ".join(number_text(a).text for a in args)
        call = f"{grads_name(op)}({texts})"
        count = len(operands)
        return tuple(Symbol(f"{call}[{i}]") for i in range(count))


def forward_expression(op: Op, operands: Sequence[str], constant: str | None = None) -> str:
    """Python text computing ``op.forward`` of ``operands`` (names or expressions), bit for bit.

    ``constant`` is the plain-number operand of a ``has_constant`` row, as a literal
    (``"2"``, ``"0.5"``) or a name. Variadic rows (``sum``, ``dot``) take any count.
    """
    return forward_symbol(op, operands, constant).text


def local_expressions(
    op: Op, out: str, operands: Sequence[str], constant: str | None = None
) -> tuple[str, ...]:
    """Python texts of ``op.local_grads(out, *operands)``: d out / d operand, one per operand."""
    return tuple(s.text for s in local_symbols(op, out, operands, constant))


def namespace(ops: Sequence[Op] = ()) -> dict[str, Any]:
    """The names generated text may call: ``exp``, ``log``, the rows' helpers by name."""
    from . import ops as table

    names: dict[str, Any] = {"exp": math.exp, "log": math.log, "tanh": math.tanh}
    names["sqrt"] = math.sqrt
    for op in {id(op): op for op in (*table.OPS.values(), *ops)}.values():
        names[forward_name(op)] = op.forward
        names[grads_name(op)] = op.local_grads
    return names
