"""How the explainers read a framing's inputs, and how their faithfulness is measured there.

Cells (windows and sequences: step x channel) are replaced by background values, and the
truth, where known, is a set of informative cells with their coefficients. Words (texts)
are masked in their place as unknown words, and the truth is the words that decide each
text's label. One `Reading` per kind holds what differs, so the explain run asks its
framing's reading instead of branching on it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Callable

import numpy as np

from lstm_tune.data.tokens import UNKNOWN
from lstm_tune.explain.attention import explain_attention
from lstm_tune.explain.attribution import Attribution
from lstm_tune.explain.context import ExplainContext, Output
from lstm_tune.explain.faithfulness import (
    DeletionCurve,
    SignCheck,
    deletion_curve,
    informative_cells,
    informative_share,
    informative_words,
    masked_share,
    sign_agreement,
    word_signs,
)
from lstm_tune.explain.lime_explainer import explain_lime
from lstm_tune.explain.shap_explainer import explain_shap, explain_shap_classes
from lstm_tune.explain.words import (
    explain_words_lime,
    explain_words_shap,
    explain_words_shap_classes,
)

Explainer = Callable[[ExplainContext, np.ndarray, Output], "Attribution | None"]
Informative = list[tuple[int, str, float]]


@dataclass
class Faithfulness:
    deletion: DeletionCurve
    informative_share: float | None  # None where the informative cells are not known
    signs: SignCheck | None = None  # None where unknown or the values are unsigned
    # sampled explainers (SHAP's expected gradients): the same windows explained again with
    # another seed; per-window correlation of the two, {"mean", "min", "seeds"}
    stability: dict[str, Any] | None = None


def stability(first: Attribution, second: Attribution, seeds: tuple[int, int]
              ) -> dict[str, Any]:
    """How far a sampled explanation is the model's and not the sampler's: the Pearson
    correlation of each window's values from two seeds, their mean and the worst."""
    a = first.values.reshape(len(first.values), -1)
    b = second.values.reshape(len(second.values), -1)
    found = []
    for row_a, row_b in zip(a, b):
        if np.std(row_a) > 0 and np.std(row_b) > 0:
            found.append(float(np.corrcoef(row_a, row_b)[0, 1]))
    return {"mean": float(np.mean(found)) if found else None,
            "min": float(np.min(found)) if found else None,
            "seeds": list(seeds), "windows": len(found)}


def cell_faithfulness(ctx: ExplainContext, x: np.ndarray, attributions: dict[str, Attribution],
                      informative: Informative, output: Output, seconds: dict[str, float]
                      ) -> dict[str, Faithfulness]:
    """Cells: the share of attribution on the informative cells and their signs (where
    known), the deletion curve of replacing cells by the training mean, and SHAP explained
    again with another seed (its time added to `seconds`)."""
    faith: dict[str, Faithfulness] = {}
    for name, attr in attributions.items():
        cells = informative_cells(informative, attr.step_names, ctx.feature_names,
                                  ctx.cell_name)
        share = informative_share(attr, cells) if cells else None
        faith[name] = Faithfulness(
            deletion_curve(lambda b: ctx.output(b, output), x, attr, seed=ctx.seed),
            share, sign_agreement(attr, x, cells))
    if "shap" in attributions:  # expected gradients are sampled: explained again, reseeded
        start = time.perf_counter()
        again = explain_shap(replace(ctx, seed=ctx.seed + 1, cache={}), x, output)
        faith["shap"].stability = stability(attributions["shap"], again,
                                            (ctx.seed, ctx.seed + 1))
        seconds["shap"] += time.perf_counter() - start
    return faith


def deciding_words(ctx: ExplainContext, x: np.ndarray) -> np.ndarray | None:
    """Where the words that decide each text's label are, if the data says (built-in
    reviews): (texts, steps)."""
    lexicon = ctx.data.lexicon
    if not lexicon:
        return None
    tokens = [[ctx.data.vocabulary[i] for i in row if i] for row in x]
    return informative_words(tokens, lexicon, x.shape[1])


def word_faithfulness(ctx: ExplainContext, x: np.ndarray, attributions: dict[str, Attribution],
                      informative: Informative, output: Output, seconds: dict[str, float]
                      ) -> dict[str, Faithfulness]:
    """Texts: the share of attribution on the deciding words, whether they push towards
    each text's true class (known where `ctx.sample_idx` says which texts these are), and
    the deletion curve of masking words."""
    mask = deciding_words(ctx, x)
    towards = None
    if mask is not None and ctx.sample_idx is not None:
        true = np.asarray([ctx.data.classes.index(c)
                           for c in ctx.data.actual_at(ctx.sample_idx)])
        explained = np.resize(np.asarray(output if output is not None else 0), len(x))
        towards = np.where(true == explained, 1.0, -1.0)
    faith = {}
    for name, attr in attributions.items():
        curve = deletion_curve(lambda b: ctx.output(b[..., 0], output), x[..., None], attr,
                               seed=ctx.seed, real=x != 0, fill=UNKNOWN)
        faith[name] = Faithfulness(
            curve, None if mask is None else masked_share(attr, mask),
            None if towards is None else word_signs(attr, mask, towards))
    return faith


def no_extras(ctx: ExplainContext, x: np.ndarray, raw: np.ndarray, actual: Any
              ) -> dict[str, Any]:
    return {}


def text_extras(ctx: ExplainContext, x: np.ndarray, raw: np.ndarray, actual: Any
                ) -> dict[str, Any]:
    """What the texts' page shows beside the values: each text's words, the model's
    probability of its true class, and where its deciding words are (if known)."""
    true = [ctx.data.classes.index(c) for c in actual]
    return {"words": ctx.data.words_at(ctx.sample_idx),
            "true_probability": raw[np.arange(len(raw)), true].astype(float).tolist(),
            "informative_mask": deciding_words(ctx, x)}


@dataclass(frozen=True)
class Reading:
    """What differs between explaining cells and words."""

    explainers: dict[str, Explainer]
    classes: Callable[[ExplainContext, np.ndarray], dict[str, Attribution]]  # SHAP per class
    faithfulness: Callable[..., dict[str, Faithfulness]]
    extras: Callable[[ExplainContext, np.ndarray, np.ndarray, Any], dict[str, Any]]


CELLS = Reading({"shap": explain_shap, "lime": explain_lime, "attention": explain_attention},
                explain_shap_classes, cell_faithfulness, no_extras)
WORDS = Reading({"shap": explain_words_shap, "lime": explain_words_lime,
                 "attention": partial(explain_attention, over="words", whole_step=False)},
                explain_words_shap_classes, word_faithfulness, text_extras)
READINGS = {"windows": CELLS, "sequences": CELLS, "tokens": WORDS}


def reading(ctx: ExplainContext) -> Reading:
    return READINGS[ctx.framing.name]


@dataclass(frozen=True)
class Method:
    """One explainer, by name: its reading's version of it."""

    name: str

    def __call__(self, ctx: ExplainContext, x: np.ndarray, output: Output = None
                 ) -> Attribution | None:
        return reading(ctx).explainers[self.name](ctx, x, output)


EXPLAINERS: dict[str, Method] = {name: Method(name) for name in ("shap", "lime", "attention")}
