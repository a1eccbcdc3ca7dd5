"""The benchmarks keep working: every suite runs in its smallest form and prints its table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def test_every_benchmark_suite_runs_in_smoke_mode(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--out", str(tmp_path)], cwd=ROOT,
        capture_output=True, text=True, timeout=1200,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for heading in ("## quality (medians over seeds)", "## baselines on the same test points",
                    "## pruning", "## speed changes", "## overhead per trial", "## memory",
                    "## workers", "## explanation speed"):
        assert heading in out, heading
    assert "| lstm_tune TPE (pruned) |" in out and "| plain Optuna TPE script |" in out
    assert "baseline seasonal_naive | 49.99" in out
    assert any(p.suffix == ".csv" for p in tmp_path.iterdir())
