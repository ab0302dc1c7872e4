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

from nn.examples.checker.computation import Computation
from nn.examples.checker.evaluate import evaluate
from nn.examples.checker.file_format import load
from nn.examples.checker.mistakes import explain
from nn.examples.report import agreement

UPDATES = 1000
EVALUATE_TARGET = 1.0
EXPLAIN_TARGET = 4.0


def network(printed: dict[str, str]) -> Computation:
    """Mazur's 2-2-1 sigmoid network as a checker file would state it, these numbers printed."""
    values = {"x1": 0.05, "x2": 0.1, "w1": 0.15, "w2": 0.2, "w3": 0.25, "w4": 0.3}
    values |= {"b1": 0.35, "b2": 0.35, "w5": 0.4, "w6": 0.45, "b3": 0.6, "t": 0.01}
    forward = {
        "zh1": "w1*x1 + w2*x2 + b1",
        "h1": "sigmoid(zh1)",
        "zh2": "w3*x1 + w4*x2 + b2",
        "h2": "sigmoid(zh2)",
        "zy": "w5*h1 + w6*h2 + b3",
        "y": "sigmoid(zy)",
        "E": "0.5*(t - y)**2",
    }
    parameters = ["w1", "w2", "w3", "w4", "b1", "b2", "w5", "w6", "b3"]
    training = {"loss": "E", "learning_rate": 0.5, "parameters": parameters, "steps": UPDATES}
    return load(
        {"title": "2-2-1", "source": "benchmark", "values": values, "forward": forward}
        | {"train": training, "printed": printed}
    )


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
