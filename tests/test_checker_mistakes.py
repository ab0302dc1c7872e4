"""The mistake models: each injected into many random small networks is named by ``explain``.

A mistake is injected by re-running the computation with it (``rerun``) and printing the
re-run's numbers at a few digits; the checker must name the model for every printed
number the mistake made wrong, and give no explanation to a number printed right.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nn.examples.checker import explanations
from nn.examples.checker.carried import interval_points
from nn.examples.checker.chain_rule import activation_as_one, activation_at_output
from nn.examples.checker.computation import Binary, Call, Computation, Name, Number, Training
from nn.examples.checker.evaluate import evaluate
from nn.examples.checker.file_format import load
from nn.examples.checker.layers import parameter_layers
from nn.examples.checker.mistake_models import SPECIFICITY
from nn.examples.checker.mistakes import dependency_key, explain
from nn.examples.checker.plan import Query, compile_computation
from nn.examples.checker.rerun import NO_MISTAKE, Mistake, rerun
from nn.examples.report import agreement
from tests.checker_builders import (
    MAZUR,
    linear,
    network_221,
    printed,
    random_computation,
    random_network,
    sigmoid,
    squared_error,
    step,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def shown(value: float, digits: int) -> str:
    """The value as an article prints it, to ``digits`` significant digits."""
    text = f"{value:.{digits}g}"
    return text if any(c in text for c in ".e") else text + ".0"


def with_printed(computation: Computation, texts: dict[str, str]) -> Computation:
    return Computation(
        computation.title,
        computation.source,
        computation.values,
        computation.steps,
        tuple(printed(key, text) for key, text in texts.items()),
        computation.training,
        batch_size=computation.batch_size,
        outputs=computation.outputs,
    )


def check(computation: Computation):
    computed = evaluate(computation)
    agreements = {p.key: agreement(p.text, computed[p.key]) for p in computation.printed}
    return computed, agreements, explain(computation, computed, agreements)


def injected(computation, mistake, wrong_keys, right_keys, digits=6, shift=0):
    """The computation with ``wrong_keys`` printed from the mistaken re-run, the rest right."""
    plan = compile_computation(computation)
    queries = [printed(k) for k in wrong_keys]
    values = rerun(plan, mistake, [Query(p.of, p.wrt, p.after + shift) for p in queries])
    texts = {k: shown(v, digits) for k, v in zip(wrong_keys, values)}
    right = evaluate(with_printed(computation, {k: "0" for k in right_keys}))
    texts |= {k: shown(right[k], 9) for k in right_keys if k not in texts}
    return with_printed(computation, texts)


def assert_named(computation, wrong_keys, right_keys, model, detail="", drawn=True):
    """Every wrong key that is a MISMATCH is explained by ``model``; right keys by nothing."""
    _, agreements, found = check(computation)
    mismatched = [k for k in wrong_keys if agreements[k] == "MISMATCH"]
    if drawn:
        assume(mismatched)  # a mistake that changes no printed digit proves nothing
    else:
        assert mismatched
    for key in mismatched:
        named = [(e.model, e.detail) for e in found.by_quantity[key]]
        assert any(m == model and detail in d for m, d in named), (key, named, found.skipped)
        for e in found.by_quantity[key]:
            text = {p.key: p.text for p in computation.printed}[key]
            assert agreement(text, e.value) != "MISMATCH"
    for key in right_keys:
        if key not in wrong_keys:
            assert agreements[key] != "MISMATCH", key
            assert key not in found.by_quantity, key
    assert set(found.by_quantity) == {k for k, a in agreements.items() if a == "MISMATCH"}
    return found


def keys_for(network: Computation, draw) -> tuple[list[str], list[str]]:
    parameter = draw(st.sampled_from(network.training.parameters))
    wrong = [f"dE/d{parameter}", f"{parameter}@1", "E@2"]
    return wrong, ["E", f"dE/d{network.steps[-2].name}"]


# --- no mistake --------------------------------------------------------------------------


@SETTINGS
@given(st.one_of(random_network(), random_computation(training=True)), st.data())
def test_a_rerun_without_mistake_is_the_evaluator(computation, data):
    names = list(computation.values) + [s.name for s in computation.steps]
    loss = computation.training.loss
    keys = [f"{n}@{k}" for n in names for k in (0, 2)] + [f"d{loss}/d{n}@1" for n in names]
    expected = evaluate(with_printed(computation, {k: "0" for k in keys}))
    plan = compile_computation(computation)
    again = rerun(plan, NO_MISTAKE, [Query.of_printed(printed(k)) for k in keys])
    for key, value in zip(keys, again):
        assert value == pytest.approx(expected[key], rel=1e-9, abs=1e-12), key


@SETTINGS
@given(random_network())
def test_right_numbers_get_no_explanation(network):
    names = list(network.values) + [s.name for s in network.steps]
    keys = names + [f"dE/d{n}" for n in names] + [f"{n}@3" for n in names]
    right = evaluate(with_printed(network, {k: "0" for k in keys}))
    computation = with_printed(network, {k: shown(right[k], 8) for k in keys})
    _, agreements, found = check(computation)
    assert all(a != "MISMATCH" for a in agreements.values())
    assert found.by_quantity == {} and found.first_divergent is None and found.skipped == []


# --- each model injected -----------------------------------------------------------------


@SETTINGS
@given(random_network(), st.data())
def test_missing_factor(network, data):
    plan = compile_computation(network)
    pairs = [(s, u) for s in plan.steps for u in plan.uses[s]]
    step_name, used = data.draw(st.sampled_from(pairs))
    x = data.draw(st.sampled_from([1.0, 0.0]))
    wrong, right = keys_for(network, data.draw)
    mistake = Mistake("missing-factor", "", factor=(step_name, used, x))
    assert_named(
        injected(network, mistake, wrong, right),
        wrong,
        right,
        "missing-factor",
        f"d{step_name}/d{used}",
    )


@SETTINGS
@given(random_network(), st.data())
def test_sign(network, data):
    wrong, right = keys_for(network, data.draw)
    plan = compile_computation(network)
    if data.draw(st.booleans()):
        mistake = Mistake("sign", "", ascent=True)
        wrong = [k for k in wrong if "@" in k]
    else:
        pairs = [(s, u) for s in plan.steps for u in plan.uses[s]]
        step_name, used = data.draw(st.sampled_from(pairs))
        mistake = Mistake("sign", "", factor_times=(step_name, used, -1.0))
    assert_named(injected(network, mistake, wrong, right), wrong, right, "sign")


@SETTINGS
@given(random_network())
def test_sign_of_the_whole_number(network):
    keys = [f"dE/d{p}" for p in network.training.parameters]
    right = evaluate(with_printed(network, {k: "0" for k in keys}))
    computation = with_printed(network, {k: shown(-right[k], 6) for k in keys})
    found = assert_named(computation, keys, [], "sign", "negative")
    assert found.by_quantity  # at least one nonzero derivative


@SETTINGS
@given(random_network(), st.data())
def test_perceptron_rule_and_derivative_at_output(network, data):
    activations = sorted(s.name for s in network.steps if s.name.startswith("a"))
    at_output = data.draw(st.booleans())
    rule = activation_at_output if at_output else activation_as_one
    model = "derivative-at-output" if at_output else "perceptron-rule"
    chosen = activations
    if at_output and data.draw(st.booleans()):  # one activation alone, the others right
        chosen = [data.draw(st.sampled_from(activations))]
    mistake = Mistake(model, "", activation_rule=rule, activation_steps=frozenset(chosen))
    wrong, right = keys_for(network, data.draw)
    found = assert_named(injected(network, mistake, wrong, right), wrong, right, model)
    if len(chosen) == 1 and at_output:
        for explained in found.by_quantity.values():
            details = [e.detail for e in explained if e.model == model]
            assert any(f"'({chosen[0]}) for " in d for d in details)
            assert len(activations) == 1 or any("; " not in d for d in details)


@SETTINGS
@given(random_network(), st.data())
def test_half_factor(network, data):
    c = data.draw(st.sampled_from([2.0, 0.5]))
    value_too = data.draw(st.booleans())
    mistake = Mistake("half-factor", "", scale=("E", c, value_too))
    wrong, right = keys_for(network, data.draw)
    wrong = ["E", *wrong]
    right = [f"d{network.steps[-2].name}/d{network.steps[-3].name}"]
    assert_named(injected(network, mistake, wrong, right), wrong, right, "half-factor")


@SETTINGS
@given(random_network(batch=2), st.data())
def test_sum_vs_mean(network, data):
    c = data.draw(st.sampled_from([2.0, 0.5]))
    mistake = Mistake("sum-vs-mean", "", scale=("E", c, data.draw(st.booleans())))
    parameter = data.draw(st.sampled_from(network.training.parameters))
    wrong = ["E", f"dE/d{parameter}", f"{parameter}@1", "E@2"]
    right = ["E_e1", f"dE_e1/d{parameter}"]
    assert_named(injected(network, mistake, wrong, right), wrong, right, "sum-vs-mean")


@SETTINGS
@given(random_network(), st.data())
def test_update_order(network, data):
    plan = compile_computation(network)
    layers = parameter_layers(plan)
    assume(len(layers) == 2)
    assert set(layers[0]) == {p for p in network.training.parameters if "o" in p}
    parameter = data.draw(st.sampled_from(layers[1]))
    wrong = [f"{parameter}@2", "E@2", f"dE/d{parameter}@2"]
    right = ["E", f"{layers[0][0]}@1", f"{parameter}@1"]  # one update is the same either way
    mistake = Mistake("update-order", "", layered=True, layers=layers)
    assert_named(injected(network, mistake, wrong, right), wrong, right, "update-order")


@SETTINGS
@given(random_network(), st.data())
def test_step_off_by_one(network, data):
    shift = data.draw(st.sampled_from([-1, 1]))
    parameter = data.draw(st.sampled_from(network.training.parameters))
    wrong = ["E@2", f"{parameter}@2", f"dE/d{parameter}@1"]
    computation = injected(network, NO_MISTAKE, wrong, ["E"], shift=shift)
    assert_named(computation, wrong, ["E"], "step-off-by-one", f"K{shift:+d}")


@SETTINGS
@given(random_network(), st.data())
def test_rounded_intermediates(network, data):
    places = data.draw(st.integers(2, 4))
    parameter = data.draw(st.sampled_from(network.training.parameters))
    wrong = ["E", f"dE/d{parameter}", f"{parameter}@1"]
    plan = compile_computation(network)
    mistake = Mistake("rounded-intermediates", "", decimals=places)
    values = rerun(plan, mistake, [Query.of_printed(printed(k)) for k in wrong])
    computation = with_printed(network, {k: f"{v:.{places}f}" for k, v in zip(wrong, values)})
    assert_named(computation, wrong, [], "rounded-intermediates", f"{places} decimals")


# --- carried from an earlier wrong number ------------------------------------------------


@SETTINGS
@given(random_network(), st.data())
def test_carried_from_an_earlier_wrong_derivative(network, data):
    parameter = data.draw(st.sampled_from(network.training.parameters))
    key = f"dE/d{parameter}"
    right = evaluate(with_printed(network, {key: "0"}))[key]
    wrong_text = shown(right * data.draw(st.sampled_from([1.5, -1.0, 0.5])) + 0.01, 4)
    assume(agreement(wrong_text, right) == "MISMATCH")
    plan = compile_computation(network)
    forced = Mistake("carried-from", "", forced_derivative=("E", parameter, 0, float(wrong_text)))
    (after,) = rerun(plan, forced, [Query(parameter, None, 1)])
    computation = with_printed(network, {key: wrong_text, f"{parameter}@1": shown(after, 10)})
    found = assert_named(computation, [f"{parameter}@1"], [], "carried-from", key)
    assert found.first_divergent == key
    assert found.by_quantity[f"{parameter}@1"][0].model == "carried-from"  # the most specific


def test_carried_from_a_point_inside_the_printed_interval():
    """h1 printed to 3 decimals, E computed by the article from its unrounded wrong h1."""
    network = network_221(MAZUR)
    h1 = evaluate(with_printed(network, {"h1": "0"}))["h1"]
    hidden = h1 + 0.0413  # the article's wrong h1; it prints 3 decimals of it
    plan = compile_computation(network)
    forced = Mistake("carried-from", "", forced_value=("h1", 0, hidden))
    (loss,) = rerun(plan, forced, [Query("E")])
    computation = with_printed(network, {"h1": f"{hidden:.3f}", "E": shown(loss, 9)})
    found = assert_named(computation, ["E"], [], "carried-from", "h1 = ", drawn=False)
    (explanation,) = [e for e in found.by_quantity["E"] if e.model == "carried-from"]
    assert "within its printed digits" in explanation.detail  # not the printed digits themselves


# --- one neuron, the budget, the order ---------------------------------------------------


def seed_neuron(texts: dict[str, str]) -> Computation:
    values = {"x1": 0.1, "x2": 0.3, "w1": 0.5, "w2": 0.2, "b": 1.83, "t": 0.03}
    steps = (
        step("s", linear(("w1", "x1"), ("w2", "x2"), bias="b"), 1),
        step("p", sigmoid("s"), 2),
        step("E", squared_error("t", "p"), 3),
    )
    training = Training("E", 0.5, ("w1", "w2", "b"), 3)
    texts_printed = tuple(printed(k, t) for k, t in texts.items())
    return Computation("neuron", "seed 002", values, steps, texts_printed, training)


def test_for_one_neuron_the_perceptron_rule_is_listed_before_the_missing_factor():
    neuron = seed_neuron({})
    plan = compile_computation(neuron)
    mistake = Mistake(
        "perceptron-rule", "", activation_rule=activation_as_one, activation_steps=frozenset({"p"})
    )
    (w1,) = rerun(plan, mistake, [Query("w1", None, 1)])
    _, _, found = check(seed_neuron({"w1@1": shown(w1, 9)}))
    models = [(e.model, e.detail) for e in found.by_quantity["w1@1"]]
    assert models[0][0] == "perceptron-rule"
    assert ("missing-factor", "dp/ds left out (taken as 1)") in models


def test_the_articles_ds_db_taken_as_0():
    _, agreements, found = check(seed_neuron({"dE/db": "0", "dE/dw1": "0.009276093"}))
    assert agreements == {"dE/db": "MISMATCH", "dE/dw1": "rounded"}
    details = [e.detail for e in found.by_quantity["dE/db"] if e.model == "missing-factor"]
    assert "ds/db taken as 0" in details


def test_first_divergent_is_in_dependency_order_not_file_order():
    texts = {"E@1": "0.5", "dE/dw1": "0.5", "dE/dp": "0.5", "p": "0.5"}
    _, _, found = check(seed_neuron(texts))
    assert found.first_divergent == "p"
    _, _, found = check(seed_neuron({"E@1": "0.5", "dE/dw1": "0.5", "dE/dp": "0.5"}))
    assert found.first_divergent == "dE/dp"  # nearer the loss: backpropagation's order


def test_models_over_the_budget_are_named_as_skipped(monkeypatch):
    monkeypatch.setattr(explanations, "MAX_WORK", 40 * 60)
    network = network_221(MAZUR, steps=30)
    computation = with_printed(network, {"E@30": "0.5", "dE/dw1@30": "0.5"})
    _, _, found = check(computation)
    assert any(note.startswith("missing-factor:") and "budget" in note for note in found.skipped)
    assert set(found.by_quantity) == {"dE/dw1@30", "E@30"}


# --- a [network] file, as the file engineer's parser spells it out ---------------------------


def network_file(printed_texts: dict[str, str], inputs, targets) -> Computation:
    layers = [
        {"weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35], "activation": "sigmoid"},
        {"weights": [[0.4, 0.45]], "biases": [0.6], "activation": "sigmoid"},
    ]
    network = {"inputs": inputs, "targets": targets, "layout": "out_in", "loss": "mse"}
    return load(
        {
            "title": "2-2-1",
            "source": "test",
            "network": network | {"layers": layers},
            "train": {"loss": "E", "learning_rate": 0.5, "steps": 3},
            "printed": printed_texts or {"E": "0"},
        }
    )


@pytest.mark.parametrize("model", ["update-order", "sum-vs-mean"])
def test_a_network_file_with_a_batch(model):
    inputs, targets = [[0.05, 0.1], [0.5, -0.2]], [[0.01], [0.99]]
    computation = network_file({}, inputs, targets)
    assert computation.batch_size == 2
    plan = compile_computation(computation)
    if model == "update-order":
        layers = parameter_layers(plan)
        assert layers[0] == ("w3_1_1", "w3_1_2", "b3_1")  # Step.layer: the output layer first
        mistake = Mistake(model, "", layered=True, layers=layers)
    else:
        mistake = Mistake(model, "", scale=("E", 2.0, True))
    keys = ["w2_1_1@2", "E@2", "dE/dw2_2_2@2"]
    values = rerun(plan, mistake, [Query.of_printed(printed(k)) for k in keys])
    texts = {k: shown(v, 7) for k, v in zip(keys, values)}
    assert_named(network_file(texts, inputs, targets), keys, [], model, drawn=False)


# --- anything goes: no crash, every explanation reproduces its number ------------------------


@settings(SETTINGS, max_examples=15)
@given(random_computation(training=True), st.data())
def test_random_wrong_numbers_on_random_computations(computation, data):
    names = list(computation.values) + [s.name for s in computation.steps]
    loss = computation.training.loss
    keys = data.draw(
        st.lists(
            st.sampled_from(names + [f"d{loss}/d{n}" for n in names] + [f"{n}@2" for n in names]),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    texts = {k: data.draw(st.sampled_from(["0.5", "-1.25", "0.001", "3", "0.0"])) for k in keys}
    shown_computation = with_printed(computation, texts)
    _, agreements, found = check(shown_computation)
    wrong = [k for k in keys if agreements[k] == "MISMATCH"]
    assert set(found.by_quantity) == set(wrong)
    assert found.first_divergent == (wrong and min(wrong, key=_order_of(shown_computation)) or None)
    for key, explained in found.by_quantity.items():
        for e in explained:
            assert agreement(texts[key], e.value) != "MISMATCH"
        ranks = [SPECIFICITY.index(e.model) for e in explained]
        assert ranks == sorted(ranks)


def _order_of(computation):
    plan = compile_computation(computation)
    by_key = {p.key: p for p in computation.printed}
    return lambda key: dependency_key(plan, by_key[key])


def test_half_factor_says_whether_the_file_has_a_half():
    inputs, targets = [0.05, 0.1], [0.01]
    plan = compile_computation(network_file({}, inputs, targets))  # mse: no ½ of its own
    (loss,) = rerun(plan, Mistake("half-factor", "", scale=("E", 0.5, True)), [Query("E")])
    found = assert_named(
        network_file({"E": shown(loss, 8)}, inputs, targets),
        ["E"],
        [],
        "half-factor",
        "E with a ½ the file does not have (halved)",
        drawn=False,
    )
    neuron = seed_neuron({})  # 0.5*(t - p)**2
    (loss,) = rerun(
        compile_computation(neuron), Mistake("", "", scale=("E", 2.0, True)), [Query("E")]
    )
    assert_named(
        seed_neuron({"E": shown(loss, 8)}),
        ["E"],
        [],
        "half-factor",
        "E without its ½ (doubled)",
        drawn=False,
    )
    assert found.first_divergent == "E"


def test_reruns_that_share_steps_give_the_same_numbers_and_cost_only_the_new_ones():
    keys = ["E", "dE/dw1", "w1@2", "E@3"]
    queries = [Query.of_printed(printed(k)) for k in keys]
    mistake = Mistake("missing-factor", "", factor=("h1", "z1", 1.0))
    shared = compile_computation(network_221(MAZUR))
    first = rerun(shared, mistake, queries)
    work = shared.factors.work
    assert work == 4 * sum(len(p) for p in shared.programs.values())  # 4 passes, all afresh
    assert rerun(shared, mistake, queries) == first and shared.factors.work == work
    assert rerun(compile_computation(network_221(MAZUR)), mistake, queries) == first
    rerun(shared, NO_MISTAKE, queries)  # the same first forward pass; the updates differ
    assert work < shared.factors.work < 2 * work


def test_rounded_intermediates_round_halves_as_by_hand():
    """h = 0.125 is written 0.13 (not Python's round-half-even 0.12), so 2h is printed 0.26."""
    steps = (
        step("h", Binary("+", Name("a"), Number(0.0)), 1),
        step("y", Binary("*", Number(2.0), Name("h")), 2),
    )
    computation = Computation("halves", "test", {"a": 0.125}, steps, (printed("y", "0.26"),))
    _, agreements, found = check(computation)
    assert agreements == {"y": "MISMATCH"}
    assert [e.detail for e in found.by_quantity["y"]] == [
        "every intermediate rounded to 2 decimals"
    ]


def test_carried_from_a_wrong_value_through_an_update():
    """The article's wrong h1 used in the update of w5, the weight it multiplies."""
    network = network_221(MAZUR)
    plan = compile_computation(network)
    forced = Mistake("carried-from", "", forced_value=("h1", 0, 0.7))
    (w5,) = rerun(plan, forced, [Query("w5", None, 1)])
    computation = with_printed(network, {"h1": "0.7", "w5@1": shown(w5, 10), "x1@1": "0.05"})
    found = assert_named(computation, ["w5@1"], ["x1@1"], "carried-from", "h1 = 0.7", drawn=False)
    assert found.by_quantity["w5@1"][0].detail == "from the printed h1 = 0.7, itself wrong"


def test_a_rerun_that_overflows_is_named_as_failed():
    """Climbing exp(a) with a large rate overflows: that re-run is reported, not dropped."""
    steps = (step("s", Call("exp", (Name("a"),)), 1),)
    training = Training("s", 10.0, ("a",), 3)
    computation = Computation(
        "climb", "test", {"a": 1.0}, steps, (printed("s@3", "0.5"),), training
    )
    _, agreements, found = check(computation)
    assert agreements == {"s@3": "MISMATCH"}
    failed = [note for note in found.skipped if "updates added the gradient" in note]
    assert len(failed) == 1 and "the re-run failed" in failed[0] and "exp" in failed[0]


@pytest.mark.parametrize(
    ("text", "points"),
    [
        (
            "0.5449",
            [0.5449, 0.54485, 0.545],
        ),  # rounded from [0.54485, ...], truncated to ... 0.545)
        ("-0.25", [-0.25, -0.26, -0.245]),
        ("1.5e-3", [0.0015, 0.00145, 0.0016]),
        ("66", [66.0]),  # an integer claims to be exact: no interval
    ],
)
def test_a_printed_number_stands_for_an_interval(text, points):
    assert interval_points(text) == pytest.approx(points, abs=1e-15)
    open_end = None if len(points) == 1 else points[2] if points[0] >= 0 else points[1]
    for x in points:  # truncation stops just short of the open end
        assert (agreement(text, x) == "MISMATCH") == (x == open_end), x
