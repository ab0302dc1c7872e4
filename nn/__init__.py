"""nn: neurons, layers, MLPs, losses, optimizers and training, on autograd_lite's public API.

``nn`` builds networks out of ``autograd_lite.Value``s and nothing else, so every
number a network computes can be traced, drawn and checked like any expression.
``autograd_lite`` never imports ``nn``.
"""

from . import datasets, layouts, losses, optim
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .layouts import LAYOUTS
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l2_penalty,
    max_margin,
    mse,
    sse_half,
)
from .module import Module
from .optim import SGD, Adam, RMSprop
from .serialize import ModelFileError, load, save
from .torch_bridge import (
    TorchConversionError,
    TorchDtypeWarning,
    TorchMissingError,
    from_torch,
    to_torch,
)
from .torch_compare import TorchComparison, compare_with_torch
from .train import Evaluation, History, evaluate, fit

__all__ = [
    "ACTIVATIONS",
    "LAYOUTS",
    "MLP",
    "SGD",
    "Adam",
    "Evaluation",
    "History",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "RMSprop",
    "TorchComparison",
    "TorchConversionError",
    "TorchDtypeWarning",
    "TorchMissingError",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "compare_with_torch",
    "cross_entropy",
    "datasets",
    "evaluate",
    "fit",
    "from_torch",
    "l2_penalty",
    "layouts",
    "load",
    "losses",
    "max_margin",
    "mse",
    "optim",
    "save",
    "sse_half",
    "to_torch",
]


def __getattr__(name: str):
    """``nn.examples`` after a plain ``import nn``: the catalogue is imported when first used."""
    if name == "examples":  # import_module, not ``from . import``: that would ask __getattr__
        from importlib import import_module

        return import_module(f"{__name__}.examples")
    from autograd_lite import NoSuchAttributeError

    raise NoSuchAttributeError(f"module {__name__!r} has no attribute {name!r}")
