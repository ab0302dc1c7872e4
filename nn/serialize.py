"""``nn.save`` and ``nn.load``: a model as JSON, written atomically, read back bit for bit.

The file's fields are described in ``nn._model_file``, which writes it; loading checks
every field and refuses anything malformed with a ``ModelFileError`` naming the file and
the field. Reading it (size, encoding, nesting) is ``nn._model_file.read``'s part.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator

from autograd_lite import ModelFileError

from ._checks import MAX_PARAMETERS, amount, count, is_integer, is_real
from ._model_file import FIELDS, FORMAT, MODELS, VERSION, read, save
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .module import Module

__all__ = ["FIELDS", "FORMAT", "MODELS", "VERSION", "ModelFileError", "load", "save"]


def load(path: str | os.PathLike, *, max_parameters: int = MAX_PARAMETERS) -> Module:
    """Rebuild the model saved at ``path``, after checking every field of the file.

    Anything malformed raises ``ModelFileError`` naming the file and the field (not
    JSON, another format or version, a missing or extra field, a bad architecture,
    missing or extra parameters, a parameter that is not a finite number).

    Nothing is built until the file has passed: it must be a UTF-8 JSON file of at
    most 64 KiB plus 128 bytes per allowed parameter, and the architecture it
    declares must have exactly as many parameters as it stores, at most
    ``max_parameters`` (10 million; pass more to load a larger model). So a small
    hostile file cannot make loading slow or large. A missing file raises
    ``ModelFileNotFoundError`` (also a ``FileNotFoundError``); a directory or an
    unreadable file ``ModelFileAccessError`` (also an ``OSError``).
    """
    limit = count(max_parameters, "load: max_parameters")
    path, text = read(path, limit)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{path}: not a JSON file ({exc})") from None
    except RecursionError:
        raise ModelFileError(
            f"{path}: lists or objects nested too deeply for a model file (which nests 3 levels)"
        ) from None
    except ValueError as exc:  # an integer too long to convert (more than 4300 digits)
        raise ModelFileError(f"{path}: not a model file ({exc})") from None

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
    shape = _architecture(kind, document["architecture"], fail)
    parameters = document["parameters"]
    if not isinstance(parameters, dict):
        raise fail(
            f"field 'parameters' must be an object of names to numbers, got a {_json_type(parameters)}"
        )
    declared = _count(shape)
    if declared > limit:
        raise fail(
            f"field 'architecture' declares {amount(declared)} parameters, more than "
            f"max_parameters={limit:,} (and the file stores {len(parameters):,}); pass a larger "
            "max_parameters to load a model this large"
        )
    _check_names(shape, parameters, declared, fail)
    model = _build(shape, limit)
    for name, _ in model.named_parameters():
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


def _architecture(kind: str, arch: object, fail) -> tuple:
    """Check the architecture field by field: ``(kind, nin, sizes, activations, biases)``."""
    if not isinstance(arch, dict):
        raise fail(f"field 'architecture' must be an object, got a {_json_type(arch)}")
    _exact_keys(arch, _ARCHITECTURES[kind], "field 'architecture'", fail)

    def size(value: object, where: str) -> int:
        if not is_integer(value) or value < 1:
            raise fail(
                f"field 'architecture.{where}' must be a positive integer, got {value!r:.60}"
            )
        return value

    def activation(value: object, where: str, layer: bool = True) -> str:
        allowed = ACTIVATIONS if layer else tuple(a for a in ACTIVATIONS if a != "softmax")
        if not isinstance(value, str) or value not in allowed:
            raise fail(
                f"field 'architecture.{where}' is {value!r:.60}; expected one of {', '.join(allowed)}"
            )
        return value

    def flag(value: object, where: str) -> bool:
        if not isinstance(value, bool):
            raise fail(f"field 'architecture.{where}' must be true or false, got {value!r:.60}")
        return value

    def per_layer(field: str, count: int) -> list:
        value = arch[field]
        if not isinstance(value, list) or len(value) != count:
            raise fail(
                f"field 'architecture.{field}' must be a list of {count} entries (one per layer), got {value!r:.60}"
            )
        return value

    nin = size(arch["nin"], "nin")
    if kind == "Neuron":
        act = activation(arch["activation"], "activation", False)
        return kind, nin, [1], [act], [flag(arch["bias"], "bias")]
    if kind == "Layer":
        nout = size(arch["nout"], "nout")
        act = activation(arch["activation"], "activation")
        return kind, nin, [nout], [act], [flag(arch["bias"], "bias")]
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
    return kind, nin, sizes, acts, flags


def _count(shape: tuple) -> int:
    """How many parameters the architecture has, by arithmetic: nothing is built."""
    _, nin, sizes, _, biases = shape
    fan_ins = [nin, *sizes[:-1]]
    return sum((n_in + bias) * n_out for n_in, n_out, bias in zip(fan_ins, sizes, biases))


def _names(shape: tuple) -> Iterator[str]:
    """The names ``named_parameters()`` gives the model ``shape`` describes, in order, lazily."""
    kind, nin, sizes, _, biases = shape
    fan_in = nin
    for i, (n_out, bias) in enumerate(zip(sizes, biases)):
        layer = f"layers.{i}." if kind == "MLP" else ""
        for j in range(n_out):
            neuron = layer if kind == "Neuron" else f"{layer}neurons.{j}."
            yield from (f"{neuron}w.{k}" for k in range(fan_in))
            if bias:
                yield f"{neuron}b"
        fan_in = n_out


def _check_names(shape: tuple, parameters: dict, declared: int, fail) -> None:
    """The file stores exactly the declared parameters; the walk is as long as the file, at most."""
    stored = len(parameters)
    if declared > stored:  # some are missing: the first few suffice, found within stored + 4 names
        missing, complete = [], True
        for name in _names(shape):
            if name not in parameters:
                missing.append(name)
                if len(missing) > 3:
                    complete = False
                    break
        listed = _some(missing) if complete else _some(missing[:3]) + " and more"
        problem = f"lacks {listed}"
    else:
        names = list(_names(shape))
        missing = [n for n in names if n not in parameters]
        extra = sorted(set(parameters).difference(names))
        if not missing and not extra:
            return
        problem = f"lacks {_some(missing)}" if missing else f"has unexpected {_some(extra)}"
    raise fail(
        f"field 'parameters' {problem}: the architecture has {amount(declared)} parameters, "
        f"the file {stored:,}"
    )


def _build(shape: tuple, limit: int) -> Module:
    """Construct the checked architecture (its parameters are set afterwards)."""
    kind, nin, sizes, acts, biases = shape
    seed = 0  # a private generator: loading never advances the global ``random`` state
    if kind == "Neuron":
        return Neuron(nin, acts[0], biases[0], seed=seed, max_parameters=limit)
    if kind == "Layer":
        return Layer(nin, sizes[0], acts[0], biases[0], seed=seed, max_parameters=limit)
    return MLP(nin, sizes, acts, biases, seed=seed, max_parameters=limit)


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
