"""Optimizers that follow ``torch.optim``'s documented update rules, one scalar at a time.

Each writes its rule once, as ``update(data, grads)`` on plain floats; ``step()`` reads
``p.data`` and ``p.grad`` of its parameters, applies it and writes ``p.data``, so an update
records no graph (as ``torch.no_grad()`` would ensure), and ``fit(compiled=True)`` applies
the same rule to a program's numbers. The
state each keeps is a public list, one entry per parameter, in the order given:

- ``SGD``: ``momentum_buffer`` (``None`` until the first step with momentum).
- ``RMSprop``: ``square_avg`` (v), ``grad_avg`` (centered only), ``momentum_buffer``.
- ``Adam``: ``exp_avg`` (m), ``exp_avg_sq`` (v), and the shared step count ``t``.

``lr`` is an attribute: change it between steps for a schedule. Setting it checks it as
the constructor does (finite and >= 0), so a schedule's mistake stops training at once.
Parameters are ``model.parameters()``: the model or the method itself is refused by name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd_lite import ArgumentError, Value, number

from ._checks import is_sequence, non_negative, parameter_list


class Optimizer:
    """What every optimizer shares: its parameters, ``lr``, ``zero_grad()``."""

    def __init__(self, params: Iterable[Value], lr: float):
        name = type(self).__name__
        self.params = parameter_list(params, name)
        if not self.params:
            raise ArgumentError(f"{name}: got an empty list of parameters")
        seen = set()
        for i, p in enumerate(self.params):
            if id(p) in seen:
                raise ArgumentError(
                    f"{name}: parameter {i} ({p!r}) appears twice; it would be updated twice"
                )
            seen.add(id(p))
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate: finite and >= 0, checked whenever it is set."""
        return self._lr

    @lr.setter
    def lr(self, lr: float) -> None:
        self._lr = non_negative(lr, f"{type(self).__name__}: lr")

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 before the next ``backward()``."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Move every parameter by the rule of ``update``, on its ``.data`` and ``.grad``."""
        params = self.params
        new = self.update([p.data for p in params], [number(p.grad) for p in params])
        for p, d in zip(params, new):
            p.data = d

    def update(self, data: list[float], grads: list[float]) -> list[float]:
        """The parameters' numbers after one step from these gradients; the state moves on.

        The rule itself, on plain floats: ``step()`` applies it to the Values, and
        ``fit(compiled=True)`` to the numbers a program returns, so both take the same
        float operations in the same order. A subclass defines this, or its own ``step()``.
        """
        raise NotImplementedError(f"{type(self).__name__} defines neither update() nor step()")


def _with_decay(data: list[float], grads: list[float], weight_decay: float) -> list[float]:
    """``g + weight_decay * θ`` for each parameter (L2 decay folded into the gradient)."""
    if not weight_decay:
        return grads
    return [g + weight_decay * d for d, g in zip(data, grads)]


class SGD(Optimizer):
    """``θ ← θ - lr * g`` with optional L2 weight decay, momentum, dampening and Nesterov.

    As in ``torch.optim.SGD``: ``g = grad + weight_decay * θ``; with momentum ``μ``,
    ``b = g`` on the first step and ``b = μ b + (1 - dampening) g`` after, then
    ``g = b`` (or ``g + μ b`` with ``nesterov``).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        super().__init__(params, lr)
        self.momentum = non_negative(momentum, "SGD: momentum")
        self.dampening = non_negative(dampening, "SGD: dampening")
        self.weight_decay = non_negative(weight_decay, "SGD: weight_decay")
        self.nesterov = bool(nesterov)
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ArgumentError("SGD: nesterov needs a momentum > 0 and zero dampening")
        self.momentum_buffer: list[float | None] = [None] * len(self.params)

    def update(self, data: list[float], grads: list[float]) -> list[float]:
        mu, lr = self.momentum, self.lr
        grads = _with_decay(data, grads, self.weight_decay)
        if not mu:
            return [d - lr * g for d, g in zip(data, grads)]
        out = []
        buffers = self.momentum_buffer
        for i, (d, g) in enumerate(zip(data, grads)):
            b = buffers[i]
            b = g if b is None else mu * b + (1.0 - self.dampening) * g
            buffers[i] = b
            g = g + mu * b if self.nesterov else b
            out.append(d - lr * g)
        return out


class RMSprop(Optimizer):
    """``θ ← θ - lr * g / (sqrt(v) + eps)`` with ``v = α v + (1 - α) g²`` (v starts at 0).

    As in ``torch.optim.RMSprop``: ``centered`` subtracts the squared running mean of
    ``g`` from ``v``; with ``momentum`` μ, ``b = μ b + g / (sqrt(v) + eps)`` and
    ``θ ← θ - lr * b``.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ):
        super().__init__(params, lr)
        # alpha >= 1 never lets a gradient into v (1) or drives v negative (> 1): sqrt fails
        self.alpha = non_negative(alpha, "RMSprop: alpha (the decay of v)", below=1.0)
        self.eps = non_negative(eps, "RMSprop: eps")
        self.weight_decay = non_negative(weight_decay, "RMSprop: weight_decay")
        self.momentum = non_negative(momentum, "RMSprop: momentum")
        self.centered = bool(centered)
        n = len(self.params)
        self.square_avg = [0.0] * n
        self.grad_avg = [0.0] * n
        self.momentum_buffer = [0.0] * n

    def update(self, data: list[float], grads: list[float]) -> list[float]:
        a, lr = self.alpha, self.lr
        out = []
        for i, (d, g) in enumerate(zip(data, _with_decay(data, grads, self.weight_decay))):
            v = self.square_avg[i] = a * self.square_avg[i] + (1.0 - a) * g * g
            if self.centered:
                m = self.grad_avg[i] = a * self.grad_avg[i] + (1.0 - a) * g
                v = v - m * m
            denominator = math.sqrt(v) + self.eps
            if self.momentum:
                b = self.momentum_buffer[i] = (
                    self.momentum * self.momentum_buffer[i] + g / denominator
                )
                out.append(d - lr * b)
            else:
                out.append(d - lr * g / denominator)
        return out


class Adam(Optimizer):
    """``θ ← θ - lr * m̂ / (sqrt(v̂) + eps)``: running moments with bias correction.

    As in ``torch.optim.Adam`` (not AdamW): ``g = grad + weight_decay * θ``,
    ``m = β1 m + (1 - β1) g``, ``v = β2 v + (1 - β2) g²``, ``m̂ = m / (1 - β1^t)``,
    ``v̂ = v / (1 - β2^t)`` at step ``t = 1, 2, ...``.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr)
        if not is_sequence(betas) or len(betas) != 2:
            raise ArgumentError(f"Adam: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = tuple(
            non_negative(b, f"Adam: betas[{i}]", below=1.0) for i, b in enumerate(betas)
        )
        self.eps = non_negative(eps, "Adam: eps")
        self.weight_decay = non_negative(weight_decay, "Adam: weight_decay")
        n = len(self.params)
        self.exp_avg = [0.0] * n
        self.exp_avg_sq = [0.0] * n
        self.t = 0

    def update(self, data: list[float], grads: list[float]) -> list[float]:
        b1, b2 = self.betas
        self.t += 1
        correction1 = 1.0 - b1**self.t
        correction2 = 1.0 - b2**self.t
        out = []
        for i, (d, g) in enumerate(zip(data, _with_decay(data, grads, self.weight_decay))):
            m = self.exp_avg[i] = b1 * self.exp_avg[i] + (1.0 - b1) * g
            v = self.exp_avg_sq[i] = b2 * self.exp_avg_sq[i] + (1.0 - b2) * g * g
            out.append(d - self.lr * (m / correction1) / (math.sqrt(v / correction2) + self.eps))
        return out
