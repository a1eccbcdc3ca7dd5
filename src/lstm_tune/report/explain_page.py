"""The explanation page (windows and sequences; texts in explain_texts.py): its figures,
its waterfalls' titles, the link from the study report to it, and which page a result
gets."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from lstm_tune import __version__
from lstm_tune.data.framings import framing_of, worst_first
from lstm_tune.report import figures
from lstm_tune.report.explain_texts import render_text_explain_report, text_images
from lstm_tune.report.explain_terms import cell_values, faithfulness_terms, value_texts
from lstm_tune.report.pages import env, write_page
from lstm_tune.spec import StudySpec


def explain_images(result: Any) -> dict[str, Any]:
    """Every figure of the explain report of windows or sequences, as PNG bytes, keyed by a
    file-like name (texts: explain_texts.text_images)."""
    from lstm_tune.report import explain_figures as ef

    images: dict[str, Any] = {
        "deletion": ef.deletion_curves({k: f.deletion for k, f in result.faithfulness.items()}),
        "globals": {k: ef.global_importance(a, k) for k, a in result.attributions.items()
                    if k != "attention"},
        "classes": {c: ef.global_importance(a, f"SHAP, class {c}")
                    for c, a in result.per_class.items()},
        "attention": ef.attention_map(result.attributions["attention"], result.labels)
        if "attention" in result.attributions else None,
    }
    order = worst_first(result.errors, result.scaled_errors)
    samples = [(title, ef.sample_maps(result.attributions, i, title, result.output_scale))
               for i, title in framing_of(result).shown(
                   result.labels, result.actual, result.predicted, result.errors,
                   result.scaled_errors)]
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
    attr = result.attributions[name]
    output = f"{float(attr.predictions[i]):.4g}" if len(attr.predictions) else None
    return framing.waterfall_title(
        f"{name.upper()}, {framing.sample_title(str(result.labels[i]), result.target_name)}",
        output, fmt(result.predicted[i]), fmt(result.actual[i]), result.target_name)


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
    uri = figures.data_uri
    informative = ", ".join(f"{f} at {framing.cell_name(step)} (coefficient {c:+g})"
                            for step, f, c in result.informative) or "not known here"
    noun = framing.noun
    first = next(iter(result.attributions.values()))
    json_path = write_page(spec.report_path / "explain.json",
                           json.dumps(result.to_json(), indent=2), spec)
    text = env.get_template("explain.html").render(
        spec=spec, result=result, n_samples=len(result.errors), output=first.output,
        params=spec.readable_params(result.params), informative_text=informative,
        version=__version__,
        agreement_text=agreement_text(noun),
        json_name=json_path.name, word=noun, cells=framing.cells, read_note=framing.read_note,
        value_texts=value_texts(result, cell_values(noun)),
        faithfulness_terms=faithfulness_terms(noun, informative),
        chosen_how=framing.chosen_how,
        picks_how=framing.shown_how(result.scaled_errors is not None),
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


# each framing's page: its figures, then the page around them
Images = Callable[[Any], dict[str, Any]]
Page = Callable[[StudySpec, Any, dict[str, Any]], Path]
PAGES: dict[str, tuple[Images, Page]] = {
    "windows": (explain_images, render_explain_report),
    "sequences": (explain_images, render_explain_report),
    "tokens": (text_images, render_text_explain_report),
}


def write_explanation(spec: StudySpec, result: Any) -> tuple[dict[str, Any], Path]:
    """The explanation's figures and its page (explain.html), as its framing shows it."""
    images_of, render = PAGES[framing_of(result).name]
    images = images_of(result)
    return images, render(spec, result, images)
