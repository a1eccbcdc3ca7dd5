"""Explaining texts: seconds per 100 texts for SHAP (Partition explainer, Text masker), LIME
(LimeTextExplainer) and attention, their faithfulness on the built-in reviews, and the
whole `lstm-tune explain` command; beside it, the model's test accuracy and the baselines'.

    python -m benchmarks.explain_texts [--texts 100] [--study studies/reviews.yaml]
    python -m benchmarks.explain_texts --ablation   # how words are masked, word dropout

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


ABLATION = (  # (what, word_dropout, attention, masked word reads as)
    ("masked as unknown, word dropout 0.25, attention (used)", 0.25, True, "unknown"),
    ("masked as unknown, word dropout 0.25, no attention", 0.25, False, "unknown"),
    ("masked as unknown, no word dropout, attention", 0.0, True, "unknown"),
    ("deleted (padding), no word dropout, attention", 0.0, True, "padding"),
)


def ablation(texts: int = 100) -> list[dict[str, Any]]:
    """One model per variant (the same seed and space), SHAP and LIME on the same test
    texts: how much of their mass lands on the deciding words."""
    from lstm_tune.data.framing import frame, load_data
    from lstm_tune.data.settings import DataSettings
    from lstm_tune.data.tokens import PAD, UNKNOWN
    from lstm_tune.explain import words
    from lstm_tune.explain.context import ExplainContext
    from lstm_tune.explain.run import explain_model
    from lstm_tune.train import fit

    settings = DataSettings(source="ablation", task="classify", builtin="reviews",
                            validation=0.15, test=0.2)
    loaded = load_data(settings)
    rows = []
    for what, dropout, attention, mask in ABLATION:
        params = {"layers": 1, "units_1": 16, "embedding_dim": 16, "learning_rate": 0.01,
                  "dropout": 0.0, "batch_size": 32, "bidirectional": False,
                  "attention": attention, "transform": "none", "pool": 1, "vocab_size": 1000,
                  "max_length": 100, "word_dropout": dropout}
        data = frame(settings, loaded, params)
        result = fit(params, data, 40, 8, seed=0)
        x, idx = data.test.x[:texts], data.test.target_idx[:texts]
        words.MASK_ID = PAD if mask == "padding" else UNKNOWN
        try:
            ctx = ExplainContext(result.model, data, seed=0, cache={}, sample_idx=idx)
            _, faith, _, _ = explain_model(ctx, x, [], ("shap", "lime"), 1)
        finally:
            words.MASK_ID = UNKNOWN
        rows.append({"variant": what, "val accuracy": round(result.value, 3),
                     **{f"{k} mass on deciding words": round(f.informative_share, 3)
                        for k, f in faith.items()},
                     **{f"{k} signs right": round(f.signs.worst, 3) for k, f in faith.items()}})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=100)
    ap.add_argument("--study", default=None, help="a study file already run (default: train "
                    "one model of the shipped space)")
    ap.add_argument("--ablation", action="store_true", help="compare how words are masked "
                    "and word dropout instead")
    args = ap.parse_args()
    from benchmarks.table import markdown

    if args.ablation:
        print(markdown(ablation(args.texts)))
        return

    tables = run(args.texts, args.study)
    print(markdown(tables["accuracy"]))
    print()
    print(markdown(tables["explain"]))


if __name__ == "__main__":
    main()
