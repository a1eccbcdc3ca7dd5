"""What an explanation page says its values and faithfulness columns mean, in the task's
words (windows, sequences, texts): shared by the windows' and the texts' pages."""

from __future__ import annotations

from typing import Any, Callable


def value_texts(result: Any, signed: Callable[[str], str]) -> dict[str, str]:
    """What each explainer's values are, in words, for the methods table: attention's
    weights, else `signed(name)` (the page's words for contributions)."""
    return {name: "unsigned weights (where the model looks), not contributions"
            if a.kind == "weight" else signed(name) for name, a in result.attributions.items()}


def cell_values(word: str) -> Callable[[str], str]:
    """What an explainer's contributions to a window's or a sequence's cells are."""
    def signed(name: str) -> str:
        if name == "lime":
            return ("contributions: LIME's local slope × (input − training mean), so they "
                    "read like SHAP's; intercept + contributions = LIME's local prediction")
        return ("contributions relative to the average output over a background of "
                f"training {word}s")
    return signed


def faithfulness_terms(word: str, informative_text: str) -> list[tuple[str, str]]:
    """The faithfulness table's columns explained, for the report under it (cells of
    windows or sequences; texts: explain_texts.py)."""
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
