"""A TensorFlow SavedModel of a predictor, with a serving signature that reads raw input.

TensorFlow Serving, TF.js converters and other languages read a SavedModel without Python
or lstm_tune. Its `serve` endpoint does the predictor's arithmetic in TensorFlow ops, for
every member, and averages them as the predictor does:

- texts: `texts` (strings) -> class probabilities; the words and the vocabulary are inside
  (Keras TextVectorization, which lstm_tune's own tokenizer follows exactly);
- sequences: `values` (batch, steps, channels) in the data's units, and for sequences of
  different lengths `lengths` (the real steps of each; later steps are ignored) -> class
  probabilities; scaling and padding are inside;
- series: `history` (batch, steps, channels): the last `min_history` steps of the target
  (where the model reads it) and the features, in the data's units, and `series` (each
  row's series number, 0 for one series) -> forecasts in the data's units (batch, horizon);
  scaling and the target transform (log, differencing) are inside.

What stays outside, in `predictor.json` and `Predictor.predict`: reading files, choosing
the last steps of a longer history, the times of the forecasts, recursive forecasts past
the horizon, and the conformal intervals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lstm_tune.data.encoders import NUDGE, SequenceEncoder, SeriesEncoder, TextEncoder
from lstm_tune.predictor.predictor import Member, Predictor
from lstm_tune.tasks import get_task

ENDPOINT = "serve"


def _text_member(tf: Any, keras: Any, member: Member, archive: Any) -> Any:
    e: TextEncoder = member.encoder  # type: ignore[assignment]
    vectorize = keras.layers.TextVectorization(
        standardize="lower_and_strip_punctuation", split="whitespace", output_mode="int",
        output_sequence_length=e.max_length, vocabulary=list(e.vocabulary[2:]))
    vectorize(tf.constant([""]))  # built, so that its lookup table can be tracked
    archive.track(vectorize)
    archive.track(member.model)

    def run(texts: Any) -> Any:
        ids = tf.cast(vectorize(texts), tf.int32)
        empty = tf.reduce_all(tf.equal(ids, 0), axis=1, keepdims=True)
        first = tf.one_hot(tf.zeros(tf.shape(ids)[:1], tf.int32), tf.shape(ids)[1],
                           dtype=tf.int32)
        ids = tf.where(empty, first, ids)  # a text of no words reads as one unknown word
        return tf.cast(member.model(ids, training=False), tf.float64)

    return run


def _sequence_member(tf: Any, member: Member, archive: Any) -> Any:
    e: SequenceEncoder = member.encoder  # type: ignore[assignment]
    archive.track(member.model)
    mean, std = tf.constant(e.x_mean, tf.float64), tf.constant(e.x_std, tf.float64)

    def run(values: Any, lengths: Any) -> Any:
        z = (tf.cast(values, tf.float64) - mean) / std
        real = tf.sequence_mask(lengths, tf.shape(z)[1])[:, :, None]
        zero = tf.reduce_all(tf.equal(z, 0.0), axis=2, keepdims=True)
        first = tf.one_hot(0, tf.shape(z)[2], dtype=tf.float64)[None, None, :] * NUDGE
        z = tf.where(zero, z + first, z)
        z = tf.where(real, z, tf.zeros_like(z))
        return tf.cast(member.model(tf.cast(z, tf.float32), training=False), tf.float64)

    return run


def _series_member(tf: Any, member: Member, archive: Any, steps: int) -> Any:
    e: SeriesEncoder = member.encoder  # type: ignore[assignment]
    archive.track(member.model)
    t = e.tf
    own = e.min_history
    x_mean, x_std = tf.constant(e.x_mean, tf.float64), tf.constant(e.x_std, tf.float64)
    y_mean, y_std = tf.constant(e.y_mean, tf.float64), tf.constant(e.y_std, tf.float64)

    def run(history: Any, series: Any, has_target: bool) -> Any:
        h = tf.cast(history[:, steps - own:, :], tf.float64)
        columns = []
        g = None
        if has_target:
            y = h[:, :, 0]
            g = tf.math.log(y) if t.log else y
            if e.target_as_input:
                channel = g if t.lag == 0 else g[:, t.lag:] - g[:, :-t.lag]
                columns.append(channel[:, -e.window:, None])
        features = h[:, -e.window:, (1 if has_target else 0):]
        x = tf.concat(columns + [features], axis=2)
        x = (x - tf.gather(x_mean, series)[:, None, :]) / tf.gather(x_std, series)[:, None, :]
        raw = tf.cast(member.model(tf.cast(x, tf.float32), training=False), tf.float64)
        if e.classes:
            return raw
        z = tf.reshape(raw, (-1, e.horizon)) * tf.gather(y_std, series)[:, None] \
            + tf.gather(y_mean, series)[:, None]
        if t.lag == 0:
            ref = tf.zeros_like(z)
        elif t.lag == 1:
            ref = tf.repeat(g[:, -1:], e.horizon, axis=1)
        else:  # the same steps one season earlier
            last = own - 1
            at = [last + e.steps_ahead + k - t.lag for k in range(e.horizon)]
            ref = tf.gather(g, at, axis=1)
        out = z + ref
        return tf.exp(out) if t.log else out

    return run


def _mean(tf: Any, outputs: list[Any]) -> Any:
    """The members' outputs averaged, as the predictor averages them."""
    return tf.add_n(outputs) / len(outputs)


class Serving:
    """How one framing's raw input reaches the SavedModel: the endpoint's inputs in
    words, what stays outside it, and the traced function with its input signature.
    Series (windows) are the base; sequences and texts below."""

    outside = ("reading files, picking the last steps of a longer history, forecast times, "
               "recursive forecasts past the horizon and the intervals")

    def inputs(self, predictor: Predictor) -> dict[str, str]:
        schema = predictor.input_schema()
        target = [schema["target"]] if predictor.reads_target_history else []
        channels = target + schema["features"]
        return {"history": f"float64 (batch, {predictor.min_history}, {len(channels)}): the "
                           f"last {predictor.min_history} steps of " + ", ".join(channels),
                "series": "int32 (batch,): each row's series, numbered as "
                          + (", ".join(f"{i}={n}" for i, n in enumerate(predictor.series))
                             if predictor.panel else "0 (one series)")}

    def endpoint(self, tf: Any, keras: Any, predictor: Predictor, archive: Any
                 ) -> tuple[Any, list[Any]]:
        steps = predictor.min_history
        has_target = predictor.reads_target_history
        runs = [_series_member(tf, m, archive, steps) for m in predictor.members]
        channels = int(has_target) + len(predictor.encoder.feature_names)

        def serve(history: Any, series: Any) -> Any:
            return _mean(tf, [run(history, series, has_target) for run in runs])

        return serve, [tf.TensorSpec((None, steps, channels), tf.float64, name="history"),
                       tf.TensorSpec((None,), tf.int32, name="series")]


class SequenceServing(Serving):
    outside = "reading files"

    def inputs(self, predictor: Predictor) -> dict[str, str]:
        e = predictor.encoder
        values = (f"float64 (batch, steps, {len(e.channel_names)}): "
                  + ", ".join(e.channel_names) + " in the data's units")
        if e.masked:
            return {"values": values, "lengths": "int32 (batch,): each sequence's real steps"}
        return {"values": values.replace("steps", str(e.window))}

    def endpoint(self, tf: Any, keras: Any, predictor: Predictor, archive: Any
                 ) -> tuple[Any, list[Any]]:
        runs = [_sequence_member(tf, m, archive) for m in predictor.members]
        e = predictor.encoder
        if e.masked:
            def serve(values: Any, lengths: Any) -> Any:
                return _mean(tf, [run(values, lengths) for run in runs])

            return serve, [tf.TensorSpec((None, None, len(e.channel_names)), tf.float64,
                                         name="values"),
                           tf.TensorSpec((None,), tf.int32, name="lengths")]

        def serve_whole(values: Any) -> Any:
            lengths = tf.fill(tf.shape(values)[:1], tf.shape(values)[1])
            return _mean(tf, [run(values, lengths) for run in runs])

        return serve_whole, [tf.TensorSpec((None, e.window, len(e.channel_names)), tf.float64,
                                           name="values")]


class TextServing(Serving):
    outside = "reading files"

    def inputs(self, predictor: Predictor) -> dict[str, str]:
        return {"texts": "string (batch,)"}

    def endpoint(self, tf: Any, keras: Any, predictor: Predictor, archive: Any
                 ) -> tuple[Any, list[Any]]:
        runs = [_text_member(tf, keras, m, archive) for m in predictor.members]

        def serve(texts: Any) -> Any:
            return _mean(tf, [run(texts) for run in runs])

        return serve, [tf.TensorSpec((None,), tf.string, name="texts")]


SERVINGS: dict[str, Serving] = {"windows": Serving(), "sequences": SequenceServing(),
                                "tokens": TextServing()}


def signature(predictor: Predictor) -> dict[str, Any]:
    """The serving endpoint's inputs and output, in words (for the manifest)."""
    serving = SERVINGS[predictor.framing]
    output = get_task(predictor.task).served(predictor.classes, predictor.horizon)
    outside = serving.outside
    c = predictor.combination
    if c is not None:
        output = output.replace("forecasts", "the LSTM's forecasts", 1).replace(
            "class probabilities", "the LSTM's class probabilities", 1)
        outside = (f"the combination ({c.describe()}: the predictor's {c.combined} are "
                   f"{c.weight:.4g} x this output + {1 - c.weight:.4g} x {c.name}'s), " + outside)
    return {"endpoint": ENDPOINT, "inputs": serving.inputs(predictor), "output": output,
            "outside": outside + " (Predictor.predict does them)"}


def write_saved_model(predictor: Predictor, path: str | Path) -> Path:
    """Write the SavedModel (see the module's docstring) to `path`."""
    import keras
    import tensorflow as tf

    path = Path(path)
    archive = keras.export.ExportArchive()
    serve, spec = SERVINGS[predictor.framing].endpoint(tf, keras, predictor, archive)
    archive.add_endpoint(name=ENDPOINT, fn=serve, input_signature=spec)
    archive.write_out(str(path), verbose=False)
    return path


def history_array(predictor: Predictor, histories: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The serving inputs of forecasts from the end of each history: (history, series)."""
    steps, has_target = predictor.min_history, predictor.reads_target_history
    rows = []
    for h in histories:
        cols = ([h.target[-steps:, None]] if has_target else []) + [h.features[-steps:]]
        rows.append(np.concatenate(cols, axis=1))
    series = np.array([predictor.series.index(h.name) for h in histories], dtype=np.int32)
    return np.asarray(rows, dtype=np.float64), series


def sequence_inputs(predictor: Predictor, sequences: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """The serving inputs of sequences: (values padded with zeros, lengths) where lengths
    differ, else (values,)."""
    steps = max(len(s) for s in sequences)
    values = np.zeros((len(sequences), steps, np.asarray(sequences[0]).shape[1]))
    for i, s in enumerate(sequences):
        values[i, : len(s)] = s
    if not predictor.encoder.masked:
        return (values,)
    return values, np.array([len(s) for s in sequences], dtype=np.int32)

