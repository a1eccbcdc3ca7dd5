"""Explaining texts: seconds per 100 texts for SHAP (Partition explainer, Text masker), LIME
(LimeTextExplainer) and attention, their faithfulness on the built-in reviews, and the
whole `lstm-tune explain` command; beside it, the model's test accuracy and the baselines'.

    python -m benchmarks.explain_texts [--texts 100] [--study studies/reviews.yaml]
    python -m benchmarks.explain_texts --ablation   # how words are masked, word dropout
    python -m benchmarks.explain_texts --rates      # word dropout's rate, over seeds
    python -m benchmarks.explain_texts --corpus     # the built-in corpus's size, over seeds
    python -m benchmarks.explain_texts --each-trial studies/reviews.yaml   # after a run

By default one model is trained, of the configuration the shipped study kept (fixed below;
1 trial, so another seed than the study's); `--study` explains the best trial of a study
already run.
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

# the configuration the shipped study kept in its default runs (README, "Classifying texts");
# batch 256 is what its `batch_size: auto` gives the 13,000 training texts
REVIEWS = {
    "name": "reviews_explain", "task": "classify", "data": {"builtin": "reviews"},
    "split": {"validation": 0.15, "test": 0.2},
    "space": {"layers": 1, "units": 9, "embedding_dim": 25, "learning_rate": 0.027,
              "dropout": 0.0, "batch_size": 256, "attention": True, "vocab_size": 20000,
              "max_length": 300},
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
SMALL = {"units_1": 16, "embedding_dim": 16, "learning_rate": 0.01, "batch_size": 32,
         "vocab_size": 1000, "max_length": 100}
# the configuration the shipped study chose on one run with the lowest share on the deciding
# words (its trial #6: SHAP 89.9%, LIME 89.6%): the largest of its space, the fastest rate
LARGE = {"units_1": 32, "embedding_dim": 28, "learning_rate": 0.022, "batch_size": 64,
         "vocab_size": 20000, "max_length": 300}


def _faithfulness(size: dict[str, Any], word_dropout: float, attention: bool, seed: int,
                  texts: int) -> tuple[float, dict[str, Any]]:
    """Train one model of the reviews space (its validation accuracy) and measure SHAP's
    and LIME's faithfulness on the first `texts` test texts."""
    from lstm_tune.quiet import import_tensorflow

    import_tensorflow()  # without TensorFlow's start-up notices on stderr
    from lstm_tune.data.framing import frame, load_data
    from lstm_tune.data.settings import DataSettings
    from lstm_tune.explain.context import ExplainContext
    from lstm_tune.explain.run import explain_model
    from lstm_tune.model.train import fit

    settings = DataSettings(source="ablation", task="classify", builtin="reviews",
                            validation=0.15, test=0.2)
    params = {"layers": 1, "dropout": 0.0, "bidirectional": False, "attention": attention,
              "transform": "none", "pool": 1, "word_dropout": word_dropout, **size}
    data = frame(settings, load_data(settings), params)
    result = fit(params, data, 40, 8, seed=seed)
    x, idx = data.test.x[:texts], data.test.target_idx[:texts]
    ctx = ExplainContext(result.model, data, seed=0, cache={}, sample_idx=idx)
    _, faith, _, _ = explain_model(ctx, x, [], ("shap", "lime"), 1)
    return result.value, faith


def ablation(texts: int = 100) -> list[dict[str, Any]]:
    """One model per variant (the same seed and space), SHAP and LIME on the same test
    texts: how much of their mass lands on the deciding words."""
    from lstm_tune.data.tokens import PAD, UNKNOWN
    from lstm_tune.explain import words

    rows = []
    for what, dropout, attention, mask in ABLATION:
        words.MASK_ID = PAD if mask == "padding" else UNKNOWN
        try:
            value, faith = _faithfulness(SMALL, dropout, attention, 0, texts)
        finally:
            words.MASK_ID = UNKNOWN
        rows.append({"variant": what, "val accuracy": round(value, 3),
                     **{f"{k} mass on deciding words": round(f.informative_share, 3)
                        for k, f in faith.items()},
                     **{f"{k} signs right": round(f.signs.worst, 3) for k, f in faith.items()}})
    return rows


def rates(texts: int = 60, seeds: tuple[int, ...] = (0, 1, 2, 3),
          values: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75)) -> list[dict[str, Any]]:
    """Word dropout's rate against the share of SHAP's and LIME's mass on the deciding
    words, one model per rate and seed (the shipped space's largest configuration): how
    much the share moves from one training run to the next, beside the rate's effect."""
    rows = []
    for rate in values:
        shares: dict[str, list[str]] = {"shap": [], "lime": []}
        worst = 1.0
        for seed in seeds:
            _, faith = _faithfulness(LARGE, rate, True, seed, texts)
            for name, f in faith.items():
                shares[name].append(f"{100 * f.informative_share:.1f}")
                worst = min(worst, f.signs.worst)
        rows.append({"word dropout": rate, "seeds": ", ".join(map(str, seeds)),
                     "SHAP on the deciding words (%)": " / ".join(shares["shap"]),
                     "LIME (%)": " / ".join(shares["lime"]), "signs right (worst)": worst})
    return rows


# the shipped space's slowest learning rate, at SMALL's size: its models leaned on filler
# words the most on the 4,000-text corpus
SLOW = {**SMALL, "learning_rate": 0.004}


def corpus(texts: int = 60, sizes: tuple[int, ...] = (4000, 12000, 20000),
           seeds: tuple[int, ...] = (0, 1, 2)) -> list[dict[str, Any]]:
    """The built-in corpus's size against the share of SHAP's and LIME's mass on the
    deciding words: one model per size, configuration and seed (word dropout 0.25). Fewer
    texts let a model fit the labels of texts whose adjective was masked from their filler
    words; the explainers see that."""
    import lstm_tune.data.builtin as builtin

    rows = []
    shipped = builtin.REVIEWS
    try:
        for size in sizes:
            builtin.REVIEWS = size
            for what, config in (("learning rate 0.004, 16 units", SLOW),
                                 ("learning rate 0.022, 32 units", LARGE)):
                shares: dict[str, list[str]] = {"shap": [], "lime": []}
                for seed in seeds:
                    _, faith = _faithfulness(config, 0.25, True, seed, texts)
                    for name, f in faith.items():
                        shares[name].append(f"{100 * f.informative_share:.1f}")
                rows.append({"texts": size, "configuration": what,
                             "seeds": ", ".join(map(str, seeds)),
                             "SHAP on the deciding words (%)": " / ".join(shares["shap"]),
                             "LIME (%)": " / ".join(shares["lime"])})
                print(rows[-1], flush=True)
    finally:
        builtin.REVIEWS = shipped
    return rows


def each_trial(study_file: Path, texts: int = 60) -> list[dict[str, Any]]:
    """Every trial of a study already run, trained again as the study trained it (its
    parameters, seed = the study's seed + the trial's number) and explained alone: which
    model a run keeps decides its figures, and this shows every model it could have kept."""
    from lstm_tune.quiet import import_tensorflow

    import_tensorflow()
    from lstm_tune.data.framing import frame, load_data
    from lstm_tune.explain.context import ExplainContext
    from lstm_tune.explain.run import explain_model
    from lstm_tune.records.attrs import PARAMS_ATTR, TIE_ATTR
    from lstm_tune.records.trials import best_trial
    from lstm_tune.search.storage import load_study, with_default_storage
    from lstm_tune.spec import load_spec
    from lstm_tune.model.train import fit

    spec = load_spec(study_file)
    study = load_study(with_default_storage(spec, 1))  # whichever storage the run made
    table = load_data(spec.data_settings)
    best = best_trial(spec, study).number  # ties broken as the run broke them
    rows = []
    for t in study.get_trials(deepcopy=False):
        if t.state.name != "COMPLETE":
            continue
        p = t.user_attrs[PARAMS_ATTR]
        data = frame(spec.data_settings, table, p)
        result = fit(p, data, spec.training.max_epochs, spec.training.patience,
                     seed=spec.seed + t.number)
        idx = data.test.target_idx[:texts]
        ctx = ExplainContext(result.model, data, seed=0, cache={}, sample_idx=idx)
        _, faith, _, _ = explain_model(ctx, data.test.x[:texts], [], ("shap", "lime"), 1)
        rows.append({"trial": f"#{t.number}" + (" (kept)" if t.number == best else ""),
                     "learning rate": round(float(p["learning_rate"]), 4),
                     "units": p.get("units_1", p.get("units")),
                     "embedding": p["embedding_dim"], "batch": p["batch_size"],
                     "validation cross-entropy": t.user_attrs.get(TIE_ATTR),
                     "trained again: validation": round(result.value, 4),
                     **{f"{k.upper()} on the deciding words (%)":
                        round(100 * f.informative_share, 1) for k, f in faith.items()},
                     "signs right (worst)": min(f.signs.worst for f in faith.values())})
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=int, default=None, help="texts explained (default: 100, "
                    "60 with --rates)")
    ap.add_argument("--study", default=None, help="a study file already run (default: train "
                    "one model of the shipped space)")
    ap.add_argument("--ablation", action="store_true", help="compare how words are masked "
                    "and word dropout instead")
    ap.add_argument("--rates", action="store_true", help="word dropout's rate over four "
                    "seeds instead (60 texts unless --texts)")
    ap.add_argument("--corpus", action="store_true", help="the built-in corpus's size (4,000, "
                    "12,000, 20,000 texts) over three seeds instead (60 texts unless --texts)")
    ap.add_argument("--each-trial", type=Path, default=None, help="a study file already run: "
                    "every completed trial trained again and explained alone instead")
    args = ap.parse_args()
    from benchmarks.table import markdown

    if args.each_trial:
        print(markdown(each_trial(args.each_trial, args.texts or 60)))
        return
    if args.corpus:
        print(markdown(corpus(args.texts or 60)))
        return
    if args.rates:
        print(markdown(rates(args.texts or 60)))
        return
    if args.ablation:
        print(markdown(ablation(args.texts or 100)))
        return

    tables = run(args.texts or 100, args.study)
    print(markdown(tables["accuracy"]))
    print()
    print(markdown(tables["explain"]))


if __name__ == "__main__":
    main()
