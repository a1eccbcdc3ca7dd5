"""What an explanation page says its values and faithfulness columns mean, in the task's
words (windows, sequences, texts): shared by the windows' and the texts' pages."""

from __future__ import annotations

from typing import Any

from lstm_tune.data.framings import framing_of


def value_texts(result: Any, word: str) -> dict[str, str]:
    """What each explainer's values are, in words, for the methods table."""
    out = {}
    for name, a in result.attributions.items():
        if a.kind == "weight":
            out[name] = "unsigned weights (where the model looks), not contributions"
        elif framing_of(result).words:
            out[name] = ("contributions: how much the word moves the output against the word "
                         "masked as an unknown word; base value = every word masked"
                         + ("; intercept + contributions = LIME's local prediction"
                            if name == "lime" else "; base value + contributions = the output"))
        elif name == "lime":
            out[name] = ("contributions: LIME's local slope × (input − training mean), so they "
                         "read like SHAP's; intercept + contributions = LIME's local prediction")
        else:
            out[name] = ("contributions relative to the average output over a background of "
                         f"training {word}s")
    return out


def faithfulness_terms(word: str, informative_text: str, texts: bool
                       ) -> list[tuple[str, str]]:
    """The faithfulness table's columns explained, for the report under it."""
    if texts:
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
    return [
        ("Mass on informative cells", "where the truth is known (built-in synthetic tasks: "
         f"{informative_text}), the share of all absolute attribution over the explained "
         f"{word}s that falls on those cells; 100% is perfect. Attention is over time steps "
         "only, so its figure counts whole steps."),
        ("Sign agreement", f"where the truth is known, the share of {word}s in which an "
         "informative cell's contribution has the sign of its true contribution, coefficient "
         "× (input − the explainer's reference input); the worst cell is shown. Correlation: "
         "between the attributions and the true contributions on those cells. Attention "
         "weights have no sign."),
        ("Deletion area", "the mean change of the model's output (model scale) as the "
         f"explainer's top-ranked cells of each {word} are replaced by the training mean, "
         "averaged over the curve; larger means the ranking found the cells the model really "
         "uses."),
        ("Random", "the same for a random ranking of the cells. Ratio above 1 means the "
         "explainer beats chance."),
    ]
