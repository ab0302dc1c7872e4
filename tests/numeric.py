"""Central finite differences: derivatives from a function's values alone, never backward().

The tests confirm the engine's gradients by a route that does not use it: move one input
a step ``h`` up and down and divide the change in ``f`` by ``2h``::

    f'(x) ~ (f(x + h) - f(x - h)) / (2h)

The estimate is off by about ``h**2 * |f'''| / 6`` (truncation) plus ``eps * |f| / h``
(rounding in ``f``, ``eps`` the arithmetic's relative precision). So:

- in floats (``eps`` = 2.2e-16) the default ``h = 1e-6`` balances the two: about ten good
  digits where ``f`` and its derivatives are of order one; compare with ``rel`` near 1e-7
  or 1e-8, never 1e-14. Where inputs are large, a step that grows with them,
  ``h=lambda x: 1e-6 * max(1.0, abs(x))``, keeps the rounding term down;
- in 40-digit mpmath (``eps`` = 1e-40) a far smaller step, ``h = mpmath.mpf("1e-15")``,
  gives about 25 digits: enough to compare with a float gradient to 1e-12. Call it inside
  ``mpmath.workdps(40)`` (or in a test with the ``mp40`` fixture), so that ``x + h`` and
  ``f`` are computed at 40 digits.

A test keeps the step its tolerance was set for: pass ``h`` whenever it is not 1e-6.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Step = Any
"""A step: a number (float or mpmath.mpf), or a function of the coordinate giving one."""


def central_difference(f: Callable[[Any], Any], x: Any, h: Step = 1e-6) -> Any:
    """df/dx at ``x``, ``(f(x + h) - f(x - h)) / (2h)``, for ``f`` a function of one number.

    ``x`` and ``h`` may be floats or mpmath numbers; the arithmetic is theirs. ``h`` may
    also be a function ``x -> step``.
    """
    step = h(x) if callable(h) else h
    return (f(x + step) - f(x - step)) / (2 * step)


def central_differences(f: Callable[[Any], Any], point: Any, h: Step = 1e-6) -> Any:
    """The gradient of ``f`` at ``point``, one central difference per coordinate.

    ``point`` is a list (or tuple) of numbers, or nested lists of them (a weight matrix, a
    list of matrices); ``f`` takes one argument shaped like ``point``. For each number in
    turn, ``f`` is called on copies of ``point`` in which that number alone is ``x + h``,
    then ``x - h`` (``point`` itself is never changed, and ``f`` must not change what it
    is given). The result is shaped like ``point``: ``result[i]``, or ``result[n][j][i]``,
    is df/d ``point[i]`` (``point[n][j][i]``), as plain lists.

    ``h`` is the step for every coordinate, or a function ``x -> step`` of the coordinate.
    A function of several arguments is differenced as ``lambda p: g(*p)``.
    """

    def moved(p: Any, path: tuple[int, ...], x: Any) -> Any:
        """A copy of ``p`` with the number at ``path`` replaced by ``x``."""
        if not path:
            return x
        copy = list(p)
        copy[path[0]] = moved(p[path[0]], path[1:], x)
        return copy

    def gradient(p: Any, path: tuple[int, ...]) -> Any:
        if isinstance(p, (list, tuple)):
            return [gradient(item, (*path, k)) for k, item in enumerate(p)]
        return central_difference(lambda x: f(moved(point, path, x)), p, h)

    return gradient(point, ())
