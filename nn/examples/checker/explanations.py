"""What ``explain`` returns, and the budget its re-runs spend.

The budget: at most ``MAX_PASSES`` forward passes (a re-run of K updates costs K + 1) and
``MAX_RERUNS`` re-runs per ``explain``; a re-run that does not fit is skipped, and named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_PASSES = 50_000
"""Forward passes all re-runs of one ``explain`` may take (about 3 s for a 2-2-1 network)."""
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
    passes: int = field(default_factory=lambda: MAX_PASSES)
    reruns: int = field(default_factory=lambda: MAX_RERUNS)
    skipped: dict[str, list[str]] = field(default_factory=dict)

    def spend(self, model: str, passes: int, what: str) -> bool:
        """Take ``passes`` for one re-run, or note the skip and refuse."""
        if passes > self.passes or self.reruns < 1:
            self.skipped.setdefault(model, []).append(what)
            return False
        self.passes -= passes
        self.reruns -= 1
        return True

    def notes(self) -> list[str]:
        return [
            f"{model}: {len(whats)} re-run(s) not made, over the budget of {MAX_PASSES} forward "
            f"passes and {MAX_RERUNS} re-runs (first: {whats[0]})"
            for model, whats in self.skipped.items()
        ]
