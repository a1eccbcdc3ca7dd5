"""The faithfulness measures themselves, on attributions whose right answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tune.explain.attribution import Attribution
from lstm_tune.explain.faithfulness import agreement, informative_share, sign_agreement

STEPS, FEATURES = ("t-3", "t-2", "t-1"), ("x0", "x1")
CELLS = [(2, 0, 1.0), (0, 0, -0.8)]  # x0 at t-1 pushes up, x0 at t-3 down


def attribution(values: np.ndarray, kind: str = "contribution") -> Attribution:
    n = len(values)
    return Attribution(values=values, base_values=np.zeros(n), data=np.zeros((n, 3, 2)),
                       feature_names=FEATURES, step_names=STEPS, method="test", output="y",
                       kind=kind, reference=np.zeros((3, 2)) if kind == "contribution" else None)


@pytest.fixture
def x() -> np.ndarray:
    return np.random.default_rng(0).standard_normal((200, 3, 2))


def exact(x: np.ndarray) -> np.ndarray:
    values = np.zeros_like(x)
    values[:, 2, 0] = 1.0 * x[:, 2, 0]
    values[:, 0, 0] = -0.8 * x[:, 0, 0]
    return values


def test_exact_contributions_agree_and_flipped_ones_do_not(x):
    right = sign_agreement(attribution(exact(x)), x, CELLS)
    assert right.agreement == {"x0 at t-1": 1.0, "x0 at t-3": 1.0}
    assert right.correlation == pytest.approx(1.0)
    wrong = sign_agreement(attribution(-exact(x)), x, CELLS)  # the old LIME bug: negated
    assert wrong.worst == 0.0 and wrong.correlation == pytest.approx(-1.0)
    assert informative_share(attribution(-exact(x)), CELLS) == pytest.approx(1.0)  # blind to it


def test_signs_are_relative_to_the_explainers_reference(x):
    """Contributions relative to a reference input of 0.5 are right against that reference
    and about half wrong against another."""
    attr = attribution(exact(x - 0.5))
    own = Attribution(**{**attr.__dict__, "reference": np.full((3, 2), 0.5)})
    assert sign_agreement(own, x, CELLS).worst == 1.0
    assert sign_agreement(attr, x, CELLS).worst < 0.9


def test_unsigned_weights_get_no_sign_check(x):
    weights = np.abs(exact(x)).sum(axis=2, keepdims=True)
    attr = Attribution(values=weights, base_values=np.zeros(len(x)), data=np.zeros((len(x), 3, 1)),
                       feature_names=("all",), step_names=STEPS, method="a", output="w",
                       kind="weight")
    assert sign_agreement(attr, x, CELLS) is None


def test_agreement_counts_where_the_mass_is(x):
    """Both put ~95% of their mass on the same two cells, with different noise elsewhere:
    full agreement (a Spearman correlation over every cell ranks the noise too)."""
    rng = np.random.default_rng(1)
    a = exact(x) + 0.01 * rng.standard_normal(x.shape)
    b = 1.3 * exact(x) + 0.01 * rng.standard_normal(x.shape)
    assert agreement(attribution(a), attribution(b)) > 0.95
    other = np.zeros_like(x)
    other[:, 1, 1] = 1.0
    assert agreement(attribution(a), attribution(other)) == 0.0


def word_attribution(values: np.ndarray, kind: str = "contribution") -> Attribution:
    n, steps = values.shape
    return Attribution(values=values[..., None], base_values=np.zeros(n),
                       data=np.zeros((n, steps, 1)), feature_names=("word",),
                       step_names=tuple(f"word {i + 1}" for i in range(steps)), method="test",
                       output="p", kind=kind)


def test_deciding_words_are_the_adjective_and_the_word_before_it():
    from lstm_tune.explain.faithfulness import informative_words

    lexicon = {"good": 1.0, "bad": -1.0, "not": 0.0}
    mask = informative_words([["the", "film", "not", "good"], ["bad", "plot", "not"],
                              ["a", "plot"]], lexicon, 5)
    assert mask.tolist() == [[False, False, True, True, False],
                             [True, False, False, False, False],
                             [False] * 5]


def test_word_signs_read_the_deciding_words_together_towards_the_true_class():
    from lstm_tune.explain.faithfulness import masked_share, word_signs

    mask = np.array([[False, True, True], [True, False, False], [False, False, False]])
    values = np.array([[0.1, -0.2, 0.6], [-0.5, 0.1, 0.0], [0.3, 0.3, 0.3]])
    towards = np.array([1.0, -1.0, 1.0])  # the third text has no deciding word: not counted
    check = word_signs(word_attribution(values), mask, towards)
    assert check.agreement == {"deciding words": 1.0}
    flipped = word_signs(word_attribution(-values), mask, towards)
    assert flipped.worst == 0.0
    assert masked_share(word_attribution(values), mask) == pytest.approx(1.3 / 2.4)
    assert word_signs(word_attribution(values, kind="weight"), mask, towards) is None


def test_word_deletion_draws_random_words_from_the_text_not_its_padding():
    from lstm_tune.explain.faithfulness import deletion_curve

    rng = np.random.default_rng(1)
    ids = np.array([list(rng.permutation([5, 6, 7])) + [0, 0, 0] for _ in range(20)]
                   + [[8, 9, 0, 0, 0, 0]])
    real = ids != 0
    seen = []

    def predict(batch: np.ndarray) -> np.ndarray:
        seen.append(batch[..., 0].copy())
        return (batch[..., 0] == 7).any(axis=1).astype(float)  # only word 7 matters

    values = np.where(ids == 7, 1.0, 0.0)
    curve = deletion_curve(predict, ids[..., None].astype(float), word_attribution(values),
                           real=real, fill=1.0)
    masked = np.concatenate(seen[1:])
    assert (masked[:, 3:] == 0).all() and (masked[20::21, 2] == 0).all()  # padding stays
    assert curve.k[-1] == 3  # up to the longest text's words, not the padded length
    assert curve.explainer[curve.k.index(1)] == pytest.approx(20 / 21)  # word 7 goes first
    assert curve.random[curve.k.index(1)] < 0.7 and curve.ratio > 1.1


@pytest.mark.parametrize("framing, words", [
    ("windows", "98.0% on informative cells, signs right in 75.0% of windows (worst cell), "),
    ("sequences", "98.0% on informative cells, signs right in 75.0% of sequences (worst "
                  "cell), "),
    ("tokens", "98.0% on informative words, deciding words push the right way in 75.0% of "
               "texts, "),
])
def test_the_terminal_line_names_what_each_framing_explains(framing, words):
    """`lstm-tune explain` prints one line per explainer in the framing's own words."""
    from lstm_tune.explain.attribution import Attribution
    from lstm_tune.explain.faithfulness import DeletionCurve, SignCheck
    from lstm_tune.explain.readings import Faithfulness
    from lstm_tune.explain.run import ExplainResult

    attr = Attribution(np.zeros((1, 2, 1)), np.zeros(1), np.zeros((1, 2, 1)), ("x0",),
                       ("t-1", "t"), "SHAP", "forecast")
    faith = Faithfulness(DeletionCurve([1, 2], [0.4, 0.6], [0.2, 0.3]), 0.98,
                         SignCheck({"x0 at t-1": 0.75, "x0 at t": 0.9}, 0.8))
    result = ExplainResult(0, {}, {"shap": attr}, {"shap": faith}, {}, {"shap": 1.25},
                           np.zeros(1), ["1999"], framing=framing)
    assert result.faithfulness_lines() == [f"shap: {words}deletion ratio 2.00 vs random, 1.2 s"]
