"""The [network] form: matrices spelled out as named steps, checked against nn and a published example."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from autograd_lite import ExampleFileError, ExampleFileWarning, vsum
from nn.examples.checker.evaluate import evaluate
from nn.examples.checker.expressions import parse
from nn.examples.checker.file_format import load
from nn.examples.report import agreement

# Matt Mazur, "A Step by Step Backpropagation Example" (2015): a 2-2-2 sigmoid network, half
# the summed squared error, learning rate 0.5; every number below is printed in the article.
MAZUR = {
    "inputs": [0.05, 0.10],
    "targets": [0.01, 0.99],
    "loss": "sse_half",
    "layers": [
        {"weights": [[0.15, 0.20], [0.25, 0.30]], "biases": [0.35, 0.35], "activation": "sigmoid"},
        {"weights": [[0.40, 0.45], [0.50, 0.55]], "biases": [0.60, 0.60], "activation": "sigmoid"},
    ],
}
MAZUR_PRINTED = {
    "z2_1": "0.3775",
    "a2_1": "0.593269992",
    "a2_2": "0.596884378",
    "z3_1": "1.105905967",
    "a3_1": "0.75136507",
    "a3_2": "0.772928465",
    "E": "0.298371109",
    "dE/dw3_1_1": "0.082167041",
    "w3_1_1@1": "0.35891648",
    "w3_1_2@1": "0.408666186",
    "w3_2_1@1": "0.511301270",
    "w3_2_2@1": "0.561370121",
    "dE/dw2_1_1": "0.000438568",
    "w2_1_1@1": "0.149780716",
    "w2_1_2@1": "0.19956143",
    "w2_2_1@1": "0.24975114",
    "w2_2_2@1": "0.29950229",
}
MAZUR_WEIGHTS = [f"w{layer}_{j}_{i}" for layer in (2, 3) for j in (1, 2) for i in (1, 2)]


def mazur(**network) -> dict:
    return {
        "title": "Mazur's 2-2-2 network",
        "network": {**MAZUR, **network},
        "train": {"learning_rate": 0.5, "parameters": MAZUR_WEIGHTS},
        "printed": MAZUR_PRINTED,
    }


def test_mazurs_published_numbers_agree():
    computation = load(mazur())
    computed = evaluate(computation)
    words = {key: agreement(text, computed[key]) for key, text in MAZUR_PRINTED.items()}
    assert words["z2_1"] == "exact"
    assert set(words.values()) <= {"exact", "rounded"}, words


def test_the_generated_names_and_steps():
    computation = load(mazur())
    assert list(computation.values) == [
        *MAZUR_WEIGHTS[:4],
        "b2_1",
        "b2_2",
        *MAZUR_WEIGHTS[4:],
        "b3_1",
        "b3_2",
        "x1",
        "x2",
        "t1",
        "t2",
    ]
    assert computation.values["w2_2_1"] == 0.25 and computation.values["t2"] == 0.99
    texts = {step.name: (step.text, step.layer) for step in computation.steps}
    assert texts == {
        "z2_1": ("w2_1_1*x1 + w2_1_2*x2 + b2_1", 1),
        "z2_2": ("w2_2_1*x1 + w2_2_2*x2 + b2_2", 1),
        "a2_1": ("sigmoid(z2_1)", 1),
        "a2_2": ("sigmoid(z2_2)", 1),
        "z3_1": ("w3_1_1*a2_1 + w3_1_2*a2_2 + b3_1", 2),
        "z3_2": ("w3_2_1*a2_1 + w3_2_2*a2_2 + b3_2", 2),
        "a3_1": ("sigmoid(z3_1)", 2),
        "a3_2": ("sigmoid(z3_2)", 2),
        "E": ("0.5*sum((t1 - a3_1)**2, (t2 - a3_2)**2)", 0),
    }
    assert computation.batch_size == 1 and computation.outputs == 2
    assert all(step.line == 0 for step in computation.steps)


def test_training_updates_every_weight_and_bias_unless_parameters_says_otherwise():
    default = load({**mazur(), "train": {"learning_rate": 0.5}})
    assert default.training.parameters == (
        *MAZUR_WEIGHTS[:4],
        "b2_1",
        "b2_2",
        *MAZUR_WEIGHTS[4:],
        "b3_1",
        "b3_2",
    )
    assert default.training.loss == "E" and default.training.steps == 1
    assert load(mazur()).training.parameters == tuple(MAZUR_WEIGHTS)


def test_the_three_layouts_give_the_same_computation():
    out_in = load(mazur())
    in_out = load(
        mazur(
            layout="in_out",
            layers=[
                {
                    "weights": [[0.15, 0.25], [0.20, 0.30]],
                    "biases": [0.35, 0.35],
                    "activation": "sigmoid",
                },
                {
                    "weights": [[0.40, 0.50], [0.45, 0.55]],
                    "biases": [0.60, 0.60],
                    "activation": "sigmoid",
                },
            ],
        )
    )
    bias_last = load(
        mazur(
            layout="bias_last",
            layers=[
                {"weights": [[0.15, 0.20, 0.35], [0.25, 0.30, 0.35]], "activation": "sigmoid"},
                {"weights": [[0.40, 0.45, 0.60], [0.50, 0.55, 0.60]], "activation": "sigmoid"},
            ],
        )
    )
    for other in (in_out, bias_last):
        assert other.values == out_in.values and other.steps == out_in.steps


def test_a_batch_names_each_example_and_averages_the_loss():
    computation = load(
        {
            "title": "t",
            "network": {
                "inputs": [[0.0, 1.0], [1.0, 1.0], [0.5, -1.0]],
                "targets": [1, 0, 1],  # one output: one target per row, as a flat list
                "loss": "mse",
                "layers": [{"weights": [[0.3, -0.2]], "biases": [0.1], "activation": "tanh"}],
            },
            "printed": {"a2_1_e2": "0", "E": "0"},
        }
    )
    names = [step.name for step in computation.steps]
    assert names == [
        "z2_1_e1", "a2_1_e1", "E_e1",
        "z2_1_e2", "a2_1_e2", "E_e2",
        "z2_1_e3", "a2_1_e3", "E_e3",
        "E",
    ]  # fmt: skip
    assert computation.steps[-1].text == "sum(E_e1, E_e2, E_e3) / 3"
    assert computation.steps[2].text == "(t1_e1 - a2_1_e1)**2"
    assert computation.values["x1_e3"] == 0.5 and computation.values["t1_e2"] == 0.0
    assert computation.batch_size == 3 and computation.outputs == 1
    computed = evaluate(computation)
    rows = [([0.0, 1.0], 1.0), ([1.0, 1.0], 0.0), ([0.5, -1.0], 1.0)]
    errors = [(t - math.tanh(0.3 * x1 - 0.2 * x2 + 0.1)) ** 2 for (x1, x2), t in rows]
    assert computed["E"] == pytest.approx(sum(errors) / 3, rel=1e-14)
    assert computed["a2_1_e2"] == pytest.approx(math.tanh(0.3 - 0.2 + 0.1), rel=1e-14)


def test_a_softmax_layer_shares_one_logsumexp():
    with pytest.warns(ExampleFileWarning, match="softmax applied twice"):
        computation = load(
            {
                "title": "t",
                "network": {
                    "inputs": [1.0, 2.0],
                    "targets": [0.0, 1.0],
                    "loss": "cross_entropy",
                    "layers": [{"weights": [[0.1, 0.2], [0.3, 0.4]], "activation": "softmax"}],
                },
                "printed": {"a2_2": "0"},
            }
        )
    texts = {step.name: step.text for step in computation.steps}
    assert texts["lse2"] == "logsumexp(z2_1, z2_2)"
    assert texts["a2_1"] == "exp(z2_1 - lse2)"
    assert texts["E"] == "logsumexp(a2_1, a2_2) - a2_2"
    assert "softmax applied twice" in computation.warnings[0]


# --- against nn, on many random networks ---------------------------------------------------------

LOSS_OUTPUT = {
    "mse": ("sigmoid", "tanh", "relu", "linear"),
    "sse_half": ("sigmoid", "tanh", "linear"),
    "binary_cross_entropy": ("sigmoid",),
    "cross_entropy": ("linear",),
    "max_margin": ("tanh", "linear"),
}


@st.composite
def networks(draw):
    loss = draw(st.sampled_from(sorted(LOSS_OUTPUT)))
    n_in = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.integers(1, 3), max_size=2))
    n_out = draw(st.integers(2 if loss == "cross_entropy" else 1, 3))
    widths = [n_in, *hidden, n_out]
    number = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))
    layers = []
    for i, (a, b) in enumerate(pairwise(widths)):
        last = i == len(widths) - 2
        activation = draw(
            st.sampled_from(LOSS_OUTPUT[loss] if last else ("sigmoid", "tanh", "relu", "linear"))
        )
        layer = {
            "weights": draw(
                st.lists(st.lists(number, min_size=a, max_size=a), min_size=b, max_size=b)
            ),
            "activation": activation,
        }
        if draw(st.booleans()):
            layer["biases"] = draw(st.lists(number, min_size=b, max_size=b))
        layers.append(layer)
    batch = draw(st.integers(1, 3))
    inputs = draw(
        st.lists(st.lists(number, min_size=n_in, max_size=n_in), min_size=batch, max_size=batch)
    )
    targets = [draw(_target(loss, n_out)) for _ in range(batch)]
    return {"inputs": inputs, "targets": targets, "loss": loss, "layers": layers}


def _target(loss: str, n_out: int):
    if loss == "cross_entropy":
        return st.integers(0, n_out - 1).map(lambda k: [float(j == k) for j in range(n_out)])
    if loss == "max_margin":
        return st.lists(st.sampled_from([-1.0, 1.0]), min_size=n_out, max_size=n_out)
    if loss == "binary_cross_entropy":
        values = st.sampled_from([0.0, 1.0, 0.25])
    else:
        values = st.floats(-1, 1, allow_nan=False)
    return st.lists(values, min_size=n_out, max_size=n_out)


def nn_loss_and_gradients(network: dict) -> tuple[float, dict[str, float]]:
    """The same network through nn: its loss averaged over the rows, and each parameter's gradient."""
    layers = network["layers"]
    mlp = nn.MLP.from_weights(
        [layer["weights"] for layer in layers],
        [layer.get("biases") for layer in layers],
        [layer["activation"] for layer in layers],
    )
    loss_function = getattr(nn.losses, network["loss"])
    losses = []
    for row, target in zip(network["inputs"], network["targets"]):
        out = mlp(row)
        outputs = out if isinstance(out, list) else [out]
        losses.append(loss_function(outputs, target))
    total = losses[0] if len(losses) == 1 else vsum(losses) / len(losses)
    total.backward()
    gradients = {}
    for number, layer in enumerate(mlp.layers, 2):
        for j, neuron in enumerate(layer.neurons, 1):
            for i, w in enumerate(neuron.w, 1):
                gradients[f"w{number}_{j}_{i}"] = w.grad
            if neuron.b is not None:
                gradients[f"b{number}_{j}"] = neuron.b.grad
    return total.data, gradients


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_a_network_file_computes_what_nn_computes(network):
    expected_loss, gradients = nn_loss_and_gradients(network)
    printed = {"E": "0", **{f"dE/d{name}": "0" for name in gradients}}
    computation = load({"title": "random", "network": network, "printed": printed})
    computed = evaluate(computation)
    assert computed["E"] == pytest.approx(expected_loss, rel=1e-12, abs=1e-12)
    for name, g in gradients.items():
        assert computed[f"dE/d{name}"] == pytest.approx(g, rel=1e-9, abs=1e-12), name
    defined = set(computation.values) | {step.name for step in computation.steps}
    for step in computation.steps:  # the text shown is the computation done
        assert parse(step.text, defined) == step.expression, step.name


# --- bad networks ------------------------------------------------------------------------------


def second_layer(**second) -> list:
    return [MAZUR["layers"][0], {**MAZUR["layers"][1], **second}]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"layout": "rows"},
            "[network] layout: must be one of out_in, in_out, bias_last; got 'rows'",
        ),
        ({"loss": "mae"}, "[network] loss: must be one of mse, sse_half"),
        ({"inputs": []}, "[network] inputs: missing or empty"),
        ({"inputs": [[0.1, 0.2], [0.3]]}, "the rows must have one, non-zero length; got [2, 1]"),
        ({"inputs": [0.1, "x"]}, "must be a number (without quotes), got 'x'"),
        (
            {"inputs": [0.1, 0.2, 0.3]},
            "layer 2 ([[network.layers]] number 1): layout 'out_in' stores weights as (n_out, n_in)",
        ),
        ({"layers": []}, "[network] layers: missing: add one [[network.layers]] table per layer"),
        (
            {"layers": second_layer(activation="softplus")},
            "layer 3 ([[network.layers]] number 2) needs activation = one of sigmoid",
        ),
        (
            {"layers": second_layer(weights=[[0.4], [0.5]])},
            "this layer has n_in = 2, the output size of layer 2, so the expected shape is (2, 2); got (2, 1)",
        ),
        ({"layers": second_layer(biases=[0.6])}, "expected 2 biases (one per neuron), got 1"),
        (
            {"layers": second_layer(bias=[0.6])},
            "unknown key 'bias' in [network.layers.1]; did you mean 'biases'?",
        ),
        ({"layers": [MAZUR["layers"][0], 3]}, "must be a table of weights, biases, activation"),
        (
            {"targets": [0.01]},
            "expected 1 row(s) of 2 target(s), one per output unit of each input row; got 1 row(s) of 1",
        ),
        ({"targets": None}, "[network] targets: missing: the loss sse_half needs targets"),
        (
            {"loss": "binary_cross_entropy", "targets": [0.5, 2.0]},
            "binary_cross_entropy's targets lie in [0, 1]; got [0.5, 2.0]",
        ),
        ({"loss": "max_margin", "targets": [0.5, 1.0]}, "max_margin's targets are -1 or +1"),
        ({"loss": "cross_entropy", "targets": [0.5, 0.6]}, "probabilities that sum to 1"),
        ({"input": [0.1, 0.2]}, "unknown key 'input' in [network]; did you mean 'inputs'?"),
    ],
)
def test_bad_networks_say_what_is_wrong(changes, expected):
    network = {k: v for k, v in changes.items() if v is not None}
    removed = [k for k, v in changes.items() if v is None]
    base = {k: v for k, v in MAZUR.items() if k not in removed}
    with pytest.raises(ExampleFileError) as caught:
        load({"title": "t", "network": {**base, **network}, "printed": {"x1": "0"}})
    assert expected in str(caught.value)


def test_a_generated_name_given_in_values_too_is_refused(tmp_path):
    path = tmp_path / "clash.toml"
    path.write_text(
        'title = "t"\n[values]\nx1 = 3.0\n[network]\ninputs = [1.0]\n'
        '[[network.layers]]\nweights = [[0.5]]\nactivation = "relu"\n[printed]\na2_1 = "0.5"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ExampleFileError, match=r"line 3, \[values\] x1: \[network\] generates the name 'x1'"
    ):
        load(path)


def test_values_and_forward_steps_may_follow_a_network():
    computation = load(
        {
            "title": "t",
            "values": {"alpha": 0.01},
            "network": {**MAZUR},
            "forward": {"penalty": "alpha*(w2_1_1**2 + w2_1_2**2)", "total": "E + penalty"},
            "train": {"loss": "total", "learning_rate": 0.5},
            "printed": {"total": "0"},
        }
    )
    computed = evaluate(computation)
    assert computed["total"] == pytest.approx(
        0.2983711087600027 + 0.01 * (0.15**2 + 0.2**2), rel=1e-14
    )


def test_a_network_over_the_limits_is_refused_before_it_is_spelled_out():
    wide = [[0.0] * 300] * 300
    with pytest.raises(ExampleFileError, match="spells out to .* the limit is"):
        load(
            {
                "title": "t",
                "network": {
                    "inputs": [[0.0] * 300] * 40,
                    "layers": [{"weights": wide, "activation": "relu"}],
                },
                "printed": {"x1_e1": "0"},
            }
        )


def test_a_network_files_keys_are_named_with_their_lines(tmp_path):
    text = """title = "t"
[network]
inputs = [1.0, 2.0]
targets = [0.5]
loss = "mse"

[[network.layers]]
weights = [[0.1, 0.2], [0.3, 0.4]]
activation = "tanh"

[[network.layers]]
weights = [[0.5, 0.6]]
bias = [0.1]
activation = "sigmoid"

[printed]
a3_1 = "0.6"
"""
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExampleFileError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}, line 13, [network.layers.1] bias: unknown key")
    path.write_text(
        text.replace("bias = [0.1]\n", "").replace('"tanh"', '"swish"'), encoding="utf-8"
    )
    with pytest.raises(ExampleFileError, match=r"line 9, \[network.layers.0\] activation: layer 2"):
        load(path)
    path.write_text(text.replace("bias = [0.1]\n", "") + 'a3_1 = "0.7"\n', encoding="utf-8")
    with pytest.raises(
        ExampleFileError,
        match=r"\[printed\] a3_1: the key 'a3_1' is defined twice \(lines 16 and 17\)",
    ):
        load(path)
