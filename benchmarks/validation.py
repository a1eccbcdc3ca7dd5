"""How much validation a long series needs: the trial chosen on 12 steps or on 5% of it.

    python -m benchmarks.validation [--series daily,hourly,weekly] [--variants 12,default]
                                    [--seeds 3] [--keep DIR]

For each series, variant and seed, a study a new user writes (the data and a seed, no
space) runs through `lstm-tune run --no-report` and its best trial is tested: `12` validates
on the 12 steps before the test part (the default before 2026-12-08), `default` leaves
`split.validation` out (today 5% of the series, at least 12 steps). The test part is the
same in both (56 days, 100 hours, 104 weeks), so the rows compare on the same points.
`daily` (1,100 days: trend, a year's and a week's cycle, a random walk and noise) and
`hourly` (2,000 hours: a day's cycle, a slow trend, AR(1) noise) are generated here from
fixed seeds; `weekly` is the built-in. Measurements, not tests: compare within one run.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.forecasts import grid_arguments, run_grid

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

FINALS = {"single": {"model": "single"}}
TEST = {"daily": 56, "hourly": 100, "weekly": 104}


def daily() -> pd.DataFrame:
    """Visits per day: a trend, a year's cycle, busier weekends, a random walk, noise."""
    rng = np.random.default_rng(7)
    n = 1100
    t = np.arange(n)
    days = pd.date_range("2021-01-01", periods=n, freq="D")
    y = (200 + 0.08 * t + 25 * np.sin(2 * np.pi * t / 365.25) + 15 * (days.day_of_week >= 5)
         + np.cumsum(rng.normal(0, 1.5, n)) + rng.normal(0, 6, n))
    return pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "visits": y.round(1)})


def hourly() -> pd.DataFrame:
    """Load per hour: a day's cycle with a second harmonic, a slow trend, AR(1) noise."""
    rng = np.random.default_rng(11)
    n = 2000
    t = np.arange(n)
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = 0.8 * noise[i - 1] + rng.normal(0, 1.5)
    y = 50 + 10 * np.sin(2 * np.pi * t / 24) + 4 * np.sin(4 * np.pi * t / 24) + 0.004 * t
    hours = pd.date_range("2024-01-01", periods=n, freq="h")
    return pd.DataFrame({"hour": hours.strftime("%Y-%m-%d %H:%M"), "load": (y + noise).round(2)})


GENERATED = {"daily": (daily, "visits", "date"), "hourly": (hourly, "load", "hour")}


def data_of(name: str, folder: Path) -> dict[str, str]:
    """The study's `data`: the built-in, or the generated series written beside the study."""
    if name not in GENERATED:
        return {"builtin": name}
    make, target, time = GENERATED[name]
    if not (folder / f"{name}.csv").exists():  # once, for every variant and seed
        make().to_csv(folder / f"{name}.csv", index=False)
    return {"csv": f"{name}.csv", "target": target, "time": time}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", default="daily,hourly,weekly")
    ap.add_argument("--variants", default="12,default")
    grid_arguments(ap, FINALS, "single")
    args = ap.parse_args(argv)
    if args.keep is None:  # the generated files are written where the studies run
        import tempfile

        args.keep = Path(tempfile.mkdtemp(prefix="lstm_tune_validation_"))
    args.keep.mkdir(parents=True, exist_ok=True)

    def study(name: str, how: str, seed: int) -> dict[str, Any]:
        split: dict[str, Any] = {"test": TEST[name]}
        if how != "default":
            split["validation"] = int(how)
        return {"name": f"{name}_v{how}_s{seed}", "data": data_of(name, args.keep),
                "task": "forecast", "split": split, "seed": seed}

    run_grid(ap, args, args.series, FINALS, "validation", study)


if __name__ == "__main__":
    main()
