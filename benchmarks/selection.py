"""Honest model selection, measured: one validation split against validation folds, and the
final model tested as the best trial's own model, a refit, an ensemble, or the one of them
chosen on validation (`final.model: auto`).

For each task and search seed, searches of a shipped study run: one with a single
validation split (the study as shipped), one with `split.folds: K`. The folds search is then
evaluated four ways (single, refit, ensemble, auto), each building its final model from the
same trials. A third search runs the folds without a pruner, to show what pruning across
folds buys back. Printed: the median test metric over the seeds, its range, the trials
pruned, the epochs trained over all trials, and the median wall time of the search and of
search + building the final model.

    python -m benchmarks.selection                   # airline, synthetic_panel, gunpoint; 3 seeds
    python -m benchmarks.selection --tasks airline   # the issue's headline figure
    python -m benchmarks.selection --cost            # only what folds cost, pruned or not
    python -m benchmarks.selection --quick           # 1 seed, small budgets
    python -m benchmarks.selection --smoke           # seconds: checks that it runs

Measurements, not tests: machines are shared, compare figures within one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore")

import yaml  # noqa: E402

from benchmarks.table import markdown, write_csv  # noqa: E402

STUDIES = Path(__file__).resolve().parent.parent / "studies"
TASKS = {"airline": "airline.yaml", "synthetic_panel": "synthetic_panel.yaml",
         "gunpoint": "gunpoint.yaml"}
CHOICES = ("single", "refit", "ensemble", "auto")
PROFILES = {
    "full": {"seeds": 3, "folds": 3, "trials": None, "max_epochs": None},
    "quick": {"seeds": 1, "folds": 3, "trials": 6, "max_epochs": 20},
    "smoke": {"seeds": 1, "folds": 2, "trials": 2, "max_epochs": 2},
}


def study_file(folder: Path, task: str, seed: int, folds: int, p: dict[str, Any],
               final: str = "single", prune: bool = True) -> Path:
    """The shipped study with a search seed, a number of folds, a final model, and its
    pruner or none."""
    raw = yaml.safe_load((STUDIES / TASKS[task]).read_text())
    name = f"{task}_s{seed}_k{folds}" + ("" if prune else "_np")
    raw.update(name=name, seed=seed)
    if not prune:
        raw["pruner"] = "none"
    raw.setdefault("split", {})["folds"] = folds
    raw["final"] = {"model": final, "seeds": 1}
    if p["trials"]:
        raw["budget"] = {"trials": p["trials"]}
    if p["max_epochs"]:
        raw["training"] = {"max_epochs": p["max_epochs"],
                           "patience": min(p["max_epochs"], raw["training"]["patience"])}
    path = folder / f"{name}_{final}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def measure(task: str, seed: int, p: dict[str, Any], folder: Path, workers: int,
            cost_only: bool = False) -> list[dict[str, Any]]:
    from lstm_tune.evaluate.evaluation import evaluate_study
    from lstm_tune.search.storage import load_study
    from lstm_tune.search.study import run_study
    from lstm_tune.spec import load_spec

    rows = []
    k = p["folds"]
    # one split; k folds pruned across folds (then every final model); k folds without a
    # pruner: what pruning across folds buys back
    for folds, prune, choices in ((1, True, ("single",)),
                                  (k, True, ("single",) if cost_only else CHOICES),
                                  (k, False, ("single",))):
        spec = load_spec(study_file(folder, task, seed, folds, p, prune=prune))
        start = time.perf_counter()
        run_study(spec, workers=workers)
        search = time.perf_counter() - start
        study = load_study(spec)
        pruned = sum(t.state.name == "PRUNED" for t in study.trials)
        epochs = sum(int(t.user_attrs.get("epochs", 0)) for t in study.trials)
        for choice in choices:
            spec = load_spec(study_file(folder, task, seed, folds, p, choice, prune))
            start = time.perf_counter()
            ev = evaluate_study(spec, load_study(spec))
            built = time.perf_counter() - start
            label = "one split" if folds == 1 else f"{folds} folds, {choice}"
            if not prune:
                label = f"{folds} folds, no pruning, {choice}"
            if choice == "auto":
                label += f" ({ev.final['choice']})"
            rows.append({"task": task, "seed": seed, "variant": label,
                         "metric": spec.test_metric, "test": ev.test[spec.test_metric],
                         "validation": float(study.best_value), "pruned": pruned,
                         "epochs": epochs, "search_s": search, "wall_s": search + built})
            print(f"  {task} seed {seed} {label}: test {spec.test_metric} "
                  f"{ev.test[spec.test_metric]:.4g}, {search + built:.0f} s", flush=True)
    return rows


def summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per task and variant: the median test metric over seeds, its range, the wall time."""
    out = []
    keys = dict.fromkeys((r["task"], r["variant"].split(" (")[0]) for r in rows)
    for task, variant in keys:
        mine = [r for r in rows if r["task"] == task and r["variant"].split(" (")[0] == variant]
        tests = [r["test"] for r in mine]
        chosen = [r["variant"].split(" (")[1].rstrip(")") for r in mine if " (" in r["variant"]]
        out.append({"task": task, "variant": variant + (f" -> {', '.join(chosen)}" if chosen else ""),
                    "metric": mine[0]["metric"], "median test": statistics.median(tests),
                    "range": f"{min(tests):.4g} to {max(tests):.4g}", "seeds": len(mine),
                    "median trials pruned": statistics.median(r["pruned"] for r in mine),
                    "median epochs": statistics.median(r["epochs"] for r in mine),
                    "median search s": statistics.median(r["search_s"] for r in mine),
                    "median wall s": statistics.median(r["wall_s"] for r in mine)})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated: " + ", ".join(TASKS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--seeds", type=int, help="search seeds (default 3; 1 quick)")
    parser.add_argument("--cost", action="store_true",
                        help="only the searches' cost: each search's own best model, no refit, "
                             "ensemble or auto")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per search")
    parser.add_argument("--out", default="benchmarks/results", help="CSV folder")
    args = parser.parse_args(argv)
    p = dict(PROFILES["smoke" if args.smoke else "quick" if args.quick else "full"])
    if args.seeds:
        p["seeds"] = args.seeds
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for task in args.tasks.split(","):
            for seed in range(p["seeds"]):
                rows += measure(task, seed, p, Path(tmp), args.workers, args.cost)
    table = summary(rows)
    print(markdown(table))
    write_csv(rows, Path(args.out) / "selection_runs.csv")
    write_csv(table, Path(args.out) / "selection.csv")


if __name__ == "__main__":
    main()
