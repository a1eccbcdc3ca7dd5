"""The values the stages after the search pass forward (evaluate/tested.py): read from the
storage once, then evaluated and explained without it."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from lstm_tune.errors import StudyError
from lstm_tune.evaluate.evaluation import evaluate, evaluate_study
from lstm_tune.evaluate.tested import read_explained, read_tested
from lstm_tune.explain.run import explain, explain_trial
from lstm_tune.spec import storage_file
from tests.conftest import TINY_SPACE, tiny_study
from tests.searched import searched


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tested")
    spec, opened = searched(folder, tiny_study(final={"seeds": 2}), trials=2)
    return folder, spec, opened


def test_evaluate_and_explain_read_nothing_from_the_storage(study):
    """With the values read, the storage and its artifacts can go: the evaluation and the
    explanation are those of the study read from the storage."""
    _, spec, opened = study
    stored = evaluate_study(spec, opened)
    tested, explained = read_tested(spec, opened), read_explained(spec, opened)
    shutil.rmtree(spec.artifact_dir)
    storage_file(spec.storage_url).unlink()
    again = evaluate(spec, tested)
    assert again.test == stored.test
    assert again.spread == stored.spread and len(again.spread["rmse"]["values"]) == 2
    assert again.predictions == stored.predictions
    assert again.model == stored.model and again.trial == stored.trial
    result = explain(spec, explained, samples=3, methods=("attention",))
    assert result.trial == stored.final["trials"][0]
    assert np.isfinite(result.errors).all() and len(result.errors) == 3


def test_attention_alone_on_a_model_without_attention_is_refused_with_the_fix(tmp_path):
    """There is nothing to show: one line naming --methods and what to do (it ended in a
    StopIteration traceback while drawing the deletion curves of no explainer)."""
    spec, opened = searched(tmp_path, tiny_study(space={**TINY_SPACE, "attention": False}),
                            trials=1)
    with pytest.raises(StudyError) as err:
        explain_trial(spec, opened, samples=3, methods=("attention",))
    assert ": --methods: the explained model has no attention layer" in err.value.line()
    assert err.value.line().endswith("fix: add shap or lime to --methods, or explain a trial "
                                      "whose model has attention (--trial N)")
    assert explain_trial(spec, opened, samples=3, methods=("attention", "lime")).attributions
