"""Build a compiled Keras LSTM from a parameter dict; save and load it safely.

Only `keras` and `keras.ops` are used here (docs/architecture.md decision 7), so the model
itself is backend-neutral; training (`model/train.py`) feeds it through `tf.data`, so TensorFlow is
the backend lstm_tune runs and tests. The attention layer is registered, so a saved model
loads with safe mode on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras
import numpy as np
from keras import layers, ops


@keras.saving.register_keras_serializable(package="lstm_tune")
class TemporalAttention(layers.Layer):
    """Additive attention over time steps: returns the context vector and per-step weights."""

    def __init__(self, units: int = 16, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = units
        self.supports_masking = True

    def build(self, input_shape: tuple[int, ...]) -> None:
        dim = int(input_shape[-1])
        self.w = self.add_weight(shape=(dim, self.units), initializer="glorot_uniform", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
        self.v = self.add_weight(shape=(self.units, 1), initializer="glorot_uniform", name="v")

    def call(self, h: Any, mask: Any = None) -> tuple[Any, Any]:
        scores = ops.squeeze(ops.matmul(ops.tanh(ops.matmul(h, self.w) + self.b), self.v), -1)
        if mask is not None:  # padded steps get no weight
            scores = ops.where(mask, scores, ops.full_like(scores, -1e9))
        weights = ops.softmax(scores, axis=-1)
        context = ops.sum(h * ops.expand_dims(weights, -1), axis=1)
        return context, weights

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return [None, None]  # the outputs have no time axis left to mask

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[tuple, tuple]:
        return (input_shape[0], input_shape[-1]), (input_shape[0], input_shape[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="lstm_tune")
class WordDropout(layers.Layer):
    """While training, show a share `rate` of the texts with some of their words read as
    unknown (id 1): each such text masks a uniformly drawn share of its words, from none to
    all, as LIME and SHAP mask words when they explain. The model so learns what a text with
    unknown words means, down to one with every word unknown (the class prior, which SHAP's
    base value then is), and an explainer's masked texts are ones it knows how to read.
    At prediction it does nothing."""

    def __init__(self, rate: float = 0.25, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate, self.seed = float(rate), seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, ids: Any, training: bool = False) -> Any:
        if not training or self.rate <= 0:
            return ids
        shape = ops.shape(ids)
        chosen = keras.random.uniform((shape[0], 1), seed=self.seed_generator) < self.rate
        share = keras.random.uniform((shape[0], 1), seed=self.seed_generator)
        drop = keras.random.uniform(shape, seed=self.seed_generator) < share
        drop = ops.logical_and(ops.logical_and(drop, chosen), ids > 1)
        return ops.where(drop, ops.ones_like(ids), ids)

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


# LSTM-FCN (Karim et al. 2017): three 1-D convolutions (filters, kernel) with batch
# normalisation and ReLU, averaged over time, beside the LSTM and joined before the head
FCN_BLOCKS = ((128, 8), (256, 5), (128, 3))


@keras.saving.register_keras_serializable(package="lstm_tune")
class PaddedSteps(layers.Layer):
    """[features, input] -> features with the input's padded steps (every channel 0) set
    to 0, or (`average`) averaged over the steps that hold data: a padded sequence then
    reads as it does alone, where a convolution pads with zeros too."""

    def __init__(self, average: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.average = average

    def call(self, inputs: list[Any]) -> Any:
        h, x = inputs
        valid = ops.cast(ops.any(ops.not_equal(x, 0.0), axis=-1, keepdims=True), h.dtype)
        if not self.average:
            return h * valid
        return ops.sum(h * valid, axis=1) / ops.maximum(ops.sum(valid, axis=1), 1.0)

    def compute_output_shape(self, input_shape: list[tuple]) -> tuple:
        shape = tuple(input_shape[0])
        return (shape[0], shape[2]) if self.average else shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "average": self.average}


# The batch norms' moving statistics (what a trained model predicts with) move this far
# towards each batch's. Keras' 0.99 needs some 500 updates to forget its initial ones, and a
# search's LSTM-FCN on small data gets 5-22 updates an epoch: on OSULeaf (170 training
# sequences, batches of 16) its validation accuracy sat at chance (one class, 0.13) for 50
# epochs, far past early stopping's patience, then rose to 0.9 (test 0.909 after 300
# epochs); at 0.9 (PyTorch's default) it rose after 5 (test 0.913 after 100 epochs).
# Default studies, 3 seeds: OSULeaf 0.512 -> 0.843, GunPoint 0.960 -> 0.987 (benchmarks.md).
NORM_MOMENTUM = 0.9


def fcn_branch(x: Any, masked: bool) -> Any:
    """The FCN block of LSTM-FCN on the raw input: each convolution's output is zero on
    padded steps (masked input) and the average skips them."""
    h = x
    for i, (filters, kernel) in enumerate(FCN_BLOCKS):
        h = layers.Conv1D(filters, kernel, padding="same", name=f"fcn_conv_{i + 1}")(h)
        h = layers.BatchNormalization(momentum=NORM_MOMENTUM, name=f"fcn_norm_{i + 1}")(h)
        h = layers.Activation("relu", name=f"fcn_relu_{i + 1}")(h)
        if masked:
            h = PaddedSteps(name=f"fcn_padding_{i + 1}")([h, x])
    if masked:
        return PaddedSteps(average=True, name="fcn_average")([h, x])
    return layers.GlobalAveragePooling1D(name="fcn_average")(h)


def layer_units(params: dict[str, Any]) -> list[int]:
    """Units of each stacked layer: `units_1`, `units_2`, ... (or one shared `units`)."""
    n = int(params["layers"])
    return [int(params.get(f"units_{i + 1}", params.get("units", 32))) for i in range(n)]


def build_model(
    params: dict[str, Any], window: int, channels: int, task: str = "forecast",
    n_outputs: int = 1, masked: bool = False, jit_compile: bool = False, vocabulary: int = 0,
) -> keras.Model:
    """A compiled model: optional pooling of steps, stacked (optionally bidirectional) LSTMs,
    optional attention, an optional FCN branch beside them (`conv: fcn`), the task's head. `masked`: inputs are sequences of any length,
    padded with zeros at the end, which the LSTMs skip (data/padded.py). `jit_compile`:
    the train and predict steps are compiled with XLA (train.use_xla says when it pays).
    `vocabulary` > 0: inputs are token ids (0 pads), each embedded in `embedding_dim`
    learned dimensions, padding masked (data/tokens.py)."""
    from lstm_tune.tasks import get_task

    the_task = get_task(task)
    if vocabulary:
        inputs = keras.Input((None,), dtype="int32", name="tokens")
        h = inputs
        if float(params.get("word_dropout", 0.0)) > 0:
            h = WordDropout(float(params["word_dropout"]), name="word_dropout")(h)
        h = layers.Embedding(vocabulary, int(params["embedding_dim"]), mask_zero=True,
                             name="embedding")(h)
    else:
        inputs = keras.Input((None if masked else window, channels), name="window")
        h = inputs
    if masked and not vocabulary:
        h = layers.Masking(mask_value=0.0, name="padding")(h)
    pool = int(params.get("pool", 1))
    if pool > 1:  # averaging neighbouring steps shortens long sequences for the LSTM
        h = layers.AveragePooling1D(pool, padding="same", name="pool")(h)
    units = layer_units(params)
    attention = bool(params.get("attention", False))
    dropout = float(params.get("dropout", 0.0))
    for i, u in enumerate(units):
        sequences = i < len(units) - 1 or attention
        lstm = layers.LSTM(u, return_sequences=sequences, name=f"lstm_{i + 1}")
        if params.get("bidirectional", False):
            lstm = layers.Bidirectional(lstm, name=f"bilstm_{i + 1}")
        h = lstm(h)
        if dropout > 0:
            h = layers.Dropout(dropout, name=f"dropout_{i + 1}")(h)
    if attention:
        h, _ = TemporalAttention(name="attention")(h)
    if params.get("conv", "none") == "fcn" and not vocabulary:
        h = layers.Concatenate(name="lstm_fcn")([h, fcn_branch(inputs, masked)])
    outputs = the_task.head(h, n_outputs)
    model = keras.Model(inputs, outputs, name="lstm_tune")
    # no compiled metrics: the validation metric is measured in data units by train.UnitMetric,
    # and metric variables created in the first trace would make Keras trace the step twice
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=float(params["learning_rate"])),
        loss=the_task.loss,
        jit_compile=jit_compile,
    )
    return model


def has_attention(model: keras.Model) -> bool:
    return any(isinstance(layer, TemporalAttention) for layer in model.layers)


def attention_weights(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Per-step attention weights, shape (samples, window), for a model built with attention."""
    layer = next((lay for lay in model.layers if isinstance(lay, TemporalAttention)), None)
    if layer is None:
        raise ValueError("this model has no attention layer")
    probe = keras.Model(model.inputs, layer.output[1])
    return np.asarray(probe.predict(x, verbose=0))


def mean_model(models: list[keras.Model]) -> keras.Model:
    """Models that read the same input, as one model whose output is the mean of theirs
    (an ensemble whose members share their framing), so an explainer explains the ensemble
    itself and calls it once per batch."""
    first = models[0]
    inputs = keras.Input(first.input_shape[1:], dtype=first.inputs[0].dtype)
    # each member under its own name: a functional model's layers need distinct names
    renamed = [keras.Model(m.inputs[0], m.outputs[0], name=f"member_{i}")
               for i, m in enumerate(models)]
    return keras.Model(inputs, layers.Average()([m(inputs) for m in renamed]), name="mean")


def save_model(model: keras.Model, path: str | Path) -> Path:
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"models are saved as .keras files, got {path.name!r}")
    model.save(path)
    return path


def load_model(path: str | Path) -> keras.Model:
    """Load a `.keras` model with safe mode on: no arbitrary code from the file runs."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"only .keras model files are loaded, got {path.name!r}")
    return keras.saving.load_model(path, safe_mode=True, compile=False)
