"""The example checker: a file of an article's computation and printed numbers, checked.

``check(path_or_dict)`` reads the file (``file_format.load``: TOML, or a dict of the same
shape), computes every printed quantity with the engine (``evaluate``), compares each with
the printed digits (``nn.examples.agreement``), and for every MISMATCH re-runs the
computation with known mistakes to find the ones that reproduce the printed number
(``mistakes.explain``). ``autograd-lite check FILE.toml`` is the same from the command line.
"""

from __future__ import annotations

from ..report import agreement
from .computation import Computation
from .evaluate import evaluate, forward_graph
from .file_format import Source, load
from .mistakes import explain
from .result import CheckResult, QuantityCheck


def check(source: Source) -> CheckResult:
    """Check the example file at ``source`` (a path, or a dict of the file's shape).

    Raises ``ExampleFileError`` for a file that cannot be checked (its message names the
    file, the line or key, and what is wrong); a printed number that disagrees is not an
    error but a ``MISMATCH`` row of the result.
    """
    computation = load(source)
    computed = evaluate(computation)
    agreements = {p.key: agreement(p.text, computed[p.key]) for p in computation.printed}
    explanations = explain(computation, computed, agreements)
    return CheckResult.build(computation, computed, agreements, explanations)


__all__ = ["CheckResult", "Computation", "QuantityCheck", "check", "forward_graph", "load"]
