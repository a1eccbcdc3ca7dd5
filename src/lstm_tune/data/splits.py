"""Which samples train, which select (validation) and which test: splits as their own concept.

- time holdout (one series): the last `test` windows test, the `validation` before them
  select, the rest train (`holdout_sizes`; the windows are cut in `window.py`);
- independent sequences: a published test part if the data has one (two files, as the
  UCR/UEA archive publishes them), else a stratified held-out part; validation is a
  stratified part of the rest, by sequence, so a sequence is never in two parts.

Several validation folds (`split.folds: k`): for a time holdout, k rolling origins, fold j
validating on the `validation` steps that end j blocks before the test part and training on
everything before them (an expanding window, `window.py`); for labelled samples, a stratified
k-fold of everything but the test part. Fold 0 is the one a single split uses (for a series,
the validation block just before the test part), so `folds: 1` keeps the plain holdout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_tune.errors import StudyError


def in_turns(groups: list[list[int]], count: int) -> list[int]:
    """Up to `count` items, the groups taking turns (each in its own order): every series,
    or every class, gets its share of the samples to explain."""
    picked: list[int] = []
    while len(picked) < count and any(groups):
        for members in groups:
            if members and len(picked) < count:
                picked.append(members.pop(0))
    return picked


def count(size: float, n: int) -> int:
    """A split size in samples: a count, or a fraction (below 1) of n."""
    return max(1, int(round(size * n))) if size < 1 else int(size)


# Default holdouts. A series keeps its last 24 steps to test (two years of months) and the
# 5% before them, at least 12 steps, to validate: on a long series 12 steps chose the trial
# by chance (benchmarks/validation.py, 3 seeds: median test RMSE on 1,100 days 8.16 chosen
# on 12 days, 7.59 on 55; on 2,000 hours 2.50 and 2.15; on the 2,300 weeks 3.73 and 3.58;
# docs/benchmarks.md). Labelled samples (sequences, texts) keep shares, never fewer than a
# series would: a 24-text test of 10,000 texts measured nothing (one default study tested
# 0.958 on 24 texts, where the labels' own ceiling is 0.91) and 12 validation texts chose
# the trial.
SERIES_VALIDATION, SERIES_VALIDATION_SHARE, SERIES_TEST = 12, 0.05, 24
SAMPLES_VALIDATION, SAMPLES_TEST = 0.15, 0.2


def holdout_sizes(validation: float | None, test: float | None, n_steps: int) -> tuple[int, int]:
    """Validation and test sizes in samples of a time holdout (a fraction is of the series)."""
    return (sample_count(validation, SERIES_VALIDATION_SHARE, SERIES_VALIDATION, n_steps),
            count(SERIES_TEST if test is None else test, n_steps))


def sample_count(size: float | None, default: float, least: int, n: int) -> int:
    """A holdout of labelled samples: the study's size, else `default` of n, at least `least`."""
    return count(size, n) if size is not None else max(least, count(default, n))


# the fold of a final refit: train on everything before the test part (its validation part,
# fold 0's, then lies inside its training part and selects nothing)
REFIT = -1
# the fold of a production refit (`--refit-all`): train on everything, the test part too;
# nothing it scores afterwards is held out
ALL = -2


@dataclass(frozen=True)
class Fold:
    train: np.ndarray  # sample indices
    validation: np.ndarray


@dataclass(frozen=True)
class SequenceSplit:
    folds: tuple[Fold, ...]
    test: np.ndarray
    published: bool  # the test part is the data's own (published) one

    @property
    def train(self) -> np.ndarray:
        return self.folds[0].train

    @property
    def validation(self) -> np.ndarray:
        return self.folds[0].validation

    def parts(self, fold: int) -> tuple[np.ndarray, np.ndarray]:
        """(train, validation) sample indices of a fold, or of the REFIT or ALL fold."""
        first = self.folds[0]
        if fold == REFIT:
            return np.sort(np.concatenate([first.train, first.validation])), first.validation
        if fold == ALL:
            return (np.sort(np.concatenate([first.train, first.validation, self.test])),
                    first.validation)
        return self.folds[fold].train, self.folds[fold].validation


def stratified_holdout(labels: np.ndarray, candidates: np.ndarray, size: int, seed: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Split `candidates` into (kept, held out) with `size` held out, every class in
    proportion (each class keeps at least one member where it can)."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)[candidates]
    classes, counts = np.unique(labels, return_counts=True)
    share = size / len(candidates)
    want = {c: int(np.floor(k * share)) for c, k in zip(classes, counts)}
    # hand out the rounding remainder to the classes with the largest fractional parts
    rest = size - sum(want.values())
    order = sorted(classes, key=lambda c: -(counts[list(classes).index(c)] * share % 1))
    for c in order[:max(0, rest)]:
        want[c] += 1
    held = []
    for c, k in zip(classes, counts):
        take = min(want[c], k - 1) if k > 1 else 0
        members = candidates[labels == c]
        held.extend(rng.permutation(members)[:take].tolist())
    held_arr = np.sort(np.asarray(held, dtype=int))
    kept = np.setdiff1d(candidates, held_arr)
    return kept, held_arr


def stratified_folds(labels: np.ndarray, rest: np.ndarray, folds: int, seed: int, where: str
                     ) -> tuple[Fold, ...]:
    """A stratified k-fold of `rest`: each sample validates in exactly one fold."""
    from sklearn.model_selection import StratifiedKFold

    values, counts = np.unique(np.asarray(labels)[rest], return_counts=True)
    if counts.min() < folds:
        raise StudyError(where, "split.folds", f"class {str(values[counts.argmin()])!r} has "
                         f"{counts.min()} samples outside the test part, fewer than the "
                         f"{folds} folds", "use fewer split.folds")
    kfold = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return tuple(Fold(rest[t], rest[v])
                 for t, v in kfold.split(np.zeros(len(rest)), np.asarray(labels)[rest]))


def sequence_split(labels: np.ndarray, part: np.ndarray, validation: float | None,
                   test: float | None, seed: int, where: str, folds: int = 1) -> SequenceSplit:
    """Test: the published part, else a stratified `test` share; validation: a stratified
    `validation` share of what is left, or with several folds each stratified k-th of it.
    Sizes count sequences (or are fractions); None: the defaults above."""
    everything = np.arange(len(labels))
    published = bool(np.any(part == "test"))
    if published:
        rest, test_idx = everything[part != "test"], everything[part == "test"]
    else:
        n_test = sample_count(test, SAMPLES_TEST, SERIES_TEST, len(everything))
        rest, test_idx = stratified_holdout(labels, everything, n_test, seed)
    if folds > 1:
        return SequenceSplit(stratified_folds(labels, rest, folds, seed + 1, where),
                             test_idx, published)
    n_val = sample_count(validation, SAMPLES_VALIDATION, SERIES_VALIDATION, len(rest))
    train_idx, val_idx = stratified_holdout(labels, rest, n_val, seed + 1)
    if len(train_idx) < 2 or len(val_idx) < 1 or len(test_idx) < 1:
        raise StudyError(where, "split", f"{len(labels)} sequences leave {len(train_idx)} to "
                         f"train, {len(val_idx)} to validate and {len(test_idx)} to test",
                         "use smaller split.validation / split.test or more sequences")
    return SequenceSplit((Fold(train_idx, val_idx),), test_idx, published)


def check_classes(labels: np.ndarray, part: np.ndarray, where: str, noun: str,
                  singles: bool = True) -> None:
    """At least two classes, not a class for nearly every sample (that is a number or an
    id, not a class) and, with `singles`, each with at least two samples outside a published
    test part (one to learn from, one to check on)."""
    train = np.asarray(labels)[np.asarray(part) != "test"]
    classes, counts = np.unique(train, return_counts=True)
    if len(classes) < 2:
        raise StudyError(where, "data.target", f"every training {noun} has the label "
                         f"{str(classes[0])!r}", "classification needs at least two classes")
    if len(classes) > len(train) / 2:
        raise StudyError(where, "data.target", f"{len(classes)} classes among {len(train)} "
                         f"{noun}s: nearly every {noun} has a class of its own, too few to "
                         "learn a class and check it (is it a number or an id?)",
                         f"give a column of classes, each shared by several {noun}s"
                         + (", or set task: forecast to predict the number"
                            if noun == "step" else ""))
    single = [str(c) for c, k in zip(classes, counts) if k < 2] if singles else []
    if single:
        raise StudyError(where, "data.target", f"class {single[0]!r} has a single {noun}, too "
                         "few to both learn and check it", f"add {noun}s of that class or drop it")


def class_split(labels: np.ndarray, part: np.ndarray, validation: float | None,
                test: float | None, seed: int,
                where: str, source: str, noun: str, folds: int = 1
                ) -> tuple[SequenceSplit, tuple[str, ...], np.ndarray]:
    """The stratified split of labelled samples (sequences or texts), their classes (sorted)
    and each sample's class index. A class that some fold's training part lacks could never
    be predicted there: refused, naming the class."""
    check_classes(labels, part, source, noun)
    plan = sequence_split(labels, part, validation, test, seed, where, folds)
    classes = tuple(sorted(str(v) for v in set(labels)))
    for fold in plan.folds:
        missing = sorted(set(classes) - {str(v) for v in set(labels[fold.train])})
        if missing:
            raise StudyError(source, "data.target", f"class {missing[0]!r} has no {noun} in "
                             "the training part", f"add training {noun}s of it or drop the class")
    index = {c: i for i, c in enumerate(classes)}
    return plan, classes, np.array([index[v] for v in labels], dtype=np.int64)
