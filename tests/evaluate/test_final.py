"""The final model (final.py): single, refit or ensemble, chosen on validation data only,
built over seeds, and the test metric's spread over those seeds."""

from __future__ import annotations

import statistics

import numpy as np
import optuna
import pandas as pd
import pytest
import yaml

from lstm_tune.data.framing import frame, load_data
from lstm_tune.data.splits import REFIT
from lstm_tune.evaluate.evaluation import evaluate_study
from lstm_tune.evaluate.final import FinalModel, load_member
from lstm_tune.explain.run import explain_trial
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.records.attrs import FINAL_ATTR
from lstm_tune.records.trials import trial_params
from lstm_tune.report.render import render_study_report
from lstm_tune.search.objective import Objective
from lstm_tune.search.storage import load_study
from lstm_tune.search.study import open_study
from lstm_tune.spec import load_spec
from lstm_tune.tasks import get_task

from tests.browser import open_page
from tests.conftest import tiny_study

SEARCH = tiny_study(split={"validation": 12, "test": 24, "folds": 2},
                    training={"max_epochs": 4, "patience": 2}, budget={"trials": 3})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A searched study (3 trials, 2 folds each) that every test evaluates its own way."""
    folder = tmp_path_factory.mktemp("final")
    (folder / "search.yaml").write_text(yaml.safe_dump(SEARCH))
    spec = load_spec(folder / "search.yaml")
    study = open_study(spec)
    study.sampler = optuna.samplers.RandomSampler(seed=3)
    study.optimize(Objective(spec, load_data(spec.data_settings), artifact_store(spec)),
                   n_trials=3)
    return folder


def variant(folder, name: str, **final):
    """The searched study, evaluated with other `final` settings (same name and storage)."""
    (folder / f"{name}.yaml").write_text(yaml.safe_dump({**SEARCH, "final": final}))
    spec = load_spec(folder / f"{name}.yaml")
    return spec, load_study(spec)


def artifacts(folder) -> int:
    return sum(1 for p in (folder / "tiny_artifacts").iterdir())


def test_auto_chooses_on_validation_and_reports_the_spread_over_seeds(folder):
    spec, study = variant(folder, "auto", model="auto", seeds=2, top=2)
    result = evaluate_study(spec, study)
    figures = result.final["validation"]
    assert set(figures) == {"single", "refit", "ensemble"}
    assert all(len(v["values"]) == 2 for v in figures.values())
    medians = {c: v["median"] for c, v in figures.items()}
    assert result.final["choice"] == min(medians, key=medians.get)
    # rehearsed with new seeds, not the best trial's own (best of many draws) figure
    assert figures["single"]["values"][0] != pytest.approx(
        study.best_trial.user_attrs["fold_values"][0], rel=1e-6)
    rmse = result.spread["rmse"]
    assert len(rmse["values"]) == 2 and rmse["values"][0] == pytest.approx(result.test["rmse"])
    assert rmse["min"] <= rmse["median"] <= rmse["max"]
    assert "Over 2 seeds its test RMSE has median" in result.summary(spec)["verdict"]
    # stored on the study: evaluating again trains and uploads nothing new
    stored = FinalModel.from_attr(load_study(spec).user_attrs[FINAL_ATTR])
    assert stored.choice == result.final["choice"] and len(stored.seeds) == 2
    before = artifacts(folder)
    again = evaluate_study(spec, load_study(spec))
    assert again.spread == result.spread and artifacts(folder) == before
    # the report shows the choice, the candidates' figures and the spread
    spec = spec.model_copy(update={"report_dir": str(folder / "reports")})
    page = open_page(render_study_report(spec, load_study(spec), again,
                                         load_data(spec.data_settings)))
    assert page.broken_images == 0 and page.console_errors == []
    for words in ("The final model", f"{result.final['choice']} (chosen)", "ensemble",
                  "median over seeds", f"{rmse['min']:.4g} to {rmse['max']:.4g}"):
        assert words in page.text, words


def test_the_choice_never_reads_the_test_part(folder):
    """The same search on a copy of airline whose test part is 100x larger: every
    validation figure is the same (the candidates', the combination's statistical model
    and weight), only the test figures change."""
    spec, study = variant(folder, "auto_a", model="auto", seeds=1, top=2, combine=True)
    first = evaluate_study(spec, study)
    table = load_data(spec.data_settings)
    csv = pd.DataFrame({"month": table.times, "passengers": np.where(
        np.arange(len(table)) >= 120, table.target * 100.0, table.target)})
    csv.to_csv(folder / "bumped.csv", index=False)
    bumped = {**SEARCH, "data": {"csv": "bumped.csv", "target": "passengers", "time": "month"},
              "final": {"model": "auto", "seeds": 1, "top": 2, "combine": True}}
    (folder / "auto_b.yaml").write_text(yaml.safe_dump(bumped))
    spec_b = load_spec(folder / "auto_b.yaml")
    study_b = load_study(spec_b)
    study_b.set_user_attr(FINAL_ATTR, None)  # build it again, on the bumped data
    second = evaluate_study(spec_b, study_b)
    for name, figures in first.final["validation"].items():
        assert second.final["validation"][name]["values"] == pytest.approx(
            figures["values"], rel=1e-3), name
    assert second.final["choice"] == first.final["choice"]
    mix, mix_b = first.final["combination"], second.final["combination"]
    assert mix["name"] == mix_b["name"] and mix["weight"] == mix_b["weight"]
    assert mix_b["curve"] == pytest.approx(mix["curve"], rel=1e-3)
    assert second.test["rmse"] > 10 * first.test["rmse"]


def test_refit_trains_before_the_test_part_for_the_epochs_its_folds_kept(folder):
    spec, study = variant(folder, "refit", model="refit", seeds=1)
    result = evaluate_study(spec, study)
    best = study.best_trial
    final = FinalModel.from_attr(load_study(spec).user_attrs[FINAL_ATTR])
    (member,) = final.seeds[0]
    assert member.trial == best.number and member.fold == REFIT and member.artifact
    assert final.epochs[str(best.number)] == max(1, round(statistics.median(
        best.user_attrs["best_epochs"])))
    assert "refitted on training + validation" in result.model
    # the tested predictions are the refitted model's, on data scaled without the test part
    data = frame(spec.data_settings, load_data(spec.data_settings), trial_params(spec, best),
                 REFIT)
    model = load_member(spec, study, member)
    mine = get_task("forecast").decode(data, model.predict(data.test.x, verbose=0),
                                       data.test.ref, data.test.series)
    np.testing.assert_allclose(result.predictions["test"]["predicted"], mine, rtol=1e-5)
    # explain explains that model, and says so
    explained = explain_trial(spec, study, None, 40, ("shap",))
    assert explained.model.startswith("the final model, trial #") and "refitted" in explained.model
    # the 40 most recent windows, each once (the refit's training part holds its validation)
    assert len(set(explained.labels)) == len(explained.labels) == 40
    by_label = dict(zip(explained.labels, explained.predicted))
    for label, value in zip(data.labels_at(data.test.target_idx), mine):
        assert by_label[label] == pytest.approx(value, rel=1e-5)


@pytest.fixture(scope="module")
def ensemble(folder):
    """The two best configurations averaged (one seed), evaluated once for the two tests
    below (the study keeps what the evaluation built)."""
    spec, study = variant(folder, "ensemble", model="ensemble", seeds=1, top=2)
    return spec, study, evaluate_study(spec, study)


def test_an_ensemble_is_the_mean_of_its_members_in_data_units(ensemble):
    spec, study, result = ensemble
    final = FinalModel.from_attr(load_study(spec).user_attrs[FINAL_ATTR])
    members = final.seeds[0]
    assert len({m.trial for m in members}) == 2
    values = sorted(t.value for t in study.trials if t.value is not None)
    assert study.trials[members[1].trial].value == pytest.approx(values[1])  # the 2nd best
    loaded = load_data(spec.data_settings)
    forecasts = []
    for m in members:
        data = frame(spec.data_settings, loaded, trial_params(spec, study.trials[m.trial]), m.fold)
        raw = load_member(spec, study, m).predict(data.test.x, verbose=0)
        forecasts.append(data.units(raw, data.test.ref, data.test.series))
    np.testing.assert_allclose(result.predictions["test"]["predicted"],
                               np.mean(forecasts, axis=0), rtol=1e-5)


def test_an_ensembles_predictor_reproduces_the_evaluation_exactly(ensemble):
    """Study.predict on the test inputs (the history, from each test origin) gives the
    evaluation's test forecasts bit for bit: the report tested what predict hands over."""
    from lstm_tune.api import Study

    spec, study, result = ensemble
    test = result.predictions["test"]
    table = load_data(spec.data_settings)
    origins = [table.times[i - 1] for i in test["target_idx"]]
    history = pd.DataFrame({"month": table.times, "passengers": table.target})
    api = Study(spec)
    predicted = api.predict(history, origins=origins)
    np.testing.assert_array_equal(predicted["forecast"].to_numpy(), np.asarray(test["predicted"]))
    assert len(api.predictor().members) == 2
    # intervals from both folds' validation months, each forecast by the members'
    # configurations retrained with a new seed on that fold's training part
    from lstm_tune.evaluate.study_predictor import PredictorBuilder, histories, origins_of

    builder = PredictorBuilder(spec, study)
    calibration = builder.build().calibration
    assert calibration.folds == 2 and calibration.counts()[0] == 24
    assert "retrained with a new seed on each validation fold" in calibration.source
    full = histories(table, ("",))
    for fold, months in ((0, range(108, 120)), (1, range(96, 108))):
        data = builder.builder.data(builder.members[0].trial, fold)
        rehearsed = builder.calibration_predictor(fold, table, ("",))  # its models, kept
        assert len(rehearsed.members) == 2
        forecast = rehearsed.outputs_at(full, origins_of(table, ("",), data, data.val))[:, 0]
        errors = np.abs(table.target[list(months)] - forecast) / calibration.scales[""]
        np.testing.assert_allclose(calibration.sets["rehearsed"][0][12 * fold: 12 * (fold + 1)],
                                   errors)
    assert set(calibration.sets) == {"rehearsed"}  # the ensemble trained on its validation


def test_a_combination_is_the_weighted_mean_of_the_lstm_and_its_statistical_baseline(folder):
    """With `combine`, the test forecasts are w x the LSTM's + (1 - w) x the statistical
    baseline's of the same name, on the same points (its model is fitted as the baseline's,
    on everything before the test part); the report shows both and the weight."""
    spec, study = variant(folder, "alone", model="single", seeds=1)
    alone = np.asarray(evaluate_study(spec, study).predictions["test"]["predicted"])
    spec, study = variant(folder, "mixed", model="single", seeds=1, combine=True)
    result = evaluate_study(spec, study)
    mix = result.final["combination"]
    assert mix["name"] in ("ets", "seasonal_arima") and 0.0 <= mix["weight"] <= 1.0
    assert set(mix["curve"]) == {f"{w:.2f}" for w in np.linspace(0, 1, 21)}
    assert mix["weight"] == float(min(mix["curve"], key=lambda w: (mix["curve"][w], -float(w))))
    test = result.predictions["test"]
    baseline = np.asarray(test["baselines"][mix["name"]])
    np.testing.assert_allclose(test["predicted"],
                               mix["weight"] * alone + (1 - mix["weight"]) * baseline, rtol=1e-9)
    assert result.components["without the combination"]["rmse"] == pytest.approx(
        float(np.sqrt(np.mean((alone - np.asarray(test["actual"])) ** 2))))
    assert f"{1 - mix['weight']:.2f} x {mix['name']}" in result.model
    # its explanation explains the LSTM part, and its waterfalls say so: their predictions
    # are the LSTM's alone, not the combination's
    from lstm_tune.report.explain_words import describe_window

    explained = explain_trial(spec, study, None, 4, ("shap",))
    times = load_data(spec.data_settings).times
    by_time = {times[i]: v for i, v in zip(test["target_idx"], alone)}
    assert explained.predictor == "the LSTM part"
    np.testing.assert_allclose(explained.predicted, [by_time[t] for t in explained.labels],
                               rtol=1e-5)
    assert f"the LSTM part predicted {explained.predicted[0]:.4g} (actual" in \
        describe_window(explained, "shap", 0)
    # the report says what the partner is and which candidates validation weighed
    assert set(mix["alone"]) == {"ets", "seasonal_arima", "persistence"}
    html = render_study_report(spec.model_copy(update={"report_dir": str(folder / "mixed")}),
                               study, result, load_data(spec.data_settings)).read_text()
    assert f"with {mix['name']}'s" in html and "fitted on everything before the test part" in html
    assert "fitted on the same steps and against persistence." in html
    # the predictor (what predict and export use) forecasts the same from raw history
    from lstm_tune.api import Study
    from lstm_tune.data.builtin import BUILTINS

    origins = [times[i - 1] for i in test["target_idx"]]
    table = Study(spec).predict(BUILTINS["airline"].load(), origins=origins)
    np.testing.assert_allclose(table["forecast"].to_numpy(), test["predicted"], rtol=1e-9)
    from lstm_tune.predictor.bundle import manifest

    assert manifest(Study(spec).predictor())["combination"] == {
        "forecast": f"{mix['weight']:.2f} x the LSTM + {1 - mix['weight']:.2f} x {mix['name']}",
        "weight": mix["weight"], "statistical_model": mix["name"]}
    # recursively past the data: the first step is the one-step combined forecast, and the
    # statistical model's share of each later step is its own path from the end
    study_api = Study(spec)
    ahead = study_api.predict(steps=3)
    assert ahead["step"].tolist() == [1, 2, 3] and np.all(np.isfinite(ahead["forecast"]))
    assert ahead["forecast"].iloc[0] == pytest.approx(study_api.predict()["forecast"].iloc[0])


def test_an_explanation_of_a_combination_says_only_its_lstm_part_is_explained():
    from lstm_tune.evaluate.final import Member
    from lstm_tune.explain.run import explained_model

    final = FinalModel("single", [[Member(3, 0)]],
                       combination={"weight": 0.5, "name": "logistic_regression"})
    text = explained_model(final, 3)
    assert "0.50 x trial #3's model + 0.50 x logistic_regression" in text
    assert "its LSTM part (weight 0.50) is what is explained" in text
    assert "not attributed" not in explained_model(FinalModel("single", [[Member(3, 0)]]), 3)
    assert "does not move" not in text
    final.combination["weight"] = 0.001
    assert "; its LSTM part is what is explained, and at weight 0.00 it does not move the " \
        "final model's output, which is logistic_regression's alone" in explained_model(final, 3)
