"""``Neuron``, ``Layer`` and ``MLP``: a weighted sum and an activation, stacked.

A neuron's weighted sum is one ``dot`` node, so a trace reads
``s = x1*w1 + x2*w2 + b``. Random initialisation draws each neuron's weights from
the uniform distribution on [-1, 1) (micrograd's choice), neuron by neuron, layer by
layer, from the ``seed`` given; biases start at 0. ``from_weights`` builds any of
them from given matrices instead (see ``nn.layouts`` for the three conventions).
A constructor refuses to build more than ``max_parameters`` (10 million unless told
more): the error says how many it would have built.

A ``Layer`` or ``MLP`` with one output returns that ``Value``; with several, a list.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from autograd_lite import (
    ArgumentError,
    ArgumentTypeError,
    Value,
    layer_dot,
    number,
    softmax,
)

from ._checks import (
    MAX_PARAMETERS,
    affordable,
    count,
    finite_real,
    flag,
    inputs,
    is_sequence,
    sequence,
    shown,
)
from ._model_file import storable
from ._seeding import random_source
from .layouts import check_layout, neuron_rows, to_layout
from .module import Module

ACTIVATIONS = ("relu", "sigmoid", "tanh", "linear", "softmax")
"""``"softmax"`` acts on a whole layer's sums; the others act on each neuron's sum."""

_ELEMENTWISE: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "linear": None,
}

Seed = int | random.Random | None


class Neuron(Module):
    """``activation(x1*w1 + ... + xn*wn + b)``: parameters ``w`` (labelled w1, w2, ...) and ``b``."""

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        bias: bool = True,
        *,
        seed: Seed = None,
        max_parameters: int = MAX_PARAMETERS,
    ):
        nin = count(nin, "Neuron: nin")
        _elementwise(activation, "Neuron")
        bias = flag(bias, "Neuron: bias")
        affordable(nin + bias, max_parameters, f"Neuron({nin})")
        rng = random_source(seed)
        weights = [rng.uniform(-1.0, 1.0) for _ in range(nin)]
        self._set(weights, 0.0 if bias else None, activation)

    @classmethod
    def from_weights(
        cls, weights: Sequence[float], bias: float | None = None, activation: str = "relu"
    ) -> Neuron:
        """A neuron with exactly these weights and bias (``None``: no bias)."""
        where = "Neuron.from_weights: weights"
        sequence(weights, where, "a non-empty list of numbers", nonempty=True)
        ws = [finite_real(w, f"{where}[{i}]") for i, w in enumerate(weights)]
        b = None if bias is None else finite_real(bias, "Neuron.from_weights: bias")
        return cls._build(ws, b, activation)

    @classmethod
    def _build(cls, weights: list[float], bias: float | None, activation: str) -> Neuron:
        neuron = object.__new__(cls)
        neuron._set(weights, bias, activation)
        return neuron

    def _set(self, weights: list[float], bias: float | None, activation: str) -> None:
        self._activate = _elementwise(activation, "Neuron")
        self.activation = activation
        self.w = [Value(w, f"w{i}") for i, w in enumerate(weights, 1)]
        self.b = None if bias is None else Value(bias, "b")

    @property
    def nin(self) -> int:
        return len(self.w)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        return self._forward(inputs(x, len(self.w), "Neuron"))

    def _forward(self, xs: list[Value]) -> Value:
        s = layer_dot(self.w, xs, self.b)
        return s if self._activate is None else self._activate(s)

    def parameters(self) -> list[Value]:
        """The weights, then the bias: ``named_parameters``' order, without building names."""
        return [*self.w] if self.b is None else [*self.w, self.b]

    def named_parameters(self) -> list[tuple[str, Value]]:
        named = [(f"w.{i}", w) for i, w in enumerate(self.w)]
        return named if self.b is None else [*named, ("b", self.b)]

    def architecture(self) -> dict:
        return {"nin": self.nin, "activation": self.activation, "bias": self.b is not None}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r}, bias={self.b is not None})"


class Layer(Module):
    """``nout`` neurons reading the same inputs; ``"softmax"`` normalises their sums together."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        bias: bool = True,
        *,
        seed: Seed = None,
        max_parameters: int = MAX_PARAMETERS,
    ):
        nin = count(nin, "Layer: nin")
        nout = count(nout, "Layer: nout")
        each = _neuron_activation(activation, "Layer")
        bias = flag(bias, "Layer: bias")
        affordable((nin + bias) * nout, max_parameters, f"Layer({nin}, {nout})")
        rng = random_source(seed)
        neurons = [Neuron(nin, each, bias, seed=rng, max_parameters=nin + 1) for _ in range(nout)]
        self._set(neurons, activation)

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[float]],
        biases: Sequence[float] | None = None,
        activation: str = "relu",
        layout: str = "out_in",
        *,
        nin: int | None = None,
    ) -> Layer:
        """A layer with exactly these weights, written in ``layout`` (see ``nn.layouts``).

        ``biases=None`` builds a layer without biases (unless the layout stores them).
        ``nin``, if given, is checked against the matrix.
        """
        layout = check_layout(layout)
        n_in = None if nin is None else count(nin, "Layer.from_weights: nin")
        rows, bs = neuron_rows(
            weights, biases, layout, "Layer.from_weights", n_in, " (given as nin)"
        )
        return cls._build(rows, bs, activation)

    @classmethod
    def _build(cls, rows: list[list[float]], biases: list[float] | None, activation: str) -> Layer:
        each = _neuron_activation(activation, "Layer")
        bs = biases if biases is not None else [None] * len(rows)
        layer = object.__new__(cls)
        layer._set([Neuron._build(row, b, each) for row, b in zip(rows, bs)], activation)
        return layer

    def _set(self, neurons: list[Neuron], activation: str) -> None:
        self.neurons = neurons
        self.activation = activation
        self._activate = _ELEMENTWISE.get(activation)
        self._softmax = activation == "softmax"

    @property
    def nin(self) -> int:
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        return len(self.neurons)

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        outs = self._forward(inputs(x, self.nin, "Layer"))
        return outs[0] if len(outs) == 1 else outs

    def _forward(self, xs: list[Value]) -> list[Value]:
        sums = [layer_dot(n.w, xs, n.b) for n in self.neurons]
        if self._activate is not None:
            return [self._activate(s) for s in sums]
        return softmax(sums) if self._softmax else sums

    def weights(self, layout: str = "out_in", *, grad: bool = False) -> list[list[float]]:
        """The weight matrix (or its gradient) in ``layout``, as ``from_weights`` takes it."""
        layout = check_layout(layout)
        rows = [[number(w.grad) if grad else w.data for w in n.w] for n in self.neurons]
        return to_layout(rows, self.biases(grad=grad), layout)

    def biases(self, *, grad: bool = False) -> list[float] | None:
        """Each neuron's bias (or its gradient); ``None`` for a layer without biases."""
        if self.neurons[0].b is None:
            return None
        return [number(n.b.grad) if grad else n.b.data for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"neurons.{j}.{name}", p)
            for j, neuron in enumerate(self.neurons)
            for name, p in neuron.named_parameters()
        ]

    def architecture(self) -> dict:
        bias = self.neurons[0].b is not None
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation, "bias": bias}

    def __repr__(self) -> str:
        a = self.architecture()
        return f"Layer({a['nin']}, {a['nout']}, activation={a['activation']!r}, bias={a['bias']})"


class MLP(Module):
    """Layers in sequence: ``MLP(3, [4, 4, 1])`` maps 3 inputs through two layers of 4 to 1 output.

    ``activations`` is one name for every layer or one per layer; by default ``"relu"``
    on the hidden layers and ``"linear"`` on the output (micrograd's demo). ``bias``
    is likewise one flag or one per layer.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activations: str | Sequence[str] | None = None,
        bias: bool | Sequence[bool] = True,
        *,
        seed: Seed = None,
        max_parameters: int = MAX_PARAMETERS,
    ):
        nin = count(nin, "MLP: nin")
        sequence(nouts, "MLP: nouts", "a non-empty list of layer sizes", nonempty=True)
        sizes = [nin] + [count(n, f"MLP: nouts[{i}]") for i, n in enumerate(nouts)]
        acts = _activations(activations, len(nouts))
        flags = _per_layer(bias, len(nouts), "bias", bool)
        total = sum((sizes[i] + flags[i]) * sizes[i + 1] for i in range(len(nouts)))
        affordable(total, max_parameters, f"MLP({nin}, {sizes[1:]})")
        rng = random_source(seed)
        self.layers = [
            Layer(sizes[i], sizes[i + 1], acts[i], flags[i], seed=rng, max_parameters=total)
            for i in range(len(nouts))
        ]

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[Sequence[float]]],
        biases: Sequence[Sequence[float] | None] | None = None,
        activations: str | Sequence[str] | None = None,
        layout: str = "out_in",
        *,
        nin: int | None = None,
    ) -> MLP:
        """An MLP with exactly these weight matrices, one per layer, written in ``layout``.

        ``biases`` is ``None`` (no biases) or one list per layer (``None`` for a layer
        without); layout ``"bias_last"`` carries the biases in the matrices instead.
        Each layer's input size must equal the previous layer's output size (and
        ``nin``, if given, the first's); a mismatch names the layer and both shapes.
        """
        layout = check_layout(layout)
        what = "a non-empty list of matrices, one per layer"
        sequence(weights, "MLP.from_weights: weights", what, nonempty=True)
        n_layers = len(weights)
        if biases is not None and (not is_sequence(biases) or len(biases) != n_layers):
            given = len(biases) if is_sequence(biases) else type(biases).__name__
            raise ArgumentError(
                f"MLP.from_weights: biases must be None or one entry per layer ({n_layers}), "
                f"got {given}"
            )
        acts = _activations(activations, n_layers)
        n_in = None if nin is None else count(nin, "MLP.from_weights: nin")
        source = " (given as nin)"
        layers = []
        for i, matrix in enumerate(weights):
            where = f"MLP.from_weights: layer {i} (weights[{i}])"
            rows, bs = neuron_rows(
                matrix, None if biases is None else biases[i], layout, where, n_in, source
            )
            layers.append(Layer._build(rows, bs, acts[i]))
            n_in, source = len(rows), f", the output size of layer {i}"
        mlp = object.__new__(cls)
        mlp.layers = layers
        return mlp

    @property
    def nin(self) -> int:
        return self.layers[0].nin

    @property
    def nouts(self) -> list[int]:
        return [layer.nout for layer in self.layers]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        xs = inputs(x, self.layers[0].nin, "MLP")
        for layer in self.layers:
            xs = layer._forward(xs)
        return xs[0] if len(xs) == 1 else xs

    def weights(self, layout: str = "out_in", *, grad: bool = False) -> list[list[list[float]]]:
        """Each layer's weight matrix (or gradient) in ``layout``, as ``from_weights`` takes them."""
        return [layer.weights(layout, grad=grad) for layer in self.layers]

    def biases(self, *, grad: bool = False) -> list[list[float] | None]:
        return [layer.biases(grad=grad) for layer in self.layers]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"layers.{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def architecture(self) -> dict:
        return {
            "nin": self.nin,
            "nouts": self.nouts,
            "activations": [layer.activation for layer in self.layers],
            "bias": [layer.neurons[0].b is not None for layer in self.layers],
        }

    def __repr__(self) -> str:
        a = self.architecture()
        return f"MLP({a['nin']}, {a['nouts']}, activations={a['activations']}, bias={a['bias']})"


def _elementwise(activation: object, who: str) -> Callable[[Value], Value] | None:
    if not isinstance(activation, str):
        raise ArgumentTypeError(
            f"{who}: activation must be a name (a str), got {shown(activation)}"
        )
    if activation == "softmax":
        raise ArgumentError(
            f"{who}: 'softmax' normalises a whole layer's sums together; use it on a Layer "
            "(or an MLP layer), not on a single Neuron"
        )
    if activation not in _ELEMENTWISE:
        raise ArgumentError(
            f"{who}: unknown activation {activation!r}; choose one of {', '.join(_ELEMENTWISE)}"
        )
    return _ELEMENTWISE[activation]


def _neuron_activation(activation: object, who: str) -> str:
    """What each neuron of a layer applies: a softmax layer's neurons pass their sums through."""
    if activation == "softmax":
        return "linear"
    if not isinstance(activation, str) or activation not in _ELEMENTWISE:
        raise ArgumentError(
            f"{who}: unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    return activation


def _activations(activations: str | Sequence[str] | None, n_layers: int) -> list[str]:
    if activations is None:
        return ["relu"] * (n_layers - 1) + ["linear"]
    names = _per_layer(activations, n_layers, "activations", str)
    for i, name in enumerate(names):
        _neuron_activation(name, f"MLP: activations[{i}]")
    return names


def _per_layer(value: object, n_layers: int, name: str, kind: type) -> list:
    if isinstance(value, kind):
        return [value] * n_layers
    sequence(value, f"MLP: {name}", f"a {kind.__name__} or a list of one per layer")
    if len(value) != n_layers:
        raise ArgumentError(f"MLP: {name} has {len(value)} entries for {n_layers} layers")
    for i, v in enumerate(value):
        if not isinstance(v, kind):
            raise ArgumentTypeError(f"MLP: {name}[{i}] must be a {kind.__name__}, got {v!r}")
    return [kind(v) for v in value]  # a numpy str_ as a plain str


storable(MLP, Layer, Neuron)  # what nn.save writes and nn.load rebuilds, largest first
