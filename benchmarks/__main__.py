"""Run the benchmark suites and print one markdown table each (also saved as CSV).

    python -m benchmarks                 # the whole set (under an hour on 2 cores)
    python -m benchmarks --quick         # under 5 minutes: 1 seed, 4 trials, 10 epochs
    python -m benchmarks --smoke         # seconds per suite: only checks that they run
    python -m benchmarks --suites quality,overhead

Suites: quality (search quality per compute against KerasTuner and a plain Optuna script,
with the pruning comparison), speedups (before/after of the training-loop changes),
overhead (a trial through lstm_tune against a bare fit), memory (peak RSS, recycled workers
against one process), workers (trials per minute with 1 and 2 workers), explain (SHAP, LIME
and the explain command per 100 windows).
These are measurements, not tests: the machines are shared, compare ratios within one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore")

from benchmarks.table import markdown, write_csv  # noqa: E402

PROFILES = {
    # quality budget; speedups and overhead (epochs, repeats, configs); memory trials (recycled
    # run, one-process run), recycle_every; workers trials; explain (windows, KernelExplainer
    # windows, epochs (None: the study's), KernelExplainer samples)
    # full: 7 methods x 3 seeds x 20 trials; a cap of 40 epochs (patience 6) for every method
    # keeps the whole command under an hour here (80/10, as in studies/airline.yaml, took
    # ~18 min per seed; 50/8 made the whole command 60 minutes)
    "full": {"trials": 20, "seeds": 3, "max_epochs": 40, "patience": 6, "hyperband": 9,
             "speedups": (15, 2, 3), "overhead": (20, 2, 3), "memory": (100, 30, 25), "workers": 8,
             "explain": (100, 5, None, 500)},
    "quick": {"trials": 4, "seeds": 1, "max_epochs": 10, "patience": 4, "hyperband": 3,
              "speedups": (8, 1, 3), "overhead": (12, 1, 3), "memory": (6, 6, 3), "workers": 4,
              "explain": (100, 5, None, 500)},
    # smoke: the quality suite skips GA and PSO (the same code path as TPE with another
    # strategy, each tested in tests/search) and KerasTuner's BayesianOptimization (the same
    # path as its Hyperband)
    "smoke": {"trials": 2, "seeds": 1, "max_epochs": 2, "patience": 2, "hyperband": 2,
              "speedups": (2, 1, 1), "overhead": (2, 1, 1), "memory": (2, 2, 1), "workers": 2,
              "explain": (10, 2, 2, 50),
              "methods": ["lstm_tune TPE (pruned)", "lstm_tune TPE (no pruning)",
                          "plain Optuna TPE script", "KerasTuner Hyperband"]},
}


def quality(p: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from dataclasses import asdict

    from benchmarks import quality as q

    rows, base = q.run(q.Budget(p["trials"], p["seeds"], p["max_epochs"], p["patience"],
                                p["hyperband"]), p.get("methods"))
    summary = q.medians(rows)
    pruned = next((r for r in summary if r["method"] == "lstm_tune TPE (pruned)"), None)
    unpruned = next((r for r in summary if r["method"] == "lstm_tune TPE (no pruning)"), None)
    pruning = []
    if pruned and unpruned:
        pruning.append({
            "epochs saved %": 100 * (1 - pruned["epochs"] / unpruned["epochs"]),
            "wall time saved %": 100 * (1 - pruned["wall_seconds"] / unpruned["wall_seconds"]),
            "best validation RMSE, pruned": pruned["best_validation"],
            "best validation RMSE, not pruned": unpruned["best_validation"],
        })
    return {
        "quality (medians over seeds)": summary,
        "quality (every run)": [asdict(r) for r in rows],
        "baselines on the same test points": [{"forecast": k, "test_rmse": v} for k, v in base],
        "pruning": pruning,
    }


def speedups(p: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from benchmarks import speedups as sp

    epochs, repeats, configs = p["speedups"]
    return {f"speed changes ({epochs}-epoch fits, {configs} configs x {repeats})":
            sp.run(epochs, repeats, configs)}


def overhead(p: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from benchmarks import overhead as o

    epochs, repeats, configs = p["overhead"]
    return {f"overhead per trial ({epochs} epochs, best of {repeats})":
            o.run(epochs, repeats, configs)}


def memory(p: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from benchmarks import memory as m

    trials, one_process, recycle = p["memory"]
    return {f"memory ({trials} short trials, recycled every {recycle})":
            m.run(trials, recycle, one_process)}


def workers(p: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from benchmarks import throughput

    return {"workers": throughput.run(p["workers"])}


def explain(p: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from benchmarks import explain_speed

    return {"explanation speed": explain_speed.run(*p["explain"])}


SUITES: dict[str, Callable[[dict[str, Any]], dict[str, list[dict[str, Any]]]]] = {
    "quality": quality, "speedups": speedups, "overhead": overhead, "memory": memory,
    "workers": workers, "explain": explain,
}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="a few minutes")
    mode.add_argument("--smoke", action="store_true", help="only check that every suite runs")
    ap.add_argument("--suites", default=",".join(SUITES), help="comma-separated suites")
    ap.add_argument("--out", default="benchmarks/results", help="folder for the CSV files")
    args = ap.parse_args()
    profile = "smoke" if args.smoke else "quick" if args.quick else "full"
    chosen = [s.strip() for s in args.suites.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SUITES]
    if unknown:
        ap.error(f"unknown suite {unknown[0]!r}; choose from {', '.join(SUITES)}")
    out = Path(args.out)
    started = time.perf_counter()
    print(f"# lstm_tune benchmarks ({profile}), {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n", flush=True)
    for name in chosen:
        t0 = time.perf_counter()
        for title, rows in SUITES[name](PROFILES[profile]).items():
            print(f"## {title}\n\n{markdown(rows)}\n", flush=True)
            if rows:
                slug = "".join(c if c.isalnum() else "_" for c in title).strip("_").lower()
                write_csv(rows, out / f"{slug}.csv")
        print(f"({name}: {time.perf_counter() - t0:.0f} s)\n", flush=True)
    print(f"total {time.perf_counter() - started:.0f} s; CSV files in {out}/")


if __name__ == "__main__":
    main()
