"""The predictor of every shipped study: what its report tested, forecasts past the data
with intervals and recursive steps, bad input refused in one line, and the export read back
in a fresh process with nothing but the export predicting the test inputs as the evaluation
did (forecasts within 1e-6, the same classes), its SavedModel serving the same numbers.
Cheap budgets (one trial of two epochs each): what is checked is the hand-over, not the
model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from lstm_tune.api import Study
from lstm_tune.data.builtin import BUILTINS
from lstm_tune.data.framing import frame, load_data
from lstm_tune.errors import StudyError
from lstm_tune.evaluate.evaluation import evaluate_study
from lstm_tune.records.trials import best_trial, load_trial_model, trial_params
from lstm_tune.search.storage import load_study
from lstm_tune.tasks import get_task

from tests.conftest import run_cli
from tests.searched import searched

pytestmark = pytest.mark.slow

STUDIES = Path(__file__).resolve().parents[2] / "studies"
SHIPPED = ("airline", "airline_h12", "us_macro", "gunpoint", "japanese_vowels", "reviews")
# the LSTM's own path (a shipped combination is tested in tests/test_final.py)
CHEAP = {"budget": {"trials": 1}, "training": {"max_epochs": 2, "patience": 1},
         "pruner": "none", "final": {"model": "single"}}

# run in a fresh process: each export, read with nothing else, predicts its test inputs
FRESH = r'''
import json, sys
import numpy as np
import tensorflow as tf
import lstm_tune
from lstm_tune.data.builtin import BUILTINS
from lstm_tune.predictor.serving import history_array, sequence_inputs

jobs = json.load(open(sys.argv[1]))
out = {}
for name, job in jobs.items():
    p = lstm_tune.load_predictor(job["export"])
    manifest = json.load(open(job["export"] + "/manifest.json"))
    # a hybrid's statistical base cannot be TensorFlow ops: no SavedModel, the manifest says why
    served = tf.saved_model.load(job["export"] + "/saved_model") \
        if manifest["saved_model"]["path"] else None
    data = BUILTINS[job["builtin"]].load()
    if p.framing == "windows":
        table = p.predict(data, origins=job["origins"])
        paths = {}
        for row in table.to_dict(orient="records"):
            paths.setdefault(f"{row.get('series', '')}|{row['origin']}", []).append(row["forecast"])
        values, series = history_array(p, p.histories)
        out[name] = {"paths": paths, "predicted": p.predict()["forecast"].tolist(),
                     "served": served.serve(values, series).numpy().tolist() if served else
                     manifest["saved_model"]["why"]}
        continue
    if p.framing == "sequences":
        samples = [s for s in data[1].sequences]
        args = sequence_inputs(p, samples)
    else:
        samples = [data[p.info["text_column"]].iloc[i] for i in job["rows"]]
        args = (tf.constant(samples),)
    table = p.predict(samples)
    out[name] = {"classes": table["class"].tolist(),
                 "proba": table[[c for c in table.columns if c.startswith("p_")]].values.tolist(),
                 "served": served.serve(*args).numpy().tolist()}
json.dump(out, open(sys.argv[2], "w"))
'''


# the shipped study that searches LSTM-FCN's branch exports a model with it (padded
# sequences of different lengths: the branch zeroes the padding in the SavedModel too)
BRANCH = {"japanese_vowels": {"conv": "fcn"}}


def cheap(name: str) -> dict:
    study = yaml.safe_load((STUDIES / f"{name}.yaml").read_text())
    study["space"] = {**study.get("space", {}), **BRANCH.get(name, {})}
    return {**study, **CHEAP}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Each shipped study, searched cheaply, evaluated and exported."""
    folder = tmp_path_factory.mktemp("shipped")
    jobs, expected, studies = {}, {}, {}
    for name in SHIPPED:
        spec, study = searched(folder, cheap(name), trials=1, name=f"{name}.yaml")
        evaluation = evaluate_study(spec, study)
        studies[name] = (spec, evaluation)
        path = Study(spec).export(folder / f"{name}_export")
        test = evaluation.predictions["test"]
        job = {"export": str(path), "builtin": spec.data.builtin}
        loaded = load_data(spec.data_settings)
        if hasattr(loaded, "parts"):  # series: each test origin's time
            names = loaded.series_of(np.asarray(test["target_idx"]) - 1) if loaded.panel \
                else [""] * len(test["target_idx"])
            origins = [loaded.times[i - 1] for i in test["target_idx"]]
            job["origins"] = sorted(set(origins))
            expected[name] = {f"{n}|{o}": np.atleast_1d(p).tolist()
                              for n, o, p in zip(names, origins, test["predicted"])}
        else:
            data = frame(spec.data_settings, loaded, evaluation.params)
            job["rows"] = data.test.target_idx.tolist()
            expected[name] = {"classes": test["predicted"], "proba": test["probabilities"]}
        jobs[name] = job
    (folder / "jobs.json").write_text(json.dumps(jobs))
    result = subprocess.run([sys.executable, "-c", FRESH, str(folder / "jobs.json"),
                             str(folder / "out.json")], capture_output=True, text=True,
                            timeout=900, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder, expected, json.loads((folder / "out.json").read_text()), studies


@pytest.fixture(scope="module")
def airline(exported):
    folder, _, _, studies = exported
    return (folder, *studies["airline"])


@pytest.mark.parametrize("name", SHIPPED)
def test_an_export_predicts_the_test_inputs_as_the_evaluation_did(exported, name):
    _, expected, fresh, studies = exported
    mine, theirs = expected[name], fresh[name]
    if "paths" in theirs:
        assert set(theirs["paths"]) == set(mine)
        for key, path in mine.items():
            np.testing.assert_allclose(theirs["paths"][key], path, rtol=1e-6, err_msg=key)
        if isinstance(theirs["served"], str):  # a hybrid (airline_h12's ARIMA base)
            assert "load_predictor" in theirs["served"]
        else:
            np.testing.assert_allclose(np.asarray(theirs["served"]).reshape(-1),
                                       theirs["predicted"], rtol=1e-6)
    else:
        if name in BRANCH:
            assert studies[name][1].params["conv"] == "fcn"
        assert theirs["classes"] == mine["classes"]
        np.testing.assert_allclose(theirs["proba"], mine["proba"], atol=2e-6)
        np.testing.assert_allclose(theirs["served"], theirs["proba"], atol=1e-5)


def test_the_manifest_says_what_the_export_is(airline):
    import keras
    import tensorflow as tf

    import lstm_tune

    folder, spec, evaluation = airline
    manifest = json.loads((folder / "airline_export" / "manifest.json").read_text())
    assert manifest["lstm_tune"] == lstm_tune.__version__
    assert manifest["tensorflow"] == tf.__version__ and manifest["keras"] == keras.__version__
    assert manifest["study"] == "airline" and manifest["final_model"] == "single"
    assert manifest["trials"] == [evaluation.trial] and manifest["task"] == "forecast"
    assert manifest["test"]["rmse"] == pytest.approx(evaluation.test["rmse"])
    assert manifest["baselines"]["seasonal_arima"]["rmse"] == pytest.approx(15.28, abs=0.01)
    assert "the model the study's report tested" in manifest["trained_on"]
    schema = manifest["input"]
    assert schema["time"] == "month" and schema["target"] == "passengers"
    assert manifest["intervals"]["errors_per_step"][0] == 12
    assert set(manifest["saved_model"]["inputs"]) == {"history", "series"}


def test_predict_gives_the_twelve_months_after_the_data(exported):
    """`lstm-tune predict` on airline_h12 (twelve outputs) and on airline with --steps 12
    (one output, fed back): the months of 1961, with 80% and 95% bounds."""
    folder, _, _, _ = exported
    months = [f"1961-{m:02d}" for m in range(1, 13)]
    for args in (("airline_h12.yaml",), ("airline.yaml", "--steps", "12")):
        result = run_cli("predict", *args, "--out", "f.json", cwd=folder)
        assert result.returncode == 0, result.stderr[-1500:]
        assert "wrote 12 rows to f.json" in result.stderr
        table = json.loads((folder / "f.json").read_text())
        rows = table["rows"]
        assert [r["time"] for r in rows] == months and [r["step"] for r in rows] == list(
            range(1, 13))
        for r in rows:
            assert r["lower_95"] <= r["lower_80"] <= r["forecast"] <= r["upper_80"] <= r[
                "upper_95"]
        recursive = [n for n in table["notes"] if "recursive" in n]
        assert bool(recursive) == (args[0] == "airline.yaml"), table["notes"]


def test_a_panel_names_its_series_and_refuses_unknown_ones(exported):
    folder, _, _, _ = exported
    from lstm_tune.predictor import load_predictor

    predictor = load_predictor(folder / "us_macro_export")
    table = predictor.predict()
    assert sorted(set(table["series"])) == sorted(predictor.series) and len(table) == 8 * 4
    assert table["time"].iloc[0] == "2009-10"  # the quarter after 2009Q3, as the data writes it
    data = BUILTINS["us_macro"].load()
    with pytest.raises(StudyError, match="unknown series 'gold'"):
        predictor.predict(data.assign(series=data["series"].replace("cpi", "gold")))
    one = predictor.predict(data[data["series"] == "cpi"])
    np.testing.assert_allclose(one["forecast"], table[table["series"] == "cpi"]["forecast"],
                               rtol=1e-6)  # one row in a batch of one, not of eight


def history() -> pd.DataFrame:
    return BUILTINS["airline"].load()


def test_forecasts_past_the_end_of_the_data_with_intervals(airline):
    folder, spec, _ = airline
    table = Study(spec).predict()
    assert list(table.columns) == ["time", "step", "forecast", "lower_80", "upper_80",
                                   "lower_95", "upper_95"]
    assert table["time"].tolist() == ["1961-01"] and table["step"].tolist() == [1]
    row = table.iloc[0]
    assert row.lower_95 <= row.lower_80 < row.forecast < row.upper_80 <= row.upper_95
    # the conformal half-widths are the 80% and 95% order statistics of 12 validation
    # errors: of the model's own and of its retrained configuration's, the wider
    calibration = Study(spec).predictor().calibration
    assert set(calibration.sets) == {"own", "rehearsed"}
    scores = [np.sort(s[0]) * calibration.scales[""] for s in calibration.sets.values()]
    assert [len(s) for s in scores] == [12, 12]
    assert row.upper_80 - row.forecast == pytest.approx(max(s[10] for s in scores), rel=1e-9)
    assert row.upper_95 - row.forecast == pytest.approx(max(s[11] for s in scores), rel=1e-9)
    assert any("too few to promise 95%" in n for n in table.attrs["notes"])


def test_a_column_the_model_does_not_read_is_left_alone_and_named(airline):
    """A study's own CSV may hold columns the model does not read, so a history may too."""
    _, spec, _ = airline
    plain = Study(spec).predict(history())
    table = Study(spec).predict(history().assign(price=1.0, promo="no"))
    pd.testing.assert_frame_equal(table, plain)
    assert table.attrs["notes"][0] == ("columns 'price', 'promo' not read by the model (it "
                                       "reads month, passengers)")
    assert table.attrs["notes"][1:] == plain.attrs["notes"]


def test_a_history_with_its_dates_as_its_index_forecasts_the_same(airline):
    """As `read_csv(..., index_col=0, parse_dates=True)` gives it, and `Study.from_frame`
    takes it: the index is the time column."""
    _, spec, _ = airline
    plain = Study(spec).predict(history())
    for index in (pd.PeriodIndex(history()["month"], freq="M"),
                  pd.DatetimeIndex(pd.to_datetime(history()["month"]))):
        indexed = history().drop(columns="month").set_axis(index)
        table = Study(spec).predict(indexed)
        np.testing.assert_allclose(table["forecast"], plain["forecast"], rtol=1e-9)
    assert table["time"].tolist() == plain["time"].tolist() == ["1961-01"]


def test_an_origin_before_the_kept_tail_asks_for_the_data(airline):
    """The predictor keeps only each series' last steps: an earlier origin is told to pass
    the data, and then forecasts from it."""
    _, spec, _ = airline
    with pytest.raises(StudyError) as err:
        Study(spec).predict(origins=["1958-01"])
    assert err.value.field == "origins"
    assert "this model keeps the last" in err.value.problem and "--input" in err.value.fix
    table = Study(spec).predict(history(), origins=["1958-01"])
    assert table["origin"].tolist() == ["1958-01"] and table["time"].tolist() == ["1958-02"]


def test_steps_past_the_horizon_feed_forecasts_back(airline):
    _, spec, _ = airline
    predictor = Study(spec).predictor()
    table = predictor.predict(steps=12)
    assert table["time"].tolist() == [f"1961-{m:02d}" for m in range(1, 13)]
    assert any("steps 2-12 are recursive" in n for n in table.attrs["notes"])
    # by hand: forecast one month, append it as if observed, forecast again
    frame_ = history()
    by_hand = []
    for _ in range(12):
        row = predictor.predict(frame_).iloc[0]
        by_hand.append(row.forecast)
        frame_ = pd.concat([frame_, pd.DataFrame({"month": [row.time],
                                                  "passengers": [row.forecast]})])
    np.testing.assert_allclose(table["forecast"], by_hand, rtol=1e-9)
    assert np.all(np.isfinite(table[["lower_80", "upper_95"]].to_numpy()))


def test_recursive_intervals_rest_on_recursive_validation_errors(airline):
    """Step h's interval rests on the errors of recursive forecasts h steps ahead of each
    validation month (1958), each from the history before it, by the final configuration
    retrained on the training part (1949-1957)."""
    from lstm_tune.evaluate.study_predictor import PredictorBuilder
    from lstm_tune.search.storage import load_study

    _, spec, _ = airline
    builder = PredictorBuilder(spec, load_study(spec))
    shipped = builder.build()
    calibration = shipped.calibration
    assert calibration.counts()[:24] == [12] * 24 and calibration.direct == 1
    # the model's own errors, and its configuration's retrained on 1949-1957 (a new seed)
    makers = {"own": shipped, "rehearsed": builder.calibration_predictor(
        0, load_data(spec.data_settings), ("",))}
    full = history()
    months = full["month"].tolist()
    for name, model in makers.items():
        scores = calibration.sets[name]
        for h, target in ((1, "1958-05"), (3, "1958-01"), (7, "1958-12"), (20, "1958-08")):
            t = months.index(target)
            path = model.predict(full.iloc[: t - h + 1], steps=h)
            error = abs(full["passengers"].iloc[t] - path["forecast"].iloc[-1])
            # float32 forecasts of a few hundred passengers, made in batches of other shapes,
            # agree to about 1e-6 of their size (1e-6 of the error failed by 5e-7 passengers)
            assert min(abs(np.asarray(scores[h - 1]) * calibration.scales[""] - error)
                       ) < 1e-5 * full["passengers"].iloc[t], (name, h)


def test_the_evaluation_scored_the_predictor(airline):
    """The test part's forecasts are the predictor's, read from raw history as `predict`
    reads it; and they are the model's, read as it was trained."""
    _, spec, evaluation = airline
    test = evaluation.predictions["test"]
    times = load_data(spec.data_settings).times
    origins = [times[i - 1] for i in test["target_idx"]]
    table = Study(spec).predict(history(), origins=origins)
    assert table["origin"].tolist() == origins
    np.testing.assert_array_equal(table["forecast"].to_numpy(), np.asarray(test["predicted"]))
    study = load_study(spec)
    trial = best_trial(spec, study)
    data = frame(spec.data_settings, load_data(spec.data_settings), trial_params(spec, trial))
    raw = load_trial_model(spec, trial).predict(data.test.x, verbose=0)
    np.testing.assert_allclose(test["predicted"], get_task("forecast").decode(
        data, raw, data.test.ref, data.test.series), rtol=1e-5)
    # coverage and width per step, from the same intervals
    iv = evaluation.intervals
    lower, upper = (np.asarray(b) for b in test["bounds"]["80"])
    inside = (np.asarray(test["actual"]) >= lower) & (np.asarray(test["actual"]) <= upper)
    assert iv["coverage"]["80"] == [pytest.approx(inside.mean())]
    assert iv["width"]["80"] == [pytest.approx(np.mean(upper - lower))]
    assert iv["errors_per_step"] == [12] and iv["coarse"]["95"] == [1]


@pytest.mark.parametrize("edit, field, words", [
    (lambda f: f.drop(columns="passengers"), "columns", "no column 'passengers'"),
    (lambda f: f.astype({"passengers": object}).assign(
        passengers=["n/a"] + list(f.passengers[1:])), "passengers", "non-numeric value 'n/a'"),
    (lambda f: f.tail(10), "rows", "the history has 10 steps; the model needs at least"),
])
def test_a_bad_history_is_refused_in_one_line(airline, edit, field, words):
    _, spec, _ = airline
    with pytest.raises(StudyError) as err:
        Study(spec).predict(edit(history()))
    assert err.value.field == field and words in err.value.problem, err.value.line()


def test_a_production_refit_is_trained_on_everything_and_says_so(airline, tmp_path):
    _, spec, evaluation = airline
    api = Study(spec)
    tested, refit = api.predictor(), api.predictor(refit_all=True)
    assert refit.info["refit_all"] and not tested.info["refit_all"]
    # its scalers saw the test part
    assert refit.members[0].encoder.x_mean[0, 0] != tested.members[0].encoder.x_mean[0, 0]
    path = api.export(tmp_path / "prod", refit_all=True, saved_model=False)
    manifest = json.loads((path / "manifest.json").read_text())
    assert "never tested" in manifest["trained_on"] and manifest["test"] is None
    assert manifest["evaluated_model_test"]["rmse"] == pytest.approx(evaluation.test["rmse"])
    assert not (path / "saved_model").exists()
