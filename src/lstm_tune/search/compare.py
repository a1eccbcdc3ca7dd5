"""Compare strategies: each (strategy, seed) is its own study in the one storage, same budget.

The figures that matter to a user are read back from the storage: best-so-far validation
metric by trial, final best, test metric of each run's best model, wall time and epochs.
"""

from __future__ import annotations

import csv
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import optuna
from optuna.trial import TrialState

from lstm_tune.errors import StudyError
from lstm_tune.search.strategies import STRATEGIES
from lstm_tune.search.study import run_study
from lstm_tune.spec import StudySpec

WALL_ATTR = "lstm_tune:wall_seconds"


@dataclass
class RunRow:
    strategy: str
    seed: int
    study: str
    trials: int
    best_validation: float
    test_metric: float
    wall_seconds: float
    trial_seconds: float
    epochs: int


def run_spec(spec: StudySpec, strategy: str, seed: int, trials: int) -> StudySpec:
    return spec.model_copy(update={
        "name": f"{spec.name}.{strategy}.s{seed}", "strategy": strategy, "seed": seed,
        "storage": spec.storage_url,  # one storage for every run
        "budget": spec.budget.model_copy(update={"trials": trials, "timeout": None}),
    })


def best_so_far(study: optuna.Study, minimize: bool, n: int) -> list[float]:
    """The best completed value after each trial (NaN before the first)."""
    out, best = [], float("nan")
    for t in sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)[:n]:
        if t.state == TrialState.COMPLETE and t.value is not None:
            if np.isnan(best) or (t.value < best if minimize else t.value > best):
                best = t.value
        out.append(best)
    return out + [best] * (n - len(out))


# what testing one searched study gives: its test metrics and the baselines' (by name)
Tester = Callable[[StudySpec, optuna.Study], tuple[dict[str, float], dict[str, dict[str, float]]]]


def compare(spec: StudySpec, strategies: list[str], seeds: int, trials: int, test: Tester,
            on_run: Callable[[str], None] | None = None
            ) -> tuple[list[RunRow], dict[str, list[list[float]]], dict[str, dict[str, float]]]:
    """Run (or resume) every strategy x seed study and `test` each (the evaluation stage,
    passed in: the search does not reach forward into it); return the table, the curves and
    the baselines' test metrics (the same test points for every run)."""
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise StudyError(spec.source, "--strategies", f"unknown strategy {unknown[0]!r}",
                         f"use a comma-separated list of {', '.join(STRATEGIES)}")
    rows: list[RunRow] = []
    baselines: dict[str, dict[str, float]] = {}
    curves: dict[str, list[list[float]]] = {s: [] for s in strategies}
    minimize = spec.direction == "minimize"
    for strategy in strategies:
        for seed in range(spec.seed, spec.seed + seeds):
            sub = run_spec(spec, strategy, seed, trials)
            if on_run:
                on_run(sub.name)
            start = time.perf_counter()
            study = run_study(sub)
            wall = float(study.user_attrs.get(WALL_ATTR, 0.0)) + time.perf_counter() - start
            study.set_user_attr(WALL_ATTR, wall)
            done = [t for t in study.get_trials(deepcopy=False) if t.state != TrialState.RUNNING]
            tested, baselines = test(sub, study)
            rows.append(RunRow(
                strategy, seed, sub.name, len(done), float(study.best_value),
                float(tested[spec.test_metric]), round(wall, 1),
                round(sum(t.duration.total_seconds() for t in done if t.duration), 1),
                int(sum(t.user_attrs.get("epochs", 0) for t in done)),
            ))
            curves[strategy].append(best_so_far(study, minimize, trials))
    return rows, curves, baselines


def medians(rows: list[RunRow]) -> list[dict[str, float | str]]:
    """One line per strategy: medians over seeds."""
    out = []
    for strategy in dict.fromkeys(r.strategy for r in rows):
        mine = [r for r in rows if r.strategy == strategy]
        out.append({
            "strategy": strategy, "runs": len(mine),
            **{k: float(np.median([getattr(r, k) for r in mine]))
               for k in ("best_validation", "test_metric", "wall_seconds", "epochs")},
        })
    return out


def write_csv(rows: list[RunRow], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        for r in rows:
            writer.writerow(asdict(r))
    return path
