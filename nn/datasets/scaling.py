"""Min-max scaling, column by column, with Brownlee's formula ``(x - min) / (max - min)``."""

from __future__ import annotations

from collections.abc import Sequence

from autograd_lite import ArgumentError


def minmax_ranges(rows: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """``(min, max)`` of each column: keep them to scale new rows the same way."""
    if len(rows) == 0:  # never `not rows`: a numpy array has no truth value
        raise ArgumentError("minmax_ranges: no rows")
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise ArgumentError(f"minmax_ranges: rows have different lengths {sorted(widths)}")
    return [(min(column), max(column)) for column in zip(*rows)]


def minmax_scale(
    rows: Sequence[Sequence[float]], ranges: Sequence[tuple[float, float]] | None = None
) -> list[list[float]]:
    """New rows with each column mapped to [0, 1] by its ``(min, max)`` (from ``rows`` by default)."""
    if ranges is None:
        ranges = minmax_ranges(rows)
    for i, (low, high) in enumerate(ranges):
        if not high > low:
            raise ArgumentError(
                f"minmax_scale: column {i} has min {low!r} and max {high!r}; a column needs "
                "two different values to be scaled"
            )
    scaled = []
    for r, row in enumerate(rows):
        if len(row) != len(ranges):
            raise ArgumentError(
                f"minmax_scale: row {r} has {len(row)} columns, ranges {len(ranges)}"
            )
        scaled.append([(x - low) / (high - low) for x, (low, high) in zip(row, ranges)])
    return scaled
