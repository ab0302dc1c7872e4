"""Seed 002's single sigmoid neuron, built and written out step by step.

This is what ``autograd-lite demo`` shows, and the ``gad-neuron`` worked example
builds on it: X1=0.1, X2=0.3, desired=0.03, W1=0.5, W2=0.2, b=1.83,
``E = 1/2 (desired - predicted)^2`` (Ahmed Gad, neptune.ai).
"""

from __future__ import annotations

from typing import NamedTuple

from .chain import chain
from .engine import Value
from .functional import dot
from .naming import format_number
from .trace import explain

LEARNING_RATE = 0.01

# What seed 002 (Ahmed Gad, neptune.ai) prints, quoted beside the engine's numbers.
ARTICLE_PRINTS = {
    "dE/dW1": "0.009276093",
    "dE/dW2": "0.027828278",
    "W1": "0.49990723907",
    "W2": "0.1997217172",
    "b_perceptron": "1.821556479",
}


class GadNeuron(NamedTuple):
    """Seed 002's single sigmoid neuron, every Value named as in the article."""

    X1: Value
    X2: Value
    desired: Value
    W1: Value
    W2: Value
    b: Value
    s: Value
    predicted: Value
    E: Value


def gad_neuron() -> GadNeuron:
    """s = X1*W1 + X2*W2 + b, predicted = sigmoid(s), E = 1/2 (desired - predicted)^2."""
    x1, x2, desired = Value(0.1, "X1"), Value(0.3, "X2"), Value(0.03, "desired")
    w1, w2, b = Value(0.5, "W1"), Value(0.2, "W2"), Value(1.83, "b")
    s = dot([w1, w2], [x1, x2], b).named("s")
    predicted = s.sigmoid().named("predicted")
    error = (0.5 * (desired - predicted) ** 2).named("E")
    return GadNeuron(x1, x2, desired, w1, w2, b, s, predicted, error)


def demo_report(n: GadNeuron, digits: int = 9) -> str:
    """Everything ``autograd-lite demo`` prints about ``n``, once ``n.E.backward()`` has run."""
    wide = max(digits, 12)  # updated weights: enough digits to see the change and compare
    out = [
        "Seed 002 (Ahmed Gad, neptune.ai): one sigmoid neuron, step by step",
        "  s = X1*W1 + X2*W2 + b,  predicted = sigmoid(s),  E = 1/2 (desired - predicted)^2",
        "",
        str(explain(n.E, digits=digits)),
        "",
        "Chain rule, written as in the article",
    ]
    derivations = {w.label: chain(n.E, w, digits=digits) for w in (n.W1, n.W2, n.b)}
    for name, derivation in derivations.items():
        line = f"  {derivation.to_text()}"
        if f"dE/d{name}" in ARTICLE_PRINTS:
            line += f"   (article: {ARTICLE_PRINTS[f'dE/d{name}']})"
        out.append(line)

    out += ["", f"Gradient descent, learning rate {format_number(LEARNING_RATE)}"]
    new = {}
    for w in (n.W1, n.W2, n.b):
        new[w.label] = w.data - LEARNING_RATE * w.grad
        line = (
            f"  {w.label} new = {w.label} - lr * dE/d{w.label} = {format_number(w.data, digits)}"
            f" - {format_number(LEARNING_RATE)} * {format_number(w.grad, digits)}"
            f" = {format_number(new[w.label], wide)}"
        )
        if w.label in ARTICLE_PRINTS:
            line += f"   (article: {ARTICLE_PRINTS[w.label]})"
        out.append(line)

    ds_db = derivations["b"].paths[0].factors[-1]
    out += [
        "",
        "Where the article is wrong",
        "  It says ds/db = 0, leaves b out of the chain rule and moves b with the perceptron",
        f"  rule instead (b new = {ARTICLE_PRINTS['b_perceptron']}).",
        "  But b enters s = X1*W1 + X2*W2 + b with coefficient 1:",
        f"    {ds_db.symbol()} = {format_number(ds_db.value, digits)}",
        f"    {derivations['b'].to_text()}",
        f"    b new = b - lr * dE/db = {format_number(new['b'], wide)}",
    ]
    return "\n".join(out)
