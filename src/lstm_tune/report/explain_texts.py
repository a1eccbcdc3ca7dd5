"""The explain report of a text classifier: the texts themselves, each word highlighted by
its attribution, and the words that push each class most across the explained texts.

Words are data, never markup: they reach the page only through the template's
autoescaping, so a review containing `<script>` is shown, not run. Colours are computed
here from numbers, never from the text.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from lstm_tune import __version__
from lstm_tune.spec import StudySpec

SHOWN = 4  # texts of each kind: the most wrong, and typical ones
TOP_WORDS = 8
MIN_COUNT = 3  # a word must occur this often among the explained texts to be ranked


def word_style(value: float, scale: float, signed: bool) -> str:
    """A background for a word: red raises the explained output, blue lowers it (signed);
    green for how much attention it gets. Opacity is |value| / the text's largest."""
    alpha = 0.0 if scale <= 0 else min(1.0, abs(value) / scale)
    if not signed:
        return f"background: rgba(46, 125, 50, {0.75 * alpha:.2f})"
    rgb = "211, 47, 47" if value > 0 else "25, 118, 210"
    return f"background: rgba({rgb}, {0.75 * alpha:.2f})"


def highlighted(result: Any, name: str, i: int) -> list[dict[str, Any]]:
    """One text's words with their value and style, for one explainer."""
    attr = result.attributions[name]
    words = result.words[i]
    values = attr.values[i, : len(words), 0]
    scale = float(np.max(np.abs(values))) if len(values) else 0.0
    informative = (result.informative_mask[i] if result.informative_mask is not None
                   else np.zeros(attr.values.shape[1], dtype=bool))
    return [{"word": w, "value": float(v), "style": word_style(float(v), scale, attr.signed),
             "informative": bool(informative[j])}
            for j, (w, v) in enumerate(zip(words, values))]


def picked(result: Any) -> list[dict[str, Any]]:
    """The texts the model gets most wrong (lowest probability of the true class: wrong,
    or right but least sure) and typical ones (the median probability), each with its
    words per explainer."""
    p = np.asarray(result.true_probability)
    order = np.argsort(p, kind="stable")
    middle = len(order) // 2
    chosen = [(int(i), "wrong" if result.predicted[int(i)] != result.actual[int(i)]
               else "least sure") for i in order[:SHOWN]]
    chosen += [(int(i), "typical") for i in order[max(0, middle - SHOWN // 2):][:SHOWN]
               if int(i) not in {c for c, _ in chosen}]
    return [{"label": result.labels[i], "kind": kind, "actual": result.actual[i],
             "predicted": result.predicted[i], "p_true": float(p[i]),
             "lines": {name: highlighted(result, name, i) for name in result.attributions}}
            for i, kind in chosen]


def class_words(result: Any) -> dict[str, list[tuple[str, float, int]]]:
    """Per class, the words whose SHAP contribution to its probability is largest (and
    positive) on average over their occurrences in the explained texts (occurring at least
    MIN_COUNT times): (word as the model reads it, mean contribution, occurrences)."""
    from lstm_tune.data.tokens import words as tokenise

    out = {}
    tokens = [[t for _, t in tokenise(" ".join(ws))] for ws in result.words]
    for cls, attr in result.per_class.items():
        sums: dict[str, list[float]] = {}
        for i, toks in enumerate(tokens):
            for j, t in enumerate(toks[: attr.values.shape[1]]):
                sums.setdefault(t, []).append(float(attr.values[i, j, 0]))
        # only words that raise the class: those that lower it are another class's pushes
        # (with two classes, the mirror of the other column)
        ranked = sorted(((t, float(np.mean(v)), len(v)) for t, v in sums.items()
                         if len(v) >= MIN_COUNT and np.mean(v) > 0), key=lambda r: -r[1])
        out[cls] = ranked[:TOP_WORDS]
    return out


def text_images(result: Any) -> dict[str, Any]:
    """The page's only figure, the deletion curves: the words are shown highlighted, in
    HTML (the keys are those of the cells' page, for the dashboard)."""
    from lstm_tune.report import explain_figures as ef

    return {"deletion": ef.deletion_curves({k: f.deletion
                                            for k, f in result.faithfulness.items()},
                                           "words masked as unknown"),
            "globals": {}, "classes": {}, "attention": None, "samples": [], "waterfalls": []}


def word_values(name: str) -> str:
    """What an explainer's contributions to a text's words are."""
    return ("contributions: how much the word moves the output against the word masked as an "
            "unknown word; base value = every word masked"
            + ("; intercept + contributions = LIME's local prediction" if name == "lime"
               else "; base value + contributions = the output"))


def word_terms(informative_text: str) -> list[tuple[str, str]]:
    """The faithfulness table's columns explained, for texts."""
    return [
        ("Mass on informative words", "where the truth is known (the built-in reviews: "
         f"{informative_text}), the share of all absolute attribution over the explained "
         "texts that falls on the words that decide each text's label; 100% is perfect. "
         "Attention counts its weights."),
        ("Sign agreement", "the share of texts whose deciding words, summed, push the "
         "explained class's probability the way the truth says: up when it is the text's "
         "true class, down when not. Correlation: between that sum and the true direction "
         "(+1 or −1). Attention weights have no sign."),
        ("Deletion area", "the mean change of the explained probability as the explainer's "
         "top-ranked words of each text are masked (read as unknown words), averaged over "
         "the curve; larger means the ranking found the words the model really uses."),
        ("Random", "the same for words masked in a random order. Ratio above 1 means the "
         "explainer beats chance."),
    ]


def render_text_explain_report(spec: StudySpec, result: Any, images: dict[str, Any]) -> Path:
    from lstm_tune.explain.faithfulness import agreement_text
    from lstm_tune.report import figures
    from lstm_tune.report.explain_terms import value_texts
    from lstm_tune.report.pages import env, write_page

    # as faithfulness.informative_words marks them: the word before counts whatever it is
    informative = ("each review's sentiment adjective and the word right before it, which "
                   "flips it when it is 'not'"
                   if result.informative_mask is not None else "not known here")
    first = next(iter(result.attributions.values()))
    json_path = write_page(spec.report_path / "explain.json",
                           json.dumps(result.to_json(), indent=2), spec)
    text = env.get_template("explain_texts.html").render(
        spec=spec, result=result, n_samples=len(result.errors), output=first.output,
        params=spec.readable_params(result.params), version=__version__,
        agreement_text=agreement_text("text", "word"),
        json_name=json_path.name,
        word="text", cells="words", value_texts=value_texts(result, word_values),
        faithfulness_terms=word_terms(informative),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        texts=picked(result), class_words=class_words(result), min_count=MIN_COUNT,
        images={"deletion": figures.data_uri(images["deletion"])})
    return write_page(spec.report_path / "explain.html", text, spec)
