"""The printed tables and the PASS/FAIL lines, from the numbers the workers sent back."""

from __future__ import annotations

import statistics

import workloads

NAMES = {
    "floats": "floats (floor)",
    "autograd_lite": "autograd-lite",
    "micrograd": "micrograd",
    "torch": "torch",
}
SPEEDUP_TARGETS = {"MLP step": 5.0, "chain": 3.0, "sum of": 3.0}
"""At least this many times faster than micrograd, by workload (the start of its name)."""
MAX_BYTES_PER_NODE = 200
MAX_LONG_CHAIN_SECONDS = 5.0
MAX_LONG_CHAIN_BYTES = 500 * 10**6


def _median(samples: list | str) -> float | None:
    return statistics.median(samples) if isinstance(samples, list) and samples else None


def _megabytes(n: float) -> str:
    return f"{n / 10**6:,.0f} MB"


def table(seconds: dict, memory: dict, memory_n: int, long_chains: dict, long_n: int) -> str:
    """Markdown: median seconds with the ratios to micrograd and to the float floor; then memory."""
    lines = [
        "| workload | engine | median seconds | speed-up over micrograd | times the float floor |",
        "|---|---|---:|---:|---:|",
    ]
    for workload, by_engine in seconds.items():
        micrograd = _median(by_engine.get("micrograd", []))
        floor = _median(by_engine.get("floats", []))
        for engine, samples in by_engine.items():
            median = _median(samples)
            if median is None:
                lines.append(f"| {workload} | {NAMES[engine]} | {samples} | | |")
                continue
            speedup = f"{micrograd / median:.1f}x" if micrograd else "-"
            over_floor = f"{median / floor:.1f}x" if floor else "-"
            lines.append(
                f"| {workload} | {NAMES[engine]} | {median:.3g} | {speedup} | {over_floor} |"
            )
    chain = workloads.power_of_ten(long_n)
    lines += [
        "",
        (
            f"| engine | Python heap per graph node (chain {workloads.power_of_ten(memory_n)}) "
            f"| chain {chain}: seconds | peak memory (process) | above the process's baseline |"
        ),
        "|---|---:|---:|---:|---:|",
    ]
    for engine, name in NAMES.items():
        per_node = memory.get(engine)
        if isinstance(per_node, float):
            heap = f"{per_node:.0f} B" + (" (its tape)" if engine == "floats" else "")
        else:
            heap = per_node or "n/a (a C++ graph)"
        long = long_chains.get(engine)
        if isinstance(long, dict):
            peak, baseline = long["peak_bytes"], long["baseline_bytes"]
            cells = f"{long['seconds']:.3g} | {_megabytes(peak)} | {_megabytes(peak - baseline)}"
        else:
            cells = f"{long} | | "
        lines.append(f"| {name} | {heap} | {cells} |")
    return "\n".join(lines)


def targets(seconds: dict, memory: dict, long_chains: dict, long_n: int, quick: bool) -> str:
    """One line per target: PASS, FAIL or SKIP, with what was measured."""
    lines = []
    for workload, by_engine in seconds.items():
        goal = next(v for k, v in SPEEDUP_TARGETS.items() if workload.startswith(k))
        ours, micrograd = _median(by_engine["autograd_lite"]), _median(by_engine["micrograd"])
        if ours is None or micrograd is None:
            lines.append(f"FAIL  {workload}: not measured for both autograd-lite and micrograd")
            continue
        speedup = micrograd / ours
        text = f"{workload}: {speedup:.2f}x faster than micrograd (target >= {goal:g}x)"
        lines.append(_verdict(speedup >= goal, text))
    per_node = memory.get("autograd_lite")
    if isinstance(per_node, float):
        text = f"Python heap per graph node: {per_node:.0f} B (target <= {MAX_BYTES_PER_NODE} B)"
        lines.append(_verdict(per_node <= MAX_BYTES_PER_NODE, text))
    else:
        lines.append(f"FAIL  Python heap per graph node: {per_node}")
    chain = f"chain {workloads.power_of_ten(long_n)}"
    long = long_chains.get("autograd_lite")
    if quick:
        lines.append(f"SKIP  chain 10^6 in < 5 s and < 500 MB: --quick runs a {chain} only")
    elif not isinstance(long, dict):
        lines.append(f"FAIL  {chain}: {long}")
    else:
        seconds_taken, peak = long["seconds"], long["peak_bytes"]
        limit = MAX_LONG_CHAIN_SECONDS
        text = f"{chain} forward + backward: {seconds_taken:.2f} s (target < {limit:g} s)"
        lines.append(_verdict(seconds_taken < limit, text))
        limit_text = _megabytes(MAX_LONG_CHAIN_BYTES)
        text = f"{chain} peak memory: {_megabytes(peak)}, whole process (target < {limit_text})"
        lines.append(_verdict(peak < MAX_LONG_CHAIN_BYTES, text))
    return "\n".join(lines)


def _verdict(ok: bool, text: str) -> str:
    return ("PASS  " if ok else "FAIL  ") + text
