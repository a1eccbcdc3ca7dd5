"""The Python API: the README's example runs as written, and a study built in Python is the
same study for the commands."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.browser import open_page
from tests.conftest import run_cli

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- api-example -->\n```python\n(.*?)```", text, re.S)
    assert match, "the README lost its API example"
    return match.group(1)


def test_readme_example_runs(tmp_path, monkeypatch):
    """As a user runs it: saved as a script, with no `if __name__ == "__main__":` guard, so
    its top level must run once (the workers do not import it again)."""
    (tmp_path / "example.py").write_text(readme_example(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith("MIN_LOG_LEVEL")}
    script = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=900, env=env)
    assert script.returncode == 0, script.stderr[-3000:]
    for noise in ("cuInit", "I0000", "E0000", "absl::InitializeLog"):  # TF's C++ start-up
        assert noise not in script.stderr, script.stderr
    assert "A new study created" not in script.stderr  # Optuna's line beside the ones below
    # each trial as it finishes, as `lstm-tune run` prints them (stdout stays the script's)
    assert re.search(r"^updown: trial 0: (complete|pruned at epoch \d+), validation accuracy",
                     script.stderr, re.M), script.stderr
    lines = script.stdout.splitlines()
    assert sum(line.startswith("{'accuracy':") for line in lines) == 1, lines  # the test figures
    assert lines[-1] == str(Path("reports", "updown", "explain.html")), lines
    monkeypatch.chdir(tmp_path)
    from lstm_tune import Study

    study = Study.from_yaml("updown/updown.yaml")
    X = np.random.default_rng(0).standard_normal((160, 10, 2))  # the example's inputs
    ev = study.evaluation
    assert list(ev.test)[:3] == ["accuracy", "balanced_accuracy", "macro_f1"]
    assert ev.test["accuracy"] >= 0.8, ev.test  # the class is the sign of one cell
    assert set(ev.baselines) == {"majority_class", "logistic_regression", "nearest_neighbour"}
    assert len(ev.predictions["test"]["actual"]) == 40  # the published test part, all of it
    predicted = study.predict(X[120:125])
    assert list(predicted["class"]) == list(ev.predictions["test"]["predicted"][:5])
    np.testing.assert_allclose(predicted[["p_down", "p_up"]].to_numpy(),
                               ev.predictions["test"]["probabilities"][:5], atol=1e-6)
    from lstm_tune import load_predictor

    exported = load_predictor(tmp_path / "updown_model")  # what study.export wrote
    assert list(exported.predict(X[120:125])["class"]) == list(predicted["class"])
    explained = json.loads((tmp_path / "reports" / "updown" / "explain.json").read_text())
    assert set(explained["explainers"]) >= {"shap", "lime"}
    page = open_page(tmp_path / "reports" / "updown" / "index.html")
    assert page.broken_images == 0 and "Confusion matrix (test)" in page.text
    assert page.boxed_code == 0  # "Reproduce the best model" reads lstm_tune, not lstm tune
    # made in Python: no study file for commands to read, so the page gives the Study's
    # calls (and optuna-dashboard on the storage), and its snippet retrains from `study`
    assert "<Study" not in page.text
    assert "val_accuracy" not in page.text and "val_loss" not in page.text
    assert "equal validation accuracy are ordered by their validation cross-entropy" in page.text
    for call in ("study.predict(NEW_DATA)", 'study.export("FOLDER")', "study.compare([",
                 "optuna-dashboard sqlite:///updown/updown.db --artifact-dir "):
        assert call in page.text, call
    snippet = re.search(r"<pre><code>(.*?)</code></pre>", (
        tmp_path / "reports" / "updown" / "index.html").read_text(), re.S).group(1)
    retrained: dict = {"study": study}
    exec(html.unescape(snippet).replace("print(", "("), retrained)  # quietly
    assert 0 <= retrained["result"].value <= 1
    assert "one class per sequence" in page.text and "nearest_neighbour" in page.text
    assert "Calibration of the probabilities (test)" in page.text
    assert f"Expected calibration error {ev.reliability['ece']:.4g}" in page.text
    assert "Per class (test)" in page.text and "McNemar" in page.text
    assert page.long_numbers(before="Reproduce the best model") == []
    page = open_page(tmp_path / "reports" / "updown" / "explain.html")
    assert page.broken_images == 0 and page.console_errors == []
    for words in ("10 sequences explained", "Individual sequences", "class up: predicted",
                  "step 10"):
        assert words in page.text, words
    assert page.long_numbers() == []
    # the commands work on the same study, through its study file
    result = run_cli("summary", "updown/updown.yaml", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-1500:]
    info = json.loads(result.stdout)
    assert info["evaluation"]["test"]["accuracy"] == pytest.approx(ev.test["accuracy"])
    test = ev.predictions["test"]  # row = actual class, column = predicted, counted here
    assert info["evaluation"]["confusion"] == [
        [sum(a == r and p == c for a, p in zip(test["actual"], test["predicted"]))
         for c in ev.classes] for r in ev.classes]
    # TensorFlow's start-up stays quiet, as in the example, for a script that only loads
    # the export or only explains
    for code in ("import lstm_tune; print(lstm_tune.load_predictor('updown_model').classes)",
                 "from lstm_tune import Study; print(Study.from_yaml('updown/updown.yaml')"
                 ".explain(samples=2, methods=['shap']).report_path)"):
        fresh = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=300)
        assert fresh.returncode == 0 and "up" in fresh.stdout, fresh.stderr[-2000:]
        for noise in ("cuInit", "I0000", "E0000", "absl::InitializeLog"):
            assert noise not in fresh.stderr, (code, fresh.stderr)


def test_bad_settings_in_python_name_the_field(tmp_path):
    from lstm_tune import Study
    from lstm_tune.errors import StudyError

    with pytest.raises(StudyError, match="window: .*fix:"):
        Study.from_settings("bad", tmp_path, data={"builtin": "airline"}, window=0)
    with pytest.raises(ValueError, match="3 sequences but 2 labels"):
        Study.from_arrays("bad", np.zeros((3, 4, 1)), ["a", "b"], directory=tmp_path)
    # one (n, steps) array, NaN-padded at the end (sequences of 4 and 2 steps): padding
    padded = np.array([[1, 2, 3, 4], [5, 6, np.nan, np.nan], [7, 8, 9, 10], [1, 1, 2, np.nan]])
    from lstm_tune.data.sequences import load_sequences

    study = Study.from_arrays("padded", padded, ["a", "b"] * 2, directory=tmp_path)
    assert list(load_sequences(study.spec.data_settings).lengths) == [4, 2, 4, 3]
    padded[1, 0] = np.nan  # inside the sequence: not padding
    with pytest.raises(ValueError, match="sequence 1 has a missing or infinite value at step 0"):
        Study.from_arrays("holes", padded, ["a", "b"] * 2, directory=tmp_path)
    # saying what from_arrays implies is fine; saying otherwise is told what to write
    said = Study.from_arrays("said", np.zeros((4, 4, 1)), ["a", "b"] * 2, task="classify",
                             directory=tmp_path)
    assert said.spec.task == "classify"
    with pytest.raises(StudyError, match="are classified; fix: set task: classify"):
        Study.from_arrays("other", np.zeros((4, 4, 1)), ["a", "b"] * 2, task="forecast",
                          directory=tmp_path)


def test_a_study_reads_its_data_once_and_hands_it_to_every_stage(tmp_path, monkeypatch):
    """Evaluation, report, dataset, predictor and explanation of one `Study` share the data
    it read once (they each read it again before)."""
    import lstm_tune.data.framing as framing
    import lstm_tune.evaluate.final as final
    import lstm_tune.evaluate.tested as tested
    from lstm_tune.api import Study
    from tests.conftest import tiny_study
    from tests.searched import searched

    study = tiny_study(training={"max_epochs": 2, "patience": 1}, report_dir=str(tmp_path))
    spec, _ = searched(tmp_path, study, trials=1)
    reads = []
    real = framing.load_data

    def counted(settings):
        reads.append(settings)
        return real(settings)

    for module in (framing, final, tested):
        monkeypatch.setattr(module, "load_data", counted)
    s = Study(spec)
    s.report()
    assert s.dataset().test is not None
    assert len(s.predict()) == 1
    result = s.explain(samples=2, methods=("attention",))
    assert result.report_path.is_file()
    assert len(reads) == 1


def test_the_report_predict_and_export_of_a_study_share_one_predictor(tmp_path, monkeypatch):
    """The predictor the evaluation tested is the one `predict` and `export` use: built
    (or read from the storage) once (export read it back from the storage before)."""
    import lstm_tune.evaluate.study_predictor as study_predictor
    from lstm_tune.api import Study
    from tests.conftest import tiny_study
    from tests.searched import searched

    study = tiny_study(training={"max_epochs": 2, "patience": 1}, report_dir=str(tmp_path))
    spec, _ = searched(tmp_path, study, trials=1)
    calls = []
    build, stored = study_predictor.PredictorBuilder.build, study_predictor.stored_predictor

    def counted_build(self, *args, **kwargs):
        calls.append("built")
        return build(self, *args, **kwargs)

    def counted_stored(*args, **kwargs):
        found = stored(*args, **kwargs)
        calls.append("read" if found is not None else "looked up")
        return found

    monkeypatch.setattr(study_predictor.PredictorBuilder, "build", counted_build)
    monkeypatch.setattr(study_predictor, "stored_predictor", counted_stored)
    s = Study(spec)
    s.report()
    forecast = s.predict()
    info = dict(s.predictor().info)
    s.export(tmp_path / "exported", saved_model=False)
    assert calls == ["looked up", "built"]
    assert s.predictor() is s.tested.predictor
    assert s.predictor().info == info  # the export's test figures go to its manifest only
    # what predict gives is the tested model's forecast past the data, as the report has it
    assert forecast["forecast"].tolist() == pytest.approx(
        [r["forecast"] for r in s.evaluation.future["rows"]][:len(forecast)])


@pytest.mark.parametrize("index", ["dates", "periods", "unnamed"])
def test_a_frame_whose_dates_are_its_index_keeps_them_as_the_time_column(tmp_path, index):
    """`read_csv(..., index_col=0, parse_dates=True)` puts the dates in the index; writing
    the frame for the study dropped them, and with them the season read from the dates."""
    from lstm_tune import Study
    from lstm_tune.data.load import load_table

    months = pd.date_range("2000-01-01", periods=48, freq="MS", name="month")
    frame = pd.DataFrame({"sales": np.arange(48.0) + 1}, index=months)
    if index == "periods":
        frame.index = months.to_period("M")
    elif index == "unnamed":
        frame.index = months.rename(None)
    study = Study.from_frame("dated", frame, target="sales", directory=tmp_path, window=6)
    name = "time" if index == "unnamed" else "month"
    assert study.spec.data.time == name
    table = load_table(study.spec.data_settings)
    assert table.times[0].startswith("2000-01") and table.season.steps == 12
    # texts have no time: their dates stay out
    texts = pd.DataFrame({"review": ["good", "bad"] * 24, "mood": ["+", "-"] * 24},
                         index=months)
    assert Study.from_frame("said", texts, target="mood", text="review",
                            directory=tmp_path).spec.data.time is None


def test_a_study_made_in_python_is_told_its_own_calls(tmp_path, write_study):
    """Commands need a study file; a study made in Python has none, so what it is told to
    run next is the Study's own calls (or optuna-dashboard on its storage)."""
    from lstm_tune import Study

    from lstm_tune.errors import StudyError

    folder = tmp_path / "new"  # made, as from_frame makes it
    made = Study.from_settings("made", folder, data={"builtin": "airline"})
    assert made.usage() == ("forecasts past the data: study.predict(); the model: "
                            'study.export("FOLDER")')
    assert made.spec.dashboard_command == (
        f"optuna-dashboard sqlite:///{folder}/made.db --artifact-dir {folder}/made_artifacts")
    with pytest.raises(StudyError, match=r"no study storage .*; fix: run 'study\.run\(\)' first"):
        made.evaluation
    classes = Study.from_arrays("arrays", np.zeros((4, 3, 1)), ["a", "b"] * 2, directory=tmp_path)
    assert classes.usage().startswith("predictions on new data: study.predict(NEW_DATA);")
    filed = Study.from_yaml(write_study({"name": "filed", "data": {"builtin": "airline"}}))
    assert filed.usage() == (f"forecasts past the data: lstm-tune predict {filed.spec.source}; "
                             f"the model: lstm-tune export {filed.spec.source} FOLDER")
    assert filed.spec.dashboard_command == f"lstm-tune dashboard {filed.spec.source}"


# a Jupyter kernel as tqdm.autonotebook sees one, without ipywidgets installed
NOTEBOOK = r'''
import sys, types, warnings
sys.modules["ipykernel.zmqshell"] = types.ModuleType("ipykernel.zmqshell")
sys.modules["IPython"] = types.SimpleNamespace(get_ipython=lambda: object())
seen = []  # tqdm warns inside a try whose except would swallow an error: record them
warnings.simplefilter("always")
warnings.showwarning = lambda message, *args, **kwargs: seen.append(str(message))
import lstm_tune
lstm_tune.Study, lstm_tune.load_predictor
import optuna, shap  # what lstm_tune imports next: tqdm.auto is already in
print([s for s in seen if "IProgress" in s] or "quiet")
'''


def test_a_notebook_without_ipywidgets_gets_no_tqdm_warning():
    """Optuna and SHAP import tqdm.auto, which warns 'IProgress not found. Please update
    jupyter and ipywidgets' in a notebook without them: lstm_tune imports it first, quietly."""
    import importlib.util

    if importlib.util.find_spec("ipywidgets") is not None:
        pytest.skip("ipywidgets is installed: tqdm has nothing to warn about")
    fresh = subprocess.run([sys.executable, "-c", NOTEBOOK], capture_output=True, text=True,
                           timeout=300)
    assert fresh.returncode == 0 and fresh.stdout.strip() == "quiet", fresh.stderr[-2000:]


def test_a_study_run_again_with_another_strategy_is_told_it_mixes_them(tmp_path):
    """One study, two strategies: the run says so before it adds trials, and the report's
    header counts each (it named only the last)."""
    import yaml

    from lstm_tune import Study
    from lstm_tune.records.trials import strategies_used
    from tests.conftest import tiny_study
    from tests.searched import searched

    spec, study = searched(tmp_path, tiny_study(budget={"trials": 1}), trials=1)
    assert strategies_used(study.trials) == {"tpe": 1}
    assert Study(spec).warnings == []
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(
        tiny_study(budget={"trials": 3}, strategy="random")))
    again = Study.from_yaml(tmp_path / "study.yaml")
    assert again.warnings == [
        "study 'tiny' holds 1 trial searched with tpe; this run adds random trials to the same "
        "study (the report counts each); to compare strategies, give another name or use "
        "lstm-tune compare"]
    assert Study.from_yaml(tmp_path / "study.yaml", trials=1).warnings == []  # adds nothing
    (tmp_path / "spent.yaml").write_text(yaml.safe_dump(  # its seconds spent: adds nothing
        tiny_study(budget={"timeout": 0.01}, strategy="random")))
    assert Study.from_yaml(tmp_path / "spent.yaml").warnings == []
    # from Python, as a UserWarning before the search (the command prints it)
    with pytest.warns(UserWarning, match="holds 1 trial searched with tpe"):
        again.run(workers=1, report=False, progress=False)
    assert strategies_used(again.optuna_study.trials) == {"tpe": 1, "random": 2}


def test_a_series_with_gaps_is_searched_tested_and_forecast_on_values_in_the_file(tmp_path):
    """data.missing: previous end to end: the evaluation scores the model and every
    baseline on the test months that were in the file, says what was filled, and the
    predictor fills a new history's gaps as the study's were."""
    from lstm_tune import Study
    from lstm_tune.data.builtin import BUILTINS, load_builtin
    from tests.conftest import tiny_study
    from tests.searched import searched

    air = load_builtin(BUILTINS["airline"], "test").astype({"passengers": float})
    gappy = air.copy()
    gappy.loc[[40, 130], "passengers"] = np.nan  # 130: a test month (the last 24: 120-143)
    gappy.drop(index=[60, 61]).to_csv(tmp_path / "air.csv", index=False)
    study = tiny_study(data={"csv": "air.csv", "target": "passengers", "time": "month",
                             "missing": "previous"}, budget={"trials": 1},
                       training={"max_epochs": 2, "patience": 1}, report_dir=str(tmp_path))
    spec, _ = searched(tmp_path, study, trials=1)
    s = Study(spec)
    page = html.unescape(s.report().read_text())
    evaluation = s.evaluation
    assert evaluation.filled == {"carried": 4, "added": 2, "dropped": 0}
    test = evaluation.predictions["test"]["target_idx"]
    assert test == [i for i in range(120, 144) if i != 130]
    assert {c["n"] for c in evaluation.significance.values()} == {23}
    # what the statistical models leave is tested at the months in the file: the three
    # carried before the test part (40, 60, 61) are not among the errors tested
    assert {n: v["series"]["passengers"]["errors"] for n, v in evaluation.leftover.items()} \
        == {"ets": 95 - 3, "seasonal_arima": 95 - 3}
    assert ("4 target value(s) were not in the file (2 on steps it leaves out) and were "
            "filled with the last value before them") in s.verdict()
    assert re.search(r"<th>Gaps</th><td>4 target value\(s\) not in the file \(2 on steps it "
                     r"leaves out, added\): filled with the last value before them", page)
    # a history with an empty cell and a left-out month forecasts as the same history
    # filled by hand
    history = air.iloc[-30:].copy()
    history.loc[140, "passengers"] = np.nan
    by_hand = history.copy()
    by_hand.loc[140, "passengers"] = by_hand.loc[139, "passengers"]
    by_hand.loc[135, "passengers"] = by_hand.loc[134, "passengers"]
    assert s.predict(history.drop(index=[135]))["forecast"].tolist() == pytest.approx(
        s.predict(by_hand)["forecast"].tolist())
