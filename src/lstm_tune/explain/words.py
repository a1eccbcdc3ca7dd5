"""SHAP and LIME for texts, word by word: a word is masked by the unknown-word id, in its
place, as both libraries mask text (a mask token where the word was).

Why the unknown word and not deletion: with words deleted, SHAP's reference is the empty
text, which no model has seen; measured on the built-in reviews, every filler word then
got credit for "being a text" (41% of SHAP's mass on filler). The model is trained with
word dropout (model.WordDropout), so it knows an unknown word as one that says nothing,
and a masked text stays a text it can read.

Both explainers perturb strings, so each text is handed to them as placeholders of its word
positions ("w0 w1 w2 ..."); the model is called on the original ids with the masked
positions set to the unknown id. This keeps the words' order (an LSTM reads order, so LIME
masks by position, `bow=False`, never by word type) and needs no second tokeniser that
could split a word differently from the model's. SHAP's Text masker drops the space after
a masked word ("MASKEDw2"), so positions are read back from the placeholders' numbers.

- SHAP: the Partition explainer over a Text masker (Owen values over a hierarchy of
  neighbouring words); exact: base value (every word masked) + values = the model's
  output. Gradients cannot pass the Embedding lookup, so no gradient explainer is used.
- LIME: LimeTextExplainer, a weighted linear model of the output on which words are
  present; contribution = the word's weight (present 1 vs masked 0), intercept + sum =
  LIME's local prediction.
"""

from __future__ import annotations

import re

import numpy as np

from lstm_tune.data.tokens import PAD, UNKNOWN
from lstm_tune.explain.attribution import Attribution
from lstm_tune.explain.context import ExplainContext, Output

SHAP_METHOD = ("SHAP Partition explainer, Text masker (Owen values over neighbouring words; "
               "a masked word reads as an unknown word)")
LIME_METHOD = ("LIME LimeTextExplainer (bow=False: words masked by position, as unknown "
               "words; contribution = the word's local weight, present vs masked)")
MASK = "MASKED"
MASK_ID = UNKNOWN  # what a masked word reads as (benchmarks/explain_texts.py tries PAD)
_POSITION = re.compile(r"w(\d+)")


def placeholders(length: int) -> str:
    return " ".join(f"w{j}" for j in range(length))


def present(text: str, length: int) -> np.ndarray:
    """Which word positions a perturbed placeholder string keeps."""
    keep = np.zeros(length, dtype=bool)
    keep[[int(m) for m in _POSITION.findall(str(text)) if int(m) < length]] = True
    return keep


def _with_words_masked(ids: np.ndarray, texts: list[str]) -> np.ndarray:
    """The text's ids once per perturbed string, masked positions set to unknown."""
    n = int(np.sum(ids != PAD))
    batch = np.repeat(ids[None, :], len(texts), axis=0)
    for row, t in enumerate(texts):
        keep = present(t, n)
        batch[row, :n][~keep] = MASK_ID
    return batch


def _length(ids: np.ndarray) -> int:
    return int(np.sum(ids != PAD))


def _picks(ctx: ExplainContext, n: int, output: Output) -> np.ndarray:
    return np.resize(np.asarray(output if output is not None else 0), n).astype(int)


def _attribution(ctx: ExplainContext, x: np.ndarray, values: np.ndarray, bases: np.ndarray,
                 method: str, additivity: str, output: Output) -> Attribution:
    return Attribution(
        values=values[..., None], base_values=bases, data=ctx.unscaled(x),
        feature_names=ctx.feature_names, step_names=ctx.step_names, method=method,
        output=ctx.output_name(output), predictions=ctx.output(x, output),
        additivity=additivity)


def explain_words_shap_all(ctx: ExplainContext, x: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray]:
    """SHAP values of every class for every word: (texts, words, classes), and base values
    (texts, classes), cached per context and input (every class's page shares them)."""
    key = ("shap-words", x.shape, hash(np.ascontiguousarray(x).tobytes()))
    if ctx.cache is not None and key in ctx.cache:
        return ctx.cache[key]
    import shap

    classes = len(ctx.data.classes)
    values = np.zeros((*x.shape, classes))
    bases = np.zeros((len(x), classes))
    for i, ids in enumerate(x):
        n = _length(ids)

        def predict(texts: np.ndarray, ids: np.ndarray = ids) -> np.ndarray:
            return ctx.raw_output(_with_words_masked(ids, [str(t) for t in texts]))

        masker = shap.maskers.Text(r"\s+", mask_token=MASK, collapse_mask_token=False)
        explainer = shap.Explainer(predict, masker, output_names=list(ctx.data.classes),
                                   seed=ctx.seed)
        found = explainer([placeholders(n)], max_evals=max(ctx.shap_samples, 2 * n + 2),
                          batch_size=256, silent=True)
        values[i, :n] = np.asarray(found.values[0], dtype=float).reshape(n, classes)
        bases[i] = np.asarray(found.base_values[0], dtype=float).reshape(classes)
    if ctx.cache is not None:
        ctx.cache[key] = (values, bases)
    return values, bases


def explain_words_shap(ctx: ExplainContext, x: np.ndarray, output: Output = None
                       ) -> Attribution:
    values, bases = explain_words_shap_all(ctx, x)
    pick, rows = _picks(ctx, len(x), output), np.arange(len(x))
    return _attribution(ctx, x, values[rows, :, pick], bases[rows, pick], SHAP_METHOD,
                        "exact", output)


def explain_words_shap_classes(ctx: ExplainContext, x: np.ndarray) -> dict[str, Attribution]:
    return {c: explain_words_shap(ctx, x, i) for i, c in enumerate(ctx.data.classes)}


def explain_words_lime(ctx: ExplainContext, x: np.ndarray, output: Output = None
                       ) -> Attribution:
    from lime.lime_text import LimeTextExplainer

    explainer = LimeTextExplainer(class_names=list(ctx.data.classes), bow=False,
                                  split_expression=r"\s+", mask_string=MASK,
                                  random_state=ctx.seed)
    pick = _picks(ctx, len(x), output)
    values = np.zeros(x.shape)
    intercepts = np.zeros(len(x))
    for i, ids in enumerate(x):
        n = _length(ids)

        def predict(texts: list[str], ids: np.ndarray = ids) -> np.ndarray:
            return ctx.raw_output(_with_words_masked(ids, list(texts)))

        exp = explainer.explain_instance(placeholders(n), predict, labels=(int(pick[i]),),
                                         num_features=n, num_samples=ctx.lime_word_samples)
        indexed = exp.domain_mapper.indexed_string
        for feature, weight in exp.local_exp[int(pick[i])]:
            values[i, int(indexed.word(feature)[1:])] = weight
        intercepts[i] = float(exp.intercept[int(pick[i])])
    return _attribution(ctx, x, values, intercepts, LIME_METHOD, "local", output)
