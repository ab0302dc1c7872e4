"""autograd-lite: a scalar reverse-mode automatic-differentiation engine for learning backprop.

Build expressions out of ``Value``s, call ``backward()``, read every ``.grad``.
Every operation is one row of ``OPS`` (forward and local derivatives side by side).
"""

from .engine import Value, allow_nonfinite, grad, local_grads, no_grad, topological_order
from .errors import (
    AutogradError,
    DivisionByZeroError,
    DomainError,
    NonFiniteError,
    OperandTypeError,
    ValueOverflowError,
)
from .functional import dot, log_softmax, logsumexp, softmax, vsum
from .gradcheck import GradcheckResult, gradcheck
from .ops import OPS, Op

__all__ = [
    "OPS",
    "AutogradError",
    "DivisionByZeroError",
    "DomainError",
    "GradcheckResult",
    "NonFiniteError",
    "Op",
    "OperandTypeError",
    "Value",
    "ValueOverflowError",
    "allow_nonfinite",
    "dot",
    "grad",
    "gradcheck",
    "local_grads",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "softmax",
    "topological_order",
    "vsum",
]

__version__ = "0.1.0"
