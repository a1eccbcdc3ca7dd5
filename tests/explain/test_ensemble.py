"""An ensemble final model explained as one model (explain/ensemble.py): the mean of its
members where their mean is what the study tested, else one member, said so."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from lstm_tune.data.framing import load_data
from lstm_tune.evaluate.evaluation import evaluate_study
from lstm_tune.explain.run import explain_trial
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.search.objective import Objective
from lstm_tune.search.storage import load_study
from lstm_tune.search.study import open_study
from lstm_tune.spec import load_spec

from tests.conftest import TINY_SPACE, tiny_study


def searched(folder, transforms: tuple[str, str]):
    """A study of two trials (those transforms, two learning rates) whose final model is
    the ensemble of both, evaluated."""
    space = {**TINY_SPACE, "layers": 1, "units": 4, "batch_size": 16, "attention": True}
    study_file = tiny_study(split={"validation": 12, "test": 24}, space=space,
                            budget={"trials": 2}, final={"model": "ensemble", "top": 2})
    (folder / "study.yaml").write_text(yaml.safe_dump(study_file))
    spec = load_spec(folder / "study.yaml")
    study = open_study(spec)
    for transform, rate in zip(transforms, (0.01, 0.02)):
        study.enqueue_trial({"transform": transform, "learning_rate": rate})
    study.optimize(Objective(spec, load_data(spec.data_settings), artifact_store(spec)),
                   n_trials=2)
    return spec, load_study(spec), evaluate_study(spec, load_study(spec))


def test_members_that_read_the_data_alike_are_explained_as_their_mean(tmp_path):
    spec, study, evaluation = searched(tmp_path, ("none", "none"))
    result = explain_trial(spec, study, None, 20, ("shap", "attention"))
    assert result.model.startswith("the final model, the mean of trials #")
    assert result.model.endswith("explained as one model")
    # the explained model's parameters are every member's, side by side
    assert result.params["trial"].count("#") == 2 and " / " in result.params["learning_rate"]
    # the explained model predicts what the study tested: the ensemble's test forecasts
    tested = dict(zip(evaluation.predictions["test"]["labels"],
                      evaluation.predictions["test"]["predicted"]))
    shown = [(label, p) for label, p in zip(result.labels, result.predicted) if label in tested]
    assert len(shown) == 20
    for label, predicted in shown:
        assert predicted == pytest.approx(tested[label], rel=1e-5), label
    assert "the mean of the ensemble's 2 members'" in result.attributions["attention"].method
    weights = result.attributions["attention"].values[..., 0]
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)


def test_members_that_read_the_data_differently_explain_one_member_and_say_so(tmp_path):
    spec, study, _ = searched(tmp_path, ("none", "log_seasonal_diff"))
    result = explain_trial(spec, study, None, 10, ("shap",))
    assert "refitted member of the final model" in result.model
    assert "one member is explained" in result.model
