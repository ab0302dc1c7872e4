"""What ``check`` found: each printed number beside the engine's, its word, and what explains it.

A ``CheckResult`` prints as a text table (``str``), renders as an HTML table in Jupyter
(``_repr_html_``, through ``autograd_lite.tables`` like every report of the package) and
turns into the JSON the command line prints (``to_dict``). ``ok`` is true when every printed
number agrees (``exact``, ``rounded`` or ``truncated``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from autograd_lite import NotFoundError
from autograd_lite.tables import html_table, text_table

from ..report import SHOWN_DIGITS
from .computation import Computation

HEADERS = ("quantity", "printed", "computed", "agreement", "explained by")
UNEXPLAINED = "unexplained"


class ExplanationLike(Protocol):
    """A mistake model that reproduces a printed number: ``mistakes.Explanation``."""

    model: str
    detail: str
    value: float


@dataclass(frozen=True)
class QuantityCheck:
    """One printed quantity: the article's digits, the engine's value, and how they relate."""

    name: str
    """The quantity as the file writes it: ``h1``, ``dE/dw1``, ``w1@1``."""
    printed: str
    computed: float
    agreement: str
    """``exact``, ``rounded``, ``truncated`` or ``MISMATCH`` (``nn.examples.agreement``)."""
    explanations: tuple[ExplanationLike, ...] = ()
    """For a MISMATCH, the mistake models whose re-run reproduces the printed number, most
    specific first; none: ``unexplained``."""
    line: int = 0

    @property
    def agrees(self) -> bool:
        return self.agreement != "MISMATCH"

    def explained_by(self) -> str:
        """The models' names, each once, or ``unexplained`` for a MISMATCH none reproduces.

        A model that reproduces the number in several ways (the sign of each of four
        factors) is named once here; the explanations below the table list every way.
        """
        if self.agrees:
            return ""
        return ", ".join(dict.fromkeys(e.model for e in self.explanations)) or UNEXPLAINED

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "printed": self.printed,
            "computed": _json_number(self.computed),
            "agreement": self.agreement,
            "explanations": [
                {"model": e.model, "detail": e.detail, "value": _json_number(e.value)}
                for e in self.explanations
            ],
        }


@dataclass(frozen=True)
class CheckResult:
    """A checked file: its quantities in file order, the first one that goes wrong, and notes."""

    title: str
    source: str
    quantities: tuple[QuantityCheck, ...]
    first_divergent: str | None = None
    """The first MISMATCH in dependency order (the one the others may follow from)."""
    skipped: tuple[str, ...] = ()
    """Mistake models not re-run for cost, each with its reason: never skipped silently."""
    warnings: tuple[str, ...] = ()
    path: str | None = None
    computation: Computation | None = field(default=None, repr=False, compare=False)
    """The parsed file, for drawing its graph (``evaluate.forward_graph``)."""

    @classmethod
    def build(
        cls,
        computation: Computation,
        computed: Mapping[str, float],
        agreements: Mapping[str, str],
        explanations: Any = None,
    ) -> CheckResult:
        """Assemble the result from the evaluator's numbers and the mistake models' findings.

        ``explanations`` is ``mistakes.explain``'s answer (``by_quantity``, ``skipped``,
        ``first_divergent``), or ``None`` when every number agrees and nothing was re-run.
        """
        found = getattr(explanations, "by_quantity", {}) or {}
        rows = tuple(
            QuantityCheck(
                name=p.key,
                printed=p.text,
                computed=computed[p.key],
                agreement=agreements[p.key],
                explanations=tuple(found.get(p.key, ())),
                line=p.line,
            )
            for p in computation.printed
        )
        return cls(
            title=computation.title,
            source=computation.source,
            quantities=rows,
            first_divergent=getattr(explanations, "first_divergent", None),
            skipped=tuple(getattr(explanations, "skipped", ()) or ()),
            warnings=tuple(computation.warnings),
            path=computation.path,
            computation=computation,
        )

    @property
    def ok(self) -> bool:
        """Every printed number agrees with the engine's."""
        return all(q.agrees for q in self.quantities)

    def mismatches(self) -> list[QuantityCheck]:
        return [q for q in self.quantities if not q.agrees]

    def __getitem__(self, name: str) -> QuantityCheck:
        for q in self.quantities:
            if q.name == name:
                return q
        raise NotFoundError(f"{self.title!r} prints no quantity {name!r}")

    def rows(self, digits: int = SHOWN_DIGITS) -> list[tuple[str, str, str, str, str]]:
        """(quantity, printed, computed, agreement, explained by) for each quantity."""
        return [
            (q.name, q.printed, _shown(q.computed, digits), q.agreement, q.explained_by())
            for q in self.quantities
        ]

    def table(self, digits: int = SHOWN_DIGITS) -> str:
        """The report as plain text: the table, then each MISMATCH's explanations."""
        lines = [self.title]
        if self.source:
            lines.append(f"  source: {self.source}")
        if self.path:
            lines.append(f"  file: {self.path}")
        lines.append("")
        lines += [line.rstrip() for line in text_table([HEADERS, *self.rows(digits)], max_width=44)]
        lines.append("")
        lines += self._findings(digits)
        return "\n".join(lines)

    def _findings(self, digits: int) -> list[str]:
        wrong = self.mismatches()
        if not wrong:
            return [f"  All {len(self.quantities)} printed numbers agree."] + self._notes()
        lines = [f"  {len(wrong)} of {len(self.quantities)} printed numbers disagree."]
        if self.first_divergent:
            lines.append(f"  First divergent quantity: {self.first_divergent}")
        for q in wrong:
            lines.append(f"  {q.name}: printed {q.printed}, computed {_shown(q.computed, digits)}")
            if not q.explanations:
                lines.append(f"    {UNEXPLAINED}: no mistake model reproduces the printed number")
            for e in q.explanations:
                lines.append(f"    {e.model}: {e.detail} (gives {_shown(e.value, digits)})")
        return lines + self._notes()

    def _notes(self) -> list[str]:
        lines = [f"  skipped: {reason}" for reason in self.skipped]
        return lines + [f"  warning: {message}" for message in self.warnings]

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        rows = self.rows()
        attributes = [{"class": row[3]} for row in rows]
        parts = [html_table(self.title, HEADERS, rows, row_attributes=attributes)]
        text = html.escape
        if self.first_divergent:
            parts.append(
                f"<p>First divergent quantity: <code>{text(self.first_divergent)}</code></p>"
            )
        items = []
        for q in self.mismatches():
            found = [
                f"{e.model}: {e.detail} (gives {_shown(e.value, SHOWN_DIGITS)})"
                for e in q.explanations
            ]
            for line in found or [f"{UNEXPLAINED}: no mistake model reproduces it"]:
                items.append(f"<li><code>{text(q.name)}</code> {text(line)}</li>")
        items += [f"<li>skipped: {text(reason)}</li>" for reason in self.skipped]
        items += [f"<li>warning: {text(message)}</li>" for message in self.warnings]
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
        return "".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """``{"title", "first_divergent", "quantities": [...]}`` (plus ``source``, ``ok``,
        ``skipped``, ``warnings``): the JSON of ``autograd-lite check --json``."""
        return {
            "title": self.title,
            "first_divergent": self.first_divergent,
            "quantities": [q.to_dict() for q in self.quantities],
            "source": self.source,
            "ok": self.ok,
            "skipped": list(self.skipped),
            "warnings": list(self.warnings),
        }


def _shown(value: float, digits: int) -> str:
    return f"{value:.{digits}g}"


def _json_number(value: float) -> float | None:
    """A finite float as itself; NaN or infinity (which JSON cannot hold) as null."""
    return float(value) if math.isfinite(value) else None
