"""A classifier combined with a linear model (`final.combine` for sequences and texts): the
weight chosen on validation log loss, the test probabilities the weighted mean of the
LSTM's and an independently fitted scikit-learn logistic regression's, and a predictor
that predicts as the evaluation did."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lstm_tune.data.framing import frame, load_data
from lstm_tune.evaluate.evaluation import evaluate_study
from lstm_tune.predictor import load_predictor

from tests.searched import searched, variant

TINY = {"layers": 1, "units": 4, "learning_rate": 1.0e-2, "dropout": 0.0, "batch_size": 16}
CASES = {
    "sequences": {"data": {"builtin": "gunpoint"}, "split": {"validation": 0.2, "folds": 2},
                  "space": {**TINY, "pool": 6}},
    "texts": {"data": {"csv": "reviews.csv", "text": "review", "target": "sentiment"},
              "split": {"validation": 0.2, "test": 0.25},
              "space": {**TINY, "embedding_dim": 4, "vocab_size": 200, "max_length": 12,
                        "word_dropout": 0.0}},
}


def sklearn_proba(data, kind: str) -> np.ndarray:
    """scikit-learn's own logistic regression, fitted on the training and validation parts,
    on the test part: TF-IDF of words and word pairs, or the flattened scaled sequence."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    seen = [data.train, data.val]
    labels = np.concatenate([data.actual(s) for s in seen])
    if kind == "texts":
        model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                              LogisticRegression(max_iter=2000))
        model.fit(data.raw_samples(np.concatenate([s.target_idx for s in seen])), labels)
        found = model.predict_proba(data.raw_samples(data.test.target_idx))
    else:
        model = LogisticRegression(max_iter=2000)
        model.fit(np.concatenate([s.x.reshape(len(s), -1) for s in seen]), labels)
        found = model.predict_proba(data.test.x.reshape(len(data.test), -1))
    order = [list(model.classes_).index(c) for c in data.classes]
    return found[:, order]


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(CASES))
def test_a_classifier_is_combined_with_a_logistic_regression(tmp_path, kind):
    from lstm_tune.data.builtin import BUILTINS

    BUILTINS["reviews"].load().head(600).to_csv(tmp_path / "reviews.csv", index=False)
    study = {"name": f"mix_{kind}", "task": "classify", **CASES[kind], "seed": 2,
             "training": {"max_epochs": 3, "patience": 2}, "budget": {"trials": 2}}
    spec, _ = searched(tmp_path, study, trials=2)
    alone = evaluate_study(spec, variant(tmp_path, study, "alone")[1])
    spec, opened = variant(tmp_path, study, "mixed", final={"combine": True})
    result = evaluate_study(spec, opened)
    mix = result.final["combination"]
    assert mix["criterion"] == "log_loss" and 0.0 <= mix["weight"] <= 1.0
    assert mix["name"] == ("tfidf_logistic" if kind == "texts" else "logistic_regression")
    # the LSTM keeps at least half (combine.py says why)
    assert set(mix["curve"]) == {f"{w:.2f}" for w in np.linspace(0.5, 1.0, 11)}
    assert mix["folds"] == spec.split.folds
    assert mix["weight"] == float(min(mix["curve"], key=lambda w: (mix["curve"][w], -float(w))))
    # the test probabilities: w x the LSTM's + (1 - w) x scikit-learn's logistic regression
    data = frame(spec.data_settings, load_data(spec.data_settings),
                 {**TINY, **CASES[kind]["space"]})
    lstm = np.asarray(alone.predictions["test"]["probabilities"])
    linear = sklearn_proba(data, kind)
    mixed = np.asarray(result.predictions["test"]["probabilities"])
    np.testing.assert_allclose(mixed, mix["weight"] * lstm + (1 - mix["weight"]) * linear,
                               atol=2e-3)  # float32 inputs, lbfgs tolerance
    assert result.components["without the combination"]["accuracy"] == alone.test["accuracy"]
    assert result.baselines[mix["name"]]["accuracy"] == pytest.approx(float(np.mean(
        np.asarray(data.classes)[linear.argmax(axis=1)] == data.actual(data.test))))
    assert f"{1 - mix['weight']:.2f} x {mix['name']}" in result.model
    # the report names the linear classifier, its weight and the LSTM alone
    if kind == "texts":
        from lstm_tune.report.render import render_study_report
        from tests.browser import open_page

        spec = spec.model_copy(update={"report_dir": str(tmp_path / "reports")})
        page = open_page(render_study_report(spec, opened, result,
                                             load_data(spec.data_settings)))
        assert page.broken_images == 0 and page.console_errors == []
        for words in ("averages the LSTM's class probabilities", "tfidf_logistic",
                      "without the combination", "by validation log loss"):
            assert words in page.text, words
    # the exported predictor predicts the raw test samples as the evaluation did
    from lstm_tune.api import Study

    saved = Study(spec).predictor().save(tmp_path / "export")
    manifest = json.loads((Path(saved) / "manifest.json").read_text())
    assert manifest["combination"] == {
        "probabilities": f"{mix['weight']:.2f} x the LSTM + {1 - mix['weight']:.2f} x "
                         f"{mix['name']}", "weight": mix["weight"],
        "linear_classifier": mix["name"]}
    loaded = load_predictor(saved)
    np.testing.assert_allclose(loaded.proba(data.raw_samples(data.test.target_idx)),
                               mixed, atol=1e-6)
