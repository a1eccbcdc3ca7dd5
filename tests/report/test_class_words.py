"""The per-class word table of a text explanation lists only words that raise each class."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from lstm_tune.report.explain_texts import class_words


def test_each_class_lists_only_the_words_that_raise_it():
    texts = [["great", "film"], ["dull", "film"]] * 3
    up = {"great": 0.4, "dull": -0.3, "film": 0.01}
    pos = np.array([[[up[w]] for w in t] for t in texts])
    result = SimpleNamespace(words=texts, per_class={
        "pos": SimpleNamespace(values=pos), "neg": SimpleNamespace(values=-pos)})
    table = class_words(result)
    assert [w for w, _, _ in table["pos"]] == ["great", "film"]
    assert [w for w, _, _ in table["neg"]] == ["dull"]  # not the mirror of pos
    assert table["neg"][0][2] == 3  # seen three times
