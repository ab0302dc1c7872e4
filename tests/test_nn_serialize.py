"""Saving and loading: bit-for-bit round trips, every malformed file refused by name, atomic writes."""

import json
import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
import nn.serialize
from nn import ModelFileError

MODELS = [
    lambda: nn.MLP(2, [16, 16, 1], seed=0),
    lambda: nn.MLP(3, [4, 3], activations=["tanh", "softmax"], bias=[False, True], seed=1),
    lambda: nn.MLP(3, [7, 5, 4, 1], activations="sigmoid", bias=False, seed=2),
    lambda: nn.Layer(3, 2, activation="sigmoid", seed=3),
    lambda: nn.Layer(2, 3, activation="softmax", bias=False, seed=4),
    lambda: nn.Neuron(4, activation="tanh", seed=5),
    lambda: nn.Neuron(1, activation="linear", bias=False, seed=6),
]


def outputs(model, x):
    out = model(x)
    return [v.data for v in (out if isinstance(out, list) else [out])]


@pytest.mark.parametrize("make", MODELS)
def test_round_trip_is_bit_for_bit(make, tmp_path):
    model = make()
    path = tmp_path / "model.json"
    model.save(path)
    loaded = nn.load(path)
    assert type(loaded) is type(model)
    assert loaded.architecture() == model.architecture()
    assert loaded.state_dict() == model.state_dict()
    x = [0.25 * (i + 1) for i in range(model.nin)]
    assert outputs(loaded, x) == outputs(model, x)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=9, max_size=9))
def test_any_finite_float_survives(tmp_path, numbers):
    model = nn.MLP(2, [2, 1], seed=0)
    model.load_state_dict(dict(zip(model.state_dict(), numbers)))
    path = tmp_path / "m.json"
    nn.save(model, path)
    restored = list(nn.load(path).state_dict().values())
    assert [x.hex() for x in restored] == [float(x).hex() for x in numbers]  # sign of -0.0 included


def test_the_file_says_what_it_holds(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [3, 1], seed=0).save(path)
    document = json.loads(path.read_text())
    assert list(document) == ["format", "version", "model", "architecture", "parameters"]
    assert document["format"] == "autograd-lite/nn" and document["version"] == 1
    assert document["model"] == "MLP"
    assert document["architecture"] == {
        "nin": 2,
        "nouts": [3, 1],
        "activations": ["relu", "linear"],
        "bias": [True, True],
    }
    assert len(document["parameters"]) == 13
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_loading_does_not_touch_the_global_random_state(tmp_path):
    import random

    path = tmp_path / "m.json"
    nn.MLP(2, [3, 1], seed=0).save(path)
    random.seed(3)
    expected = random.random()
    random.seed(3)
    nn.load(path)
    assert random.random() == expected


# --- malformed files -----------------------------------------------------------------------


def valid_document():
    model = nn.MLP(2, [2, 1], seed=0)
    return {
        "format": "autograd-lite/nn",
        "version": 1,
        "model": "MLP",
        "architecture": model.architecture(),
        "parameters": model.state_dict(),
    }


def edited(change):
    document = valid_document()
    change(document)
    return json.dumps(document)


def drop(mapping, key):
    del mapping[key]


MALFORMED = {
    "not json": ("{'format': 1", "not a JSON file"),
    "empty file": ("", "not a JSON file"),
    "a list": ("[1, 2]", "expected a JSON object .* got a list"),
    "wrong version": (
        edited(lambda d: d.update(version=2)),
        "field 'version' is 2; this autograd-lite reads version 1",
    ),
    "version as text": (edited(lambda d: d.update(version="1")), "field 'version' is '1'"),
    "wrong format": (edited(lambda d: d.update(format="keras")), "field 'format' is 'keras'"),
    "unknown model": (
        edited(lambda d: d.update(model="CNN")),
        "field 'model' is 'CNN'; expected one of MLP, Layer, Neuron",
    ),
    "missing parameters": (
        edited(lambda d: drop(d, "parameters")),
        "the file lacks the field 'parameters'",
    ),
    "missing version": (edited(lambda d: drop(d, "version")), "the file lacks the field 'version'"),
    "extra field": (
        edited(lambda d: d.update(optimizer={})),
        "the file has an unexpected field 'optimizer'",
    ),
    "architecture not an object": (
        edited(lambda d: d.update(architecture=[2, 1])),
        "field 'architecture' must be an object",
    ),
    "architecture missing key": (
        edited(lambda d: drop(d["architecture"], "bias")),
        "field 'architecture' lacks the field 'bias'",
    ),
    "architecture extra key": (
        edited(lambda d: d["architecture"].update(dropout=0.5)),
        "unexpected field 'dropout'",
    ),
    "bad nin": (
        edited(lambda d: d["architecture"].update(nin=0)),
        "field 'architecture.nin' must be a positive integer, got 0",
    ),
    "bool nin": (
        edited(lambda d: d["architecture"].update(nin=True)),
        "field 'architecture.nin' must be a positive integer",
    ),
    "bad layer size": (
        edited(lambda d: d["architecture"].update(nouts=[2, -1])),
        r"field 'architecture.nouts\[1\]' must be a positive integer, got -1",
    ),
    "empty nouts": (
        edited(lambda d: d["architecture"].update(nouts=[])),
        "field 'architecture.nouts' must be a non-empty list",
    ),
    "bad activation": (
        edited(lambda d: d["architecture"].update(activations=["relu", "swish"])),
        r"field 'architecture.activations\[1\]' is 'swish'",
    ),
    "activations too short": (
        edited(lambda d: d["architecture"].update(activations=["relu"])),
        "field 'architecture.activations' must be a list of 2 entries",
    ),
    "bias not a flag": (
        edited(lambda d: d["architecture"].update(bias=[True, 1])),
        r"field 'architecture.bias\[1\]' must be true or false",
    ),
    "parameters not an object": (
        edited(lambda d: d.update(parameters=[0.1] * 9)),
        "field 'parameters' must be an object",
    ),
    "one weight too few": (
        edited(lambda d: drop(d["parameters"], "layers.1.neurons.0.w.1")),
        "field 'parameters' lacks 'layers.1.neurons.0.w.1': the architecture has 9 parameters, the file 8",
    ),
    "one weight too many": (
        edited(lambda d: d["parameters"].update({"layers.1.neurons.0.w.2": 0.5})),
        "field 'parameters' has unexpected 'layers.1.neurons.0.w.2': the architecture has 9 parameters, the file 10",
    ),
    "weights for another shape": (
        edited(lambda d: d["architecture"].update(nouts=[3, 1])),
        "field 'parameters' lacks 'layers.0.neurons.2.w.0'",
    ),
    "a string weight": (
        edited(lambda d: d["parameters"].update({"layers.0.neurons.1.b": "0.5"})),
        "field 'parameters.layers.0.neurons.1.b' must be a number, got string",
    ),
    "a null weight": (
        edited(lambda d: d["parameters"].update({"layers.0.neurons.1.b": None})),
        "must be a number, got null",
    ),
    "a boolean weight": (
        edited(lambda d: d["parameters"].update({"layers.0.neurons.1.b": False})),
        "must be a number, got boolean",
    ),
    "a list weight": (
        edited(lambda d: d["parameters"].update({"layers.0.neurons.1.b": [0.5]})),
        "must be a number, got list",
    ),
    "NaN": (
        edited(lambda d: d["parameters"].update({"layers.0.neurons.0.w.0": float("nan")})),
        "field 'parameters.layers.0.neurons.0.w.0' is nan",
    ),
    "Infinity": (
        edited(lambda d: d["parameters"].update({"layers.1.neurons.0.b": float("inf")})),
        "field 'parameters.layers.1.neurons.0.b' is inf",
    ),
    "overflowing number": (
        edited(lambda d: d["parameters"].update({"layers.1.neurons.0.b": 1.0})).replace(
            '"layers.1.neurons.0.b": 1.0', '"layers.1.neurons.0.b": 1e400'
        ),
        "is inf",
    ),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_file_is_refused_naming_the_field(name, tmp_path):
    text, message = MALFORMED[name]
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ModelFileError, match=message) as info:
        nn.load(path)
    assert str(info.value).startswith(str(path))
    assert isinstance(info.value, ValueError)


def test_the_valid_document_itself_loads(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(valid_document()))
    assert nn.load(path).state_dict() == nn.MLP(2, [2, 1], seed=0).state_dict()


def test_a_neuron_cannot_be_softmax_in_a_file(tmp_path):
    document = {
        "format": "autograd-lite/nn",
        "version": 1,
        "model": "Neuron",
        "architecture": {"nin": 1, "activation": "softmax", "bias": True},
        "parameters": {"w.0": 1.0, "b": 0.0},
    }
    path = tmp_path / "n.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match="field 'architecture.activation' is 'softmax'"):
        nn.load(path)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "nothing.json")


def test_only_models_are_saved(tmp_path):
    with pytest.raises(TypeError, match="can save an MLP, a Layer or a Neuron, got dict"):
        nn.save({}, tmp_path / "x.json")


# --- atomic writes -----------------------------------------------------------------------


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name != "model.json")


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.json"
    nn.MLP(2, [3, 1], seed=0).save(path)
    return path, path.read_bytes()


def failing_writer(real_fdopen):
    """An ``os.fdopen`` whose file writes half of what it is given, then fails (a full disk)."""

    def fdopen(descriptor, *args, **kwargs):
        file = real_fdopen(descriptor, *args, **kwargs)
        write = file.write

        def half_then_fail(text):
            write(text[: len(text) // 2])
            file.flush()
            raise OSError(28, "No space left on device")

        file.write = half_then_fail
        return file

    return fdopen


def test_a_save_failing_mid_write_leaves_the_previous_file_and_no_temporary(saved, monkeypatch):
    path, before = saved
    monkeypatch.setattr(nn.serialize.os, "fdopen", failing_writer(os.fdopen))
    with pytest.raises(OSError, match="No space left"):
        nn.MLP(2, [3, 1], seed=99).save(path)
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


@pytest.mark.parametrize("where", ["fsync", "replace"])
@pytest.mark.parametrize("error", [OSError("I/O error"), KeyboardInterrupt()])
def test_an_interrupted_save_leaves_the_previous_file_and_no_temporary(
    saved, monkeypatch, where, error
):
    path, before = saved

    def interrupt(*args, **kwargs):
        raise error

    monkeypatch.setattr(nn.serialize.os, where, interrupt)
    with pytest.raises(type(error)):
        nn.MLP(2, [3, 1], seed=99).save(path)
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []
    monkeypatch.undo()
    assert nn.load(path).state_dict() == nn.MLP(2, [3, 1], seed=0).state_dict()


def test_a_failed_first_save_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(nn.serialize.os, "fdopen", failing_writer(os.fdopen))
    with pytest.raises(OSError):
        nn.Neuron(2, seed=0).save(tmp_path / "model.json")
    assert list(tmp_path.iterdir()) == []


def test_saving_over_a_file_keeps_its_permissions(saved):
    path, _ = saved
    os.chmod(path, 0o600)
    nn.MLP(2, [3, 1], seed=5).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert nn.load(path).state_dict() == nn.MLP(2, [3, 1], seed=5).state_dict()
