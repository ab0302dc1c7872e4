"""nn.to_torch, nn.from_torch and nn.compare_with_torch: the same model in PyTorch, proven equal.

Round trips are compared bit for bit (``float.hex``); gradients on random batches to 1e-12
(float64); every parameter's name is checked against the torch tensor entry it maps to.
The torch side of the gradient checks is computed here with torch's own losses, not read
from the report under test. Without PyTorch these tests skip (``make test`` installs it;
see conftest.py: where it imports, a skip fails), except the ones about PyTorch missing.
"""

from __future__ import annotations

import ast
import math
import random
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import nn
from autograd_lite import ArgumentError, ArgumentTypeError, AutogradError
from nn.torch_compare import relative_difference

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")


def hexes(model: nn.Module) -> dict[str, str]:
    """Every parameter's value, exactly: the hex form keeps the sign of zero and every bit."""
    return {name: p.data.hex() for name, p in model.named_parameters()}


def entry(twin, scalar_name: str, prefix: str = "layers.") -> float:
    """The torch number a scalar parameter name points to, found by parsing the name here."""
    parts = scalar_name.split(".")
    layer = int(parts[1]) if scalar_name.startswith(prefix) else 0
    rest = parts[2:] if scalar_name.startswith(prefix) else parts
    if rest[0] == "neurons":
        neuron, rest = int(rest[1]), rest[2:]
    else:
        neuron = 0
    if rest[0] == "w":
        return twin.get_parameter(f"layers.{layer}.weight")[neuron, int(rest[1])].item()
    return twin.get_parameter(f"layers.{layer}.bias")[neuron].item()


ARCHITECTURES = [
    (2, [16, 16, 1], None, True),
    (3, [4, 2, 3], ["relu", "tanh", "softmax"], [True, False, True]),
    (4, [3, 5], ["sigmoid", "linear"], False),
    (1, [1], ["tanh"], True),
]


# --- to_torch ----------------------------------------------------------------------------------


def test_to_torch_is_a_float64_sequential_of_linear_layers_and_activations(torch):
    model = nn.MLP(3, [4, 2, 3], ["relu", "tanh", "softmax"], bias=[True, False, True], seed=1)
    twin = nn.to_torch(model)
    assert isinstance(twin, torch.nn.Sequential) and isinstance(twin.layers, torch.nn.Sequential)
    kinds = [type(m) for m in twin.layers]
    L, act = torch.nn.Linear, torch.nn
    assert kinds == [L, act.ReLU, L, act.Tanh, L, act.Softmax]
    assert twin.layers[5].dim == -1
    assert [name for name, _ in twin.named_parameters()] == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.1.weight",  # layer 1 has no biases: Linear(bias=False)
        "layers.2.weight",
        "layers.2.bias",
    ]
    assert twin.get_submodule("layers.1").bias is None
    assert {p.dtype for p in twin.parameters()} == {torch.float64}
    assert [tuple(p.shape) for p in twin.parameters()] == [(4, 3), (4,), (2, 4), (3, 2), (3,)]


@pytest.mark.parametrize("nin, nouts, activations, bias", ARCHITECTURES)
def test_to_torch_holds_exactly_the_models_weights(torch, nin, nouts, activations, bias):
    model = nn.MLP(nin, nouts, activations, bias, seed=7)
    twin = nn.to_torch(model)
    for i, layer in enumerate(model.layers):
        assert twin.get_parameter(f"layers.{i}.weight").tolist() == layer.weights("out_in")
        if layer.biases() is None:
            assert twin.get_submodule(f"layers.{i}").bias is None
    # every scalar parameter name points at the torch entry holding the same float
    for name, p in model.named_parameters():
        assert entry(twin, name).hex() == p.data.hex(), name


def test_one_linear_weight_row_is_one_neurons_weights(torch):
    model = nn.MLP(2, [16, 16, 1], seed=0)
    twin = nn.to_torch(model)
    row = twin.get_parameter("layers.1.weight")[3].tolist()
    assert row == [w.data for w in model.layers[1].neurons[3].w]
    assert entry(twin, "layers.1.neurons.3.w.0") == model.layers[1].neurons[3].w[0].data


def test_to_torch_draws_nothing_from_torchs_random_generator(torch):
    state = torch.random.get_rng_state()
    nn.to_torch(nn.MLP(5, [8, 8, 2], seed=0))
    assert torch.equal(torch.random.get_rng_state(), state)


def test_the_twin_computes_the_same_outputs(torch):
    rng = random.Random(3)
    model = nn.MLP(3, [6, 5, 4], ["tanh", "sigmoid", "softmax"], seed=3)
    xs = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(10)]
    out = nn.to_torch(model)(torch.tensor(xs, dtype=torch.float64)).tolist()
    for x, row in zip(xs, out):
        assert [v.data for v in model(x)] == pytest.approx(row, rel=1e-14, abs=0)


def test_a_layer_and_a_neuron_become_one_linear(torch):
    layer = nn.Layer(3, 2, "softmax", seed=0)
    twin = nn.to_torch(layer)
    assert [type(m).__name__ for m in twin.layers] == ["Linear", "Softmax"]
    assert twin.get_parameter("layers.0.weight").tolist() == layer.weights()
    neuron = nn.Neuron(3, "sigmoid", bias=False, seed=0)
    twin = nn.to_torch(neuron)
    assert [type(m).__name__ for m in twin.layers] == ["Linear", "Sigmoid"]
    assert twin.get_parameter("layers.0.weight").tolist() == [[w.data for w in neuron.w]]
    assert twin.get_submodule("layers.0").bias is None
    back = nn.from_torch(twin)
    assert back.layers[0].weights() == [[w.data for w in neuron.w]]


def test_to_torch_refuses_a_layer_whose_neurons_do_not_all_have_a_bias(torch):
    model = nn.MLP(2, [3, 4, 1], seed=0)
    model.layers[1].neurons[2].b = None
    with pytest.raises(nn.TorchConversionError) as caught:
        nn.to_torch(model)
    message = str(caught.value)
    assert "layer 1" in message and "neurons 0, 1, 3 have a bias" in message
    assert "neuron 2 has none" in message and "bias=False" in message


def test_to_torch_refuses_ragged_weights(torch):
    model = nn.MLP(3, [2, 1], seed=0)
    model.layers[0].neurons[1].w.pop()
    with pytest.raises(nn.TorchConversionError, match=r"layer 0's neurons take 3, 2 inputs"):
        nn.to_torch(model)


def test_to_torch_refuses_what_is_not_an_mlp_layer_or_neuron(torch):
    class Pair(nn.Module):
        def named_parameters(self):
            return []

    with pytest.raises(nn.TorchConversionError, match=r"a Pair is an nn.Module but not"):
        nn.to_torch(Pair())
    with pytest.raises(
        ArgumentTypeError, match=r"takes an nn.MLP, nn.Layer or nn.Neuron, got list"
    ):
        nn.to_torch([1.0, 2.0])
    model = nn.MLP(2, [1], seed=0)
    model.layers[0].activation = "gelu"
    with pytest.raises(nn.TorchConversionError, match=r"layer 0 has activation 'gelu'"):
        nn.to_torch(model)


# --- from_torch --------------------------------------------------------------------------------


@pytest.mark.parametrize("nin, nouts, activations, bias", ARCHITECTURES)
def test_round_trip_through_torch_is_exact(torch, nin, nouts, activations, bias):
    model = nn.MLP(nin, nouts, activations, bias, seed=11)
    first = model.named_parameters()[0][1]
    first.data = -0.0  # the sign of zero survives too
    model.named_parameters()[-1][1].data = 5e-324  # and the smallest subnormal
    back = nn.from_torch(nn.to_torch(model))
    assert type(back) is nn.MLP
    assert back.architecture() == model.architecture()
    assert hexes(back) == hexes(model)


def test_a_torch_module_round_trips_exactly(torch):
    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Linear(3, 5),
        torch.nn.Tanh(),
        torch.nn.Identity(),
        torch.nn.Sequential(torch.nn.Linear(5, 4, bias=False), torch.nn.Sigmoid()),
        torch.nn.Linear(4, 3),
        torch.nn.Softmax(dim=1),
    ).double()
    model = nn.from_torch(module)
    assert model.architecture() == {
        "nin": 3,
        "nouts": [5, 4, 3],
        "activations": ["tanh", "sigmoid", "softmax"],
        "bias": [True, False, True],
    }
    twin = nn.to_torch(model)
    original = [p.detach() for p in module.parameters()]
    assert len(original) == len(list(twin.parameters()))
    for a, b in zip(original, twin.parameters()):
        assert torch.equal(a, b.detach()) and b.dtype == torch.float64
    x = torch.randn(7, 3, dtype=torch.float64)
    assert torch.allclose(module(x), twin(x), rtol=1e-15, atol=0)


def test_from_torch_takes_a_single_linear(torch):
    linear = torch.nn.Linear(2, 3, dtype=torch.float64)
    model = nn.from_torch(linear)
    assert model.architecture()["activations"] == ["linear"]
    assert model.weights() == [linear.weight.tolist()]
    assert model.biases() == [linear.bias.tolist()]


def test_float64_is_taken_without_a_note(torch):
    module = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU()).double()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.from_torch(module)


def test_float32_is_widened_exactly_with_a_note(torch):
    torch.manual_seed(1)
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    with pytest.warns(nn.TorchDtypeWarning) as caught:
        model = nn.from_torch(module)
    message = str(caught[0].message)
    assert "float32: 0.weight, 0.bias, 2.weight, 2.bias" in message
    assert "module.double()" in message
    assert caught[0].filename == __file__  # the warning points at the caller
    # every float32 is a float64: the numbers are exactly the module's
    assert model.weights()[0] == module[0].weight.double().tolist()
    assert model.biases()[1] == module[2].bias.double().tolist()
    half = torch.nn.Linear(2, 2).to(torch.bfloat16)
    with pytest.warns(nn.TorchDtypeWarning, match=r"bfloat16: weight, bias"):
        assert nn.from_torch(half).weights() == [half.weight.double().tolist()]


def _sequential(torch, *parts):
    return torch.nn.Sequential(*parts).double()


REFUSED = [
    (
        lambda t: _sequential(t, t.nn.Linear(2, 3), t.nn.Dropout(0.5)),
        r"module '1' \(Dropout\(p=0.5, inplace=False\)\) is not a layer an nn.MLP has",
    ),
    (
        lambda t: _sequential(t, t.nn.ReLU(), t.nn.Linear(2, 3)),
        r"module '0' \(ReLU\(\)\) comes before the first Linear",
    ),
    (
        lambda t: _sequential(t, t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Tanh()),
        r"module '2' \(Tanh\(\)\) follows module '1' \(ReLU\(\)\), after module '0'",
    ),
    (
        lambda t: _sequential(t, t.nn.Linear(2, 3), t.nn.Linear(4, 1)),
        r"module '1' \(Linear\(in_features=4.*takes 4 inputs, but module '0' .* gives 3",
    ),
    (
        lambda t: _sequential(t, t.nn.Linear(2, 3), t.nn.Softmax(dim=0)),
        r"module '1' \(Softmax\(dim=0\)\) normalises over dim=0",
    ),
    (lambda t: _sequential(t), r"Sequential\(\) holds no Linear layer"),
    (lambda t: t.nn.LSTM(2, 3), r"the module \(LSTM\(2, 3\)\) is not a layer an nn.MLP has"),
    (
        lambda t: _sequential(t, t.nn.Sequential(t.nn.Linear(2, 2), t.nn.GELU())),
        r"module '0.1' \(GELU\(approximate='none'\)\) is not a layer",
    ),
    (lambda t: t.nn.LazyLinear(3), r"parameter weight is not initialised yet \(a lazy module\)"),
]


@pytest.mark.parametrize("build, message", REFUSED)
def test_from_torch_refuses_what_an_mlp_cannot_be_and_names_the_module(torch, build, message):
    with pytest.raises(nn.TorchConversionError, match=message):
        nn.from_torch(build(torch))


def test_from_torch_refuses_bad_numbers_naming_the_parameter(torch):
    module = _sequential(torch, torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    with torch.no_grad():
        module[2].weight[0, 1] = math.inf
    with pytest.raises(nn.TorchConversionError, match=r"parameter 2.weight\[0, 1\] is inf"):
        nn.from_torch(module)
    integers = torch.nn.Linear(2, 2)
    integers.weight = torch.nn.Parameter(torch.ones(2, 2, dtype=torch.int64), requires_grad=False)
    with pytest.raises(nn.TorchConversionError, match=r"parameter weight has dtype torch.int64"):
        nn.from_torch(integers)


def test_from_torch_refuses_a_sequential_with_its_own_forward(torch):
    class Skip(torch.nn.Sequential):
        def forward(self, x):
            return x + super().forward(x)

    with pytest.raises(nn.TorchConversionError, match=r"is a Skip, a Sequential with its own"):
        nn.from_torch(Skip(torch.nn.Linear(2, 2)))
    with pytest.raises(ArgumentTypeError, match=r"takes a torch.nn.Module .* got dict"):
        nn.from_torch({"0.weight": [[1.0]]})


# --- compare_with_torch ------------------------------------------------------------------------


def batch(loss: str, nin: int, nout: int, n: int, rng: random.Random):
    xs = [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(n)]
    if loss == "cross_entropy" and rng.random() < 0.5:
        ys = [rng.randrange(nout) for _ in xs]
    elif loss == "cross_entropy":
        weights = [[rng.choice([0.0, rng.random()]) + 1e-3 for _ in range(nout)] for _ in xs]
        ys = [[w / sum(row) for w in row] for row in weights]  # probabilities summing to 1
    elif loss == "max_margin":
        ys = [[rng.choice([-1.0, 1.0]) for _ in range(nout)] for _ in xs]
    elif loss.startswith("binary"):
        ys = [[rng.choice([0.0, 1.0, rng.random()]) for _ in range(nout)] for _ in xs]
    else:
        ys = [[rng.uniform(-1, 1) for _ in range(nout)] for _ in xs]
    return xs, ys


def torch_loss(torch, loss: str, out, ys):
    """The loss written here with torch's functions, independently of the module under test."""
    F = torch.nn.functional
    if loss == "cross_entropy" and isinstance(ys[0], int):
        return F.cross_entropy(out, torch.tensor(ys))
    target = torch.tensor(ys, dtype=torch.float64)
    return {
        "mse": lambda: F.mse_loss(out, target),
        "cross_entropy": lambda: F.cross_entropy(out, target),
        "sse_half": lambda: 0.5 * F.mse_loss(out, target, reduction="sum") / len(ys),
        "binary_cross_entropy": lambda: F.binary_cross_entropy(out, target),
        "binary_cross_entropy_with_logits": lambda: F.binary_cross_entropy_with_logits(out, target),
        "max_margin": lambda: F.relu(1 - target * out).mean(),
    }[loss]()


LOSS_CASES = [
    ("mse", None),
    ("sse_half", ["sigmoid", "tanh", "linear"]),
    ("binary_cross_entropy", ["relu", "tanh", "sigmoid"]),
    ("binary_cross_entropy_with_logits", None),
    ("cross_entropy", ["tanh", "relu", "linear"]),
    ("cross_entropy", ["sigmoid", "relu", "linear"]),
    ("mse", ["relu", "sigmoid", "softmax"]),
    ("max_margin", ["tanh", "relu", "linear"]),
]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("loss, activations", LOSS_CASES)
def test_loss_and_every_gradient_agree_to_1e_12(torch, loss, activations, seed):
    rng = random.Random(f"{loss} {activations} {seed}")
    nin, nout = rng.randint(1, 4), rng.randint(2 if loss == "cross_entropy" else 1, 4)
    model = nn.MLP(nin, [rng.randint(2, 6), rng.randint(2, 6), nout], activations, seed=seed)
    xs, ys = batch(loss, nin, nout, rng.randint(1, 9), rng)
    report = nn.compare_with_torch(model, xs, ys, loss=loss)

    # the scalar side is what backward() left in .grad, named as the model names it
    named = model.named_parameters()
    assert [p.name for p in report.parameters] != [] and len(report.parameters) == len(named)
    assert {p.name for p in report.parameters} == {name for name, _ in named}
    by_name = report.by_name()
    for name, p in named:
        assert by_name[name].grad == p.grad and by_name[name].value == p.data

    # the torch side, computed here: each row's torch_grad is the entry its torch_name names
    twin = nn.to_torch(model)
    out = twin(torch.tensor(xs, dtype=torch.float64))
    expected_loss = torch_loss(torch, loss, out, ys)
    expected_loss.backward()
    # the same loss in another spelling (sse_half: a sum over outputs, then the mean, against
    # one sum divided by n) may round differently: a few units in the last place
    assert report.torch_loss == pytest.approx(expected_loss.item(), rel=1e-14, abs=0)
    assert report.loss == pytest.approx(expected_loss.item(), rel=1e-12, abs=0)
    largest = max(abs(p.grad) for p in report.parameters)
    for row in report.parameters:
        tensor, index = row.torch_name.split("[")
        indices = tuple(int(i) for i in index.rstrip("]").split(", "))
        torch_grad = twin.get_parameter(tensor).grad[indices].item()
        assert abs(row.torch_grad - torch_grad) <= 1e-14 * max(abs(torch_grad), largest), row.name
        assert entry(twin, row.name) == row.value
        # 1e-12 of the gradient, or of the model's largest for one that nearly cancels
        assert abs(row.grad - row.torch_grad) <= 1e-12 * max(abs(row.grad), largest), row
    assert report.max_difference < 1e-12 and report.agrees()


def test_the_report_names_each_parameter_in_both_worlds(torch):
    model = nn.MLP(2, [16, 16, 1], seed=0)
    xs, ys = nn.datasets.make_moons(20, noise=0.1, seed=1, labels=(-1, 1))
    report = nn.compare_with_torch(model, xs, ys, loss="max_margin")
    rows = report.by_name()
    assert rows["layers.1.neurons.3.w.0"].torch_name == "layers.1.weight[3, 0]"
    assert rows["layers.1.neurons.3.b"].torch_name == "layers.1.bias[3]"
    assert rows["layers.2.neurons.0.w.15"].torch_name == "layers.2.weight[0, 15]"
    assert len(report.parameters) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    text = report.table(limit=3)
    assert "layers.0.neurons.0.w.0  layers.0.weight[0, 0]" in text
    assert "... and 334 more parameters" in text and "largest relative difference" in text
    assert len(report.table(limit=None).splitlines()) == 2 + 337 + 1
    assert str(report) == report.table()


def test_a_layer_and_a_neuron_compare_under_their_own_names(torch):
    rng = random.Random(5)
    xs, ys = batch("cross_entropy", 3, 4, 6, rng)
    report = nn.compare_with_torch(nn.Layer(3, 4, "linear", seed=1), xs, ys, loss="cross_entropy")
    assert report.by_name()["neurons.2.w.1"].torch_name == "layers.0.weight[2, 1]"
    assert report.agrees()
    report = nn.compare_with_torch(nn.Neuron(3, "tanh", seed=1), xs, [0.5] * 6, loss=nn.mse)
    assert [p.name for p in report.parameters] == ["w.0", "w.1", "w.2", "b"]
    assert report.by_name()["b"].torch_name == "layers.0.bias[0]"
    assert report.agrees() and report.loss_name == "mse"


def test_batches_may_be_tensors(torch):
    model = nn.MLP(2, [3, 1], seed=0)
    xs = torch.tensor([[0.1, 0.2], [0.3, -0.4]], dtype=torch.float64)
    report = nn.compare_with_torch(model, xs, torch.tensor([1.0, -1.0]), loss="max_margin")
    assert report.n_examples == 2 and report.agrees()


BAD_BATCHES = [
    ([[0.1, 0.2]] * 3, [1.0] * 2, ArgumentError, r"3 examples but 2 targets"),
    (
        [[0.1, 0.2], [0.3]],
        [1.0] * 2,
        ArgumentError,
        r"example 1 has 1 inputs and the model takes 2",
    ),
    ([0.1, 0.2], [1.0] * 2, ArgumentError, r"example 0 is a float, not a list of 2 inputs"),
    ([], [], ArgumentError, r"no examples"),
    ([[0.1, "a"]], [1.0], ArgumentTypeError, r"input 1 of example 0 is a str"),
    ([[0.1, 0.2]], [[1.0, 0.0]], ArgumentError, r"target 0 is 2 values; the model has 1 outputs"),
    ("xs", [1.0], ArgumentTypeError, r"xs must be a list of examples, got str"),
    ([[0.1, 0.2]], 1.0, ArgumentTypeError, r"ys must be a list of targets, got float"),
]


@pytest.mark.parametrize("xs, ys, error, message", BAD_BATCHES)
def test_compare_refuses_batches_of_the_wrong_shape(torch, xs, ys, error, message):
    model = nn.MLP(2, [3, 1], seed=0)
    model.zero_grad()
    with pytest.raises(error, match=message):
        nn.compare_with_torch(model, xs, ys, loss="mse")
    assert all(p.grad == 0.0 for p in model.parameters())  # refused before anything ran


def test_compare_refuses_losses_without_a_torch_twin(torch):
    model = nn.MLP(2, [3, 2], seed=0)
    xs = [[0.1, 0.2]] * 2
    with pytest.raises(ArgumentError, match=r"loss 'hinge' has no torch twin.*mse, sse_half"):
        nn.compare_with_torch(model, xs, [[1.0, 0.0]] * 2, loss="hinge")
    with pytest.raises(ArgumentError, match=r"loss 'my_loss' has no torch twin"):

        def my_loss(p, y):
            return nn.mse(p, y)

        nn.compare_with_torch(model, xs, [[1.0, 0.0]] * 2, loss=my_loss)
    with pytest.raises(ArgumentError, match=r"all class indices or all lists of probabilities"):
        nn.compare_with_torch(model, xs, [1, [0.5, 0.5]], loss="cross_entropy")
    with pytest.raises(ArgumentError, match=r"target 1 is 3 values.*a class index or a list"):
        nn.compare_with_torch(model, xs, [1, [0.5, 0.25, 0.25]], loss="cross_entropy")


def test_relative_difference_is_measured_against_the_larger_number_or_the_scale():
    assert relative_difference(0.0, 0.0) == 0.0
    assert relative_difference(1.0, 1.0 + 2**-52) == 2**-52 / (1.0 + 2**-52)
    assert relative_difference(1e-20, 2e-20) == 0.5
    assert relative_difference(1e-20, 2e-20, scale=1.0) == 1e-20


# --- optimizers: trajectories match torch.optim's ----------------------------------------------

OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.95), "weight_decay": 0.1}),
]


@pytest.mark.parametrize("kind, options", OPTIMIZERS)
def test_optimizer_trajectories_match_torch_optim(torch, kind, options):
    xs, ys = nn.datasets.make_moons(16, noise=0.1, seed=2, labels=(0, 1))
    model = nn.MLP(2, [6, 4, 1], ["tanh", "relu", "linear"], seed=4)
    twin = nn.to_torch(model)
    optimizer = getattr(nn, kind)(model.parameters(), **options)
    torch_optimizer = getattr(torch.optim, kind)(twin.parameters(), **options)
    x = torch.tensor(xs, dtype=torch.float64)
    y = torch.tensor([[float(v)] for v in ys], dtype=torch.float64)
    loss = "binary_cross_entropy_with_logits"
    for step in range(5):
        nn.fit(model, xs, ys, loss=loss, optimizer=optimizer, shuffle=False, progress=False)
        torch_optimizer.zero_grad()
        torch.nn.functional.binary_cross_entropy_with_logits(twin(x), y).backward()
        torch_optimizer.step()
        for name, p in model.named_parameters():
            assert p.data == pytest.approx(entry(twin, name), rel=1e-12, abs=1e-14), (step, name)


def test_the_readmes_torch_example_runs_and_prints_what_it_says(torch, capsys):
    """The README fences it ```python torch, so tests/test_readme.py (no torch needed) skips it."""
    readme = Path(__file__).resolve().parents[1] / "README.md"
    (block,) = re.findall(r"```python torch\n(.*?)```", readme.read_text(), flags=re.DOTALL)
    exec(compile(block, str(readme), "exec"), {})  # noqa: S102 (the README is ours)
    assert capsys.readouterr().out.splitlines() == ["True", "layers.1.weight[3, 0]", "True"]


# --- PyTorch stays optional --------------------------------------------------------------------


def test_importing_nn_and_training_never_imports_torch():
    code = (
        "import sys, nn\n"
        "m = nn.MLP(2, [3, 1], seed=0)\n"
        "nn.fit(m, [[0.1, 0.2]], [1.0], loss='mse', optimizer=nn.SGD(m.parameters(), lr=0.1),"
        " progress=False)\n"
        "print('torch' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_no_module_of_the_package_imports_torch_when_imported():
    """``import torch`` only inside a function, or under ``TYPE_CHECKING`` (annotations)."""
    root = Path(__file__).resolve().parents[1]
    for path in sorted([*(root / "nn").rglob("*.py"), *(root / "autograd_lite").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lazy = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            or (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
            for n in ast.walk(node)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and id(node) not in lazy:
                names = [alias.name.split(".")[0] for alias in node.names]
                assert "torch" not in names, f"{path.name}:{node.lineno} imports torch"
            if isinstance(node, ast.ImportFrom) and id(node) not in lazy:
                assert (node.module or "").split(".")[0] != "torch", f"{path.name}:{node.lineno}"


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.to_torch(nn.MLP(2, [1], seed=0)),
        lambda: nn.from_torch(object()),
        lambda: nn.compare_with_torch(nn.MLP(2, [1], seed=0), [[0.0, 0.0]], [0.0], loss="mse"),
    ],
    ids=["to_torch", "from_torch", "compare_with_torch"],
)
def test_without_torch_each_function_says_how_to_install_it(monkeypatch, call):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(nn.TorchMissingError) as caught:
        call()
    message = str(caught.value)
    assert "needs PyTorch, which is not installed" in message
    assert "pip install 'autograd-lite[torch]'" in message and "torch==2.13.0" in message
    assert isinstance(caught.value, ImportError) and isinstance(caught.value, AutogradError)


# --- the suite's guard: a torch cross-check may not skip where torch imports -------------------


def test_a_torch_cross_check_that_skips_while_torch_imports_fails_the_suite(torch, pytester):
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(
        test_guard="""
        import pytest

        def test_cross_check(torch):
            pytest.skip("pretend the cross-check could not run")

        def test_reason_names_torch():
            pytest.skip("PyTorch is too old here")

        def test_unrelated():
            pytest.skip("nothing to do with it")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2, skipped=1)
    result.stdout.fnmatch_lines(["*test_cross_check is a torch cross-check and PyTorch imports*"])


def test_without_torch_the_cross_checks_still_skip(pytester):
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(
        test_guard="""
        import sys
        sys.modules["torch"] = None  # as if PyTorch were not installed

        def test_cross_check(torch):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*PyTorch is not installed*"])
