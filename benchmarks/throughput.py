"""Trials per minute with 1 and 2 worker processes on this machine (real trials).

One worker gets every CPU thread; N workers get one share each. Which is faster decides
`--workers auto` (search/parallel.py). Cases:

- airline: short trials of small models (random search over 8 or 16 units);
- weekly: the same fixed model in every trial, so both worker counts train the same work,
  for two models typical of the shipped space on 2,039 windows of 52 steps.

    python -m benchmarks.throughput [--case airline|weekly] [--trials N] [--epochs N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from lstm_tune.search.storage import with_default_storage
from lstm_tune.search.study import run_study
from lstm_tune.spec import load_spec

AIRLINE = {"data": {"builtin": "airline"}, "strategy": "random",
           "space": {"layers": 1, "units": [8, 16], "transform": "log_diff"}}
WEEKLY = {"data": {"builtin": "weekly"}, "window": 52, "season": 52,
          "split": {"validation": 104, "test": 104}}
WEEKLY_MODELS = {  # name -> fixed space
    "LSTM(16), batch 64": {"layers": 1, "units": 16, "batch_size": 64,
                           "transform": "log_diff"},
    "BiLSTM(28)+BiLSTM(28), batch 128": {"layers": 2, "units": 28, "bidirectional": True,
                                         "batch_size": 128, "transform": "log_diff"},
}


def _study(settings: dict[str, Any], trials: int, epochs: int, workers: int) -> float:
    """Wall seconds of one study of `trials` trials with `workers` processes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.yaml"
        path.write_text(yaml.safe_dump({
            "name": "t", "seed": 0, **settings,
            "training": {"max_epochs": epochs, "patience": epochs},
            "budget": {"trials": trials}, "pruner": "none"}))
        spec = with_default_storage(load_spec(path), workers)
        start = time.perf_counter()
        run_study(spec, workers=workers)
        return time.perf_counter() - start


def run(trials: int = 16, max_epochs: int = 5, case: str = "airline",
        worker_counts: tuple[int, ...] = (1, 2)) -> list[dict[str, Any]]:
    cases = ({"airline, LSTM(8-16)": AIRLINE} if case == "airline" else
             {name: {**WEEKLY, "space": space} for name, space in WEEKLY_MODELS.items()})
    rows: list[dict[str, Any]] = []
    for name, settings in cases.items():
        for workers in worker_counts:
            wall = _study(settings, trials, max_epochs, workers)
            rows.append({"case": name, "workers": workers, "trials": trials, "wall_s": wall,
                         "trials_per_minute": 60 * trials / wall})
        base = rows[-len(worker_counts)]["wall_s"]
        for r in rows[-len(worker_counts):]:
            r["speed-up"] = base / r["wall_s"]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=("airline", "weekly"), default="airline")
    ap.add_argument("--trials", type=int, default=None, help="default: 16 airline, 6 weekly")
    ap.add_argument("--epochs", type=int, default=None, help="default: 5 airline, 3 weekly")
    args = ap.parse_args()
    from benchmarks.table import markdown

    weekly = args.case == "weekly"
    trials = args.trials or (6 if weekly else 16)
    epochs = args.epochs or (3 if weekly else 5)
    print(markdown(run(trials, epochs, args.case)))


if __name__ == "__main__":
    main()
