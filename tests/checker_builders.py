"""Computations built straight from the checker's records, for the evaluator's and the models' tests.

``network_221`` is a 2-2-1 sigmoid network with a squared error; ``random_computation``
a hypothesis strategy of small random files; ``reference`` evaluates an expression in
plain floats with ``math``, by a route that shares nothing with the engine.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from nn.examples.checker.computation import (
    Binary,
    Call,
    Computation,
    Name,
    Number,
    Printed,
    Step,
    Training,
    Unary,
)


def step(name: str, expression, line: int = 0, layer: int = 0) -> Step:
    return Step(name, expression, name, line, layer)


def linear(*pairs: tuple[str, str], bias: str):
    """``w*x + ... + b`` as a tree."""
    total = None
    for w, x in pairs:
        term = Binary("*", Name(w), Name(x))
        total = term if total is None else Binary("+", total, term)
    return Binary("+", total, Name(bias))


def sigmoid(name: str):
    return Call("sigmoid", (Name(name),))


def squared_error(target: str, output: str):
    return Binary(
        "*", Number(0.5), Binary("**", Binary("-", Name(target), Name(output)), Number(2))
    )


MAZUR = {"x1": 0.05, "x2": 0.10, "w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "b1": 0.35}
MAZUR |= {"b2": 0.35, "w5": 0.40, "w6": 0.45, "b3": 0.60, "t": 0.01}
"""Mazur's 2-2-2 network's numbers, with one output (his first): a hand-checkable 2-2-1."""

PARAMETERS_221 = ("w1", "w2", "w3", "w4", "b1", "b2", "w5", "w6", "b3")


def network_221(values: dict[str, float], printed=(), learning_rate=0.5, steps=10) -> Computation:
    """x1, x2 -> h1, h2 (sigmoid) -> y (sigmoid), E = 0.5*(t - y)**2; every weight trained."""
    return Computation(
        title="2-2-1",
        source="test",
        values=values,
        steps=(
            step("z1", linear(("w1", "x1"), ("w2", "x2"), bias="b1"), 1),
            step("h1", sigmoid("z1"), 2),
            step("z2", linear(("w3", "x1"), ("w4", "x2"), bias="b2"), 3),
            step("h2", sigmoid("z2"), 4),
            step("z3", linear(("w5", "h1"), ("w6", "h2"), bias="b3"), 5),
            step("y", sigmoid("z3"), 6),
            step("E", squared_error("t", "y"), 7),
        ),
        printed=tuple(printed),
        training=Training("E", learning_rate, PARAMETERS_221, steps),
    )


def printed(key: str, text: str = "0", line: int = 0) -> Printed:
    """A ``Printed`` record from its key, as the file engineer's parser makes it."""
    name, _, after = key.partition("@")
    of, wrt = name, None
    if name.startswith("d") and "/d" in name:
        of, _, wrt = name[1:].partition("/d")
    return Printed(key, of, wrt, int(after or 0), text, line)


# --- plain floats, for reference values --------------------------------------------------

_FLOAT_BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}
_FLOAT_CALLS = {
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "sigmoid": lambda a: 1 / (1 + math.exp(-a)),
    "relu": lambda a: max(a, 0.0),
    "sum": lambda *xs: math.fsum(xs),
    "logsumexp": lambda *xs: math.log(math.fsum(math.exp(x) for x in xs)),
}


def reference(expression, env: dict[str, float]) -> float:
    """The expression in plain floats and ``math`` (postfix, with a stack: no recursion)."""
    todo, done, stack = [expression], [], []
    while todo:  # children after their parent; reversed, parents after their children
        node = todo.pop()
        done.append(node)
        if isinstance(node, Unary):
            todo.append(node.operand)
        elif isinstance(node, Binary):
            todo += (node.left, node.right)
        elif isinstance(node, Call):
            todo += node.arguments
    for node in reversed(done):
        if isinstance(node, Number):
            stack.append(node.value)
        elif isinstance(node, Name):
            stack.append(env[node.name])
        elif isinstance(node, Unary):
            stack.append(-stack.pop())
        elif isinstance(node, Binary):
            right = stack.pop()
            left = stack.pop()
            stack.append(_FLOAT_BINARY[node.op](left, right))
        else:
            n = len(node.arguments)
            args = [stack.pop() for _ in range(n)][::-1]
            stack.append(_FLOAT_CALLS[node.function](*args))
    (result,) = stack
    return result


def reference_steps(computation: Computation, leaves: dict[str, float], forced=None) -> dict:
    """Every leaf and step value in floats; ``forced`` = (step, value) holds one step's value."""
    env = dict(leaves)
    for s in computation.steps:
        env[s.name] = reference(s.expression, env)
        if forced is not None and forced[0] == s.name:
            env[s.name] = forced[1]
    return env


# --- random small computations -----------------------------------------------------------


def _smooth(names: list[str]):
    """Expressions over ``names`` whose derivatives exist everywhere near the drawn values."""
    leaf = st.sampled_from(names).map(Name) | st.floats(-2, 2).map(lambda v: Number(round(v, 3)))

    def extend(children):
        return (
            st.tuples(st.sampled_from(["+", "-", "*"]), children, children).map(
                lambda t: Binary(t[0], t[1], t[2])
            )
            | children.map(lambda c: Binary("/", c, Binary("+", Number(1.5), Call("tanh", (c,)))))
            | children.map(lambda c: Binary("**", c, Number(2)))
            | children.map(lambda c: Unary("-", c))
            | st.sampled_from(["sigmoid", "tanh"]).flatmap(
                lambda f: children.map(lambda c: Call(f, (c,)))
            )
            | children.map(
                lambda c: Call("log", (Binary("+", Number(1), Binary("**", c, Number(2))),))
            )
            | children.map(lambda c: Call("exp", (Call("tanh", (c,)),)))
            | st.lists(children, min_size=1, max_size=3).map(lambda xs: Call("sum", tuple(xs)))
            | st.lists(children, min_size=1, max_size=3).map(
                lambda xs: Call("logsumexp", tuple(xs))
            )
        )

    return st.recursive(leaf, extend, max_leaves=6)


@st.composite
def random_computation(draw, max_steps: int = 4, training: bool = False) -> Computation:
    """A few leaves and steps, each step an expression over the names above it."""
    n_leaves = draw(st.integers(1, 3))
    values = {f"a{i}": draw(st.floats(-1.5, 1.5)) for i in range(n_leaves)}
    names = list(values)
    steps = []
    for i in range(draw(st.integers(1, max_steps))):
        expression = draw(_smooth(names))
        if not any(isinstance(n, Name) for n in _nodes(expression)):
            expression = Binary("*", expression, Name(names[-1]))
        name = f"s{i}"
        steps.append(step(name, expression, i + 1))
        names.append(name)
    train = None
    if training:
        parameters = tuple(draw(st.lists(st.sampled_from(list(values)), min_size=1, unique=True)))
        train = Training(steps[-1].name, draw(st.floats(0.01, 0.2)), parameters, 3)
    return Computation("random", "hypothesis", values, tuple(steps), (), train)


def _nodes(expression):
    todo = [expression]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, Unary):
            todo.append(node.operand)
        elif isinstance(node, Binary):
            todo += (node.left, node.right)
        elif isinstance(node, Call):
            todo += node.arguments


# --- random small networks ---------------------------------------------------------------


@st.composite
def random_network(draw, batch: int = 1) -> Computation:
    """A 1-or-2-input network: no hidden layer (one neuron) or 1-2 hidden units, one output.

    Activations are sigmoid or tanh; the loss is ``0.5*(t - y)**2`` (the mean of it over
    ``batch`` examples); every weight and bias is trained for up to 3 updates.
    ``Step.layer`` is set (as a ``[network]`` file sets it) or left 0, drawn.
    """
    weight = st.floats(-1.5, 1.5).map(lambda v: round(v, 3))
    n_in = draw(st.integers(1, 2))
    n_hidden = draw(st.integers(0, 2))
    act = draw(st.sampled_from(["sigmoid", "tanh"]))
    layered = draw(st.booleans())
    values: dict[str, float] = {}
    steps: list[Step] = []
    parameters: list[str] = []

    def neuron(name: str, inputs: list[str], layer: int, e: str) -> str:
        pairs = []
        for j, x in enumerate(inputs, 1):
            w = f"w{name}_{j}"
            if w not in values:
                values[w] = draw(weight)
                parameters.append(w)
            pairs.append((w, x))
        b = f"b{name}"
        if b not in values:
            values[b] = draw(weight)
            parameters.append(b)
        steps.append(step(f"z{name}{e}", linear(*pairs, bias=b), len(steps) + 1, layer * layered))
        steps.append(
            step(f"a{name}{e}", Call(act, (Name(f"z{name}{e}"),)), len(steps) + 1, layer * layered)
        )
        return f"a{name}{e}"

    losses = []
    for example in range(1, batch + 1):
        e = f"_e{example}" if batch > 1 else ""
        xs = []
        for i in range(1, n_in + 1):
            values[f"x{i}{e}"] = draw(st.floats(-1, 1).map(lambda v: round(v, 2)))
            xs.append(f"x{i}{e}")
        values[f"t{e}"] = draw(st.floats(-0.9, 0.9).map(lambda v: round(v, 2)))
        hidden = [neuron(f"h{j}", xs, 1, e) for j in range(1, n_hidden + 1)]
        y = neuron("o", hidden or xs, 2 if hidden else 1, e)
        steps.append(step(f"E{e}", squared_error(f"t{e}", y), len(steps) + 1))
        losses.append(Name(f"E{e}"))
    if batch > 1:
        mean = Binary("/", Call("sum", tuple(losses)), Number(float(batch)))
        steps.append(step("E", mean, len(steps) + 1))
    training = Training(
        "E", draw(st.floats(0.2, 1.0).map(lambda v: round(v, 2))), tuple(parameters), 3
    )
    return Computation(
        "random network", "hypothesis", values, tuple(steps), (), training, batch_size=batch
    )
