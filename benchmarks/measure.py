"""One engine in a process of its own, measuring what ``run.py`` asks for.

Each engine gets a fresh process, so that no engine's garbage, imports or raised
recursion limit touches another's numbers. ``run.py`` keeps the processes of all
engines open and asks them for one timing sample each in turn, so that whatever
else the machine is doing slows every engine alike.

    python measure.py ENGINE serve    answer JSON requests, one a line, on stdin
    python measure.py ENGINE long N   one chain of N: seconds and peak memory
"""

from __future__ import annotations

import gc
import importlib
import json
import math
import resource
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable

import workloads

SHARED_IMPORTS = ("autograd_lite", "nn", "micrograd.nn")
"""Imported by every engine's process, so that each Python engine's garbage collector
scans an interpreter of the same size: collections cost more as the heap grows, and
micrograd's far more than autograd-lite's (see README)."""


def load(engine: str):
    """Import ``engine_<engine>.py``; micrograd's recursive backward gets a deep enough stack."""
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")  # torch; not needed
    for module in SHARED_IMPORTS:
        importlib.import_module(module)
    if engine == "micrograd":
        # Its topological sort recurses once per node of a chain. Python 3.11 runs
        # Python-to-Python calls without growing the C stack, so a high limit is safe
        # here, in a process of its own; autograd-lite never raises it.
        sys.setrecursionlimit(10**6 + 10**4)
    return importlib.import_module(f"engine_{engine}")


class Workloads:
    """The engine's workloads by name, each a function of no arguments, built on first use."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.runs: dict[str, Callable[[], object]] = {}
        self.runs_per_sample: dict[str, int] = {}

    def run(self, name: str) -> Callable[[], object]:
        if name not in self.runs:
            self.runs[name] = self._make(name)
        return self.runs[name]

    def _make(self, name: str) -> Callable[[], object]:
        kind, n = name.split(":")
        engine = self.engine
        if kind == "chain":
            return lambda: engine.chain(int(n))
        if kind == "mlp":
            points, labels = workloads.two_moons()
            model = engine.mlp(workloads.mlp_parameters())
            return lambda: engine.train_step(model, points, labels)
        if kind == "sum":
            ws, xs = workloads.wide_sum_inputs(int(n))
            return lambda: engine.wide_sum(ws, xs)
        raise ValueError(f"unknown workload {name!r}")

    def sample(self, name: str, sample_time: float) -> float:
        """Seconds per run over one sample: runs back to back for at least ``sample_time``.

        The cyclic garbage collector stays on, as in a learner's session. Collecting
        an engine's garbage comes in bursts; a sample spreads each burst over the runs
        that caused it. The first call also warms up and fixes the runs per sample.
        """
        run = self.run(name)
        if name not in self.runs_per_sample:
            gc.collect()
            start = time.perf_counter()
            run()
            once = time.perf_counter() - start
            self.runs_per_sample[name] = max(1, math.ceil(sample_time / once))
        runs = self.runs_per_sample[name]
        start = time.perf_counter()
        for _ in range(runs):
            run()
        return (time.perf_counter() - start) / runs


def check(engine) -> dict[str, list[float]]:
    """The numbers every engine must agree on."""
    points, labels = workloads.two_moons()
    model = engine.mlp(workloads.mlp_parameters())
    loss = engine.train_step(model, points, labels)
    total, sum_grads = engine.wide_sum(*workloads.wide_sum_inputs(10**3))
    return {
        "chain 10^3: d out/d x": [engine.chain(10**3)],
        "MLP step: loss and parameter gradients": [loss, *engine.gradients(model)],
        "sum of 10^3 products: value and gradients": [total, *sum_grads],
    }


def heap_bytes_per_node(engine, n: int) -> float | None:
    """Python heap (tracemalloc) held by a chain of n after its backward pass, per graph node."""
    if not hasattr(engine, "count_nodes"):
        return None  # torch keeps its graph in C++, out of tracemalloc's sight
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    _, graph = engine.chain_graph(n)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held / engine.count_nodes(graph)


def serve(engine) -> None:
    """Answer requests from ``run.py`` until stdin closes: one JSON object a line each way."""
    work = Workloads(engine)
    for line in sys.stdin:
        request = json.loads(line)
        task = request["task"]
        if task == "check":
            answer = check(engine)
        elif task == "sample":
            answer = work.sample(request["workload"], request["sample_time"])
        elif task == "memory":
            answer = heap_bytes_per_node(engine, request["n"])
        else:
            raise ValueError(f"unknown task {task!r}")
        print(json.dumps(answer), flush=True)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def long_chain(engine, n: int) -> dict:
    """One chain of n, forward and backward; peak resident memory of this whole process."""
    engine.chain(10)  # imports and first calls done before the baseline
    baseline = _rss_bytes()
    gc.collect()
    start = time.perf_counter()
    engine.chain(n)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {"seconds": seconds, "peak_bytes": peak, "baseline_bytes": baseline}


def main(argv: list[str]) -> None:
    engine = load(argv[0])
    if argv[1] == "serve":
        serve(engine)
    elif argv[1] == "long":
        print(json.dumps(long_chain(engine, int(argv[2]))))
    else:
        raise SystemExit(f"unknown task {argv[1]!r}; see this file's docstring")


if __name__ == "__main__":
    main(sys.argv[1:])
