"""SHAP for Keras LSTMs at time-step x feature granularity.

Measured here: DeepExplainer fails on LSTMs (no gradient for TensorListStack); the
GradientExplainer (expected gradients) works, is fast and finds the informative cells of a
known task. Expected gradients are additive in expectation (over background and path
points), not exactly for each window.
"""

from __future__ import annotations

import numpy as np

from lstm_tune.explain.attribution import Attribution
from lstm_tune.explain.context import ExplainContext

METHOD = "SHAP GradientExplainer (expected gradients)"


def explain_shap(ctx: ExplainContext, x: np.ndarray, output: int | None = None) -> Attribution:
    import shap

    background = ctx.background()
    explainer = shap.GradientExplainer(ctx.model, background, batch_size=64)
    raw = explainer.shap_values(x, nsamples=ctx.shap_samples, rseed=ctx.seed)
    values = np.asarray(raw[output if output is not None else 0] if isinstance(raw, list) else raw)
    if values.ndim == 4:  # (samples, steps, features, outputs)
        values = values[..., output if output is not None else 0]
    base = float(np.mean(ctx.output(background, output)))
    return Attribution(
        values=values.astype(np.float64), base_values=np.full(len(x), base),
        data=ctx.unscaled(x), feature_names=ctx.feature_names, step_names=ctx.step_names,
        method=METHOD, output=ctx.output_name(output), predictions=ctx.output(x, output),
        additivity="expected", reference=background.mean(axis=0),
    )
