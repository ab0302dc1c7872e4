"""Brownlee's backpropagation tutorial in plain floats: the tests' second route to his numbers.

Nothing here touches autograd_lite or nn. The network is his data structure (a list
of layers, each a list of neuron dicts holding ``weights`` with the bias last, and
the ``output`` and ``delta`` of the latest row), and each function follows one of
his in his order of operations, so the printed 16-17 digit weights come out bit
for bit. Deltas use his current sign: ``error = output - expected``.
"""

from __future__ import annotations

import math
import random

Network = list[list[dict]]


def initialize_network(rng: random.Random, n_inputs: int, n_hidden: int, n_outputs: int) -> Network:
    hidden = [{"weights": [rng.random() for _ in range(n_inputs + 1)]} for _ in range(n_hidden)]
    output = [{"weights": [rng.random() for _ in range(n_hidden + 1)]} for _ in range(n_outputs)]
    return [hidden, output]


def from_weights(weights) -> Network:
    return [[{"weights": list(row)} for row in layer] for layer in weights]


def weights_of(network: Network) -> list:
    return [[list(neuron["weights"]) for neuron in layer] for layer in network]


def activate(weights: list[float], inputs: list[float]) -> float:
    activation = weights[-1]
    for i in range(len(weights) - 1):
        activation += weights[i] * inputs[i]
    return activation


def transfer(activation: float) -> float:
    return 1.0 / (1.0 + math.exp(-activation))


def forward_propagate(network: Network, row: list[float]) -> list[float]:
    inputs = row
    for layer in network:
        new_inputs = []
        for neuron in layer:
            neuron["output"] = transfer(activate(neuron["weights"], inputs))
            new_inputs.append(neuron["output"])
        inputs = new_inputs
    return inputs


def backward_propagate_error(network: Network, expected: list[float]) -> None:
    for i in reversed(range(len(network))):
        layer = network[i]
        errors = []
        if i != len(network) - 1:
            for j in range(len(layer)):
                error = 0.0
                for neuron in network[i + 1]:
                    error += neuron["weights"][j] * neuron["delta"]
                errors.append(error)
        else:
            for j, neuron in enumerate(layer):
                errors.append(neuron["output"] - expected[j])
        for j, neuron in enumerate(layer):
            output = neuron["output"]
            neuron["delta"] = errors[j] * (output * (1.0 - output))


def update_weights(network: Network, row: list[float], l_rate: float) -> None:
    for i, layer in enumerate(network):
        inputs = row[:-1] if i == 0 else [neuron["output"] for neuron in network[i - 1]]
        for neuron in layer:
            for j in range(len(inputs)):
                neuron["weights"][j] -= l_rate * neuron["delta"] * inputs[j]
            neuron["weights"][-1] -= l_rate * neuron["delta"]


def train_network(
    network: Network, train: list, l_rate: float, n_epoch: int, n_outputs: int
) -> list[float]:
    """Per-row SGD; returns each epoch's error, sum over rows of sum (expected - output)^2."""
    errors = []
    for _ in range(n_epoch):
        sum_error = 0
        for row in train:
            outputs = forward_propagate(network, row)
            expected = [0 for _ in range(n_outputs)]
            expected[row[-1]] = 1
            sum_error += sum([(expected[i] - outputs[i]) ** 2 for i in range(len(expected))])
            backward_propagate_error(network, expected)
            update_weights(network, row, l_rate)
        errors.append(sum_error)
    return errors


def predict(network: Network, row: list[float]) -> int:
    outputs = forward_propagate(network, row)
    return outputs.index(max(outputs))


def cross_validation_split(rng: random.Random, dataset: list, n_folds: int) -> list:
    dataset_split = []
    dataset_copy = list(dataset)
    fold_size = int(len(dataset) / n_folds)
    for _ in range(n_folds):
        fold = []
        while len(fold) < fold_size:
            index = rng.randrange(len(dataset_copy))
            fold.append(dataset_copy.pop(index))
        dataset_split.append(fold)
    return dataset_split


def accuracy_metric(actual: list[int], predicted: list[int]) -> float:
    correct = 0
    for i in range(len(actual)):
        if actual[i] == predicted[i]:
            correct += 1
    return correct / float(len(actual)) * 100.0


def evaluate_algorithm(
    dataset: list, n_folds: int, l_rate: float, n_epoch: int, n_hidden: int, seed: int = 1
) -> tuple[list[float], list[Network]]:
    """Brownlee's ``evaluate_algorithm(dataset, back_propagation, ...)`` after ``seed(seed)``:
    the fold scores and each fold's trained network."""
    rng = random.Random(seed)
    folds = cross_validation_split(rng, dataset, n_folds)
    scores, networks = [], []
    for fold in folds:
        train_set = list(folds)
        train_set.remove(fold)
        train_set = [row for other in train_set for row in other]  # his sum(train_set, [])
        test_set = [list(row[:-1]) + [None] for row in fold]
        n_inputs = len(train_set[0]) - 1
        n_outputs = len({row[-1] for row in train_set})
        network = initialize_network(rng, n_inputs, n_hidden, n_outputs)
        train_network(network, train_set, l_rate, n_epoch, n_outputs)
        predicted = [predict(network, row) for row in test_set]
        scores.append(accuracy_metric([row[-1] for row in fold], predicted))
        networks.append(network)
    return scores, networks
