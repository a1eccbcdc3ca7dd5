"""Explaining texts: seconds per 100 texts for SHAP (Partition explainer, Text masker), LIME
(LimeTextExplainer) and attention, their faithfulness on the built-in reviews, and the
whole `lstm-tune explain` command; beside it, the model's test accuracy and the baselines'.

    python -m benchmarks.explain_texts [--texts 100] [--study studies/reviews.yaml]

By default one model of the shipped study's space is trained (1 trial, its first
configuration fixed below); `--study` explains the best trial of a study already run.
SHAP's first call in a process compiles its numba helpers (about 15-20 s here), which the
whole command's time includes and the per-explainer seconds say separately.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REVIEWS = {
    "name": "reviews_explain", "task": "classify", "data": {"builtin": "reviews"},
    "split": {"validation": 0.15, "test": 0.2},
    "space": {"layers": 1, "units": 16, "embedding_dim": 16, "learning_rate": 0.01,
              "dropout": 0.0, "batch_size": 32, "attention": True},
    "training": {"max_epochs": 40, "patience": 8}, "budget": {"trials": 1}, "pruner": "none",
}


def _cli(*args: str, cwd: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run([sys.executable, "-m", "lstm_tune.cli", *args], cwd=cwd, env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return out


def run(texts: int = 100, study: str | None = None, spec: dict | None = None
        ) -> dict[str, list[dict[str, Any]]]:
    with tempfile.TemporaryDirectory() as tmp:
        if study is None:
            path = Path(tmp) / "reviews_explain.yaml"
            path.write_text(yaml.safe_dump(spec or REVIEWS))
            _cli("run", str(path), cwd=tmp)  # with its report: the test figures
        else:
            path = Path(study).resolve()
        start = time.perf_counter()
        _cli("explain", str(path), "--samples", str(texts), cwd=tmp)
        total = time.perf_counter() - start
        # the command runs in tmp, so a relative report_dir puts the report there
        report = Path(tmp) / "reports" / yaml.safe_load(path.read_text())["name"]
        found = json.loads((report / "explain.json").read_text())
        summary = json.loads(_cli("summary", str(path), "--json", cwd=tmp).stdout)
    rows = []
    for name, e in found["explainers"].items():
        signs = e["sign_agreement"]
        rows.append({"explainer": name, "texts": found["windows"],
                     "mass on deciding words": e["informative_share"],
                     "deciding words push the right way": None if signs is None
                     else signs["worst"],
                     "deletion ratio vs random": e["deletion_ratio"],
                     "seconds": e["seconds"]})
    rows.append({"explainer": "lstm-tune explain (whole command: TF import, SHAP's numba "
                 "compile, every class's SHAP, report)", "texts": found["windows"],
                 "seconds": round(total, 1)})
    evaluation = summary["evaluation"]
    keys = ("accuracy", "balanced_accuracy", "macro_f1")
    accuracy = [{"model": f"LSTM (trial #{evaluation['trial']})",
                 **{k: evaluation["test"][k] for k in keys}}]
    accuracy += [{"model": name, **{k: v[k] for k in keys}}
                 for name, v in evaluation["baselines"].items()]
    return {"explain": rows, "accuracy": accuracy}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=100)
    ap.add_argument("--study", default=None, help="a study file already run (default: train "
                    "one model of the shipped space)")
    args = ap.parse_args()
    from benchmarks.table import markdown

    tables = run(args.texts, args.study)
    print(markdown(tables["accuracy"]))
    print()
    print(markdown(tables["explain"]))


if __name__ == "__main__":
    main()
