"""An ensemble explained as one model: the mean of its members, where that mean is what the
study tested.

The final model's test figures are those of the members' combined prediction, so that is
the model to explain. Explaining one member instead measured worse on the built-in reviews:
each model leans on filler words in its own way, and the mean of three put more of SHAP's
and LIME's mass on the deciding words than its weakest member (docs/guides/texts.md).

An explainer perturbs one input, so the members must read the explained samples alike
(the same framing: window, vocabulary, scaling), and the mean of their raw outputs must be
the ensemble's prediction (true of class probabilities; true of forecasts where every
member decodes its output the same affine way, not where transforms differ). Both are
checked on the explained samples; where either fails, one member is explained and the
report says so.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from lstm_tune.data.framing import AnyDataset
from lstm_tune.data.window import Split
from lstm_tune.tasks import get_task


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if np.issubdtype(a.dtype, np.number) and np.issubdtype(b.dtype, np.number):
        return bool(np.allclose(a, b, rtol=1e-5, atol=1e-6))
    return bool(np.array_equal(a, b))


def shared_members(first: Any, data: AnyDataset, chosen: Split,
                   others: list[tuple[Any, AnyDataset]],
                   pick: Callable[[AnyDataset], Split]) -> list[Any] | None:
    """The members' models, the first being `first` (framed as `data`, explained on
    `chosen`) and the `others` each with its own data, if their mean can stand for the
    ensemble on these samples; else None. `pick` chooses the explained samples from a
    member's framing."""
    models, outputs = [first], [(data, chosen, np.asarray(first.predict(chosen.x, verbose=0)))]
    for model, own in others:
        part = pick(own)
        if not (_same(part.x, chosen.x) and _same(part.target_idx, chosen.target_idx)):
            return None
        models.append(model)
        outputs.append((own, part, np.asarray(model.predict(part.x, verbose=0))))
    task = get_task(data.task)
    combined, _ = task.combine(outputs)
    mean = np.mean([raw for _, _, raw in outputs], axis=0)
    if not _same(combined, task.decode(data, mean, chosen.ref, chosen.series)):
        return None
    return models
