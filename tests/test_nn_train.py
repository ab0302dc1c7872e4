"""nn.fit and nn.evaluate: micrograd's two-moons demo, Brownlee's printed training run, batches.

The moons test is a fixed budget (100 full-batch steps, micrograd's schedule and loss);
it asserts the result, never the time taken.
"""

import math

import pytest

import nn
from autograd_lite import Value
from tests.reference import reference

# Brownlee's contrived data set, the random.seed(1) 2-2-2 network (bias last in each row),
# the epoch errors printed for 20 epochs at l_rate 0.5, and the final weights, from the
# reference file (brownlee_backprop_from_scratch).
BROWNLEE = reference("brownlee_backprop_from_scratch")
BROWNLEE_INITIAL = BROWNLEE["initial_parameters"]["training_initial_weights(seed 1, 2-2-2)"]
BROWNLEE_DATA = BROWNLEE["inputs"]["contrived_dataset"]
BROWNLEE_EPOCH_SSE = BROWNLEE["expected"]["train.epoch_sse"]["published"]
BROWNLEE_FINAL = BROWNLEE["expected"]["train.final_weights"]["published"]


def micrograd_demo(model, xs, ys, steps, progress=False):
    optimizer = nn.SGD(model.parameters(), lr=1.0)
    return nn.fit(
        model,
        xs,
        ys,
        loss="max_margin",
        optimizer=optimizer,
        epochs=steps,
        penalty=lambda m: nn.l2_penalty(m.parameters(), 1e-4),
        lr_schedule=lambda k: 1.0 - 0.9 * k / 100,
        seed=0,
        progress=progress,
    )


def test_mlp_reaches_full_accuracy_on_two_moons_within_100_steps():
    xs, ys = nn.datasets.make_moons(100, noise=0.1, seed=1, labels=(-1, 1))
    model = nn.MLP(2, [16, 16, 1], seed=0)
    history = micrograd_demo(model, xs, ys, steps=100)
    assert len(history.loss) == len(history.accuracy) == 100
    assert history.accuracy[0] < 0.9
    assert 1.0 in history.accuracy
    assert history.loss[-1] < history.loss[0] / 10
    final = nn.evaluate(model, xs, ys, loss="max_margin")
    assert final.accuracy == 1.0
    scores = [model(x).data for x in xs]
    assert all((s > 0) == (y > 0) for s, y in zip(scores, ys))


def test_brownlee_contrived_training_reproduces_the_printed_run():
    model = nn.MLP.from_weights(BROWNLEE_INITIAL, activations="sigmoid", layout="bias_last")
    xs = [row[:2] for row in BROWNLEE_DATA]
    one_hot = [[1.0 if k == row[2] else 0.0 for k in range(2)] for row in BROWNLEE_DATA]
    history = nn.fit(
        model,
        xs,
        one_hot,
        loss="sse_half",
        optimizer=nn.SGD(model.parameters(), lr=0.5),
        epochs=20,
        batch_size=1,
        shuffle=False,
        progress=False,
    )
    # Brownlee prints sum over rows of sum (expected - output)^2, before each row's update:
    # twice the sum of the per-row sse_half losses, i.e. 2 * 10 * the epoch's mean loss.
    assert [round(2 * len(xs) * loss, 3) for loss in history.loss] == BROWNLEE_EPOCH_SSE
    final = model.weights(layout="bias_last")
    for layer, expected_layer in zip(final, BROWNLEE_FINAL):
        for row, expected_row in zip(layer, expected_layer):
            assert row == pytest.approx(expected_row, rel=0, abs=1e-12)
    assert history.accuracy is None  # sse_half is a regression loss
    predictions = [max(range(2), key=lambda k: model(x)[k].data) for x in xs]
    assert predictions == [row[2] for row in BROWNLEE_DATA]


def test_the_gradient_of_a_batch_mean_is_the_mean_of_the_gradients():
    """Seed 003's point, on seed 002's neuron and the reference file's two examples."""
    examples = [([0.1, 0.3], 0.03), ([0.1, 0.4], 0.7)]

    def neuron():
        return nn.Neuron.from_weights([0.5, 0.2], bias=1.83, activation="sigmoid")

    per_example = []
    for x, d in examples:
        single = neuron()
        nn.sse_half(single(x), d).backward()
        per_example.append([p.grad for p in single.parameters()])
    mean = [math.fsum(g) / 2 for g in zip(*per_example)]

    model = neuron()
    before = [p.data for p in model.parameters()]
    nn.fit(
        model,
        [x for x, _ in examples],
        [d for _, d in examples],
        loss="sse_half",
        optimizer=nn.SGD(model.parameters(), lr=1.0),
        progress=False,
    )
    step = [b - p.data for b, p in zip(before, model.parameters())]
    assert step == pytest.approx(mean, rel=1e-14)
    assert mean != pytest.approx(per_example[0]) and mean != pytest.approx(per_example[1])


def test_history_loss_is_the_mean_loss_before_each_update():
    model = nn.Neuron.from_weights([0.5, 0.2], bias=1.83, activation="sigmoid")
    xs, ys = [[0.1, 0.3], [0.1, 0.4]], [0.03, 0.7]
    expected = math.fsum(nn.sse_half(model(x), y).data for x, y in zip(xs, ys)) / 2
    history = nn.fit(
        model, xs, ys, loss="sse_half", optimizer=nn.SGD(model.parameters(), lr=0.1), progress=False
    )
    assert history.loss == [pytest.approx(expected, rel=1e-15)]


def test_shuffling_is_reproducible_from_the_seed():
    xs, ys = nn.datasets.make_moons(20, noise=0.2, seed=3)

    def train(seed):
        model = nn.MLP(2, [4, 1], activations=["tanh", "sigmoid"], seed=0)
        nn.fit(
            model,
            xs,
            ys,
            loss="binary_cross_entropy",
            optimizer=nn.SGD(model.parameters(), lr=0.5),
            epochs=3,
            batch_size=4,
            seed=seed,
            progress=False,
        )
        return model.state_dict()

    assert train(7) == train(7)
    assert train(7) != train(8)


def test_progress_bar_shows_epoch_loss_and_speed(capsys):
    xs, ys = nn.datasets.make_moons(10, seed=0, labels=(-1, 1))
    micrograd_demo(nn.MLP(2, [4, 1], seed=0), xs, ys, steps=3, progress=True)
    err = capsys.readouterr().err
    assert "fit" in err and "3/3" in err and "epoch/s" in err and "loss=" in err and "acc=" in err


def test_progress_false_is_silent(capsys):
    xs, ys = nn.datasets.make_moons(10, seed=0, labels=(-1, 1))
    micrograd_demo(nn.MLP(2, [4, 1], seed=0), xs, ys, steps=3, progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_lr_schedule_sees_every_step_number():
    seen = []
    model = nn.Neuron(1, activation="linear", seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    nn.fit(
        model,
        [[1.0], [2.0], [3.0]],
        [1.0, 2.0, 3.0],
        loss="mse",
        optimizer=optimizer,
        epochs=2,
        batch_size=2,
        lr_schedule=lambda k: seen.append(k) or 0.01 * (k + 1),
        progress=False,
    )
    assert seen == [0, 1, 2, 3]
    assert optimizer.lr == 0.04


def test_cross_entropy_accuracy_uses_the_argmax():
    model = nn.Layer.from_weights([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "linear")
    xs, ys = [[2.0, 1.0], [0.0, 3.0], [1.0, 0.5]], [0, 1, 1]
    result = nn.evaluate(model, xs, ys, loss="cross_entropy")
    assert result.accuracy == pytest.approx(2 / 3)
    expected = [math.log(math.exp(a) + math.exp(b)) - (a, b)[y] for (a, b), y in zip(xs, ys)]
    assert result.loss == pytest.approx(math.fsum(expected) / 3, rel=1e-14)


def test_accuracy_rules_for_each_classification_loss():
    xs = [[1.0], [-1.0]]
    logit = nn.Neuron.from_weights([2.0], 0.0, "linear")
    probability = nn.Neuron.from_weights([2.0], 0.0, "sigmoid")
    assert nn.evaluate(logit, xs, [1, -1], loss="max_margin").accuracy == 1.0
    assert nn.evaluate(logit, xs, [-1, -1], loss="max_margin").accuracy == 0.5
    assert nn.evaluate(logit, xs, [1, 0], loss="binary_cross_entropy_with_logits").accuracy == 1.0
    assert nn.evaluate(probability, xs, [0, 0], loss="binary_cross_entropy").accuracy == 0.5
    assert nn.evaluate(logit, xs, [1.0, -1.0], loss="mse").accuracy is None
    custom = nn.evaluate(logit, xs, [0, 0], accuracy=lambda p, y: p.data < 0)
    assert custom == nn.Evaluation(loss=None, accuracy=0.5)


def test_evaluate_records_no_graph_and_leaves_gradients_alone():
    model = nn.MLP(2, [3, 1], seed=0)
    for p in model.parameters():
        p.grad = 0.5
    nn.evaluate(model, [[0.1, 0.2]], [1], loss="max_margin")
    assert all(p.grad == 0.5 for p in model.parameters())


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"ys": [1.0]}, ValueError, "got 2 examples but 1 targets"),
        ({"xs": [], "ys": []}, ValueError, "no examples"),
        ({"epochs": 0}, ValueError, "epochs must be a positive int, got 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive int, got 0"),
        ({"loss": "hinge"}, ValueError, "unknown loss 'hinge'"),
        ({"loss": 3}, TypeError, "loss must be a loss name or a function"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must have a step"),
        ({"accuracy": "yes"}, TypeError, "accuracy must be 'auto', None or a function"),
    ],
)
def test_fit_argument_errors(kwargs, error, message):
    model = nn.Neuron(1, seed=0)
    arguments = {
        "xs": [[1.0], [2.0]],
        "ys": [1.0, 2.0],
        "loss": "mse",
        "optimizer": nn.SGD(model.parameters(), lr=0.1),
        "progress": False,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        nn.fit(model, arguments.pop("xs"), arguments.pop("ys"), **arguments)


def test_a_custom_loss_function_is_used_per_example():
    calls = []

    def absolute(prediction, target):
        calls.append(target)
        return (prediction - target).relu() + (target - prediction).relu()

    model = nn.Neuron.from_weights([1.0], 0.0, "linear")
    history = nn.fit(
        model,
        [[1.0], [2.0]],
        [Value(0.0).data, 4.0],
        loss=absolute,
        optimizer=nn.SGD(model.parameters(), lr=0.1),
        shuffle=False,
        progress=False,
    )
    assert calls == [0.0, 4.0]
    assert history.loss == [1.5] and history.accuracy is None


@pytest.mark.parametrize("collecting", [True, False])
def test_fit_pauses_the_garbage_collector_and_restores_it_as_it_was(collecting):
    import gc

    model = nn.MLP(1, [1], seed=0)
    seen = []
    (gc.enable if collecting else gc.disable)()
    try:
        nn.fit(
            model, [[0.5]], [1.0], loss="mse", optimizer=nn.SGD(model.parameters(), lr=0.1),
            epochs=2, progress=False, on_epoch=lambda epoch: seen.append(gc.isenabled()),
        )  # fmt: skip
        assert seen == [False, False] and gc.isenabled() is collecting
        with pytest.raises(ValueError, match="stop"):
            nn.fit(
                model, [[0.5]], [1.0], loss="mse", optimizer=nn.SGD(model.parameters(), lr=0.1),
                progress=False, on_epoch=lambda epoch: int("stop"),
            )  # fmt: skip
        assert gc.isenabled() is collecting
    finally:
        gc.enable()
