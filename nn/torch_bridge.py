"""``to_torch`` and ``from_torch``: the same network as a ``torch.nn.Sequential``, weight for weight.

A scalar ``MLP`` is a stack of layers, each a matrix of weights (one row per neuron), an
optional bias per neuron and an activation. PyTorch writes the same stack as ``Linear``
modules (``weight`` of shape ``(n_out, n_in)``: row ``j`` is neuron ``j``'s weights) and
activation modules. ``to_torch(model)`` builds::

    Sequential(
      (layers): Sequential(
        (0): Linear(in_features=2, out_features=16, bias=True)
        (relu0): ReLU()
        (1): Linear(in_features=16, out_features=1, bias=True)
      )
    )

so layer ``i``'s parameters are called ``layers.{i}.weight`` and ``layers.{i}.bias`` in
torch, as the scalar model calls them ``layers.{i}.neurons.{j}.w.{k}`` and
``layers.{i}.neurons.{j}.b``: ``layers.1.neurons.3.w.0`` is ``layers.1.weight[3, 0]``.

Everything is float64, both ways, and a round trip is exact: a Python float is a float64.
``from_torch`` reads a ``Sequential`` (nested ones are read in order) of ``Linear``
modules, each followed by at most one ``ReLU``, ``Sigmoid``, ``Tanh`` or
``Softmax(dim=-1)`` (``Identity`` is skipped). Parameters of another floating dtype
(float32, float16, bfloat16) are widened to float64, which is exact, with a
``TorchDtypeWarning``: the scalar model then computes in float64, so its outputs differ
from a float32 module's by float32's rounding. ``module.double()`` first avoids the note.

PyTorch is optional: this module imports it only when one of its functions is called,
and raises ``TorchMissingError`` (saying how to install it) when it is missing.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from autograd_lite import (
    ArgumentTypeError,
    AutogradWarning,
    TorchConversionError,
    TorchMissingError,
)

from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .module import Module

if TYPE_CHECKING:
    import torch

INSTALL = "pip install 'autograd-lite[torch]'  (or: pip install torch==2.13.0, the CPU wheel)"
"""How to get PyTorch, as the errors say it."""

_TORCH_CLASSES = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "softmax": "Softmax"}
"""The torch module of each activation; ``"linear"`` is none at all."""

_SUPPORTED = "Linear, ReLU, Sigmoid, Tanh, Softmax(dim=-1) and Identity"


class TorchDtypeWarning(AutogradWarning):
    """``from_torch`` widened parameters of another floating dtype to float64 (exactly)."""


def import_torch(who: str) -> ModuleType:
    """``import torch``, or a ``TorchMissingError`` that names ``who`` and how to install it."""
    try:
        import torch
    except ImportError as exc:
        raise TorchMissingError(
            f"{who} needs PyTorch, which is not installed; install it with {INSTALL}"
        ) from exc
    except OSError as exc:  # installed, but a shared library will not load
        raise TorchMissingError(
            f"{who} needs PyTorch, which is installed but will not load ({exc}); "
            f"reinstall it with {INSTALL}"
        ) from exc
    return torch


@dataclass(frozen=True)
class LayerWeights:
    """One layer as both worlds see it: rows of weights (one per neuron), biases, activation."""

    index: int
    prefixes: list[str]
    """How the scalar names of each neuron's parameters start (``"layers.1.neurons.3."``)."""
    rows: list[list[float]]
    biases: list[float] | None
    activation: str

    @property
    def torch_path(self) -> str:
        return f"layers.{self.index}"

    def names(self) -> Iterator[tuple[str, str, tuple[int, ...]]]:
        """``(scalar name, torch name, index in the torch tensor)`` of every parameter, in
        torch's order: the weight row by row, then the bias."""
        for j, row in enumerate(self.rows):
            for k in range(len(row)):
                yield f"{self.prefixes[j]}w.{k}", f"{self.torch_path}.weight", (j, k)
        if self.biases is not None:
            for j in range(len(self.biases)):
                yield f"{self.prefixes[j]}b", f"{self.torch_path}.bias", (j,)


def layer_weights(model: object, who: str) -> list[LayerWeights]:
    """The layers of an ``MLP``, a ``Layer`` or a ``Neuron``, checked to be what torch can express."""
    if isinstance(model, MLP):
        parts = [(f"layers.{i}.", layer.neurons, layer.activation, f"layer {i}")
                 for i, layer in enumerate(model.layers)]  # fmt: skip
    elif isinstance(model, Layer):
        parts = [("", model.neurons, model.activation, "the layer")]
    elif isinstance(model, Neuron):
        parts = [(None, [model], model.activation, "the neuron")]  # a layer of one: "w.0", "b"
    elif isinstance(model, Module):
        raise TorchConversionError(
            f"{who}: a {type(model).__name__} is an nn.Module but not an nn.MLP, nn.Layer or "
            "nn.Neuron; torch.nn.Sequential of Linear layers expresses only those"
        )
    else:
        raise ArgumentTypeError(
            f"{who} takes an nn.MLP, nn.Layer or nn.Neuron, got {type(model).__name__}"
        )
    layers: list[LayerWeights] = []
    for i, (prefix, neurons, activation, where) in enumerate(parts):
        if activation not in ACTIVATIONS:
            raise TorchConversionError(
                f"{who}: {where} has activation {activation!r}, which torch has no module for "
                f"here; the bridge knows {', '.join(ACTIVATIONS)}"
            )
        widths = {neuron.nin for neuron in neurons}
        expected = len(layers[-1].rows) if layers else None
        if len(widths) != 1 or (expected is not None and widths != {expected}):
            got = ", ".join(str(neuron.nin) for neuron in neurons)
            wanted = f"; the previous layer has {expected} outputs" if expected else ""
            raise TorchConversionError(
                f"{who}: {where}'s neurons take {got} inputs{wanted}; a torch.nn.Linear has "
                "one weight matrix, every row as long as the layer's input"
            )
        with_bias = [j for j, neuron in enumerate(neurons) if neuron.b is not None]
        if with_bias and len(with_bias) != len(neurons):
            without = [j for j, neuron in enumerate(neurons) if neuron.b is None]
            raise TorchConversionError(
                f"{who}: in {where}, {_neurons(with_bias, 'has', 'have')} a bias and "
                f"{_neurons(without, 'has', 'have')} none; a torch.nn.Linear has a bias for "
                "every output (bias=True) or for none (bias=False)"
            )
        rows = [[w.data for w in neuron.w] for neuron in neurons]
        biases = [neuron.b.data for neuron in neurons] if with_bias else None
        prefixes = [""] if prefix is None else [f"{prefix}neurons.{j}." for j in range(len(rows))]
        layers.append(LayerWeights(i, prefixes, rows, biases, activation))
    return layers


def to_torch(model: MLP | Layer | Neuron) -> torch.nn.Sequential:
    """The model as a float64 ``torch.nn.Sequential`` holding exactly its weights and biases.

    Layer ``i`` becomes ``Linear`` number ``i`` of ``module.layers`` (``bias=False`` for a
    layer without biases), followed by its activation (``ReLU``, ``Sigmoid``, ``Tanh``,
    ``Softmax(dim=-1)``; nothing for ``"linear"``). The module takes a batch of shape
    ``(n_examples, n_in)``. Building it draws nothing from torch's random generator.
    """
    torch = import_torch("nn.to_torch")
    stack: OrderedDict[str, torch.nn.Module] = OrderedDict()
    for layer in layer_weights(model, "nn.to_torch"):
        n_out, n_in = len(layer.rows), len(layer.rows[0])
        linear = torch.nn.utils.skip_init(  # no random initialisation to overwrite
            torch.nn.Linear, n_in, n_out, bias=layer.biases is not None, dtype=torch.float64
        )
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer.rows, dtype=torch.float64))
            if layer.biases is not None:
                linear.bias.copy_(torch.tensor(layer.biases, dtype=torch.float64))
        stack[str(layer.index)] = linear
        if layer.activation == "softmax":
            stack[f"softmax{layer.index}"] = torch.nn.Softmax(dim=-1)
        elif layer.activation != "linear":
            module = getattr(torch.nn, _TORCH_CLASSES[layer.activation])()
            stack[f"{layer.activation}{layer.index}"] = module
    return torch.nn.Sequential(OrderedDict(layers=torch.nn.Sequential(stack)))


def from_torch(module: torch.nn.Module) -> MLP:
    """The ``nn.MLP`` with exactly the weights and biases of a stack of ``Linear`` layers.

    ``module`` is a ``torch.nn.Sequential`` (or one ``Linear``) of ``Linear`` modules, each
    followed by at most one ``ReLU``, ``Sigmoid``, ``Tanh`` or ``Softmax(dim=-1)``;
    ``Identity`` modules are skipped, nested ``Sequential``s read in order. Anything else
    raises ``TorchConversionError`` naming the module's path. Floating dtypes other than
    float64 are widened exactly, with a ``TorchDtypeWarning``.
    """
    torch = import_torch("nn.from_torch")
    if not isinstance(module, torch.nn.Module):
        raise ArgumentTypeError(
            f"nn.from_torch takes a torch.nn.Module (a Sequential of Linear layers), "
            f"got {type(module).__name__}"
        )
    found: list[_Found] = []
    for path, part in _leaves(torch, module, ""):
        where = _where(path, part)
        if isinstance(part, torch.nn.Linear):
            found.append(_Found(path, where, part))
            continue
        if type(part) is torch.nn.Identity:
            continue
        activation = _activation(torch, part, where)
        if not found:
            raise TorchConversionError(
                f"nn.from_torch: {where} comes before the first Linear; in an nn.MLP every "
                "activation belongs to a layer, after its weighted sums"
            )
        if found[-1].activation != "linear":
            raise TorchConversionError(
                f"nn.from_torch: {where} follows {found[-1].activation_where}, after "
                f"{found[-1].where}; a layer of an nn.MLP has one activation"
            )
        found[-1].activation, found[-1].activation_where = activation, where
    if not found:
        raise TorchConversionError(f"nn.from_torch: {_short(module)} holds no Linear layer")
    weights, biases, notes = [], [], []
    for previous, layer in zip([None, *found], found):
        linear = layer.linear
        if previous is not None and linear.in_features != previous.linear.out_features:
            raise TorchConversionError(
                f"nn.from_torch: {layer.where} takes {linear.in_features} inputs, but "
                f"{previous.where} gives {previous.linear.out_features} outputs"
            )
        path = layer.path
        named = [("weight", linear.weight), ("bias", linear.bias)]
        values = {
            field: _numbers(torch, tensor, f"{path}.{field}" if path else field, notes)
            for field, tensor in named
            if tensor is not None
        }
        weights.append(values["weight"])
        biases.append(values.get("bias"))
    if notes:
        dtypes = {dtype: [label for label, d in notes if d == dtype] for _, dtype in notes}
        held = "; ".join(f"{dtype}: {', '.join(labels)}" for dtype, labels in dtypes.items())
        warnings.warn(
            f"nn.from_torch: parameters not in float64 ({held}) are widened to float64, "
            "exactly (every such number is a float64), but the MLP computes in float64, so "
            "its outputs differ from the module's by that dtype's rounding; call "
            "module.double() first to compare like with like",
            TorchDtypeWarning,
            stacklevel=2,
        )
    activations = [layer.activation for layer in found]
    return MLP.from_weights(weights, biases, activations, layout="out_in")


@dataclass
class _Found:
    """A ``Linear`` met by ``from_torch``, and the activation after it (so far)."""

    path: str
    where: str
    linear: torch.nn.Linear
    activation: str = "linear"
    activation_where: str = ""


def _where(path: str, part: torch.nn.Module) -> str:
    """How an error names a module: ``module '2' (ReLU())``, by its path in the Sequential."""
    return f"module '{path}' ({_short(part)})" if path else f"the module ({_short(part)})"


def _leaves(torch: ModuleType, module: torch.nn.Module, path: str):
    """``(path, module)`` of every module a ``Sequential`` runs, in order, nested ones opened."""
    if isinstance(module, torch.nn.Sequential):
        if type(module).forward is not torch.nn.Sequential.forward:
            raise TorchConversionError(
                f"nn.from_torch: {path or 'the module'} is a {type(module).__name__}, a "
                "Sequential with its own forward(); only a plain Sequential says the order"
            )
        for name, child in module.named_children():
            yield from _leaves(torch, child, f"{path}.{name}" if path else name)
    else:
        yield path, module


def _activation(torch: ModuleType, part: torch.nn.Module, where: str) -> str:
    for name, cls in _TORCH_CLASSES.items():
        if type(part) is getattr(torch.nn, cls):
            if name == "softmax" and part.dim not in (-1, 1):
                raise TorchConversionError(
                    f"nn.from_torch: {where} normalises over dim={part.dim}; an nn.MLP's "
                    "softmax layer normalises its own outputs: Softmax(dim=-1) (or dim=1 for "
                    "a batch of shape (n_examples, n_features))"
                )
            return name
    raise TorchConversionError(
        f"nn.from_torch: {where} is not a layer an nn.MLP has; it reads {_SUPPORTED}, "
        "each Linear followed by at most one activation"
    )


def _numbers(torch: ModuleType, tensor: torch.Tensor, label: str, notes: list) -> list:
    """A parameter's numbers as nested lists of floats, refusing what is not a finite real."""
    if isinstance(tensor, torch.nn.parameter.UninitializedParameter):
        raise TorchConversionError(
            f"nn.from_torch: parameter {label} is not initialised yet (a lazy module): run one batch "
            "through the module first"
        )
    if tensor.is_meta:
        raise TorchConversionError(
            f"nn.from_torch: parameter {label} is on the meta device: no numbers"
        )
    if not tensor.is_floating_point():
        raise TorchConversionError(
            f"nn.from_torch: parameter {label} has dtype {tensor.dtype}; an nn.MLP holds real numbers "
            "(float64)"
        )
    if tensor.dtype != torch.float64:
        notes.append((label, str(tensor.dtype).removeprefix("torch.")))
    values = tensor.detach().to("cpu", torch.float64)
    bad = (~torch.isfinite(values)).nonzero()
    if len(bad):
        index = ", ".join(str(int(i)) for i in bad[0])
        raise TorchConversionError(
            f"nn.from_torch: parameter {label}[{index}] is {float(values[tuple(bad[0])])}; "
            "parameters must be finite numbers"
        )
    return values.tolist()


def _short(module: torch.nn.Module) -> str:
    text = repr(module)
    return text if "\n" not in text else f"{type(module).__name__}(...)"


def _neurons(indices: list[int], one: str, many: str, limit: int = 6) -> str:
    """``neuron 2 has`` or ``neurons 0, 1, 3 have`` (``one`` and ``many``: the verb)."""
    if len(indices) == 1:
        return f"neuron {indices[0]} {one}"
    shown = ", ".join(map(str, indices[:limit]))
    more = f" and {len(indices) - limit} more" if len(indices) > limit else ""
    return f"neurons {shown}{more} {many}"
