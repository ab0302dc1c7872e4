"""Time the example checker on a 2-2-1 sigmoid network trained for 1,000 updates.

``evaluate`` runs the engine's graph 1,001 times (one run records every ``@K``);
``explain`` re-runs the computation with each mistake model within its budget
(``nn.examples.checker.explanations.MAX_WORK``, about two seconds on an idle core).
Targets: evaluate well under a second, explain under four. Exits 1 if one is missed.

    python benchmarks/checker.py
"""

from __future__ import annotations

import platform
import sys
import time

from nn.examples.checker.computation import (
    Binary,
    Call,
    Computation,
    Name,
    Number,
    Printed,
    Step,
    Training,
)
from nn.examples.checker.evaluate import evaluate
from nn.examples.checker.mistakes import explain
from nn.examples.report import agreement

UPDATES = 1000
EVALUATE_TARGET = 1.0
EXPLAIN_TARGET = 4.0


def _neuron(name: str, pairs: list[tuple[str, str]], bias: str) -> list[Step]:
    total = None
    for w, x in pairs:
        term = Binary("*", Name(w), Name(x))
        total = term if total is None else Binary("+", total, term)
    z = Step(f"z{name}", Binary("+", total, Name(bias)), "", 0)
    return [z, Step(name, Call("sigmoid", (Name(f"z{name}"),)), "", 0)]


def network(printed: dict[str, str]) -> Computation:
    values = {"x1": 0.05, "x2": 0.1, "w1": 0.15, "w2": 0.2, "w3": 0.25, "w4": 0.3}
    values |= {"b1": 0.35, "b2": 0.35, "w5": 0.4, "w6": 0.45, "b3": 0.6, "t": 0.01}
    steps = _neuron("h1", [("w1", "x1"), ("w2", "x2")], "b1")
    steps += _neuron("h2", [("w3", "x1"), ("w4", "x2")], "b2")
    steps += _neuron("y", [("w5", "h1"), ("w6", "h2")], "b3")
    error = Binary("**", Binary("-", Name("t"), Name("y")), Number(2))
    steps.append(Step("E", Binary("*", Number(0.5), error), "", 0))
    parameters = ("w1", "w2", "w3", "w4", "b1", "b2", "w5", "w6", "b3")
    rows = []
    for key, text in printed.items():
        name, _, after = key.partition("@")
        of, wrt = name[1:].split("/d") if name.startswith("dE/") else (name, None)
        rows.append(Printed(key, of, wrt, int(after or 0), text, 0))
    training = Training("E", 0.5, parameters, UPDATES)
    return Computation("2-2-1", "benchmark", values, tuple(steps), tuple(rows), training)


def main() -> int:
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    keys = {f"E@{UPDATES}": "0.5", f"w1@{UPDATES}": "0.1", "dE/dw1": "0.1"}
    computation = network(keys)
    start = time.perf_counter()
    computed = evaluate(computation)
    evaluate_seconds = time.perf_counter() - start
    agreements = {p.key: agreement(p.text, computed[p.key]) for p in computation.printed}
    start = time.perf_counter()
    found = explain(computation, computed, agreements)
    explain_seconds = time.perf_counter() - start
    print(f"evaluate, {UPDATES} updates: {evaluate_seconds:.3f} s (target < {EVALUATE_TARGET} s)")
    print(
        f"explain, {len(found.by_quantity)} wrong numbers: {explain_seconds:.2f} s "
        f"(target < {EXPLAIN_TARGET} s); skipped: {len(found.skipped)} note(s)"
    )
    ok = evaluate_seconds < EVALUATE_TARGET and explain_seconds < EXPLAIN_TARGET
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
