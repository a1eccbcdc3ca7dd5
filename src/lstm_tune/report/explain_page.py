"""The explanation page (windows and sequences; texts in explain_texts.py): its figures,
its waterfalls' titles, and the link from the study report to it."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from lstm_tune import __version__
from lstm_tune.data.framings import framing_of
from lstm_tune.report import figures
from lstm_tune.report.explain_terms import faithfulness_terms, value_texts
from lstm_tune.report.pages import env, write_page
from lstm_tune.spec import StudySpec


def explain_images(result: Any) -> dict[str, Any]:
    """Every figure of the explain report, as PNG bytes, keyed by a file-like name. Texts
    have only the deletion curves: their words are shown highlighted, in HTML."""
    from lstm_tune.report import explain_figures as ef

    framing = framing_of(result)
    if framing.words:
        return {"deletion": ef.deletion_curves({k: f.deletion
                                                for k, f in result.faithfulness.items()},
                                               "words masked as unknown"),
                "globals": {}, "classes": {}, "attention": None, "samples": [],
                "waterfalls": []}
    images: dict[str, Any] = {
        "deletion": ef.deletion_curves({k: f.deletion for k, f in result.faithfulness.items()}),
        "globals": {k: ef.global_importance(a, k) for k, a in result.attributions.items()
                    if k != "attention"},
        "classes": {c: ef.global_importance(a, f"SHAP, class {c}")
                    for c, a in result.per_class.items()},
        "attention": ef.attention_map(result.attributions["attention"], result.labels)
        if "attention" in result.attributions else None,
    }
    ranked = result.errors if result.scaled_errors is None else result.scaled_errors
    order = np.argsort(-ranked, kind="stable")
    samples = []
    if framing.labelled:  # per class: one the model gets right, one it misses
        for c in dict.fromkeys(result.actual):
            for right in (True, False):
                hit = [i for i in range(len(result.errors)) if result.actual[i] == c
                       and (result.errors[i] == 0) == right]
                if hit:
                    i = hit[0]
                    title = (f"{result.labels[i]}, class {c}: predicted "
                             f"{result.predicted[i]} ({'right' if right else 'wrong'})")
                    samples.append((title, ef.sample_maps(
                        result.attributions, i, title, result.output_scale)))
    else:
        picks = list(order[:2]) + list(order[len(order) // 2: len(order) // 2 + 2])
        for rank, i in enumerate(dict.fromkeys(int(p) for p in picks)):
            kind = "large error" if rank < 2 else "typical"
            scaled = ("" if result.scaled_errors is None
                      else f", {result.scaled_errors[i]:.3g} of its series' scale")
            title = (f"window for the target at {result.labels[i]} ({kind}: |error| "
                     f"{result.errors[i]:.3g}{scaled})")
            samples.append((title, ef.sample_maps(
                result.attributions, i, title, result.output_scale)))
    images["samples"] = samples
    images["waterfalls"] = []
    signed = [k for k in ("shap", "lime") if k in result.attributions]
    if signed:
        from lstm_tune.report.explain_words import describe_window

        name = signed[0]
        latest = len(result.errors) - 1
        for i in dict.fromkeys((latest, int(order[0]))):
            images["waterfalls"].append((
                describe_window(result, name, i),
                ef.waterfall(result.attributions[name], i, result.inputs, result.input_names,
                             waterfall_title(result, name, i), scale=result.output_scale)))
    return images


def waterfall_title(result: Any, name: str, i: int) -> str:
    """A waterfall's title: which sample, and for a forecast how the explained output f(x),
    in the model's scale, maps to the prediction in the data's units."""
    from lstm_tune.report.explain_words import fmt

    framing = framing_of(result)
    what = framing.sample_title(str(result.labels[i]), result.target_name)
    attr = result.attributions[name]
    if not framing.labelled and len(attr.predictions):
        return (f"{name.upper()}, {what}\nf(x) = {float(attr.predictions[i]):.4g} in the "
                f"model's scale (below) \u2192 predicted {fmt(result.predicted[i])} "
                f"{result.target_name}, actual {fmt(result.actual[i])}")
    return (f"{name.upper()}, {what}: predicted {fmt(result.predicted[i])}, "
            f"actual {fmt(result.actual[i])}")


EXPLAIN_LINK = ('<li><a href="explain.html">Why the best model predicts what it predicts: SHAP, '
                'LIME and attention, with their faithfulness</a></li>')
_EXPLAIN_MARK = re.compile(r"<!-- explain-link -->.*?<!-- /explain-link -->", re.S)


def link_explanation(spec: StudySpec) -> bool:
    """Point the study report at explain.html where it marks the place, without evaluating
    the study again (for an ensemble that reloads every member: about 7 s of `explain`).
    False where there is no report or no mark (a report older than the mark)."""
    index = spec.report_path / "index.html"
    if not index.is_file():
        return False
    html = index.read_text(encoding="utf-8")
    linked, found = _EXPLAIN_MARK.subn(
        lambda _: f"<!-- explain-link -->\n{EXPLAIN_LINK}\n<!-- /explain-link -->", html, count=1)
    if found:
        index.write_text(linked, encoding="utf-8")
    return bool(found)


def render_explain_report(spec: StudySpec, result: Any, images: dict[str, Any]) -> Path:
    from lstm_tune.explain.faithfulness import agreement_text

    framing = framing_of(result)
    if framing.words:
        from lstm_tune.report.explain_texts import render_text_explain_report

        return render_text_explain_report(spec, result, images)
    uri = figures.data_uri
    informative = ", ".join(f"{f} at {framing.cell_name(step)} (coefficient {c:+g})"
                            for step, f, c in result.informative) or "not known here"
    noun = framing.noun
    first = next(iter(result.attributions.values()))
    json_path = write_page(spec.report_path / "explain.json",
                           json.dumps(result.to_json(), indent=2), spec)
    text = env.get_template("explain.html").render(
        spec=spec, result=result, n_samples=len(result.errors), output=first.output,
        informative_text=informative, version=__version__,
        agreement_text=agreement_text(noun),
        json_name=json_path.name, word=noun, cells=framing.cells, read_note=framing.read_note,
        value_texts=value_texts(result, noun),
        faithfulness_terms=faithfulness_terms(noun, informative, False),
        chosen_how=framing.chosen_how,
        picks_how="For each class, a sequence the model gets right and one it gets wrong, "
        "where there is one." if framing.labelled
        else "The windows with the largest errors and typical ones (median error)"
        + (", errors over each series' scale (MASE's), as the series differ in units."
           if result.scaled_errors is not None else "."),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        images={
            "deletion": uri(images["deletion"]),
            "globals": {k: uri(v) for k, v in images["globals"].items()},
            "classes": {k: uri(v) for k, v in images["classes"].items()},
            "attention": uri(images["attention"]) if images["attention"] else None,
            "samples": [(t, uri(v)) for t, v in images["samples"]],
            "waterfalls": [(t, uri(v)) for t, v in images["waterfalls"]],
        })
    return write_page(spec.report_path / "explain.html", text, spec)
