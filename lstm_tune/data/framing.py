"""The one entry to the data layer: load the study's data, then frame it as model samples.

Two framings: windows cut from one series (forecasting, per-step labels) and whole
independent sequences, padded and masked (sequence classification). Both give a dataset
with the same interface (train/val/test splits of scaled inputs, classes, channel names,
`actual`, `labels_at`, `raw_inputs`), so training, evaluation and explanation never ask
which one they hold.
"""

from __future__ import annotations

from typing import Union

from lstm_tune.data.builtin import is_sequences
from lstm_tune.data.load import Table, load_table
from lstm_tune.data.padded import SequenceDataset, make_sequence_dataset
from lstm_tune.data.sequences import Sequences, load_sequences
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.window import Dataset, make_dataset

Loaded = Union[Table, Sequences]
AnyDataset = Union[Dataset, SequenceDataset]


def load_data(settings: DataSettings) -> Loaded:
    """Read and check the data; raises StudyError on anything a model cannot use."""
    if is_sequences(settings.builtin, settings.ts, settings.sequence):
        return load_sequences(settings)
    return load_table(settings)


def frame(settings: DataSettings, loaded: Loaded, transform: str = "none") -> AnyDataset:
    """Model samples for one target transform (sequences take none)."""
    if isinstance(loaded, Sequences):
        return make_sequence_dataset(settings, loaded)
    return make_dataset(settings, loaded, transform)


class Datasets:
    """One dataset per target transform, built on first use: a study tries several
    transforms, and every trial of one transform shares its samples and scalers."""

    def __init__(self, settings: DataSettings, loaded: Loaded) -> None:
        self.settings, self.loaded = settings, loaded
        self._built: dict[str, AnyDataset] = {}

    def get(self, transform: str) -> AnyDataset:
        if transform not in self._built:
            self._built[transform] = frame(self.settings, self.loaded, transform)
        return self._built[transform]
