"""Explaining sequences of different lengths: every explainer runs on the masked model,
gives padded steps nothing, and explains each sequence as the model reads it alone."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tune.data.padded import make_sequence_dataset
from lstm_tune.data.sequences import Sequences
from lstm_tune.data.settings import DataSettings
from lstm_tune.explain.context import ExplainContext
from lstm_tune.explain.run import EXPLAINERS, explain_model
from lstm_tune.model.train import fit


@pytest.fixture(scope="module")
def padded():
    rng = np.random.default_rng(3)
    values = [rng.standard_normal((int(n), 2)) for n in rng.integers(4, 9, 120)]
    labels = np.array(["hi" if v[-1, 0] > 0 else "lo" for v in values])
    seqs = Sequences("s", tuple(str(i) for i in range(120)), tuple(values), labels, ("a", "b"),
                     "class", np.full(120, ""))
    data = make_sequence_dataset(DataSettings("s", task="classify", validation=0.2, test=0.2),
                                 seqs)
    assert data.masked
    params = {"layers": 1, "units_1": 8, "learning_rate": 0.01, "batch_size": 16,
              "attention": True}
    model = fit(params, data, max_epochs=3, patience=3, seed=0).model
    x = data.test.x[:6]
    lengths = data.lengths_at(data.test.target_idx[:6])
    return ExplainContext(model, data, seed=0, lengths=lengths, lime_samples=300), x, lengths


@pytest.mark.parametrize("method", list(EXPLAINERS))
def test_padded_steps_get_nothing(padded, method):
    ctx, x, lengths = padded
    attr = EXPLAINERS[method](ctx, x, 1)
    assert attr.values.shape[:2] == x.shape[:2] and np.all(np.isfinite(attr.values))
    for row, n in enumerate(lengths):
        assert np.all(attr.values[row, n:] == 0.0), (method, row, n)
        assert np.any(attr.values[row, :n] != 0.0), (method, row, n)


def test_perturbed_inputs_keep_each_sequence_length(padded):
    """What the explainers feed the model is read as the sequence alone would be."""
    ctx, x, lengths = padded
    noisy = x + np.random.default_rng(0).normal(0, 1, x.shape).astype("float32")
    out = ctx.raw_output(noisy)
    for row, n in enumerate(lengths):
        alone = np.asarray(ctx.model(noisy[row: row + 1, :n], training=False))
        np.testing.assert_allclose(out[row], alone[0], rtol=1e-5, atol=1e-6)


def test_the_predicted_class_is_explained_per_sequence(padded):
    ctx, x, _ = padded
    predicted = ctx.raw_output(x).argmax(axis=1)
    attributions, faith, _, _ = explain_model(ctx, x, [], ("shap",), predicted)
    np.testing.assert_allclose(attributions["shap"].predictions,
                               ctx.raw_output(x)[np.arange(len(x)), predicted], rtol=1e-5)
    assert attributions["shap"].output == "probability of the predicted class"
    assert faith["shap"].deletion.ratio > 0
