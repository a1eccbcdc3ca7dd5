"""The search space in one place: study-file entries <-> Optuna distributions <-> params
<-> normalised vectors in [0, 1]^d (what the GA and PSO operators work on).

Per-layer units are separate parameters (`units_1` ... `units_<max layers>`); a trial
suggests only the units of the layers it has (`layers` first), so no strategy spends effort
on parameters a model does not use. GA and PSO still carry a gene for every declared
parameter (their vector is stored on the trial), so a gene unused today can matter to a
child with more layers.

The vector mapping works on any dict of Optuna distributions, so the GA and PSO samplers
follow Optuna's sampler contract and serve any search space Optuna passes them. Every
distribution maps to [0, 1] with equal-width buckets for its values (as KerasTuner's
`prob_to_index`): each integer of a range and each choice gets the same share of the unit
interval, ends included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from lstm_tune.data.framings import Framing
from lstm_tune.search.params import (
    Choice,
    FixedParam,
    FloatRange,
    FromData,
    IntRange,
    ParamDef,
    param_values,
)
from lstm_tune.spec import MIN_EPOCHS, MIN_PATIENCE, MIN_UPDATES, PATIENCE_UPDATES, SpaceSpec


def _distribution(p: ParamDef) -> BaseDistribution | None:
    if isinstance(p, IntRange):
        return IntDistribution(p.low, p.high, log=p.log, step=p.step)
    if isinstance(p, FloatRange):
        return FloatDistribution(p.low, p.high, log=p.log)
    if isinstance(p, Choice):
        return CategoricalDistribution(list(p.values))
    return None


# Batches per epoch for `batch_size: auto`. Each batch costs a fixed overhead per LSTM step
# on top of its arithmetic: on 2,039 windows of 52 steps an LSTM(16) epoch took 2.08 s in
# batches of 16 and 0.49 s in batches of 64 (benchmarks/weekly.py), so small batches on long
# data waste most of a study's time; fewer than ~12 updates an epoch, on the other hand,
# leave early stopping too coarse.
AUTO_BATCHES = (12, 64)
AUTO_BATCH_RANGE = (8, 512)
# ... and at most this many sequential LSTM steps an epoch (batches x steps a sample): the
# step loop, not arithmetic, sets an epoch's time. On the weekly case (52 steps) this drops
# batches of 32: in one recorded study (benchmarks/weekly.py, one thread a worker) two-layer
# bidirectional models took 5.7-6.6 s an epoch in batches of 32, and 3.4 s in batches of
# 128 with larger layers.
MAX_EPOCH_STEPS = 2000

# `pool: auto`. An LSTM reads a long sequence step by step and forgets its start: on GunPoint
# (150 steps) one plain LSTM scored 0.65 test accuracy reading every step and 0.92 on the
# means of 5 neighbouring steps (30 steps). Classified sequences longer than POOL_ABOVE
# steps are pooled to about each of POOL_LENGTHS steps; forecasts are not pooled (the last
# steps matter one by one), nor padded sequences (a mean would mix in the padding).
POOL_ABOVE = 64
POOL_LENGTHS = (50, 25)


@dataclass(frozen=True)
class DataSize:
    """What `auto` search-space entries are fitted to."""

    samples: int  # training samples
    steps: int = 1  # steps the LSTM reads in one sample (after the least pooling searched)
    transforms: tuple[str, ...] = ("none",)  # the target transforms the data allows
    pools: tuple[int, ...] = (1,)  # the poolings the data calls for (auto_pools)
    convs: tuple[str, ...] = ("none",)  # the convolutional branches it calls for (auto_convs)


def auto_convs(framing: Framing) -> tuple[str, ...]:
    """`conv: auto`: LSTM-FCN's branch searched for classified sequences (the framings whose
    `convs` list it, data/framings.py). Measured (benchmarks/classifiers.py, 20 trials,
    medians of 3 seeds): GunPoint 0.953 test accuracy with it searched against 0.887
    without (1-NN 0.913); JapaneseVowels 0.976 against 0.959 (1-NN 0.959), both with 12
    validation sequences (0.970 with today's default split)."""
    return framing.convs


def auto_pools(steps: int, pooled: bool, padded: bool) -> tuple[int, ...]:
    """The poolings `pool: auto` searches: those that bring a long input of a task that
    pools (`Task.pooled`: classes) to about POOL_LENGTHS steps; 1 (none) for short
    sequences, forecasts and padded data."""
    if not pooled or padded or steps <= POOL_ABOVE:
        return (1,)
    return tuple(sorted({max(2, math.ceil(steps / n)) for n in POOL_LENGTHS}))


def auto_batch_sizes(size: DataSize) -> tuple[int, ...]:
    """Powers of two giving AUTO_BATCHES batches an epoch and at most MAX_EPOCH_STEPS
    sequential steps (at least two sizes, within AUTO_BATCH_RANGE): on small data the
    smallest sizes, on large or long data larger ones. Where fewer than two fit, the two
    nearest to fitting (in batches an epoch, by ratio): on few long sequences that is
    small batches, not batches larger than the data (one update an epoch)."""
    low, high = AUTO_BATCH_RANGE
    fewest, most = AUTO_BATCHES
    most = min(most, max(fewest, MAX_EPOCH_STEPS // max(1, size.steps)))
    n = max(1, size.samples)
    candidates = [2 ** k for k in range(int(math.log2(low)), int(math.log2(high)) + 1)]
    sizes = [b for b in candidates if fewest <= n / b <= most]
    if len(sizes) < 2:
        def misfit(b: int) -> float:  # how far n / b batches is from [fewest, most]
            return max(math.log(fewest * b / n), math.log(n / (b * most)), 0.0)
        sizes = sorted(sorted(candidates, key=lambda b: (misfit(b), b))[:2])
    return tuple(sizes)


def training_length(training: Any, space: SpaceSpec, size: DataSize) -> tuple[int, int]:
    """(max_epochs, patience) of a study's `training` on data of `size`: its own numbers,
    or for `auto` at least MIN_UPDATES and PATIENCE_UPDATES updates in the space's
    smallest batches."""
    batches = param_values(SearchSpace(space, size).defs["batch_size"])
    per_epoch = max(1, math.ceil(size.samples / max(1, int(min(batches)))))
    most = training.max_epochs if training.max_epochs != "auto" else max(
        MIN_EPOCHS, math.ceil(MIN_UPDATES / per_epoch))
    patience = training.patience if training.patience != "auto" else max(
        MIN_PATIENCE, math.ceil(PATIENCE_UPDATES / per_epoch))
    return int(most), int(min(patience, most))


class SearchSpace:
    """What a trial may choose, and the fixed values it may not. `size` (of the training
    data) turns `auto` entries into choices fitted to the data; without it they are left
    out (a space only read to complete a finished trial's params)."""

    def __init__(self, space: SpaceSpec, size: DataSize | None = None) -> None:
        defs = space.params()
        for name, p in list(defs.items()):
            if isinstance(p, FromData):
                if size is None:
                    del defs[name]
                else:
                    values = {"transform": size.transforms, "pool": size.pools,
                              "conv": size.convs}.get(
                        name) or auto_batch_sizes(size)
                    defs[name] = Choice(values) if len(values) > 1 else FixedParam(values[0])
        units = defs.pop("units")
        max_layers = int(max(param_values(defs["layers"])))
        for i in range(max_layers):
            defs[f"units_{i + 1}"] = units
        self.defs: dict[str, ParamDef] = defs
        self.fixed: dict[str, Any] = {k: p.value for k, p in defs.items() if isinstance(p, FixedParam)}
        self.distributions: dict[str, BaseDistribution] = {
            k: d for k, p in defs.items() if (d := _distribution(p)) is not None
        }

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        """Ask the trial (and so its sampler) for every parameter this trial uses: the units
        of layers beyond its `layers` are not suggested."""
        params = dict(self.fixed)
        for name, d in self.distributions.items():
            if name.startswith("units_") and int(name[6:]) > int(params["layers"]):
                continue
            if isinstance(d, IntDistribution):
                params[name] = trial.suggest_int(name, d.low, d.high, step=d.step, log=d.log)
            elif isinstance(d, FloatDistribution):
                params[name] = trial.suggest_float(name, d.low, d.high, log=d.log)
            else:
                params[name] = trial.suggest_categorical(name, d.choices)
        return self.complete(params)

    def complete(self, sampled: dict[str, Any]) -> dict[str, Any]:
        """Sampled params plus the fixed ones, with numbers of the declared type (units of
        layers the model does not have are left out)."""
        params = {**self.fixed, **sampled}
        for name, p in self.defs.items():
            if name not in params:
                continue
            if isinstance(p, IntRange):
                params[name] = int(params[name])
            elif isinstance(p, FloatRange):
                params[name] = float(params[name])
        return params

    @property
    def names(self) -> list[str]:
        """The searched parameters, in vector order."""
        return list(self.distributions)

    def to_vector(self, params: dict[str, Any]) -> np.ndarray:
        return to_vector(self.distributions, params)

    def from_vector(self, vector: np.ndarray) -> dict[str, Any]:
        return from_vector(self.distributions, vector)


def to_vector(distributions: dict[str, BaseDistribution], params: dict[str, Any]) -> np.ndarray:
    """Params -> a point in [0, 1]^d, in the dict's order (log scale where the range is log);
    a parameter the trial did not use sits in the middle."""
    return np.array([_to_unit(d, params[n]) if n in params else 0.5
                     for n, d in distributions.items()], dtype=float)


def from_vector(distributions: dict[str, BaseDistribution], vector: np.ndarray) -> dict[str, Any]:
    """A point in [0, 1]^d (clipped) -> params that respect bounds, steps, choices and types."""
    u = np.clip(np.asarray(vector, dtype=float), 0.0, 1.0)
    return {n: _from_unit(d, float(x)) for (n, d), x in zip(distributions.items(), u)}


def _grid(d: BaseDistribution) -> int | None:
    """How many values a stepped range (or integer range) holds; None for continuous."""
    if isinstance(d, IntDistribution) and not d.log:
        return (d.high - d.low) // d.step + 1
    if isinstance(d, FloatDistribution) and d.step is not None:
        return int(round((d.high - d.low) / d.step)) + 1
    return None


def _to_unit(d: BaseDistribution, value: Any) -> float:
    """The centre of the value's bucket (discrete) or its position (continuous)."""
    if isinstance(d, CategoricalDistribution):
        return (d.choices.index(value) + 0.5) / len(d.choices)
    n = _grid(d)
    if n is not None:
        step = d.step if d.step is not None else 1
        return (round((float(value) - d.low) / step) + 0.5) / n
    lo, hi, v = float(d.low), float(d.high), float(value)
    if d.log:
        lo, hi, v = math.log(lo), math.log(hi), math.log(v)
    return 0.5 if hi == lo else (v - lo) / (hi - lo)


def _from_unit(d: BaseDistribution, u: float) -> Any:
    """Equal-width buckets for discrete values; log or linear scale for continuous ones."""
    if isinstance(d, CategoricalDistribution):
        return d.choices[min(int(u * len(d.choices)), len(d.choices) - 1)]
    n = _grid(d)
    if n is not None:
        k = min(int(u * n), n - 1)
        if isinstance(d, IntDistribution):
            return int(d.low + k * d.step)
        return float(min(round(d.low + k * d.step, 12), d.high))
    lo, hi = float(d.low), float(d.high)
    if d.log:  # log integers: a log-uniform position rounded to the nearest integer
        value = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    else:
        value = lo + u * (hi - lo)
    if isinstance(d, IntDistribution):
        return int(min(max(round(value), d.low), d.high))
    return float(min(max(value, lo), hi))
