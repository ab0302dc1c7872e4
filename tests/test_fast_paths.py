"""The engine's and nn's fast paths give what the plain paths give, object for object."""

from __future__ import annotations

import pytest

import nn

MODELS = {
    "MLP": lambda: nn.MLP(3, [4, 2, 1], seed=1),
    "MLP without some biases": lambda: nn.MLP(2, [3, 2], bias=[False, True], seed=2),
    "softmax layer": lambda: nn.Layer(3, 4, "softmax", seed=3),
    "layer without biases": lambda: nn.Layer(2, 3, bias=False, seed=4),
    "neuron": lambda: nn.Neuron(5, "tanh", seed=5),
    "neuron without a bias": lambda: nn.Neuron(2, bias=False, seed=6),
}


@pytest.mark.parametrize("build", MODELS.values(), ids=MODELS.keys())
def test_parameters_are_the_named_parameters_in_order(build):
    model = build()
    named = [p for _, p in model.named_parameters()]
    params = model.parameters()
    assert len(params) == len(named) > 0
    assert all(a is b for a, b in zip(params, named))
    params.pop()  # a fresh list each call: changing it changes nothing in the model
    assert len(model.parameters()) == len(named)
