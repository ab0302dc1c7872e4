"""The optimizers' updates on plain floats, for ``fit(compiled=True)``: the same operations.

Each function is its optimizer's ``step()`` (``nn/optim.py``) written over a list of
parameter numbers and a list of gradients instead of Values, every float operation the
same and in the same order, so a compiled fit moves the weights bit for bit as a normal
one; the optimizer's state lists (momentum, averages, the step count) are updated in
place, so it can go on stepping normally afterwards. An optimizer of another class has
no float form: ``float_step`` returns ``None`` and ``fit`` calls its own ``step()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .optim import SGD, Adam, Optimizer, RMSprop

Step = Callable[[list[float], list[float]], list[float]]


def _with_decay(data: list[float], grads: list[float], weight_decay: float) -> list[float]:
    if not weight_decay:
        return grads
    return [g + weight_decay * d for d, g in zip(data, grads)]


def sgd(opt: SGD, data: list[float], grads: list[float]) -> list[float]:
    mu, lr = opt.momentum, opt.lr
    gs = _with_decay(data, grads, opt.weight_decay)
    if not mu:
        return [d - lr * g for d, g in zip(data, gs)]
    out = []
    buffers = opt.momentum_buffer
    for i, (d, g) in enumerate(zip(data, gs)):
        b = buffers[i]
        b = g if b is None else mu * b + (1.0 - opt.dampening) * g
        buffers[i] = b
        g = g + mu * b if opt.nesterov else b
        out.append(d - lr * g)
    return out


def rmsprop(opt: RMSprop, data: list[float], grads: list[float]) -> list[float]:
    a, lr = opt.alpha, opt.lr
    out = []
    for i, (d, g) in enumerate(zip(data, _with_decay(data, grads, opt.weight_decay))):
        v = opt.square_avg[i] = a * opt.square_avg[i] + (1.0 - a) * g * g
        if opt.centered:
            m = opt.grad_avg[i] = a * opt.grad_avg[i] + (1.0 - a) * g
            v = v - m * m
        denominator = math.sqrt(v) + opt.eps
        if opt.momentum:
            b = opt.momentum_buffer[i] = opt.momentum * opt.momentum_buffer[i] + g / denominator
            out.append(d - lr * b)
        else:
            out.append(d - lr * g / denominator)
    return out


def adam(opt: Adam, data: list[float], grads: list[float]) -> list[float]:
    b1, b2 = opt.betas
    opt.t += 1
    correction1 = 1.0 - b1**opt.t
    correction2 = 1.0 - b2**opt.t
    out = []
    for i, (d, g) in enumerate(zip(data, _with_decay(data, grads, opt.weight_decay))):
        m = opt.exp_avg[i] = b1 * opt.exp_avg[i] + (1.0 - b1) * g
        v = opt.exp_avg_sq[i] = b2 * opt.exp_avg_sq[i] + (1.0 - b2) * g * g
        out.append(d - opt.lr * (m / correction1) / (math.sqrt(v / correction2) + opt.eps))
    return out


_STEPS = {SGD: sgd, RMSprop: rmsprop, Adam: adam}


def float_step(optimizer: Optimizer) -> Callable[[list[float], list[float]], list[float]] | None:
    """``update(data, grads) -> new data`` for this optimizer, or ``None`` for another class."""
    step = _STEPS.get(type(optimizer))
    if step is None:
        return None
    return lambda data, grads: step(optimizer, data, grads)
