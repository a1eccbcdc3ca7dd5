"""Behaviour does not change when the code is reshaped: two small deterministic studies, a
forecast and a classifier, run through the CLI with their reports, and `summary --json`
must print what tests/golden/ recorded (the trials, the chosen configuration, the test
figures, every baseline, the intervals and the forecasts past the data).

A change meant to move these figures records them again, saying why in its commit:
LSTM_TUNE_UPDATE_GOLDEN=1 pytest tests/test_behaviour.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli, tiny_study

pytestmark = pytest.mark.slow
GOLDEN = Path(__file__).resolve().parent / "golden"
VOLATILE = {"storage", "duration_s"}  # where the storage is, and how long a trial took
STUDIES = {
    "forecast": tiny_study(name="golden_forecast", deterministic=True, seed=3,
                           budget={"trials": 3}, training={"max_epochs": 3, "patience": 3}),
    "classify": tiny_study(name="golden_classify", task="classify", deterministic=True, seed=3,
                           data={"builtin": "synthetic_sequences"}, budget={"trials": 3},
                           training={"max_epochs": 3, "patience": 3},
                           space={"layers": 1, "units": [4, 8], "batch_size": [32, 64],
                                  "learning_rate": {"low": 1.0e-3, "high": 2.0e-2,
                                                    "log": True}}),
}


def flat(value: Any, path: str = "") -> dict[str, Any]:
    """Every leaf by its path, volatile keys left out."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k not in VOLATILE:
                out.update(flat(v, f"{path}/{k}"))
        return out
    if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
        out = {}
        for i, v in enumerate(value):
            out.update(flat(v, f"{path}[{i}]"))
        return out
    return {path: value}


@pytest.mark.parametrize("kind", list(STUDIES))
def test_a_deterministic_study_prints_what_it_printed(tmp_path, write_study, kind):
    write_study(STUDIES[kind], "study.yaml")
    ran = run_cli("run", "study.yaml", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr[-3000:]
    # a classifier's transform and statistical base are always off: not shown as settings
    assert ("transform=" in ran.stdout) == ("base=" in ran.stdout) == (kind == "forecast")
    summary = run_cli("summary", "study.yaml", "--json", cwd=tmp_path)
    assert summary.returncode == 0, summary.stderr[-3000:]
    now = flat(json.loads(summary.stdout))
    golden = GOLDEN / f"{kind}.json"
    if os.environ.get("LSTM_TUNE_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(now, indent=0, sort_keys=True) + "\n")
    recorded = json.loads(golden.read_text())
    assert sorted(now) == sorted(recorded), set(now) ^ set(recorded)
    changed = {k: (recorded[k], now[k]) for k in recorded
               if now[k] != pytest.approx(recorded[k], rel=1e-6, abs=1e-9)}
    assert not changed, changed
