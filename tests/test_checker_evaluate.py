"""The checker's evaluator: exact math, finite differences, a hand-done 2-2-1 step, engine errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, example, given, settings

from autograd_lite import ExampleFileError
from nn.examples.checker.computation import Binary, Call, Computation, Name, Number, Training
from nn.examples.checker.evaluate import evaluate, forward_graph
from tests.checker_builders import (
    MAZUR,
    PARAMETERS_221,
    network_221,
    printed,
    random_computation,
    reference,
    reference_steps,
    step,
)
from tests.numeric import central_difference

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def with_printed(computation: Computation, keys) -> Computation:
    return Computation(
        computation.title,
        computation.source,
        computation.values,
        computation.steps,
        tuple(printed(key) for key in keys),
        computation.training,
    )


@SETTINGS
@given(random_computation())
def test_values_are_the_plain_float_math(computation):
    names = list(computation.values) + [s.name for s in computation.steps]
    computed = evaluate(with_printed(computation, names))
    expected = reference_steps(computation, computation.values)
    for name in names:
        assert computed[name] == pytest.approx(expected[name], rel=1e-9, abs=1e-12), name


@SETTINGS
@given(random_computation())
def test_derivatives_are_finite_differences_through_leaves_and_steps(computation):
    steps = [s.name for s in computation.steps]
    names = list(computation.values) + steps
    keys = [f"d{a}/d{b}" for a in steps for b in names[: names.index(a) + 1]]
    computed = evaluate(with_printed(computation, keys))
    for key in keys:
        of, wrt = key[1:].split("/d")

        def moved(x, of=of, wrt=wrt):
            if wrt in computation.values:
                return reference_steps(computation, computation.values | {wrt: x})[of]
            return reference_steps(computation, computation.values, forced=(wrt, x))[of]

        start = reference_steps(computation, computation.values)[wrt]
        expected = central_difference(moved, start)
        assert computed[key] == pytest.approx(expected, rel=1e-5, abs=1e-6), key


DIVERGING = Computation(  # ((a0 + a0)**2)**2 from 1.5 at rate 0.125: 1e16 in three steps
    "random",
    "hypothesis",
    {"a0": 1.5, "a1": 0.0},
    (
        step(
            "s0",
            Binary("**", Binary("**", Binary("+", Name("a0"), Name("a0")), Number(2)), Number(2)),
        ),
    ),
    (),
    Training("s0", 0.125, ("a0",), 3),
)


@SETTINGS
@given(random_computation(training=True))
@example(DIVERGING)
def test_training_is_gradient_descent_on_finite_difference_gradients(computation):
    training = computation.training
    loss = training.loss
    keys = [f"{p}@{k}" for p in training.parameters for k in (1, 2, 3)] + [f"{loss}@3"]
    computed = evaluate(with_printed(computation, keys))
    leaves = dict(computation.values)
    for k in (1, 2, 3):
        # Each step from the checker's own previous parameters: a training that diverges
        # (to 1e16 in three steps) would otherwise compound the differences' rounding.
        gradient = {
            p: central_difference(
                lambda x, p=p, at=dict(leaves): reference_steps(computation, at | {p: x})[loss],
                leaves[p],
                h=relative_step,
            )
            for p in training.parameters
        }
        for p in training.parameters:
            expected = leaves[p] - training.learning_rate * gradient[p]
            assert computed[f"{p}@{k}"] == pytest.approx(expected, rel=1e-7, abs=1e-8)
        leaves |= {p: computed[f"{p}@{k}"] for p in training.parameters}
    assert computed[f"{loss}@3"] == pytest.approx(
        reference_steps(computation, leaves)[loss], rel=1e-6, abs=1e-8
    )


def relative_step(x: float) -> float:
    """1e-6, or 1e-6 of x past 1: at x = 1e5 an absolute 1e-6 is lost in f's rounding."""
    return 1e-6 * max(1.0, abs(x))


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_a_hand_done_221_network_step():
    v = MAZUR
    h1 = sig(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b1"])
    h2 = sig(v["w3"] * v["x1"] + v["w4"] * v["x2"] + v["b2"])
    y = sig(v["w5"] * h1 + v["w6"] * h2 + v["b3"])
    delta = (y - v["t"]) * y * (1 - y)  # dE/dz3
    by_hand = {
        "h1": h1,
        "y": y,
        "E": 0.5 * (v["t"] - y) ** 2,
        "dE/dw5": delta * h1,
        "dE/db3": delta,
        "dE/dh1": delta * v["w5"],
        "dE/dw1": delta * v["w5"] * h1 * (1 - h1) * v["x1"],
        "dE/dw4": delta * v["w6"] * h2 * (1 - h2) * v["x2"],
        "dy/dz1": y * (1 - y) * v["w5"] * h1 * (1 - h1),
    }
    gradients = {
        "w1": by_hand["dE/dw1"],
        "w2": delta * v["w5"] * h1 * (1 - h1) * v["x2"],
        "w3": delta * v["w6"] * h2 * (1 - h2) * v["x1"],
        "w4": by_hand["dE/dw4"],
        "b1": delta * v["w5"] * h1 * (1 - h1),
        "b2": delta * v["w6"] * h2 * (1 - h2),
        "w5": delta * h1,
        "w6": delta * h2,
        "b3": delta,
    }
    after = {p: v[p] - 0.5 * gradients[p] for p in PARAMETERS_221}
    u = v | after
    h1u = sig(u["w1"] * u["x1"] + u["w2"] * u["x2"] + u["b1"])
    h2u = sig(u["w3"] * u["x1"] + u["w4"] * u["x2"] + u["b2"])
    yu = sig(u["w5"] * h1u + u["w6"] * h2u + u["b3"])
    by_hand |= {f"{p}@1": after[p] for p in PARAMETERS_221}
    by_hand |= {"h1@1": h1u, "y@1": yu, "E@1": 0.5 * (u["t"] - yu) ** 2, "x1@1": v["x1"]}
    computed = evaluate(network_221(MAZUR, [printed(key) for key in by_hand]))
    assert set(computed) == set(by_hand)
    for key, value in by_hand.items():
        assert computed[key] == pytest.approx(value, rel=1e-12), key
    assert computed["dE/dw5"] == pytest.approx(0.082167041, abs=1e-9)  # Mazur's printed number


def test_one_run_records_every_k_asked_for():
    keys = ["E@0", "E@1", "E@7", "w5@7", "E@10"]
    computed = evaluate(network_221(MAZUR, [printed(key) for key in keys]))
    step_by_step = [
        evaluate(network_221(MAZUR, [printed(f"E@{k}")]))[f"E@{k}"] for k in (0, 1, 7, 10)
    ]
    assert [computed[k] for k in ("E@0", "E@1", "E@7", "E@10")] == step_by_step
    assert step_by_step[0] > step_by_step[1] > step_by_step[2] > step_by_step[3]


def test_forward_graph_labels_every_name_after_the_loss_backward():
    computation = network_221(MAZUR, [printed("dE/dw1"), printed("dE/dh2")])
    graph = forward_graph(computation)
    names = list(MAZUR) + [s.name for s in computation.steps]
    assert list(graph) == names
    assert all(graph[name].label == name for name in names)
    computed = evaluate(computation)
    assert graph["w1"].grad == pytest.approx(computed["dE/dw1"], rel=1e-12)
    assert graph["h2"].grad == pytest.approx(computed["dE/dh2"], rel=1e-12)
    assert graph["E"].data == pytest.approx(
        reference(computation.steps[-1].expression, {"t": MAZUR["t"], "y": graph["y"].data})
    )


def test_a_step_that_only_names_another_is_a_node_of_its_own():
    computation = Computation(
        "alias",
        "test",
        {"a": 2.0},
        (step("b", Name("a")), step("c", Name("b"))),
        (printed("c"), printed("dc/da"), printed("dc/db")),
    )
    assert evaluate(computation) == {"c": 2.0, "dc/da": 1.0, "dc/db": 1.0}
    graph = forward_graph(computation)
    assert graph["a"] is not graph["b"] and graph["b"].label == "b"


@pytest.mark.parametrize(
    ("expression", "engine_words"),
    [
        (Call("log", (Name("a"),)), "log"),
        (Call("exp", (Number(1000.0),)), "exp"),
    ],
)
def test_an_engine_error_names_the_step_its_line_and_the_engine_message(expression, engine_words):
    computation = Computation(
        "bad",
        "test",
        {"a": -1.0},
        (step("s", Name("a"), 3), step("bad", expression, 4)),
        (printed("bad"),),
        path="slides.toml",
    )
    with pytest.raises(ExampleFileError) as caught:
        evaluate(computation)
    message = str(caught.value)
    assert "slides.toml" in message and "line 4" in message and "bad" in message
    assert engine_words in message
    with pytest.raises(ExampleFileError, match="line 4"):
        forward_graph(computation)


def test_training_that_overflows_names_the_update_and_the_step():
    computation = Computation(
        "diverges",
        "test",
        {"a": 1.0},
        (step("s", Binary("**", Name("a"), Number(2)), 2),),
        (printed("s@2"),),
        Training("s", 1e200, ("a",), 2),
        path="homework.toml",
    )
    with pytest.raises(ExampleFileError) as caught:
        evaluate(computation)
    message = str(caught.value)
    assert "homework.toml" in message and "line 2" in message and "s = " in message
    assert "after 1 update" in message
