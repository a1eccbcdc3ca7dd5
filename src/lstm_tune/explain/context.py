"""What every explainer needs: the model, the data it was trained on, and how to read it."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Union

import numpy as np

from lstm_tune.data.framing import AnyDataset as Dataset
from lstm_tune.data.framings import Framing, framing_of
from lstm_tune.tasks import get_task

# SHAP and LIME call the model positionally; Keras warns that its input is named. Harmless.
warnings.filterwarnings("ignore", message="The structure of `inputs` doesn't match")

Output = Union[int, np.ndarray, None]  # one class for all samples, or one per sample


@dataclass
class ExplainContext:
    model: Any
    data: Dataset
    seed: int = 0
    background_size: int = 100
    shap_samples: int = 200
    lime_samples: int = 1000
    # a text's words are few but each is on or off: measured on the reviews study, 1,000
    # masked copies left LIME's mass on the deciding words at 88.6-90.8%, 2,000 at 90.7-91.5%
    # (LIME's own default, 5,000, 91.5-92.3% for 2.5x the time)
    lime_word_samples: int = 2000
    lengths: np.ndarray | None = None  # real lengths of the explained padded sequences
    series: np.ndarray | None = None  # which series each explained window is cut from
    step: int = 0  # a path forecast: which step ahead is explained (0: the first)
    sample_idx: np.ndarray | None = None  # where the explained samples' targets are
    # an ensemble explained as one model: its members, whose mean `model` is (else empty)
    members: tuple = ()
    # results explainers reuse within one explanation run (None: compute every time)
    cache: dict | None = field(default=None, repr=False)

    @property
    def task(self) -> str:
        return self.data.task

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Channel names as the model reads them: a transformed target says how."""
        names = list(self.data.channel_names)
        label = self.data.transform.label
        if label and names and names[0] == self.data.table.target_name:
            names[0] = f"{names[0]} ({label})"
        return tuple(names)

    @property
    def framing(self) -> Framing:
        return framing_of(self.data)

    @property
    def step_names(self) -> tuple[str, ...]:
        return self.framing.step_names(self.data.window,
                                       getattr(self.data, "steps_ahead", 0) + self.step)

    @property
    def cell_name(self) -> Callable[[int], str]:
        """How a built-in's informative cells name their step: a lag before the target
        (windows) or a position from the start (sequences)."""
        return self.framing.cell_name

    @property
    def train_x(self) -> np.ndarray:
        return self.data.train.x

    def background(self) -> np.ndarray:
        """A seeded sample of training windows: the reference inputs for SHAP."""
        x = self.train_x
        if len(x) <= self.background_size:
            return x
        idx = np.random.default_rng(self.seed).choice(len(x), self.background_size, replace=False)
        return x[np.sort(idx)]

    @cached_property
    def fixed_model(self) -> Any:
        """The model with a fixed number of steps: a model for sequences of any length has
        no step count in its input shape, which SHAP's GradientExplainer needs."""
        import keras

        if self.paths:  # one output, the explained step of the path, as the last layer
            inputs = keras.Input((self.data.window, len(self.data.channel_names)))
            k = self.step  # (SHAP reads the output width from the last layer)
            step = keras.layers.Lambda(lambda out: out[:, k: k + 1], output_shape=(1,))
            return keras.Model(inputs, step(self.model(inputs)))
        if self.model.input_shape[1] is not None:
            return self.model
        inputs = keras.Input((self.data.window, len(self.data.channel_names)))
        return keras.Model(inputs, self.model(inputs))

    @property
    def paths(self) -> bool:
        """The model forecasts several steps at once (one output per step)."""
        return self.data.horizon > 1  # a classifier's samples have one label

    def impose_padding(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Keep perturbed sequences as long as the explained ones: steps past a sequence's
        end back to padding, real steps that became all-zero (padding) nudged off it."""
        from lstm_tune.data.padded import NUDGE, PAD

        x = np.array(x, dtype=np.float32, copy=True)
        lengths = np.resize(np.asarray(lengths), len(x))  # tiled batches keep sample order
        steps = np.arange(x.shape[1])[None, :]
        real = steps < lengths[:, None]
        x[~real] = PAD
        zero = real & np.all(x == PAD, axis=2)
        x[..., 0][zero] = NUDGE
        return x

    def raw_output(self, x: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
        """The model's output for a batch of samples: one place that calls the model, as
        its framing's inputs are read (cells or word ids). For padded sequences, `lengths`
        (default: the explained samples', tiled) keeps perturbations from turning padding
        into data or data into padding."""
        return _CALLS[self.framing.name](self, x, lengths)

    def _cells_output(self, x: np.ndarray, lengths: np.ndarray | None) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        lengths = self.lengths if lengths is None else lengths
        if self.data.masked and lengths is not None and len(x) % len(lengths) == 0:
            x = self.impose_padding(x, lengths)
        return np.asarray(self.model(x, training=False))

    def _words_output(self, x: np.ndarray, lengths: np.ndarray | None) -> np.ndarray:
        """Word ids, masked words already set to the unknown id by the explainer. SHAP and
        LIME call the model thousands of times, and the compiled predict step is far faster
        than an eager call (2-3 ms against 90-110 ms for 5 texts here). A short text has few
        ways to mask its words (LIME's 2,000 copies of a text of 8 words hold at most 256
        distinct ones), so each distinct row is read once; the step is traced again for
        every new batch size, so batches are padded to a power of two: a few traces
        instead of one per call."""
        if not len(x):
            return np.asarray(self.model.predict_on_batch(np.asarray(x, dtype=np.int32)))
        rows, back = np.unique(np.asarray(x, dtype=np.int32), axis=0, return_inverse=True)
        n = len(rows)
        size = max(32, 1 << (n - 1).bit_length())
        rows = np.concatenate([rows, np.repeat(rows[-1:], size - n, axis=0)])
        return np.asarray(self.model.predict_on_batch(rows))[back.reshape(-1)]

    def output(self, x: np.ndarray, output: Output = None) -> np.ndarray:
        """The explained model output for each sample (scaled forecast or the probability of
        a class: one for all samples, or one per sample, repeated over tiled batches)."""
        return get_task(self.task).pick(self.raw_output(x), output, self.step)

    def output_name(self, output: Output = None) -> str:
        return get_task(self.task).output_name(self.data, output, self.step)

    def unscaled(self, x: np.ndarray) -> np.ndarray:
        """Explained inputs back in the data's units (each with its series' scaler); for
        texts, the token ids (samples, words, 1)."""
        series = None if self.series is None else np.resize(self.series, len(x))
        return self.framing.unscaled(self.data, x, series)


# how each framing's inputs reach the model (cells, or word ids: raw_output)
_CALLS = {"windows": ExplainContext._cells_output, "sequences": ExplainContext._cells_output,
          "tokens": ExplainContext._words_output}
