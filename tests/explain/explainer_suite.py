"""The shared test suite every explainer must pass: shape and names, determinism with a
seed, additivity where the method promises it, faithfulness on the synthetic task."""

from __future__ import annotations

import numpy as np

from lstm_tune.explain.faithfulness import deletion_curve, informative_cells, informative_share
from lstm_tune.explain.run import EXPLAINERS


class ExplainerSuite:
    method: str = ""
    min_informative_share: float | None = None  # None: report the figure, promise nothing
    per_feature = True

    def explain(self, ctx, x):
        return EXPLAINERS[self.method](ctx, x, None)

    def test_shape_names_and_data(self, synthetic):
        ctx, x, _ = synthetic
        attr = self.explain(ctx, x)
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
        attr = self.explain(ctx, x)
        total = attr.base_values + attr.values.sum(axis=(1, 2))
        if attr.additivity == "exact":
            np.testing.assert_allclose(total, attr.predictions, rtol=1e-4, atol=1e-4)
        elif attr.additivity == "expected":
            # on average over windows, base + sum(values) tracks the prediction
            error = np.abs(total - attr.predictions).mean()
            spread = np.abs(attr.predictions - attr.predictions.mean()).mean()
            assert error < 0.25 * spread, (error, spread)
            assert np.corrcoef(total, attr.predictions)[0, 1] > 0.95
        else:
            assert attr.additivity is None

    def test_faithful_on_the_synthetic_task(self, synthetic):
        ctx, x, informative = synthetic
        attr = self.explain(ctx, x)
        cells = informative_cells(informative, attr.step_names, ctx.feature_names)
        assert cells == [(5, 0), (1, 0)]
        share = informative_share(attr, cells)
        print(f"{self.method}: {100 * share:.1f}% of attribution on the informative cells")
        assert 0.0 <= share <= 1.0
        if self.min_informative_share is not None:
            assert share >= self.min_informative_share, share
            curve = deletion_curve(ctx.output, x, attr)
            assert curve.ratio > 1.2, curve  # its ranking moves the prediction more than chance
