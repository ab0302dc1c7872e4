"""What ``explain`` returns, and the budget its re-runs spend.

The budget, per ``explain``: ``MAX_WORK`` units of work and ``MAX_RERUNS`` re-runs. A
re-run of K updates makes K + 1 forward passes; each pass costs one unit per chain-rule
factor and step (``Budget.overhead``: reading and accumulating them) plus one per
instruction of each step it runs afresh (a step identical to one an earlier re-run ran is
remembered). A re-run is made only if it fits at its worst (every step afresh:
``Budget.per_pass``); a re-run that does not fit is skipped and named in ``skipped``,
never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_WORK = 1_000_000
"""Work all re-runs of one ``explain`` may do: about 2 s; 16,000 forward passes of a
2-2-1 network run afresh (its steps hold 40 instructions and 22 factors and steps)."""
MAX_RERUNS = 2_000
"""Re-runs one ``explain`` may make."""


@dataclass(frozen=True)
class Explanation:
    """One mistake that reproduces a printed number: the model, what exactly, and its value."""

    model: str
    detail: str
    value: float


@dataclass(frozen=True)
class Explanations:
    by_quantity: dict[str, list[Explanation]]
    """Each MISMATCH quantity's explanations, most specific first; empty: unexplained."""
    skipped: list[str]
    """Re-runs not made (the budget) or that failed, by model and reason."""
    first_divergent: str | None
    """The first MISMATCH quantity in dependency order."""


@dataclass
class Budget:
    per_pass: int = 1
    """The work of one forward pass at its worst: every instruction, factor and step."""
    overhead: int = 1
    """The work of one forward pass whose steps were all run before: its factors and steps."""
    work: int = field(default_factory=lambda: MAX_WORK)
    reruns: int = field(default_factory=lambda: MAX_RERUNS)
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def afford(self, model: str, passes: int, what: str) -> bool:
        """Whether a re-run of ``passes`` forward passes fits at its worst; if not, note the skip.

        The worst is every step run afresh; ``charge`` then takes what was really run
        (steps shared with earlier re-runs cost nothing).
        """
        if passes * self.per_pass > self.work or self.reruns < 1:
            self.skipped.setdefault(model, []).append(what)
            return False
        self.reruns -= 1
        return True

    def charge(self, work: int) -> None:
        self.work -= work

    def notes(self) -> list[str]:
        return [
            f"{model}: {len(whats)} re-run(s) not made, over the budget of {MAX_WORK:,} "
            f"units of work and {MAX_RERUNS:,} re-runs (first: {whats[0]})"
            for model, whats in self.skipped.items()
        ]
