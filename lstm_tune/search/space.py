"""The search space in one place: study-file entries <-> Optuna distributions <-> params
<-> normalised vectors in [0, 1]^d (what the GA and PSO operators work on).

Per-layer units are separate parameters (`units_1` ... `units_<max layers>`), always sampled,
so every strategy sees one fixed space; a model uses the first `layers` of them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from lstm_tune.params import Choice, FixedParam, FloatRange, IntRange, ParamDef, param_values
from lstm_tune.spec import SpaceSpec


def _distribution(p: ParamDef) -> BaseDistribution | None:
    if isinstance(p, IntRange):
        return IntDistribution(p.low, p.high, log=p.log, step=p.step)
    if isinstance(p, FloatRange):
        return FloatDistribution(p.low, p.high, log=p.log)
    if isinstance(p, Choice):
        return CategoricalDistribution(list(p.values))
    return None


class SearchSpace:
    """What a trial may choose, and the fixed values it may not."""

    def __init__(self, space: SpaceSpec) -> None:
        defs = space.params()
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
        """Ask the trial (and so its sampler) for every searched parameter."""
        params = dict(self.fixed)
        for name, d in self.distributions.items():
            if isinstance(d, IntDistribution):
                params[name] = trial.suggest_int(name, d.low, d.high, step=d.step, log=d.log)
            elif isinstance(d, FloatDistribution):
                params[name] = trial.suggest_float(name, d.low, d.high, log=d.log)
            else:
                params[name] = trial.suggest_categorical(name, d.choices)
        return self.complete(params)

    def complete(self, sampled: dict[str, Any]) -> dict[str, Any]:
        """Sampled params plus the fixed ones, with numbers of the declared type."""
        params = {**self.fixed, **sampled}
        for name, p in self.defs.items():
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
        """Searched params -> a point in [0, 1]^d (log scale where the range is log)."""
        return np.array([_to_unit(self.distributions[n], params[n]) for n in self.names], dtype=float)

    def from_vector(self, vector: np.ndarray) -> dict[str, Any]:
        """A point in [0, 1]^d (clipped) -> searched params that respect bounds, steps, choices."""
        u = np.clip(np.asarray(vector, dtype=float), 0.0, 1.0)
        return {n: _from_unit(self.distributions[n], float(x)) for n, x in zip(self.names, u)}


def _to_unit(d: BaseDistribution, value: Any) -> float:
    if isinstance(d, CategoricalDistribution):
        return (d.choices.index(value) + 0.5) / len(d.choices)
    lo, hi, v = float(d.low), float(d.high), float(value)
    if d.log:
        lo, hi, v = math.log(lo), math.log(hi), math.log(v)
    return 0.0 if hi == lo else (v - lo) / (hi - lo)


def _from_unit(d: BaseDistribution, u: float) -> Any:
    if isinstance(d, CategoricalDistribution):
        return d.choices[min(int(u * len(d.choices)), len(d.choices) - 1)]
    lo, hi = float(d.low), float(d.high)
    value = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))) if d.log else lo + u * (hi - lo)
    if isinstance(d, IntDistribution):
        step = d.step or 1
        value = d.low + step * round((value - d.low) / step)
        return int(min(max(value, d.low), d.high - (d.high - d.low) % step))
    return float(min(max(value, lo), hi))
