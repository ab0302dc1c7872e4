"""``fit``: the training loop of every example, with a progress bar; ``evaluate`` without one."""

from __future__ import annotations

import functools
import gc
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tqdm.auto import tqdm

from autograd_lite import ArgumentError, ArgumentTypeError, Value, no_grad, vsum

from . import losses
from ._checks import count, entries, non_negative, real, shown
from ._seeding import random_source
from .compiled_fit import CompiledSteps
from .metrics import RULES, Rule
from .module import Module
from .optim import Optimizer

LOSSES: dict[str, Callable[..., Value]] = {
    "mse": losses.mse,
    "sse_half": losses.sse_half,
    "binary_cross_entropy": losses.binary_cross_entropy,
    "binary_cross_entropy_with_logits": losses.binary_cross_entropy_with_logits,
    "cross_entropy": losses.cross_entropy,
    "max_margin": losses.max_margin,
}
"""The losses ``fit`` and ``evaluate`` know by name."""


@dataclass
class History:
    """Per epoch: the mean loss minimised, and the training accuracy (``None`` for regression).

    Both are measured on the fly, from each batch's forward pass before its update
    (as micrograd's demo prints them), so they cost no extra pass.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] | None = None


@dataclass(frozen=True)
class Evaluation:
    loss: float | None
    accuracy: float | None


def _without_cyclic_gc(train: Callable[..., History]) -> Callable[..., History]:
    """``train`` with the cyclic garbage collector paused, and restored as it was after."""

    @functools.wraps(train)
    def paused(*args: object, **options: object) -> History:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return train(*args, **options)
        finally:
            if collecting:
                gc.enable()

    return paused


@_without_cyclic_gc
def fit(
    model: Module,
    xs: Sequence[Sequence[float]],
    ys: Sequence,
    *,
    loss: str | Callable[..., Value],
    optimizer: Optimizer,
    epochs: int = 1,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | random.Random | None = None,
    penalty: Callable[[Module], Value] | None = None,
    lr_schedule: Callable[[int], float] | None = None,
    accuracy: str | Rule | None = "auto",
    progress: bool = True,
    compiled: bool = False,
    on_epoch: Callable[[int], object] | None = None,
) -> History:
    """Train ``model`` on examples ``xs`` with targets ``ys``; return the ``History``.

    Each step averages the per-example losses ``loss(model(x), y)`` over a batch
    (``batch_size=None``: all examples), adds ``penalty(model)`` if given (e.g.
    ``lambda m: nn.l2_penalty(m.parameters(), 1e-4)``), and takes one optimizer step.
    The gradient of the batch mean is the mean of the per-example gradients (seed 003).
    ``lr_schedule(step)`` sets the learning rate before each step (counted from 0).
    Shuffling draws from ``seed`` (an int, a ``random.Random``, or ``None`` for the
    ``random`` module). ``accuracy="auto"`` picks the rule of a classification loss.
    The progress bar (``tqdm.auto``: the notebook widget in Jupyter) shows epoch, loss
    and speed; ``progress=False`` silences it.

    ``xs`` and ``ys`` may be lists or numpy arrays. Mistakes that would train nothing
    are refused: an optimizer holding none of the model's parameters, a loss or
    penalty that returns a plain number (no graph), a learning rate from
    ``lr_schedule`` that is negative or not finite.

    ``compiled=True`` records each batch size's step once as a program
    (``autograd_lite.compile_graph``) with the examples and targets as its inputs, and
    replays it: the same numbers, bit for bit, many times faster. The model's ``.data``
    and ``.grad`` are written back as a normal fit leaves them (before each ``on_epoch``
    too). It needs a graph that does not branch on the data in Python (see
    ``nn.compiled_fit``: ``binary_cross_entropy`` and its logits form are refused).
    ``on_epoch(epoch)`` is called after each epoch (counted from 1).

    The garbage collector is off while it trains: the graphs have no reference cycles,
    and collecting took 35-45% of building a large one.
    """
    if type(compiled) is not bool:
        raise ArgumentTypeError(f"fit: compiled must be True or False, got {compiled!r}")
    if on_epoch is not None and not callable(on_epoch):
        raise ArgumentTypeError(f"fit: on_epoch must be a function, got {type(on_epoch).__name__}")
    loss_fn = _loss(loss)
    rule = _rule(accuracy, loss_fn)
    xs, ys = _examples(xs, ys)
    n_examples = len(xs)
    epochs = count(epochs, "epochs")
    size = n_examples if batch_size is None else min(count(batch_size, "batch_size"), n_examples)
    _check_optimizer(optimizer, model)
    rng = random_source(seed)
    history = History(accuracy=[] if rule else None)
    order = list(range(n_examples))
    step = 0
    compiled_steps = (
        CompiledSteps(model, loss_fn, penalty, optimizer, xs, ys, _graph) if compiled else None
    )
    own = {id(p) for p in model.parameters()}
    outside = [p for p in getattr(optimizer, "params", ()) if id(p) not in own]
    for p in outside if compiled else ():  # the program never writes their gradients
        p.grad = 0.0

    def set_lr(k: int) -> float:
        """The learning rate of step ``k`` (counted from 0), from ``lr_schedule``, checked."""
        if lr_schedule is not None:
            where = f"fit: the learning rate lr_schedule({k})"
            optimizer.lr = non_negative(lr_schedule(k), where)
        return optimizer.lr

    bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress)
    for epoch in bar:
        if shuffle:
            rng.shuffle(order)
        total, correct = 0.0, 0
        if compiled_steps is not None:
            total, correct = compiled_steps.epoch(order, size, step, set_lr, rule, ys)
            step += -(-n_examples // size)
        for start in range(0, n_examples if compiled_steps is None else 0, size):
            batch = order[start : start + size]
            predictions = [model(xs[i]) for i in batch]
            per_example = [
                _graph(loss_fn(p, ys[i]), "the loss function") for p, i in zip(predictions, batch)
            ]
            batch_loss = per_example[0] if len(batch) == 1 else vsum(per_example) / len(batch)
            if penalty is not None:
                batch_loss = batch_loss + _graph(penalty(model), "penalty(model)")
            set_lr(step)
            for p in outside:  # zero_grad once per step: the model's, any others the optimizer's
                p.grad = 0.0
            model.zero_grad()
            batch_loss.backward()
            optimizer.step()
            step += 1
            total += batch_loss.data * len(batch)
            if rule:
                correct += sum(rule(p, ys[i]) for p, i in zip(predictions, batch))
        history.loss.append(total / n_examples)
        postfix = {"loss": f"{history.loss[-1]:.4g}"}
        if rule:
            history.accuracy.append(correct / n_examples)
            postfix["acc"] = f"{history.accuracy[-1]:.1%}"
        bar.set_postfix(postfix, refresh=False)
        if on_epoch is not None:
            if compiled_steps is not None:
                compiled_steps.write_back()
            on_epoch(epoch + 1)
            if compiled_steps is not None:
                compiled_steps.read_back()
    bar.close()
    if compiled_steps is not None:
        compiled_steps.write_back()
    return history


def evaluate(
    model: Module,
    xs: Sequence[Sequence[float]],
    ys: Sequence,
    *,
    loss: str | Callable[..., Value] | None = None,
    accuracy: str | Rule | None = "auto",
) -> Evaluation:
    """Mean loss (if ``loss`` is given) and accuracy of ``model`` on examples, recording no graph."""
    loss_fn = None if loss is None else _loss(loss)
    rule = _rule(accuracy, loss_fn)
    xs, ys = _examples(xs, ys)
    n_examples = len(xs)
    total, correct = 0.0, 0
    with no_grad():
        for x, y in zip(xs, ys):
            prediction = model(x)
            if loss_fn is not None:
                value = loss_fn(prediction, y)
                total += value.data if isinstance(value, Value) else real(value, "evaluate: loss")
            if rule:
                correct += rule(prediction, y)
    return Evaluation(
        loss=None if loss_fn is None else total / n_examples,
        accuracy=correct / n_examples if rule else None,
    )


def _loss(loss: object) -> Callable[..., Value]:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ArgumentError(
                f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)} or pass a function"
            )
        return LOSSES[loss]
    if not callable(loss):
        raise ArgumentTypeError(
            f"loss must be a loss name or a function, got {type(loss).__name__}"
        )
    return loss


def _rule(accuracy: object, loss_fn: Callable | None) -> Rule | None:
    if accuracy == "auto":
        return RULES.get(loss_fn)
    if accuracy is None or callable(accuracy):
        return accuracy
    raise ArgumentTypeError(f"accuracy must be 'auto', None or a function, got {accuracy!r}")


def _examples(xs: Sequence, ys: Sequence) -> tuple[list, list]:
    """The examples and targets as lists (an array's rows as lists of Python numbers)."""
    xs = entries(xs, "xs", "a list or an array of examples")
    ys = entries(ys, "ys", "a list or an array of targets")
    if len(xs) != len(ys):
        raise ArgumentError(f"got {len(xs)} examples but {len(ys)} targets")
    if len(xs) == 0:
        raise ArgumentError("no examples to train on (xs is empty)")
    return xs, ys


def _check_optimizer(optimizer: object, model: Module) -> None:
    """An optimizer that can step, and that updates at least one of the model's parameters."""
    if not callable(getattr(optimizer, "step", None)):
        raise ArgumentTypeError(
            f"fit: optimizer must have a step() method, got {type(optimizer).__name__}"
        )
    held = getattr(optimizer, "params", None)
    if held is None or not callable(getattr(model, "parameters", None)):
        return
    own = {id(p) for p in model.parameters()}
    if own and not any(id(p) in own for p in held):
        raise ArgumentError(
            f"fit: the optimizer holds {len(held)} parameters, none of them the model's "
            f"{len(own)} (was it built for another model?), so training would change nothing; "
            f"build it on this model: {type(optimizer).__name__}(model.parameters(), ...)"
        )


def _graph(value: object, what: str) -> Value:
    """A loss must be a Value: a plain number has no graph, so backward() would train nothing."""
    if not isinstance(value, Value):
        raise ArgumentTypeError(
            f"fit: {what} returned {shown(value)}, not a Value: a number has no graph to "
            "backpropagate through, so nothing would train; compute it from the prediction "
            "with Value operations (as nn.mse does), not from .data or float()"
        )
    return value
