"""The one entry to the data layer: load the study's data, then frame it as model samples.

Three framings: windows cut from one series (forecasting, per-step labels), whole
independent sequences, padded and masked (sequence classification), and texts as padded
token ids (text classification). Each gives a dataset
with the same interface (train/val/test splits of scaled inputs, classes, channel names,
`actual`, `labels_at`, `raw_inputs`), so training, evaluation and explanation never ask
which one they hold.
"""

from __future__ import annotations

from typing import Any, Mapping, Union

from lstm_tune.data.builtin import framing_name
from lstm_tune.data.load import Table, load_table
from lstm_tune.data.padded import SequenceDataset, make_sequence_dataset
from lstm_tune.data.sequences import Sequences, load_sequences
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.texts import Texts, load_texts
from lstm_tune.data.tokens import TokenDataset, make_token_dataset
from lstm_tune.data.window import Dataset, allowed_transforms, make_dataset

Loaded = Union[Table, Sequences, Texts]
AnyDataset = Union[Dataset, SequenceDataset, TokenDataset]
How = Union[str, Mapping[str, Any]]  # a target transform, or a trial's params


def load_data(settings: DataSettings) -> Loaded:
    """Read and check the data; raises StudyError on anything a model cannot use."""
    load = {"tokens": load_texts, "sequences": load_sequences, "windows": load_table}
    return load[framing_name(settings.builtin, settings.ts, settings.sequence, settings.text)](
        settings)


def framing_key(loaded: Loaded, how: How = "none") -> tuple:
    """What of a trial's params its samples depend on: the target transform and the
    statistical base (a hybrid) of a series, the vocabulary size and maximum length of
    texts, nothing for sequences."""
    params = {"transform": how} if isinstance(how, str) else how
    if isinstance(loaded, Texts):
        return int(params["vocab_size"]), int(params["max_length"])
    if isinstance(loaded, Sequences):
        return ()
    return str(params.get("transform") or "none"), str(params.get("base") or "none")


def frame(settings: DataSettings, loaded: Loaded, how: How = "none", fold: int = 0
          ) -> AnyDataset:
    """Model samples for a trial's params (or, for a series, just its target transform),
    split for one validation fold (fold 0 is the single split's)."""
    key = framing_key(loaded, how)
    if isinstance(loaded, Texts):
        return make_token_dataset(settings, loaded, *key, fold=fold)
    if isinstance(loaded, Sequences):
        return make_sequence_dataset(settings, loaded, fold=fold)
    transform, base = key
    return make_dataset(settings, loaded, transform, fold=fold, base=base)


class Datasets:
    """One dataset per framing key and fold, built on first use: a study tries several
    transforms (or vocabularies), and every trial of one shares its samples and scalers."""

    def __init__(self, settings: DataSettings, loaded: Loaded) -> None:
        self.settings, self.loaded = settings, loaded
        self._built: dict[tuple, AnyDataset] = {}

    def get(self, how: How, fold: int = 0) -> AnyDataset:
        key = (*framing_key(self.loaded, how), fold)
        if key not in self._built:
            self._built[key] = frame(self.settings, self.loaded, how, fold)
        return self._built[key]


def candidate_transforms(settings: DataSettings, loaded: Loaded) -> tuple[str, ...]:
    """The target transforms a study may try: those its file names, else (`auto`) those
    the data allows (window.allowed_transforms)."""
    if settings.transforms:
        return settings.transforms
    if isinstance(loaded, Table):
        return allowed_transforms(settings, loaded)
    return ("none",)

