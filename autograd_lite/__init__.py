"""autograd-lite: a scalar reverse-mode automatic-differentiation engine for learning backprop.

Build expressions out of ``Value``s, call ``backward()``, read every ``.grad``.
Every operation is one row of ``OPS`` (forward and local derivatives side by side).
"""

from .chain import ChainDerivation, ChainFactor, ChainPath, chain
from .compiler import compile_graph
from .engine import Value, allow_nonfinite, local_grads, no_grad
from .errors import (
    ArgumentError,
    ArgumentTypeError,
    AutogradError,
    AutogradWarning,
    BoolArgumentError,
    DivisionByZeroError,
    DomainError,
    DotNotFoundError,
    ExampleFileError,
    ExampleFileWarning,
    GraphChangedError,
    GraphTooLargeError,
    ModelFileAccessError,
    ModelFileError,
    ModelFileNotFoundError,
    NodeNotFoundError,
    NoGraphError,
    NonFiniteError,
    NoSuchAttributeError,
    NotFoundError,
    OperandTypeError,
    ShadowedModuleError,
    TorchConversionError,
    TorchMissingError,
    ValueOverflowError,
)
from .extend import apply
from .functional import dot, layer_dot, log_softmax, logsumexp, softmax, vsum
from .gradcheck import GradcheckResult, gradcheck
from .gradients import grad
from .graph_order import topological_order
from .naming import NodeName, format_number, node_names
from .ops import OPS, Op, number
from .practice import PracticeScore, practice
from .program import Program
from .render import draw, save_svg
from .stepper import StepperPage, save_html, stepper_page
from .trace import BackwardStep, Contribution, ForwardStep, Trace, TracedNode, explain

__all__ = [
    "OPS",
    "ArgumentError",
    "ArgumentTypeError",
    "AutogradError",
    "AutogradWarning",
    "BackwardStep",
    "BoolArgumentError",
    "ChainDerivation",
    "ChainFactor",
    "ChainPath",
    "Contribution",
    "DivisionByZeroError",
    "DomainError",
    "DotNotFoundError",
    "ExampleFileError",
    "ExampleFileWarning",
    "ForwardStep",
    "GradcheckResult",
    "GraphChangedError",
    "GraphTooLargeError",
    "ModelFileAccessError",
    "ModelFileError",
    "ModelFileNotFoundError",
    "NoGraphError",
    "NoSuchAttributeError",
    "NodeName",
    "NodeNotFoundError",
    "NonFiniteError",
    "NotFoundError",
    "Op",
    "OperandTypeError",
    "PracticeScore",
    "Program",
    "ShadowedModuleError",
    "StepperPage",
    "TorchConversionError",
    "TorchMissingError",
    "Trace",
    "TracedNode",
    "Value",
    "ValueOverflowError",
    "allow_nonfinite",
    "apply",
    "chain",
    "compile_graph",
    "dot",
    "draw",
    "explain",
    "format_number",
    "grad",
    "gradcheck",
    "layer_dot",
    "local_grads",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "node_names",
    "number",
    "practice",
    "save_html",
    "save_svg",
    "softmax",
    "stepper_page",
    "topological_order",
    "vsum",
]

__version__ = "0.1.0"
