"""The shared reference file: the seed articles' inputs, weights and printed numbers."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).with_name("data") / "worked_examples.json"


@cache
def _examples() -> dict[str, dict]:
    return {e["id"]: e for e in json.loads(REFERENCE.read_text())["examples"]}


def reference(example_id: str) -> dict:
    """One example of the reference file (a copy of shared/reference/worked_examples.json)."""
    return _examples()[example_id]


def published(example_id: str) -> dict[str, object]:
    """Quantity name -> the number the article printed, for every quantity it printed."""
    return {
        name: entry["published"]
        for name, entry in reference(example_id)["expected"].items()
        if entry.get("published") is not None
    }


def flat(x) -> list[float]:
    """A number, a printed number, or nested lists of them, as one flat list of floats."""
    if isinstance(x, (int, float, str)):
        return [float(x)]
    return [v for item in x for v in flat(item)]


def check_printed_numbers(result, example_id: str, *, skip: tuple[str, ...] = ()) -> None:
    """Every number the reference says the article printed is in the result, as printed,
    and the result calls it a MISMATCH exactly where the reference does."""
    expected = reference(example_id)["expected"]
    for name, value in published(example_id).items():
        if name in skip or isinstance(value, str):
            continue
        quantity = result[name]
        assert flat(quantity.printed) == flat(value), name
        reference_word = expected[name].get("agreement", "")
        assert (quantity.agreement == "MISMATCH") == reference_word.startswith("MISMATCH"), (
            name,
            quantity.agreement,
            reference_word,
        )
