"""`lstm-tune explain` end to end on the synthetic task: figures, faithfulness, the report in
headless Chromium, and the note and artifacts that optuna-dashboard shows."""

from __future__ import annotations

import json

import optuna
import pytest
import yaml
from optuna.artifacts import get_all_artifact_meta

from tests.browser import open_page
from tests.conftest import run_cli
from tests.explain.conftest import SYNTHETIC

pytestmark = pytest.mark.slow


def test_explain_writes_a_faithful_report_and_attaches_it(tmp_path):
    # patience 7 keeps the model of patience 15 (best epoch 30, validation RMSE 0.119) and
    # stops 8 epochs sooner
    study = {**SYNTHETIC, "training": {"max_epochs": 100, "patience": 7},
             "budget": {"trials": 1}, "pruner": "none"}
    (tmp_path / "syn.yaml").write_text(yaml.safe_dump(study))
    assert run_cli("run", "syn.yaml", cwd=tmp_path).returncode == 0
    result = run_cli("explain", "syn.yaml", "--samples", "40", "--json", cwd=tmp_path,
                     process=True)  # its own process: TensorFlow's noise below
    assert result.returncode == 0, result.stderr[-3000:]
    printed = json.loads(result.stdout)  # --json prints the figures that explain.json holds
    assert printed == json.loads((tmp_path / "reports" / "synthetic" / "explain.json").read_text())
    assert printed["windows"] == 40
    figures = printed["explainers"]
    assert set(figures) == {"shap", "lime", "attention"}
    for name in ("shap", "lime"):  # the task's truth is known: mass and signs must match it
        assert figures[name]["informative_share"] >= 0.9, figures[name]
        assert figures[name]["sign_agreement"]["worst"] >= 0.95, figures[name]
        assert figures[name]["sign_agreement"]["correlation"] > 0.9, figures[name]
    assert figures["attention"]["sign_agreement"] is None  # weights have no sign
    # expected gradients are sampled: the same windows again with the next seed agree
    stability = figures["shap"]["stability"]
    assert stability["seeds"] == [0, 1] and stability["windows"] == 40, stability
    assert stability["mean"] >= 0.9 and stability["min"] <= stability["mean"], stability
    assert figures["lime"]["stability"] is None
    assert set(figures["shap"]["agreement"]) == {"lime", "attention"}
    for noise in ("CUDA", "cuInit", "E0000"):
        assert noise not in result.stderr, result.stderr

    page = open_page(tmp_path / "reports" / "synthetic" / "explain.html")
    assert page.broken_images == 0 and page.images >= 6 and page.console_errors == []
    for words in ("SHAP GradientExplainer", "LIME RecurrentTabularExplainer", "Deletion area",
                  "Mass on informative cells", "x0 at t-1", "Sign agreement",
                  "Agreement where the mass is", "so they read like SHAP's",
                  "One window, step by step", "base value", "pushes it"):
        assert words in page.text, words
    index = (tmp_path / "reports" / "synthetic" / "index.html").read_text()
    assert 'href="explain.html"' in index
    assert "<!-- explain-link -->" in index  # linked in place (report.explain_page.link_explanation)

    storage = optuna.storages.RDBStorage(f"sqlite:///{tmp_path / 'synthetic.db'}")
    st = optuna.load_study(study_name="synthetic", storage=storage)
    names = {m.filename for m in get_all_artifact_meta(st)}
    assert {"trial0_explain.html", "trial0_explain_deletion.png",
            "trial0_explain_global_shap.png"} <= names
    notes = [v for k, v in st._storage.get_study_system_attrs(st._study_id).items()
             if k.startswith("dashboard:") and "note" in k and isinstance(v, str)]
    assert any("Explanation of trial 0" in v for v in notes)

    bad = run_cli("explain", "syn.yaml", "--trial", "7", cwd=tmp_path)
    assert bad.returncode == 2 and "has no trial 7" in bad.stderr
    bad = run_cli("explain", "syn.yaml", "--methods", "shap,grad-cam", cwd=tmp_path)
    assert bad.returncode == 2 and "--methods" in bad.stderr
