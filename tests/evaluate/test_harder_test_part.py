"""A series whose noise is four times larger in its test part than before it: the truth is
that no model can do as well there, so the warnings must say the test part is harder (as
persistence shows) and that the intervals, set on calmer validation errors, are too narrow."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.browser import open_page
from tests.conftest import TINY_SPACE, run_cli

pytestmark = pytest.mark.slow
TEST = 40


def test_a_noisier_test_part_is_called_harder_and_its_intervals_too_narrow(tmp_path):
    rng = np.random.default_rng(0)
    n = 400
    noise = rng.normal(0, 1, n)
    noise[-TEST:] *= 4  # the test part only
    days = pd.date_range("2020-01-06", periods=n, freq="D")
    pd.DataFrame({"day": days.strftime("%Y-%m-%d"), "y": 100 + np.cumsum(noise)}).to_csv(
        tmp_path / "walk.csv", index=False)
    (tmp_path / "walk.yaml").write_text(yaml.safe_dump({
        "name": "walk", "data": {"csv": "walk.csv", "target": "y", "time": "day"},
        "window": 8, "split": {"validation": TEST, "test": TEST},
        "space": {**TINY_SPACE, "transform": "diff"},
        "training": {"max_epochs": 3, "patience": 2}, "budget": {"trials": 1},
        "pruner": "none", "seed": 0}))
    result = run_cli("run", "walk.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "the test part is harder to forecast for any model" in out, out
    assert "too narrow for the test part" in out, out
    page = open_page(tmp_path / "reports" / "walk" / "index.html")
    assert page.console_errors == [] and page.broken_images == 0
    assert re.search(r"The 80% intervals hold \d+ of the 40 one-step test values, fewer than "
                     "chance allows", page.text)
    assert "the test part is harder to forecast for any model" in page.text
    assert re.search(r"Season\s+7 steps \(the time column 'day' holds daily dates", page.text)
