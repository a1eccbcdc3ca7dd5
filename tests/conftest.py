"""Shared helpers: tiny study files, running the real CLI, and hashing a storage."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# pytest-xdist already runs one test process per core, so a study under test runs one worker
# unless the test asks for more; `auto` itself is tested in tests/search/test_parallel.py
os.environ["LSTM_TUNE_WORKERS"] = "1"

TINY_SPACE = {
    "layers": {"low": 1, "high": 2},
    "units": [4, 8],
    "learning_rate": {"low": 1.0e-3, "high": 2.0e-2, "log": True},
    "dropout": 0.0,
    "batch_size": [16, 32],
    "bidirectional": False,
    "attention": [False, True],
    "transform": ["none", "log_seasonal_diff"],
}


def tiny_study(**overrides: Any) -> dict[str, Any]:
    """A study that trains in about a second per trial."""
    study: dict[str, Any] = {
        "name": "tiny",
        "data": {"builtin": "airline"},
        "window": 12,
        "space": dict(TINY_SPACE),
        "training": {"max_epochs": 3, "patience": 2},
        "budget": {"trials": 3},
        "pruner": "none",
        "seed": 1,
    }
    study.update(overrides)
    return study


@pytest.fixture
def write_study(tmp_path: Path):
    def write(content: dict[str, Any] | str, name: str = "study.yaml") -> Path:
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
        return path

    return write


def run_cli(*args: str, cwd: Path, timeout: float = 600, process: bool = False
            ) -> subprocess.CompletedProcess:
    """Run the installed `lstm-tune` command as a user would: in its own process where the
    test reads what only a process shows (TensorFlow's C++ noise on file descriptor 2, the
    entry point itself), otherwise in this one with click's runner. In this process the
    command's TensorFlow import and its worker server (search/warm.py) are shared by the
    tests (each new process costs 5-7 s of CPU importing TensorFlow). LSTM_TUNE_TEST_CLI=process
    runs every command in its own process."""
    if process or os.environ.get("LSTM_TUNE_TEST_CLI") == "process":
        return subprocess.run(
            [sys.executable, "-m", "lstm_tune.cli", *args], cwd=cwd, capture_output=True,
            text=True, timeout=timeout, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        )
    return _in_this_process(list(args), cwd)


def _in_this_process(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """The command through click's runner, in `cwd`, leaving this process's working folder
    and environment as they were; an exception the command let escape is written to stderr
    as the real entry point would print it (so tests that look for tracebacks see it)."""
    import traceback

    from click.testing import CliRunner

    from lstm_tune.cli import cli

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, args, prog_name="lstm-tune",
                                    env={"TF_CPP_MIN_LOG_LEVEL": "2"})
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["lstm-tune", *args], result.exit_code, result.stdout,
                                       stderr)


def tree_digest(folder: Path) -> dict[str, str]:
    """Content hashes of every file below a folder: 'the storage is untouched' made checkable."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """The suite tests what users install: .ci/run sets LSTM_TUNE_REQUIRE_INSTALLED, and
    then an lstm_tune imported from this checkout (an editable install) is an error."""
    import lstm_tune

    if os.environ.get("LSTM_TUNE_REQUIRE_INSTALLED") and \
            Path(lstm_tune.__file__).resolve().is_relative_to(ROOT):
        raise pytest.UsageError(f"lstm_tune was imported from {lstm_tune.__file__}, the source "
                                "tree, not the installed package: pip install '.[test]'")


@pytest.fixture(autouse=True)
def _quiet_optuna():
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)


# Files whose slow tests are independent of each other, spread one test at a time over the
# test processes (pytest-xdist); every other file's tests share one process, so that its
# module and session fixtures are built once.
SPREAD = {"test_robustness.py", "test_benchmarks.py"}
# files that need another file's costly session fixtures run in that file's process, where
# the fixtures are built once (tests/explain/conftest.py trains a text model for a minute)
SAME_PROCESS = {"tests/explain/test_context.py": "tests/explain/test_explainers.py"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group each file's tests for `--dist loadgroup`, and start the slow tests first so
    that no long test is left running alone at the end."""
    for item in items:
        if item.path.name not in SPREAD:
            file = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(SAME_PROCESS.get(file, file)))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close the test process's Chromium (tests/browser.py keeps one for every page)."""
    from tests.browser import close_browser

    close_browser()
