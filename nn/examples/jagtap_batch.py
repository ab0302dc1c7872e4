"""Seed 003, Rohan Jagtap: nudges toward the correct output, averaged over the examples.

The article explains backpropagation without numbers: the correct output node should
go up and the others down; the nudges travel back layer by layer; different examples
may nudge the same weight in opposite directions, and "an average is taken, and it is
this average nudge that is applied to each weight". Its loss, for simplicity, is
"the value outputted by the model minus the actual value".

This example puts numbers on each claim:

- **(a) The average nudge is the gradient of the mean loss.** Seed 002's neuron
  (W = [0.5, 0.2], b = 1.83, ``E = 1/2 (d - p)^2``) on two examples, (0.1, 0.3) -> 0.03
  and (0.1, 0.4) -> 0.7: each example's gradient, their mean, and the gradient of the
  batch-mean loss, which is the same vector (differentiation is linear). Both
  predictions (about 0.874 and 0.877) lie above their targets, so here the two
  nudges agree in sign on every parameter; (b) shows conflicting ones.
- **(b) Softmax + cross-entropy pushes the correct logit up and the others down.** A
  2-4-3 ``nn.MLP`` (tanh hidden layer, softmax output applied inside the loss, seed 3)
  on a batch of four examples: the gradient of the cross-entropy with respect to the
  logits is ``softmax - onehot``, negative only at the target. Averaged over the batch,
  the correct logits' gradients stay negative and the others positive, while many
  weights receive nudges of both signs from different examples.

What the article gets wrong or leaves loose:

- Its toy loss "output minus actual" has derivative 1 with respect to the output
  whatever the output is, so it nudges every prediction down by the same amount,
  right or wrong (shown below); it is only an illustration. Real losses (squared
  error, cross-entropy) have gradients that grow with the error.
- "We cannot directly change ... the bias values": biases are parameters and get
  gradients like weights (the output biases' gradient is shown below).
- "The weights corresponding to the correct node will be increased": the weight from
  hidden unit j into the correct output moves by ``-lr * (p - 1) * h_j``, so it
  *decreases* whenever ``h_j < 0`` (tanh units are often negative).
- Weights do not depend on other weights; the *activations* of a layer depend on the
  weights before it, which is why the gradient flows back through them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial

import nn
from autograd_lite import Value, dot, explain, grad, vsum

from ._checked import Checked, file_note
from .checker.evaluate import forward_graph
from .report import ExampleResult, Quantity

TITLE = "Seed 003, Rohan Jagtap: the average nudge is the gradient of the mean loss"
SOURCE = (
    "R. Jagtap, 'Backpropagation (1/2) - Working Backwards To Push Innovation Forward - "
    "Intuitive Approach', CodeX (Medium)"
)

NEURON = "illustrative(not from article).batch_average_on_seed002_neuron"
"""The reference's name for part (a): its batch-mean loss; the rest is under ``neuron.``."""
NEURON_EXAMPLES: tuple[tuple[float, float, float], ...] = ((0.1, 0.3, 0.03), (0.1, 0.4, 0.7))
"""(X1, X2, desired) of each example: seed 002's, and a second one."""
W0, B0 = (0.5, 0.2), 1.83

NETWORK_SEED = 3
NETWORK_SIZES = (2, [4, 3])
BATCH_XS: tuple[tuple[float, float], ...] = ((0.5, -1.0), (1.5, 0.3), (-0.7, 0.8), (0.2, -0.4))
BATCH_TARGETS: tuple[int, ...] = (0, 1, 2, 1)


def neuron_forward(
    params: Sequence[Value], example: tuple[float, float, float], tag: str
) -> tuple[Value, Value]:
    """predicted = sigmoid(X1 W1 + X2 W2 + b) and E = 1/2 (desired - predicted)^2, tagged [tag]."""
    w1, w2, b = params
    x1, x2, desired = example
    inputs = [Value(x1, f"X1[{tag}]"), Value(x2, f"X2[{tag}]")]
    s = dot([w1, w2], inputs, b).named(f"s[{tag}]")
    predicted = s.sigmoid().named(f"predicted[{tag}]")
    loss = (0.5 * (Value(desired, f"desired[{tag}]") - predicted) ** 2).named(f"E[{tag}]")
    return predicted, loss


def mean_loss(losses: Sequence[Value]) -> Value:
    """The batch-mean loss: the sum of the examples' losses over their count, one node each."""
    return (vsum(losses) / Value(len(losses), "n")).named("E")


def conflicts(per_example: Sequence[Sequence[float]]) -> list[int]:
    """Indices of the parameters that some example pushes up and another pushes down."""
    return [j for j, column in enumerate(zip(*per_example)) if min(column) < 0.0 < max(column)]


def gradient_scales(per_example: Sequence[Sequence[float]]) -> list[float]:
    """Per parameter, the mean size of the examples' gradients: the scale rounding errors
    are measured against (their mean can be near 0 where examples disagree)."""
    return [
        max(math.fsum(abs(g) for g in column) / len(column), 1e-300) for column in zip(*per_example)
    ]


PARAMETERS = ("W1", "W2", "b")


def _neuron_part(q: type[Quantity]) -> tuple[list[Quantity], Value, dict]:
    """Part (a), as ``files/jagtap_neuron.toml`` states it, checked by the example checker."""
    checked = Checked.shipped("jagtap_neuron")
    per_example = [checked.values([f"dE_{k}/d{p}" for p in PARAMETERS]) for k in (1, 2)]
    mean_of_grads = [math.fsum(column) / len(per_example) for column in zip(*per_example)]
    graph = forward_graph(checked.computation)  # backward() from E, the last step
    batch = [graph[p].grad for p in PARAMETERS]
    computed = partial(checked.quantity, printed=False)
    quantities = [
        computed(NEURON, "E", note="E = (E_1 + E_2) / 2 at W = [0.5, 0.2], b = 1.83"),
        computed("neuron.E[1],E[2]", ["E_1", "E_2"]),
        q("neuron.example1.grad[W1,W2,b]", per_example[0], note="(0.1, 0.3) -> 0.03"),
        q("neuron.example2.grad[W1,W2,b]", per_example[1], note="(0.1, 0.4) -> 0.7"),
        q("neuron.mean_of_example_grads", mean_of_grads, note="the article's 'average nudge'"),
        q("neuron.batch_grad[W1,W2,b]", batch, note="backward() of the mean loss: the same"),
        q(
            "neuron.conflicting_parameters",
            len(conflicts(per_example)),
            note="both outputs are above their targets, so both examples push every parameter down",
        ),
        computed(
            "neuron.toy_loss(output-actual).dL_dpredicted",
            ["dtoy_1/dpredicted_1", "dtoy_2/dpredicted_2"],
            note="the article's toy loss: slope 1 for both examples, however wrong each is",
        ),
    ]
    losses = checked.values(["E_1", "E_2"])
    extra = {"per_example_grads": per_example, "batch_grad": batch, "losses": losses}
    return quantities, graph["E"], extra


def network() -> nn.MLP:
    """The 2-4-3 network of part (b): tanh hidden layer, linear logits, fixed seed."""
    nin, nouts = NETWORK_SIZES
    return nn.MLP(nin, nouts, activations=["tanh", "linear"], seed=NETWORK_SEED)


def _softmax_part(q: type[Quantity]) -> tuple[list[Quantity], dict]:
    model = network()
    params = model.parameters()
    names = [name for name, _ in model.named_parameters()]

    # One example: the gradient of its cross-entropy with respect to its logits.
    x, target = BATCH_XS[0], BATCH_TARGETS[0]
    hidden = model.layers[0](list(x))
    logits = model.layers[1](hidden)
    loss = nn.cross_entropy(logits, target)
    loss.backward()
    with_softmax = nn.MLP.from_weights(
        model.weights(), model.biases(), activations=["tanh", "softmax"]
    )
    probabilities = [p.data for p in with_softmax(list(x))]
    onehot = [1.0 if k == target else 0.0 for k in range(len(logits))]
    into_target = [w.grad for w in model.layers[1].neurons[target].w]

    # The batch: per-example parameter gradients, their mean, and the mean loss's gradient.
    per_example = []
    for xb, tb in zip(BATCH_XS, BATCH_TARGETS):
        per_example.append([float(g) for g in grad(nn.cross_entropy(model(list(xb)), tb), params)])
    mean_of_grads = [math.fsum(column) / len(per_example) for column in zip(*per_example)]
    model.zero_grad()
    batch_logits = [model(list(xb)) for xb in BATCH_XS]
    batch_loss = mean_loss([nn.cross_entropy(z, t) for z, t in zip(batch_logits, BATCH_TARGETS)])
    batch_loss.backward()
    batch_grads = [p.grad for p in params]
    logit_grads = [[z.grad for z in zs] for zs in batch_logits]
    correct = [row[t] for row, t in zip(logit_grads, BATCH_TARGETS)]
    others = [g for row, t in zip(logit_grads, BATCH_TARGETS) for k, g in enumerate(row) if k != t]
    difference = max(
        abs(b - m) / scale
        for b, m, scale in zip(batch_grads, mean_of_grads, gradient_scales(per_example))
    )
    clashing = conflicts(per_example)
    bias_grads = model.layers[1].biases(grad=True)
    bias_index = [names.index(f"layers.1.neurons.{k}.b") for k in range(len(bias_grads))]

    quantities = [
        q("softmax.example1.hidden", [h.data for h in hidden], note="tanh activations h_j"),
        q("softmax.example1.logits", [z.data for z in logits], note=f"target class {target}"),
        q("softmax.example1.probabilities", probabilities, note="the same net, softmax output"),
        q("softmax.example1.dCE_dlogits", [z.grad for z in logits], note="backward()"),
        q(
            "softmax.example1.softmax-onehot",
            [p - t for p, t in zip(probabilities, onehot)],
            note="the closed form: negative only at the target",
        ),
        q(
            "softmax.example1.dCE_dweights_into_target",
            into_target,
            note="(p - 1) h_j: positive (the weight decreases) where h_j < 0",
        ),
        q("softmax.batch.mean_CE", batch_loss.data, note=f"targets {list(BATCH_TARGETS)}"),
        q("softmax.batch.dCE_dlogits", logit_grads, note="(softmax - onehot) / 4 per example"),
        q(
            "softmax.batch.mean_dCE_dlogit[correct,others]",
            [math.fsum(correct) / len(correct), math.fsum(others) / len(others)],
            note="correct logits pushed up, the others down",
        ),
        q("softmax.batch.output_bias_grad", bias_grads, note="biases are nudged too"),
        q(
            "softmax.batch.mean_of_example_output_bias_grads",
            [mean_of_grads[i] for i in bias_index],
        ),
        q(
            "softmax.batch.largest_relative_difference(batch,mean)",
            difference,
            note=f"over all {len(params)} parameters, relative to the examples' mean |gradient|",
        ),
        q(
            "softmax.batch.conflicting_parameters",
            len(clashing),
            note=f"of {len(params)}: nudged up by one example and down by another",
        ),
    ]
    extra = {
        "model": model,
        "parameter_names": names,
        "per_example_grads": per_example,
        "batch_grads": batch_grads,
        "conflicting": [names[j] for j in clashing],
    }
    return quantities, extra


def run() -> ExampleResult:
    q = Quantity
    neuron_quantities, root, neuron_extra = _neuron_part(q)
    softmax_quantities, softmax_extra = _softmax_part(q)
    return ExampleResult(
        name="jagtap-batch",
        title=TITLE,
        source=SOURCE,
        quantities=neuron_quantities + softmax_quantities,
        root=root,
        trace=explain(root),
        notes=[
            "The article prints no numbers; both set-ups are ours (the neuron is seed 002's).",
            "Its toy loss 'output minus actual' has slope 1 everywhere: illustration only.",
            "Biases are parameters too; a weight into the correct output falls where h_j < 0.",
            file_note("jagtap_neuron"),
        ],
        extra={"neuron": neuron_extra, "network": softmax_extra},
    )
