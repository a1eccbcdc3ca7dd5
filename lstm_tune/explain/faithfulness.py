"""Is an explanation right? Three measurements every explainer gets, in every report.

- informative share: where the truth is known (the synthetic tasks), the share of all
  attribution mass (sum of |values| over the explained windows) on the informative cells;
- deletion curve: replace the top-k ranked cells with the training mean (0 after scaling)
  and measure how far the prediction moves, against a random ranking of the same cells;
- rank agreement: Spearman correlation of two explainers' global importances.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from scipy.stats import spearmanr

from lstm_tune.explain.attribution import Attribution


def informative_cells(informative: Sequence[tuple[int, str]], step_names: Sequence[str],
                      feature_names: Sequence[str]) -> list[tuple[int, int | None]]:
    """(lag, feature name) pairs -> (step index, feature index) in a window."""
    cells = []
    for lag, feature in informative:
        name = f"t-{lag}" if lag else "t"
        if name in step_names and feature in feature_names:
            cells.append((list(step_names).index(name), list(feature_names).index(feature)))
    return cells


def informative_share(attr: Attribution, cells: Sequence[tuple[int, int]]) -> float:
    """Share of the total |attribution| over all explained windows that lies on the
    informative cells. For an attribution over steps only (attention), a step counts
    whatever the feature."""
    mass = np.abs(attr.values)
    total = float(mass.sum())
    if total == 0:
        return 0.0
    per_feature = attr.shape[2] > 1
    chosen = set(cells if per_feature else [(s, 0) for s, _ in cells])
    return float(sum(mass[:, step, feature].sum() for step, feature in chosen) / total)


@dataclass(frozen=True)
class DeletionCurve:
    k: list[int]  # cells removed
    explainer: list[float]  # mean |prediction change| when removing the top-k ranked cells
    random: list[float]  # the same for a random ranking

    @property
    def explainer_area(self) -> float:
        return float(np.mean(self.explainer))

    @property
    def random_area(self) -> float:
        return float(np.mean(self.random))

    @property
    def ratio(self) -> float:
        """How much faster the explainer's ranking moves the prediction than a random one."""
        return self.explainer_area / self.random_area if self.random_area > 0 else float("inf")


def _ranking(attr: Attribution, n_features: int) -> np.ndarray:
    """Cells of each sample, most important first, as flat indices over (steps, features)."""
    scores = np.abs(attr.values)
    if scores.shape[2] == 1 and n_features > 1:  # step-level scores rank every cell of a step
        scores = np.repeat(scores, n_features, axis=2)
    n = len(scores)
    return np.argsort(-scores.reshape(n, -1), axis=1, kind="stable")


def deletion_curve(predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                   attr: Attribution, seed: int = 0, points: int = 8) -> DeletionCurve:
    """Prediction movement as the top-ranked cells of each window are set to the baseline."""
    n, steps, features = x.shape
    cells = steps * features
    grid = set(np.linspace(0, cells, points + 1).round().astype(int).tolist())
    ks = sorted(grid | {k for k in (1, 2, 3) if k <= cells})
    rng = np.random.default_rng(seed)
    ranked = _ranking(attr, features)
    random_rank = np.argsort(rng.random((n, cells)), axis=1)
    base = predict(x)
    batches = []
    for order in (ranked, random_rank):
        for k in ks:
            masked = x.reshape(n, -1).copy()
            rows = np.repeat(np.arange(n), k)
            masked[rows, order[:, :k].reshape(-1)] = 0.0
            batches.append(masked.reshape(n, steps, features))
    out = predict(np.concatenate(batches)).reshape(2, len(ks), n)
    moved = np.abs(out - base[None, None, :]).mean(axis=2)
    return DeletionCurve(list(ks), moved[0].tolist(), moved[1].tolist())


def step_profile(attr: Attribution) -> np.ndarray:
    """Importance per time step (summed over features), normalised to sum to 1."""
    p = np.abs(attr.values).sum(axis=2).mean(axis=0)
    return p / p.sum() if p.sum() > 0 else p


def rank_agreement(a: Attribution, b: Attribution) -> float:
    """Spearman correlation of global importances: over cells when both have features,
    over time steps when one of them (attention) has none."""
    if a.shape[1:] == b.shape[1:]:
        x, y = a.importance().reshape(-1), b.importance().reshape(-1)
    else:
        x, y = step_profile(a), step_profile(b)
    if np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)
