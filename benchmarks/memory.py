"""Peak memory over a long study: recycled worker processes against one process for all trials.

Keras leaks about 18 MB per trained model in one process even after clear_session(); a study
runs its trials in worker processes that exit every `recycle_every` trials. This runs N short
real trials both ways and prints the worker's peak RSS after each block of 10 trials.

    python -m benchmarks.memory [--trials 60] [--recycle 10]
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
        "space": {"layers": {"low": 1, "high": 2}, "units": {"low": 8, "high": 64, "log": True},
                  "batch_size": [16, 32], "attention": [False, True],
                  "bidirectional": [False, True], "transform": "log_seasonal_diff"},
        "training": {"max_epochs": 2, "patience": 2},
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=60)
    ap.add_argument("--recycle", type=int, default=10)
    args = ap.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, recycle in ((f"recycled every {args.recycle}", args.recycle),
                               ("one process", args.trials)):
            spec = load_spec(study_file(Path(tmp), f"mem{recycle}", args.trials, recycle))
            start = time.perf_counter()
            study = run_study(spec)
            rows[label] = (peaks(study), time.perf_counter() - start)
    blocks = max(len(p) for p, _ in rows.values())
    header = "| trials | " + " | ".join(f"{k}: peak RSS MB" for k in rows) + " |"
    print(header)
    print("|" + "---|" * (len(rows) + 1))
    for i in range(blocks):
        cells = [f"{p[i]:.0f}" if i < len(p) else "" for p, _ in rows.values()]
        print(f"| {i * 10 + 1}-{min((i + 1) * 10, args.trials)} | " + " | ".join(cells) + " |")
    print("| wall time s | " + " | ".join(f"{s:.0f}" for _, s in rows.values()) + " |")
    for label, (p, _) in rows.items():
        print(f"{label}: growth from first to last block {p[-1] - p[0]:+.0f} MB")


if __name__ == "__main__":
    main()
