"""Benchmark autograd-lite against micrograd 0.1.0, PyTorch and plain floats, in one run.

First checks that every engine computes the same gradients, then times each
workload on every engine, one sample per engine in turn, each engine in a process
of its own; prints one table and checks the targets. Exits 1 if the engines
disagree or a target is missed.

    python benchmarks/run.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import report
import workloads

HERE = Path(__file__).resolve().parent
ENGINES = ("floats", "autograd_lite", "compiled", "fused", "slots", "micrograd", "torch")
"""Each in a process of its own; an engine answers only the workloads it has."""
MEMORY_ENGINES = ("floats", "autograd_lite", "micrograd", "torch")
"""The engines of the heap-per-node and 10^6-chain measurements."""
CROSS_VALIDATION_TIMEOUT = 900
AGREEMENT = 1e-9
"""Largest relative difference allowed between two engines' numbers (they sum in other orders)."""
LONG_CHAIN_TIMEOUT = 600
LONG_CHAIN_MEMORY = 16 * 2**30
"""A long chain runs under these limits (micrograd's 10^6 chain once took 57 s and 3.9 GB)."""


class WorkerFailed(Exception):
    """A worker process died; the message is the last line it printed to stderr."""


class Worker:
    """One engine's ``measure.py serve`` process, asked one request at a time."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        self.errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed by close())
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "measure.py"), engine, "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
            cwd=HERE,
        )

    def ask(self, **request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            self.process.wait()
            self.errors.seek(0)
            lines = self.errors.read().strip().splitlines() or [f"exit {self.process.returncode}"]
            raise WorkerFailed(lines[-1][:100])
        return json.loads(answer)

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # it had died already
        self.process.wait()
        self.errors.close()


def check_agreement(workers: dict[str, Worker]) -> bool:
    """Every engine's numbers against autograd-lite's; print the largest relative difference.

    An engine whose check fails (the compiled one, while the compiler is being built) is
    left out of the timing; any disagreement stops the run.
    """
    print("Checking that the engines agree on the gradients...")
    results = {}
    failed = []
    for engine, worker in workers.items():
        try:
            results[engine] = worker.ask(task="check")
        except WorkerFailed as failure:
            print(f"  {engine}: failed: {failure}")
            if engine in ("autograd_lite", "floats"):
                return False
            failed.append(engine)  # not timed; reported as failed
    reference = results["autograd_lite"]
    agreed = True
    for engine, result in results.items():
        if engine == "autograd_lite":
            continue
        if not result:
            print(f"  {engine:<13} has none of the checked workloads in this version")
        for case, numbers in result.items():
            expected = reference[case]
            worst = max(abs(a - b) / max(abs(a), abs(b), 1e-12) for a, b in zip(numbers, expected))
            ok = worst <= AGREEMENT and len(numbers) == len(expected)
            agreed &= ok
            verdict = "agrees" if ok else "DISAGREES"
            print(f"  {engine:<13} {case}: {verdict} (largest relative difference {worst:.1e})")
    for engine in failed:
        workers.pop(engine).close()
    return agreed


def workload_names(quick: bool) -> dict[str, str]:
    """The worker's name for each workload -> the name the table shows."""
    names = {
        f"chain:{n}": f"chain {workloads.power_of_ten(n)}" for n in workloads.chain_sizes(quick)
    }
    names[f"mlp:{workloads.POINTS}"] = "MLP step"
    n = workloads.wide_sum_size(quick)
    names[f"sum:{n}"] = f"sum of {workloads.power_of_ten(n)} products"
    names["gpt:1"] = "GPT step"
    names[f"brownlee:{workloads.BROWNLEE_EPOCHS}"] = f"Brownlee, {workloads.BROWNLEE_EPOCHS} epochs"
    return names


def time_all(workers: dict[str, Worker], quick: bool) -> dict[str, dict[str, list | str]]:
    """Shown workload -> engine -> seconds per run of each sample (or why it failed)."""
    samples, budget, sample_time = (3, 3.0, 0.05) if quick else (7, 30.0, 0.25)
    seconds: dict[str, dict[str, list | str]] = {}
    for name, shown in workload_names(quick).items():
        print(f"Timing {shown}...", flush=True)
        by_engine: dict[str, list | str] = {engine: [] for engine in workers}
        start = time.perf_counter()
        for round_ in range(samples):
            if round_ >= 3 and time.perf_counter() - start > budget:
                break
            for engine, worker in workers.items():
                if isinstance(by_engine[engine], str):
                    continue
                try:
                    answer = worker.ask(task="sample", workload=name, sample_time=sample_time)
                    if answer is None:  # the engine has no such workload
                        by_engine[engine] = "absent"
                    else:
                        by_engine[engine].append(answer)
                except WorkerFailed as failure:
                    by_engine[engine] = f"failed: {failure}"
                    worker.close()
                    workers[engine] = Worker(engine)  # a fresh one for the next workload
        seconds[shown] = {e: v for e, v in by_engine.items() if v != "absent"}
    return seconds


def heap_per_node(workers: dict[str, Worker], n: int) -> dict[str, float | None | str]:
    memory: dict[str, float | None | str] = {}
    for engine, worker in workers.items():
        if engine not in MEMORY_ENGINES:
            continue
        try:
            memory[engine] = worker.ask(task="memory", n=n)
        except WorkerFailed as failure:
            memory[engine] = f"failed: {failure}"
    return memory


def long_chain(engine: str, n: int) -> dict | str:
    """One chain of n in a fresh process, under a time and a memory limit."""
    return fresh_process(engine, "long", str(n))


def fresh_process(engine: str, *task: str, timeout: float = LONG_CHAIN_TIMEOUT) -> dict | str:
    """One measurement in a process of its own, under a time and a memory limit."""

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (LONG_CHAIN_MEMORY, LONG_CHAIN_MEMORY))

    command = [sys.executable, str(HERE / "measure.py"), engine, *task]
    try:
        done = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=limit_memory,
            cwd=HERE,
        )
    except subprocess.TimeoutExpired:
        return f"stopped after {timeout} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return f"failed: {last[:100]}"
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer samples")
    quick = parser.parse_args().quick
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"micrograd {version('micrograd')}, torch {version('torch')}"
        + (" (--quick: smaller sizes, fewer samples)" if quick else "")
    )
    workers = {engine: Worker(engine) for engine in ENGINES}
    try:
        if not check_agreement(workers):
            print("The engines disagree: nothing timed.")
            return 1
        seconds = time_all(workers, quick)
        memory_n = workloads.chain_sizes(quick)[-1]
        memory = heap_per_node(workers, memory_n)
    finally:
        for worker in workers.values():
            worker.close()
    n = workloads.long_chain_size(quick)
    long_chains = {}
    for engine in MEMORY_ENGINES:
        print(f"One chain of {workloads.power_of_ten(n)} with {engine}...", flush=True)
        long_chains[engine] = long_chain(engine, n)
    print("Compiling an MLP(2, [64, 64, 1]) step over 100 points...", flush=True)
    compiled = fresh_process("compiled", "compile")
    epochs = 20 if quick else 500
    print(f"Brownlee's cross-validation, {epochs} epochs...", flush=True)
    crossval = fresh_process(
        "autograd_lite", "crossval", str(epochs), timeout=CROSS_VALIDATION_TIMEOUT
    )
    print()
    print(report.table(seconds, memory, memory_n, long_chains, n))
    print()
    print(report.other_table(compiled, crossval))
    print()
    verdicts = report.targets(seconds, memory, long_chains, n, quick, compiled, crossval)
    print(verdicts)
    return 1 if "FAIL" in verdicts else 0


if __name__ == "__main__":
    sys.exit(main())
