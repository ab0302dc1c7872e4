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
