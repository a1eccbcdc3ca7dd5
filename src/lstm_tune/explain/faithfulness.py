"""Is an explanation right? The measurements every explainer gets, in every report.

- informative share: where the truth is known (the synthetic tasks), the share of all
  attribution mass (sum of |values| over the explained windows) on the informative cells;
- sign agreement: where the truth is known and the explainer returns signed contributions,
  how often each informative cell's attribution has the sign of its true contribution,
  coefficient x (input - the explainer's reference input), and the correlation between them;
- deletion curve: replace the top-k ranked cells with the training mean (0 after scaling)
  and measure how far the prediction moves, against a random ranking of the same cells;
- agreement: whether two explainers point at the same cells, where their mass is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from lstm_tune.data.framings import lag_name
from lstm_tune.explain.attribution import Attribution

Cell = tuple[int, int, float]  # (step index, feature index, true coefficient)


def informative_cells(informative: Sequence[tuple[int, str, float]], step_names: Sequence[str],
                      feature_names: Sequence[str],
                      name_of: Callable[[int], str] = lag_name) -> list[Cell]:
    """(lag or position, feature name, coefficient) -> (step index, feature index,
    coefficient); `name_of` names the step as the attribution does."""
    cells = []
    for lag, feature, coefficient in informative:
        name = name_of(lag)
        if name in step_names and feature in feature_names:
            cells.append((list(step_names).index(name), list(feature_names).index(feature),
                          float(coefficient)))
    return cells


@dataclass(frozen=True)
class SignCheck:
    """How well signed attributions match the true contributions on the informative cells."""

    agreement: dict[str, float]  # per cell ("x0 at t-1"): share of windows with the true sign
    correlation: float  # Pearson, attribution vs true contribution, over cells x windows

    @property
    def worst(self) -> float:
        return min(self.agreement.values())


def true_contributions(x: np.ndarray, center: np.ndarray, cells: Sequence[Cell]) -> np.ndarray:
    """coefficient x (input - reference input) of each informative cell: (windows, cells)."""
    return np.stack([c * (x[:, s, f] - center[s, f]) for s, f, c in cells], axis=1)


def sign_agreement(attr: Attribution, x: np.ndarray, cells: Sequence[Cell]) -> SignCheck | None:
    """Sign check of signed attributions; None for unsigned ones (attention weights).

    The truth is coefficient x (input - the explainer's own reference input), in the units
    the model reads (scaled), where the task is linear. Every window counts, also those
    whose input is close to the reference (there a small error flips the sign).
    """
    if not attr.signed or not cells or attr.reference is None:
        return None
    truth = true_contributions(x, attr.reference, cells)
    got = np.stack([attr.values[:, s, f] for s, f, _ in cells], axis=1)
    agree = {f"{attr.feature_names[f]} at {attr.step_names[s]}": float(
        np.mean(np.sign(got[:, i]) == np.sign(truth[:, i]))) for i, (s, f, _) in enumerate(cells)}
    flat_t, flat_g = truth.reshape(-1), got.reshape(-1)
    corr = float(np.corrcoef(flat_t, flat_g)[0, 1]) if np.std(flat_t) > 0 and np.std(flat_g) > 0 \
        else float("nan")
    return SignCheck(agree, corr)


def informative_share(attr: Attribution, cells: Sequence[Cell]) -> float:
    """Share of the total |attribution| over all explained windows that lies on the
    informative cells. For an attribution over steps only (attention), a step counts
    whatever the feature."""
    mass = np.abs(attr.values)
    total = float(mass.sum())
    if total == 0:
        return 0.0
    per_feature = attr.shape[2] > 1
    chosen = {(s, f if per_feature else 0) for s, f, _ in cells}
    return float(sum(mass[:, step, feature].sum() for step, feature in chosen) / total)


def informative_words(tokens: Sequence[Sequence[str]], lexicon: Mapping[str, float],
                      steps: int) -> np.ndarray:
    """(texts, steps) mask of the words that decide a text's label: each of the lexicon's
    words with a direction (+1 or -1), and the word right before it, which flips it if it
    is a flipping word (0, e.g. 'not') and leaves it if not. Both positions decide: masked,
    the word before could have been 'not', so an order-reading model must look at it."""
    mask = np.zeros((len(tokens), steps), dtype=bool)
    for i, words in enumerate(tokens):
        for j, w in enumerate(words[:steps]):
            if lexicon.get(w, 0.0) != 0.0:
                mask[i, max(0, j - 1): j + 1] = True
    return mask


def masked_share(attr: Attribution, mask: np.ndarray) -> float:
    """Share of the total |attribution| over all explained samples on the masked steps."""
    mass = np.abs(attr.values).sum(axis=2)
    total = float(mass.sum())
    return float((mass * mask).sum() / total) if total > 0 else 0.0


def word_signs(attr: Attribution, mask: np.ndarray, towards: np.ndarray) -> SignCheck | None:
    """Do the informative words of each text, together, push the explained output the way
    the truth says? `towards` is +1 where the explained class is the text's true class
    (its deciding words raise it), -1 where it is not. Also the correlation between their
    summed contribution and that sign."""
    if not attr.signed or not mask.any():
        return None
    rows = mask.any(axis=1)
    summed = (attr.values.sum(axis=2) * mask).sum(axis=1)[rows]
    truth = np.asarray(towards, dtype=float)[rows]
    corr = float(np.corrcoef(summed, truth)[0, 1]) if np.std(summed) > 0 and np.std(truth) > 0 \
        else float("nan")
    return SignCheck({"deciding words": float(np.mean(np.sign(summed) == truth))}, corr)


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


def _ranking(attr: Attribution, n_features: int, real: np.ndarray | None = None) -> np.ndarray:
    """Cells of each sample, most important first, as flat indices over (steps, features);
    cells outside `real` (padding) last."""
    scores = np.abs(attr.values)
    if scores.shape[2] == 1 and n_features > 1:  # step-level scores rank every cell of a step
        scores = np.repeat(scores, n_features, axis=2)
    n = len(scores)
    flat = scores.reshape(n, -1)
    if real is not None:
        flat = np.where(real.reshape(n, -1), flat, -1.0)
    return np.argsort(-flat, axis=1, kind="stable")


def deletion_curve(predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                   attr: Attribution, seed: int = 0, points: int = 8,
                   real: np.ndarray | None = None, fill: float = 0.0) -> DeletionCurve:
    """Prediction movement as the top-ranked cells of each window are set to `fill` (0:
    the training mean; for texts the unknown-word id, which masks a word). `real` (samples,
    steps): the cells that exist (a text's words, not its padding); random rankings draw
    from them only, and the curve runs to the longest sample's count."""
    n, steps, features = x.shape
    real_cells = None if real is None else np.repeat(real, features, axis=1)
    cells = steps * features if real is None else int(real_cells.sum(axis=1).max())
    grid = set(np.linspace(0, cells, points + 1).round().astype(int).tolist())
    ks = sorted(grid | {k for k in (1, 2, 3) if k <= cells})
    rng = np.random.default_rng(seed)
    ranked = _ranking(attr, features, real_cells)
    draws = rng.random((n, steps * features))
    random_rank = (np.argsort(draws, axis=1) if real_cells is None  # padding drawn last
                   else np.argsort(np.where(real_cells, draws, 2.0), axis=1))
    base = predict(x)
    batches = []
    for order in (ranked, random_rank):
        for k in ks:
            masked = x.reshape(n, -1).copy()
            rows = np.repeat(np.arange(n), k)
            masked[rows, order[:, :k].reshape(-1)] = fill
            if real_cells is not None:  # a shorter text runs out of words: padding stays
                masked = np.where(real_cells, masked, x.reshape(n, -1))
            batches.append(masked.reshape(n, steps, features))
    out = predict(np.concatenate(batches)).reshape(2, len(ks), n)
    moved = np.abs(out - base[None, None, :]).mean(axis=2)
    return DeletionCurve(list(ks), moved[0].tolist(), moved[1].tolist())


TOP_MASS = 0.8
def agreement_text(sample: str = "window", cell: str = "cell") -> str:
    """What the agreement table means, in the task's words (a window's cells, a text's
    words)."""
    whole = "time steps" if cell == "cell" else f"{cell}s"
    return (f"Overlap (Jaccard) of the {cell}s that hold {TOP_MASS:.0%} of each explainer's "
            f"absolute attribution in a {sample}, averaged over {sample}s: 1 means both point "
            f"at the same {cell}s, 0 at different ones (with attention, of {whole}).")


AGREEMENT_TEXT = agreement_text()


def _top_mass_sets(mass: np.ndarray, share: float = TOP_MASS) -> np.ndarray:
    """Per row, a boolean mask of the fewest cells that hold `share` of the row's mass."""
    order = np.argsort(-mass, axis=1, kind="stable")
    sorted_mass = np.take_along_axis(mass, order, axis=1)
    total = sorted_mass.sum(axis=1, keepdims=True)
    cum = np.cumsum(sorted_mass, axis=1) / np.where(total > 0, total, 1.0)
    # keep a cell while the mass before it is still short of the share
    keep_sorted = np.concatenate([np.ones((len(mass), 1), bool), cum[:, :-1] < share], axis=1)
    mask = np.zeros_like(keep_sorted)
    np.put_along_axis(mask, order, keep_sorted, axis=1)
    return mask


def agreement(a: Attribution, b: Attribution) -> float:
    """Mean Jaccard overlap of the two explainers' top-mass cells per window (AGREEMENT_TEXT).

    Unlike a rank correlation over every cell, cells that hold almost no mass (whose order
    is noise) do not count: two explainers that put 95% of their mass on the same two cells
    agree fully. When one explainer is over time steps only, both are compared per step."""
    ma, mb = np.abs(a.values), np.abs(b.values)
    if ma.shape[2] != mb.shape[2]:
        ma, mb = ma.sum(axis=2), mb.sum(axis=2)
    ma, mb = ma.reshape(len(ma), -1), mb.reshape(len(mb), -1)
    sa, sb = _top_mass_sets(ma), _top_mass_sets(mb)
    inter = (sa & sb).sum(axis=1)
    union = (sa | sb).sum(axis=1)
    return float(np.mean(np.where(union > 0, inter / np.maximum(union, 1), 1.0)))
