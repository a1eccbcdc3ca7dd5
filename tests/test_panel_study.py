"""A study of many series forecast several steps ahead, end to end: built in Python from a
long DataFrame, run, reported (every series listed, error by step ahead) and explained for
one series and step through the commands."""

from __future__ import annotations

import json

import pytest

from tests.browser import open_page
from tests.conftest import TINY_SPACE, run_cli

pytestmark = pytest.mark.slow


def test_a_panel_study_from_python_to_the_report(tmp_path, monkeypatch):
    from lstm_tune import Study

    monkeypatch.chdir(tmp_path)  # reports go to ./reports
    import lstm_tune.report.figures as figures
    from lstm_tune.data.builtin import BUILTINS

    titles: list[str] = []  # each figure's title, kept before it becomes a PNG
    drawn = figures.png
    monkeypatch.setattr(figures, "png", lambda fig, *a, **k: (
        titles.extend(ax.get_title() for ax in fig.axes), drawn(fig, *a, **k))[1])

    frame = BUILTINS["synthetic_panel"].load()
    frame = frame[frame["step"] < 150]  # 6 series x 150 steps
    study = Study.from_frame(
        "stores", frame, "y", tmp_path, series="series", time="step", features=["x0", "x1", "x2"],
        target_as_input=False, window=6, horizon=2, split={"validation": 20, "test": 20},
        space={**TINY_SPACE, "transform": "none", "attention": True},
        training={"max_epochs": 4, "patience": 2}, budget={"trials": 2}, seed=3)
    study.run()
    ev = study.evaluation
    names = [f"s{i}" for i in range(6)]
    assert list(ev.test)[:4] == ["mase", "rmse", "mae", "smape"]  # a panel is judged by MASE
    assert sorted(ev.by_series) == names
    # steps counted by numbers: no season, so no seasonal naive (it would be persistence)
    # and an ARIMA without one
    assert set(ev.by_step) >= {"model", "persistence", "ets", "arima"}
    assert "seasonal_naive" not in ev.by_step and "seasonal_arima" not in ev.by_step
    assert all(len(v) == 2 for v in ev.by_step.values())
    assert len(ev.predictions["test"]["predicted"]) == 6 * 19  # 19 two-step paths per series
    page = open_page(tmp_path / "reports" / "stores" / "index.html")
    assert page.broken_images == 0 and page.console_errors == []
    for words in ("Series (6), best first", "Error by step ahead", "cut from each of 6 series",
                  "the next 2 steps after the window", "Intervals on the test part",
                  "Widths are in each series' scale", "Forecast past the data",
                  "the time column 'step' counts steps, not dates", *names):
        assert words in page.text, words
    # no mean over series of different units: RMSE and MAE are per series only
    summary_table = page.text.split("Test split, against baselines")[1].split("Intervals")[0]
    assert "test MASE" in summary_table and "test RMSE" not in summary_table
    assert "given per series below" in summary_table
    assert page.long_numbers(before="Reproduce the best model") == []
    # metrics named as the tables name them, in the series table and the series' figures
    assert "sMAPE" in page.text and "SMAPE" not in page.text
    assert "Diebold-Mariano test with Harvey, Leybourne & Newbold's small-sample correction " \
        "on the MASE loss" in page.text
    series_titles = [t for t in titles if t.startswith("Series ")]
    assert series_titles and all(": test MASE " in t for t in series_titles), series_titles

    study.to_yaml(tmp_path / "stores.yaml")
    result = run_cli("summary", "stores.yaml", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-1500:]
    info = json.loads(result.stdout)["evaluation"]
    assert sorted(info["by_series"]) == names and len(info["by_step"]["model"]) == 2
    result = run_cli("explain", "stores.yaml", "--series", "s4", "--step", "2", "--samples", "6",
                     "--origin", "120", "--methods", "lime,attention", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-1500:]
    page = open_page(tmp_path / "reports" / "stores" / "explain.html")
    assert page.broken_images == 0 and page.console_errors == []
    assert "2 step(s) ahead" in page.text and "series 's4'" in page.text
    assert "windows ending at 120 and before" in page.text
    assert "errors over each series' scale" in page.text  # ranked across units by MASE's scale
    assert page.long_numbers() == []
    assert json.loads(result.stdout)["windows"] == 6
    result = run_cli("explain", "stores.yaml", "--series", "s9", cwd=tmp_path)
    assert result.returncode == 2 and "--series: no series 's9'" in result.stderr
    result = run_cli("explain", "stores.yaml", "--origin", "1999", cwd=tmp_path)
    assert result.returncode == 2 and "--origin: no window ends at '1999'" in result.stderr
