"""SHAP for Keras LSTMs at time-step x feature granularity.

Measured here: DeepExplainer fails on LSTMs (no gradient for TensorListStack); the
GradientExplainer (expected gradients) works, is fast and finds the informative cells of a
known task. Expected gradients are additive in expectation (over background and path
points), not exactly for each window.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstm_tune.explain.attribution import Attribution
from lstm_tune.explain.context import ExplainContext, Output

METHOD = "SHAP GradientExplainer (expected gradients)"


def _values(explainer: Any, x: np.ndarray, ctx: ExplainContext) -> np.ndarray:
    """Expected gradients of every output: (samples, steps, features, outputs)."""
    raw = explainer.shap_values(x, nsamples=ctx.shap_samples, rseed=ctx.seed)
    values = np.stack(raw, axis=-1) if isinstance(raw, list) else np.asarray(raw)
    return values if values.ndim == 4 else values[..., None]


def _explainer(ctx: ExplainContext, background: np.ndarray) -> Any:
    import shap

    return shap.GradientExplainer(ctx.fixed_model, background, batch_size=64)


def _with_background(explainer: Any, background: np.ndarray) -> Any:
    """The same explainer against another background. Its gradient functions are traced
    once per output and kept: a new explainer per background retraced the masked LSTM's
    gradient for every output and length (minutes for 9 classes x 15 lengths)."""
    explainer.explainer.data = [background]
    return explainer


def _all_outputs(ctx: ExplainContext, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SHAP values and base values of every output, and the reference input, computed once
    per context and input (the explained class and every class's page share them)."""
    if ctx.cache is None:
        return _compute_all_outputs(ctx, x)
    key = ("shap", x.shape, hash(np.ascontiguousarray(x).tobytes()))
    if key not in ctx.cache:
        ctx.cache[key] = _compute_all_outputs(ctx, x)
    return ctx.cache[key]


def _compute_all_outputs(ctx: ExplainContext, x: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """See _all_outputs.

    Padded sequences are explained in groups of one length, each against a background cut
    to that length (its steps past the end are padding, its missing steps the training
    mean), so the paths from background to input never turn padding into data.
    """
    background = ctx.background()
    if ctx.data.masked and ctx.lengths is not None:
        outputs = int(ctx.fixed_model.output_shape[-1])  # what SHAP explains: each class
        values = np.zeros((*x.shape, outputs))
        bases = np.zeros((len(x), outputs))
        explainer = _explainer(ctx, background)
        for length in np.unique(ctx.lengths):
            rows = np.flatnonzero(ctx.lengths == length)
            bg = ctx.impose_padding(background, np.array([length]))
            values[rows] = _values(_with_background(explainer, bg), x[rows], ctx)
            bases[rows] = ctx.raw_output(bg, np.array([length])).mean(axis=0)
        longest = np.array([int(ctx.lengths.max())])
        return values, bases, ctx.impose_padding(background, longest).mean(axis=0)
    values = _values(_explainer(ctx, background), x, ctx)
    explained = np.asarray(ctx.fixed_model(background.astype(np.float32), training=False))
    mean = explained.reshape(len(background), -1).mean(axis=0, keepdims=True)
    return values, np.repeat(mean, len(x), axis=0), background.mean(axis=0)


def _pick(ctx: ExplainContext, x: np.ndarray, output: Output,
          computed: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Attribution:
    values, bases, reference = computed
    pick = np.resize(np.asarray(output if output is not None else 0), len(x))
    rows = np.arange(len(x))
    return Attribution(
        values=values[rows, ..., pick].astype(np.float64), base_values=bases[rows, pick],
        data=ctx.unscaled(x), feature_names=ctx.feature_names, step_names=ctx.step_names,
        method=METHOD, output=ctx.output_name(output), predictions=ctx.output(x, output),
        additivity="expected", reference=reference,
    )


def explain_shap(ctx: ExplainContext, x: np.ndarray, output: Output = None) -> Attribution:
    """SHAP values of one output (a class for all samples, or one per sample)."""
    return _pick(ctx, x, output, _all_outputs(ctx, x))


def explain_shap_classes(ctx: ExplainContext, x: np.ndarray) -> dict[str, Attribution]:
    """SHAP values for every class, from one pass of the explainer."""
    computed = _all_outputs(ctx, x)
    return {c: _pick(ctx, x, i, computed) for i, c in enumerate(ctx.data.classes)}
