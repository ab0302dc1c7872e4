"""What ``explain`` returns, and the budget its re-runs spend.

The budget, per ``explain``: ``MAX_WORK`` instructions run (a re-run of K updates makes
K + 1 forward passes, each running every step's instructions once: ``Budget.per_pass``)
and ``MAX_RERUNS`` re-runs. A re-run that does not fit is skipped and named in
``skipped``, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_WORK = 1_000_000
"""Instructions all re-runs of one ``explain`` may run: 25,000 forward passes of a 2-2-1
network (its steps hold 40 instructions), 25 re-runs of 1,000 updates, about 2 s."""
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
    """Instructions in one forward pass of the file's steps."""
    work: int = field(default_factory=lambda: MAX_WORK)
    reruns: int = field(default_factory=lambda: MAX_RERUNS)
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def spend(self, model: str, passes: int, what: str) -> bool:
        """Take ``passes`` forward passes for one re-run, or note the skip and refuse."""
        cost = passes * self.per_pass
        if cost > self.work or self.reruns < 1:
            self.skipped.setdefault(model, []).append(what)
            return False
        self.work -= cost
        self.reruns -= 1
        return True

    def notes(self) -> list[str]:
        return [
            f"{model}: {len(whats)} re-run(s) not made, over the budget of {MAX_WORK:,} "
            f"instructions and {MAX_RERUNS:,} re-runs (first: {whats[0]})"
            for model, whats in self.skipped.items()
        ]
