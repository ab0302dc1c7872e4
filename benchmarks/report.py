"""The printed tables and the PASS/FAIL lines, from the numbers the workers sent back."""

from __future__ import annotations

import workloads

NAMES = {
    "floats": "floats (floor)",
    "autograd_lite": "autograd-lite",
    "compiled": "autograd-lite, compiled",
    "fused": "autograd-lite (dot, vsum, softmax)",
    "slots": "micrograd-style Value",
    "micrograd": "micrograd",
    "torch": "torch",
}
MEMORY_NAMES = ("floats", "autograd_lite", "micrograd", "torch")
REFERENCE = {"GPT step": "slots"}
"""The engine a workload's speed-up is measured against; micrograd unless named here."""
SPEEDUP_TARGETS = {"MLP step": 100.0, "chain": 3.0, "sum of": 3.0, "GPT step": 2.0}
"""At least this many times faster than the reference, by workload (the start of its name)."""
FLOOR_TARGETS = {"MLP step": 3.0, "chain": 6.0}
"""At most this many times the float floor's time, normal mode, by workload."""
COMPILED_OVER_FLOOR = 0.35
COMPILED_OVER_NORMAL = 15.0
"""The compiled MLP step: at most 0.35x the floor's time, at least 15x faster than normal mode."""
MAX_COMPILE_SECONDS = 1.0
MAX_COMPILE_BYTES = 200 * 10**6
MAX_CROSS_VALIDATION_SECONDS = 4.0
MAX_BYTES_PER_NODE = 200
MAX_LONG_CHAIN_SECONDS = 5.0
MAX_LONG_CHAIN_BYTES = 500 * 10**6


def _best(samples: list | str) -> float | None:
    """The fastest sample: on a shared machine, the one least slowed by other work."""
    return min(samples) if isinstance(samples, list) and samples else None


def _megabytes(n: float) -> str:
    return f"{n / 10**6:,.0f} MB"


def table(seconds: dict, memory: dict, memory_n: int, long_chains: dict, long_n: int) -> str:
    """Markdown: the best sample's seconds, its ratios to micrograd and to the floor; then memory."""
    lines = [
        "| workload | engine | best seconds | speed-up over micrograd¹ | times the float floor |",
        "|---|---|---:|---:|---:|",
    ]
    for workload, by_engine in seconds.items():
        reference = _best(by_engine.get(REFERENCE.get(workload, "micrograd"), []))
        floor = _best(by_engine.get("floats", []))
        for engine, samples in by_engine.items():
            best = _best(samples)
            if best is None:
                lines.append(f"| {workload} | {NAMES[engine]} | {samples} | | |")
                continue
            speedup = f"{reference / best:.1f}x" if reference else "-"
            over_floor = f"{best / floor:.1f}x" if floor else "-"
            lines.append(
                f"| {workload} | {NAMES[engine]} | {best:.3g} | {speedup} | {over_floor} |"
            )
    chain = workloads.power_of_ten(long_n)
    lines += [
        "",
        "¹ The GPT step's speed-up is over its micrograd-style Value (micrograd has no exp or log).",
        "",
        (
            f"| engine | Python heap per graph node (chain {workloads.power_of_ten(memory_n)}) "
            f"| chain {chain}: seconds | peak memory (process) | above the process's baseline |"
        ),
        "|---|---:|---:|---:|---:|",
    ]
    for engine in MEMORY_NAMES:
        name = NAMES[engine]
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


def other_table(compiled: dict | str | None, crossval: dict | str) -> str:
    """Markdown: compiling the issue's MLP, and Brownlee's whole cross-validation."""
    lines = ["| measurement | result |", "|---|---|"]
    what = "compile an MLP(2, [64, 64, 1]) step over 100 points"
    if isinstance(compiled, dict):
        extra = compiled["peak_bytes"] - compiled["baseline_bytes"]
        lines.append(
            f"| {what} | {compiled['seconds']:.3g} s; peak memory {_megabytes(compiled['peak_bytes'])}"
            f" (process), {_megabytes(extra)} above the recorded graph's |"
        )
    else:
        lines.append(f"| {what} | {compiled or 'not measured: no compile_graph in this version'} |")
    if isinstance(crossval, dict):
        same = (
            "the published scores"
            if crossval["scores"] == crossval["published"]
            else (f"scores {crossval['scores']}")
        )
        lines.append(
            f"| Brownlee's cross-validation, {crossval['epochs']} epochs (`nn.examples`) "
            f"| {crossval['seconds']:.3g} s; {same} |"
        )
    else:
        lines.append(f"| Brownlee's cross-validation | {crossval} |")
    return "\n".join(lines)


def _ratio_lines(seconds: dict) -> list[str]:
    """Speed-ups over the reference, and normal and compiled mode against the float floor."""
    lines = []
    for workload, by_engine in seconds.items():
        base = REFERENCE.get(workload, "micrograd")
        ours, theirs = _best(by_engine.get("autograd_lite", [])), _best(by_engine.get(base, []))
        goal = next((v for k, v in SPEEDUP_TARGETS.items() if workload.startswith(k)), None)
        if goal is not None:
            if ours is None or theirs is None:
                lines.append(f"FAIL  {workload}: not measured for autograd-lite and {NAMES[base]}")
            else:
                text = f"{workload}: {theirs / ours:.2f}x faster than {NAMES[base]} (target >= {goal:g}x)"
                lines.append(_verdict(theirs / ours >= goal, text))
        floor = _best(by_engine.get("floats", []))
        limit = next((v for k, v in FLOOR_TARGETS.items() if workload.startswith(k)), None)
        if limit is not None and ours is not None and floor is not None:
            text = f"{workload}: {ours / floor:.2f}x the float floor's time (target <= {limit:g}x)"
            lines.append(_verdict(ours / floor <= limit, text))
        fused = _best(by_engine.get("fused", []))
        if fused is not None and theirs is not None:
            lines.append(
                f"INFO  {workload} with dot, vsum and softmax: {theirs / fused:.2f}x faster than "
                f"{NAMES[base]}, {ours / fused:.2f}x faster than with operators"
            )
        compiled = _best(by_engine.get("compiled", []))
        if workload == "MLP step":
            if compiled is None or ours is None or floor is None:
                lines.append("FAIL  MLP step, compiled: not measured (no compile_graph?)")
            else:
                text = f"MLP step, compiled: {compiled / floor:.2f}x the float floor's time"
                lines.append(
                    _verdict(
                        compiled / floor <= COMPILED_OVER_FLOOR,
                        text + (f" (target <= {COMPILED_OVER_FLOOR:g}x)"),
                    )
                )
                text = f"MLP step, compiled: {ours / compiled:.1f}x faster than normal mode"
                lines.append(
                    _verdict(
                        ours / compiled >= COMPILED_OVER_NORMAL,
                        text + (f" (target >= {COMPILED_OVER_NORMAL:g}x)"),
                    )
                )
        elif compiled is not None and ours is not None and floor is not None:
            lines.append(
                f"INFO  {workload}, compiled: {compiled / floor:.2f}x the float floor's time, "
                f"{ours / compiled:.1f}x faster than normal mode"
            )
    return lines


def targets(
    seconds: dict,
    memory: dict,
    long_chains: dict,
    long_n: int,
    quick: bool,
    compiled: dict | str | None = None,
    crossval: dict | str | None = None,
) -> str:
    """One line per target: PASS, FAIL or SKIP (INFO: measured, no target), with what was measured."""
    lines = _ratio_lines(seconds)
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
    lines += _compile_and_crossval_lines(compiled, crossval, quick)
    return "\n".join(lines)


def _compile_and_crossval_lines(compiled, crossval, quick: bool) -> list[str]:
    lines = []
    what = "compiling an MLP(2, [64, 64, 1]) step over 100 points"
    if isinstance(compiled, dict):
        seconds, extra = compiled["seconds"], compiled["peak_bytes"] - compiled["baseline_bytes"]
        text = f"{what}: {seconds:.2f} s (target <= {MAX_COMPILE_SECONDS:g} s)"
        lines.append(_verdict(seconds <= MAX_COMPILE_SECONDS, text))
        limit = _megabytes(MAX_COMPILE_BYTES)
        text = f"{what}: {_megabytes(extra)} above the recorded graph (target <= {limit})"
        lines.append(_verdict(extra <= MAX_COMPILE_BYTES, text))
    else:
        lines.append(f"FAIL  {what}: {compiled or 'no compile_graph in this version'}")
    if quick:
        lines.append("SKIP  cross-validation in < 4 s: --quick runs 20 epochs, not 500")
    elif isinstance(crossval, dict):
        same = crossval["scores"] == crossval["published"]
        text = (
            f"Brownlee's 500-epoch cross-validation: {crossval['seconds']:.2f} s "
            f"(target < {MAX_CROSS_VALIDATION_SECONDS:g} s), "
            + ("the published scores" if same else "NOT the published scores")
        )
        lines.append(_verdict(same and crossval["seconds"] < MAX_CROSS_VALIDATION_SECONDS, text))
    else:
        lines.append(f"FAIL  Brownlee's 500-epoch cross-validation: {crossval}")
    return lines


def _verdict(ok: bool, text: str) -> str:
    return ("PASS  " if ok else "FAIL  ") + text
