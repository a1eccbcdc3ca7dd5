"""Pruning and early stopping, replayed on recorded learning curves: how many epochs each
setting saves, and what it costs in best validation metric.

A study run with no pruner records every trial's whole validation curve (Optuna's
intermediate values, one per epoch, until early stopping with the study's patience). Each
setting then replays those curves through Optuna's own pruner, trial by trial in their
order: a trial stops where the pruner says so, or where a shorter patience would have
stopped it (its value is then its best epoch so far, as early stopping restores it). The
sampler is not replayed (with pruning, TPE would have seen other results and proposed
other trials), so the table measures the stopping rules on the same trials. Successive
halving by updates (the default) needs each trial's updates per epoch, recorded since it
came; older recordings lack them and leave its row out.

    python -m benchmarks.pruning [--case weekly|airline] [--trials 30] [--seed 0]
                                 [--curves FOLDER]   # replay a study recorded before
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import optuna
import yaml

from benchmarks.weekly import SHIPPED_SPACE, WEEKLY
from lstm_tune.records.attrs import UPDATES_ATTR
from lstm_tune.search.pruners import UpdateHalvingPruner

CASES = {
    "weekly": {**WEEKLY, "space": {**SHIPPED_SPACE, "batch_size": "auto"}},
    "airline": {"name": "airline", "data": {"builtin": "airline"}, "window": 12, "season": 12,
                "split": {"validation": 12, "test": 24}, "space": SHIPPED_SPACE},
}
MAX_EPOCHS, PATIENCE = 80, 10


@dataclass
class Curve:
    number: int
    values: list[float]  # validation metric after each epoch, until early stopping
    seconds_per_epoch: float
    updates_per_epoch: int | None  # what successive halving counts (None: not recorded)


def record(case: str, trials: int, seed: int, folder: Path, workers: int) -> Path:
    """Run the case with no pruner through `lstm-tune run`; returns the study file."""
    study = {**CASES[case], "strategy": "tpe", "pruner": "none", "seed": seed,
             "budget": {"trials": trials},
             "training": {"max_epochs": MAX_EPOCHS, "patience": PATIENCE}}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump(study))
    subprocess.run([sys.executable, "-m", "lstm_tune.cli", "run", path.name, "--workers",
                    str(workers), "--no-report"], cwd=folder, check=True,
                   capture_output=True, text=True)
    return path


def curves(study_file: Path) -> list[Curve]:
    from benchmarks.weekly import kept_study

    study = kept_study(study_file)
    out = []
    for t in sorted(study.get_trials(deepcopy=False), key=lambda t: t.number):
        if t.state != optuna.trial.TrialState.COMPLETE or not t.intermediate_values:
            continue
        values = [t.intermediate_values[k] for k in sorted(t.intermediate_values)]
        seconds = float(t.user_attrs.get("train_seconds", 0.0)) / max(len(values), 1)
        out.append(Curve(t.number, values, seconds, t.user_attrs.get(UPDATES_ATTR)))
    return out


def replay(found: list[Curve], pruner: optuna.pruners.BasePruner, patience: int
           ) -> dict[str, Any]:
    """Epochs, seconds and the best value when these curves meet this pruner and patience."""
    # a fixed name: Hyperband assigns brackets by hashing the study name and trial number
    study = optuna.create_study(study_name="replay", pruner=pruner,
                                sampler=optuna.samplers.RandomSampler(0))
    epochs = seconds = pruned = 0
    values: dict[int, float] = {}
    for curve in found:
        trial = study.ask()
        if curve.updates_per_epoch:
            trial.set_user_attr(UPDATES_ATTR, curve.updates_per_epoch)
        best, since, stop = float("inf"), 0, None
        for step, value in enumerate(curve.values):
            best, since = (value, 0) if value < best else (best, since + 1)
            trial.report(value, step)
            if trial.should_prune():
                stop = "pruned"
            elif since >= patience:
                stop = "stopped"
            if stop:
                break
        used = step + 1
        epochs += used
        seconds += used * curve.seconds_per_epoch
        if stop == "pruned":
            pruned += 1
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            values[curve.number] = best
            study.tell(trial, best)
    return {"epochs": epochs, "train s": seconds, "pruned": pruned,
            "best validation": min(values.values()),
            "best trial": min(values, key=values.__getitem__)}


SETTINGS: dict[str, tuple[Callable[[int], optuna.pruners.BasePruner], int]] = {
    "no pruner, patience 10": (lambda rung: optuna.pruners.NopPruner(), 10),
    "median (5 startup, 5 warm-up), patience 10 [before]":
        (lambda rung: optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=5), 10),
    "median (5, 5), patience 6":
        (lambda rung: optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=5), 6),
    "median (3, 3), patience 10":
        (lambda rung: optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=3), 10),
    "percentile 33 (5, 5), patience 10":
        (lambda rung: optuna.pruners.PercentilePruner(33.0, n_startup_trials=5,
                                                  n_warmup_steps=5), 10),
    "percentile 33 (5, 5), patience 6":
        (lambda rung: optuna.pruners.PercentilePruner(33.0, n_startup_trials=5,
                                                  n_warmup_steps=5), 6),
    "median (3, 3), patience 6":
        (lambda rung: optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=3), 6),
    "hyperband (1-80, factor 3), patience 10":
        (lambda rung: optuna.pruners.HyperbandPruner(1, MAX_EPOCHS, 3), 10),
    "hyperband (1-80, factor 3), patience 6":
        (lambda rung: optuna.pruners.HyperbandPruner(1, MAX_EPOCHS, 3), 6),
    "successive halving (min 5 epochs, factor 3), patience 10":
        (lambda rung: optuna.pruners.SuccessiveHalvingPruner(5, 3), 10),
    "successive halving by updates (factor 3), patience 10 [the default]":
        (UpdateHalvingPruner, 10),
}


def table(found: list[Curve], first_rung: int) -> list[dict[str, Any]]:
    """`first_rung`: successive halving's first rung in updates, as the study gets it."""
    rows = []
    reference = replay(found, optuna.pruners.NopPruner(), PATIENCE)
    for name, (make, patience) in SETTINGS.items():
        if make is UpdateHalvingPruner and not all(c.updates_per_epoch for c in found):
            continue
        r = replay(found, make(first_rung), patience)
        rows.append({"setting": name, "epochs": r["epochs"],
                     "epochs saved": f"{1 - r['epochs'] / reference['epochs']:.0%}",
                     "train min": r["train s"] / 60, "trials pruned": r["pruned"],
                     "best validation": r["best validation"],
                     "vs no pruner": r["best validation"] / reference["best validation"] - 1,
                     "best trial": r["best trial"]})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=sorted(CASES), default="weekly")
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--curves", type=Path, help="a study file run before, or a folder to record into (or recorded before)")
    args = ap.parse_args()
    from benchmarks.table import markdown

    if args.curves and args.curves.is_file():  # a study file run before
        study_file = args.curves
    elif args.curves and (args.curves / "study.yaml").is_file():
        study_file = args.curves / "study.yaml"
    else:
        folder = args.curves or Path(tempfile.mkdtemp(prefix="pruning-"))
        start = time.perf_counter()
        study_file = record(args.case, args.trials, args.seed, folder, args.workers)
        print(f"recorded {args.trials} unpruned trials in {time.perf_counter() - start:.0f} s"
              f" ({folder})", flush=True)
    found = curves(study_file)
    rung = first_rung(study_file)
    print(f"## {args.case}: {len(found)} recorded curves, replayed (successive halving's "
          f"first rung: {rung} updates)\n\n{markdown(table(found, rung))}")


def first_rung(study_file: Path) -> int:
    """Successive halving's first rung for this study file, as a worker computes it."""
    from lstm_tune.data.framing import load_data
    from lstm_tune.records.artifacts import artifact_store
    from lstm_tune.search.objective import Objective
    from lstm_tune.search.pruners import first_rung_updates
    from lstm_tune.search.storage import with_default_storage
    from lstm_tune.spec import load_spec

    spec = with_default_storage(load_spec(study_file), 1)
    size = Objective(spec, load_data(spec.data_settings), artifact_store(spec)).data_size
    return first_rung_updates(spec, size)


if __name__ == "__main__":
    main()
