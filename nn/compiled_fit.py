"""``fit(compiled=True)``: each batch shape's step recorded once as a program, then replayed.

The step's graph (the model on the batch's examples, the per-example losses, their mean,
the penalty) is recorded with the examples and targets as *inputs* of the program, so
one program serves every batch of that size; the optimizer's update runs on plain floats
(its ``update``, the rule its ``step()`` applies to the Values). A loss whose graph would
depend on the label (max-margin's sign, cross-entropy's class index) is recorded in a
form that takes the label as a number, computing the same floats in the same order:

- ``max_margin``: ``relu(1 - y*s)``; ``y*s`` is exactly ``s`` or ``-s`` for y = +-1.
- ``cross_entropy`` with a class index: ``-dot(log_softmax(z), t)`` with ``t`` its one-hot
  row; a 0 weight adds a 0.0, which changes no sum, and the logits are reached in the order
  of the index form ``logsumexp(z) - z[c]``. A list of probabilities is refused: the normal
  graph reaches the logits from the first class of non-zero weight, so the order in which
  the hidden layer sums its gradients, and its last bits, would depend on the label.
- ``mse``, ``sse_half``, and a loss function passed in, take the target as Values.

``binary_cross_entropy`` and ``binary_cross_entropy_with_logits`` branch on the label or
the logit in Python, so their graph is not one program: they are refused. A loss function
of your own must not branch on the target's number either (what a recording freezes is
described in ``compile_graph``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd_lite import (
    ArgumentError,
    Program,
    Value,
    compile_graph,
    dot,
    log_softmax,
    no_grad,
    topological_order,
    vsum,
)

from . import losses
from ._checks import is_integer, is_real
from .optim import SGD, Optimizer


def float_update(optimizer: Optimizer) -> Callable[[list[float], list[float]], list[float]] | None:
    """The optimizer's rule on plain floats, or ``None`` when its ``step()`` is its own.

    An optimizer that keeps ``Optimizer.step`` is defined by its ``update`` (SGD, RMSprop,
    Adam, or a learner's that writes ``update``); one that overrides ``step()`` is called
    as it is, on the Values.
    """
    if type(optimizer).step is Optimizer.step and type(optimizer).update is not Optimizer.update:
        return optimizer.update
    return None


REFUSED = {
    losses.binary_cross_entropy: "binary_cross_entropy",
    losses.binary_cross_entropy_with_logits: "binary_cross_entropy_with_logits",
}


def _max_margin(scores, targets) -> Value:
    ss = [scores] if isinstance(scores, Value) else list(scores)
    ts = [targets] if isinstance(targets, Value) else list(targets)
    terms = [(1.0 - y * s).relu() for s, y in zip(ss, ts)]
    return terms[0] if len(terms) == 1 else vsum(terms) / len(terms)


def _cross_entropy(logits, target) -> Value:
    zs = [logits] if isinstance(logits, Value) else list(logits)
    return -dot(target, log_softmax(zs))


FORMS: dict[Callable, Callable] = {
    losses.max_margin: _max_margin,
    losses.cross_entropy: _cross_entropy,
}


class CompiledSteps:
    """One program per batch size for ``model`` under ``loss``; ``step(batch)`` runs one."""

    def __init__(self, model, loss_fn, penalty, optimizer, xs: list, ys: list, graph_check):
        if loss_fn in REFUSED:
            raise ArgumentError(
                f"fit(compiled=True): the loss {REFUSED[loss_fn]} branches on the label or the "
                "logit in Python, so no single program computes it; use compiled=False"
            )
        if loss_fn is losses.cross_entropy and not all(is_integer(y) for y in ys):
            raise ArgumentError(
                "fit(compiled=True) with cross_entropy takes class indices (ints) as targets: "
                "with probability lists the graph's order depends on the label; use "
                "compiled=False, or give each example's class index"
            )
        self.model, self.loss_fn, self.penalty = model, loss_fn, penalty
        self.form = FORMS.get(loss_fn, loss_fn)
        self.optimizer = optimizer
        self.graph_check = graph_check
        self.xs = xs
        self.ys = ys
        self.programs: dict[int, tuple[Program, list[Value], int]] = {}
        self.params = model.parameters()
        self.data = [p.data for p in self.params]
        self.grads = [0.0] * len(self.params)
        self.update = float_update(optimizer)
        self.width = None
        self.rows: list[list[float]] | None = None

    def _targets(self, y, n_outputs: int) -> list[float]:
        """The target as numbers: a class index of cross_entropy as its one-hot row."""
        if self.loss_fn is losses.cross_entropy and is_integer(y):
            return [1.0 if k == int(y) else 0.0 for k in range(n_outputs)]
        if is_real(y):
            return [float(y)]
        return [float(t) for t in y]

    def _target_values(self, y, numbers: list[float]):
        if self.loss_fn is losses.cross_entropy or not is_real(y):
            return [Value(t) for t in numbers]
        return Value(numbers[0])

    def _record(self, size: int) -> tuple[Program, list[Value], int]:
        """The step of a batch of ``size`` examples (the first ones), recorded and compiled."""
        examples = list(range(size))
        xv = [[Value(float(v), f"x{k}") for k, v in enumerate(self.xs[i], 1)] for i in examples]
        predictions = [self.model(x) for x in xv]
        outputs = [[p] if isinstance(p, Value) else list(p) for p in predictions]
        n_outputs = len(outputs[0])
        if self.rows is None:  # the real loss on each distinct target once: its checks, warnings
            for y in {repr(y): y for y in self.ys}.values():
                self.graph_check(self.loss_fn(predictions[0], y), "the loss function")
        self._check_all(n_outputs)
        tv = [
            self._target_values(self.ys[i], self._targets(self.ys[i], n_outputs)) for i in examples
        ]
        per_example = [
            self.graph_check(self.form(p, t), "the loss function") for p, t in zip(predictions, tv)
        ]
        loss = per_example[0] if size == 1 else vsum(per_example) / size
        if self.penalty is not None:
            loss = loss + self.graph_check(self.penalty(self.model), "penalty(model)")
        in_graph = {id(v) for v in topological_order(loss) if not v.parents}
        used = [k for k, p in enumerate(self.params) if id(p) in in_graph]
        leaves = []  # in the order of ``self.rows``: each example's inputs, then its targets
        for x, t in zip(xv, tv):
            leaves += [*x, *([t] if isinstance(t, Value) else t)]
        watch = [v for out in outputs for v in out]
        prog = compile_graph(
            loss, [self.params[k] for k in used] + leaves, grads_for=len(used), watch=watch
        )
        return prog, used, n_outputs

    def _check_all(self, n_outputs: int) -> None:
        """Every example and target, checked once (the normal fit checks each as it goes)."""
        if self.rows is not None:
            return
        width = len(self.xs[0])
        rows = []
        for x, y in zip(self.xs, self.ys):
            row = list(x)
            if len(row) != width or not all(is_real(v) and v - v == 0 for v in row):
                with no_grad():
                    self.model(x)  # the model's own error for a row it cannot take
                raise ArgumentError(
                    f"fit(compiled=True): example {row!r:.60} is not like the first"
                )
            rows.append([float(v) for v in row] + self._targets(y, n_outputs))
        self.rows = rows

    def step(self, batch: Sequence[int]) -> tuple[float, list | None]:
        """One optimizer step on ``batch``: its mean loss, and each example's prediction."""
        size = len(batch)
        entry = self.programs.get(size)
        if entry is None:
            entry = self.programs[size] = self._record(size)
        prog, used, n_outputs = entry
        data = self.data
        rows = self.rows
        if size == 1:
            values = (
                [data[k] for k in used] + rows[batch[0]]
                if len(used) != len(data)
                else data + rows[batch[0]]
            )
        else:
            values = [data[k] for k in used] if len(used) != len(data) else list(data)
            for i in batch:
                values += rows[i]
        loss, grads, watched = prog.run(values)
        if len(used) == len(data):
            self.grads = list(grads)
        else:
            self.grads = [0.0] * len(data)
            for k, g in zip(used, grads):
                self.grads[k] = g
        self._apply_update()
        if n_outputs == 1:
            predictions = [Value(v) for v in watched]
        else:
            predictions = [
                [Value(v) for v in watched[j * n_outputs : (j + 1) * n_outputs]]
                for j in range(size)
            ]
        return loss, predictions

    def _plain_sgd(self) -> bool:
        opt = self.optimizer
        return type(opt) is SGD and not opt.momentum and not opt.weight_decay and self._direct()

    def epoch(self, order: list[int], size: int, first: int, lr_for, rule, ys):
        """One epoch over ``order`` in batches of ``size``: (sum of batch loss * size, correct).

        ``lr_for(k)`` sets the learning rate of step ``k`` (counted over the whole fit, this
        epoch's first being ``first``) and returns it. With plain SGD the full batches go
        through the program's ``sgd_epoch`` loop; a step it stops at, and the rest, go
        through ``step`` (and so through the engine when a number is not finite).
        """
        batches = [order[k : k + size] for k in range(0, len(order), size)]
        total, correct, start = 0.0, 0, 0
        loop = None
        if self._plain_sgd() and len(batches[0]) == size:
            if size not in self.programs:
                self.programs[size] = self._record(size)
            prog, used, n_outputs = self.programs[size]
            loop = prog.sgd_epoch if len(used) == len(self.data) else None
        if loop is not None:
            full = batches if len(batches[-1]) == size else batches[:-1]
            lrs = [lr_for(first + k) for k in range(len(full))]
            rows = self.rows
            if size == 1:
                batch_rows = [rows[b[0]] for b in full]
            else:
                batch_rows = [[v for i in b for v in rows[i]] for b in full]
            losses, seen, data, last = loop(batch_rows, lrs, *self.data)
            start = len(losses)
            if start:  # stopped early (last is None): step() gives the gradients next
                self.data = list(data)
                if last is not None:
                    self.grads = list(last)
            for b, loss, watched in zip(full, losses, seen):
                total += loss * len(b)
                if rule:
                    correct += self._correct(rule, ys, b, watched, n_outputs)
        for k in range(start, len(batches)):
            b = batches[k]
            lr_for(first + k)
            loss, predictions = self.step(b)
            total += loss * len(b)
            if rule:
                correct += sum(rule(p, ys[i]) for p, i in zip(predictions, b))
        return total, correct

    def _correct(self, rule, ys, batch, watched, n_outputs) -> int:
        if n_outputs == 1:
            return sum(rule(Value(v), ys[i]) for v, i in zip(watched, batch))
        return sum(
            rule([Value(v) for v in watched[j * n_outputs : (j + 1) * n_outputs]], ys[i])
            for j, i in enumerate(batch)
        )

    def _apply_update(self) -> None:
        opt = self.optimizer
        if self.update is not None and self._direct():
            self.data = self.update(self.data, self.grads)
            return
        self.write_back()  # another optimizer: its own step() on the Values
        opt.step()
        self.data = [p.data for p in self.params]

    def _direct(self) -> bool:
        ids = getattr(self, "_direct_ok", None)
        if ids is None:
            ids = self._direct_ok = [id(p) for p in self.optimizer.params] == [
                id(p) for p in self.params
            ]
        return ids

    def write_back(self) -> None:
        """Each parameter's ``.data`` and ``.grad`` as after a normal step."""
        for p, d, g in zip(self.params, self.data, self.grads):
            p.data = d
            p.grad = g

    def read_back(self) -> None:
        """After ``on_epoch``: the numbers it may have set, from a model it must not have rebuilt."""
        params = self.model.parameters()
        if len(params) != len(self.params) or any(p is not q for p, q in zip(params, self.params)):
            raise ArgumentError(
                f"fit(compiled=True): the model's parameters changed during training (it had "
                f"{len(self.params)}, now {len(params)}, or some were replaced): its programs were "
                "recorded for the old ones; change the model between fit() calls, not in on_epoch"
            )
        self.data = [p.data for p in params]
