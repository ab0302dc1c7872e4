"""Every notebook runs top to bottom in a real Python 3 kernel and computes the right numbers.

Each notebook is executed with nbclient; then one more cell, added by the test and
never saved, evaluates expressions in the notebook's namespace, and the test compares
them with expected values that never come from a notebook's own output: the numbers
the seed articles printed (as literals, or from the reference file
``tests/data/worked_examples.json``), or values worked out here without the engine's
backward pass (closed forms, hand-written float forward passes and gradients,
numpy's own random draws, and ``tests/brownlee_by_hand.py``, Brownlee's code in plain
floats). All notebooks together must run in under two minutes on 2 cores.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import pairwise
from pathlib import Path

import pytest

from tests import brownlee_by_hand
from tests.reference import published

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@dataclass(frozen=True)
class Within:
    """An expected value reached only approximately (an iterative fit): compared to ``abs``."""

    value: float | list[float]
    abs: float


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _sech2(x: float) -> float:
    return 1 - math.tanh(x) ** 2


def _flat(x) -> list[float]:
    return [float(x)] if isinstance(x, (int, float, str)) else [v for i in x for v in _flat(i)]


# --- 01: seed 000's line y = m x + c, by the closed forms of the RMS error ---------------------


def _rms(m: float, c: float, xs: list[float], ys: list[float]) -> float:
    return math.sqrt(math.fsum((m * x + c - y) ** 2 for x, y in zip(xs, ys)) / len(xs))


@cache
def sood_small_fit() -> dict[str, float]:
    """L, dL/dm = mean(r x) / L, dL/dc = mean(r) / L, and L one step (lr 0.1) each way."""
    xs, ys, m, c, lr = [1.0, 2.0, 3.0], [2.0, 3.0, 5.0], 0.5, 0.1, 0.1
    loss = _rms(m, c, xs, ys)
    r = [m * x + c - y for x, y in zip(xs, ys)]
    dm = math.fsum(ri * x for ri, x in zip(r, xs)) / len(xs) / loss
    dc = math.fsum(r) / len(xs) / loss
    return {
        "L": loss,
        "dm": dm,
        "dc": dc,
        "down": _rms(m - lr * dm, c - lr * dc, xs, ys),
        "up": _rms(m + lr * dm, c + lr * dc, xs, ys),
    }


@cache
def sood_least_squares() -> list[float]:
    """The least-squares line through the midpoints of the example's fruit (its data are inputs)."""
    from nn.examples.sood_line import APPLES, ORANGES

    points = [((ra + ro) / 2 - 4.0, (ga + go) / 2) for (ra, ga), (ro, go) in zip(APPLES, ORANGES)]
    mx = math.fsum(x for x, _ in points) / len(points)
    my = math.fsum(y for _, y in points) / len(points)
    slope = math.fsum((x - mx) * (y - my) for x, y in points) / math.fsum(
        (x - mx) ** 2 for x, _ in points
    )
    return [slope, my - slope * mx]


# --- 02: seed 001's 3-3-3 network, forward pass and categorical gradient by hand ----------------


@cache
def prakash_by_hand() -> dict[str, list[float] | float]:
    x, y = [0.1, 0.2, 0.7], [1.0, 0.0, 0.0]
    wij = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.7], [0.4, 0.3, 0.9]]  # W[a][b]: unit a -> unit b
    wjk = [[0.2, 0.3, 0.5], [0.3, 0.5, 0.7], [0.6, 0.4, 0.8]]
    wkl = [[0.1, 0.4, 0.8], [0.3, 0.7, 0.2], [0.5, 0.2, 0.9]]

    def layer(inputs, w):
        return [math.fsum(inputs[a] * w[a][b] for a in range(3)) + 1.0 for b in range(3)]

    h1 = [max(0.0, v) for v in layer(x, wij)]
    h2 = [_sigmoid(v) for v in layer(h1, wjk)]
    o_in = layer(h2, wkl)
    exps = [math.exp(v) for v in o_in]
    o = [e / math.fsum(exps) for e in exps]
    return {
        "O": o,
        "sum_bce": -math.log(o[0]) - math.log(1 - o[1]) - math.log(1 - o[2]),
        "categorical": -math.log(o[0]),
        "dWkl_categorical": [h2[k] * (o[j] - y[j]) for k in range(3) for j in range(3)],
    }


# --- 03: seed 002's neuron and the book's first forward pass from numpy's seed-0 draws ----------


@cache
def gad_neuron_db() -> float:
    """dE/db = (p - d) p (1 - p), since ds/db = 1."""
    p = _sigmoid(0.1 * 0.5 + 0.3 * 0.2 + 1.83)
    return (p - 0.03) * p * (1 - p)


@cache
def gad_mlp_first_prediction() -> float:
    """MLP.py's 3-7-5-4-1 forward pass in floats from its own draws after numpy.random.seed(0)."""
    numpy = pytest.importorskip("numpy")  # matplotlib, which the notebooks need, brings numpy
    numpy.random.seed(0)
    sizes = (3, 7, 5, 4, 1)
    weights = [[numpy.random.rand(n_in) for _ in range(n_out)] for n_in, n_out in pairwise(sizes)]
    h = [0.1, 0.4, 4.1]
    for layer in weights:
        h = [_sigmoid(math.fsum(float(w) * v for w, v in zip(row, h))) for row in layer]
    return h[0]


# --- 04: seed 003's batch of two on seed 002's neuron ------------------------------------------


@cache
def jagtap_neuron_batch() -> dict[str, list[float] | float]:
    """Each example's E = 1/2 (d - p)^2 and its gradient (p - d) p (1 - p) [X1, X2, 1], averaged."""
    examples = [(0.1, 0.3, 0.03), (0.1, 0.4, 0.7)]
    losses, grads = [], []
    for x1, x2, d in examples:
        p = _sigmoid(x1 * 0.5 + x2 * 0.2 + 1.83)
        losses.append(0.5 * (d - p) ** 2)
        delta = (p - d) * p * (1 - p)
        grads.append([delta * x1, delta * x2, delta])
    return {"E": sum(losses) / 2, "grad": [(a + b) / 2 for a, b in zip(*grads)]}


# --- 05, 06: Brownlee's wheat seeds, his code transcribed in floats ----------------------------


@cache
def wheat_seeds_scores(epochs: int) -> list[float]:
    """The fold scores of Brownlee's evaluate_algorithm after seed(1), from the CSV prepared his
    way (classes numbered {'1': 1, '2': 0, '3': 2}, min-max scaled), not through ``nn``."""
    text = files("nn.datasets").joinpath("seeds_dataset.csv").read_text()
    mapping = {"1": 1, "2": 0, "3": 2}
    rows = [row for row in csv.reader(text.splitlines()) if row]
    dataset = [[float(v) for v in row[:-1]] + [mapping[row[-1]]] for row in rows]
    ranges = [(min(col), max(col)) for col in zip(*(row[:-1] for row in dataset))]
    for row in dataset:
        for i, (lo, hi) in enumerate(ranges):
            row[i] = (row[i] - lo) / (hi - lo)
    scores, _ = brownlee_by_hand.evaluate_algorithm(dataset, 5, 0.3, epochs, 5, seed=1)
    return scores


# --- 07: a made-up blog post's 2-2-1 step, with a sigmoid's derivative left out --------------


@cache
def blog_221() -> dict[str, float]:
    """The post's network in plain floats: dE/dw11 with h1 (1 - h1), without it (the post's
    slip), and v1 after one step of gradient descent at learning rate 0.5."""
    h1 = _sigmoid(0.4 * 0.8 - 0.3 * 0.2 + 0.1)
    h2 = _sigmoid(0.2 * 0.8 + 0.5 * 0.2 - 0.1)
    y = _sigmoid(0.6 * h1 - 0.4 * h2 + 0.05)
    dz3 = (y - 1.0) * y * (1 - y)
    return {
        "right": dz3 * 0.6 * h1 * (1 - h1) * 0.8,
        "slip": dz3 * 0.6 * 0.8,
        "v1": 0.6 - 0.5 * dz3 * h1,
    }


# --- 08: common mistakes, the neuron's training and bias updates in plain floats ----------------


@cache
def gad_neuron_training(zero_grad: bool, steps: int = 300, lr: float = 1.0) -> dict[str, list]:
    """Seed 002's neuron under SGD: E before each step and the bias's .grad the step used.

    Without zero_grad the gradients add up, so each step takes the running sum of all of them.
    """
    w1, w2, b = 0.5, 0.2, 1.83
    used = [0.0, 0.0, 0.0]
    losses, bias_grads = [], []
    for _ in range(steps):
        p = _sigmoid(0.1 * w1 + 0.3 * w2 + b)
        delta = (p - 0.03) * p * (1 - p)  # dE/ds
        fresh = [delta * 0.1, delta * 0.3, delta]
        used = fresh if zero_grad else [u + f for u, f in zip(used, fresh)]
        losses.append(0.5 * (0.03 - p) ** 2)
        bias_grads.append(used[2])
        w1, w2, b = w1 - lr * used[0], w2 - lr * used[1], b - lr * used[2]
    return {"losses": losses, "bias_grads": bias_grads}


def gad_bias_updates() -> list[float]:
    """The article's perceptron rule b + lr (d - p) beside gradient descent b - lr dE/db."""
    p = _sigmoid(0.1 * 0.5 + 0.3 * 0.2 + 1.83)
    return [1.83 + 0.01 * (0.03 - p), 1.83 - 0.01 * gad_neuron_db()]


# --- 09: the moons MLP, trained in torch from nn's documented initialisation -----------------


@cache
def moons_in_torch() -> dict[str, list[float] | float]:
    """Notebook 09's training written in plain torch, not through nn.to_torch: MLP(2, [16, 16, 1],
    seed=0) draws each neuron's weights from U[-1, 1) with random.Random(0), neuron by neuron,
    layer by layer, biases 0; ReLU, ReLU, linear. 50 full-batch SGD steps on the max-margin
    loss, lr 1.0 - 0.9 k / 50 (each step's loss before its update, as fit records it), then
    100 steps at lr 0.1. The moons themselves are the notebook's inputs."""
    import random

    torch = pytest.importorskip("torch")
    from nn.datasets import make_moons

    xs, ys = make_moons(100, noise=0.1, seed=1, labels=(-1, 1))
    rng = random.Random(0)
    params = []
    for n_in, n_out in pairwise([2, 16, 16, 1]):
        rows = [[rng.uniform(-1.0, 1.0) for _ in range(n_in)] for _ in range(n_out)]
        params.append(torch.tensor(rows, dtype=torch.float64, requires_grad=True))
        params.append(torch.zeros(n_out, dtype=torch.float64, requires_grad=True))
    x = torch.tensor(xs, dtype=torch.float64)
    y = torch.tensor(ys, dtype=torch.float64).reshape(-1, 1)

    def loss():
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i].T + params[i + 1]
            h = torch.relu(h) if i + 2 < len(params) else h
        return torch.relu(1 - y * h).mean()

    def step(lr: float) -> float:
        value = loss()
        for p in params:
            p.grad = None
        value.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return value.item()

    fit = [step(1.0 - 0.9 * k / 50) for k in range(50)]
    after_fit = loss().item()
    return {"fit": fit, "after_fit": after_fit, "continued": [step(0.1) for _ in range(100)]}


BROWNLEE = published("brownlee_backprop_from_scratch")
"""What Brownlee's tutorial printed (seed 004), from the reference file."""

Expected = float | list[float] | Within | Callable[[], "Expected"]

# notebook -> {expression evaluated in the executed notebook: expected value}
CHECKS: dict[str, dict[str, Expected]] = {
    "00_quickstart.ipynb": {
        "round(W1.grad, 9)": 0.009276093,  # printed by seed 002
        "round(W2.grad, 9)": 0.027828278,  # printed by seed 002
        "round(predicted.data, 9)": 0.874352143,
        "second": -2 * math.tanh(0.5) * _sech2(0.5),
    },
    "01_sood_line.ipynb": {
        "L.data": lambda: sood_small_fit()["L"],
        "[m.grad, c.grad]": lambda: [sood_small_fit()["dm"], sood_small_fit()["dc"]],
        "[down, up]": lambda: [sood_small_fit()["down"], sood_small_fit()["up"]],
        # 100 steps of SGD on the RMS loss end on the least-squares line through the midpoints
        'list(result.extra["paths"]["rms"]["sgd"][-1])': lambda: Within(sood_least_squares(), 1e-9),
    },
    "02_prakash_333.ipynb": {
        "[round(h.data, 12) for h in written.h1_in]": [1.35, 1.27, 1.8],  # printed by seed 001
        "[o.data for o in model(x)]": lambda: prakash_by_hand()["O"],
        "[o.data for o in written.o_out]": lambda: prakash_by_hand()["O"],
        "before": lambda: prakash_by_hand()["sum_bce"],
        'result["categorical.loss"].computed': lambda: prakash_by_hand()["categorical"],
        '[g for row in result["categorical.dE_dWkl"].computed for g in row]': lambda: (
            prakash_by_hand()["dWkl_categorical"]
        ),
    },
    "03_gad_neuron.ipynb": {
        "round(W1.grad, 9)": 0.009276093,  # printed by seed 002
        "round(predicted.data, 9)": 0.874352143,  # printed
        "b.grad": gad_neuron_db,  # the article says ds/db = 0 and never computes it
        "E2_article": 0.35567134660719907,  # printed: its second pass, from its rounded weights
        'two_input["final_prediction"].computed': 0.6999994386664375,  # printed
        'two_input["final_error"].computed': 3.150953682878443e-13,  # printed
        "mlp([0.1, 0.4, 4.1]).data": gad_mlp_first_prediction,
    },
    "04_jagtap_batch.ipynb": {
        "E.data": lambda: jagtap_neuron_batch()["E"],
        "[p.grad for p in params]": lambda: jagtap_neuron_batch()["grad"],
        # softmax - onehot is negative at the target and positive elsewhere, for every example
        "sum((z.grad < 0) != (k == t) for zs, t in zip(logits, targets) for k, z in enumerate(zs))": 0,
    },
    "05_brownlee.ipynb": {
        "[round(e, 3) for e in sse]": [float(e) for e in BROWNLEE["train.epoch_sse"]],  # printed
        '[w for layer in model.weights("bias_last") for row in layer for w in row]': _flat(
            BROWNLEE["train.final_weights"]  # printed to 16-17 digits
        ),
        'seeds.extra["scores"][1]': lambda: wheat_seeds_scores(1),
        'seeds.extra["scores"][20]': lambda: wheat_seeds_scores(20),
    },
    "06_train_mlp.ipynb": {
        # the moons are learnt perfectly, as in micrograd's demo
        "history.accuracy[-1]": 1.0,
        "sum((model(x).data > 0) == (y > 0) for x, y in zip(xs, ys)) / len(xs)": 1.0,
        "len(history.loss)": 100,
        # Brownlee's wheat-seeds cross-validation, quick variant (20 epochs)
        "scores": lambda: wheat_seeds_scores(20),
    },
    "07_check_your_own.ipynb": {
        "wrong.computed": lambda: blog_221()["right"],
        "wrong.explanations[0].value": lambda: blog_221()["slip"],  # the post's -0.0539
        'result["v1@1"].computed': lambda: blog_221()["v1"],
        "float(result.first_divergent == 'dE/dw11')": 1.0,
        "float(len(result.mismatches()))": 2.0,  # dE/dw11 and w11@1, which follows from it
        "float(fixed_result.ok)": 1.0,
        "status": 1.0,  # autograd-lite check's exit status on a MISMATCH
    },
    "08_common_mistakes.ipynb": {
        # b = a + a, c = b + b: passing b on when first reached sends only c's first edge,
        # dc/db = 1, down both of b's edges: 1 * 1 + 1 * 1 = 2, where dc/da = 4
        "wrong_dc_da": 2.0,
        "by_hand_dc_da": 4.0,
        "float([v.label for v in order] == ['a', 'b', 'c'])": 1.0,
        # leaves accumulate over two backward() calls; b shows the latest pass only
        "[once, twice, intermediate]": [4.0, 8.0, 2.0],
        "losses_wrong": lambda: gad_neuron_training(False)["losses"],
        "bias_grads_wrong": lambda: gad_neuron_training(False)["bias_grads"],
        "losses_right": lambda: gad_neuron_training(True)["losses"],
        "bias_grads_right": lambda: gad_neuron_training(True)["bias_grads"],
        "[b_perceptron, b_descent]": gad_bias_updates,
        "b.grad": gad_neuron_db,
        # a linear unit: dE/db = s - desired, so the rule is gradient descent
        "[rule_linear, descent_linear]": [1.83 + 0.01 * (0.03 - 1.94)] * 2,
        # relu(2 w + 0.5) fitted to 1: dead at w = -1, alive at w = 1 (dE/dw = (2.5 - 1) * 2)
        "[w_dead.grad, w_alive.grad]": [0.0, 3.0],
        "float(relu_step.flat == (True,))": 1.0,
        "saturated_local": lambda: _sigmoid(10.11) * (1 - _sigmoid(10.11)),
        "float(sigmoid_step.flat == (True,))": 1.0,
        "len(article_flat)": 0.0,
    },
    "09_scalars_to_tensors.ipynb": {
        # the scalar fit follows the torch training written above, step by step
        "history.loss": lambda: Within(moons_in_torch()["fit"], 1e-12),
        "history.accuracy[-1]": 1.0,
        "report.loss": lambda: Within(moons_in_torch()["after_fit"], 1e-12),
        "report.torch_loss": lambda: Within(moons_in_torch()["after_fit"], 1e-12),
        "float(report.max_difference < 1e-12)": 1.0,
        "float(round_trip.state_dict() == model.state_dict())": 1.0,
        "float(row == [w.data for w in neuron.w])": 1.0,  # row 3 of layers.0.weight
        "trajectory_gap": Within(0.0, 1e-12),
        "torch_losses[:100]": lambda: Within(moons_in_torch()["continued"], 1e-12),
        "nn.evaluate(back, xs, ys, loss='max_margin').accuracy": 1.0,
    },
}

NEEDS_TORCH = {"09_scalars_to_tensors.ipynb"}
"""Notebooks that import PyTorch (the torch extra); they skip where it is not installed."""


def execute(path: Path, expressions: list[str]) -> dict[str, float]:
    notebook = nbformat.read(path, as_version=4)
    probe = "import json\nprint(json.dumps([" + ", ".join(expressions) + "]))"
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    return dict(zip(expressions, json.loads(text.strip().splitlines()[-1])))


def all_notebooks() -> list[str]:
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_every_notebook_has_checks():
    assert all_notebooks(), "no notebooks found"
    assert set(all_notebooks()) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_notebook_runs_and_computes_the_expected_numbers(name):
    if name in NEEDS_TORCH:
        pytest.importorskip(
            "torch", reason="the notebook needs PyTorch (pip install torch==2.13.0)"
        )
    values = execute(NOTEBOOKS / name, list(CHECKS[name]))
    for expression, expected in CHECKS[name].items():
        if callable(expected):
            expected = expected()
        if isinstance(expected, Within):
            target = pytest.approx(expected.value, rel=0, abs=expected.abs)
        else:
            target = pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert values[expression] == target, expression


@pytest.mark.parametrize("name", all_notebooks())
def test_notebook_is_committed_clean(name):
    """No outputs or execution counts in the committed notebooks: diffs stay readable."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (name, cell.id)


@pytest.mark.parametrize("name", all_notebooks())
def test_notebook_opens_with_what_it_shows_and_how_to_run_it(name):
    first = nbformat.read(NOTEBOOKS / name, as_version=4).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "make notebooks" in first.source
