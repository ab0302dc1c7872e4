"""nn's argument checks, one rule each, so every function refuses the same things the same way.

Numbers are ``numbers.Real`` / ``numbers.Integral`` (a ``Fraction`` or a numpy scalar is as
good as a float or an int), never a bool: ``True`` is an int to Python, but nobody means it
as a count or a weight. A bool raises ``BoolArgumentError``, which is both a ``TypeError``
and a ``ValueError``, so code that caught either before still does. Each check returns the
value converted (``int`` or ``float``), so callers store plain Python numbers.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from autograd_lite import ArgumentError, ArgumentTypeError, BoolArgumentError, NonFiniteError


def is_real(x: object) -> bool:
    """A real number that is not a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def is_integer(x: object) -> bool:
    """An integer that is not a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def is_sequence(x: object) -> bool:
    """A list-like of entries: a str is a Sequence too, but never meant as a list here."""
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


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
    """A list (or tuple...) of entries, checked before its entries are: ``what`` says of what."""
    if not is_sequence(x) or (nonempty and not x):
        raise ArgumentTypeError(f"{where} must be {what}, got {shown(x)}")
    return x
