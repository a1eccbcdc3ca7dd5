"""The shared test suite every explainer must pass: shape and names, determinism with a
seed, additivity where the method promises it, faithfulness on the synthetic task (mass on
the informative cells, and for signed explainers the sign of each informative cell)."""

from __future__ import annotations

import numpy as np

from lstm_tune.data.tokens import PAD, UNKNOWN
from lstm_tune.explain.faithfulness import (
    deletion_curve,
    informative_cells,
    informative_share,
    masked_share,
    sign_agreement,
    word_signs,
)
from lstm_tune.explain.context import ExplainContext
from lstm_tune.explain.readings import EXPLAINERS, deciding_words


_EXPLAINED: dict = {}  # (method, model's context, shape) -> (context, explanation)


class ExplainerSuite:
    method: str = ""
    min_informative_share: float | None = None  # None: report the figure, promise nothing
    min_word_share: float = 0.0  # texts: share of attribution on the deciding words
    word_share_over_uniform = 3.0  # ... and at least this many times a uniform share
    signed = True  # returns signed contributions, so its signs are checked against the truth
    per_feature = True

    def explain(self, ctx, x):
        return EXPLAINERS[self.method](ctx, x, None)

    def explained(self, ctx, x):
        """`explain(ctx, x)` computed once per model and method: four tests read the same
        explanation (that a second computation gives the same values is the seed test's)."""
        key = (self.method, id(ctx), x.shape)
        if key not in _EXPLAINED or _EXPLAINED[key][0] is not ctx:
            _EXPLAINED[key] = (ctx, self.explain(ctx, x))
        return _EXPLAINED[key][1]

    def test_shape_names_and_data(self, synthetic):
        ctx, x, _ = synthetic
        attr = self.explained(ctx, x)
        n, steps, features = x.shape
        assert attr.values.shape == (n, steps, features if self.per_feature else 1)
        assert attr.step_names == ("t-6", "t-5", "t-4", "t-3", "t-2", "t-1")
        assert attr.feature_names == (("x0", "x1", "x2") if self.per_feature else ("all features",))
        assert attr.base_values.shape == (n,) and attr.predictions.shape == (n,)
        assert np.all(np.isfinite(attr.values)) and attr.method
        if self.per_feature:  # inputs are shown in the data's units
            np.testing.assert_allclose(attr.data, ctx.unscaled(x), rtol=1e-6)
        sliced = attr[:3]
        assert sliced.values.shape[0] == 3 and sliced.base_values.shape == (3,)

    def test_same_seed_same_values(self, synthetic):
        ctx, x, _ = synthetic
        a, b = self.explain(ctx, x[:8]), self.explain(ctx, x[:8])
        np.testing.assert_allclose(a.values, b.values, rtol=1e-6, atol=1e-9)

    def test_additivity_where_promised(self, synthetic):
        ctx, x, _ = synthetic
        attr = self.explained(ctx, x)
        total = attr.base_values + attr.values.sum(axis=(1, 2))
        if attr.additivity == "exact":
            np.testing.assert_allclose(total, attr.predictions, rtol=1e-4, atol=1e-4)
        elif attr.additivity == "expected":
            # on average over windows, base + sum(values) tracks the prediction
            error = np.abs(total - attr.predictions).mean()
            spread = np.abs(attr.predictions - attr.predictions.mean()).mean()
            assert error < 0.25 * spread, (error, spread)
            assert np.corrcoef(total, attr.predictions)[0, 1] > 0.95
        elif attr.additivity == "local":
            # base + sum(values) is the explainer's local surrogate at the window: it must
            # follow the model closely on this near-linear task
            assert np.corrcoef(total, attr.predictions)[0, 1] > 0.95
        else:
            assert attr.additivity is None

    def test_faithful_on_the_synthetic_task(self, synthetic):
        ctx, x, informative = synthetic
        attr = self.explained(ctx, x)
        cells = informative_cells(informative, attr.step_names, ctx.feature_names)
        assert cells == [(5, 0, 1.0), (1, 0, -0.8)]
        share = informative_share(attr, cells)
        print(f"{self.method}: {100 * share:.1f}% of attribution on the informative cells")
        assert 0.0 <= share <= 1.0
        if self.min_informative_share is not None:
            assert share >= self.min_informative_share, share
            curve = deletion_curve(ctx.output, x, attr)
            assert curve.ratio > 1.2, curve  # its ranking moves the prediction more than chance

    def test_signs_match_the_truth(self, synthetic):
        """y = x0[t-1] - 0.8 x0[t-5]: x0 at t-1 pushes the forecast up when it is above the
        explainer's reference input, x0 at t-5 pushes it down. A signed explainer must say so in at least
        95% of windows, for each cell; a sign flip anywhere fails here."""
        ctx, x, informative = synthetic
        attr = self.explained(ctx, x)
        assert attr.signed == self.signed
        cells = informative_cells(informative, attr.step_names, ctx.feature_names)
        check = sign_agreement(attr, x, cells)
        if not self.signed:
            assert check is None
            return
        print(f"{self.method}: sign agreement {check.agreement}, correlation "
              f"{check.correlation:.3f}")
        assert check.worst >= 0.95, check
        assert check.correlation > 0.9, check

    def test_the_classification_path(self, synthetic_class):
        """The probability of class '1' rises with x0 at t and falls with x0 at t-4: a
        signed explainer must say so, and every explainer must find those cells far more
        often than a uniform attribution would."""
        ctx, x, informative = synthetic_class
        attr = EXPLAINERS[self.method](ctx, x, 1)
        n, steps, features = x.shape
        assert attr.values.shape == (n, steps, features if self.per_feature else 1)
        assert "class '1'" in attr.output or not self.signed
        np.testing.assert_allclose(attr.predictions, ctx.output(x, 1), rtol=1e-5)
        cells = informative_cells(informative, attr.step_names, ctx.feature_names)
        assert [c[:2] for c in cells] == [(5, 0), (1, 0)]
        share = informative_share(attr, cells)
        uniform = 2 / (steps * (features if self.per_feature else 1))
        print(f"{self.method} (classify): {100 * share:.1f}% on the informative cells")
        assert share >= 2 * uniform, (share, uniform)
        check = sign_agreement(attr, x, cells)
        if self.signed:
            assert check.worst >= 0.9, check
        else:
            assert check is None

    def test_independent_sequences(self, synthetic_sequences):
        """Whole sequences: steps are named by position, the known cells (dim_0 at steps 12
        and 8) get far more than a uniform share, with the right signs."""
        ctx, x, informative = synthetic_sequences
        attr = EXPLAINERS[self.method](ctx, x, 1)
        n, steps, features = x.shape
        assert attr.step_names[0] == "step 1" and attr.step_names[-1] == f"step {steps}"
        cells = informative_cells(informative, attr.step_names, ctx.feature_names, ctx.cell_name)
        assert [c[:2] for c in cells] == [(11, 0), (7, 0)]
        share = informative_share(attr, cells)
        uniform = 2 / (steps * (features if self.per_feature else 1))
        print(f"{self.method} (sequences): {100 * share:.1f}% on the informative cells")
        assert share >= 3 * uniform, (share, uniform)
        check = sign_agreement(attr, x, cells)
        if self.signed:
            # a probability is not linear in its inputs: where a cell is within half a
            # standard deviation of the reference, a faithful explainer may give either sign
            # (measured: every SHAP miss here was within 0.33); beyond it, signs must hold
            far = [np.sign(attr.values[:, s, f]) == np.sign(c * (x[:, s, f] - attr.reference[s, f]))
                   for s, f, c in cells]
            away = [np.abs(x[:, s, f] - attr.reference[s, f]) >= 0.5 for s, f, _ in cells]
            clear = min(float(np.mean(ok[m])) for ok, m in zip(far, away))
            print(f"{self.method} (sequences): signs {check.agreement}, {clear:.3f} where "
                  "the input is 0.5 sd or more from the reference")
            assert check.worst >= 0.8, check
            assert clear >= 0.95, clear
        curve = deletion_curve(lambda b: ctx.output(b, 1), x, attr)
        assert curve.ratio > 1.2, curve

    def test_a_panel_forecast_step_by_step(self, synthetic_panel):
        """Six series of levels 1 to 1e5, one law, two steps ahead at once. Step 1 is
        y[t] = x0[t-1] - 0.8 x0[t-5]: both cells visible. Step 2's target is one step
        further: x0[t-1] is not yet observed, so its only informative cell is x0[t-5], and
        the step names count lags from the explained target. Inputs are shown in each
        series' own units. Attention weighs steps once for the whole path: the same weights
        for every step ahead, which the page says."""
        model, data, chosen, informative = synthetic_panel
        assert len(set(chosen.series.tolist())) == 6  # every series in turn
        for step, expected in ((0, [(5, 0), (1, 0)]), (1, [(2, 0)])):
            ctx = ExplainContext(model, data, seed=0, series=chosen.series, step=step)
            x = chosen.x
            attr = EXPLAINERS[self.method](ctx, x, None)
            assert attr.step_names[-1] == f"t-{step + 1}"
            if attr.kind == "weight":
                assert "every step ahead" in attr.output
                if step:
                    np.testing.assert_allclose(attr.values, first.values)
                    continue
            first = attr
            assert f"{step + 1} step(s) ahead" in attr.output or not self.signed
            np.testing.assert_allclose(attr.predictions, np.asarray(model(x))[:, step], rtol=1e-5)
            if self.per_feature:
                np.testing.assert_allclose(attr.data, data.raw_inputs(chosen.target_idx, False),
                                           rtol=1e-5, atol=1e-6)
            cells = informative_cells(informative, attr.step_names, ctx.feature_names)
            assert [c[:2] for c in cells] == expected
            share = informative_share(attr, cells)
            uniform = len(cells) / (x.shape[1] * (x.shape[2] if self.per_feature else 1))
            print(f"{self.method} (panel, step {step + 1}): {100 * share:.1f}% on the "
                  f"informative cells (uniform {100 * uniform:.1f}%)")
            assert share >= 0.8 if step == 0 else share >= 4 * uniform, share
            check = sign_agreement(attr, x, cells)
            if self.signed:
                assert check.worst >= 0.9, check

    def test_texts_word_by_word(self, reviews):
        """Texts: one value per word, none on padding; the deciding words (the adjective and
        the word before it) hold most of the attribution and, for signed explainers, push
        the probability of 'positive' towards each text's true class; masking the top-ranked
        words moves the prediction more than masking random ones."""
        ctx, x = reviews
        attr = EXPLAINERS[self.method](ctx, x, 1)  # ctx reads texts: the word explainer
        assert ctx.data.classes == ("negative", "positive")
        assert attr.values.shape == (len(x), x.shape[1], 1)
        assert attr.step_names[0] == "word 1" and attr.feature_names == ("word",)
        assert not attr.values[x == PAD].any()
        np.testing.assert_allclose(attr.predictions, ctx.output(x, 1), rtol=1e-5)
        if attr.additivity == "exact":
            total = attr.base_values + attr.values.sum(axis=(1, 2))
            np.testing.assert_allclose(total, attr.predictions, atol=1e-4)
        mask = deciding_words(ctx, x)
        assert mask.any(axis=1).all() and (mask.sum(axis=1) <= 2).all()
        share = masked_share(attr, mask)
        uniform = mask.sum() / (x != PAD).sum()
        print(f"{self.method} (texts): {100 * share:.1f}% on the deciding words "
              f"(uniform {100 * uniform:.1f}%)")
        assert share >= max(self.min_word_share, self.word_share_over_uniform * uniform), share
        labels = ctx.data.actual_at(ctx.sample_idx)
        check = word_signs(attr, mask, np.where(labels == "positive", 1.0, -1.0))
        if self.signed:
            print(f"{self.method} (texts): signs {check.agreement}")
            assert check.worst >= 0.95, check
        else:
            assert check is None
        curve = deletion_curve(lambda b: ctx.output(b[..., 0], 1), x[..., None], attr,
                               real=x != PAD, fill=UNKNOWN)
        assert curve.ratio > 1.2, curve
