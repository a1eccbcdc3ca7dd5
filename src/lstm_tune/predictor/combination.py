"""Combinations, with a weight chosen on validation data (evaluate/combine.py). Forecasts:
the LSTM's forecast and a statistical model's, averaged (Bates & Granger 1969; combinations
took most of M4's top places); the statistical model of each series is a `StatModel` with
fixed parameters, filtered over the history from the time it was fitted from (its anchor),
so a predictor reproduces the forecasts the evaluation scored from the same history.
Classes: the LSTM's class probabilities and a linear classifier's, averaged."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence, Union

import numpy as np

from lstm_tune.errors import StudyError
from lstm_tune.predictor.history import SeriesHistory
from lstm_tune.stats.linear import LinearClassifier
from lstm_tune.stats.models import StatModel


@dataclass(frozen=True)
class Combination:
    weight: float  # the LSTM's share; the statistical model has 1 - weight
    name: str  # the statistical model's name (ets, seasonal_arima, arima)
    models: dict[str, StatModel]  # per series
    anchors: dict[str, str]  # per series: the time its statistical model is filtered from

    combined = "forecasts"  # what the LSTM's and its partner's outputs are
    key = "forecast"  # the manifest's names: of the combined output, and of the partner
    partner = "statistical_model"

    def describe(self) -> str:
        return (f"{self.weight:.2f} x the LSTM + {1 - self.weight:.2f} x {self.name}")

    def manifest(self) -> dict[str, Any]:
        """What an export's manifest says of it."""
        return {self.key: self.describe(), "weight": self.weight, self.partner: self.name}

    def paths(self, histories: Sequence[SeriesHistory], origins: Sequence[tuple[int, int]],
              steps_ahead: int, horizon: int) -> np.ndarray:
        """The statistical forecasts (n, horizon) from each (history, origin)."""
        out = np.full((len(origins), horizon), np.nan)
        for h, hist in enumerate(histories):
            rows = [i for i, (which, _) in enumerate(origins) if which == h]
            if not rows:
                continue
            anchor = self.anchors[hist.name]
            if anchor not in hist.times:
                raise StudyError("predict input", "rows", f"the history of "
                                 f"{hist.name or 'the series'} starts after {anchor}, where "
                                 f"its {self.name} model's filter starts",
                                 f"pass the history from {anchor} on")
            model = replace(self.models[hist.name], anchor=hist.times.index(anchor))
            ends = np.array([origins[i][1] for i in rows])
            out[rows] = model.paths(hist.target, ends, steps_ahead, horizon)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"kind": "forecasts", "weight": self.weight, "name": self.name,
                "models": {k: m.to_json() for k, m in self.models.items()},
                "anchors": self.anchors}

    @staticmethod
    def from_json(value: dict[str, Any]) -> "Combination":
        return Combination(float(value["weight"]), str(value["name"]),
                           {k: StatModel.from_json(m) for k, m in value["models"].items()},
                           dict(value["anchors"]))


@dataclass(frozen=True)
class ClassCombination:
    weight: float  # the LSTM's share; the linear classifier has 1 - weight
    linear: LinearClassifier
    combined = key = "probabilities"
    partner = "linear_classifier"

    @property
    def name(self) -> str:
        return self.linear.name

    describe = Combination.describe
    manifest = Combination.manifest

    def proba(self, inputs: Sequence[Any], lstm: np.ndarray) -> np.ndarray:
        """The combined class probabilities of raw sequences or texts, given the LSTM's."""
        return self.weight * np.asarray(lstm, float) + (1 - self.weight) * \
            self.linear.proba(inputs)

    def to_json(self) -> dict[str, Any]:
        return {"kind": "classes", "weight": self.weight, "linear": self.linear.to_json()}


AnyCombination = Union[Combination, ClassCombination]


def combination_from_json(value: dict[str, Any]) -> AnyCombination:
    if value.get("kind") == "classes":
        return ClassCombination(float(value["weight"]), LinearClassifier.from_json(value["linear"]))
    return Combination.from_json(value)
