"""Encoders read raw input exactly as their dataset read its own, and survive JSON: what a
saved model needs to predict in another process (data/encoders.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lstm_tune.data.encoders import encoder_from_json, encoder_json
from lstm_tune.data.framing import frame, load_data
from lstm_tune.data.splits import ALL
from lstm_tune.errors import StudyError
from lstm_tune.spec import load_spec

from tests.conftest import tiny_study


def roundtrip(encoder):
    return encoder_from_json(json.loads(json.dumps(encoder_json(encoder))))


def series_inputs(data, encoder, split):
    """The encoder's windows of a split, cut from each series' raw values."""
    table = data.table
    xs, refs = [], []
    for s, name in enumerate(data.series_names):
        start, stop = next((a, b) for n, a, b in table.parts if n == name)
        rows = split.series_index == s
        ends = split.target_idx[rows] - data.steps_ahead - start
        x, ref = encoder.inputs(s, table.target[start:stop], table.features[start:stop], ends,
                                table.times[start:stop])
        xs.append(x)
        refs.append(ref)
    return np.concatenate(xs), np.concatenate(refs)


@pytest.mark.parametrize("study, transform", [
    (tiny_study(), "none"), (tiny_study(), "log_diff"), (tiny_study(), "log_seasonal_diff"),
    (tiny_study(), {"transform": "log", "base": "arima"}),
    (tiny_study(horizon=3, split={"validation": 12, "test": 12}),
     {"transform": "none", "base": "ets"}),
    (tiny_study(data={"builtin": "airline"}, horizon=6, split={"validation": 12, "test": 12}),
     "log_seasonal_diff"),
    (tiny_study(data={"builtin": "synthetic_panel"}, window=6, horizon=3,
                split={"validation": 20, "test": 20}, space={**tiny_study()["space"],
                                                             "transform": "none"}), "none"),
])
def test_series_windows_from_raw_values_are_the_datasets(write_study, study, transform):
    spec = load_spec(write_study(study))
    data = frame(spec.data_settings, load_data(spec.data_settings), transform)
    encoder = roundtrip(data.encoder())
    for split in (data.train, data.val, data.test):
        x, ref = series_inputs(data, encoder, split)
        np.testing.assert_array_equal(x, split.x)
        np.testing.assert_array_equal(ref.reshape(np.shape(split.ref)), split.ref)
        np.testing.assert_allclose(
            encoder.decode(split.y, ref, split.series_index).reshape(np.shape(split.ref)),
            data.actual(split), rtol=1e-5)


def test_sequences_and_texts_encode_as_their_datasets(write_study):
    for study in (tiny_study(task="classify", data={"builtin": "japanese_vowels"},
                             space={"layers": 1, "units": 4, "learning_rate": 0.01},
                             split={"validation": 0.2}),
                  tiny_study(task="classify", data={"builtin": "reviews"},
                             space={"layers": 1, "units": 4, "learning_rate": 0.01,
                                    "vocab_size": 40, "max_length": 8},
                             split={"validation": 0.1, "test": 0.1})):
        spec = load_spec(write_study(study))
        data = frame(spec.data_settings, load_data(spec.data_settings),
                     {"vocab_size": 40, "max_length": 8})
        encoder = roundtrip(data.encoder())
        x = encoder.encode(data.raw_samples(data.test.target_idx))
        np.testing.assert_array_equal(x[:, : data.test.x.shape[1]], data.test.x)
        assert not np.any(x[:, data.test.x.shape[1]:])  # only more padding, if any
        assert encoder.classes == data.classes


def test_the_all_fold_trains_on_everything(write_study):
    spec = load_spec(write_study(tiny_study()))
    loaded = load_data(spec.data_settings)
    everything = frame(spec.data_settings, loaded, "none", ALL)
    assert everything.train.target_idx.max() == 143  # the last test month
    assert everything.test.target_idx.tolist() == list(range(120, 144))


def test_a_builtin_that_cannot_be_read_is_one_error(monkeypatch, write_study):
    from lstm_tune.data import builtin

    def broken():
        raise FileNotFoundError("[Errno 2] No such file or directory: 'GunPoint_TRAIN.ts.gz'")

    b = builtin.BUILTINS["gunpoint"]
    monkeypatch.setitem(builtin.BUILTINS, "gunpoint", type(b)(**{**b.__dict__, "load": broken}))
    spec = load_spec(write_study(tiny_study(task="classify", data={"builtin": "gunpoint"},
                                            space={"layers": 1, "units": 4,
                                                   "learning_rate": 0.01})))
    with pytest.raises(StudyError, match="built-in 'gunpoint' cannot be read .*No such file"):
        load_data(spec.data_settings)


def test_each_encoder_says_what_a_predictor_reads(write_study):
    """The manifest's `input`: a series history (a panel names its series), sequences
    (their channels and steps) or texts (their column and length)."""
    info = {"time": "month", "series_column": None, "text_column": "review"}
    cases = [
        (tiny_study(), "none",
         {"kind": "series history", "time": "month", "target": "passengers", "features": [],
          "series_column": None, "series": [], "min_history": 12}),
        (tiny_study(data={"builtin": "synthetic_panel"}, window=6,
                    split={"validation": 20, "test": 20}), "none", None),
        (tiny_study(task="classify", data={"builtin": "japanese_vowels"},
                    space={"layers": 1, "units": 4, "learning_rate": 0.01}), None,
         {"kind": "sequences", "channels": [f"dim_{i}" for i in range(12)],
          "steps": "any (trained on up to 29)"}),
        (tiny_study(task="classify", data={"builtin": "reviews"},
                    space={"layers": 1, "units": 4, "learning_rate": 0.01, "vocab_size": 40,
                           "max_length": 8}), {"vocab_size": 40, "max_length": 8},
         {"kind": "texts", "text_column": "review", "max_words": 8}),
    ]
    for study, params, expected in cases:
        spec = load_spec(write_study(study))
        loaded = load_data(spec.data_settings)
        data = frame(spec.data_settings, loaded, params) if params else \
            frame(spec.data_settings, loaded)
        encoder = roundtrip(data.encoder())
        schema = encoder.input_schema(info, 12)
        if expected is None:  # the panel: every series by name
            assert schema["series"] == list(data.series_names) and len(schema["series"]) == 6
        else:
            assert schema == expected


def test_unpad_drops_only_the_nan_steps_at_the_end():
    from lstm_tune.data.encoders import unpad

    x = np.array([[1.0, 2.0], [np.nan, 3.0], [4.0, 5.0], [np.nan, np.nan], [np.nan, np.nan]])
    assert unpad(x).shape == (3, 2)  # a NaN inside (one channel of step 1) stays: missing
    np.testing.assert_array_equal(unpad(x)[2], [4.0, 5.0])
    assert unpad(np.full((3, 1), np.nan)).shape == (0, 1)
    assert unpad(x[:3]).shape == (3, 2)
