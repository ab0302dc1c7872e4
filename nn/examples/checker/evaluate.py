"""The right numbers: every printed quantity computed by the engine, at the start and after training.

``evaluate`` builds the file's graph of ``Value``s (leaves labelled by name, each step a
labelled node), takes derivatives with ``autograd_lite.grad`` and trains by plain gradient
descent, rebuilding the graph from the updated parameters after each update. One run
records every ``@K`` asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from autograd_lite import ArgumentError, AutogradError, Value, grad

from .computation import Computation
from .plan import Plan, Query, compile_computation, file_error, where
from .program import run


def evaluate(computation: Computation) -> dict[str, float]:
    """Each printed quantity's value, keyed by ``Printed.key``."""
    plan = compile_computation(computation)
    printed = computation.printed
    values = compute(plan, [Query.of_printed(p) for p in printed])
    return {p.key: value for p, value in zip(printed, values)}


def forward_graph(computation: Computation) -> dict[str, Value]:
    """Every leaf and step name to its labelled Value at the start, after one backward pass.

    The pass starts from the training loss if there is one, else from the last step: the
    graph the drawing and the stepper page show.
    """
    plan = compile_computation(computation)
    env = build_graph(plan, dict(computation.values))
    root = plan.root()
    if root is not None:
        try:
            env[root].backward()
        except AutogradError as exc:
            raise file_error(
                f"{_step_where(plan, root)}: the backward pass from {root}: {exc}"
            ) from None
    return env


def build_graph(plan: Plan, leaves: Mapping[str, float], updates: int = 0) -> dict[str, Value]:
    """The file's graph at these leaf values: name -> labelled Value."""
    env: dict[str, Value] = {name: Value(value, name) for name, value in leaves.items()}
    for name in plan.steps:
        try:
            env[name] = run(plan.programs[name], env).named(name)
        except AutogradError as exc:
            after = f" after {updates} update{'s' * (updates != 1)}" if updates else ""
            raise file_error(
                f"{_step_where(plan, name)}: step {name} = {_text(plan, name)!r}{after}: {exc}"
            ) from None
    return env


def compute(plan: Plan, queries: Sequence[Query]) -> list[float]:
    """The queries' values: one training run up to the largest ``after`` asked for."""
    _check_queries(plan, queries)
    last = max((q.after for q in queries), default=0)
    wanted: dict[int, list[int]] = {}
    for i, q in enumerate(queries):
        wanted.setdefault(q.after, []).append(i)
    out = [0.0] * len(queries)
    leaves = dict(plan.computation.values)
    training = plan.training
    for k in range(last + 1):
        env = build_graph(plan, leaves, k)
        for i in wanted.get(k, ()):
            out[i] = _quantity(plan, env, queries[i], k)
        if k == last:
            break
        assert training is not None  # _check_queries: @K needs [train]
        gradients = _derivatives(plan, env, training.loss, training.parameters, k)
        for name, g in zip(training.parameters, gradients):
            leaves[name] -= training.learning_rate * g
            if leaves[name] - leaves[name] != 0.0:
                raise file_error(
                    f"{where(plan.computation, 0)}: training diverges: after {k + 1} "
                    f"update{'s' * (k != 0)}, {name} = {leaves[name]} (learning_rate "
                    f"{training.learning_rate})"
                )
    return out


def _quantity(plan: Plan, env: dict[str, Value], query: Query, updates: int) -> float:
    if query.wrt is None:
        return env[query.of].data
    (value,) = _derivatives(plan, env, query.of, (query.wrt,), updates)
    return value


def _derivatives(
    plan: Plan, env: dict[str, Value], of: str, wrt: Sequence[str], updates: int
) -> list[float]:
    """d ``of`` / d each of ``wrt`` by the engine (0.0 for a name ``of`` does not use)."""
    try:
        found = grad(env[of], [env[name] for name in wrt], allow_unused=True)
    except AutogradError as exc:
        after = f" after {updates} update{'s' * (updates != 1)}" if updates else ""
        raise file_error(
            f"{_step_where(plan, of)}: the backward pass from {of}{after}: {exc}"
        ) from None
    return [g.data if isinstance(g, Value) else float(g) for g in found]


def _check_queries(plan: Plan, queries: Sequence[Query]) -> None:
    steps = set(plan.steps)
    for q in queries:
        if q.of not in plan.position:
            raise ArgumentError(f"no leaf or step is called {q.of!r}")
        if q.wrt is not None:
            if q.of not in steps:
                raise ArgumentError(f"d{q.of}/d{q.wrt}: {q.of!r} is a leaf, not a step")
            if q.wrt not in plan.position:
                raise ArgumentError(f"d{q.of}/d{q.wrt}: no leaf or step is called {q.wrt!r}")
        if q.after < 0:
            raise ArgumentError(f"{q.of}@{q.after}: a number of updates is at least 0")
        if q.after and plan.training is None:
            raise ArgumentError(f"{q.of}@{q.after}: values after updates need a [train] section")


def _step_where(plan: Plan, name: str) -> str:
    line = next((s.line for s in plan.computation.steps if s.name == name), 0)
    return where(plan.computation, line)


def _text(plan: Plan, name: str) -> str:
    return next(s.text for s in plan.computation.steps if s.name == name)
