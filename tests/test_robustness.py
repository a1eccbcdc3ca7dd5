"""Studies survive SIGKILL and Ctrl-C, run in parallel on one machine, cooperate across
processes through a real PostgreSQL server, and repeat exactly in deterministic mode."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import optuna
import pytest
import yaml
from optuna.trial import TrialState

from lstm_tune.search.ga import GASampler
from lstm_tune.search.pso import PSOSampler
from tests.conftest import run_cli, tiny_study
from tests.postgres import postgres_server

pytestmark = pytest.mark.slow
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}


def load(url: str, name: str) -> optuna.Study:
    if url.startswith("journal:///"):
        from optuna.storages import JournalStorage
        from optuna.storages.journal import JournalFileBackend

        return optuna.load_study(study_name=name, storage=JournalStorage(
            JournalFileBackend(url[len("journal:///"):])))
    return optuna.load_study(study_name=name, storage=url)


def completed(url: str, name: str) -> dict[int, float]:
    try:
        study = load(url, name)
    except Exception:  # not created yet
        return {}
    return {t.number: t.value for t in study.get_trials(states=(TrialState.COMPLETE,))}


def _default_ctrl_c() -> None:
    # a runner started in the background (`cmd &` without job control) ignores SIGINT, and
    # an ignored signal stays ignored across exec: give the CLI a terminal's Ctrl-C back
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(cwd: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lstm_tune.cli", *args], cwd=cwd, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_ctrl_c)


def wait_for(cwd: Path, url: str, name: str, count: int, proc: subprocess.Popen) -> None:
    deadline = time.time() + 300
    while len(completed(url, name)) < count and time.time() < deadline:
        assert proc.poll() is None, proc.stderr.read()[-2000:] if proc.stderr else ""
        time.sleep(0.2)


# GA only: killing and resuming processes is the same for every strategy (the strategy
# suite resumes each sampler from its storage); GA adds state that a restart could overfill
@pytest.mark.parametrize("strategy", ["ga"])
def test_three_sigkills_then_the_fourth_run_completes(tmp_path, strategy):
    study = tiny_study(name="k", strategy=strategy, budget={"trials": 8},
                       training={"max_epochs": 5, "patience": 5},
                       ga={"population_size": 3, "elites": 1})
    (tmp_path / "k.yaml").write_text(yaml.safe_dump(study))
    url = f"sqlite:///{tmp_path / 'k.db'}"
    kept: dict[int, float] = {}
    for kill_after in (1, 3, 5):
        proc = start(tmp_path, "run", "k.yaml", "--no-report")
        wait_for(tmp_path, url, "k", kill_after, proc)
        time.sleep(0.7)  # now mid-trial
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = completed(url, "k")
        assert all(now.get(n) == v for n, v in kept.items()), "a completed trial was lost"
        kept = now
    final = run_cli("run", "k.yaml", "--no-report", cwd=tmp_path)  # the search is what resumes
    assert final.returncode == 0, final.stderr[-3000:]
    done = completed(url, "k")
    assert all(done.get(n) == v for n, v in kept.items())
    trials = load(url, "k").get_trials()
    # the budget (no pruner); killed trials were failed and re-run
    if len(done) != 8:
        pytest.fail("\n".join(f"{t.number} {t.state.name} {t.user_attrs.get('fail_reason')} "
                              f"{sorted(t.system_attrs)}" for t in trials))
    assert not [t for t in trials if t.state == TrialState.RUNNING]
    if strategy == "ga":  # generations continued: a restart would overfill generation 0
        per_gen = Counter(t.system_attrs[GASampler.key("generation")] for t in trials
                          if t.state == TrialState.COMPLETE)
        assert max(per_gen.values()) <= 3 and max(per_gen) >= 2


def test_ctrl_c_records_the_running_trial_and_says_how_to_resume(tmp_path):
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(tiny_study(
        name="c", budget={"trials": 3}, training={"max_epochs": 8, "patience": 8})))
    url = f"sqlite:///{tmp_path / 'c.db'}"
    proc = start(tmp_path, "run", "c.yaml", "--no-report")
    wait_for(tmp_path, url, "c", 1, proc)
    time.sleep(0.7)
    os.kill(proc.pid, signal.SIGINT)  # to the parent only, as a terminal's Ctrl-C reaches it
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "run the same command again to resume" in err and "Traceback" not in err
    states = Counter(t.state for t in load(url, "c").get_trials())
    assert states[TrialState.RUNNING] == 0 and states[TrialState.COMPLETE] >= 1
    again = run_cli("run", "c.yaml", "--no-report", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    trials = [(t.number, t.state.name, t.user_attrs.get("fail_reason")) for t in
              load(url, "c").get_trials()]
    assert len(completed(url, "c")) == 3, trials  # the interrupted trial was run again
    # Ctrl-C with no trial running (here: building the report) does not say one was failed
    proc = start(tmp_path, "report", "c.yaml")
    deadline = time.time() + 120  # inside the command: importing TensorFlow to test the model
    while "tensorflow" not in Path(f"/proc/{proc.pid}/maps").read_text():
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read()[-2000:]
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "interrupted; the study's trials are as they were: run the same command again" in err
    assert "Traceback" not in err and len(completed(url, "c")) == 3


def test_two_local_workers_share_a_journal_storage(tmp_path):
    (tmp_path / "w.yaml").write_text(yaml.safe_dump(tiny_study(
        name="w", budget={"trials": 12}, training={"max_epochs": 2, "patience": 2})))
    result = run_cli("run", "w.yaml", "--workers", "2", "--no-report", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "database is locked" not in result.stderr
    assert (tmp_path / "w.journal").is_file() and not (tmp_path / "w.db").exists()
    trials = load(f"journal:///{tmp_path / 'w.journal'}", "w").get_trials()
    assert sorted(t.number for t in trials) == list(range(12))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert len({t.user_attrs["worker"] for t in trials}) >= 2  # both workers ran trials
    summary = run_cli("summary", "w.yaml", "--json", cwd=tmp_path)  # finds the journal itself
    assert json.loads(summary.stdout)["trials"]["complete"] == 12


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


# GA only: GA and PSO claim their slots through the same PopulationSampler code, and TPE
# adds nothing on this path (workers that share one storage: the journal test above; each
# strategy resumed from a storage: tests/search's strategy suite)
@pytest.mark.parametrize("strategy", ["ga"])
def test_three_workers_cooperate_through_postgresql(tmp_path, postgres_url, strategy):
    name = f"pg-{strategy}"
    (tmp_path / "pg.yaml").write_text(yaml.safe_dump(tiny_study(
        name=name, strategy=strategy, budget={"trials": 9}, storage=postgres_url,
        training={"max_epochs": 2, "patience": 2}, ga={"population_size": 3, "elites": 1},
        pso={"swarm_size": 3})))
    procs = [start(tmp_path, "worker", "pg.yaml") for _ in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
    trials = load(postgres_url, name).get_trials()
    numbers = [t.number for t in trials]
    assert sorted(numbers) == list(range(len(numbers)))  # none lost, none duplicated
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert 9 <= len(trials) <= 11  # across machines the budget may overshoot by workers - 1
    hosts = {t.system_attrs["lstm_tune:owner"]["pid"] for t in trials}
    assert len(hosts) >= 2  # the work really was shared
    if strategy != "tpe":
        cls = GASampler if strategy == "ga" else PSOSampler
        pairs = [(t.system_attrs[cls.key("generation")], t.system_attrs[cls.key(cls.slot_name)])
                 for t in trials]
        assert len(set(pairs)) == len(pairs)  # no two trials took the same slot
        per_gen = Counter(g for g, _ in pairs)
        assert all(n <= 3 for n in per_gen.values()) and sorted(per_gen) == list(range(len(per_gen)))


def test_deterministic_mode_repeats_params_and_metrics(tmp_path):
    results = []
    for run in ("a", "b"):
        folder = tmp_path / run
        folder.mkdir()
        (folder / "d.yaml").write_text(yaml.safe_dump(tiny_study(
            name="d", deterministic=True, seed=3, budget={"trials": 4}, recycle_every=2,
            training={"max_epochs": 3, "patience": 3})))
        result = run_cli("run", "d.yaml", "--no-report", cwd=folder)
        assert result.returncode == 0, result.stderr[-2000:]
        trials = load(f"sqlite:///{folder / 'd.db'}", "d").get_trials()
        results.append([(t.params, t.value) for t in trials])
    assert results[0] == results[1]
