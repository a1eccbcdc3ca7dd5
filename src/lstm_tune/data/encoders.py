"""How each framing reads raw input and turns a model's output back into values, with only
what it learned on its training part: scalers, the target transform, the vocabulary.

A dataset (window.py, padded.py, tokens.py) gives its encoder with `encoder()`, and builds
its own samples with the functions here, so a saved model reads new data exactly as it
read its training data. Encoders are plain values that round-trip through JSON: the
predictor (lstm_tune/predictor) carries them, so it predicts in a fresh process with
neither the study nor its training data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Sequence, Union

import numpy as np

from lstm_tune.data.transform import Transform
from lstm_tune.stats.models import StatModel

PAD = 0.0  # padded sequence steps (data/padded.py explains why zero)
NUDGE = 1e-6
PAD_ID, UNKNOWN_ID = 0, 1


# --- windows of a series -------------------------------------------------------------------


def input_values(target: np.ndarray, features: np.ndarray, transform: Transform,
                 target_as_input: bool) -> np.ndarray:
    """Every step's model inputs, unscaled: the target's transform (if it is an input),
    then the features; (T, channels) float64."""
    channels = [transform.input_series(np.asarray(target, dtype=float))] if target_as_input else []
    channels += [np.asarray(features[:, i], dtype=float) for i in range(features.shape[1])]
    return np.column_stack(channels) if channels else np.zeros((len(target), 0))


def cut_windows(values: np.ndarray, ends: np.ndarray, window: int) -> np.ndarray:
    """The `window` steps ending at each of `ends` (positions in `values`)."""
    ends = np.asarray(ends, dtype=int)
    return values[np.arange(window)[None, :] + (ends - window + 1)[:, None]].astype(np.float64)


def scaled(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    return ((x - mean) / std).astype(np.float32)


def references(target: np.ndarray, ends: np.ndarray, steps_ahead: int, horizon: int,
               transform: Transform) -> np.ndarray:
    """What the transform adds back to each forecast of the `horizon` steps from
    end + steps_ahead on: (n, horizon)."""
    ends = np.asarray(ends, dtype=int)
    targets = (ends + steps_ahead)[:, None] + np.arange(horizon)[None, :]
    return transform.reference(np.asarray(target, dtype=float), targets, ends)


@dataclass(frozen=True)
class BaseModel:
    """A hybrid's statistical model of one series, and the time its filter starts at (a
    history passed later is read from that time on)."""

    model: StatModel
    anchor_time: str

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model.to_json(), "anchor_time": self.anchor_time}

    @staticmethod
    def from_json(value: dict[str, Any]) -> "BaseModel":
        return BaseModel(StatModel.from_json(value["model"]), str(value["anchor_time"]))


def base_references(model: StatModel, target: np.ndarray, ends: np.ndarray, steps_ahead: int,
                    horizon: int, transform: Transform) -> np.ndarray:
    """A hybrid's references: the transform's level (log or value) of the statistical
    model's forecast of each target, from its origin: (n, horizon)."""
    paths = model.paths(np.asarray(target, dtype=float), ends, steps_ahead, horizon)
    with np.errstate(invalid="ignore", divide="ignore"):
        return transform.level(paths)


def to_units(y_scaled: np.ndarray, ref: np.ndarray, series: np.ndarray | None,
             y_mean: np.ndarray, y_std: np.ndarray, transform: Transform) -> np.ndarray:
    """Model output (scaled, transformed) -> values in the data's units, given each
    sample's reference and series (its scaler)."""
    ref = np.asarray(ref, dtype=float)
    s = np.zeros(len(ref), dtype=int) if series is None else np.asarray(series, dtype=int)
    shape = (-1,) + (1,) * (ref.ndim - 1)
    z = (np.asarray(y_scaled, dtype=float).reshape(ref.shape)
         * np.asarray(y_std, dtype=float)[s].reshape(shape)
         + np.asarray(y_mean, dtype=float)[s].reshape(shape))
    return transform.inverse(z, ref)


def min_history(window: int, steps_ahead: int, lag: int, target_as_input: bool) -> int:
    """Steps of a series a window's last step needs behind it (itself included): the
    window, the transform's lag before it if the target is an input, and for a seasonal
    reference the season before the first target."""
    need = window + (lag if target_as_input else 0)
    if lag > 1:
        need = max(need, lag - steps_ahead + 1)
    return need


@dataclass(frozen=True)
class SeriesEncoder:
    """Windows of one series or of each series of a panel (each with its own scalers)."""

    task: str
    window: int
    steps_ahead: int
    horizon: int
    season: int
    transform: str
    target_as_input: bool
    target_name: str
    feature_names: tuple[str, ...]
    series: tuple[str, ...]  # the series the scalers belong to, in order
    x_mean: np.ndarray  # (series, channels)
    x_std: np.ndarray
    y_mean: np.ndarray  # (series,)
    y_std: np.ndarray
    classes: tuple[str, ...] = ()
    base: dict[str, BaseModel] = field(default_factory=dict)  # a hybrid's, per series

    framing = "windows"

    def input_schema(self, info: dict[str, Any], min_history: int) -> dict[str, Any]:
        """What a predictor of these windows reads (`info`: the study's column names)."""
        return {"kind": "series history", "time": info.get("time"),
                "target": self.target_name, "features": list(self.feature_names),
                "series_column": info.get("series_column"),
                "series": [] if self.series in ((), ("",)) else list(self.series),
                "min_history": min_history}

    @property
    def tf(self) -> Transform:
        return Transform(self.transform, self.season)

    @property
    def min_history(self) -> int:
        return min_history(self.window, self.steps_ahead, self.tf.lag, self.target_as_input)

    def inputs(self, s: int, target: np.ndarray, features: np.ndarray, ends: np.ndarray,
               times: Sequence[str] = ()) -> tuple[np.ndarray, np.ndarray]:
        """Scaled windows ending at `ends` of series number `s` (its target and features
        from its first step), and their references (n, horizon): a hybrid's from its
        statistical model, filtered from its anchor time (`times` name the steps)."""
        values = input_values(target, features, self.tf, self.target_as_input)
        x = scaled(cut_windows(values, ends, self.window), self.x_mean[s], self.x_std[s])
        if self.classes:
            return x, np.zeros((len(x), 1))
        base = self.base.get(self.series[s])
        if base is None:
            return x, references(target, ends, self.steps_ahead, self.horizon, self.tf)
        if base.anchor_time not in times:
            raise ValueError(f"the history of {self.series[s] or 'the series'} starts after "
                             f"{base.anchor_time}, where its {base.model.name} base starts")
        model = replace(base.model, anchor=list(times).index(base.anchor_time))
        return x, base_references(model, target, ends, self.steps_ahead, self.horizon, self.tf)

    def decode(self, raw: np.ndarray, ref: np.ndarray, series: np.ndarray) -> np.ndarray:
        """Forecasts in the data's units, (n, horizon); class probabilities as they are."""
        if self.classes:
            return np.asarray(raw, dtype=float)
        return to_units(raw, ref, series, self.y_mean, self.y_std, self.tf).reshape(len(ref), -1)


# --- whole sequences -------------------------------------------------------------------------


def unpad(values: np.ndarray) -> np.ndarray:
    """A (steps, channels) sequence without the NaN steps at its end: how one array holds
    sequences of different lengths (NumPy users, the UCR archive's files). What is left
    is empty for a sequence of NaN throughout; a NaN before its end stays (missing, not
    padding)."""
    present = np.flatnonzero(~np.isnan(values).all(axis=1))
    return values[: present[-1] + 1] if len(present) else values[:0]


def pad(values: Sequence[np.ndarray], mean: np.ndarray, std: np.ndarray, steps: int) -> np.ndarray:
    """Scale and pad sequences into one (n, steps, channels) float32 array."""
    channels = len(mean)
    out = np.full((len(values), steps, channels), PAD, dtype=np.float32)
    for i, v in enumerate(values):
        z = (np.asarray(v, dtype=float)[:steps] - mean) / std
        zero = np.all(z == PAD, axis=1)
        z[zero, 0] = NUDGE
        out[i, : len(z)] = z
    return out


@dataclass(frozen=True)
class SequenceEncoder:
    """Independent sequences: scaled per channel, padded at the end (masked if lengths vary)."""

    channel_names: tuple[str, ...]
    x_mean: np.ndarray
    x_std: np.ndarray
    window: int  # the padded length of the training data
    masked: bool
    classes: tuple[str, ...] = ()

    framing = "sequences"

    def input_schema(self, info: dict[str, Any], min_history: int) -> dict[str, Any]:
        return {"kind": "sequences", "channels": list(self.channel_names),
                "steps": self.window if not self.masked
                else f"any (trained on up to {self.window})"}

    def check(self, values: Sequence[np.ndarray]) -> None:
        """ValueError naming the first sequence of the wrong shape or length."""
        for i, v in enumerate(values):
            v = np.asarray(v)
            if v.ndim != 2 or v.shape[1] != len(self.channel_names):
                raise ValueError(f"sequence {i} has shape {v.shape}; expected (steps, "
                                 f"{len(self.channel_names)}) for channels "
                                 f"{', '.join(self.channel_names)}")
            if not self.masked and len(v) != self.window:
                raise ValueError(f"sequence {i} has {len(v)} steps; this model reads "
                                 f"sequences of exactly {self.window}")
            if len(v) < 1:
                raise ValueError(f"sequence {i} is empty")

    def encode(self, values: Sequence[np.ndarray]) -> np.ndarray:
        """New sequences (each steps x channels, data units) as model input."""
        self.check(values)
        steps = max([self.window] + [len(v) for v in values]) if self.masked else self.window
        return pad(values, self.x_mean, self.x_std, steps)


# --- texts -------------------------------------------------------------------------------------

# TextVectorization's punctuation (keras/src/layers/preprocessing/text_vectorization.py)
_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def words(text: str) -> list[tuple[str, str]]:
    """(word as written, its token) for each whitespace-separated word that keeps a
    character once lower-cased (ASCII, as tf.strings.lower) and stripped of punctuation."""
    out = []
    for word in text.split():
        token = _PUNCTUATION.sub("", word.translate(_ASCII_LOWER))
        if token:
            out.append((word, token))
    return out



def encode_tokens(token_lists: Sequence[Sequence[str]], lookup: dict[str, int], length: int,
                  max_length: int) -> np.ndarray:
    """Token lists -> (n, length) int32 ids: known words by id, others unknown, padded."""
    out = np.full((len(token_lists), length), PAD_ID, dtype=np.int32)
    for row, tokens in enumerate(token_lists):
        # a text of punctuation only reads as one unknown word
        ids = [lookup.get(t, UNKNOWN_ID) for t in tokens[: min(length, max_length)]] or [UNKNOWN_ID]
        out[row, : len(ids)] = ids
    return out


@dataclass(frozen=True)
class TextEncoder:
    """Texts: Keras TextVectorization's words (data/tokens.py), a training vocabulary."""

    vocabulary: tuple[str, ...]  # id -> token: padding, unknown, then the kept words
    window: int  # padded length of the training data
    max_length: int
    classes: tuple[str, ...] = ()

    framing = "tokens"

    def input_schema(self, info: dict[str, Any], min_history: int) -> dict[str, Any]:
        return {"kind": "texts", "text_column": info.get("text_column"),
                "max_words": self.max_length}

    @property
    def lookup(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.vocabulary) if i > UNKNOWN_ID}

    def encode(self, texts: Sequence[str], length: int | None = None) -> np.ndarray:
        """Texts -> (n, length) ids (default: as long as the longest, within max_length)."""
        tokens = [[t for _, t in words(str(x))] for x in texts]
        if length is None:
            longest = max([len(t) for t in tokens] + [1])
            length = min(self.max_length, max(self.window, longest))
        return encode_tokens(tokens, self.lookup, length, self.max_length)


Encoder = Union[SeriesEncoder, SequenceEncoder, TextEncoder]
_KINDS = {c.framing: c for c in (SeriesEncoder, SequenceEncoder, TextEncoder)}


def encoder_json(encoder: Encoder) -> dict[str, Any]:
    """The encoder as JSON-ready values (arrays as lists; floats kept exactly)."""
    out: dict[str, Any] = {"framing": encoder.framing}
    for f in fields(encoder):
        v = getattr(encoder, f.name)
        if f.name == "base":
            v = {k: b.to_json() for k, b in v.items()}
        out[f.name] = v.tolist() if isinstance(v, np.ndarray) else (
            list(v) if isinstance(v, tuple) else v)
    return out


def encoder_from_json(value: dict[str, Any]) -> Encoder:
    cls = _KINDS[value["framing"]]
    kwargs = {}
    for f in fields(cls):
        v = value.get(f.name, {}) if f.name == "base" else value[f.name]
        if f.name == "base":
            v = {k: BaseModel.from_json(b) for k, b in v.items()}
        elif f.name in ("x_mean", "x_std", "y_mean", "y_std"):
            v = np.asarray(v, dtype=np.float64)
        elif isinstance(v, list):
            v = tuple(v)
        kwargs[f.name] = v
    return cls(**kwargs)
