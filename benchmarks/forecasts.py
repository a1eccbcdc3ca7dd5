"""Forecast quality against the statistical models: LSTM alone, hybrid, combination.

    python -m benchmarks.forecasts [--studies airline,airline_h12,us_macro,weekly]
                                   [--variants shipped,hybrid] [--seeds 3] [--keep DIR]
                                   [--finals "single,single + combine,..."]

For each shipped forecasting study (and the built-in weekly series with a study file that
gives no search space), each search-space variant and each seed, one study runs through
`lstm-tune run --no-report` as a user runs it (default workers), and its search is then
tested with each final model: `single` (the best trial's LSTM), `ensemble` (the three best
configurations refitted), `refit`, `auto` (chosen on validation), each also combined
(`combine`: averaged with the better statistical model, the weight chosen on validation).
Variants: `shipped` (the study file as shipped), `hybrid` (its space with `base: [none, ets,
arima]`, an LSTM learning what a statistical model leaves), `base_arima` or `base_ets` (that
base only), `folds2` (two validation folds), or several joined by `+`. Prints the test
metric's median and range over seeds beside every baseline on the same points, and each
run's wall time. These are measurements, not tests: compare within one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import yaml

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

STUDIES = Path(__file__).resolve().parents[1] / "studies"
# the weekly series as a new user writes it: the data, its season and split, no space
WEEKLY = {"name": "weekly", "data": {"builtin": "weekly"}, "window": 52, "season": 52,
          "split": {"validation": 104, "test": 104}}
HYBRID_BASES = ["none", "ets", "arima"]
FINALS = {"single": {"model": "single"},
          "single + combine": {"model": "single", "combine": True},
          "refit": {"model": "refit"},
          "refit + combine": {"model": "refit", "combine": True},
          "ensemble": {"model": "ensemble"},
          "ensemble + combine": {"model": "ensemble", "combine": True},
          "auto + combine": {"model": "auto", "combine": True}}


def study_file(name: str) -> dict[str, Any]:
    if name == "weekly":
        return dict(WEEKLY)
    return yaml.safe_load((STUDIES / f"{name}.yaml").read_text())


def study_series(name: str) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The study file and each of its series' target values (name, array): what the
    statistical benchmarks fit on."""
    import numpy as np

    from lstm_tune.data.framing import load_data
    from lstm_tune.spec import spec_from_dict

    settings = study_file(name)
    table = load_data(spec_from_dict(settings, f"{name}.yaml").data_settings)
    return settings, [(part or name, np.asarray(table.target[start:stop], dtype=float))
                      for part, start, stop in table.parts]


def variant(study: dict[str, Any], how: str) -> dict[str, Any]:
    """The study file as the variant `how` changes it: `shipped` as it is, `hybrid` with
    every base searched, `base_arima` or `base_ets` with that base only, `folds2` (or 3...)
    with that many validation folds; joined by `+` (`base_arima+folds2`)."""
    for part in how.split("+"):
        if part == "hybrid":
            study = {**study, "space": {**study.get("space", {}), "base": HYBRID_BASES}}
        elif part.startswith("base_"):
            study = {**study, "space": {**study.get("space", {}),
                                        "base": [part.removeprefix("base_")]}}
        elif part.startswith("folds"):
            study = {**study, "split": {**study.get("split", {}),
                                        "folds": int(part.removeprefix("folds"))}}
        elif part != "shipped":
            raise SystemExit(f"--variants: unknown {part!r}")
    return study


def run_with_finals(folder: Path, study: dict[str, Any], finals: dict[str, dict[str, Any]],
                    labels: dict[str, Any]) -> list[dict[str, Any]]:
    """`lstm-tune run --no-report` on the study as a user runs it, then its search tested
    with each final model's settings: one row each, with the baselines on the same points."""
    import optuna

    from lstm_tune.api import Study

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    path = folder / f"{study['name']}.yaml"
    path.write_text(yaml.safe_dump(study))
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "lstm_tune.cli", "run", path.name,
                             "--no-report"], cwd=folder, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    rows = []
    for final, settings in finals.items():
        spec_path = folder / f"{study['name']}.{final.replace(' + ', '_')}.yaml"
        spec_path.write_text(yaml.safe_dump({**study, "final": settings}))
        ev = Study.from_yaml(spec_path).evaluation
        metric = next(iter(ev.test))
        rows.append({**labels, "final": final, "seed": study["seed"],
                     "metric": metric, "test": ev.test[metric], "wall_s": round(wall, 1),
                     "chosen": ev.final.get("choice", "single"),
                     "weight": (ev.final.get("combination") or {}).get("weight"),
                     **{f"baseline {b}": v[metric] for b, v in ev.baselines.items()}})
    return rows


def summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    keys = dict.fromkeys((r["study"], r["variant"], r["final"]) for r in rows)
    for study, how, final in keys:
        mine = [r for r in rows if (r["study"], r["variant"], r["final"]) == (study, how, final)]
        values = [r["test"] for r in mine]
        out.append({"study": study, "variant": how, "final": final, "seeds": len(mine),
                    f"test {mine[0]['metric']} median": statistics.median(values),
                    "range": f"{min(values):.4g}-{max(values):.4g}",
                    "wall s median": statistics.median(r["wall_s"] for r in mine)})
    for study in dict.fromkeys(r["study"] for r in rows):
        first = next(r for r in rows if r["study"] == study)
        for key, value in first.items():
            if key.startswith("baseline "):
                out.append({"study": study, "variant": "", "final": key,
                            f"test {first['metric']} median": value})
    return out


def grid_arguments(ap: argparse.ArgumentParser, finals: dict[str, Any], default: str
                   ) -> None:
    """The options every final-model benchmark shares: seeds, where to keep the studies,
    which final models to test."""
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="keep the studies here (and resume them)")
    ap.add_argument("--finals", default=default,
                    help=f"final models to test, of: {', '.join(finals)}")


def run_grid(ap: argparse.ArgumentParser, args: argparse.Namespace, names: str,
             finals: dict[str, Any], kind: str,
             study: Callable[[str, str, int], dict[str, Any] | None]) -> None:
    """Each seed (outermost: a run stopped early has every study at its first seeds), name
    and variant: `study(name, variant, seed)` searched and tested with each final model
    (None: the variant does not apply); a CSV of every run kept as it goes, then the
    medians over seeds."""
    from benchmarks.table import markdown, write_csv

    chosen = [f.strip() for f in args.finals.split(",")]
    unknown = set(chosen) - set(finals)
    if unknown:
        ap.error(f"--finals: unknown {sorted(unknown)}; choose from {', '.join(finals)}")
    folder = args.keep or Path(tempfile.mkdtemp(prefix=f"lstm_tune_{kind}_"))
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / f"{kind}__every_run.csv"
    rows: list[dict[str, Any]] = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for name in names.split(","):
            for how in args.variants.split(","):
                settings = study(name, how, seed)
                if settings is None:
                    continue
                rows += run_with_finals(folder, settings, {f: finals[f] for f in chosen},
                                        {"study": name, "variant": how})
                print(f"done: {name} {how} seed {seed}: " + ", ".join(
                    f"{r['final']} {r['test']:.4g}" for r in rows[-len(chosen):]),
                    file=sys.stderr, flush=True)
                write_csv(rows, csv)  # a stopped run keeps these
    print(markdown(summary(rows)))
    print(f"\nevery run: {csv}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--studies", default="airline,airline_h12,us_macro,weekly")
    ap.add_argument("--variants", default="shipped,hybrid")
    grid_arguments(ap, FINALS, ",".join(FINALS))
    args = ap.parse_args(argv)

    def study(name: str, how: str, seed: int) -> dict[str, Any]:
        return {**variant(study_file(name), how), "seed": seed,
                "name": f"{name}_{how.replace('+', '-')}_s{seed}"}

    run_grid(ap, args, args.studies, FINALS, "forecasts", study)


if __name__ == "__main__":
    main()
