"""``nn.save`` and ``nn.load``: a model as JSON, written atomically, read back bit for bit.

The file's fields are described in ``nn._model_file``, which writes it; loading checks
every field and refuses anything malformed with a ``ModelFileError`` naming the field.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from autograd_lite import ModelFileError

from ._checks import is_integer, is_real
from ._model_file import FIELDS, FORMAT, MODELS, VERSION, save
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .module import Module

__all__ = ["FIELDS", "FORMAT", "MODELS", "VERSION", "ModelFileError", "load", "save"]


def load(path: str | os.PathLike) -> Module:
    """Rebuild the model saved at ``path``, after checking every field of the file.

    Anything malformed raises ``ModelFileError`` naming the file and the field (not
    JSON, another format or version, a missing or extra field, a bad architecture,
    missing or extra parameters, a parameter that is not a finite number).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{path}: not a JSON file ({exc})") from None

    def fail(message: str) -> ModelFileError:
        return ModelFileError(f"{path}: {message}")

    if not isinstance(document, dict):
        raise fail(
            f"expected a JSON object with fields {', '.join(FIELDS)}; got a {_json_type(document)}"
        )
    _exact_keys(document, FIELDS, "the file", fail)
    if document["format"] != FORMAT:
        raise fail(f"field 'format' is {document['format']!r}; expected {FORMAT!r}")
    version = document["version"]
    if not is_integer(version) or version != VERSION:
        raise fail(f"field 'version' is {version!r}; this autograd-lite reads version {VERSION}")
    kind = document["model"]
    if kind not in MODELS:
        raise fail(f"field 'model' is {kind!r}; expected one of {', '.join(MODELS)}")
    model = _build(kind, document["architecture"], fail)
    parameters = document["parameters"]
    if not isinstance(parameters, dict):
        raise fail(
            f"field 'parameters' must be an object of names to numbers, got a {_json_type(parameters)}"
        )
    names = [name for name, _ in model.named_parameters()]
    missing = [n for n in names if n not in parameters]
    extra = sorted(set(parameters).difference(names))
    if missing or extra:
        problem = f"lacks {_some(missing)}" if missing else f"has unexpected {_some(extra)}"
        raise fail(
            f"field 'parameters' {problem}: the architecture has {len(names)} parameters, "
            f"the file {len(parameters)}"
        )
    for name in names:
        x = parameters[name]
        where = f"field 'parameters.{name}'"
        if not is_real(x):
            raise fail(f"{where} must be a number, got {_json_type(x)} {x!r:.40}")
        if not math.isfinite(x):
            raise fail(f"{where} is {x}; parameters must be finite numbers")
    model.load_state_dict(parameters)
    return model


_ARCHITECTURES = {
    "Neuron": ("nin", "activation", "bias"),
    "Layer": ("nin", "nout", "activation", "bias"),
    "MLP": ("nin", "nouts", "activations", "bias"),
}


def _build(kind: str, arch: object, fail) -> Module:
    """Check the architecture field by field, then construct (parameters set afterwards)."""
    if not isinstance(arch, dict):
        raise fail(f"field 'architecture' must be an object, got a {_json_type(arch)}")
    _exact_keys(arch, _ARCHITECTURES[kind], "field 'architecture'", fail)

    def size(value: object, where: str) -> int:
        if not is_integer(value) or value < 1:
            raise fail(f"field 'architecture.{where}' must be a positive integer, got {value!r}")
        return value

    def activation(value: object, where: str, layer: bool = True) -> str:
        allowed = ACTIVATIONS if layer else tuple(a for a in ACTIVATIONS if a != "softmax")
        if value not in allowed:
            raise fail(
                f"field 'architecture.{where}' is {value!r}; expected one of {', '.join(allowed)}"
            )
        return value

    def flag(value: object, where: str) -> bool:
        if not isinstance(value, bool):
            raise fail(f"field 'architecture.{where}' must be true or false, got {value!r}")
        return value

    def per_layer(field: str, count: int) -> list:
        value = arch[field]
        if not isinstance(value, list) or len(value) != count:
            raise fail(
                f"field 'architecture.{field}' must be a list of {count} entries (one per layer), got {value!r:.60}"
            )
        return value

    nin = size(arch["nin"], "nin")
    seed = 0  # a private generator: loading never advances the global ``random`` state
    if kind == "Neuron":
        return Neuron(
            nin,
            activation(arch["activation"], "activation", False),
            flag(arch["bias"], "bias"),
            seed=seed,
        )
    if kind == "Layer":
        nout = size(arch["nout"], "nout")
        return Layer(
            nin,
            nout,
            activation(arch["activation"], "activation"),
            flag(arch["bias"], "bias"),
            seed=seed,
        )
    nouts = arch["nouts"]
    if not isinstance(nouts, list) or not nouts:
        raise fail(
            f"field 'architecture.nouts' must be a non-empty list of layer sizes, got {nouts!r:.60}"
        )
    sizes = [size(n, f"nouts[{i}]") for i, n in enumerate(nouts)]
    acts = [
        activation(a, f"activations[{i}]")
        for i, a in enumerate(per_layer("activations", len(sizes)))
    ]
    flags = [flag(b, f"bias[{i}]") for i, b in enumerate(per_layer("bias", len(sizes)))]
    return MLP(nin, sizes, acts, flags, seed=seed)


def _exact_keys(obj: dict, expected: tuple[str, ...], what: str, fail) -> None:
    for key in expected:
        if key not in obj:
            raise fail(f"{what} lacks the field {key!r}")
    for key in obj:
        if key not in expected:
            raise fail(
                f"{what} has an unexpected field {key!r}; expected only {', '.join(expected)}"
            )


def _json_type(x: object) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(x), "number" if is_real(x) else type(x).__name__)


def _some(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
