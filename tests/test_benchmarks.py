"""The benchmarks keep working: every suite runs in its smallest form and prints its table.

They run in the test process (which has imported TensorFlow and started the server that
worker processes fork from), as `python -m benchmarks ...` runs them: the same `main`."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.slow


def run_main(module: str, *args: str, monkeypatch, capsys) -> str:
    """What `python -m <module> <args>` prints (its `main`, in this process)."""
    import importlib

    main = importlib.import_module(module).main
    monkeypatch.setattr(sys, "argv", [module, *args])
    capsys.readouterr()
    main()
    return capsys.readouterr().out


# two halves, so that the test processes (pytest-xdist) run them side by side
HALVES = {
    "quality,workers": ("## quality (medians over seeds)", "## baselines on the same test points",
                        "## pruning", "## workers", "| lstm_tune TPE (pruned) |",
                        "| plain Optuna TPE script |", "baseline seasonal_naive | 49.99"),
    "speedups,overhead,memory,explain": ("## speed changes", "## overhead per trial", "## memory",
                                         "## explanation speed"),
}


@pytest.mark.parametrize("suites", list(HALVES))
def test_every_benchmark_suite_runs_in_smoke_mode(tmp_path, suites, monkeypatch, capsys):
    out = run_main("benchmarks.__main__", "--smoke", "--suites", suites, "--out", str(tmp_path),
                   monkeypatch=monkeypatch, capsys=capsys)
    for words in HALVES[suites]:
        assert words in out, words
    assert any(p.suffix == ".csv" for p in tmp_path.iterdir())


def test_the_weekly_speed_benchmark_runs_in_smoke_mode(monkeypatch, capsys):
    out = run_main("benchmarks.weekly", "--smoke", "--trials", "0", monkeypatch=monkeypatch,
                   capsys=capsys)
    assert "| weekly (2039 windows x 52) | LSTM(16) | 64 | on |" in out
    assert "compute bound s" in out


def test_pruning_replay_stops_curves_where_the_pruner_and_patience_say():
    import optuna

    from benchmarks.pruning import Curve, replay

    flat = [1.0, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.5, 0.5, 0.5]  # best at epoch 7
    bad = [5.0] * 10
    curves = [Curve(i, flat, 1.0, 4) for i in range(3)] + [Curve(3, bad, 2.0, 2)]
    none = replay(curves, optuna.pruners.NopPruner(), patience=10)
    assert none["epochs"] == 40 and none["pruned"] == 0 and none["best validation"] == 0.5
    # patience 2: stop two epochs after the best, as Keras' early stopping does (epoch 7 ->
    # 9 epochs; the flat bad curve: 3), and keep the best value
    short = replay(curves, optuna.pruners.NopPruner(), patience=2)
    assert short["epochs"] == 3 * 9 + 3 and short["best validation"] == 0.5
    # the median of three finished curves prunes the bad one after its warm-up epoch
    median = replay(curves, optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1),
                    patience=10)
    assert median["pruned"] == 1 and median["epochs"] == 30 + 2
    assert median["train s"] == 30 * 1.0 + 2 * 2.0
    # by updates: the bad curve has half the updates an epoch, so its first rung (8 updates)
    # comes after 4 epochs, not 2
    from lstm_tune.search.pruners import UpdateHalvingPruner

    halving = replay(curves, UpdateHalvingPruner(first_rung=8), patience=10)
    assert halving["pruned"] == 1 and halving["epochs"] == 30 + 4


def test_forecast_variants_join_with_plus_and_refuse_unknown_parts():
    from benchmarks.forecasts import study_file, variant

    study = variant(study_file("airline"), "base_arima+folds3")
    assert study["space"]["base"] == ["arima"] and study["split"]["folds"] == 3
    assert study["split"]["test"] == 24 and "transform" in study["space"]  # the rest kept
    assert variant(study_file("airline"), "hybrid")["space"]["base"] == ["none", "ets", "arima"]
    assert variant(study_file("airline"), "shipped") == study_file("airline")
    with pytest.raises(SystemExit, match="unknown"):
        variant(study_file("airline"), "shipped+nonsense")


def test_a_problem_of_the_archive_beside_the_repository_is_read_as_its_ts_files():
    from benchmarks.classifiers import study_file

    from lstm_tune.data.sequences import load_sequences
    from lstm_tune.spec import spec_from_dict

    study = study_file("osuleaf", "default")
    assert study["data"]["ts"].endswith("OSULeaf_TRAIN.ts.gz")
    seqs = load_sequences(spec_from_dict(study, "osuleaf.yaml").data_settings)
    assert len(seqs) == 200 + 242 and set(seqs.lengths) == {427}  # the published split
    assert len(set(seqs.labels)) == 6 and study_file("gunpoint", "plain")["data"] == {
        "builtin": "gunpoint"}


def test_the_residuals_benchmark_tests_what_the_airline_arima_leaves(monkeypatch, capsys):
    """Its errors before the test part pass both tests (the figure docs/benchmarks.md
    gives), and the test RMSE is the baseline's."""
    out = run_main("benchmarks.residuals", "--studies", "airline", "--resamples", "50",
                   monkeypatch=monkeypatch, capsys=capsys)
    assert "| airline | airline | seasonal_arima | 95 | 12 | 0.7802 | 0.08458 | yes | 15.28 |" \
        in out


def test_the_recursion_benchmark_compares_the_kept_filter_with_filtering_anew(monkeypatch,
                                                                              capsys):
    from benchmarks.recursion import run

    rows = run(calls=3, series=("airline",))
    assert [r["model"] for r in rows] == ["seasonal_arima", "ets"]
    for r in rows:
        assert r["max relative difference"] < 1e-8 and r["calibration calls"] == 816
    out = run_main("benchmarks.recursion", "--calls", "2", "--series", "airline",
                   monkeypatch=monkeypatch, capsys=capsys)
    assert "| airline | seasonal_arima | 2 |" in out


def test_the_statistical_benchmark_says_what_validation_would_choose(monkeypatch, capsys):
    """Each model on logs and on values and each ETS-ARIMA mean, on the validation and the
    test part: the shipped ARIMA's test figure is the baseline's, and one row is chosen, the
    lowest on validation (one part, or three rolling ones)."""
    from benchmarks.statistical import study_rows

    rows = study_rows("airline")
    assert len(rows) == 8 and [r["chosen"] for r in rows].count("yes") == 1
    chosen = next(r for r in rows if r["chosen"])
    assert chosen["validation RMSE"] == min(r["validation RMSE"] for r in rows)
    by_name = {r["model"]: r for r in rows}
    assert round(by_name["seasonal_arima, logs"]["test RMSE"], 2) == 15.28
    # each scale is fitted as asked: on the values the ARIMA is another model (17.05)
    assert abs(by_name["seasonal_arima, values"]["test RMSE"] - 15.28) > 1
    # three rolling validation years choose the shipped ARIMA on logs, on more points
    rolling = study_rows("airline", folds=3)
    chosen = next(r for r in rolling if r["chosen"])
    assert chosen["model"] == "seasonal_arima, logs" and chosen["folds"] == 3
    assert [r["test RMSE"] for r in rolling] == [r["test RMSE"] for r in rows]
    out = run_main("benchmarks.statistical", "--studies", "airline", "--folds", "1+3",
                   monkeypatch=monkeypatch, capsys=capsys)
    assert "| airline | 1 | mean of ets, values and seasonal_arima, logs |" in out
    assert "| airline | 3 | seasonal_arima, logs |" in out
