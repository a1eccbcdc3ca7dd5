"""Trials per minute with 1 and 2 worker processes on this machine (short real trials)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from lstm_tune.search.storage import with_default_storage
from lstm_tune.search.study import run_study
from lstm_tune.spec import load_spec


def run(trials: int = 16, max_epochs: int = 5) -> list[dict[str, float | int]]:
    rows: list[dict[str, float | int]] = []
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.yaml"
            path.write_text(yaml.safe_dump({
                "name": "t", "data": {"builtin": "airline"}, "strategy": "random", "seed": 0,
                "space": {"layers": 1, "units": [8, 16], "transform": "log_diff"},
                "training": {"max_epochs": max_epochs, "patience": max_epochs},
                "budget": {"trials": trials}, "pruner": "none",
            }))
            spec = with_default_storage(load_spec(path), workers)
            start = time.perf_counter()
            run_study(spec, workers=workers)
            wall = time.perf_counter() - start
            rows.append({"workers": workers, "trials": trials, "wall_s": wall,
                         "trials_per_minute": 60 * trials / wall})
    return rows
