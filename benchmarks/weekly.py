"""Speed on a realistic series: 2,300 weeks, window 52, season 52, 104 validation and 104
test weeks (the built-in `weekly`), the shipped search space.

Two tables, every variant interleaved in one run so machine noise hits them alike:

- epochs: seconds of the first epoch (tracing, and XLA compiling) and of later epochs, for
  typical models of the shipped space, with and without XLA, at several batch sizes, on
  the weekly windows and on airline's (small data, where compiling may not pay);
  beside the compute bound of each epoch: the LSTM's own matrix products at the speed
  the cores sustain on that shape (measured here, not a datasheet figure);
- studies: the whole case, N TPE trials of the shipped space, before and after each
  change (wall time, trials per minute, seconds per epoch, best validation and its test
  RMSE), the variants interleaved seed by seed.

    python -m benchmarks.weekly [--epochs 6] [--repeats 2] [--trials 30] [--seeds 1]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from lstm_tune.spec import load_spec

WEEKLY = {"name": "weekly", "data": {"builtin": "weekly"}, "window": 52, "season": 52,
          "split": {"validation": 104, "test": 104}}
AIRLINE = {"name": "airline", "data": {"builtin": "airline"}, "window": 12}

MODELS = {  # typical of the shipped space (units 8-64, 1-2 layers, bidirectional or not)
    "LSTM(16)": {"layers": 1, "units_1": 16},
    "LSTM(48)": {"layers": 1, "units_1": 48},
    "BiLSTM(16)": {"layers": 1, "units_1": 16, "bidirectional": True},
    # an LSTM that returns its whole sequence (to attention, or to a second layer)
    "LSTM(16)+attention": {"layers": 1, "units_1": 16, "attention": True},
    "LSTM(16)x2": {"layers": 2, "units_1": 16, "units_2": 16},
}
COMMON = {"learning_rate": 3e-3, "dropout": 0.0, "attention": False, "transform": "log_diff"}


def dataset(settings: dict[str, Any]) -> Any:
    from lstm_tune.data.framing import frame, load_data

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.yaml"
        path.write_text(yaml.safe_dump(settings))
        spec = load_spec(path)
        return frame(spec.data_settings, load_data(spec.data_settings), "log_diff")


def epoch_times(params: dict[str, Any], data: Any, epochs: int, xla: bool) -> list[float]:
    """Seconds of each epoch of one fit (lstm_tune's training loop, no callbacks)."""
    import keras

    from lstm_tune.model.build import build_model
    from lstm_tune.model.train import EpochClock, batches, build_optimizer

    keras.utils.set_random_seed(0)
    model = build_model(params, data.window, len(data.channel_names), jit_compile=xla)
    build_optimizer(model)
    times: list[float] = []
    train = batches(data.train.x, data.train.y, int(params["batch_size"]), 0, xla)
    model.fit(train, epochs=epochs, verbose=0, callbacks=[EpochClock(times)])
    keras.backend.clear_session(free_memory=False)
    return times


def lstm_flops(units: int, channels: int, window: int, samples: int, directions: int = 1) -> float:
    """Floating-point operations of one training epoch of one LSTM layer: per step, the four
    gates' matrix product (2 x 4u x (u + c)) forward, twice that backward."""
    return 3 * directions * 2 * 4 * units * (units + channels) * window * samples


def matmul_gflops(rows: int, inner: int, cols: int, reps: int = 2000) -> float:
    """What the cores sustain on the LSTM's matrix product shape, (batch x (u + c)) @
    ((u + c) x 4u), in GFLOP/s: `reps` products inside one XLA-compiled loop, so no
    per-operation dispatch is counted. This is the compute bound's speed."""
    import tensorflow as tf

    a = tf.random.normal((rows, inner))
    b = tf.random.normal((inner, cols))

    @tf.function(jit_compile=True)
    def many(a: Any, b: Any) -> Any:
        def body(i: Any, acc: Any) -> Any:
            return i + 1, acc + tf.matmul(a + tf.cast(i, tf.float32) * 1e-9, b)

        return tf.while_loop(lambda i, _: i < reps, body, (0, tf.zeros((rows, cols))))[1]

    _ = many(a, b).numpy()  # compile
    start = time.perf_counter()
    _ = many(a, b).numpy()
    return 2 * rows * inner * cols * reps / (time.perf_counter() - start) / 1e9


def run(epochs: int = 6, repeats: int = 2, batch_sizes: tuple[int, ...] = (16, 64, 256),
        models: tuple[str, ...] = tuple(MODELS), airline: bool = True
        ) -> dict[str, list[dict[str, Any]]]:
    cases = {"weekly": dataset(WEEKLY), **({"airline": dataset(AIRLINE)} if airline else {})}
    # warm-up: TensorFlow's one-off start-up costs land on no variant
    epoch_times(MODELS["LSTM(16)"] | COMMON | {"batch_size": 256}, cases["weekly"], 1, False)
    first: dict[tuple, list[float]] = {}
    later: dict[tuple, list[float]] = {}
    for _ in range(repeats):
        for case, data in cases.items():
            for model in models:
                arch = MODELS[model]
                for batch in batch_sizes:
                    for xla in (False, True):  # interleaved: noise hits both alike
                        key = (case, model, batch, xla)
                        t = epoch_times(COMMON | arch | {"batch_size": batch}, data, epochs, xla)
                        first.setdefault(key, []).append(t[0])
                        later.setdefault(key, []).extend(t[1:])
    speed: dict[tuple[int, int, int], float] = {}
    rows = []
    for key in first:
        case, model, batch, xla = key
        data = cases[case]
        flops, bound = compute_bound(MODELS[model] | {"batch_size": batch}, data, speed)
        f, e = statistics.median(first[key]), statistics.median(later[key])
        plain = statistics.median(later[(case, model, batch, False)])
        plain_first = statistics.median(first[(case, model, batch, False)])
        rows.append({
            "data": f"{case} ({len(data.train)} windows x {data.window})", "model": model,
            "batch": batch, "XLA": "on" if xla else "off", "first epoch s": f,
            "later epochs s": e, "later vs XLA off": e / plain,
            "XLA pays after epochs": (f - plain_first) / (plain - e) if xla and plain > e
            else float("nan"),
            "compute bound s": bound, "later / bound": e / bound,
        })
    return {f"epoch speed ({epochs}-epoch fits, median of {repeats})": rows}


def layer_shapes(params: dict[str, Any], channels: int) -> list[tuple[int, int, int]]:
    """(units, inputs, directions) of each LSTM layer of a trial's model."""
    from lstm_tune.model.build import layer_units

    directions = 2 if params.get("bidirectional") else 1
    shapes, inputs = [], channels
    for units in layer_units(params):
        shapes.append((units, inputs, directions))
        inputs = directions * units
    return shapes


def compute_bound(params: dict[str, Any], data: Any, speed: dict[tuple[int, int, int], float],
                  reps: int = 2000) -> tuple[float, float]:
    """One epoch's LSTM arithmetic (FLOP) for these parameters, and the seconds it takes at
    the speed the cores sustain on each layer's matrix product (measured once per shape into
    `speed`)."""
    batch = int(params["batch_size"])
    flops = bound = 0.0
    for units, inputs, directions in layer_shapes(params, len(data.channel_names)):
        shape = (batch, units + inputs, 4 * units)
        if shape not in speed:
            speed[shape] = matmul_gflops(*shape, reps=reps)
        f = lstm_flops(units, inputs, data.window, len(data.train), directions)
        flops += f
        bound += f / (speed[shape] * 1e9)
    return flops, bound


def kept_study(study_file: Path) -> Any:
    """A study run before from this file (`--keep`), from the storage that holds it."""
    from lstm_tune.search.storage import load_study, with_default_storage

    # with no storage named, the default is the file (SQLite or journal) that already exists
    return load_study(with_default_storage(load_spec(study_file), 1))


def trial_bounds(study_file: Path) -> list[dict[str, Any]]:
    """Each completed trial of a recorded weekly study: its seconds per epoch (training time
    over epochs, so the first epoch and validation are in) against its compute bound: every
    layer's arithmetic (both directions; attention and the dense head add little) at the
    speed one thread sustains on that layer's matrix product (each of the study's workers
    had one thread). Run in a process whose TensorFlow has one thread."""
    import optuna

    study = kept_study(study_file)
    data = dataset(WEEKLY)
    speed: dict[tuple[int, int, int], float] = {}
    rows = []
    for t in study.get_trials(deepcopy=False):
        if t.state != optuna.trial.TrialState.COMPLETE or not t.user_attrs.get("epochs"):
            continue
        p = t.params
        batch = int(p["batch_size"])
        flops, bound = compute_bound(p, data, speed, reps=500)
        per_epoch = float(t.user_attrs["train_seconds"]) / int(t.user_attrs["epochs"])
        rows.append({"trial": t.number, "model": _describe(p), "batch": batch,
                     "XLA": "on" if t.user_attrs.get("xla") else "off",
                     "GFLOP per epoch": flops / 1e9, "s per epoch": per_epoch,
                     "compute bound s": bound, "ratio": per_epoch / bound})
    return rows


def first_epochs(study_file: Path, top: int = 8) -> list[dict[str, Any]]:
    """The trials of a recorded study with the slowest first epochs, beside their later
    epochs, their first batch (the trace, and XLA's compile) and the CPU seconds the worker
    spent in that epoch: far fewer CPU seconds than seconds means it waited, not computed."""
    import optuna

    rows = []
    for t in kept_study(study_file).get_trials(deepcopy=False):
        clock = t.user_attrs.get("epoch_seconds") or []
        if t.state == optuna.trial.TrialState.RUNNING or not clock:
            continue
        cpu = t.user_attrs.get("epoch_cpu_seconds") or [float("nan")]
        step = t.user_attrs.get("first_step_seconds") or [float("nan")]
        later = sorted(clock[1:])
        rows.append({"trial": t.number, "model": _describe(t.params),
                     "batch": int(t.params["batch_size"]),
                     "XLA": "on" if t.user_attrs.get("xla") else "off",
                     "first epoch s": clock[0], "its first batch s": step[0],
                     "its CPU s": cpu[0],
                     "later epochs s (median)": later[len(later) // 2] if later else None,
                     "started": t.datetime_start.strftime("%H:%M:%S")})
    return sorted(rows, key=lambda r: -r["first epoch s"])[:top]


def _describe(p: dict[str, Any]) -> str:
    from lstm_tune.model.build import layer_units

    name = "Bi" if p.get("bidirectional") else ""
    text = "+".join(f"{name}LSTM({u})" for u in layer_units(p))
    return text + ("+attention" if p.get("attention") else "")


SHIPPED_SPACE = {  # studies/airline.yaml's space, as a new user copies it
    "layers": {"low": 1, "high": 2}, "units": {"low": 8, "high": 64, "log": True},
    "learning_rate": {"low": 1.0e-4, "high": 3.0e-2, "log": True},
    "dropout": {"low": 0.0, "high": 0.3}, "batch_size": [8, 16, 32],
    "bidirectional": [False, True], "attention": [False, True],
    "transform": ["none", "log_diff", "log_seasonal_diff"],
}

# name -> (study-file changes, workers)
_TRAINING = {"max_epochs": 80, "patience": 10}
STUDY_VARIANTS: dict[str, tuple[dict[str, Any], int | None]] = {
    "before (XLA off, batch 8-32, 1 worker)": ({"training": {**_TRAINING, "xla": "off"}}, 1),
    "XLA auto": ({"training": {**_TRAINING, "xla": "auto"}}, 1),
    "XLA auto + batch_size auto": ({"training": {**_TRAINING, "xla": "auto"},
                                    "space": {**SHIPPED_SPACE, "batch_size": "auto"}}, 1),
    "XLA auto + batch_size auto, 2 workers": ({"training": {**_TRAINING, "xla": "auto"},
                                               "space": {**SHIPPED_SPACE, "batch_size": "auto"}},
                                              2),
    "... + successive halving (the new default pruner), 2 workers": (
        {"training": {**_TRAINING, "xla": "auto"}, "pruner": "successive_halving",
         "space": {**SHIPPED_SPACE, "batch_size": "auto"}}, 2),
    # None: no --workers, so `auto`, and batch_size auto now also drops batches of 32
    "... + batch sizes by speed, --workers auto (today's defaults)": (
        {"training": {**_TRAINING, "xla": "auto"}, "pruner": "successive_halving",
         "space": {**SHIPPED_SPACE, "batch_size": "auto"}}, None),
}


def study_run(name: str, trials: int, seed: int, folder: Path) -> dict[str, Any]:
    """One study of the weekly case through `lstm-tune run`, as a user runs it."""
    import json
    import os
    import subprocess
    import sys

    from lstm_tune.search.storage import load_study, with_default_storage

    changes, workers = STUDY_VARIANTS[name]
    work = folder / f"v{list(STUDY_VARIANTS).index(name)}_s{seed}"
    work.mkdir(parents=True)
    study = {**WEEKLY, "space": SHIPPED_SPACE, "strategy": "tpe", "pruner": "median",
             "seed": seed, "budget": {"trials": trials}, **changes}
    (work / "w.yaml").write_text(yaml.safe_dump(study))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    env.pop("LSTM_TUNE_WORKERS", None)
    flag = ["--workers", str(workers)] if workers else []
    done = subprocess.run([sys.executable, "-m", "lstm_tune.cli", "run", "w.yaml", *flag],
                          cwd=work, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    info = json.loads(subprocess.run([sys.executable, "-m", "lstm_tune.cli", "summary", "w.yaml",
                                      "--json"], cwd=work, env=env, capture_output=True,
                                     text=True, check=True).stdout)
    spec = load_spec(work / "w.yaml")
    trials_done = load_study(with_default_storage(spec, 1)).get_trials(deepcopy=False)
    epochs = sum(int(t.user_attrs.get("epochs", 0)) for t in trials_done)
    # training seconds are recorded on completed trials only: their epochs are the divisor
    timed = [t for t in trials_done if "train_seconds" in t.user_attrs]
    train_s = sum(float(t.user_attrs["train_seconds"]) for t in timed)
    timed_epochs = sum(int(t.user_attrs.get("epochs", 0)) for t in timed)
    ev = info.get("evaluation") or {}
    return {"variant": name, "seed": seed, "trials": len(trials_done), "wall s": wall,
            "trials per minute": 60 * len(trials_done) / wall, "epochs": epochs,
            "trial s": sum(float(t.user_attrs.get("duration_s", 0.0)) for t in trials_done),
            "s per epoch": train_s / max(timed_epochs, 1),
            "best validation RMSE": (info.get("best_trial") or {}).get("value", float("nan")),
            "test RMSE": (ev.get("test") or {}).get("rmse", float("nan"))}


def studies(trials: int, seeds: int, variants: list[str] | None = None,
            keep: Path | None = None, first_seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """`keep`: a folder that keeps every study (its storage holds the learning curves that
    benchmarks/pruning.py replays); otherwise they are deleted."""
    chosen = variants or list(STUDY_VARIANTS)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # seed-major: a slow spell of the machine hits every variant
        for seed in range(first_seed, first_seed + seeds):
            for name in chosen:
                rows.append(study_run(name, trials, seed, keep or Path(tmp)))
                print(rows[-1], flush=True)
    summary = []
    for name in chosen:
        mine = [r for r in rows if r["variant"] == name]
        tests = [r["test RMSE"] for r in mine]
        summary.append({"variant": name, "seeds": len(mine),
                        **{k: float(np.median([r[k] for r in mine])) for k in
                           ("wall s", "trials per minute", "trial s", "s per epoch", "epochs",
                            "best validation RMSE", "test RMSE")},
                        "test RMSE range": f"{min(tests):.2f}-{max(tests):.2f}"})
    return {f"weekly studies ({trials} TPE trials, medians over seeds)": summary,
            "weekly studies (every run)": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--trials", type=int, default=30, help="trials per study (0: no studies)")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds run from this one")
    ap.add_argument("--skip-epochs", action="store_true", help="only the studies table")
    ap.add_argument("--smoke", action="store_true",
                    help="only check that it runs: one model, one batch size, 2 epochs")
    ap.add_argument("--models", default=",".join(MODELS),
                    help=f"comma-separated models of the epoch table: {', '.join(MODELS)}")
    ap.add_argument("--batch-sizes", default="16,64,256")
    ap.add_argument("--keep", type=Path, help="keep the studies in this folder")
    ap.add_argument("--bounds-of", type=Path, help="only this: each completed trial of a "
                    "kept weekly study file against its compute bound (one thread)")
    ap.add_argument("--first-epochs-of", type=Path, help="only this: the trials of a kept "
                    "weekly study file with the slowest first epochs, and where that time went")
    ap.add_argument("--variants", default="", help="comma-separated study variants, by "
                    "their position (0 = before); default all")
    args = ap.parse_args()
    from benchmarks.table import markdown

    if args.first_epochs_of:
        from lstm_tune.quiet import import_tensorflow

        import_tensorflow()  # the storage's modules import it: without its notices
        print(f"## the slowest first epochs\n\n{markdown(first_epochs(args.first_epochs_of))}")
        return
    if args.bounds_of:
        from lstm_tune.search.worker import configure_tensorflow

        configure_tensorflow(1, False)
        rows = trial_bounds(args.bounds_of)
        ratios = sorted(r["ratio"] for r in rows)
        print(f"## seconds per epoch against the compute bound, one thread\n\n"
              f"{markdown(rows)}\n\nmedian ratio {statistics.median(ratios):.2f}")
        return
    if args.smoke:
        tables = run(2, 1, (64,), ("LSTM(16)",), airline=False)
    else:
        models = tuple(m.strip() for m in args.models.split(",") if m.strip())
        if unknown := [m for m in models if m not in MODELS]:
            ap.error(f"unknown models {unknown}: choose from {', '.join(MODELS)}")
        sizes = tuple(int(b) for b in args.batch_sizes.split(","))
        tables = {} if args.skip_epochs else run(args.epochs, args.repeats, sizes, models)
    for title, rows in tables.items():
        print(f"## {title}\n\n{markdown(rows)}\n", flush=True)
    if args.trials:
        names = list(STUDY_VARIANTS)
        chosen = [names[int(i)] for i in args.variants.split(",") if i.strip()] or None
        for title, rows in studies(args.trials, args.seeds, chosen, args.keep,
                                   args.first_seed).items():
            print(f"## {title}\n\n{markdown(rows)}\n", flush=True)


if __name__ == "__main__":
    main()
