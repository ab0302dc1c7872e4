"""The model file: what it holds, which classes it can hold, and how it is written (atomically).

The file holds ``format``, ``version``, ``model`` (the class's name), ``architecture``
(its constructor arguments) and ``parameters`` (its ``state_dict``: every parameter by
name). Floats are written with ``repr``, which round-trips exactly. This module knows no
model class: ``nn.layers`` registers the ones a file can hold (``storable``), so
``Module.save`` can write without importing the layers, and ``nn.serialize`` reads back.

Every error names the file the caller gave (never the temporary file) and says why.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import math
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from autograd_lite import (
    ArgumentTypeError,
    ModelFileAccessError,
    ModelFileError,
    ModelFileNotFoundError,
    NonFiniteError,
)

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
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    write_atomically(_path(path, "save"), text)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it."""
    if path.is_dir():
        name = path / "model.json"
        raise _refused(path, errno.EISDIR, f"is a directory; save to a file such as {name}")
    if not path.parent.is_dir():
        exists = path.parent.exists()
        number = errno.ENOTDIR if exists else errno.ENOENT
        what = "is not a folder" if exists else "does not exist"
        raise _refused(path, number, f"cannot save: the folder {path.parent} {what}")
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise _cannot_create(path, exc) from exc
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if not isinstance(exc, OSError):
            raise
        kept = "the previous file is untouched" if path.exists() else "nothing was written"
        raise _refused(path, exc.errno, f"cannot save ({_reason(exc)}); {kept}") from exc


def read(path: str | os.PathLike, max_parameters: int) -> tuple[Path, str]:
    """The text of a model file, refused early if it cannot be one: too large, binary, not UTF-8.

    A file of a model with ``max_parameters`` parameters takes about 55 bytes for each;
    anything beyond 64 KiB plus 128 bytes per parameter is refused before it is read.
    """
    path = _path(path, "load")
    try:
        info = path.stat()
    except FileNotFoundError:
        error = ModelFileNotFoundError(f"{path}: no such file")
        error.errno = errno.ENOENT
        raise error from None
    except OSError as exc:
        raise _refused(path, exc.errno, f"cannot read it ({_reason(exc)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise _refused(path, errno.EISDIR, "is a directory, not a model file")
    if not stat.S_ISREG(info.st_mode):
        raise ModelFileError(
            f"{path}: is not a regular file (a device, a pipe...), not a model file"
        )
    ceiling = 64 * 1024 + 128 * max_parameters

    def too_large(size: str) -> ModelFileError:
        return ModelFileError(
            f"{path}: is {size} bytes, more than a model file of at most "
            f"max_parameters={max_parameters:,} parameters takes ({ceiling:,} bytes); pass a "
            "larger max_parameters if it holds a larger model"
        )

    if info.st_size > ceiling:
        raise too_large(f"{info.st_size:,}")
    try:
        with path.open("rb") as file:
            data = _read_at_most(file, ceiling + 1)
    except OSError as exc:
        raise _refused(path, exc.errno, f"cannot read it ({_reason(exc)})") from None
    if len(data) > ceiling:  # it grew since, or its size was not known
        raise too_large(f"over {ceiling:,}")
    return path, _decode(path, data)


def _read_at_most(file, size: int) -> bytes:
    """Up to ``size`` bytes, a megabyte at a time (``read(size)`` would reserve all of ``size``)."""
    chunks, total = [], 0
    while total < size and (chunk := file.read(min(1 << 20, size - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 text (an editor's byte-order mark allowed), or an error saying what the bytes are."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ModelFileError(
            f"{path}: is UTF-16 (or UTF-32) text; model files are UTF-8: re-encode it as UTF-8"
        )
    data = data.removeprefix(codecs.BOM_UTF8)
    nul = data.find(b"\0")
    if nul >= 0:
        raise ModelFileError(
            f"{path}: holds binary data (a NUL byte at offset {nul}), not the JSON text of a "
            "model file"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(
            f"{path}: is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            "is invalid (binary data, or text in another encoding such as Latin-1); model "
            "files are UTF-8 JSON"
        ) from None


def _path(path: object, who: str) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise ArgumentTypeError(f"{who}: path must be a str or a path, got {type(path).__name__}")
    return Path(path)


def _cannot_create(path: Path, exc: OSError) -> ModelFileAccessError:
    """A temporary file could not be made beside ``path``: say why an atomic save needs one."""
    if not isinstance(exc, PermissionError):
        return _refused(path, exc.errno, f"cannot save ({_reason(exc)}); nothing was written")
    writable = "the file itself is writable, but " if os.access(path, os.W_OK) else ""
    return _refused(
        path,
        exc.errno,
        f"cannot save: the folder {path.parent} does not allow creating files "
        f"({_reason(exc)}); {writable}a save is atomic: it writes a temporary file in the same "
        "folder and renames it over the target, so a crash never leaves half a model. Make "
        "the folder writable, or save elsewhere and move the file",
    )


def _refused(path: Path, number: int | None, message: str) -> ModelFileAccessError:
    error = ModelFileAccessError(f"{path}: {message}")
    error.errno = number
    return error


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _one_of(names: Iterable[str]) -> str:
    """``"an MLP, a Layer or a Neuron"``; a name in capitals is spelled out ("an M-L-P")."""
    spoken = []
    for name in names:
        vowel_sounds = "AEFHILMNORSX" if name.isupper() else "AEIOU"
        spoken.append(f"{'an' if name[0] in vowel_sounds else 'a'} {name}")
    return " or ".join([", ".join(spoken[:-1]), spoken[-1]] if len(spoken) > 1 else spoken)
