"""What the reports say in words: the verdict, the dashboard note, the progress lines and
the GA/PSO budget warning. Built from real objects, no training."""

from __future__ import annotations

import numpy as np
import optuna
import pytest

from lstm_tune.evaluate.evaluation import Evaluation, validation_drop, verdict
from lstm_tune.progress import TrialLog
from lstm_tune.report.dashboard import note_text
from lstm_tune.spec import evolution_warning
from lstm_tune.spec import load_spec
from tests.conftest import tiny_study


@pytest.fixture
def spec(write_study):
    return load_spec(write_study(tiny_study()))


def evaluation(rmse: float) -> Evaluation:
    base = {"persistence": {"rmse": 51.78, "mae": 44.2}, "seasonal_arima": {"rmse": 15.28, "mae": 11.5},
            "ets": {"rmse": 19.87, "mae": 15.9}}
    methods = {k: f"{k} method" for k in base}
    return Evaluation(7, {}, "val_rmse", 11.9, {"rmse": rmse, "mae": 14.1}, base, methods)


def judged(rmse: float, outcomes: dict[str, tuple[str, float]]) -> Evaluation:
    ev = evaluation(rmse)
    ev.significance = {name: {"test": "Diebold-Mariano (HLN)", "verdict": word,
                              "p_value": p, "n": 24} for name, (word, p) in outcomes.items()}
    return ev


def test_the_verdict_is_decided_by_the_test_not_the_sign(spec):
    ev = judged(18.33, {"persistence": ("beats", 0.0001), "ets": ("ties", 0.41),
                        "seasonal_arima": ("loses", 0.012)})
    assert verdict(spec, ev) == (
        "The best model (test RMSE 18.33) beats persistence (51.78, p < 0.001); ties with "
        "ets (19.87, p = 0.41) and loses to seasonal_arima (15.28, p = 0.012). Each by a "
        "Diebold-Mariano (HLN) test at 5% on the same 24 test origins; a tie is a difference "
        "the test part cannot tell from noise.")
    # lower than ets but not significantly: a tie, not a win
    assert "ties with ets" in verdict(spec, judged(18.33, {"ets": ("ties", 0.3)}))
    assert ev.beaten(spec) == (["persistence"], ["seasonal_arima", "ets"])


def test_the_verdict_names_each_test_it_ran(spec):
    """McNemar is exact (binomial) where fewer than 25 samples differ, a chi-square
    otherwise: one verdict may hold both, and says which baseline got which."""
    from lstm_tune.tasks.significance import mcnemar

    actual = np.array(["a"] * 60 + ["b"] * 60)
    model = actual.copy()
    many = actual.copy()
    many[:40] = "b"  # 40 samples differ: the chi-square
    few = actual.copy()
    few[:3] = "b"  # 3 differ: the exact test
    tests = {name: mcnemar(actual, model, other).to_json()
             for name, other in (("ets", many), ("seasonal_arima", few))}
    assert tests["ets"]["test"] == "McNemar"
    assert tests["seasonal_arima"]["test"] == "McNemar (exact)"
    ev = evaluation(18.33)
    ev.significance = {name: {"test": t["test"], "verdict": t["verdict"], "p_value": t["p_value"],
                              "n": t["n"]} for name, t in tests.items()}
    assert "Each by a McNemar test (exact for seasonal_arima) at 5% on the same 120" \
        in verdict(spec, ev)
    ev.significance["ets"]["test"] = "McNemar (exact)"
    assert "Each by a McNemar (exact) test at 5%" in verdict(spec, ev)


def test_an_evaluation_without_tests_falls_back_to_signs(spec):
    """Evaluations stored before the tests existed still read."""
    assert verdict(spec, evaluation(18.33)) == (
        "The best model (test RMSE 18.33) beats persistence (51.78) and ets (19.87); "
        "loses to seasonal_arima (15.28).")


def left(noise: list[bool], inputs: tuple[str, ...] = ()) -> dict:
    """What seasonal_arima leaves, tested per series (stats/residuals.py)."""
    series = {f"s{i}": {"errors": 95, "lags": 12, "ljung_box_p": 0.78 if quiet else 0.001,
                        "bds_p": 0.085 if quiet else 0.3, "noise": quiet}
              for i, quiet in enumerate(noise)}
    return {"seasonal_arima": {"kind": "arima", "series": series, "tested": len(noise), "noise": sum(noise),
                               "inputs": list(inputs)}}


def test_the_verdict_says_what_the_best_statistical_model_leaves(spec, write_study):
    """Where the model does not beat the best statistical baseline: noise in its errors
    says a tie is the likely best; dependence left points to more trials or folds, and to a
    hybrid unless the space already searches that base; a win, or no tests, adds nothing."""
    tie = judged(15.76, {"seasonal_arima": ("ties", 0.087)})
    tie.leftover = left([True])
    assert verdict(spec, tie).endswith(
        "What seasonal_arima leaves cannot be told from noise: its one-step errors before the "
        "test part pass both tests of dependence (Ljung-Box p = 0.78 up to lag 12, BDS p = "
        "0.085), so the series' own past holds little more for any model to learn, and a tie "
        "is the likely best here.")
    tie.leftover = left([True], inputs=("x0",))
    assert verdict(spec, tie).endswith("learn; what the inputs add is not tested.")
    lose = judged(18.33, {"seasonal_arima": ("loses", 0.01)})
    lose.leftover = left([True, False, False])
    assert verdict(spec, lose).endswith(
        "seasonal_arima's one-step errors before the test part still depend on the past (in "
        "2 of 3 series), so a model may learn more than it: more trials (budget.trials) or "
        "validation folds (split.folds) may find it, or a hybrid on it (space.base: [arima]).")
    hybrid = load_spec(write_study(tiny_study(space={**tiny_study()["space"],
                                                     "base": ["none", "arima"]}), "h.yaml"))
    assert verdict(hybrid, lose).endswith("validation folds (split.folds) may find it.")
    win = judged(12.0, {"seasonal_arima": ("beats", 0.01)})
    win.leftover = left([True])
    assert "leaves" not in verdict(spec, win)
    assert "leaves" not in verdict(spec, judged(15.76, {"seasonal_arima": ("ties", 0.087)}))


def test_a_test_metric_far_below_validation_is_flagged_with_what_to_do(spec):
    ev = evaluation(18.75)  # validation 11.9: 58% worse
    ev.predictions = {"validation": {"actual": [0.0] * 12}}
    said = validation_drop(spec, ev)
    assert said.startswith("Test RMSE 18.75 is 58% worse than the best trial's validation "
                           "RMSE 11.9") and "12 validation points" in said
    assert "split.folds: 3" in said and "final.model: ensemble" in said
    assert validation_drop(spec, evaluation(14.8)) is None  # 24% worse: within reach of luck
    assert validation_drop(spec, evaluation(9.0)) is None  # better on test


def test_overlapping_paths_are_counted_in_words(write_study):
    """Paths of 4 steps from 5 or 10 origins overlap: about 1 or 2 independent ones."""
    four = load_spec(write_study(tiny_study(horizon=4), "h4.yaml"))
    for n, said in ((5, "about 1 independent one, so"), (10, "about 2 independent ones, so")):
        ev = judged(18.33, {"persistence": ("ties", 0.3)})
        ev.significance["persistence"]["n"] = n
        assert said in verdict(four, ev)


def test_intervals_too_narrow_for_the_test_part_are_said_so():
    """22 of 40 one-step values inside 80% intervals cannot be chance (p < 0.01); 17 of 24
    can (71%, p = 0.2), and so can every value inside."""
    from lstm_tune.cli import _coverage_line
    from lstm_tune.evaluate.evaluation import too_narrow

    one = np.arange(40) < 22
    flagged = too_narrow(one[:, None], np.zeros(40, int), np.arange(40), 80)
    assert flagged["step"] == 1 and (flagged["inside"], flagged["points"]) == (22, 40)
    assert flagged["p"] < 0.001
    assert too_narrow((np.arange(24) < 17)[:, None], np.zeros(24, int), np.arange(24),
                      80) is None
    assert too_narrow(np.ones((24, 1), bool), np.zeros(24, int), np.arange(24), 95) is None
    iv = {"levels": [80, 95], "coverage": {"80": [0.55], "95": [0.88]},
          "errors_per_step": [80], "narrow": {"80": flagged, "95": None}}
    line = _coverage_line(iv)
    assert line.startswith("test intervals: 80% cover 55%, 95% cover 88% of the test points")
    assert line.endswith("; too narrow for the test part, whose errors are larger than the "
                         "validation part's: the 80% ones hold 22 of 40 values one step "
                         "ahead (binomial test, p < 0.01)")
    iv["narrow"] = {"80": None, "95": None}
    assert "narrow" not in _coverage_line(iv)


def test_intervals_too_narrow_further_ahead_are_counted_on_origins_that_share_no_step():
    """Four steps ahead, paths from neighbouring origins share three steps of the series, so
    one shock lands outside four paths: only every fourth origin's value is counted, per
    series, and the p-value is multiplied by the four steps tried."""
    from lstm_tune.cli import _coverage_line
    from lstm_tune.evaluate.evaluation import apart, too_narrow

    series = np.repeat([0, 1], 20)
    origins = np.concatenate([np.arange(100, 120), np.arange(300, 320)])  # each row's position
    counted = apart(series, origins, 4)
    assert np.flatnonzero(counted).tolist() == [0, 4, 8, 12, 16, 20, 24, 28, 32, 36]
    # what is counted follows the origins' positions, not the rows' order
    shuffled = np.random.default_rng(0).permutation(40)
    assert (apart(series[shuffled], origins[shuffled], 4) == counted[shuffled]).all()
    within = np.ones((40, 4), bool)
    within[:, 3] = ~counted  # every counted four-step value outside, none other
    flagged = too_narrow(within, series, origins, 95)
    assert (flagged["step"], flagged["inside"], flagged["points"]) == (4, 0, 10)
    assert flagged["p"] == pytest.approx(4 * 0.05 ** 10)
    within[:, 3] = counted  # the same count of values outside, none of them counted
    assert too_narrow(within, series, origins, 95) is None
    iv = {"levels": [80, 95], "coverage": {"80": [1.0] * 4, "95": [1.0, 1.0, 1.0, 0.75]},
          "errors_per_step": [80] * 4, "narrow": {"80": None, "95": flagged}}
    assert _coverage_line(iv).endswith(
        "part's: the 95% ones hold 0 of 10 values 4 steps ahead (counted on origins that many "
        "steps apart; binomial test, Bonferroni over the steps, p < 0.01)")
    iv["narrow"]["80"] = {**flagged, "step": 2, "inside": 3}
    assert "part's: the 80% ones hold 3 of 10 values 2 steps ahead and the 95% ones 0 of 10 " \
        "values 4 steps ahead (" in _coverage_line(iv)


def test_a_drop_the_naive_forecast_shares_is_said_to_be_the_datas(spec):
    """Persistence twice as wrong on the test part as on validation: the test part is
    harder for any model; luck is blamed only for the part of the drop beyond that."""
    shared = evaluation(18.75)  # 58% worse; persistence 100% worse
    shared.reference = {"name": "persistence", "validation": 25.0, "test": 50.0}
    said = validation_drop(spec, shared)
    assert said == ("Test RMSE 18.75 is 58% worse than the best trial's validation RMSE 11.9, "
                    "and persistence's is 100% worse on the test part than on the validation "
                    "part (25 to 50): the test part is harder to forecast for any model, so "
                    "the drop is the data's more than the search's pick.")
    beyond = evaluation(40.0)  # 236% worse: more than twice persistence's drop
    beyond.reference = shared.reference
    said = validation_drop(spec, beyond)
    assert "harder to forecast for any model" in said and "larger still" in said
    assert "owes to luck" in said and "split.folds: 3" in said
    steady = evaluation(18.75)  # persistence 10% worse: the drop is the pick's
    steady.reference = {"name": "persistence", "validation": 47.2, "test": 51.8}
    assert "harder" not in validation_drop(spec, steady)
    assert "owes to luck" in validation_drop(spec, steady)


def test_the_dashboard_note_carries_the_verdict_and_the_report(spec, tmp_path):
    ev = judged(18.33, {"persistence": ("beats", 0.0001), "seasonal_arima": ("loses", 0.01)})
    text = note_text(spec, ev, tmp_path / "index.html")
    assert "loses to seasonal_arima (15.28, p = 0.01)" in text
    assert "| seasonal_arima | 15.28 | seasonal_arima method |" in text
    assert f"]({(tmp_path / 'index.html').resolve().as_uri()})" in text  # a link, not a path
    # the report's importances, named, and why the dashboard's panel may order them otherwise
    text = note_text(spec, ev, tmp_path / "index.html", {"learning_rate": 0.61, "units_1": 0.2},
                     "abc-123")
    assert "fANOVA" in text and "learning_rate 0.61, units_1 0.20" in text
    assert "PED-ANOVA" in text and "study artifact `abc-123`" in text
    assert str((tmp_path / "index.html").resolve()) in text


def test_the_note_of_a_panel_path_gives_the_error_by_step_and_the_series(spec, tmp_path):
    ev = evaluation(18.33)
    ev.by_step = {"model": [10.0, 20.0, 30.0], "seasonal_arima": [9.0, 19.0, 29.0]}
    ev.by_series = {"north": {"rmse": 4.0}, "south": {"rmse": 40.0}, "east": {"rmse": 2.0}}
    text = note_text(spec, ev, tmp_path / "index.html")
    assert "| test RMSE by step ahead | 1 | 2 | 3 |" in text
    assert "| best model | 10 | 20 | 30 |" in text and "| seasonal_arima | 9 | 19 | 29 |" in text
    assert "3 series; best east, worst south (test RMSE)" in text
    assert "by step ahead" not in note_text(spec, evaluation(18.33), tmp_path / "index.html")


def test_ga_and_pso_warn_when_the_budget_never_evolves(write_study):
    ga = load_spec(write_study(tiny_study(strategy="ga", ga={"population_size": 8})))
    assert "every trial is in generation 0 (random search)" in evolution_warning(ga, 6)
    assert "--trials 16" in evolution_warning(ga, 6)
    assert "only 4 trial(s) evolve" in evolution_warning(ga, 12)
    assert evolution_warning(ga, 16) is None
    pso = load_spec(write_study(tiny_study(strategy="pso", pso={"swarm_size": 4})))
    assert "swarm of 4" in evolution_warning(pso, 3) and "swarm_size" in evolution_warning(pso, 3)
    assert evolution_warning(load_spec(write_study(tiny_study())), 2) is None  # tpe


def test_progress_prints_each_finished_trial_once_with_the_best_so_far():
    lines: list[str] = []
    log = TrialLog("val_rmse", True, lines.append)
    study = optuna.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + 5, n_trials=1)
    log(study)  # the state before this run: not printed
    assert lines == []
    study.enqueue_trial({"x": 0.5})
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + 9, n_trials=1)
    log(study)
    log(study)
    assert len(lines) == 2
    assert lines[0].startswith("trial 1: complete, val_rmse 0.5; best 0.5 (#1);")
    assert lines[1].startswith("trial 2: complete, val_rmse 9.") and "best 0.5 (#1)" in lines[1]
    assert all(line.endswith(" s elapsed") for line in lines)
