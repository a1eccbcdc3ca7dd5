"""End to end through the real `lstm-tune` command: a tiny real study, its storage, its
summary, its report in headless Chromium, resuming, and bad input refused cleanly."""

from __future__ import annotations

import html
import json
import os
import re
import sys
import math
import sqlite3
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
import yaml

from tests.browser import open_page
from tests.conftest import run_cli, tiny_study, tree_digest

pytestmark = pytest.mark.slow


def trial_count(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("select count(*) from trials").fetchone()[0]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """One tiny real study, run once through the CLI, shared by the tests below."""
    root = tmp_path_factory.mktemp("e2e")
    (root / "studies").mkdir()
    study = root / "studies" / "tiny.yaml"
    study.write_text(yaml.safe_dump(tiny_study()))
    # its own process: the test below reads what TensorFlow's C++ writes to descriptor 2
    result = run_cli("run", "studies/tiny.yaml", cwd=root, process=True)
    return root, study, result


def test_run_trains_stores_and_reports(finished):
    root, _, result = finished
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "best trial #" in out and "test RMSE:" in out and "validation RMSE" in out
    # the sampler's choices apart from what the space fixed (tiny's space fixes some)
    assert "val_rmse" not in out and "\nfixed: " in out
    # each trial as it finishes (not a terminal: no progress bar), the metric named as above
    assert re.search(r"trial 0: (complete|pruned at epoch \d+), validation RMSE \d", result.stderr)
    assert "baseline persistence: RMSE 51.78, MAE 44.21, MASE 1.547, sMAPE 9.703" in out
    assert "baseline seasonal_naive: RMSE 49.99" in out
    assert "baseline seasonal_arima: RMSE 15.28" in out and "baseline ets: RMSE" in out
    # a 3-trial study does not beat it: a Diebold-Mariano test says tie or loss
    assert "seasonal_arima (15.28, p" in out and "Diebold-Mariano (HLN) test at 5%" in out
    assert "ties with" in out or "loses to" in out
    assert ("forecasts past the data: lstm-tune predict studies/tiny.yaml; the model: "
            "lstm-tune export studies/tiny.yaml FOLDER") in out
    # not a terminal: one line per finished trial instead of a bar, and no TensorFlow noise
    err = result.stderr
    assert [line.split(":")[0] for line in err.splitlines() if line.startswith("trial ")] == [
        "trial 0", "trial 1", "trial 2"], err
    assert "best " in err and " s elapsed" in err
    # tiny gives no season: the one read from airline's dates is said before the trials
    assert ("tiny: season 12 steps (the time column 'month' holds monthly dates; season: in "
            "the study file changes it)") in err.split("searching with")[0], err
    for noise in ("CUDA", "cuInit", "E0000", "I0000", "retracing"):
        assert noise not in err, err
    assert trial_count(root / "studies" / "tiny.db") == 3
    assert any((root / "studies" / "tiny_artifacts").iterdir())
    assert (root / "reports" / "tiny" / "index.html").is_file()


def test_summary_names_metrics_as_the_report_does(finished):
    root, _, _ = finished
    result = run_cli("summary", "studies/tiny.yaml", cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"best trial #\d+: validation RMSE \d", result.stdout)
    assert re.search(r"test: RMSE [\d.]+, MAE [\d.]+, MASE [\d.]+, sMAPE ", result.stdout)
    assert "baselines (test RMSE): persistence 51.78, seasonal_naive 49.99" in result.stdout


def test_summary_json_is_machine_readable(finished):
    root, _, _ = finished
    result = run_cli("summary", "studies/tiny.yaml", "--json", cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    info = json.loads(result.stdout)
    assert info["trials"]["total"] == 3
    assert info["trials"]["complete"] + info["trials"]["fail"] + info["trials"]["pruned"] == 3
    assert info["best_trial"]["params"]["layers"] in (1, 2)
    ev = info["evaluation"]
    assert ev["trial"] == info["best_trial"]["number"]
    assert math.isfinite(ev["test"]["rmse"]) and ev["test"]["rmse"] > 0
    assert ev["baselines"]["seasonal_naive"]["rmse"] == pytest.approx(49.99, abs=0.01)
    assert ev["baselines"]["seasonal_arima"]["rmse"] == pytest.approx(15.28, abs=0.01)
    assert "seasonal ARIMA (0,1,1)(0,1,1,12)" in ev["baseline_methods"]["seasonal_arima"]
    test = ev["significance"]["seasonal_arima"]
    assert test["verdict"] in ("ties", "loses") and 0 <= test["p_value"] <= 1
    assert test["n"] == 24 and test["low"] <= test["difference"] <= test["high"]
    assert ev["significance"]["persistence"]["verdict"] == "beats"
    assert info["report"].endswith("index.html")
    # the test part's interval coverage and width per step, and the forecast past the data
    iv = ev["intervals"]
    assert iv["levels"] == [80, 95] and iv["errors_per_step"] == [12]
    assert all(0 <= iv["coverage"][k][0] <= 1 and iv["width"][k][0] > 0 for k in ("80", "95"))
    assert ev["future"]["rows"][0]["time"] == "1961-01"


def test_report_renders_in_chromium(finished):
    root, _, _ = finished
    page = open_page(root / "reports" / "tiny" / "index.html")
    assert page.title == "lstm_tune report: tiny"
    assert page.images >= 6 and page.broken_images == 0
    assert page.console_errors == [] and page.failed_requests == []
    for words in ("Test split, against baselines", "seasonal_naive", "test MAE",
                  "seasonal ARIMA (0,1,1)(0,1,1,12), fixed orders", "exponential smoothing",
                  "seasonal_arima (15.28, p", "Reproduce the best model", "seed=", "fANOVA",
                  "the ranking is a rough hint", "lstm-tune compare",
                  "Intervals on the test part", "80% coverage", "rest on 12 validation errors",
                  "Forecast past the data", "1961-01", "Use the model", "lstm-tune export",
                  "Is the difference more than noise?", "Harvey, Leybourne", "95% interval",
                  "fixed (one value in the space)", "the epoch early stopping kept"):
        assert words in page.text, words
    # metric names as the tables write them; the past-the-data note says once what is recursive
    assert re.search(r"Best trial\s+#\d+, validation RMSE = ", page.text)
    assert "early stopping kept, and the final model's test RMSE" in page.text
    assert page.text.count("are recursive") == 1
    assert page.long_numbers(before="Reproduce the best model") == []  # code keeps exact values
    assert page.boxed_code == 0
    assert "val_rmse" not in page.text  # the storage's key, not a name for readers


def test_the_reproduce_snippet_retrains_the_best_trial(finished, monkeypatch):
    """The report's code, run as a user pastes it beside the study file."""
    root, _, _ = finished
    snippet = re.search(r"<pre><code>(.*?)</code></pre>", (
        root / "reports" / "tiny" / "index.html").read_text(), re.S).group(1)
    monkeypatch.chdir(root)
    retrained: dict = {}
    exec(html.unescape(snippet).replace("print(", "("), retrained)  # quietly
    assert retrained["spec"].name == "tiny"
    searched = optuna.load_study(study_name="tiny", storage=retrained["spec"].storage_url)
    assert retrained["result"].value == pytest.approx(searched.best_value, rel=0.5)


def test_rerun_adds_no_trials_and_a_bigger_budget_continues(finished):
    root, study, _ = finished
    db = root / "studies" / "tiny.db"
    again = run_cli("run", "studies/tiny.yaml", "--no-report", cwd=root)
    assert again.returncode == 0, again.stderr[-2000:]
    assert trial_count(db) == 3
    more = run_cli("run", "studies/tiny.yaml", "--trials", "4", "--no-report", cwd=root)
    assert more.returncode == 0, more.stderr[-2000:]
    assert trial_count(db) == 4
    # a worker is told how to go on, as `run` is: with --trials
    spent = run_cli("worker", "studies/tiny.yaml", "--workers", "1", cwd=root)
    assert "the budget is already spent (4 finished trials); raise it with --trials N" \
        in spent.stderr and trial_count(db) == 4
    joined = run_cli("worker", "studies/tiny.yaml", "--workers", "1", "--trials", "5", cwd=root)
    assert joined.returncode == 0, joined.stderr[-2000:]
    assert trial_count(db) == 5


def test_a_budget_of_seconds_says_what_is_used_and_how_to_go_on(tmp_path):
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(tiny_study(
        name="s", budget={"timeout": 0.5}, training={"max_epochs": 1, "patience": 1})))
    first = run_cli("run", "s.yaml", "--no-report", "--workers", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "s: searching with tpe on 1 worker, 0 trials done, 0 of 0.5 s of trial time " \
        "used" in first.stderr, first.stderr
    done = trial_count(tmp_path / "s.db")
    again = run_cli("run", "s.yaml", "--no-report", "--workers", "1", cwd=tmp_path)
    assert re.search(rf"s: the budget is already spent \({done} finished trials, \d+ of 0.5 s "
                     r"of trial time used\); raise budget.timeout in the study file to "
                     "continue", again.stderr), again.stderr
    assert trial_count(tmp_path / "s.db") == done


def test_new_data_given_as_the_study_is_told_the_order(tmp_path):
    """`lstm-tune predict new.csv`: the study comes first, the data after --input."""
    (tmp_path / "new.csv").write_text("month,passengers\n1961-01,400\n")
    result = run_cli("predict", "new.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "lstm-tune: new.csv: a data file, not a study file; fix: name the study, then the new "
        "data: lstm-tune predict STUDY.yaml --input new.csv")


BAD_RUNS = [
    ("unknown key", lambda s: {**s, "epochs": 3}, "epochs: unknown key"),
    ("bad type", lambda s: {**s, "window": "twelve"}, "window:"),
    ("window longer than series", lambda s: {**s, "window": 200}, "window: the series has 144"),
    ("unknown dataset", lambda s: {**s, "data": {"builtin": "nope"}}, "data.builtin: unknown"),
    ("unknown strategy", lambda s: {**s, "strategy": "annealing"}, "strategy:"),
    ("malformed storage", lambda s: {**s, "storage": "not a url"}, "storage: malformed"),
]


@pytest.mark.parametrize(("case", "change", "words"), BAD_RUNS, ids=[b[0] for b in BAD_RUNS])
def test_bad_input_exits_2_with_one_line_and_leaves_storage_untouched(finished, case, change, words):
    root, _, _ = finished
    before = tree_digest(root / "studies")
    spec = change(tiny_study())
    bad = root / "bad.yaml"
    bad.write_text(yaml.safe_dump({**spec, "storage": spec.get("storage",
                                                                "sqlite:///studies/tiny.db")}))
    result = run_cli("run", "bad.yaml", cwd=root)
    assert result.returncode == 2, result.stderr[-2000:]
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("lstm-tune:")]
    assert len(lines) == 1, result.stderr
    assert "bad.yaml" in lines[0] and words in lines[0] and "fix:" in lines[0]
    assert "Traceback" not in result.stderr
    bad.unlink()
    assert tree_digest(root / "studies") == before


def test_commands_on_a_study_never_run_exit_2_and_create_nothing(tmp_path):
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(tiny_study(name="new")))
    for command in (["summary", "new.yaml", "--json"], ["report", "new.yaml"]):
        result = run_cli(*command, cwd=tmp_path)
        assert result.returncode == 2 and "run 'lstm-tune run new.yaml' first" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.yaml"]


def test_user_strings_are_escaped_in_the_report(tmp_path):
    evil = "<script>window.__pwned=true</script>"
    n = 80
    pd.DataFrame({evil: np.sin(np.arange(n) / 2.0) + 3.0}).to_csv(tmp_path / "evil.csv", index=False)
    study = tiny_study(name="evil", data={"csv": "evil.csv", "target": evil}, season=4,
                       split={"validation": 8, "test": 8}, window=6, budget={"trials": 1},
                       space={**tiny_study()["space"], "layers": 1, "attention": False})
    (tmp_path / "evil.yaml").write_text(yaml.safe_dump(study))
    result = run_cli("run", "evil.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    html = (tmp_path / "reports" / "evil" / "index.html").read_text()
    assert evil not in html and "&lt;script&gt;" in html
    page = open_page(tmp_path / "reports" / "evil" / "index.html")
    assert not page.scripts_run and evil in page.text and page.broken_images == 0


def test_compare_runs_each_strategy_as_its_own_study(tmp_path, monkeypatch):
    import lstm_tune.cli as command

    quiet = []  # TensorFlow imported quietly first, as the other commands that train do
    monkeypatch.setattr(command, "import_tensorflow", lambda: quiet.append(True))
    study = tiny_study(name="cmp", budget={"trials": 2}, ga={"population_size": 2, "elites": 0},
                       pso={"swarm_size": 2})
    (tmp_path / "cmp.yaml").write_text(yaml.safe_dump(study))
    result = run_cli("compare", "cmp.yaml", "--strategies", "ga,pso", "--seeds", "1",
                     "--trials", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert quiet == [True]
    assert "| strategy | runs | best validation RMSE | test RMSE | wall s | epochs |" \
        in result.stdout
    assert "| ga | 1 |" in result.stdout and "| pso | 1 |" in result.stdout
    assert "| baseline seasonal_arima | | | 15.28 |" in result.stdout
    assert ("GA with a population of 2 and a budget of 2 trials: every trial is in generation 0"
            in result.stderr and "give at least 4 trials" in result.stderr)
    with sqlite3.connect(tmp_path / "cmp.db") as con:
        names = sorted(r[0] for r in con.execute("select study_name from studies"))
        assert names == ["cmp.ga.s1", "cmp.pso.s1"]
        assert con.execute("select count(*) from trials").fetchone()[0] == 4
    table = pd.read_csv(tmp_path / "reports" / "cmp" / "compare.csv")
    assert list(table["strategy"]) == ["ga", "pso"] and (table["trials"] == 2).all()
    assert (table["epochs"] > 0).all() and (table["test_metric"] > 0).all()
    page = open_page(tmp_path / "reports" / "cmp" / "compare.html")
    assert page.images == 1 and page.broken_images == 0 and page.console_errors == []
    for words in ("One seed per strategy", "may be noise", "seasonal_arima", "every run as CSV",
                  "PSO with a swarm of 2", "random search", "best validation RMSE",
                  "test RMSE of the best"):
        assert words in page.text, words
    assert re.search(r"Baseline\s+test RMSE\s+persistence", page.text), page.text
    assert "Medians over" not in page.text and "median" not in page.text.lower().split(
        "one seed per strategy")[1].split("every run")[0]
    bad = run_cli("compare", "cmp.yaml", "--strategies", "ga,hill", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown strategy 'hill'" in bad.stderr


def test_optuna_dashboard_opens_the_storage_and_lists_every_trial(finished):
    import socket
    import subprocess
    import time
    import urllib.request

    root, _, _ = finished
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # through `lstm-tune dashboard`, with no virtualenv on PATH: it must find the
    # optuna-dashboard installed beside the interpreter
    proc = subprocess.Popen([sys.executable, "-m", "lstm_tune.cli", "dashboard",
                             "studies/tiny.yaml", "--port", str(port)],
                            cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PATH": "/usr/bin:/bin"})
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/studies", timeout=2) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "optuna-dashboard did not answer"
        (study,) = [s for s in body["study_summaries"] if s["study_name"] == "tiny"]
        url = f"http://127.0.0.1:{port}/api/studies/{study['study_id']}?after=0"
        with urllib.request.urlopen(url, timeout=10) as r:
            detail = json.loads(r.read())
        with sqlite3.connect(root / "studies" / "tiny.db") as con:
            stored = con.execute("select count(*) from trials").fetchone()[0]
        assert len(detail["trials"]) == stored >= 3
        assert detail["objective_names"] == ["val_rmse"]  # not "Objective 0"
        note = detail["note"]["body"]
        assert "seasonal_arima (15.28, p" in note and "index.html" in note, note
    finally:
        proc.terminate()
        proc.wait(10)


def test_help_lists_every_command_with_its_whole_description(tmp_path):
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    commands = result.stdout.split("Commands:")[1]
    assert "..." not in commands  # click cuts at 45 characters by default
    assert "reports/NAME/compare.html" in commands and "ready to use" in commands
