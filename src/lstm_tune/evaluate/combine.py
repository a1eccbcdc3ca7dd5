"""Combining the LSTM with a statistical model (forecasts) or a linear classifier (classes):
which model, and with what weight, chosen on the validation folds, never on the test part.

On each fold the LSTM's validation forecasts are those of the search's own model of that
fold (kept on its trial), and each statistical model (ETS, seasonal ARIMA) is fitted on
each series' steps before the fold's validation part and forecasts it from every origin;
persistence (the last value) is a candidate too, with nothing to fit. The one with the
lowest validation metric is kept; the LSTM's weight w (in
steps of 0.05) minimises the mean validation metric of w x LSTM + (1 - w) x it over the
folds. On the test part and past the data the statistical model is fitted on everything
before the test part, as the statistical baselines are (or on everything, for a production
refit), and filtered over the history with those parameters.

Classes: the linear classifier (stats/linear.py) is fitted on each fold's training
part and predicts its validation part; the LSTM's weight minimises the mean validation log
loss of the averaged probabilities. Log loss, not accuracy: a validation part of ten
sequences moves accuracy in steps of 0.1, so most weights would tie on it. The LSTM's
validation probabilities are a rehearsal's, as for forecasts (the configuration retrained
with a new seed): the search's own models were chosen on that part and look perfect there
(on every GunPoint and JapaneseVowels study measured they took all the weight, though the
logistic regression tested at 0.992 on JapaneseVowels against the LSTMs' 0.957-0.976). A
rehearsal estimates the configuration, not the draw that is shipped, which is the best of
many on that part: on GunPoint a rehearsal gave the logistic regression all the weight, and
the combination tested at its 0.83 against 0.99 for the LSTM alone. So the linear
classifier's share is at most one half (CLASS_WEIGHTS). On the test part it is fitted on
the training and validation parts, as the baselines are.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import numpy as np

from lstm_tune.data.load import Table
from lstm_tune.predictor.combination import Combination
from lstm_tune.stats.models import COMBINED_KINDS, StatModel, model_name
from lstm_tune.tasks import get_task

WEIGHTS = tuple(round(w, 2) for w in np.linspace(1.0, 0.0, 21))  # the LSTM's share
CLASS_WEIGHTS = tuple(w for w in WEIGHTS if w >= 0.5)  # classes: the LSTM keeps half


@dataclass
class CombinationChoice:
    kind: str
    name: str
    weight: float  # the LSTM's share
    alone: dict[str, float] = field(default_factory=dict)  # per statistical model: its metric
    curve: dict[str, float] = field(default_factory=dict)  # per weight: the combined metric
    folds: int = 1
    criterion: str = ""  # what `alone` and `curve` measure (empty: the study's metric)

    def to_attr(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_attr(value: dict[str, Any]) -> "CombinationChoice":
        return CombinationChoice(**value)


def _spans(table: Table) -> dict[str, tuple[int, int]]:
    return {name: (start, stop) for name, start, stop in table.parts}


def fold_paths(data: Any, kind: str) -> np.ndarray | None:
    """The statistical model `kind`, fitted on each series' steps before the fold's
    validation part, forecasting its validation samples: (n, horizon); None where it
    cannot be fitted for some series."""
    table, val = data.table, data.val
    spans = _spans(table)
    out = np.full((len(val), data.horizon), np.nan)
    for s, name in enumerate(data.series_names):
        rows = np.flatnonzero(val.series_index == s)
        if not len(rows):
            continue
        start, stop = spans[name]
        y = table.target[start:stop]
        model = StatModel.fit(y, int(val.target_idx[rows].min()) - start, data.season, kind)
        if model is None:
            return None
        ends = val.target_idx[rows] - data.steps_ahead - start
        out[rows] = model.paths(y, ends, data.steps_ahead, data.horizon)
    return out if np.all(np.isfinite(out)) else None


def _metric(data: Any, predicted: np.ndarray) -> float:
    task = get_task(data.task)
    actual_shape = np.shape(data.actual(data.val))
    with np.errstate(all="ignore"):
        value = task.scores(data, data.val, predicted.reshape(actual_shape))[data.metric]
    return value if math.isfinite(value) else math.inf


def choose(folds: Sequence[tuple[Any, np.ndarray]]) -> CombinationChoice | None:
    """The statistical model and weight, from each fold's (dataset, LSTM validation
    forecasts (n, horizon)); None where no statistical model fits every series."""
    stats: dict[str, list[np.ndarray]] = {}
    for kind in COMBINED_KINDS:
        paths = [fold_paths(data, kind) for data, _ in folds]
        if all(p is not None for p in paths):
            stats[kind] = paths  # type: ignore[assignment]
    if not stats:
        return None
    alone = {k: float(np.mean([_metric(d, s) for (d, _), s in zip(folds, ps)]))
             for k, ps in stats.items()}
    kind = min(alone, key=alone.get)  # type: ignore[arg-type]

    def combined(w: float) -> float:
        return float(np.mean([_metric(d, w * np.reshape(lstm, s.shape) + (1 - w) * s)
                              for (d, lstm), s in zip(folds, stats[kind])]))

    curve = {f"{w:.2f}": combined(w) for w in WEIGHTS}
    data = folds[0][0]
    return CombinationChoice(kind, _name(kind, data), _lowest(curve),
                             {_name(k, data): v for k, v in alone.items()}, curve, len(folds))


def _lowest(curve: dict[str, float]) -> float:
    """The weight of the lowest value; ties go to more LSTM."""
    return float(min(curve, key=lambda w: (curve[w], -float(w))))


def choose_classes(folds: Sequence[tuple[Any, np.ndarray]]) -> CombinationChoice | None:
    """The linear classifier's weight, from each fold's (dataset, LSTM validation class
    probabilities); None for windows of one series (no linear classifier reads them)."""
    from lstm_tune.stats.metrics import log_loss
    from lstm_tune.stats.linear import fit_on

    linear = []
    for data, _ in folds:
        fitted = fit_on(data, [data.train])
        if fitted is None:
            return None
        linear.append(fitted.proba(data.raw_samples(data.val.target_idx)))

    def loss(w: float) -> float:
        return float(np.mean([log_loss(data.actual(data.val), w * np.asarray(lstm, float)
                                       + (1 - w) * lin, data.classes)
                              for (data, lstm), lin in zip(folds, linear)]))

    curve = {f"{w:.2f}": loss(w) for w in CLASS_WEIGHTS}
    name = fitted.name
    return CombinationChoice("linear", name, _lowest(curve), {name: loss(0.0)}, curve,
                             len(folds), "log_loss")


def _name(kind: str, data: Any) -> str:
    """The statistical baseline's name in the report (a seasonal ARIMA where the data has
    a season)."""
    return model_name(kind, data.season)


def combination(choice: CombinationChoice, table: Table, names: Sequence[str],
                until: dict[str, int], season: int) -> Combination | None:
    """The chosen statistical model fitted on each series up to `until` (a position of the
    table: the first test target, or the series' end), as a predictor's combination."""
    spans = _spans(table)
    models, anchors = {}, {}
    for name in names:
        start, stop = spans[name]
        model = StatModel.fit(table.target[start:stop], until[name] - start, season,
                              choice.kind)
        if model is None:
            return None
        models[name] = model
        anchors[name] = table.times[start + model.anchor]
    return Combination(choice.weight, models[names[0]].name, models, anchors)
