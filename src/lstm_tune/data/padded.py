"""Whole sequences as model samples: scaled per channel, padded at the end, masked.

Sequences of different lengths are padded with zeros after their last step, and the model
starts with a Keras `Masking(mask_value=0)` layer, so an LSTM skips padded steps and carries
its state over them: a sequence's prediction is the same alone and in a padded batch.
Zero is the padding value because it survives interpolation exactly (SHAP's expected
gradients mix an input with a background: 0 mixed with 0 stays 0); a real step whose every
channel is exactly 0 after scaling would read as padding, so it is moved by 1e-6.
Channels are scaled with the mean and deviation of the training sequences' real steps only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence as Seq

import numpy as np

from lstm_tune.data.encoders import NUDGE, PAD, SequenceEncoder, pad
from lstm_tune.data.sequences import Sequences
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.splits import SequenceSplit, class_split
from lstm_tune.data.transform import Transform
from lstm_tune.data.window import FramedData, Split

__all__ = ["NUDGE", "PAD", "SequenceDataset", "make_sequence_dataset", "pad"]


@dataclass(frozen=True)
class SequenceDataset(FramedData):
    """Independent sequences framed for a model: the same interface as a window Dataset."""

    sequences: Sequences
    split_plan: SequenceSplit
    channel_names: tuple[str, ...]
    train: Split
    val: Split
    test: Split
    x_mean: np.ndarray
    x_std: np.ndarray
    classes: tuple[str, ...]
    window: int  # padded length
    masked: bool  # lengths differ: padded steps are masked
    season: int = 1
    task: str = "classify"
    framing: str = "sequences"
    steps_ahead: int = 0
    horizon: int = 1
    metric: str = "accuracy"
    y_mean: float = 0.0
    y_std: float = 1.0
    transform: Transform = Transform("none", 1)

    @property
    def loaded(self) -> Sequences:
        return self.sequences

    def actual_at(self, idx: np.ndarray) -> np.ndarray:
        return self.sequences.labels[np.asarray(idx)]

    def labels_at(self, idx: np.ndarray) -> list[str]:
        """What each sample is called in a report: its sequence id."""
        return [f"sequence {self.sequences.ids[i]}" for i in np.asarray(idx)]

    def lengths_at(self, idx: np.ndarray) -> np.ndarray:
        return self.sequences.lengths[np.asarray(idx)]

    def raw_samples(self, idx: np.ndarray) -> list[np.ndarray]:
        """The sequences as given (steps x channels, data units): what a predictor reads."""
        return [self.sequences.values[i] for i in np.asarray(idx)]

    def raw_inputs(self, idx: np.ndarray, target_as_input: bool = False) -> np.ndarray:
        """The sequences in the data's own units, padded with NaN (samples, steps, channels)."""
        out = np.full((len(idx), self.window, len(self.channel_names)), np.nan)
        for row, i in enumerate(np.asarray(idx)):
            v = self.sequences.values[i][: self.window]
            out[row, : len(v)] = v
        return out

    def encoder(self) -> SequenceEncoder:
        """What reads new sequences as this dataset read its own (data/encoders.py)."""
        return SequenceEncoder(tuple(self.channel_names), self.x_mean, self.x_std, self.window,
                               self.masked, tuple(self.classes))

    def frame(self, values: Seq[np.ndarray]) -> np.ndarray:
        """New sequences (each steps x channels, data units) as model input."""
        return self.encoder().encode(values)


def make_sequence_dataset(settings: DataSettings, seqs: Sequences, fold: int = 0
                          ) -> SequenceDataset:
    """Split by sequence, scale per channel on the fold's training part, pad and mask."""
    plan, classes, y = class_split(seqs.labels, seqs.part, settings.validation, settings.test,
                                   settings.seed, settings.source, seqs.source, "sequence",
                                   settings.folds)
    train_idx, val_idx = plan.parts(fold)
    train_steps = np.concatenate([seqs.values[i] for i in train_idx])
    mean = train_steps.mean(axis=0)
    std = train_steps.std(axis=0)
    std[std == 0] = 1.0
    lengths = seqs.lengths
    steps = int(lengths.max())
    masked = bool(lengths.min() != lengths.max())
    x = pad(seqs.values, mean, std, steps)

    def part(idx: np.ndarray) -> Split:
        return Split(x[idx], y[idx], idx, np.zeros(len(idx)))

    return SequenceDataset(
        sequences=seqs, split_plan=plan, channel_names=seqs.channel_names,
        train=part(train_idx), val=part(val_idx), test=part(plan.test),
        x_mean=mean, x_std=std, classes=classes, window=steps, masked=masked)
