"""Attention weights over time steps, for models built with the attention layer.

Attention is not attribution: a trained model's weights can sit on the wrong steps. It is
shown with its own faithfulness figures, like every explainer. Weights are per step, so the
feature axis has one entry.
"""

from __future__ import annotations

import numpy as np

from lstm_tune.explain.attribution import Attribution
from lstm_tune.explain.context import ExplainContext
from lstm_tune.model import attention_weights, has_attention

METHOD = "attention weights (softmax over time steps)"


def explain_attention(ctx: ExplainContext, x: np.ndarray, output: int | None = None
                      ) -> Attribution | None:
    if not has_attention(ctx.model):
        return None
    weights = attention_weights(ctx.model, x)  # (samples, steps), rows sum to 1
    return Attribution(
        values=weights[..., None].astype(np.float64), base_values=np.zeros(len(x)),
        data=ctx.unscaled(x).mean(axis=2, keepdims=True),
        feature_names=ctx.feature_names if ctx.texts else ("all features",),
        step_names=ctx.step_names, method=METHOD,
        output="attention weight" + (" (one set for the whole path: the same for every "
                                     "step ahead)" if ctx.paths else ""),
        predictions=ctx.output(x, output), additivity=None,
        kind="weight",
    )
