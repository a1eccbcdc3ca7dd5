"""How explainers call the model (explain/context.py): a text batch read once per distinct
row, padded to a few sizes, still gives every row its own output, in order."""

from __future__ import annotations

import numpy as np


def test_a_text_batch_with_repeated_rows_gives_each_row_its_own_output(reviews):
    ctx, x = reviews
    rng = np.random.default_rng(0)
    for n in (1, 33, 77):  # one row; past a power of two; many repeats, shuffled
        batch = x[rng.integers(0, 5, n)].copy()
        batch[rng.random(batch.shape) < 0.2] = 1  # some words masked as unknown (id 1)
        expected = np.asarray(ctx.model.predict_on_batch(batch))
        np.testing.assert_allclose(ctx.raw_output(batch), expected, rtol=1e-5, atol=1e-6)
