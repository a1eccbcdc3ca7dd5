"""`--workers auto`: one single-threaded worker per core where that is safe, else one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lstm_tune.errors import StudyError
from lstm_tune.search import parallel
from lstm_tune.search.parallel import WORKER_BYTES, choose_workers
from lstm_tune.spec import load_spec
from tests.conftest import run_cli, tiny_study


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch):
    """A machine of 4 cores and plenty of memory, with no LSTM_TUNE_WORKERS set."""
    monkeypatch.delenv(parallel.ENV, raising=False)
    monkeypatch.setattr(parallel, "cores", lambda: 4)
    monkeypatch.setattr(parallel, "_free_memory", lambda: 64 * 2**30)
    return monkeypatch


def _spec(tmp_path: Path, **overrides: object):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_study(**{"budget": {"trials": 8}, **overrides})))
    return load_spec(path)


def test_auto_runs_one_worker_per_core(tmp_path: Path, machine: pytest.MonkeyPatch) -> None:
    assert choose_workers(_spec(tmp_path), None) == (4, None)
    assert choose_workers(_spec(tmp_path), "auto") == (4, None)


def test_auto_is_capped_by_the_budget_and_by_free_memory(tmp_path: Path,
                                                         machine: pytest.MonkeyPatch) -> None:
    assert choose_workers(_spec(tmp_path, budget={"trials": 3}), None) == (3, None)
    machine.setattr(parallel, "_free_memory", lambda: 2 * WORKER_BYTES + 1)
    n, why = choose_workers(_spec(tmp_path), None)
    assert n == 2 and "free memory allows 2 workers" in why
    machine.setattr(parallel, "_free_memory", lambda: WORKER_BYTES // 2)
    n, why = choose_workers(_spec(tmp_path), None)
    assert n == 1 and "free memory allows 1 worker " in why
    machine.setattr(parallel, "cores", lambda: 1)
    assert choose_workers(_spec(tmp_path), None) == (1, None)


def test_auto_runs_one_worker_on_sqlite_and_says_why(tmp_path: Path,
                                                     machine: pytest.MonkeyPatch) -> None:
    (tmp_path / "tiny.db").write_bytes(b"")  # the study already lives in SQLite
    n, why = choose_workers(_spec(tmp_path), None)
    assert n == 1 and "SQLite" in why and "tiny.db" in why
    (tmp_path / "tiny.db").unlink()
    n, why = choose_workers(_spec(tmp_path, storage="sqlite:///tiny.db"), None)
    assert n == 1 and "SQLite" in why
    n, _ = choose_workers(_spec(tmp_path, storage="journal:///tiny.journal"), None)
    assert n == 4


def test_auto_runs_one_worker_for_a_deterministic_study(tmp_path: Path,
                                                        machine: pytest.MonkeyPatch) -> None:
    n, why = choose_workers(_spec(tmp_path, deterministic=True), None)
    assert n == 1 and "deterministic" in why


def test_a_number_is_taken_as_given_and_the_variable_sets_the_default(
        tmp_path: Path, machine: pytest.MonkeyPatch) -> None:
    assert choose_workers(_spec(tmp_path), 1) == (1, None)
    assert choose_workers(_spec(tmp_path), "3") == (3, None)
    machine.setenv(parallel.ENV, "2")
    assert choose_workers(_spec(tmp_path), None) == (2, None)
    assert choose_workers(_spec(tmp_path), "auto") == (4, None)  # the option wins


@pytest.mark.parametrize("value", ["many", "0", "-1", "1.5", "257"])
def test_a_bad_number_of_workers_names_where_it_came_from(
        tmp_path: Path, machine: pytest.MonkeyPatch, value: str) -> None:
    with pytest.raises(StudyError, match="--workers.*fix: give auto or a whole number"):
        choose_workers(_spec(tmp_path), value)
    machine.setenv(parallel.ENV, value)
    with pytest.raises(StudyError, match=f"{parallel.ENV}: '{value}' is "
                       f"({'out of range' if value.isdigit() else 'not a number of workers'})"):
        choose_workers(_spec(tmp_path), None)


@pytest.mark.skipif(parallel.cores() < 2, reason="auto runs several workers on 2+ cores")
def test_run_uses_every_core_by_default_with_a_journal(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.ENV)
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(tiny_study(budget={"trials": 4})))
    out = run_cli("run", "tiny.yaml", "--no-report", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    workers = min(parallel.cores(), 4)
    assert f"on {workers} workers, 0 of 4 trials done" in out.stderr
    assert (tmp_path / "tiny.journal").is_file() and not (tmp_path / "tiny.db").exists()
    assert "4 trials in journal:///" in out.stdout
    # a later command finds the journal by itself
    summary = run_cli("summary", "tiny.yaml", cwd=tmp_path)
    assert summary.returncode == 0, summary.stderr
    assert "tiny.journal" in summary.stdout and "4 complete" in summary.stdout


def test_a_bad_workers_variable_is_one_line_and_touches_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.ENV, "lots")
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(tiny_study()))
    out = run_cli("run", "tiny.yaml", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "lstm-tune: tiny.yaml: LSTM_TUNE_WORKERS: 'lots' is not a number of workers; fix: give auto or a "
        "whole number from 1 to 256"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]
