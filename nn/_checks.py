"""nn's argument checks, one rule each, so every function refuses the same things the same way.

Numbers are ``numbers.Real`` / ``numbers.Integral`` (a ``Fraction`` or a numpy scalar is as
good as a float or an int), never a bool: ``True`` is an int to Python, but nobody means it
as a count or a weight. A bool raises ``BoolArgumentError``, which is both a ``TypeError``
and a ``ValueError``, so code that caught either before still does. Each check returns the
value converted (``int`` or ``float``), so callers store plain Python numbers.

Lists of them are any sized, ordered collection: a list, a tuple, a numpy array (numpy is
never imported: an array is anything with a length whose entries can be indexed or
iterated, and it is never tested for truth). A set or a dict is no list: a set has no
order, a dict iterates over its keys.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

from autograd_lite import (
    ArgumentError,
    ArgumentTypeError,
    BoolArgumentError,
    NonFiniteError,
    OperandTypeError,
    Value,
)

MAX_PARAMETERS = 10_000_000
"""The most parameters a constructor or ``nn.load`` builds unless given a larger ``max_parameters``."""

BYTES_PER_PARAMETER = 160
"""About what one parameter costs in memory: its ``Value``, its float, its place in lists."""


def is_real(x: object) -> bool:
    """A real number that is not a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def is_integer(x: object) -> bool:
    """An integer that is not a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def is_sequence(x: object) -> bool:
    """A list-like of entries (a list, a tuple, an array): not a str, a set or a dict.

    A str is a Sequence too, but never meant as a list here. A numpy array is no
    ``Sequence``; it counts by having a length and entries (a 0-d array has no length).
    """
    if isinstance(x, (str, bytes, bytearray, AbstractSet, Mapping)):
        return False
    if isinstance(x, Sequence):
        return True
    if not hasattr(x, "__len__") or not (hasattr(x, "__getitem__") or hasattr(x, "__iter__")):
        return False
    try:
        len(x)
    except TypeError:
        return False
    return True


def is_unordered(x: object) -> bool:
    """A set (no order, no repeats) or a mapping (iterates over its keys): never a list of entries."""
    return isinstance(x, (AbstractSet, Mapping))


def unordered(x: object) -> str:
    """Why a set or a dict is refused where a list belongs, for an error message."""
    if isinstance(x, AbstractSet):
        return (
            f"a {type(x).__name__} has no order (and drops repeated values); pass a list or a tuple"
        )
    return f"a {type(x).__name__} iterates over its keys; pass a list or a tuple of its values"


def shown(x: object) -> str:
    """``x`` for an error message: its type and a repr short enough to read."""
    return f"{type(x).__name__} ({x!r:.40})"


def count(n: object, what: str, *, minimum: int = 1) -> int:
    """A size or a number of things: an integer >= ``minimum`` (1: "a positive int")."""
    wanted = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if isinstance(n, bool):
        raise BoolArgumentError(f"{what} must be {wanted}, got {n!r}")
    if not isinstance(n, numbers.Integral):
        raise ArgumentTypeError(f"{what} must be {wanted}, got {shown(n)}")
    if n < minimum:
        raise ArgumentError(f"{what} must be {wanted}, got {n!r}")
    return int(n)


def flag(x: object, what: str) -> bool:
    """A switch: exactly True or False, so that ``bias=1`` or ``bias="no"`` is not guessed at."""
    if not isinstance(x, bool):
        raise ArgumentTypeError(f"{what} must be True or False, got {x!r}")
    return x


def real(x: object, where: str) -> float:
    """Any real number, as a float (NaN and infinities included: callers decide)."""
    if isinstance(x, bool):
        raise BoolArgumentError(f"{where} must be a number, got bool ({x!r})")
    if not isinstance(x, numbers.Real):
        raise ArgumentTypeError(f"{where} must be a number, got {shown(x)}")
    return float(x)


def finite_real(x: object, where: str) -> float:
    """A parameter's value: a finite real, since one NaN or infinity spoils every gradient."""
    x = real(x, where)
    if not math.isfinite(x):
        raise NonFiniteError(f"{where} is {x!r}; parameters must be finite numbers")
    return x


def non_negative(x: object, where: str, *, below: float = math.inf) -> float:
    """A rate or a scale (``lr``, ``eps``, ``noise``, a beta): a finite real in [0, ``below``)."""
    x = real(x, where)
    if not 0.0 <= x < below:
        bounds = "finite and >= 0" if below == math.inf else f"in [0, {below:g})"
        raise ArgumentError(f"{where} must be {bounds}, got {x!r}")
    return x


def sequence(x: object, where: str, what: str, *, nonempty: bool = False) -> Sequence:
    """A list (tuple, array...) of entries, checked before its entries are: ``what`` says of what."""
    if not is_sequence(x) or (nonempty and len(x) == 0):
        why = f": {unordered(x)}" if is_unordered(x) else ""
        raise ArgumentTypeError(f"{where} must be {what}, got {shown(x)}{why}")
    return x


def entries(x: object, where: str, what: str) -> list:
    """A list-like as a plain list, converted once (an array by its ``tolist()``: Python numbers).

    Refuses a collection whose length and iteration disagree, such as a pandas DataFrame
    (its ``len`` counts rows, iterating it gives the column names).
    """
    sequence(x, where, what)
    tolist = getattr(x, "tolist", None)
    items = tolist() if callable(tolist) else None
    if not isinstance(items, list):
        items = list(x)
    if len(items) != len(x):
        raise ArgumentError(
            f"{where}: len() gives {len(x)} but iterating gives {len(items)} entries "
            f"({type(x).__name__}); a pandas DataFrame, for one, iterates over its column names: "
            "pass a list or an array (df.to_numpy())"
        )
    return items


def parameter_list(params: object, who: str) -> list[Value]:
    """``model.parameters()``, refusing the model or the method itself with the call to write."""
    call = f"call it: {who}(model.parameters(), ...)"
    if callable(getattr(params, "parameters", None)):
        raise ArgumentTypeError(
            f"{who} takes a list of parameters, got the model itself ({type(params).__name__}); "
            f"{call}"
        )
    if callable(params):
        name = getattr(params, "__qualname__", type(params).__name__)
        raise ArgumentTypeError(
            f"{who} takes a list of parameters, got the function {name} itself, not its result; "
            f"{call}"
        )
    if isinstance(params, (str, bytes, Value)) or not hasattr(params, "__iter__"):
        raise ArgumentTypeError(
            f"{who} takes an iterable of Values such as model.parameters(), got {shown(params)}"
        )
    values = list(params)
    for i, p in enumerate(values):
        if not isinstance(p, Value):
            raise ArgumentTypeError(f"{who}: parameter {i} is a {type(p).__name__}, not a Value")
    return values


def affordable(n_parameters: int, limit: object, what: str) -> None:
    """Refuse to build more than ``limit`` parameters (``max_parameters``), saying how many."""
    limit = count(limit, f"{what}: max_parameters")
    if n_parameters > limit:
        raise ArgumentError(
            f"{what} would build {amount(n_parameters)} parameters (about "
            f"{amount(n_parameters * BYTES_PER_PARAMETER // 10**9)} GB of Values), more than "
            f"max_parameters={limit:,}; pass a larger max_parameters to build it anyway"
        )


def amount(n: int) -> str:
    """``n`` with thousands separators; a number too long to print in full as a power of ten."""
    if n < 10**30:
        return f"{n:,}"
    return f"~10**{int(n.bit_length() * math.log10(2))}"


def inputs(x: object, n: int, who: str) -> list[Value]:
    """Check a call's inputs once (count, type, finiteness); plain numbers become leaves x1, x2, ..."""
    if isinstance(x, (str, bytes, Value)) or not hasattr(x, "__iter__"):
        raise ArgumentTypeError(f"{who} expects a sequence of {n} inputs, got {shown(x)}")
    if is_unordered(x):
        raise ArgumentTypeError(
            f"{who} expects its {n} inputs in order, got {shown(x)}: {unordered(x)}"
        )
    xs = list(x)
    if len(xs) != n:
        raise ArgumentError(f"{who} expects {n} inputs, got {len(xs)}")
    values = []
    for i, v in enumerate(xs, 1):
        kind = type(v)
        if kind is not float and kind is not int:
            if isinstance(v, Value):
                values.append(v)
                continue
            if not is_real(v):
                raise OperandTypeError(
                    f"{who} input x{i} is a {kind.__name__} ({v!r:.40}); "
                    "inputs must be numbers or Values"
                )
            v = float(v)
        if v - v != 0:  # inf or NaN
            raise NonFiniteError(f"{who} input x{i} is {v}; inputs must be finite")
        values.append(Value(v, f"x{i}"))
    return values
