"""Peak memory over a long study: recycled worker processes against one process for all trials.

Keras leaks about 18 MB per trained model in one process even after clear_session(); a study
runs its trials in worker processes that exit every `recycle_every` trials. This runs N short
real trials both ways and prints the worker's peak RSS after each block of 10 trials.

    python -m benchmarks.memory [--trials 60] [--recycle 10] [--one-process 40]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from lstm_tune.search.study import run_study
from lstm_tune.spec import load_spec


def study_file(folder: Path, name: str, trials: int, recycle: int) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump({
        "name": name,
        "data": {"builtin": "airline"},
        # small one-layer models: the leak is per model built, and 100 trials fit in minutes
        "space": {"layers": 1, "units": {"low": 8, "high": 32, "log": True},
                  "batch_size": 32, "attention": [False, True], "transform": "log_seasonal_diff"},
        "training": {"max_epochs": 1, "patience": 1},
        "budget": {"trials": trials},
        "pruner": "none",
        "strategy": "random",
        "seed": 0,
        "recycle_every": recycle,
    }))
    return path


def peaks(study, block: int = 10) -> list[float]:
    values = [t.user_attrs.get("worker_peak_rss_mb", float("nan")) for t in study.trials]
    return [max(values[i:i + block]) for i in range(0, len(values), block)]


def run(trials: int = 60, recycle: int = 10, one_process: int | None = None
        ) -> list[dict[str, object]]:
    """Peak RSS per block of 10 trials, recycled workers against one process (which runs
    `one_process` trials, all of them by default: its growth is linear, fewer show it)."""
    peaks_by: dict[str, list[float]] = {}
    walls: dict[str, float] = {}
    one = one_process or trials
    with tempfile.TemporaryDirectory() as tmp:
        for label, n, every in ((f"recycled every {recycle}", trials, recycle),
                                ("one process", one, one)):
            spec = load_spec(study_file(Path(tmp), f"mem{every}", n, every))
            start = time.perf_counter()
            peaks_by[label] = peaks(run_study(spec))
            walls[label] = time.perf_counter() - start
    rows: list[dict[str, object]] = []  # a shorter one-process run leaves its later cells empty
    for i in range(max(len(p) for p in peaks_by.values())):
        row: dict[str, object] = {"trials": f"{i * 10 + 1}-{min((i + 1) * 10, trials)}"}
        row.update({f"{k}: peak RSS MB": round(p[i]) for k, p in peaks_by.items() if i < len(p)})
        rows.append(row)
    rows.append({"trials": "wall time s", **{f"{k}: peak RSS MB": round(w)
                                              for k, w in walls.items()}})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=60)
    ap.add_argument("--recycle", type=int, default=10)
    ap.add_argument("--one-process", type=int, default=None,
                    help="trials of the one-process run (default: as many as --trials)")
    args = ap.parse_args()
    from benchmarks.table import markdown

    print(markdown(run(args.trials, args.recycle, args.one_process)))


if __name__ == "__main__":
    main()
