"""The search space in one place: study-file entries <-> Optuna distributions <-> params.

Per-layer units are separate parameters (`units_1` ... `units_<max layers>`), always sampled,
so every strategy sees one fixed space; a model uses the first `layers` of them.
"""

from __future__ import annotations

from typing import Any

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from lstm_tune.spec import Choice, FixedParam, FloatRange, IntRange, ParamDef, SpaceSpec, param_values


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
