"""fit(compiled=True) trains bit for bit as fit(compiled=False): same losses, weights, gradients.

Two moons with max-margin, an L2 penalty, a schedule and a last batch of another size; the
wheat seeds with a softmax-free 7-5-3 network under cross-entropy (class indices) and
under Brownlee's half squared error with one-hot targets; seed 002's neuron; every
optimizer. Each is trained twice from the same initial weights and compared float by float.
"""

from __future__ import annotations

import struct

import pytest

import nn
from autograd_lite import ArgumentError, ArgumentTypeError


def bits(xs) -> list[bytes]:
    return [struct.pack("<d", float(x)) for x in xs]


def trained(make, compiled, **kwargs):
    model, optimizer, xs, ys = make()
    history = nn.fit(
        model, xs, ys, optimizer=optimizer, compiled=compiled, progress=False, **kwargs
    )
    return model, optimizer, history


def assert_same_training(make, **kwargs):
    m1, o1, h1 = trained(make, False, **kwargs)
    m2, o2, h2 = trained(make, True, **kwargs)
    assert bits(h1.loss) == bits(h2.loss)
    assert h1.accuracy == h2.accuracy
    assert bits(p.data for p in m1.parameters()) == bits(p.data for p in m2.parameters())
    assert bits(p.grad for p in m1.parameters()) == bits(p.grad for p in m2.parameters())
    for name in ("momentum_buffer", "square_avg", "grad_avg", "exp_avg", "exp_avg_sq"):
        if hasattr(o1, name):
            a = [0.0 if v is None else v for v in getattr(o1, name)]
            b = [0.0 if v is None else v for v in getattr(o2, name)]
            assert bits(a) == bits(b), name
    return h2


def moons(optimizer=lambda params: nn.SGD(params, lr=0.5)):
    def make():
        xs, ys = nn.datasets.make_moons(60, noise=0.1, seed=1, labels=(-1, 1))
        model = nn.MLP(2, [8, 8, 1], seed=0)
        return model, optimizer(model.parameters()), xs, ys

    return make


def test_two_moons_max_margin_with_penalty_schedule_and_a_short_last_batch():
    history = assert_same_training(
        moons(),
        loss="max_margin",
        epochs=6,
        batch_size=25,
        seed=3,
        penalty=lambda m: nn.l2_penalty(m.parameters(), 1e-4),
        lr_schedule=lambda k: 1.0 - 0.9 * k / 20,
    )
    assert history.accuracy[-1] > 0.5


@pytest.mark.parametrize(
    "optimizer",
    [
        lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3, nesterov=True),
        lambda ps: nn.SGD(ps, lr=0.1, momentum=0.5, dampening=0.1),
        lambda ps: nn.RMSprop(ps, lr=0.01, centered=True, momentum=0.3, weight_decay=1e-4),
        lambda ps: nn.RMSprop(ps, lr=0.01),
        lambda ps: nn.Adam(ps, lr=0.01, weight_decay=1e-3),
    ],
)
def test_every_optimizer_moves_the_weights_the_same(optimizer):
    assert_same_training(moons(optimizer), loss="mse", epochs=3, batch_size=16, seed=0)


def seeds(layout_loss):
    data = nn.datasets.wheat_seeds(normalize=True)

    def make():
        model = nn.MLP(7, [5, 3], activations=["sigmoid", "linear"], seed=4)
        xs = [list(x) for x in data.features]
        if layout_loss == "cross_entropy":
            ys = [int(y) for y in data.labels]
        else:
            ys = [[1.0 if k == int(y) else 0.0 for k in range(3)] for y in data.labels]
        return model, nn.SGD(model.parameters(), lr=0.3), xs, ys

    return make


def test_wheat_seeds_cross_entropy_with_class_indices():
    assert_same_training(
        seeds("cross_entropy"), loss="cross_entropy", epochs=2, batch_size=10, seed=1
    )


def test_wheat_seeds_per_row_sgd_on_half_squared_error_as_brownlee():
    assert_same_training(seeds("sse_half"), loss="sse_half", epochs=2, batch_size=1, shuffle=False)


def test_seed002_neuron():
    def make():
        model = nn.MLP.from_weights([[[0.5, 0.2]]], [[1.83]], activations="sigmoid")
        return model, nn.SGD(model.parameters(), lr=0.5), [[0.1, 0.3]], [0.03]

    assert_same_training(make, loss="sse_half", epochs=50)


def test_cross_entropy_probability_targets_are_refused():
    model = nn.MLP(2, [4, 3], seed=2)
    xs = [[0.1 * i, -0.2 * i] for i in range(12)]
    ys = [[0.2, 0.8, 0.0] if i % 2 else [0.0, 0.0, 1.0] for i in range(12)]
    with pytest.raises(ArgumentError, match="class indices"):
        nn.fit(
            model,
            xs,
            ys,
            loss="cross_entropy",
            optimizer=nn.Adam(model.parameters()),
            compiled=True,
            progress=False,
        )


def test_losses_that_branch_in_python_are_refused():
    model, optimizer, xs, ys = moons()()
    ys01 = [(y + 1) / 2 for y in ys]
    with pytest.raises(ArgumentError, match="binary_cross_entropy_with_logits"):
        nn.fit(
            model,
            xs,
            ys01,
            loss="binary_cross_entropy_with_logits",
            optimizer=optimizer,
            compiled=True,
            progress=False,
        )
    with pytest.raises(ArgumentTypeError, match="compiled"):
        nn.fit(model, xs, ys, loss="mse", optimizer=optimizer, compiled="yes", progress=False)


def test_a_bad_target_or_example_is_named_as_in_a_normal_fit():
    model, optimizer, xs, ys = moons()()
    bad = list(ys)
    bad[30] = 0.5
    with pytest.raises(ArgumentError, match="max_margin: target 0 is 0.5"):
        nn.fit(
            model, xs, bad, loss="max_margin", optimizer=optimizer, compiled=True, progress=False
        )
    rows = [list(x) for x in xs]
    rows[7] = [1.0, 2.0, 3.0]
    with pytest.raises(ArgumentError, match="expects 2 inputs, got 3"):
        nn.fit(model, rows, ys, loss="mse", optimizer=optimizer, compiled=True, progress=False)


def test_on_epoch_sees_the_weights_of_that_epoch():
    seen = {False: [], True: []}
    for compiled in (False, True):
        model, optimizer, xs, ys = moons()()
        nn.fit(
            model,
            xs,
            ys,
            loss="mse",
            optimizer=optimizer,
            epochs=3,
            seed=5,
            compiled=compiled,
            progress=False,
            on_epoch=lambda e, m=model, c=compiled: seen[c].append(
                (e, [p.data for p in m.parameters()])
            ),
        )
    assert [e for e, _ in seen[True]] == [1, 2, 3]
    assert [bits(w) for _, w in seen[True]] == [bits(w) for _, w in seen[False]]


@pytest.mark.parametrize("batch_size", [1, 7])
def test_a_step_that_overflows_raises_what_the_normal_fit_raises(batch_size):
    from autograd_lite import AutogradError

    errors = {}
    for compiled in (False, True):
        model, _, xs, ys = moons()()
        optimizer = nn.SGD(model.parameters(), lr=1e170)  # the second step's sums overflow
        with pytest.raises(AutogradError) as caught:
            nn.fit(
                model,
                xs,
                ys,
                loss="mse",
                optimizer=optimizer,
                epochs=3,
                batch_size=batch_size,
                shuffle=False,
                compiled=compiled,
                progress=False,
            )
        errors[compiled] = caught.value
    assert type(errors[True]) is type(errors[False])
    assert str(errors[True]) == str(errors[False])


def test_a_model_rebuilt_during_a_compiled_fit_is_refused_and_data_set_in_on_epoch_is_kept():
    model, optimizer, xs, ys = moons()()

    def grow(epoch):
        if epoch == 2:
            model.layers[0].neurons[0].w[0] = nn.Neuron(1, seed=0).w[0]  # a new parameter

    with pytest.raises(ArgumentError, match="parameters changed during training"):
        nn.fit(
            model,
            xs,
            ys,
            loss="mse",
            optimizer=optimizer,
            epochs=4,
            compiled=True,
            progress=False,
            on_epoch=grow,
        )
    runs = {}
    for compiled in (False, True):
        model, optimizer, xs, ys = moons()()

        def clip(epoch, model=model):
            for p in model.parameters():
                p.data = max(-0.5, min(0.5, p.data))

        nn.fit(
            model,
            xs,
            ys,
            loss="mse",
            optimizer=optimizer,
            epochs=3,
            seed=1,
            compiled=compiled,
            progress=False,
            on_epoch=clip,
        )
        runs[compiled] = [p.data for p in model.parameters()]
    assert bits(runs[True]) == bits(runs[False])


def test_an_optimizer_of_another_class_steps_on_the_values_themselves():
    class HalvedSGD(nn.SGD):
        """Not one of nn's classes: the compiled fit calls its own step()."""

        def step(self):
            for p in self.params:
                p.data -= 0.5 * self.lr * p.grad

    assert_same_training(
        moons(lambda ps: HalvedSGD(ps, lr=0.2)), loss="max_margin", epochs=3, batch_size=20, seed=4
    )


def test_an_optimizer_holding_a_subset_of_the_parameters():
    def make():
        model, _, xs, ys = moons()()
        return model, nn.Adam(model.parameters()[::2], lr=0.05), xs, ys

    assert_same_training(make, loss="mse", epochs=3, batch_size=15, seed=2)
