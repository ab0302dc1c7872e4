"""``carried-from``: a wrong number that follows exactly from an earlier wrong printed number.

The computation is re-run with the earlier printed number put in place of the right one
(a value where it is computed, a derivative where it is passed on down the chain or used
in an update). A printed number stands for an interval (``0.5449``: rounded from
[0.54485, 0.54495], or truncated from [0.5449, 0.5450)), so the re-run is made at the
printed digits and at both ends of the interval; when the later quantity's printed
number lies between its values at the two ends, bisection looks for a point of the
interval that reproduces it (at most ``MAX_BISECTIONS`` more re-runs).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..report import agreement
from .computation import Printed
from .explanations import Budget, Explanation
from .mistake_models import decimals
from .plan import Plan, Query
from .rerun import Mistake, attempt

MAX_BISECTIONS = 30


def interval_points(text: str) -> list[float]:
    """The printed number, then the low and high ends of what it may stand for."""
    p = Decimal(text.strip())
    places = decimals(text)
    if places is None:
        return [float(p)]
    unit = Decimal(1).scaleb(-places)
    if p >= 0:
        low, high = p - unit / 2, p + unit
    else:
        low, high = p - unit, p + unit / 2
    return [float(p), float(low), float(high)]


def _may_follow(plan: Plan, source: Printed, later: Printed) -> bool:
    """Whether ``later`` is computed from ``source`` (so a wrong ``source`` can carry into it)."""
    training = plan.training
    if later.after > source.after:  # through the updates in between
        if training is None:
            return False
        if source.wrt is not None:  # a derivative is carried only as the loss's gradient
            return source.of == training.loss
        return (
            source.of in training.parameters
            or plan.depends(training.loss, source.of)
            or plan.depends(later.of, source.of)
        )
    if later.after < source.after or later.key == source.key:
        return False
    if source.wrt is None:
        return plan.depends(later.of, source.of)
    return (
        later.wrt is not None
        and later.of == source.of
        and later.wrt != source.wrt
        and plan.depends(source.wrt, later.wrt)
    )


def _forcing(source: Printed, x: float, detail: str) -> Mistake:
    if source.wrt is None:
        return Mistake("carried-from", detail, forced_value=(source.of, source.after, x))
    return Mistake(
        "carried-from", detail, forced_derivative=(source.of, source.wrt, source.after, x)
    )


def _detail(source: Printed, x: float, printed: float) -> str:
    detail = f"from the printed {source.key} = {source.text}, itself wrong"
    if x != printed:
        detail += f" (taken as {x:.12g}, within its printed digits)"
    return detail


def carried_from(
    plan: Plan, wrong: list[Printed], budget: Budget, failures: list[str], after: int
) -> Iterator:
    """(quantity, Explanation) for each later wrong number after ``after`` updates that an
    earlier wrong one reproduces."""
    for i, source in enumerate(wrong):
        later = [q for q in wrong[i + 1 :] if q.after == after and _may_follow(plan, source, q)]
        if not later:
            continue
        queries = [Query(q.of, q.wrt, q.after) for q in later]
        points = interval_points(source.text)
        runs: list[list[float]] = []
        explained: set[str] = set()
        for x in points:
            detail = _detail(source, x, points[0])
            values = attempt(plan, _forcing(source, x, detail), queries, budget, failures)
            if values is None:
                break
            runs.append(values)
            for q, v in zip(later, values):
                if q.key not in explained and agreement(q.text, v) != "MISMATCH":
                    explained.add(q.key)
                    yield q, Explanation("carried-from", detail, v)
        if len(runs) < 3:
            continue
        for j, q in enumerate(later):
            if q.key in explained:
                continue
            found = _bisect(plan, source, q, points, runs[1][j], runs[2][j], budget, failures)
            if found is not None:
                yield q, found


def _bisect(
    plan: Plan,
    source: Printed,
    q: Printed,
    points: list[float],
    v_low: float,
    v_high: float,
    budget: Budget,
    failures: list[str],
) -> Explanation | None:
    """A point between the interval's ends whose re-run reproduces ``q``, if they bracket it."""
    target = float(q.text)
    if (v_low - target) * (v_high - target) > 0:
        return None
    low, high = points[1], points[2]
    low_below = v_low < target
    query = [Query(q.of, q.wrt, q.after)]
    for _ in range(MAX_BISECTIONS):
        x = (low + high) / 2
        detail = _detail(source, x, points[0])
        values = attempt(plan, _forcing(source, x, detail), query, budget, failures)
        if values is None:
            return None
        (v,) = values
        if agreement(q.text, v) != "MISMATCH":
            return Explanation("carried-from", detail, v)
        if (v < target) == low_below:
            low = x
        else:
            high = x
    return None
