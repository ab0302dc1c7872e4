"""Issue 12, "No silent wrong answers", for nn: hostile model files, training mistakes, numpy data.

Each test asserts the error (or warning) class and the words that name the problem and
the value, so a message that stops saying what went wrong fails here.
"""

import errno
import json
import math
import os
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
import tomllib

import nn
import nn._model_file
from autograd_lite import (
    ArgumentError,
    ArgumentTypeError,
    AutogradWarning,
    ModelFileAccessError,
    ModelFileError,
    ModelFileNotFoundError,
    Value,
)

ROOT = Path(__file__).resolve().parent.parent


def document(architecture, parameters, model="MLP"):
    return {
        "format": "autograd-lite/nn",
        "version": 1,
        "model": model,
        "architecture": architecture,
        "parameters": parameters,
    }


def write(path, content):
    if isinstance(content, dict):
        content = json.dumps(content, separators=(",", ":"))
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def load_cost(path, **kwargs):
    """Load ``path`` expecting a ModelFileError; return it, the seconds and the peak bytes."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ModelFileError) as info:
            nn.load(path, **kwargs)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, seconds, peak


# --- hostile model files --------------------------------------------------------------------


HOSTILE = document(
    {"nin": 2, "nouts": [10**9], "activations": ["linear"], "bias": [True]},
    {"layers.0.neurons.0.w.0": 0.5},
)


def test_a_tiny_file_declaring_a_billion_neurons_fails_at_once(tmp_path):
    path = write(tmp_path / "hostile.json", HOSTILE)
    assert path.stat().st_size < 200
    error, seconds, peak = load_cost(path)
    message = str(error)
    assert message.startswith(str(path))
    assert "field 'architecture' declares 3,000,000,000 parameters" in message
    assert "more than max_parameters=10,000,000" in message
    assert "the file stores 1" in message
    assert seconds < 2.0 and peak < 5_000_000  # was 30 s and 3 GB


def test_the_declared_count_is_checked_against_the_stored_one_before_building(tmp_path):
    """3 million declared (under the ceiling), 13 stored: refused without building 3 million."""
    valid = json.loads(json.dumps(document(*_small_model())))
    valid["architecture"]["nin"] = 10**6
    path = write(tmp_path / "m.json", valid)
    error, seconds, peak = load_cost(path)
    assert "field 'parameters' lacks 'layers.0.neurons.0.w.2'" in str(error)
    assert "and more: the architecture has 3,000,007 parameters, the file 13" in str(error)
    assert seconds < 2.0 and peak < 5_000_000


def _small_model():
    model = nn.MLP(2, [3, 1], seed=0)
    return model.architecture(), model.state_dict()


def test_max_parameters_is_a_ceiling_that_can_be_raised(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [3, 1], seed=0).save(path)
    with pytest.raises(ModelFileError, match="declares 13 parameters, more than max_parameters=12"):
        nn.load(path, max_parameters=12)
    assert nn.load(path, max_parameters=13).state_dict() == nn.MLP(2, [3, 1], seed=0).state_dict()
    with pytest.raises(ArgumentError, match="load: max_parameters must be a positive int, got 0"):
        nn.load(path, max_parameters=0)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"holds binary data \(a NUL byte at offset 8\)"),
        (b"\x80\x04\x95{}", "is not UTF-8 text: byte 0x80 at offset 0 is invalid"),
        ('{"format": "café"}'.encode("latin-1"), "byte 0xe9 at offset 15 is invalid"),
        ('{"format": 1}'.encode("utf-16"), "is UTF-16 .* model files are UTF-8"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply for a model file"),
        ('{"format": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested too deeply"),
        ('{"version": ' + "9" * 5000 + "}", r"not a model file \(Exceeds the limit"),
    ],
    ids=["binary", "not-utf8", "latin-1", "utf-16", "deep-list", "deep-field", "huge-integer"],
)
def test_unreadable_content_is_a_model_file_error_naming_the_file(tmp_path, content, words):
    path = write(tmp_path / "bad.json", content)
    with pytest.raises(ModelFileError, match=words) as info:
        nn.load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert not isinstance(info.value, (UnicodeError, RecursionError))


def test_a_byte_order_mark_is_harmless(tmp_path):
    path = tmp_path / "m.json"
    nn.Neuron(2, seed=0).save(path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert nn.load(path).state_dict() == nn.Neuron(2, seed=0).state_dict()


def test_a_directory_is_refused_by_name(tmp_path):
    with pytest.raises(ModelFileAccessError, match="is a directory, not a model file") as info:
        nn.load(tmp_path)
    assert str(info.value).startswith(str(tmp_path))
    assert isinstance(info.value, OSError) and info.value.errno == errno.EISDIR


def test_a_missing_file_is_a_model_file_error_and_still_file_not_found(tmp_path):
    with pytest.raises(ModelFileNotFoundError, match="nothing.json: no such file") as info:
        nn.load(tmp_path / "nothing.json")
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, ModelFileError)


def test_a_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(ModelFileError, match="is not a regular file"):
        nn.load(fifo)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as file:
        file.truncate(2 * 10**9)  # sparse: nothing is written to disk
    error, seconds, peak = load_cost(path)
    assert "is 2,000,000,000 bytes, more than a model file of at most" in str(error)
    assert "max_parameters=10,000,000 parameters takes (1,280,065,536 bytes)" in str(error)
    assert seconds < 2.0 and peak < 5_000_000


def test_a_path_must_be_a_path():
    with pytest.raises(ArgumentTypeError, match="load: path must be a str or a path, got int"):
        nn.load(3)


# --- the constructors' ceiling ---------------------------------------------------------------


@pytest.mark.parametrize(
    "build, words",
    [
        (lambda: nn.MLP(2, [10**9]), r"MLP\(2, \[1000000000\]\) would build 3,000,000,000 param"),
        (lambda: nn.Layer(10**5, 10**5), r"Layer\(100000, 100000\) would build 10,000,100,000 "),
        (lambda: nn.Neuron(10**8), r"Neuron\(100000000\) would build 100,000,001 parameters"),
        (lambda: nn.MLP(2, [3, 1], max_parameters=12), "would build 13 parameters"),
    ],
)
def test_constructors_refuse_more_than_max_parameters_with_the_count(build, words):
    start = time.perf_counter()
    with pytest.raises(ArgumentError, match=words) as info:
        build()
    assert "more than max_parameters=" in str(info.value)
    assert time.perf_counter() - start < 1.0


def test_max_parameters_lets_a_model_of_exactly_that_size_be_built():
    assert len(nn.MLP(2, [3, 1], max_parameters=13, seed=0).parameters()) == 13
    assert len(nn.Layer(3, 2, bias=False, max_parameters=6, seed=0).parameters()) == 6


# --- saving -------------------------------------------------------------------------------


def test_saving_into_a_missing_folder_names_the_target(tmp_path):
    target = tmp_path / "no" / "model.json"
    with pytest.raises(ModelFileAccessError) as info:
        nn.Neuron(2, seed=0).save(target)
    assert str(info.value) == f"{target}: cannot save: the folder {target.parent} does not exist"
    assert info.value.errno == errno.ENOENT
    (tmp_path / "file").write_text("")
    with pytest.raises(ModelFileAccessError, match="the folder .*file is not a folder"):
        nn.Neuron(2, seed=0).save(tmp_path / "file" / "model.json")


def test_saving_onto_a_directory_says_so(tmp_path):
    with pytest.raises(ModelFileAccessError, match="is a directory; save to a file such as"):
        nn.save(nn.Neuron(2, seed=0), tmp_path)


def test_a_read_only_folder_says_why_the_save_cannot_be_atomic(tmp_path, monkeypatch):
    """Tests run as root, where chmod stops no write: the folder's refusal is simulated."""
    path = tmp_path / "model.json"
    nn.Neuron(2, seed=0).save(path)
    before = path.read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(nn._model_file.tempfile, "mkstemp", refuse)
    with pytest.raises(ModelFileAccessError) as info:
        nn.Neuron(2, seed=1).save(path)
    message = str(info.value)
    assert message.startswith(f"{path}: cannot save: the folder {tmp_path}")
    assert "does not allow creating files (Permission denied)" in message
    assert "the file itself is writable, but a save is atomic" in message
    assert "writes a temporary file in the same folder and renames it" in message
    assert info.value.errno == errno.EACCES
    assert isinstance(info.value, OSError)
    assert path.read_bytes() == before


def test_a_failed_write_names_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    nn.Neuron(2, seed=0).save(path)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(nn._model_file.os, "fsync", full)
    with pytest.raises(ModelFileAccessError) as info:
        nn.Neuron(2, seed=1).save(path)
    assert str(info.value) == (
        f"{path}: cannot save (No space left on device); the previous file is untouched"
    )
    assert info.value.errno == errno.ENOSPC
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


# --- training mistakes that fail silently --------------------------------------------------

XS = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
YS = [1.0, 1.0, 0.0]


def quiet_fit(model, **kwargs):
    kwargs.setdefault("loss", "mse")
    kwargs.setdefault("optimizer", nn.SGD(model.parameters(), lr=0.1))
    return nn.fit(model, XS, YS, progress=False, **kwargs)


def test_an_optimizer_of_another_model_is_refused():
    model, other = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    before = model.state_dict()
    with pytest.raises(ArgumentError) as info:
        quiet_fit(model, optimizer=nn.Adam(other.parameters()))
    assert str(info.value).startswith(
        "fit: the optimizer holds 13 parameters, none of them the model's 13"
    )
    assert "training would change nothing" in str(info.value)
    assert "Adam(model.parameters(), ...)" in str(info.value)
    assert model.state_dict() == before


def test_an_optimizer_of_part_of_the_model_is_fine():
    model = nn.MLP(2, [3, 1], seed=0)
    quiet_fit(model, optimizer=nn.SGD(model.layers[-1].parameters(), lr=0.1))


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"loss": lambda p, y: 0.5}, r"the loss function returned float \(0.5\), not a Value"),
        ({"loss": lambda p, y: (p.data - y) ** 2}, "the loss function returned float"),
        ({"penalty": lambda m: 0.01}, r"penalty\(model\) returned float \(0.01\), not a Value"),
    ],
)
def test_a_loss_that_returns_a_number_is_refused(kwargs, words):
    with pytest.raises(ArgumentTypeError, match=words) as info:
        quiet_fit(nn.MLP(2, [3, 1], seed=0), **kwargs)
    assert "no graph to backpropagate through, so nothing would train" in str(info.value)


@pytest.mark.parametrize("lr", [-0.1, math.nan, math.inf])
def test_a_bad_learning_rate_from_the_schedule_stops_before_the_step(lr):
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ArgumentError) as info:
        quiet_fit(model, lr_schedule=lambda step: lr)
    assert str(info.value) == (
        f"fit: the learning rate lr_schedule(0) must be finite and >= 0, got {lr!r}"
    )
    assert model.state_dict() == before


@pytest.mark.parametrize("make", [nn.SGD, nn.Adam, nn.RMSprop])
def test_setting_lr_checks_it_as_the_constructor_does(make):
    optimizer = make([Value(1.0)], lr=0.1)
    name = make.__name__
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(ArgumentError, match=f"{name}: lr must be finite and >= 0, got {bad}"):
            optimizer.lr = bad
    with pytest.raises(ArgumentTypeError, match=f"{name}: lr must be a number, got str"):
        optimizer.lr = "0.1"
    assert optimizer.lr == 0.1
    optimizer.lr = 0.5
    assert optimizer.lr == 0.5


def test_softmax_fed_to_cross_entropy_warns():
    model = nn.MLP(2, [4, 3], activations=["tanh", "softmax"], seed=0)
    with pytest.warns(AutogradWarning, match="the logits are the outputs of a softmax") as caught:
        nn.cross_entropy(model([0.5, -0.5]), 1)
    assert "applied twice" in str(caught[0].message)
    assert "give the output layer activation 'linear'" in str(caught[0].message)
    assert caught[0].filename == __file__  # stacklevel: the caller's line
    with pytest.warns(AutogradWarning, match="outputs of a softmax"):
        nn.fit(
            model,
            XS,
            [0, 1, 2],
            loss="cross_entropy",
            optimizer=nn.SGD(model.parameters(), lr=0.1),
            progress=False,
        )


def test_raw_logits_do_not_warn():
    logits = nn.MLP(2, [4, 3], activations=["tanh", "linear"], seed=0)([0.5, -0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.cross_entropy(logits, 1)
        nn.cross_entropy([0.2, 0.3, 0.5], 2)  # numbers summing to 1 are still logits


def test_cross_entropy_over_one_logit_warns_that_it_is_always_zero():
    with pytest.warns(AutogradWarning, match="got 1 logit; .* the loss is always 0") as caught:
        loss = nn.cross_entropy([Value(3.0)], 0)
    assert loss.data == 0.0
    assert "binary_cross_entropy_with_logits" in str(caught[0].message)


@pytest.mark.parametrize("alpha", [1.5, 1.0, -0.1])
def test_rmsprop_alpha_must_be_a_decay(alpha):
    with pytest.raises(ArgumentError, match=rf"RMSprop: alpha .* must be in \[0, 1\), got {alpha}"):
        nn.RMSprop([Value(1.0)], alpha=alpha)


@pytest.mark.parametrize("make", [nn.SGD, nn.Adam])
def test_an_optimizer_given_the_model_or_its_method_says_to_call_parameters(make):
    model = nn.MLP(2, [3, 1], seed=0)
    name = make.__name__
    with pytest.raises(ArgumentTypeError, match=r"got the model itself \(MLP\)") as info:
        make(model, lr=0.1)
    assert str(info.value).endswith(f"call it: {name}(model.parameters(), ...)")
    with pytest.raises(ArgumentTypeError, match="got the function MLP.parameters itself") as info:
        make(model.parameters, lr=0.1)
    assert f"{name}(model.parameters(), ...)" in str(info.value)
    with pytest.raises(ArgumentTypeError, match=r"iterable of Values .*got int \(3\)"):
        make(3, lr=0.1)


@pytest.mark.parametrize(
    "x, words",
    [
        ({1.0, 2.0}, r"set \(\{1.0, 2.0\}\): a set has no order"),
        (frozenset({1.0, 2.0}), "a frozenset has no order"),
        ({"a": 1.0, "b": 2.0}, "a dict iterates over its keys"),
    ],
)
def test_unordered_inputs_are_refused(x, words):
    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(
        ArgumentTypeError, match=f"MLP expects its 2 inputs in order, got .*{words}"
    ):
        model(x)
    with pytest.raises(ArgumentTypeError, match=words):
        nn.Neuron(2, seed=0)(x)


def test_l2_penalty_needs_a_non_negative_coefficient_and_the_parameters():
    params = nn.MLP(2, [1], seed=0).parameters()
    for bad in (-1e-3, math.nan, math.inf):
        with pytest.raises(
            ArgumentError, match=f"l2_penalty: alpha must be finite and >= 0, got {bad}"
        ):
            nn.l2_penalty(params, bad)
    with pytest.raises(ArgumentTypeError, match="got the model itself"):
        nn.l2_penalty(nn.MLP(2, [1], seed=0), 1e-4)
    assert nn.l2_penalty(params, 0.0).data == 0.0


def test_a_neurons_unknown_activation_offers_only_what_a_neuron_takes():
    with pytest.raises(ArgumentError) as info:
        nn.Neuron(2, activation="gelu")
    assert str(info.value) == (
        "Neuron: unknown activation 'gelu'; choose one of relu, sigmoid, tanh, linear"
    )
    with pytest.raises(ArgumentError, match="choose one of relu, sigmoid, tanh, linear, softmax"):
        nn.Layer(2, 2, activation="gelu")
    with pytest.raises(ArgumentTypeError, match=r"activation must be a name \(a str\), got list"):
        nn.Neuron(2, activation=["relu"])


# --- numpy data ---------------------------------------------------------------------------


def history(model_seed, xs, ys, loss="mse", **kwargs):
    model = nn.MLP(2, [4, 3] if loss == "cross_entropy" else [4, 1], seed=model_seed)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    result = nn.fit(
        model, xs, ys, loss=loss, optimizer=optimizer, epochs=3, seed=0, progress=False, **kwargs
    )
    return result, model


def test_fit_and_evaluate_take_numpy_arrays_as_lists():
    from_lists, model = history(0, XS, YS)
    from_arrays, array_model = history(0, np.array(XS), np.array(YS, dtype=np.float32))
    assert from_arrays == from_lists
    assert array_model.state_dict() == model.state_dict()
    assert nn.evaluate(model, np.array(XS), np.array(YS), loss="mse") == nn.evaluate(
        model, XS, YS, loss="mse"
    )


def test_class_labels_as_numpy_integers():
    labels = [0, 2, 1]
    from_lists, _ = history(1, XS, labels, loss="cross_entropy")
    from_arrays, model = history(1, np.array(XS), np.array(labels, dtype=np.int64), "cross_entropy")
    assert from_arrays == from_lists and from_arrays.accuracy is not None
    logits = model(np.array(XS[0]))
    assert nn.cross_entropy(logits, np.int64(2)).data == nn.cross_entropy(logits, 2).data
    probs = np.array([0.0, 0.0, 1.0])
    assert nn.cross_entropy(logits, probs).data == pytest.approx(nn.cross_entropy(logits, 2).data)
    assert nn.mse(np.array([1.0, 2.0]), np.array([1.5, 2.0])).data == 0.125


def test_a_float_class_label_is_refused_with_the_fix():
    with pytest.raises(
        ArgumentError, match=r"target 2.0 is a float64; a class index must be an int"
    ):
        nn.cross_entropy([0.1, 0.2, 0.3], np.float64(2.0))


def test_from_weights_takes_arrays_and_numpy_scalars():
    w = np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32)
    b = np.array([0.1, -0.2])
    from_lists = nn.Layer.from_weights(w.tolist(), b.tolist(), "tanh")
    assert nn.Layer.from_weights(w, b, "tanh").state_dict() == from_lists.state_dict()
    mlp = nn.MLP.from_weights([w, np.array([[1.0, 1.0]])], [b, np.array([0.0])], nin=np.int64(2))
    assert mlp.nouts == [2, 1]
    neuron = nn.Neuron.from_weights(np.array([np.float32(0.5), 1.5]), np.float32(0.25))
    assert neuron.state_dict() == {"w.0": 0.5, "w.1": 1.5, "b": 0.25}


def test_sizes_take_numpy_integers():
    mlp = nn.MLP(np.int64(2), np.array([3, 1]), activations=np.array(["tanh", "linear"]), seed=0)
    assert mlp.architecture() == nn.MLP(2, [3, 1], ["tanh", "linear"], seed=0).architecture()
    assert type(mlp.nin) is int and all(type(n) is int for n in mlp.nouts)
    assert nn.Layer(np.int32(3), np.int16(2), seed=0).nout == 2
    assert len(nn.datasets.make_moons(np.int64(10), seed=0)[0]) == 10
    assert len(nn.datasets.kfold_indices(np.int64(10), np.int64(5), seed=0)) == 5
    assert nn.datasets.minmax_scale(np.array([[0.0, 2.0], [1.0, 4.0]])) == [[0.0, 0.0], [1.0, 1.0]]
    nn.MLP(2, [3, 1], max_parameters=np.int64(13))


def test_a_frame_whose_length_and_iteration_disagree_is_refused():
    class Frame:  # what a pandas DataFrame does: len() counts rows, iteration gives columns
        def __len__(self):
            return 3

        def __iter__(self):
            return iter(["a", "b"])

        def __getitem__(self, key):
            return [0.0, 0.0]

    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(ArgumentError, match="xs: len.. gives 3 but iterating gives 2 entries"):
        nn.fit(model, Frame(), YS, loss="mse", optimizer=nn.SGD(model.parameters(), 0.1))


def test_the_package_never_imports_numpy():
    code = (
        "import sys, nn\n"
        "m = nn.MLP(2, [3, 1], seed=0)\n"
        "nn.fit(m, [[0.0, 1.0]], [1.0], loss='mse', optimizer=nn.SGD(m.parameters(), 0.1),"
        " progress=False)\n"
        "sys.exit('numpy' in sys.modules)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT).returncode == 0


# --- the licence and the data set --------------------------------------------------------


def test_the_mit_licence_is_in_the_repository_and_declared_for_the_wheel():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the autograd-lite authors\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert any(dep.startswith("numpy") for dep in project["optional-dependencies"]["dev"])


def test_wheat_seeds_has_a_length_and_unpacks_into_features_and_labels():
    data = nn.datasets.wheat_seeds()
    assert len(data) == 210
    X, y = data
    assert X is data.features and y is data.labels
    assert list(data) == [data.features, data.labels]
    assert next(iter(zip(*data))) == (data.features[0], data.labels[0])
    assert data.class_names == ("Kama", "Rosa", "Canadian") and len(data.feature_names) == 7
