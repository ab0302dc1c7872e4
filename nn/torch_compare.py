"""``compare_with_torch``: the scalar model and its torch twin on one batch, side by side.

The scalar side is what ``nn.fit`` computes for one step: each example's loss, their
mean, ``backward()``. The torch side is the twin from ``nn.to_torch`` on the whole batch
at once, with torch's own loss (``mse_loss``, ``binary_cross_entropy``,
``binary_cross_entropy_with_logits``, ``cross_entropy``; ``max_margin`` and ``sse_half``
written with torch operations), and ``loss.backward()``. Both run in float64, so the
loss, the outputs and every gradient agree to about 1e-15; ``1e-12`` is the default
tolerance of ``TorchComparison.agrees``.

Differences are relative: ``|a - b| / max(|a|, |b|, scale)``, where ``scale`` is the
largest gradient of the model (for a gradient) or the largest output of the batch (for an
output). A gradient is a sum of many terms, and its rounding error is a fraction of those
terms, not of their sum: a gradient that nearly cancels to zero (say 1e-7 of the largest)
keeps only the digits the cancellation leaves, in both engines, and measured against
itself alone would differ by 1e-10 where both are right to float64's precision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from autograd_lite import ArgumentError, ArgumentTypeError, Value, vsum

from . import losses
from ._checks import is_integer, is_real
from .layers import MLP, Layer, Neuron
from .torch_bridge import import_torch, layer_weights, to_torch

TOLERANCE = 1e-12


def _mse(torch: ModuleType, out, target):
    return torch.nn.functional.mse_loss(out, target)


def _sse_half(torch: ModuleType, out, target):
    return 0.5 * ((target - out) ** 2).sum(dim=1).mean()


def _bce(torch: ModuleType, out, target):
    return torch.nn.functional.binary_cross_entropy(out, target)


def _bce_logits(torch: ModuleType, out, target):
    return torch.nn.functional.binary_cross_entropy_with_logits(out, target)


def _cross_entropy(torch: ModuleType, out, target):
    return torch.nn.functional.cross_entropy(out, target)


def _max_margin(torch: ModuleType, out, target):
    return torch.relu(1.0 - target * out).mean()


TORCH_LOSSES: dict[str, tuple[Callable[..., Value], Callable]] = {
    "mse": (losses.mse, _mse),
    "sse_half": (losses.sse_half, _sse_half),
    "binary_cross_entropy": (losses.binary_cross_entropy, _bce),
    "binary_cross_entropy_with_logits": (losses.binary_cross_entropy_with_logits, _bce_logits),
    "cross_entropy": (losses.cross_entropy, _cross_entropy),
    "max_margin": (losses.max_margin, _max_margin),
}
"""Each loss by name: the scalar loss of one example, and the torch loss of a batch (its mean)."""


def relative_difference(a: float, b: float, scale: float = 0.0) -> float:
    """``|a - b| / max(|a|, |b|, scale)``, and 0 when the two are equal (both zero included)."""
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), scale)


@dataclass(frozen=True)
class ParameterComparison:
    """One parameter in both worlds: its names, its value, and its gradient from each engine."""

    name: str
    """The scalar model's name, ``layers.1.neurons.3.w.0``."""
    torch_name: str
    """The same number in the torch twin, ``layers.1.weight[3, 0]``."""
    value: float
    grad: float
    torch_grad: float
    difference: float
    """``|grad - torch_grad| / max(|grad|, |torch_grad|, the model's largest gradient)``."""


@dataclass(frozen=True)
class TorchComparison:
    """What ``compare_with_torch`` measured: the loss, the outputs and every gradient."""

    loss_name: str
    n_examples: int
    loss: float
    torch_loss: float
    output_difference: float
    """The largest relative difference between the two engines' outputs."""
    parameters: tuple[ParameterComparison, ...]

    @property
    def loss_difference(self) -> float:
        return relative_difference(self.loss, self.torch_loss)

    @property
    def worst(self) -> ParameterComparison:
        """The parameter whose two gradients differ the most."""
        return max(self.parameters, key=lambda p: p.difference)

    @property
    def max_difference(self) -> float:
        """The largest relative difference of all: outputs, loss and every gradient."""
        return max(self.output_difference, self.loss_difference, self.worst.difference)

    def agrees(self, tolerance: float = TOLERANCE) -> bool:
        """Whether every difference is at most ``tolerance`` (float64: 1e-12 is generous)."""
        return self.max_difference <= tolerance

    def by_name(self) -> dict[str, ParameterComparison]:
        return {p.name: p for p in self.parameters}

    def table(self, limit: int | None = 10) -> str:
        """The report as text; ``limit`` parameters (the first ones), ``None`` for all."""
        shown = self.parameters if limit is None else self.parameters[:limit]
        width = max(len("autograd-lite"), *(len(p.name) for p in shown))
        torch_width = max(len("torch"), *(len(p.torch_name) for p in shown))
        lines = [
            (
                f"{self.loss_name} on {self.n_examples} examples: "
                f"autograd-lite {self.loss!r}, torch {self.torch_loss!r} "
                f"(relative difference {self.loss_difference:.1e}); "
                f"outputs differ by at most {self.output_difference:.1e}"
            ),
            (
                f"{'autograd-lite':<{width}}  {'torch':<{torch_width}}  "
                f"{'grad (autograd-lite)':>22}  {'grad (torch)':>22}  {'rel. diff':>9}"
            ),
        ]
        for p in shown:
            lines.append(
                f"{p.name:<{width}}  {p.torch_name:<{torch_width}}  "
                f"{p.grad:>22.15e}  {p.torch_grad:>22.15e}  {p.difference:>9.1e}"
            )
        if len(shown) < len(self.parameters):
            lines.append(f"... and {len(self.parameters) - len(shown)} more parameters")
        worst = self.worst
        lines.append(
            f"largest relative difference: {self.max_difference:.1e} "
            f"(the largest of a gradient: {worst.name} = {worst.torch_name}, {worst.difference:.1e})"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def compare_with_torch(
    model: MLP | Layer | Neuron, xs: Sequence[Sequence[float]], ys: Sequence, *, loss: str
) -> TorchComparison:
    """Run ``model`` and its torch twin (``nn.to_torch(model)``) on one batch and compare.

    The loss is the mean of the per-example losses, as in ``nn.fit``; ``loss`` is one of
    ``mse``, ``sse_half``, ``binary_cross_entropy``, ``binary_cross_entropy_with_logits``,
    ``cross_entropy``, ``max_margin`` (a name, or that function of ``nn.losses``). ``xs``
    is ``n`` examples of ``model.nin`` numbers; ``ys`` their targets: one number per output
    (a plain number for a single output), or for ``cross_entropy`` a class index or a list
    of probabilities. Batches of the wrong shape are refused before anything runs.

    As a training step does, this zeroes the model's gradients and calls ``backward()``:
    afterwards each parameter's ``.grad`` holds the batch loss's gradient.
    """
    name = _loss_name(loss)
    torch = import_torch("nn.compare_with_torch")
    layers = layer_weights(model, "nn.compare_with_torch")
    n_in, n_out = len(layers[0].rows[0]), len(layers[-1].rows)
    inputs = _inputs(xs, n_in)
    targets = _targets(ys, len(inputs), n_out, name)
    scalar_loss, torch_loss = TORCH_LOSSES[name]

    outputs = [model(x) for x in inputs]
    per_example = [scalar_loss(out, y) for out, y in zip(outputs, targets)]
    batch_loss = per_example[0] if len(inputs) == 1 else vsum(per_example) / len(inputs)
    model.zero_grad()
    batch_loss.backward()
    grads = {p_name: float(p.grad) for p_name, p in model.named_parameters()}
    values = {p_name: p.data for p_name, p in model.named_parameters()}

    twin = to_torch(model)
    batch = twin(torch.tensor(inputs, dtype=torch.float64))
    twin_loss = torch_loss(torch, batch, _torch_targets(torch, targets, n_out, name))
    twin_loss.backward()
    torch_grads = {
        key: torch.zeros_like(tensor) if tensor.grad is None else tensor.grad.detach()
        for key, tensor in twin.named_parameters()
    }
    scale = max(
        max(map(abs, grads.values())), *(float(g.abs().max()) for g in torch_grads.values())
    )
    rows = []
    for layer in layers:
        for scalar_name, torch_name, index in layer.names():
            grad, torch_grad = grads[scalar_name], float(torch_grads[torch_name][index])
            rows.append(
                ParameterComparison(
                    scalar_name,
                    f"{torch_name}[{', '.join(map(str, index))}]",
                    values[scalar_name],
                    grad,
                    torch_grad,
                    relative_difference(grad, torch_grad, scale),
                )
            )
    scalar_outputs = [[o.data] if isinstance(o, Value) else [v.data for v in o] for o in outputs]
    largest = max(abs(v) for row in scalar_outputs for v in row)
    output_difference = max(
        relative_difference(a, b, largest)
        for mine, theirs in zip(scalar_outputs, batch.detach().tolist())
        for a, b in zip(mine, theirs)
    )
    return TorchComparison(
        name,
        len(inputs),
        batch_loss.data,
        float(twin_loss.detach()),
        output_difference,
        tuple(rows),
    )


def _loss_name(loss: object) -> str:
    if isinstance(loss, str) and loss in TORCH_LOSSES:
        return loss
    for name, (function, _) in TORCH_LOSSES.items():
        if loss is function:
            return name
    if isinstance(loss, str) or callable(loss):
        raise ArgumentError(
            f"nn.compare_with_torch: loss {getattr(loss, '__name__', loss)!r} has no torch twin "
            f"here; choose one of {', '.join(TORCH_LOSSES)}"
        )
    raise ArgumentTypeError(
        f"nn.compare_with_torch: loss must be a loss name, got {type(loss).__name__}"
    )


def _rows(x: object) -> object:
    """A numpy array or a torch tensor as nested lists; anything else as it is."""
    return x.tolist() if hasattr(x, "tolist") and not isinstance(x, (list, tuple)) else x


def _inputs(xs: object, n_in: int) -> list[list[float]]:
    xs = _rows(xs)
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence):
        raise ArgumentTypeError(
            f"nn.compare_with_torch: xs must be a list of examples, got {type(xs).__name__}"
        )
    if not xs:
        raise ArgumentError("nn.compare_with_torch: no examples (xs is empty)")
    inputs = []
    for i, x in enumerate(xs):
        x = _rows(x)
        if not isinstance(x, Sequence) or isinstance(x, (str, bytes)):
            raise ArgumentError(
                f"nn.compare_with_torch: example {i} is a {type(x).__name__}, not a list of "
                f"{n_in} inputs: the batch must have shape (n_examples, {n_in})"
            )
        if len(x) != n_in:
            raise ArgumentError(
                f"nn.compare_with_torch: example {i} has {len(x)} inputs and the model takes "
                f"{n_in}: the batch must have shape (n_examples, {n_in})"
            )
        for k, v in enumerate(x):
            if not is_real(v):
                raise ArgumentTypeError(
                    f"nn.compare_with_torch: input {k} of example {i} is a {type(v).__name__}, "
                    "not a number"
                )
        inputs.append([float(v) for v in x])
    return inputs


def _targets(ys: object, n: int, n_out: int, name: str) -> list:
    ys = _rows(ys)
    if isinstance(ys, (str, bytes)) or not isinstance(ys, Sequence):
        raise ArgumentTypeError(
            f"nn.compare_with_torch: ys must be a list of targets, got {type(ys).__name__}"
        )
    if len(ys) != n:
        raise ArgumentError(f"nn.compare_with_torch: {n} examples but {len(ys)} targets")
    targets = []
    for i, y in enumerate(ys):
        y = _rows(y)
        if name == "cross_entropy" and is_integer(y):
            targets.append(int(y))
            continue
        if is_real(y) and n_out == 1:
            targets.append(float(y))
            continue
        if not isinstance(y, Sequence) or isinstance(y, (str, bytes)) or len(y) != n_out:
            got = f"{len(y)} values" if isinstance(y, Sequence) else f"a {type(y).__name__}"
            what = "a class index or " if name == "cross_entropy" else ""
            raise ArgumentError(
                f"nn.compare_with_torch: target {i} is {got}; the model has {n_out} outputs, "
                f"so each target is {what}a list of {n_out} numbers"
                + (" (or one number)" if n_out == 1 else "")
            )
        if not all(is_real(v) for v in y):
            raise ArgumentTypeError(f"nn.compare_with_torch: target {i} holds a non-number")
        targets.append([float(v) for v in y])
    if name == "cross_entropy" and len({isinstance(y, int) for y in targets}) > 1:
        raise ArgumentError(
            "nn.compare_with_torch: cross_entropy targets must be all class indices or all "
            "lists of probabilities, as torch's cross_entropy takes one or the other"
        )
    return targets


def _torch_targets(torch: ModuleType, targets: list, n_out: int, name: str):
    if name == "cross_entropy" and isinstance(targets[0], int):
        return torch.tensor(targets, dtype=torch.long)
    rows = [[y] if isinstance(y, float) else y for y in targets]
    return torch.tensor(rows, dtype=torch.float64)
