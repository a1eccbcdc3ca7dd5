"""Explanation speed on the airline study: SHAP (the explain layer's GradientExplainer vs
KernelExplainer), LIME, and the whole `lstm-tune explain` command, per 100 windows.

    python -m benchmarks.explain_speed [--windows 100] [--kernel-windows 5]

KernelExplainer is slow, so it is timed on a few windows and scaled to 100 (said in the table).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

AIRLINE = {
    "name": "airline_explain", "data": {"builtin": "airline"},
    "space": {"layers": 1, "units": 32, "learning_rate": 0.005, "dropout": 0.0,
              "batch_size": 16, "attention": True, "transform": "log_diff"},
    "training": {"max_epochs": 60, "patience": 10}, "budget": {"trials": 1}, "pruner": "none",
}


def run(n_windows: int = 100, kernel_windows: int = 5, max_epochs: int | None = None,
        kernel_samples: int = 500) -> list[dict[str, object]]:
    """`max_epochs` and `kernel_samples` lower than the study's and 500 only for a smoke run
    (its timings then say nothing)."""
    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        study = Path(tmp) / "airline_explain.yaml"
        training = AIRLINE["training"] if max_epochs is None else {
            "max_epochs": max_epochs, "patience": max_epochs}
        study.write_text(yaml.safe_dump({**AIRLINE, "training": training}))
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        cli = [sys.executable, "-m", "lstm_tune.cli"]
        subprocess.run([*cli, "run", str(study), "--no-report"], cwd=tmp, env=env, check=True,
                       capture_output=True)

        import optuna
        import shap

        from lstm_tune.data.framing import load_data
        from lstm_tune.data.framing import frame
        from lstm_tune.data.framings import framing_of
        from lstm_tune.explain.context import ExplainContext
        from lstm_tune.explain.lime_explainer import explain_lime
        from lstm_tune.explain.shap_explainer import explain_shap
        from lstm_tune.records.trials import best_trial, load_trial_model, trial_params
        from lstm_tune.search.storage import load_study
        from lstm_tune.spec import load_spec

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        spec = load_spec(study)
        st = load_study(spec)
        trial = best_trial(spec, st)
        data = frame(spec.data_settings, load_data(spec.data_settings), trial_params(spec, trial)["transform"])
        ctx = ExplainContext(load_trial_model(spec, trial), data, seed=0)
        x = framing_of(data).explained(data, n_windows).x
        n = len(x)
        explain_shap(ctx, x[:2])  # warm-up: graph tracing is a one-off cost

        start = time.perf_counter()
        explain_shap(ctx, x)
        rows.append(("SHAP GradientExplainer (used)", f"{n} windows", time.perf_counter() - start))

        start = time.perf_counter()
        explain_lime(ctx, x)
        rows.append(("LIME RecurrentTabularExplainer (used)", f"{n} windows", time.perf_counter() - start))

        k = min(kernel_windows, n)
        flat_bg = shap.kmeans(ctx.background().reshape(len(ctx.background()), -1), 10)
        shape = x.shape[1:]
        kernel = shap.KernelExplainer(
            lambda f: ctx.output(f.reshape((-1, *shape))), flat_bg)
        start = time.perf_counter()
        kernel.shap_values(x[:k].reshape(k, -1), nsamples=kernel_samples, silent=True)
        seconds = time.perf_counter() - start
        rows.append((f"SHAP KernelExplainer ({kernel_samples} samples, 10 k-means background)",
                     f"{k} windows, scaled to {n}", seconds * n / k))

        start = time.perf_counter()
        out = subprocess.run([*cli, "explain", str(study), "--samples", str(n)], cwd=tmp, env=env,
                             capture_output=True, text=True)
        total = time.perf_counter() - start
        if out.returncode != 0:
            raise SystemExit(out.stderr[-2000:])
        rows.append(("lstm-tune explain (whole command, incl. TF import)", f"{n} windows", total))

    return [{"what": w, "measured on": on, "seconds": round(sec, 1)} for w, on, sec in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--windows", type=int, default=100)
    ap.add_argument("--kernel-windows", type=int, default=5)
    args = ap.parse_args()
    from benchmarks.table import markdown

    print(markdown(run(args.windows, args.kernel_windows)))


if __name__ == "__main__":
    main()
