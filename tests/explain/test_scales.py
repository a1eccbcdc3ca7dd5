"""An airline model that reads log changes: its waterfall names one scale, its numbers add up
in it, its cells show what the model read beside the passengers, and its title maps the
output to passengers."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tune.explain.run import explain_trial
from lstm_tune.report.explain_words import describe_window
from lstm_tune.report.explain_page import waterfall_title

from tests.searched import searched

pytestmark = pytest.mark.slow

AIRLINE = {
    "name": "scales", "data": {"builtin": "airline"}, "window": 12, "season": 12,
    "split": {"validation": 12, "test": 24},
    "space": {"layers": 1, "units": 8, "learning_rate": 0.01, "dropout": 0.0,
              "batch_size": 16, "transform": "log_diff"},
    "training": {"max_epochs": 4, "patience": 2}, "budget": {"trials": 1}, "pruner": "none",
}


def test_an_airline_waterfall_is_in_one_named_scale_mapped_to_passengers(tmp_path):
    spec, study = searched(tmp_path, AIRLINE, trials=1)
    result = explain_trial(spec, study, samples=4, methods=("shap", "lime"))
    assert "log change" in result.output_scale and "standardised" in result.output_scale
    for name in ("shap", "lime"):
        attr = result.attributions[name]
        # base + contributions + the unattributed rest = f(x), all in the model's scale
        rest = attr.predictions - attr.base_values - attr.values.reshape(4, -1).sum(axis=1)
        assert np.all(np.isfinite(rest))
        title = waterfall_title(result, name, 3)
        fx = float(title.split("f(x) = ")[1].split(" ")[0])
        assert fx == pytest.approx(float(attr.predictions[3]), rel=1e-3)
        assert f"predicted {result.predicted[3]:.4g} passengers" in title
        # the cells the model read are log changes (small), the data's are passengers
        said = describe_window(result, name, 3)
        read = [float(v.split("value ")[1].split(";")[0]) for v in said.split("(")[2:]
                if v.startswith("value ")]
        assert read and all(abs(v) < 1 for v in read), said
        assert "in the data)" in said
