"""Attention weights over time steps, for models built with the attention layer.

Attention is not attribution: a trained model's weights can sit on the wrong steps. It is
shown with its own faithfulness figures, like every explainer. Weights are per step, so the
feature axis has one entry.
"""

from __future__ import annotations

import numpy as np

from lstm_tune.explain.attribution import Attribution
from lstm_tune.explain.context import ExplainContext
from lstm_tune.model.build import attention_weights, has_attention

METHOD = "attention weights (softmax over time steps)"


def steps_of(weights: np.ndarray, steps: int) -> np.ndarray:
    """Weights over a pooled model's steps (each the average of `pool` input steps) spread
    back over the input's steps, each input step its pooled step's share; rows sum to 1."""
    pooled = weights.shape[1]
    if pooled == steps:
        return weights
    pool = int(np.ceil(steps / pooled))
    spread = np.repeat(weights, pool, axis=1)[:, :steps] / pool
    return spread / np.maximum(spread.sum(axis=1, keepdims=True), 1e-12)


def explain_attention(ctx: ExplainContext, x: np.ndarray, output: int | None = None,
                      over: str = "time steps", whole_step: bool = True) -> Attribution | None:
    """The attention weights over the steps (`over`: what a step is, in words), one set
    for all channels of a step (`whole_step`) or for the one channel of a text's words."""
    models = ctx.members or (ctx.model,)
    if not all(has_attention(m) for m in models):
        return None
    # (samples, steps), rows sum to 1; an ensemble's: the mean of its members' weights
    weights = np.mean([steps_of(attention_weights(m, x), x.shape[1]) for m in models], axis=0)
    return Attribution(
        values=weights[..., None].astype(np.float64), base_values=np.zeros(len(x)),
        data=ctx.unscaled(x).mean(axis=2, keepdims=True),
        feature_names=("all features",) if whole_step else ctx.feature_names,
        step_names=ctx.step_names,
        method=METHOD.replace("time steps", over) + (
            f", the mean of the ensemble's {len(models)} members' weights"
            if len(models) > 1 else ""),
        output="attention weight" + (" (one set for the whole path: the same for every "
                                     "step ahead)" if ctx.paths else ""),
        predictions=ctx.output(x, output), additivity=None,
        kind="weight",
    )
