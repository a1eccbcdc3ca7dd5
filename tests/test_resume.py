"""A run killed with SIGKILL mid-trial loses no completed trial; the same command finishes
the budget, and a GA study's generations continue instead of restarting."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.conftest import tiny_study

pytestmark = pytest.mark.slow


def completed(db: Path) -> dict[int, float]:
    if not db.exists():
        return {}
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "select t.number, v.value from trials t join trial_values v on v.trial_id = t.trial_id "
            "where t.state = 'COMPLETE'").fetchall()
    return dict(rows)


def generations(db: Path) -> dict[int, int]:
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "select t.number, a.value_json from trials t join trial_system_attributes a "
            "on a.trial_id = t.trial_id where a.key = 'GASampler:generation'").fetchall()
    return {n: int(v) for n, v in rows}


def start(cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "lstm_tune.cli", "run", "ga.yaml", "--no-report"], cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})


def test_sigkill_mid_ga_run_then_rerun_completes_the_budget(tmp_path):
    study = tiny_study(name="ga", strategy="ga", budget={"trials": 8},
                       training={"max_epochs": 6, "patience": 6},
                       ga={"population_size": 3, "elites": 1})
    (tmp_path / "ga.yaml").write_text(yaml.safe_dump(study))
    db = tmp_path / "ga.db"
    kept: dict[int, float] = {}
    for kill_after in (2, 4):
        proc = start(tmp_path)
        deadline = time.time() + 240
        while len(completed(db)) < kill_after and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.5)  # mid-trial
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = completed(db)
        assert all(now.get(n) == v for n, v in kept.items()), "a completed trial was lost"
        kept = now
    final = subprocess.run(
        [sys.executable, "-m", "lstm_tune.cli", "run", "ga.yaml"], cwd=tmp_path,
        capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr[-3000:]
    done = completed(db)
    assert all(done.get(n) == v for n, v in kept.items())
    assert len(done) == 8  # the budget, finished (no pruner; killed trials re-run)
    # a resumed run continues the generations: a restart would put more than a population
    # (3) of completed trials into generation 0
    per_generation = Counter(generations(db)[n] for n in done)
    assert max(per_generation.values()) <= 3 and max(per_generation) >= 2
    assert "test rmse" in final.stdout
