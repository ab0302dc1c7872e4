"""nn's Neuron, Layer and MLP: initialisation, names, outputs, the three weight layouts, errors.

Networks are checked against values computed independently in the test (plain floats
in the articles' own loop order, or mpmath), against numbers the articles published,
and against finite differences (gradcheck).
"""

import itertools
import math
import random

import mpmath
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nn
from autograd_lite import Value, gradcheck, vsum

# Seed 002's book MLP (3-7-5-4-1, sigmoid, no biases), numpy seed-0 weights, (n_out, n_in)
# per layer; transcribed from shared/reference/worked_examples.json (gad_mlp_ch09_3_7_5_4_1).
GAD_BOOK_WEIGHTS = [
    [
        [0.5488135039273248, 0.7151893663724195, 0.6027633760716439],
        [0.5448831829968969, 0.4236547993389047, 0.6458941130666561],
        [0.4375872112626925, 0.8917730007820798, 0.9636627605010293],
        [0.3834415188257777, 0.7917250380826646, 0.5288949197529045],
        [0.5680445610939323, 0.925596638292661, 0.07103605819788694],
        [0.08712929970154071, 0.02021839744032572, 0.832619845547938],
        [0.7781567509498505, 0.8700121482468192, 0.978618342232764],
    ],
    [
        [
            0.7991585642167236,
            0.46147936225293185,
            0.7805291762864555,
            0.11827442586893322,
            0.6399210213275238,
            0.1433532874090464,
            0.9446689170495839,
        ],
        [
            0.5218483217500717,
            0.4146619399905236,
            0.26455561210462697,
            0.7742336894342167,
            0.45615033221654855,
            0.5684339488686485,
            0.018789800436355142,
        ],
        [
            0.6176354970758771,
            0.6120957227224214,
            0.6169339968747569,
            0.9437480785146242,
            0.6818202991034834,
            0.359507900573786,
            0.43703195379934145,
        ],
        [
            0.6976311959272649,
            0.06022547162926983,
            0.6667667154456677,
            0.6706378696181594,
            0.2103825610738409,
            0.1289262976548533,
            0.31542835092418386,
        ],
        [
            0.3637107709426226,
            0.5701967704178796,
            0.43860151346232035,
            0.9883738380592262,
            0.10204481074802807,
            0.2088767560948347,
            0.16130951788499626,
        ],
    ],
    [
        [
            0.6531083254653984,
            0.2532916025397821,
            0.4663107728563063,
            0.24442559200160274,
            0.15896958364551972,
        ],
        [
            0.11037514116430513,
            0.6563295894652734,
            0.1381829513486138,
            0.1965823616800535,
            0.3687251706609641,
        ],
        [
            0.8209932298479351,
            0.09710127579306127,
            0.8379449074988039,
            0.09609840789396307,
            0.9764594650133958,
        ],
        [
            0.4686512016477016,
            0.9767610881903371,
            0.604845519745046,
            0.7392635793983017,
            0.039187792254320675,
        ],
    ],
    [[0.2828069625764096, 0.1201965612131689, 0.29614019752214493, 0.11872771895424405]],
]
# Seed 001's 3-3-3 network, row-vector (n_in, n_out) matrices and biases (prakash_jay_3_3_3_...).
PRAKASH_WIJ = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.7], [0.4, 0.3, 0.9]]
PRAKASH_WJK = [[0.2, 0.3, 0.5], [0.3, 0.5, 0.7], [0.6, 0.4, 0.8]]
PRAKASH_WKL = [[0.1, 0.4, 0.8], [0.3, 0.7, 0.2], [0.5, 0.2, 0.9]]
PRAKASH_BJ = [1.0, 1.0, 1.0]
PRAKASH_BK = [1.0, 1.0, 1.0]
PRAKASH_BL = [1.0, 1.0, 1.0]

# Brownlee's forward test: initialize_network(2, 1, 2) after random.seed(1), bias last.
BROWNLEE_HIDDEN = [[0.13436424411240122, 0.8474337369372327, 0.763774618976614]]
BROWNLEE_OUTPUT = [
    [0.2550690257394217, 0.49543508709194095],
    [0.4494910647887381, 0.651592972722763],
]
BROWNLEE_INITIAL = [
    [
        [0.13436424411240122, 0.8474337369372327, 0.763774618976614],
        [0.2550690257394217, 0.49543508709194095, 0.4494910647887381],
    ],
    [
        [0.651592972722763, 0.7887233511355132, 0.0938595867742349],
        [0.02834747652200631, 0.8357651039198697, 0.43276706790505337],
    ],
]


def sigmoid(s):
    return 1.0 / (1.0 + math.exp(-s))


def forward_by_hand(rows_per_layer, biases_per_layer, activations, x):
    """A network evaluated with plain floats: bias first, then w*x left to right (the articles' loop)."""
    for rows, biases, activation in zip(rows_per_layer, biases_per_layer, activations):
        sums = []
        for j, row in enumerate(rows):
            s = 0.0 if biases is None else biases[j]
            for w, xi in zip(row, x):
                s += w * xi
            sums.append(s)
        if activation == "softmax":
            top = max(sums)
            exps = [math.exp(s - top) for s in sums]
            x = [e / math.fsum(exps) for e in exps]
        else:
            f = {"relu": lambda s: max(s, 0.0), "sigmoid": sigmoid, "tanh": math.tanh}
            x = [f.get(activation, lambda s: s)(s) for s in sums]
    return x


def transpose(matrix):
    return [list(column) for column in zip(*matrix)]


# --- initialisation -----------------------------------------------------------------


def test_seeded_initialisation_is_reproducible_and_documented():
    a = nn.MLP(3, [4, 2], seed=7).state_dict()
    assert a == nn.MLP(3, [4, 2], seed=7).state_dict()
    assert a != nn.MLP(3, [4, 2], seed=8).state_dict()
    # Documented draw: uniform on [-1, 1), neuron by neuron, layer by layer; biases 0.
    rng = random.Random(7)
    expected = []
    for nin, nout in [(3, 4), (4, 2)]:
        for _ in range(nout):
            expected += [rng.uniform(-1.0, 1.0) for _ in range(nin)] + [0.0]
    assert list(a.values()) == expected


def test_a_random_generator_passed_in_is_used_and_advanced():
    rng = random.Random(11)
    first = nn.Layer(2, 3, seed=rng).state_dict()
    second = nn.Layer(2, 3, seed=rng).state_dict()
    assert first != second
    replay = random.Random(11)
    assert nn.Layer(2, 3, seed=replay).state_dict() == first


def test_no_seed_uses_the_random_module_like_micrograd():
    random.seed(5)
    a = nn.Neuron(4).state_dict()
    random.seed(5)
    assert nn.Neuron(4).state_dict() == a


def test_bad_seed_is_a_type_error():
    with pytest.raises(TypeError, match="seed must be an int, a random.Random or None"):
        nn.MLP(2, [1], seed="one")


# --- names and parameters ------------------------------------------------------------


def test_named_parameters_are_stable_paths():
    model = nn.MLP(2, [2, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
        "layers.0.neurons.1.w.1",
        "layers.0.neurons.1.b",
        "layers.1.neurons.0.w.0",
        "layers.1.neurons.0.w.1",
        "layers.1.neurons.0.b",
    ]
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert [p.label for p in model.parameters()[:3]] == ["w1", "w2", "b"]


@pytest.mark.parametrize("nin, nouts", [(2, [16, 16, 1]), (3, [7, 5, 4, 1]), (1, [1])])
def test_parameter_count(nin, nouts):
    sizes = [nin, *nouts]
    expected = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    assert len(nn.MLP(nin, nouts, seed=0).parameters()) == expected
    expected_no_bias = sum(a * b for a, b in itertools.pairwise(sizes))
    assert len(nn.MLP(nin, nouts, bias=False, seed=0).parameters()) == expected_no_bias


def test_zero_grad_clears_every_parameter():
    model = nn.MLP(2, [3, 1], seed=1)
    model([0.5, -0.25]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trip_and_errors_change_nothing():
    source, target = nn.MLP(3, [2, 2], seed=1), nn.MLP(3, [2, 2], seed=2)
    state = source.state_dict()
    before = target.state_dict()
    bad_cases = [
        (
            {k: v for k, v in state.items() if k != "layers.1.neurons.0.b"},
            ValueError,
            "missing 'layers.1.neurons.0.b'",
        ),
        ({**state, "layers.2.neurons.0.b": 0.0}, ValueError, "unexpected 'layers.2.neurons.0.b'"),
        (
            {**state, "layers.0.neurons.1.w.2": [0.1]},
            TypeError,
            r"state_dict\['layers.0.neurons.1.w.2'\] must be a number, got list",
        ),
        ({**state, "layers.0.neurons.0.w.0": float("nan")}, ValueError, "is nan"),
        ({**state, "layers.0.neurons.0.w.0": True}, TypeError, "must be a number, got bool"),
        ([1.0, 2.0], TypeError, "mapping"),
    ]
    for bad, error, message in bad_cases:
        with pytest.raises(error, match=message):
            target.load_state_dict(bad)
        assert target.state_dict() == before
    target.load_state_dict(state)
    assert target.state_dict() == state
    x = [0.3, -1.2, 2.0]
    assert [v.data for v in target(x)] == [v.data for v in source(x)]


# --- outputs of every activation -------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "linear", "softmax"])
def test_layer_outputs_for_each_activation(activation):
    layer = nn.Layer(3, 4, activation=activation, seed=3)
    x = [0.7, -0.2, 1.5]
    out = layer(x)
    assert isinstance(out, list) and len(out) == 4
    expected = forward_by_hand([layer.weights()], [layer.biases()], [activation], x)
    assert [v.data for v in out] == pytest.approx(expected, rel=1e-14, abs=1e-15)
    if activation == "softmax":
        assert math.fsum(v.data for v in out) == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "linear"])
def test_neuron_is_one_dot_node_then_its_activation(activation):
    neuron = nn.Neuron.from_weights([0.5, 0.2], bias=1.83, activation=activation)
    out = neuron([0.1, 0.3])
    s = out if activation == "linear" else out.parents[0]
    assert s.op.name == "dot"
    assert [p.label for p in s.parents] == ["x1", "w1", "x2", "w2", "b"]
    assert s.data == pytest.approx(
        1.94, rel=1e-15
    )  # seed 002: s = 0.1*0.5 + 0.3*0.2 + 1.83, printed 1.94
    expected = {"relu": 1.94, "sigmoid": sigmoid(1.94), "tanh": math.tanh(1.94), "linear": 1.94}
    assert out.data == pytest.approx(expected[activation], rel=1e-15)


def test_seed_002_single_neuron_matches_the_article():
    neuron = nn.Neuron.from_weights([0.5, 0.2], bias=1.83, activation="sigmoid")
    predicted = neuron([0.1, 0.3])
    error = nn.sse_half(predicted, 0.03)
    error.backward()
    assert round(predicted.data, 9) == 0.874352143
    assert round(error.data, 9) == 0.356465271
    assert round(neuron.w[0].grad, 9) == 0.009276093
    assert round(neuron.w[1].grad, 9) == 0.027828278
    # The article says ds/db = 0; it is 1, so dE/db = dE/ds (reference: 0.0927609255818).
    assert neuron.b.grad == pytest.approx(0.0927609255818, rel=1e-11)


def test_one_output_gives_a_value_several_give_a_list():
    assert isinstance(nn.MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    assert isinstance(nn.Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    out = nn.MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2


def test_default_activations_are_relu_hidden_and_linear_output():
    model = nn.MLP(2, [3, 3, 1], seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert nn.MLP(2, [3, 1], activations="tanh", seed=0).architecture()["activations"] == [
        "tanh",
        "tanh",
    ]


def test_inputs_may_be_values_and_keep_their_graph():
    x1, x2 = Value(0.5, "a"), Value(-1.0, "b")
    out = nn.Neuron.from_weights([2.0, 3.0], bias=0.25, activation="linear")([x1, x2])
    out.backward()
    assert (x1.grad, x2.grad) == (2.0, 3.0)
    assert [p.label for p in out.parents][:3] == ["a", "w1", "b"]


# --- the three layouts, on the articles' weights -----------------------------------------


def test_out_in_layout_seed_002_book_mlp():
    model = nn.MLP.from_weights(GAD_BOOK_WEIGHTS, activations="sigmoid")
    assert model.nouts == [7, 5, 4, 1] and model.nin == 3
    assert len(model.parameters()) == 3 * 7 + 7 * 5 + 5 * 4 + 4 * 1  # no biases
    assert all(name.split(".")[-2] == "w" for name, _ in model.named_parameters())
    for x in ([0.1, 0.4, 4.1], [0.2, 3.1, 1.7]):
        expected = forward_by_hand(GAD_BOOK_WEIGHTS, [None] * 4, ["sigmoid"] * 4, x)
        assert model(x).data == pytest.approx(expected[0], rel=1e-15)
    assert model.weights() == GAD_BOOK_WEIGHTS
    assert model.biases() == [None] * 4


def test_in_out_layout_seed_001_network(mp40):
    weights = [PRAKASH_WIJ, PRAKASH_WJK, PRAKASH_WKL]
    biases = [PRAKASH_BJ, PRAKASH_BK, PRAKASH_BL]
    x = [0.1, 0.2, 0.7]
    # The article's first two layers, printed h1 = [1.35, 1.27, 1.8]; h2_in exactly
    # [2.731, 2.76, 4.004] (the article prints 2.73, 2.76, 4.001).
    relu = nn.Layer.from_weights(PRAKASH_WIJ, PRAKASH_BJ, "relu", layout="in_out")
    h1 = [v.data for v in relu(x)]
    assert h1 == pytest.approx([1.35, 1.27, 1.8], rel=1e-15)
    h2_in = nn.Layer.from_weights(PRAKASH_WJK, PRAKASH_BK, "linear", layout="in_out")(h1)
    assert [v.data for v in h2_in] == pytest.approx([2.731, 2.76, 4.004], rel=1e-15)

    model = nn.MLP.from_weights(weights, biases, ["relu", "sigmoid", "softmax"], layout="in_out")
    h = [mpmath.mpf(v) for v in x]
    for w, b, f in zip(weights, biases, ["relu", "sigmoid", "softmax"]):
        s = [
            mpmath.mpf(b[j]) + mpmath.fsum(mpmath.mpf(w[i][j]) * h[i] for i in range(3))
            for j in range(3)
        ]
        if f == "relu":
            h = [max(v, 0) for v in s]
        elif f == "sigmoid":
            h = [1 / (1 + mpmath.exp(-v)) for v in s]
        else:
            total = mpmath.fsum(mpmath.exp(v) for v in s)
            h = [mpmath.exp(v) / total for v in s]
    assert [v.data for v in model(x)] == pytest.approx([float(v) for v in h], rel=1e-14)
    assert model.weights(layout="in_out") == weights
    assert model.biases() == biases


def test_bias_last_layout_brownlee_forward_test_is_bit_exact():
    model = nn.MLP.from_weights(
        [BROWNLEE_HIDDEN, BROWNLEE_OUTPUT], activations="sigmoid", layout="bias_last"
    )
    hidden = nn.Layer.from_weights(BROWNLEE_HIDDEN, activation="sigmoid", layout="bias_last")
    # Brownlee's forward_propagate(network, [1, 0]), printed to all 16-17 digits.
    assert hidden([1, 0]).data == 0.7105668883115941
    assert [v.data for v in model([1, 0])] == [0.6629970129852887, 0.7253160725279748]
    assert model.weights(layout="bias_last") == [BROWNLEE_HIDDEN, BROWNLEE_OUTPUT]


def test_the_same_network_in_every_layout_computes_the_same():
    base = nn.MLP(3, [4, 2], activations=["tanh", "softmax"], seed=4)
    x = [0.3, -0.6, 0.9]
    expected = [v.data for v in base(x)]
    for layout in nn.LAYOUTS:
        biases = None if layout == "bias_last" else base.biases()
        rebuilt = nn.MLP.from_weights(
            base.weights(layout=layout), biases, ["tanh", "softmax"], layout=layout
        )
        assert rebuilt.state_dict() == base.state_dict()
        assert [v.data for v in rebuilt(x)] == expected
    assert base.weights(layout="in_out")[0] == transpose(base.weights()[0])


def test_gradients_read_back_in_a_layout():
    model = nn.MLP.from_weights([PRAKASH_WIJ], [PRAKASH_BJ], "linear", layout="in_out")
    vsum(model([0.1, 0.2, 0.7])).backward()
    # d(sum_j s_j)/dW[i][j] = x_i in the row-vector layout; d/db_j = 1.
    assert model.weights(layout="in_out", grad=True) == [[[0.1] * 3, [0.2] * 3, [0.7] * 3]]
    assert model.biases(grad=True) == [[1.0, 1.0, 1.0]]


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module, name, n",
    [
        (nn.MLP(3, [2, 1], seed=0), "MLP", 3),
        (nn.Layer(3, 2, seed=0), "Layer", 3),
        (nn.Neuron(3, seed=0), "Neuron", 3),
    ],
)
def test_wrong_number_of_inputs(module, name, n):
    with pytest.raises(ValueError) as info:
        module([1.0, 2.0])
    assert str(info.value) == f"{name} expects {n} inputs, got 2"
    with pytest.raises(ValueError, match=f"{name} expects 3 inputs, got 4"):
        module([1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize("bad", ["a", None, [1.0], True, 1 + 2j])
def test_non_numeric_inputs_are_type_errors(bad):
    model = nn.MLP(3, [2, 1], seed=0)
    with pytest.raises(
        TypeError, match=r"MLP input x2 is a \w+ .*inputs must be numbers or Values"
    ):
        model([1.0, bad, 3.0])


@pytest.mark.parametrize("bad", [3.0, "abc", Value(1.0), None])
def test_a_non_sequence_is_a_type_error(bad):
    with pytest.raises(TypeError, match="MLP expects a sequence of 3 inputs"):
        nn.MLP(3, [1], seed=0)(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_inputs_are_refused(bad):
    with pytest.raises(ValueError, match="MLP input x1 is .*inputs must be finite"):
        nn.MLP(2, [1], seed=0)([bad, 1.0])


def test_numeric_inputs_of_other_types_are_accepted():
    from fractions import Fraction

    model = nn.MLP(2, [2, 1], seed=0)
    assert model((Fraction(1, 2), 3)).data == model([0.5, 3.0]).data


def test_wrong_shape_names_the_layer_and_both_shapes():
    bad = [
        GAD_BOOK_WEIGHTS[0],
        GAD_BOOK_WEIGHTS[2],
        GAD_BOOK_WEIGHTS[3],
    ]  # layer 1 reads 5 inputs, not 7
    with pytest.raises(ValueError) as info:
        nn.MLP.from_weights(bad, activations="sigmoid")
    message = str(info.value)
    assert "layer 1 (weights[1])" in message
    assert "expected shape is (4, 7)" in message and "got (4, 5)" in message

    with pytest.raises(
        ValueError, match=r"layer 2 .*'in_out'.*expected shape is \(3, 2\); got \(2, 2\)"
    ):
        nn.MLP.from_weights([PRAKASH_WIJ, PRAKASH_WJK, [[1.0, 2.0], [3.0, 4.0]]], layout="in_out")
    with pytest.raises(
        ValueError, match=r"layer 1 .*'bias_last'.*expected shape is \(2, 3\); got \(2, 2\)"
    ):
        nn.MLP.from_weights([BROWNLEE_INITIAL[0], BROWNLEE_OUTPUT], layout="bias_last")
    with pytest.raises(
        ValueError, match=r"layer 0 .*n_in = 2 \(given as nin\).*expected shape is \(7, 2\)"
    ):
        nn.MLP.from_weights(GAD_BOOK_WEIGHTS, nin=2)
    with pytest.raises(
        ValueError, match=r"Layer.from_weights: .*expected shape is \(3, 2\); got \(3, 3\)"
    ):
        nn.Layer.from_weights(PRAKASH_WIJ, layout="out_in", nin=2)


@pytest.mark.parametrize(
    "weights, biases, layout, error, message",
    [
        (
            [[[1.0, 2.0], [3.0]]],
            None,
            "out_in",
            ValueError,
            r"same, non-zero length; got lengths \[2, 1\]",
        ),
        ([[[1.0, "x"]]], None, "out_in", TypeError, r"entry \[0\]\[1\] must be a number, got str"),
        ([[[1.0, float("nan")]]], None, "out_in", ValueError, r"entry \[0\]\[1\] is nan"),
        ([[[1.0, 2.0]]], [[0.5, 0.5]], "out_in", ValueError, "expected 1 biases .*got 2"),
        ([[[1.0, 2.0]]], [[0.5], [0.5]], "out_in", ValueError, "one entry per layer"),
        ([[[1.0, 2.0]]], [[0.5]], "bias_last", ValueError, "pass no separate biases"),
        ([[[1.0]]], None, "bias_last", ValueError, "n_in weights and a bias"),
        ([[[1.0]]], None, "columns", ValueError, "layout must be one of"),
        ([], None, "out_in", TypeError, "non-empty list of matrices"),
        ([[]], None, "out_in", TypeError, "non-empty list of rows"),
        ([[1.0, 2.0]], None, "out_in", TypeError, "row 0 must be a list of numbers"),
    ],
)
def test_malformed_weights(weights, biases, layout, error, message):
    with pytest.raises(error, match=message):
        nn.MLP.from_weights(weights, biases, layout=layout)


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: nn.Neuron(3, activation="softmax"), ValueError, "not on a single Neuron"),
        (lambda: nn.Layer(3, 2, activation="gelu"), ValueError, "unknown activation 'gelu'"),
        (lambda: nn.MLP(3, [2, 1], activations=["relu"]), ValueError, "1 entries for 2 layers"),
        (lambda: nn.MLP(3, [2, 1], bias=[True]), ValueError, "1 entries for 2 layers"),
        (lambda: nn.MLP(3, [2, 1], bias="yes"), TypeError, "bias must be a bool"),
        (lambda: nn.MLP(0, [2]), ValueError, "nin must be a positive int, got 0"),
        (lambda: nn.MLP(2, [2, 0]), ValueError, r"nouts\[1\] must be a positive int, got 0"),
        (lambda: nn.MLP(2, []), TypeError, "non-empty list of layer sizes"),
        (lambda: nn.MLP(2.0, [1]), TypeError, "nin must be a positive int, got float"),
        (lambda: nn.Neuron(2, bias=1), TypeError, "bias must be True or False"),
    ],
)
def test_constructor_errors(build, error, message):
    with pytest.raises(error, match=message):
        build()


# --- gradients against finite differences ----------------------------------------------


def pre_activations(model, x):
    """Every neuron's sum, layer by layer, to keep finite differences away from relu's kink."""
    sums, h = [], x
    for layer in model.layers:
        linear = nn.Layer.from_weights(layer.weights(), layer.biases(), "linear")
        s = linear(h)
        s = s if isinstance(s, list) else [s]
        sums += [v.data for v in s]
        out = layer(h)
        h = [v.data for v in (out if isinstance(out, list) else [out])]
    return sums


def with_parameters(model, values):
    """Point the model's parameters at ``values`` (so gradcheck can vary them)."""
    values = iter(values)
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.w = [next(values) for _ in neuron.w]
            if neuron.b is not None:
                neuron.b = next(values)
    return model


@settings(max_examples=40, deadline=None)
@given(
    nin=st.integers(1, 3),
    nouts=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    activations=st.data(),
    bias=st.booleans(),
    seed=st.integers(0, 10**6),
    x=st.lists(st.floats(-2, 2), min_size=3, max_size=3),
)
def test_mlp_parameter_gradients_match_finite_differences(nin, nouts, activations, bias, seed, x):
    acts = [activations.draw(st.sampled_from(nn.ACTIVATIONS)) for _ in nouts]
    rng = random.Random(seed)
    sizes = [nin, *nouts]
    weights = [
        [[rng.uniform(-1, 1) for _ in range(a)] for _ in range(b)]
        for a, b in itertools.pairwise(sizes)
    ]
    biases = [[rng.uniform(-1, 1) for _ in range(b)] for b in nouts] if bias else None
    model = nn.MLP.from_weights(weights, biases, acts)
    x = x[:nin]
    assume(all(abs(s) > 1e-3 for s in pre_activations(model, x)))
    weights_out = [rng.uniform(-1, 1) for _ in range(nouts[-1])]

    def f(*params):
        out = with_parameters(model, params)(x)
        outs = out if isinstance(out, list) else [out]
        return vsum(w * o for w, o in zip(weights_out, outs))

    result = gradcheck(f, [p.data for p in model.parameters()], rtol=1e-5, atol=1e-7)
    assert result, str(result)


def test_gradcheck_of_the_book_mlp_sees_every_parameter():
    model = nn.MLP.from_weights(GAD_BOOK_WEIGHTS, activations="sigmoid")
    x = [0.1, 0.4, 4.1]

    def error(*params):
        return nn.mse(with_parameters(model, params)(x), 0.2)

    result = gradcheck(error, [p.data for p in model.parameters()], rtol=1e-5, atol=1e-9)
    assert result, str(result)
    assert len(result.rows) == 80
    assert all(row.analytic != 0.0 for row in result.rows)
