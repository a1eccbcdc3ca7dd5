"""Say in words what an explanation of one window means, in the data's own units."""

from __future__ import annotations

from typing import Any

from lstm_tune.data.framings import framing_of
from lstm_tune.explain.attribution import Attribution
from lstm_tune.report.explain_figures import cell_values, top_cells


def fmt(v: Any) -> str:
    """A predicted or actual value for people: 4 significant digits, or a class as is."""
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def describe_window(result: Any, name: str, index: int) -> str:
    """Two or three sentences: what was predicted, from where, and the largest pushes."""
    attr: Attribution = result.attributions[name]
    target, when = result.target_name, result.labels[index]
    predicted, actual = result.predicted[index], result.actual[index]
    v = attr.values[index]
    parts = [f"For {framing_of(result).predicted_of(when, target)} {result.predictor} "
             f"predicted {fmt(predicted)} (actual {fmt(actual)})."]
    parts.append(f"{name.upper()} explains {result.output_scale}: it starts from a base value of "
                 f"{attr.base_values[index]:.3g} (the average output) and adds one contribution "
                 f"per input cell.")
    pushes = []
    for s, f in top_cells(attr, index, k=2):
        d = float(v[s, f])
        if d == 0:
            continue
        read, raw = cell_values(attr, result.inputs, index, s, f)
        value = f"value {read:.4g}" + (f"; {raw:.4g} in the data" if raw is not None else "")
        pushes.append(f"{attr.feature_names[f]} at {attr.step_names[s]} ({value}) pushes it "
                      f"{'up' if d > 0 else 'down'} by {abs(d):.3g}")
    if pushes:
        parts.append("The largest: " + "; ".join(pushes) + ".")
    return " ".join(parts)
