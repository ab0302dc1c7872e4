"""The package's own errors: each names the operation, the operand's value and its label.

Every class also derives from the built-in error a Python user would expect
(``TypeError``, ``ValueError``, ...), so ``except ValueError`` keeps working.
"""


class AutogradError(Exception):
    """Base class of every error autograd-lite raises on purpose."""


class OperandTypeError(AutogradError, TypeError):
    """An operand is not a number (or a Value)."""


class DomainError(AutogradError, ValueError):
    """An operand lies outside the operation's domain (log of a negative number, ...)."""


class DivisionByZeroError(AutogradError, ZeroDivisionError):
    """Division by zero, or zero raised to a negative power."""


class ValueOverflowError(AutogradError, OverflowError):
    """A result too large for a float (exp of a huge number, ...)."""


class NonFiniteError(AutogradError, ValueError):
    """NaN or infinity offered as data where it was not allowed."""


class ArgumentError(AutogradError, ValueError):
    """An argument has the right type but a value the function cannot use (``digits=0``, ...)."""


class ArgumentTypeError(AutogradError, TypeError):
    """An argument has the wrong type (``explain(3.0)``, ...)."""


class GraphChangedError(AutogradError, ValueError):
    """A node's data is no longer what its operands give: the graph changed after its forward pass.

    Raised by readers of a graph (``explain``, ``draw``, the stepper page) instead of
    showing arithmetic that does not add up; run the forward pass again.
    """


class NoGraphError(AutogradError, RuntimeError):
    """``backward()`` on a result computed under ``no_grad()``: there is no graph to walk."""


class NotFoundError(AutogradError, KeyError):
    """No item has the name asked for (an example, a quantity, a node of a trace)."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class NodeNotFoundError(NotFoundError):
    """No node of a trace or a graph has the name asked for."""


class DotNotFoundError(AutogradError, RuntimeError):
    """Graphviz's ``dot`` program is missing; the message says how to install it."""


class GraphTooLargeError(AutogradError, ValueError):
    """The graph has more Values than the drawing limit (``max_nodes``)."""


# --- nn's errors ---------------------------------------------------------------------------------


class ModelFileError(AutogradError, ValueError):
    """A model file cannot be read or written: the message names the file and the problem."""


class BoolArgumentError(ArgumentTypeError, ArgumentError):
    """A bool where a number belongs (True is an int to Python): both a TypeError and a ValueError."""


class TorchMissingError(AutogradError, ImportError):
    """PyTorch is needed (``nn.to_torch``, ...) and will not import; the message says how."""


class TorchConversionError(AutogradError, ValueError):
    """A model or a torch module has a part the other side cannot express: the message names it."""


class ModelFileAccessError(ModelFileError, OSError):
    """The system refused to read or write a model file (a directory, no permission, a full disk).

    Also an ``OSError`` (``errno`` is the system's error number), so ``except OSError`` still
    catches it; the message names the file the caller gave, never a temporary one.
    """


class ModelFileNotFoundError(ModelFileAccessError, FileNotFoundError):
    """No file at the path given to ``nn.load``: also a ``FileNotFoundError``."""


class AutogradWarning(UserWarning):
    """Something legal that is very likely a mistake (softmax applied twice, ...)."""


# --- the example checker (nn.examples.check) -----------------------------------------------------


class ExampleFileError(ArgumentError):
    """A worked-example file cannot be checked: the message names the file, the line or key, and
    what is wrong (TOML syntax, an unknown name, a refused expression, a limit exceeded)."""


class ExampleFileWarning(AutogradWarning):
    """A worked-example file was read but loses something (a bare TOML float's trailing zeros)."""


# --- the command line ----------------------------------------------------------------------------


class ShadowedModuleError(AutogradError, ImportError):
    """A module named like one of ours is not ours (a local ``nn.py``, PyPI's unrelated ``nn``).

    The message names the path of the module Python found instead, and how to get ours back.
    """


class NoSuchAttributeError(AutogradError, AttributeError):
    """A package has no attribute of that name (``nn.no_such``): also an ``AttributeError``,
    so ``hasattr`` and ``from nn import ...`` behave as for any module."""
