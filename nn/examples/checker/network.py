"""The ``[network]`` form: an article's matrices, spelled out as named leaves and steps.

```toml
[network]
inputs = [0.05, 0.10]           # one row, or a list of rows (a batch)
targets = [0.01, 0.99]          # one value per output unit (per row)
layout = "out_in"               # or "in_out", "bias_last", as nn.MLP.from_weights
loss = "sse_half"               # mse, sse_half, binary_cross_entropy, cross_entropy, max_margin

[[network.layers]]
weights = [[0.15, 0.20], [0.25, 0.30]]
biases = [0.35, 0.35]           # optional
activation = "sigmoid"          # sigmoid, tanh, relu, linear, softmax
```

The names, as the articles number layers (layer 1 is the inputs, layer 2 the first hidden):

- ``x1, x2, ...``: the inputs; ``t1, t2, ...``: the targets, one per output unit;
- ``w2_1_3``: the weight of neuron 1 in layer 2 from unit 3 of layer 1; ``b2_1`` its bias;
- ``z2_1 = w2_1_1*x1 + w2_1_2*x2 + b2_1`` and ``a2_1 = sigmoid(z2_1)``: neuron 1's
  pre-activation and activation (for ``linear``, ``a2_1 = z2_1``); a softmax layer also has
  ``lse3 = logsumexp(z3_1, z3_2)``, with ``a3_1 = exp(z3_1 - lse3)``;
- ``E``: the loss. With several input rows, every per-example name ends in ``_e`` and the
  row's number from 1 (``x1_e2``, ``a2_1_e2``, ``E_e2``), and ``E`` is the mean of the
  per-example losses (as ``nn.fit`` averages over a batch). Weights and biases are shared.

The loss is written with the table's functions exactly as ``nn.losses`` computes it (the
mean over outputs of ``(t - y)**2`` for ``mse``, ``0.5*sum(...)`` for ``sse_half``,
``logsumexp(y...) - sum(t*y)`` for ``cross_entropy``, terms of weight 0 left out), so its
derivatives are the table's. ``Step.layer`` counts weight layers from 1 (``z2_1`` is in
layer 1, the first hidden); the loss's steps belong to no layer (0).

``[train]`` updates every weight and bias unless it lists ``parameters``, and minimises ``E``
unless it names another ``loss`` (a ``[forward]`` step may add a penalty to ``E``). Without a
``loss`` no ``E`` is generated. A one-output batch may give its targets as one flat list.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from autograd_lite import ArgumentError
from nn.layouts import LAYOUTS, neuron_rows

from .computation import Binary, Call, Expr, Name, Number, Step, Unary
from .limits import MAX_OPERATIONS, MAX_STEPS, MAX_VALUES
from .toml_lines import FileContext, shown

NETWORK_KEYS = ("inputs", "targets", "layers", "layout", "loss")
LAYER_KEYS = ("weights", "biases", "activation")
ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softmax")
LOSSES = ("mse", "sse_half", "binary_cross_entropy", "cross_entropy", "max_margin")


@dataclass(frozen=True)
class NetworkPart:
    """What a ``[network]`` section adds to the file: leaves, steps, and what training updates."""

    values: dict[str, float]
    steps: tuple[Step, ...]
    parameters: tuple[str, ...]
    """Every weight and bias: what ``[train]`` updates unless it lists ``parameters``."""
    loss: str | None
    """``"E"``, or ``None`` without a ``loss``."""
    batch_size: int
    outputs: int
    warnings: list[str] = field(default_factory=list)


Term = tuple[str, Expr]
"""An expression as text and as records, built side by side."""


def network_part(table: Mapping, context: FileContext, leaves: Mapping[str, float]) -> NetworkPart:
    """The ``[network]`` section as leaves and steps; ``leaves`` are ``[values]``'s, for clashes."""
    context.check_keys(table, NETWORK_KEYS, "network")
    layout = table.get("layout", "out_in")
    if layout not in LAYOUTS:
        raise context.error(
            "network.layout", f"must be one of {', '.join(LAYOUTS)}; got {shown(layout)}"
        )
    inputs = _rows(table.get("inputs"), context, "network.inputs", "inputs")
    layers = _layers(table.get("layers"), context, layout, len(inputs[0]))
    outputs = len(layers[-1][0])
    loss = table.get("loss")
    if loss is not None and loss not in LOSSES:
        raise context.error(
            "network.loss", f"must be one of {', '.join(LOSSES)}; got {shown(loss)}"
        )
    targets = _targets(table.get("targets"), context, len(inputs), outputs, loss)
    _check_size(context, inputs, layers, loss)
    builder = _Builder(context, leaves)
    weight_names = builder.add_weights(layers)
    warnings = []
    if loss == "cross_entropy" and layers[-1][2] == "softmax":
        warnings.append(
            f"{context.where('network.loss')}: cross_entropy applies softmax itself, and the "
            "output layer's activation is softmax too: softmax applied twice (give the output "
            "layer activation 'linear')"
        )
    batch = len(inputs)
    losses = []
    for n, (row, target) in enumerate(zip(inputs, targets), 1):
        suffix = f"_e{n}" if batch > 1 else ""
        ys = builder.add_example(row, layers, suffix)
        ts = [builder.leaf(f"t{j}{suffix}", t) for j, t in enumerate(target, 1)]
        if loss is not None:
            name = f"E{suffix}"
            builder.step(name, _loss(loss, ys, ts, target), 0)
            losses.append(name)
    if loss is not None and batch > 1:
        total = _call("sum", [_name(name) for name in losses])
        builder.step("E", _binary("/", total, _number(batch)), 0)
    return NetworkPart(
        values=builder.values,
        steps=tuple(builder.steps),
        parameters=tuple(weight_names),
        loss="E" if loss is not None else None,
        batch_size=batch,
        outputs=outputs,
        warnings=warnings,
    )


def _rows(given: object, context: FileContext, key: str, what: str) -> list[list[float]]:
    """One row of numbers, or a non-empty list of rows of one length."""
    if not isinstance(given, list) or not given:
        raise context.error(key, f"missing or empty: {what} are a list of numbers, or of rows")
    rows = given if all(isinstance(r, list) for r in given) else [given]
    if len({len(r) for r in rows}) != 1 or not rows[0]:
        lengths = [len(r) if isinstance(r, list) else "a number" for r in rows]
        raise context.error(key, f"the rows must have one, non-zero length; got {lengths}")
    return [[context.number(x, key) for x in row] for row in rows]


def _layers(given: object, context: FileContext, layout: str, n_in: int) -> list[tuple]:
    """Each layer as (per-neuron weight rows, biases or None, activation)."""
    if not isinstance(given, list) or not given:
        raise context.error(
            "network.layers", "missing: add one [[network.layers]] table per layer of weights"
        )
    layers = []
    source = " (the width of the inputs)"
    for i, layer in enumerate(given):
        key = f"network.layers.{i}"
        label = f"layer {i + 2} ([[network.layers]] number {i + 1})"
        if not isinstance(layer, Mapping):
            raise context.error(key, f"{label} must be a table of weights, biases, activation")
        context.check_keys(layer, LAYER_KEYS, key)
        activation = layer.get("activation")
        if activation not in ACTIVATIONS:
            raise context.error(
                f"{key}.activation",
                f"{label} needs activation = one of {', '.join(ACTIVATIONS)}; got {shown(activation)}",
            )
        if "weights" not in layer:
            raise context.error(key, f"{label} has no weights")
        try:
            rows, biases = neuron_rows(
                layer["weights"], layer.get("biases"), layout, label, n_in, source
            )
        except (ArgumentError, TypeError) as exc:
            raise context.error(f"{key}.weights", str(exc)) from None
        layers.append((rows, biases, activation))
        n_in, source = len(rows), f", the output size of layer {i + 2}"
    return layers


def _targets(
    given: object, context: FileContext, batch: int, outputs: int, loss: str | None
) -> list[list[float]]:
    key = "network.targets"
    if given is None:
        if loss is not None:
            raise context.error(key, f"missing: the loss {loss} needs targets")
        return [[] for _ in range(batch)]
    rows = _rows(given, context, key, "targets")
    if outputs == 1 and batch > 1 and len(rows) == 1 and len(rows[0]) == batch:
        rows = [[t] for t in rows[0]]  # one target per example, written as one flat list
    if len(rows) != batch or len(rows[0]) != outputs:
        raise context.error(
            key,
            f"expected {batch} row(s) of {outputs} target(s), one per output unit of each input "
            f"row; got {len(rows)} row(s) of {len(rows[0])}",
        )
    for n, row in enumerate(rows, 1):
        if loss == "binary_cross_entropy" and not all(0.0 <= t <= 1.0 for t in row):
            raise context.error(key, f"binary_cross_entropy's targets lie in [0, 1]; got {row}")
        if loss == "max_margin" and not all(t in (-1.0, 1.0) for t in row):
            raise context.error(key, f"max_margin's targets are -1 or +1; got {row}")
        if loss == "cross_entropy" and (
            outputs < 2 or min(row) < 0.0 or abs(math.fsum(row) - 1.0) > 1e-9
        ):
            raise context.error(
                key,
                "cross_entropy needs at least 2 outputs and, per row, probabilities that sum "
                f"to 1 (a one-hot row such as [0, 1] for class 2); row {n} is {row}",
            )
    return rows


def _check_size(context: FileContext, inputs: list, layers: list, loss: str | None) -> None:
    """Refuse a network over the limits before generating anything."""
    batch = len(inputs)
    weights = sum(len(rows) * (len(rows[0]) + 1) for rows, _, _ in layers)
    leaves = weights + batch * (len(inputs[0]) + len(layers[-1][0]))
    per_row = sum(2 * len(rows) + (activation == "softmax") for rows, _, activation in layers)
    steps = batch * (per_row + (loss is not None)) + (loss is not None and batch > 1)
    operations = batch * sum(len(rows) * (4 * len(rows[0]) + 4) for rows, _, _ in layers)
    for count, limit, what in (
        (leaves, MAX_VALUES, "leaves"),
        (steps, MAX_STEPS, "steps"),
        (operations, MAX_OPERATIONS, "operations"),
    ):
        if count > limit:
            raise context.error(
                "network", f"the network spells out to {count:,} {what}; the limit is {limit:,}"
            )


class _Builder:
    """Collects the generated leaves and steps, refusing a name ``[values]`` also defines."""

    def __init__(self, context: FileContext, leaves: Mapping[str, float]) -> None:
        self.context = context
        self.taken = leaves
        self.values: dict[str, float] = {}
        self.steps: list[Step] = []

    def _claim(self, name: str) -> None:
        if name in self.taken:
            raise self.context.error(
                f"values.{name}",
                f"[network] generates the name {name!r} (see nn.examples.checker.network), "
                "and [values] defines it too; rename the leaf",
            )

    def leaf(self, name: str, value: float) -> str:
        self._claim(name)
        self.values[name] = value
        return name

    def step(self, name: str, term: Term, layer: int) -> str:
        self._claim(name)
        text, expression = term
        self.steps.append(Step(name, expression, text, 0, layer))
        return name

    def add_weights(self, layers: list[tuple]) -> list[str]:
        names = []
        for number, (rows, biases, _) in enumerate(layers, 2):
            for j, row in enumerate(rows, 1):
                for i, w in enumerate(row, 1):
                    names.append(self.leaf(f"w{number}_{j}_{i}", w))
            for j, b in enumerate(biases or (), 1):
                names.append(self.leaf(f"b{number}_{j}", b))
        return names

    def add_example(self, row: Sequence[float], layers: list[tuple], suffix: str) -> list[str]:
        """The forward steps of one input row; returns the output layer's activation names."""
        units = [self.leaf(f"x{i}{suffix}", x) for i, x in enumerate(row, 1)]
        for number, (rows, biases, activation) in enumerate(layers, 2):
            zs = []
            for j in range(1, len(rows) + 1):
                terms = [
                    _binary("*", _name(f"w{number}_{j}_{i}"), _name(unit))
                    for i, unit in enumerate(units, 1)
                ]
                if biases is not None:
                    terms.append(_name(f"b{number}_{j}"))
                zs.append(self.step(f"z{number}_{j}{suffix}", _chain("+", terms), number - 1))
            units = self._activations(zs, number, activation, suffix)
        return units

    def _activations(self, zs: list[str], number: int, activation: str, suffix: str) -> list[str]:
        layer = number - 1
        names = [f"a{number}_{j}{suffix}" for j in range(1, len(zs) + 1)]
        if activation == "softmax":
            lse = self.step(f"lse{number}{suffix}", _call("logsumexp", map(_name, zs)), layer)
            for name, z in zip(names, zs):
                self.step(name, _call("exp", [_binary("-", _name(z), _name(lse))]), layer)
            return names
        for name, z in zip(names, zs):
            term = _name(z) if activation == "linear" else _call(activation, [_name(z)])
            self.step(name, term, layer)
        return names


# --- the losses, as nn.losses computes them ------------------------------------------------


def _loss(loss: str, ys: list[str], ts: list[str], target: list[float]) -> Term:
    pairs = list(zip(ys, ts, target))
    if loss == "cross_entropy":
        picked = [
            _name(y) if t == 1.0 else _binary("*", _name(tn), _name(y)) for y, tn, t in pairs if t
        ]
        chosen = picked[0] if len(picked) == 1 else _call("sum", picked)
        return _binary("-", _call("logsumexp", map(_name, ys)), chosen)
    if loss in ("mse", "sse_half"):
        terms = [_binary("**", _binary("-", _name(t), _name(y)), _number(2)) for y, t, _ in pairs]
        if loss == "sse_half":
            return _binary("*", _number(0.5), terms[0] if len(terms) == 1 else _call("sum", terms))
        return _mean(terms)
    if loss == "binary_cross_entropy":
        return _mean([_bce(y, tn, t) for y, tn, t in pairs])
    one = _number(1)
    return _mean(
        [_call("relu", [_binary("-" if t == 1.0 else "+", one, _name(y))]) for y, _, t in pairs]
    )


def _bce(y: str, tn: str, t: float) -> Term:
    log_y = _call("log", [_name(y)])
    log_not_y = _call("log", [_binary("-", _number(1), _name(y))])
    if t == 1.0:
        return _negate(log_y)
    if t == 0.0:
        return _negate(log_not_y)
    weight = _binary("-", _number(1), _name(tn))
    return _negate(_binary("+", _binary("*", _name(tn), log_y), _binary("*", weight, log_not_y)))


def _mean(terms: list[Term]) -> Term:
    return terms[0] if len(terms) == 1 else _binary("/", _call("sum", terms), _number(len(terms)))


# --- terms: text and records side by side ---------------------------------------------------

_TIGHT = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 3}


def _name(name: str) -> Term:
    return name, Name(name)


def _number(value: float) -> Term:
    return f"{value:g}", Number(float(value))


def _call(function: str, arguments) -> Term:
    args = list(arguments)
    return f"{function}({', '.join(text for text, _ in args)})", Call(
        function, tuple(e for _, e in args)
    )


def _negate(term: Term) -> Term:
    text, expression = term
    shown = text if isinstance(expression, (Name, Number, Call)) else f"({text})"
    return f"-{shown}", Unary("-", expression)


def _binary(op: str, left: Term, right: Term) -> Term:
    between = op if op in ("*", "**") else f" {op} "
    text = _operand(left, op, False) + between + _operand(right, op, True)
    return text, Binary(op, left[1], right[1])


def _operand(term: Term, op: str, right: bool) -> str:
    text, expression = term
    if isinstance(expression, Unary) or (
        isinstance(expression, Binary)
        and (
            _TIGHT[expression.op] < _TIGHT[op]
            or (_TIGHT[expression.op] == _TIGHT[op] and (right or op == "**"))
        )
    ):
        return f"({text})"
    return text


def _chain(op: str, terms: list[Term]) -> Term:
    """``t1 op t2 op t3 ...``, left to right, as the articles' loops add."""
    result = terms[0]
    for term in terms[1:]:
        result = _binary(op, result, term)
    return result
