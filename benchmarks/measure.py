"""One engine in a process of its own, measuring what ``run.py`` asks for.

Each engine gets a fresh process, so that no engine's garbage, imports or raised
recursion limit touches another's numbers. ``run.py`` keeps the processes of all
engines open and asks them for one timing sample each in turn, so that whatever
else the machine is doing slows every engine alike.

    python measure.py ENGINE serve    answer JSON requests, one a line, on stdin
    python measure.py ENGINE long N   one chain of N: seconds and peak memory
    python measure.py compiled compile   compile the MLP(2, [64, 64, 1]) step: seconds, memory
    python measure.py ENGINE crossval E  Brownlee's cross-validation for E epochs: seconds, scores
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

import gpt
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


Run = tuple[Callable[[], object], Callable[[], None] | None]
"""A workload's run (a function of no arguments) and what puts its model back, if anything."""


class Workloads:
    """The engine's workloads by name, built on first use.

    A training step changes its model, and how much work the next step does depends on
    where the model is: the MLP step skips the backward pass of every point with no loss
    (the floor and a compiled program outright, autograd-lite node by node), and the GPT's
    ReLUs pass nothing back where they are off. An engine that ran more steps per sample
    would be timed on a further-trained model, a different workload. So these two put
    their model back to the initial weights before every run, untimed (it assigns floats,
    which the garbage collector does not track, so no collection moves out of the timing).
    """

    def __init__(self, engine) -> None:
        self.engine = engine
        self.runs: dict[str, Run | None] = {}
        self.runs_per_sample: dict[str, int] = {}

    def run(self, name: str) -> Run | None:
        if name not in self.runs:
            self.runs[name] = self._make(name)
        return self.runs[name]

    def _make(self, name: str) -> Run | None:
        """The run of one workload and its reset, or ``None`` if this engine does not have it."""
        kind, n = name.split(":")
        engine = self.engine
        if not runs(engine, kind):
            return None
        if kind == "chain":
            return (lambda: engine.chain(int(n))), None
        if kind == "mlp":
            points, labels = workloads.two_moons()
            params = workloads.mlp_parameters()
            model = engine.mlp(params)
            return (lambda: engine.train_step(model, points, labels)), (
                lambda: engine.set_parameters(model, params)
            )
        if kind == "sum":
            ws, xs = workloads.wide_sum_inputs(int(n))
            return (lambda: engine.wide_sum(ws, xs)), None
        if kind == "gpt":
            initial = gpt.initial_parameters()
            model = gpt.GPT(engine.GPT_VALUE, engine.GPT_OPS, initial)
            sequence = gpt.tokens()
            return (lambda: model.train_step(sequence)), (lambda: model.set_parameters(initial))
        if kind == "brownlee":  # sigmoids throughout: the same work wherever the weights are
            xs, ys, weights = workloads.brownlee_data()
            network = engine.brownlee(weights)
            return (lambda: engine.brownlee_epochs(network, xs, ys, int(n))), None
        raise ValueError(f"unknown workload {name!r}")

    def sample(self, name: str, sample_time: float) -> float | None:
        """Seconds per run over one sample: runs back to back for at least ``sample_time``.

        The cyclic garbage collector stays on, as in a learner's session. Collecting
        an engine's garbage comes in bursts; a sample spreads each burst over the runs
        that caused it. The first call also warms up and fixes the runs per sample. A
        workload with a reset is put back before every run, and only the runs are timed.
        """
        workload = self.run(name)
        if workload is None:
            return None
        run, reset = workload
        if name not in self.runs_per_sample:
            gc.collect()
            once = _timed(run, reset)
            self.runs_per_sample[name] = max(1, math.ceil(sample_time / once))
        runs = self.runs_per_sample[name]
        if reset is not None:
            return sum(_timed(run, reset) for _ in range(runs)) / runs
        start = time.perf_counter()
        for _ in range(runs):
            run()
        return (time.perf_counter() - start) / runs


def _timed(run: Callable[[], object], reset: Callable[[], None] | None) -> float:
    """Seconds of one run, after its reset (untimed)."""
    if reset is not None:
        reset()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


KINDS = {
    "chain": ("chain",),
    "mlp": ("mlp", "train_step", "gradients", "set_parameters"),
    "sum": ("wide_sum",),
    "gpt": ("GPT_VALUE",),
    "brownlee": ("brownlee", "brownlee_epochs"),
}
"""What an engine module defines for each kind of workload it runs."""


def runs(engine, kind: str) -> bool:
    """Whether the engine has this workload (and, for the compiled one, the compiler)."""
    if not getattr(engine, "AVAILABLE", True):
        return False
    if kind == "brownlee" and not getattr(engine, "FIT_COMPILED", True):
        return False
    return all(hasattr(engine, name) for name in KINDS[kind])


def check(engine) -> dict[str, list[float]]:
    """The numbers every engine must agree on, for the workloads it has."""
    numbers: dict[str, list[float]] = {}
    if runs(engine, "chain"):
        numbers["chain 10^3: d out/d x"] = [engine.chain(10**3)]
    if runs(engine, "mlp"):
        points, labels = workloads.two_moons()
        model = engine.mlp(workloads.mlp_parameters())
        loss = engine.train_step(model, points, labels)
        numbers["MLP step: loss and parameter gradients"] = [loss, *engine.gradients(model)]
    if runs(engine, "sum"):
        total, sum_grads = engine.wide_sum(*workloads.wide_sum_inputs(10**3))
        numbers["sum of 10^3 products: value and gradients"] = [total, *sum_grads]
    if runs(engine, "gpt"):
        model = gpt.GPT(engine.GPT_VALUE, engine.GPT_OPS, gpt.initial_parameters())
        loss = model.train_step(gpt.tokens())
        numbers["GPT step: loss and parameter gradients"] = [loss, *model.gradients()]
    if runs(engine, "brownlee"):
        xs, ys, weights = workloads.brownlee_data()
        after = engine.brownlee_epochs(engine.brownlee(weights), xs, ys, 2)
        numbers["Brownlee, 2 epochs: the weights after them"] = after
    return numbers


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


def compile_size(engine) -> dict | None:
    """Seconds and memory to compile the issue's MLP(2, [64, 64, 1]) step over 100 points."""
    if not getattr(engine, "AVAILABLE", False):
        return None
    root, inputs = engine.compile_size(workloads.COMPILE_SIZES, *workloads.two_moons())
    gc.collect()
    baseline = _rss_bytes()
    start = time.perf_counter()
    engine.compile_graph(root, inputs)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": seconds, "peak_bytes": peak, "baseline_bytes": baseline}


def cross_validation(epochs: int) -> dict:
    """Brownlee's whole 5-fold cross-validation, as ``nn.examples`` runs it; seconds and scores."""
    from nn.examples import brownlee_seeds

    start = time.perf_counter()
    result = brownlee_seeds.run(epochs=epochs)
    seconds = time.perf_counter() - start
    scores = result.extra["scores"][epochs]
    published = [float(s) for s in brownlee_seeds.PRINTED_SCORES]
    return {"seconds": seconds, "epochs": epochs, "scores": scores, "published": published}


def main(argv: list[str]) -> None:
    engine = load(argv[0])
    if argv[1] == "serve":
        serve(engine)
    elif argv[1] == "long":
        print(json.dumps(long_chain(engine, int(argv[2]))))
    elif argv[1] == "compile":
        print(json.dumps(compile_size(engine)))
    elif argv[1] == "crossval":
        print(json.dumps(cross_validation(int(argv[2]))))
    else:
        raise SystemExit(f"unknown task {argv[1]!r}; see this file's docstring")


if __name__ == "__main__":
    main(sys.argv[1:])
