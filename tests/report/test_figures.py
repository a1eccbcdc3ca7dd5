"""What the study report's figures say on their axes and legends: the metric as the tables
name it (RMSE, not val_rmse), trials counted in whole numbers. A real study searched in
this process, its report rendered with each figure's text kept before it becomes a PNG."""

from __future__ import annotations

import pytest

from tests.conftest import tiny_study
from tests.searched import searched

pytestmark = pytest.mark.slow


def test_figures_name_the_metric_as_the_tables_do(tmp_path, monkeypatch):
    import lstm_tune.report.figures as figures
    from lstm_tune.api import Study

    texts: dict[str, list[str]] = {}
    drawn = figures.png

    def keep(fig, *args, **kwargs):
        for ax in fig.axes:
            legend = ax.get_legend()
            texts[ax.get_title()] = [ax.get_xlabel(), ax.get_ylabel()] + (
                [t.get_text() for t in legend.get_texts()] if legend else [])
            if ax.get_xlabel() == "trial":
                ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
                assert all(float(t).is_integer() for t in ticks), ticks
        return drawn(fig, *args, **kwargs)

    monkeypatch.setattr(figures, "png", keep)
    spec, _ = searched(tmp_path, tiny_study(horizon=2, budget={"trials": 2}), trials=2)
    Study(spec).report()
    assert texts["Optimisation history"][1] == "validation RMSE"
    assert texts["Best model against the baselines, test split"][1] == \
        "test RMSE (lower is better)"
    assert texts["Error by step ahead"][1] == "test RMSE (lower is better)"
    assert "validation RMSE" in texts["The best trial's learning curve"]
    assert "test RMSE" in texts["The best trial's learning curve"]
    words = " ".join(w for ws in texts.values() for w in ws)
    assert "rmse" not in words, texts


def test_the_whole_series_marks_the_values_data_missing_carried(monkeypatch):
    """A filled series' carried values are drawn as marks of their own, named in the
    legend, at exactly those steps, in the whole series and before the forecast past it;
    a series with nothing carried has no such marks."""
    import numpy as np

    import lstm_tune.report.figures as figures

    drawn: list[dict] = []

    def keep(fig, *args, **kwargs):
        ax = fig.axes[0]
        drawn.append({line.get_label(): line.get_xdata() for line in ax.get_lines()})
        return b""

    monkeypatch.setattr(figures, "png", keep)
    series = np.arange(10.0)
    observed = np.ones(10, dtype=bool)
    observed[[3, 4, 8]] = False
    preds = {"test": {"target_idx": [7, 8, 9], "predicted": [7.0, 8.0, 9.0]}}
    times = [str(i) for i in range(10)]
    figures.predictions(times, series, preds, "y", observed)
    figures.predictions(times, series, preds, "y", np.ones(10, dtype=bool))
    figures.predictions(times, series, preds, "y")
    row = {"forecast": 10.0, "time": "10"}
    figures.future(times, series, [row], "y", 4, None, observed)  # the last 4: 6-9
    figures.future(times, series, [row], "y", 4, None)
    assert list(drawn[0]["carried (not in the file)"]) == [3, 4, 8]
    assert list(drawn[3]["carried (not in the file)"]) == [8]
    assert all("carried (not in the file)" not in d for d in drawn[1:3] + drawn[4:])
