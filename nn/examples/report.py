"""An article's printed numbers beside the engine's, with a word for how they agree.

The word is worked out, not declared: ``agreement(printed, computed)`` compares the
printed digits with the engine's value.

- ``exact``: the printed number is the whole value (they agree to 12 significant digits,
  relative to the printed value; a printed 0 is exact only for 0);
- ``rounded``: the printed digits are the value rounded to the printed places;
- ``truncated``: the printed digits are the value cut off at the printed places;
- ``MISMATCH``: none of these; the quantity must then say why, in one line (for a row
  of a checker file, the known mistakes that reproduce the printed number follow it);
- ``computed``: the article printed nothing to compare with.

A printed integer (``0``, ``66``) is a claim of exactness: it is ``exact`` or ``MISMATCH``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
    InvalidOperation,
    localcontext,
)
from typing import Any

from autograd_lite import ArgumentError, NotFoundError
from autograd_lite.tables import html_table, markdown_table, text_table

WORDS = ("exact", "rounded", "truncated", "MISMATCH")
"""From best to worst: a vector's word is the worst of its entries'."""

SHOWN_DIGITS = 12
"""Significant digits shown of the engine's values, so a reader can check the rounding."""

Numbers = float | Sequence[Any]
"""A number, or a (nested) sequence of numbers: a vector or a matrix."""


def agreement(printed: str, computed: float) -> str:
    """How the printed digits (as the article shows them) relate to the computed value."""
    try:
        p = Decimal(printed.strip())
    except (InvalidOperation, AttributeError):
        raise ArgumentError(
            f"printed numbers are given as the article's digits, got {printed!r}"
        ) from None
    if not math.isfinite(computed):
        return "MISMATCH"  # no printed digits agree with NaN or infinity
    c = Decimal(repr(float(computed)))
    if c == p or abs(c - p) <= Decimal("1e-12") * abs(p):  # 12 significant digits agree
        return "exact"
    exponent = p.as_tuple().exponent
    if not isinstance(exponent, int) or ("." not in printed and "e" not in printed.lower()):
        return "MISMATCH"  # an integer claims to be exact
    unit = Decimal(1).scaleb(exponent)
    with localcontext() as context:  # room for every digit: 1e30 quantized to 1e-6 has 37
        context.prec = max(context.prec, c.adjusted() - exponent + 2)
        if c.quantize(unit, ROUND_HALF_UP) == p or c.quantize(unit, ROUND_HALF_EVEN) == p:
            return "rounded"
        if c.quantize(unit, ROUND_DOWN) == p:
            return "truncated"
    return "MISMATCH"


def _flatten(x: Numbers) -> list:
    if isinstance(x, (str, int, float)):
        return [x]
    return [leaf for item in x for leaf in _flatten(item)]


def _shape(x: Numbers) -> tuple[int, ...]:
    if isinstance(x, (str, int, float)):
        return ()
    return (len(x), *(_shape(x[0]) if len(x) else ()))


@dataclass(frozen=True)
class Quantity:
    """One number (or vector, or matrix) the article computes, printed beside the engine's.

    ``printed`` holds the article's digits as strings (``"0.009276093"``), in the
    same shape as ``computed``; ``None`` when the article printed nothing. A
    ``MISMATCH`` needs a ``reason``: one line saying what the article did wrong.
    """

    name: str
    computed: Numbers
    printed: str | Sequence[Any] | None = None
    reason: str = ""
    note: str = ""
    explanations: tuple[str, ...] = ()
    """For a MISMATCH the example checker re-ran: each known mistake that reproduces the
    printed number, ``model (detail)``; the table names them after the reason."""
    words: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.printed is None:
            words: tuple[str, ...] = ()
        else:
            if _shape(self.printed) != _shape(self.computed):
                raise ArgumentError(
                    f"{self.name}: printed has shape {_shape(self.printed)}, "
                    f"computed has shape {_shape(self.computed)}"
                )
            words = tuple(
                agreement(p, c)
                for p, c in zip(_flatten(self.printed), _flatten(self.computed), strict=True)
            )
        object.__setattr__(self, "words", words)
        if self.agreement == "MISMATCH" and not self.reason:
            raise ArgumentError(f"{self.name}: the article's number disagrees, so give a reason")

    @property
    def agreement(self) -> str:
        """The worst word over the entries, or ``computed`` when nothing was printed."""
        if not self.words:
            return "computed"
        return max(self.words, key=WORDS.index)

    def shown(self, digits: int = SHOWN_DIGITS) -> str:
        """The engine's value to ``digits`` significant digits, nested like the quantity."""
        return _show(self.computed, digits)

    def printed_text(self) -> str:
        return "" if self.printed is None else _show(self.printed, 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "printed": self.printed,
            "computed": self.computed,
            "agreement": self.agreement,
            "words": list(self.words),
            "reason": self.reason,
            "note": self.note,
            "explanations": list(self.explanations),
        }

    def why(self) -> str:
        """The table's last column: the reason (or the note), then the mistakes that explain it."""
        why = self.reason or self.note
        if self.explanations:
            found = "explained by " + "; ".join(self.explanations)
            why = f"{why} ({found})" if why else found
        return why


def _show(x: Numbers | str, digits: int) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, (int, float)):
        return f"{float(x):.{digits}g}"
    return "[" + ", ".join(_show(item, digits) for item in x) + "]"


_HEADERS = ("quantity", "article printed", "engine", "agreement", "why")


@dataclass
class ExampleResult:
    """What one worked example computes: its quantities, and the graph to trace and draw.

    ``trace`` is the snapshot of the graph the example is about (``explain(root)``,
    taken right after its first forward and backward pass): draw it and step through
    it (``draw(result.trace)``, ``save_svg``, ``stepper_page``, ``save_html``), as the
    command line does. ``root`` is that graph's live root Value, valid until the model
    is trained further: an example that goes on training after tracing (gad-mlp,
    gad-two-input, prakash-333, brownlee-*) leaves it stale, and reading it then
    raises ``GraphChangedError``. ``extra`` holds whatever else a notebook may plot
    (loss curves, weights over epochs, ...).
    """

    name: str
    title: str
    source: str
    quantities: list[Quantity]
    root: Any = None
    trace: Any = None
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Quantity:
        for q in self.quantities:
            if q.name == name:
                return q
        raise NotFoundError(f"{self.name} has no quantity {name!r}")

    def mismatches(self) -> list[Quantity]:
        return [q for q in self.quantities if q.agreement == "MISMATCH"]

    def rows(self, digits: int = SHOWN_DIGITS) -> list[tuple[str, str, str, str, str]]:
        """(quantity, printed, engine, agreement, reason) for each quantity."""
        return [
            (q.name, q.printed_text(), q.shown(digits), q.agreement, q.why())
            for q in self.quantities
        ]

    def table(self, digits: int = SHOWN_DIGITS) -> str:
        """The printed-versus-computed table as plain text."""
        lines = [f"{self.title}", f"  source: {self.source}", ""]
        lines += text_table([_HEADERS, *self.rows(digits)], max_width=44)
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def to_markdown(self, digits: int = SHOWN_DIGITS) -> str:
        out = [f"**{self.title}** ({self.source})", ""]
        return "\n".join(out + markdown_table(_HEADERS, self.rows(digits)))

    def _repr_html_(self) -> str:
        rows = self.rows()
        attributes = [{"class": r[3]} for r in rows]
        return html_table(self.title, _HEADERS, rows, row_attributes=attributes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "source": self.source,
            "quantities": [q.to_dict() for q in self.quantities],
            "notes": list(self.notes),
        }
