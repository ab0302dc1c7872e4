"""The model file: what it holds, which classes it can hold, and how it is written (atomically).

The file holds ``format``, ``version``, ``model`` (the class's name), ``architecture``
(its constructor arguments) and ``parameters`` (its ``state_dict``: every parameter by
name). Floats are written with ``repr``, which round-trips exactly. This module knows no
model class: ``nn.layers`` registers the ones a file can hold (``storable``), so
``Module.save`` can write without importing the layers, and ``nn.serialize`` reads back.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from autograd_lite import ArgumentTypeError, NonFiniteError

FORMAT = "autograd-lite/nn"
VERSION = 1
FIELDS = ("format", "version", "model", "architecture", "parameters")

MODELS: dict[str, type] = {}
"""The classes a file can hold, by the name its field ``model`` records, in ``storable``'s order."""


def storable(*classes: type) -> None:
    """Let files hold exactly these classes: not their subclasses, which ``load`` could not rebuild."""
    MODELS.update((cls.__name__, cls) for cls in classes)


def save(model: object, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` via a temporary file and ``os.replace``.

    Until the replace, a previous file at ``path`` is untouched; if anything fails
    (or the process is interrupted) the temporary file is removed, so a crash never
    leaves a half-written model.
    """
    kind = type(model).__name__
    if MODELS.get(kind) is not type(model):
        raise ArgumentTypeError(f"save: can save {_one_of(MODELS)}, got {kind}")
    state = model.state_dict()
    for name, x in state.items():
        if not math.isfinite(x):
            raise NonFiniteError(
                f"save: parameter {name!r} is {x}; only finite parameters can be saved"
            )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "model": kind,
        "architecture": model.architecture(),
        "parameters": state,
    }
    write_atomically(Path(path), json.dumps(document, indent=1, allow_nan=False) + "\n")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _one_of(names: Iterable[str]) -> str:
    """``"an MLP, a Layer or a Neuron"``; a name in capitals is spelled out ("an M-L-P")."""
    spoken = []
    for name in names:
        vowel_sounds = "AEFHILMNORSX" if name.isupper() else "AEIOU"
        spoken.append(f"{'an' if name[0] in vowel_sounds else 'a'} {name}")
    return " or ".join([", ".join(spoken[:-1]), spoken[-1]] if len(spoken) > 1 else spoken)
