"""The `lstm-tune` command: run, worker, report, explain, summary, compare, dashboard,
predict, export, datasets.

Bad input exits with code 2 and one line (file, field, problem, fix), never a traceback.
TensorFlow is imported only by the commands that train or load a model.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections import Counter
from functools import wraps
from pathlib import Path
from typing import Any, Callable

import click
import numpy as np

from lstm_tune.errors import StudyError, WorkerFailed
from lstm_tune.quiet import import_tensorflow, set_verbose
from lstm_tune.quiet import verbose as is_verbose
from lstm_tune.tasks import get_task

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "0" if is_verbose() else "3")


def _fail(message: str, code: int) -> None:
    click.echo(f"lstm-tune: {message}", err=True)
    sys.exit(code)


class SearchInterrupted(KeyboardInterrupt):
    """Ctrl-C while trials ran (elsewhere: while testing, reporting, predicting)."""


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors into one line and an exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StudyError as exc:
            _fail(exc.line(), 2)
        except WorkerFailed as exc:
            _fail(str(exc), 1)
        except SearchInterrupted:
            _fail("interrupted: the running trial was recorded as failed and completed trials "
                  "are kept; run the same command again to resume", 130)
        except KeyboardInterrupt:  # no trial was running: nothing of the study is lost
            _fail("interrupted; the study's trials are as they were: run the same command "
                  "again", 130)

    return wrapper


def _study(path: str, **overrides: Any) -> Any:
    """The study file as the Python API reads it (checked before anything runs)."""
    from lstm_tune.api import Study

    return Study.from_yaml(path, **overrides)


def _study_and_workers(path: str, given: str | None, **overrides: Any) -> tuple[Any, int]:
    """The study and how many workers run it (`auto`: one per core where that is safe)."""
    api = _study(path, **overrides)
    workers, why = api.choose_workers(given)
    if why:
        click.echo(f"note: {why}", err=True)
    return api, workers


def _quiet_optuna() -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)


STUDY = click.argument("study", type=click.Path(dir_okay=False, path_type=str))
STORAGE = click.option("--storage", type=str,
                       help="Storage URL, if not the study file's (e.g. postgresql://...).")


class WholeHelpGroup(click.Group):
    """Lists each command with its whole first paragraph, wrapped, not cut at 45 characters
    with an ellipsis (click's default)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=WholeHelpGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lstm-tune")
@click.option("--verbose", is_flag=True,
              help="Show TensorFlow's own messages (CUDA probing, retracing warnings).")
def cli(verbose: bool) -> None:
    """Find good Keras LSTM models for a sequence task, and explain them.

    A study file (YAML) says what data, task, search space, strategy and budget to use;
    every trial is stored in one Optuna storage that optuna-dashboard opens as it is.
    """
    if verbose:
        set_verbose(True)


@cli.command()
@STUDY
@click.option("--trials", type=click.IntRange(min=1), help="Total trial budget (overrides the file).")
@click.option("--strategy", type=str, help="Search strategy: tpe, random, ga or pso (overrides the file).")
@click.option("--seed", type=click.IntRange(min=0), help="Random seed (overrides the file).")
@click.option("--storage", type=str, help="Storage URL (default: <study dir>/<name>.db, SQLite, "
              "or <name>.journal with several workers).")
@click.option("--workers", metavar="auto|N",
              help="Worker processes on this machine, each with its share of the CPU threads. "
                   "auto (the default, or the LSTM_TUNE_WORKERS variable): one per core, "
                   "which trains more trials a minute than one worker using every core; one "
                   "worker for an SQLite storage or deterministic: true. With several, a new "
                   "study's default storage is a journal file. --workers 1 repeats a run "
                   "exactly.")
@click.option("--no-report", is_flag=True, help="Skip the test evaluation and the HTML report.")
@user_errors
def run(study: str, trials: int | None, strategy: str | None, seed: int | None,
        storage: str | None, workers: str | None, no_report: bool) -> None:
    """Search for the best LSTM for STUDY, test it, and write its report.

    Running the same command again resumes the study up to its total budget; finished
    trials are never repeated. Ctrl-C stops after recording the running trial as failed.
    """
    api, n_workers = _study_and_workers(study, workers, trials=trials, strategy=strategy,
                                        seed=seed, storage=storage)
    for warning in api.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not no_report:
        api.check_report()
    result = _search(api, n_workers)
    if no_report:
        click.echo(f"search done: {len(result.trials)} trials in {api.spec.storage_url}")
        return
    _evaluate_and_report(api, result)


@cli.command()
@STUDY
@STORAGE
@click.option("--workers", metavar="auto|N",
              help="Worker processes on this machine: auto (the default, or the "
                   "LSTM_TUNE_WORKERS variable) runs one per core, one for an SQLite storage.")
@click.option("--trials", type=click.IntRange(min=1),
              help="Total trial budget of the study, across every worker and run (overrides "
                   "the file; give every worker the same).")
@user_errors
def worker(study: str, storage: str | None, workers: str | None, trials: int | None) -> None:
    """Join STUDY from this machine: run its trials until its budget is spent.

    Start the same command on every machine, all pointing at one storage (PostgreSQL across
    machines). Every strategy, GA and PSO included, keeps its state in that storage, so the
    workers cooperate in one search. Then run 'lstm-tune report' once.
    """
    api, n_workers = _study_and_workers(study, workers, storage=storage, trials=trials)
    result = _search(api, n_workers)
    click.echo(f"worker done: the study has {len(result.trials)} trials in "
               f"{api.spec.storage_url}")


def _search(api: Any, workers: int) -> Any:
    """Run the study with progress: a bar on a terminal, a line per finished trial otherwise."""
    from tqdm import tqdm

    from lstm_tune.progress import is_terminal

    _quiet_optuna()
    spec = api.spec
    total = spec.budget.trials
    terminal = is_terminal()
    bar = tqdm(total=total, desc=f"{spec.name} [{spec.strategy}, {workers} worker"
               f"{'s' if workers > 1 else ''}]", unit="trial",
               disable=not terminal, dynamic_ncols=True)
    log = None if terminal else api.trial_lines(lambda line: click.echo(line, err=True))
    first = []

    def progress(state: Any, study: Any) -> None:
        if not first:  # the first report comes before any trial runs, once the input passed
            first.append(state)
            season = getattr(api.loaded, "season", None)
            if spec.task == "forecast" and spec.season is None and season is not None:
                click.echo(f"{spec.name}: season {season.described}", err=True)
            timeout = spec.budget.timeout
            spent = f"{state.seconds_used:.0f} of {timeout:g} s of trial time used" \
                if timeout else ""
            if state.exhausted:
                timed_out = state.seconds_left is not None and state.seconds_left <= 0
                click.echo(f"{spec.name}: the budget is already spent ({state.trials_done} "
                           "finished trials" + (f", {spent}" if timed_out else "") + "); "
                           + ("raise budget.timeout in the study file" if timed_out else
                              "raise it with --trials N") + " to continue", err=True)
            elif log:
                done = f"{state.trials_done} of {total} trials done" if total else \
                    f"{state.trials_done} trials done"
                click.echo(f"{spec.name}: searching with {spec.strategy} on {workers} "
                           f"worker{'s' if workers > 1 else ''}, "
                           + ", ".join(x for x in (done, spent) if x), err=True)
        if log:
            log(state, study)
        bar.n = state.trials_done
        bar.set_postfix_str(f"{state.seconds_used:.0f}s trial time", refresh=False)
        bar.refresh()

    try:
        return api.search(workers, on_progress=progress)
    except KeyboardInterrupt:
        raise SearchInterrupted from None
    finally:
        bar.close()


def _evaluate_and_report(api: Any, study: Any) -> None:
    import_tensorflow()
    spec = api.spec
    if api.final_pending:
        click.echo(f"building the final model (final.model: {spec.final.model}, "
                   f"{spec.final.seeds} seed(s)) ...")
    path = api.report()
    evaluation = api.evaluation
    label = get_task(spec.task).metric_label  # as the report names metrics: RMSE, accuracy
    states = Counter(t.state.name.lower() for t in study.get_trials(deepcopy=False))
    click.echo(f"\nStudy {spec.name}: {sum(states.values())} trials "
               f"({', '.join(f'{n} {s}' for s, n in states.items())}) in {spec.storage_url}")
    click.echo(f"best trial #{evaluation.trial}: validation "
               f"{label(evaluation.metric.removeprefix('val_'))} {evaluation.validation:.4g}")
    best = next((t for t in study.get_trials(deepcopy=False) if t.number == evaluation.trial),
                None)
    searched = set(best.params) if best is not None else set(evaluation.params)
    click.echo("best params: " + ", ".join(f"{k}={_short(v)}" for k, v in evaluation.params.items()
                                           if k in searched))
    fixed = {k: v for k, v in spec.readable_params(evaluation.params).items()
             if k not in searched}
    if fixed:
        click.echo("fixed: " + ", ".join(f"{k}={_short(v)}" for k, v in fixed.items()))
    if evaluation.final:
        click.echo(f"final model: {evaluation.model}")
    for name, value in evaluation.test.items():
        click.echo(f"test {label(name)}: {value:.4g}")
    for name, values in evaluation.baselines.items():
        click.echo(f"  baseline {name}: " + ", ".join(f"{label(k)} {v:.4g}"
                                                      for k, v in values.items()))
    click.echo(api.verdict())
    drop = api.validation_drop()
    if drop:
        click.echo(drop)
    if evaluation.intervals:
        click.echo(_coverage_line(evaluation.intervals))
    if evaluation.reliability:
        click.echo(f"test calibration: expected calibration error "
                   f"{evaluation.reliability['ece']:.3g}")
    click.echo(f"report: {path}")
    click.echo(api.usage())


def _coverage_line(iv: dict[str, Any]) -> str:
    """The test part's interval coverage in one line (mean over the steps ahead), and
    whether they are too narrow for it."""
    narrow = [(level, n) for level in iv["levels"]
              if (n := (iv.get("narrow") or {}).get(str(level)))]
    held = " and ".join(
        f"the {level}% ones{' hold' if i == 0 else ''} {n['inside']} of {n['points']} values "
        + ("one step ahead" if n["step"] == 1 else f"{n['step']} steps ahead")
        for i, (level, n) in enumerate(narrow))
    how = ("counted on origins that many steps apart; binomial test, Bonferroni over the steps"
           if len(iv["errors_per_step"]) > 1 else "binomial test")
    return ("test intervals: " + ", ".join(
        f"{level}% cover {100 * float(np.mean(iv['coverage'][str(level)])):.0f}%"
        for level in iv["levels"]) + " of the test points (calibrated on "
        f"{min(iv['errors_per_step'])} validation errors per step)"
        + (f"; too narrow for the test part, whose errors are larger than the validation "
           f"part's: {held} ({how}, p < 0.01)" if narrow else ""))


def _short(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


@cli.command()
@STUDY
@STORAGE
@user_errors
def report(study: str, storage: str | None) -> None:
    """Evaluate the best trial of STUDY on the test split and (re)write its HTML report."""
    _quiet_optuna()
    api = _study(study, storage=storage)
    _evaluate_and_report(api, api.optuna_study)


@cli.command()
@STUDY
@click.option("--trial", "trial", default="best", show_default=True,
              help="Trial to explain: 'best' or a trial number (it must have a saved model).")
@click.option("--samples", type=click.IntRange(2, 5000), default=50, show_default=True,
              help="How many samples to explain: for one series the most recent windows "
                   "(test split first); for sequences or texts the test ones, each class "
                   "in turn.")
@click.option("--class", "class_name", default=None,
              help="Classification: the class whose probability is explained (default: the "
                   "second of two classes, else each sample's predicted class).")
@click.option("--series", default=None,
              help="Many series: explain windows of this series only (default: the most "
                   "recent windows of every series in turn).")
@click.option("--origin", default=None,
              help="Forecasts: explain the windows ending at this time (as the data writes "
                   "it, e.g. 1958-12) and before, instead of the most recent ones.")
@click.option("--step", type=click.IntRange(1, 10000), default=1, show_default=True,
              help="A forecast of several steps: which step ahead is explained (1: the next).")
@click.option("--methods", default="shap,lime,attention", show_default=True,
              help="Comma-separated explainers (attention only for models with attention).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the faithfulness figures as JSON (also written to explain.json).")
@STORAGE
@user_errors
def explain(study: str, trial: str, samples: int, methods: str, class_name: str | None,
            series: str | None, origin: str | None, step: int, as_json: bool,
            storage: str | None) -> None:
    """Explain a trial's model with SHAP, LIME and attention; write reports/NAME/explain.html.

    Each explainer is measured for faithfulness (deletion curve against a random ranking;
    on the built-in synthetic tasks, the attribution mass on the cells that matter). Texts
    are explained word by word and shown highlighted. The figures and a note are attached
    to the trial, so optuna-dashboard shows them too.
    """
    import_tensorflow()
    _quiet_optuna()
    api = _study(study, storage=storage)
    number = None
    if trial != "best":
        if not trial.isdigit():
            raise StudyError(api.spec.source, "--trial", f"{trial!r} is not a trial number",
                             "give 'best' or a number such as 3")
        number = int(trial)
    result = api.explain(samples, methods.split(","), number, class_name, series, step, origin)
    path = result.report_path
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    click.echo(f"explained on {len(result.errors)} {result.noun}s: "
               f"{result.model or f'trial #{result.trial}'}")
    for line in result.faithfulness_lines():
        click.echo(f"  {line}")
    click.echo(f"report: {path}\nfigures: {path.with_name('explain.json')}")


@cli.command()
@STUDY
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@STORAGE
@user_errors
def summary(study: str, as_json: bool, storage: str | None) -> None:
    """Trial counts, best trial, test metrics and baselines of STUDY (no training)."""
    _quiet_optuna()
    api = _study(study, storage=storage)
    info = api.summary()
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"study {info['study']} in {info['storage']}")
    click.echo("trials: " + ", ".join(f"{n} {s}" for s, n in info["trials"].items()))
    label = get_task(api.spec.task).metric_label  # as the report names metrics
    best = info["best_trial"]
    if best:
        click.echo(f"best trial #{best['number']}: validation "
                   f"{label(info['metric'].removeprefix('val_'))} {best['value']:.4g}")
    ev = info["evaluation"]
    if ev:
        click.echo("test: " + ", ".join(f"{label(k)} {v:.4g}" for k, v in ev["test"].items()))
        metric = next(iter(ev["test"]))
        click.echo(f"baselines (test {label(metric)}): " + ", ".join(
            f"{k} {v[metric]:.4g}" for k, v in ev["baselines"].items()))
        if ev.get("verdict"):
            click.echo(ev["verdict"])
        if ev.get("validation_drop"):
            click.echo(ev["validation_drop"])
        if ev.get("intervals"):
            click.echo(_coverage_line(ev["intervals"]))
        if ev.get("future") and ev["future"]["rows"]:
            row = ev["future"]["rows"][0]
            where = f"series {row['series']} " if "series" in row else ""
            click.echo(f"next: {where}{row['time']} {row['forecast']:.4g} (80% interval "
                       f"{row['lower_80']:.4g} to {row['upper_80']:.4g}); all of it: "
                       f"lstm-tune predict {api.spec.source}")
    if info["report"]:
        click.echo(f"report: {info['report']}")


def dashboard_command() -> str | None:
    """optuna-dashboard of this interpreter's environment (works without activating a
    virtualenv), else the one on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "optuna-dashboard")
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    return shutil.which("optuna-dashboard")


@cli.command()
@STUDY
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@STORAGE
@user_errors
def dashboard(study: str, port: int, host: str, storage: str | None) -> None:
    """Open STUDY's storage (and its model artifacts) in optuna-dashboard."""
    target = _study(study, storage=storage).dashboard_arguments()
    exe = dashboard_command()
    if exe is None:
        raise StudyError("optuna-dashboard", None, "the command is not installed beside "
                         f"{sys.executable} nor on PATH", "pip install optuna-dashboard")
    args = [exe, *target, "--port", str(port), "--host", host]
    click.echo(f"optuna-dashboard on http://{host}:{port} (Ctrl-C to stop)")
    os.execv(exe, args)


@cli.command()
@STUDY
@click.option("--strategies", default="tpe,ga,pso,random", show_default=True,
              help="Comma-separated strategies to compare.")
@click.option("--seeds", type=click.IntRange(1, 100), default=3, show_default=True,
              help="Runs per strategy (seeds study.seed, study.seed+1, ...).")
@click.option("--trials", type=click.IntRange(min=1), help="Trials per run (default: the study's budget).")
@user_errors
def compare(study: str, strategies: str, seeds: int, trials: int | None) -> None:
    """Run each strategy on STUDY with equal budgets and write reports/NAME/compare.html.

    Every (strategy, seed) is its own study, NAME.STRATEGY.sSEED, in the study's storage, so
    an interrupted comparison resumes and the dashboard shows every run.
    """
    import_tensorflow()  # each run is tested in this process
    _quiet_optuna()
    api = _study(study)
    spec = api.spec
    names = [s.strip() for s in strategies.split(",") if s.strip()]
    for w in api.strategy_warnings(names, trials):
        click.echo(f"warning: {w}", err=True)
    try:
        done = api.compare(names, seeds, trials,
                           on_run=lambda name: click.echo(f"running {name}", err=True))
    except KeyboardInterrupt:  # each run is a search, resumed by the same command
        raise SearchInterrupted from None
    summary, baselines, path, csv_path = done.summary, done.baselines, done.report_path, \
        done.csv_path
    if seeds == 1:
        click.echo("one seed per strategy: differences may be noise; use --seeds 3 to rank")
    label = get_task(spec.task).metric_label
    header = (f"| strategy | runs | best validation {label(spec.metric_name.removeprefix('val_'))}"
              f" | test {label(spec.test_metric)} | wall s | epochs |")
    click.echo(header)
    click.echo("|---|---|---|---|---|---|")
    for s in summary:
        click.echo(f"| {s['strategy']} | {s['runs']} | {s['best_validation']:.4g} | "
                   f"{s['test_metric']:.4g} | {s['wall_seconds']:.0f} | {s['epochs']:.0f} |")
    metric = spec.test_metric
    for name, values in baselines.items():
        click.echo(f"| baseline {name} | | | {values[metric]:.4g} | | |")
    click.echo(f"report: {path}\ntable: {csv_path}")


@cli.command()
@STUDY
@click.option("--input", "input_path", type=click.Path(dir_okay=False, path_type=str),
              help="New data: forecasts, a history with the study's columns (CSV; default: "
                   "forecast past the end of the study's data); sequences, a long CSV, a "
                   ".ts file or the UCR archive's rows (label first); texts, a CSV with "
                   "the study's text column.")
@click.option("--steps", type=click.IntRange(min=1),
              help="Forecasts: steps ahead (default: the study's horizon). Past the horizon a "
                   "model that reads only the target forecasts recursively, feeding its own "
                   "forecasts back; the output says so.")
@click.option("--origins", default=None,
              help="Forecasts: forecast from these times of the history (comma-separated, as "
                   "the data writes them) or from every step ('all'), not only its end.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=str),
              help="Write the table to this .csv or .json file (default: CSV on stdout).")
@click.option("--refit-all", is_flag=True,
              help="Use the configuration retrained on all the data, test part included "
                   "(trained on first use; never tested), not the model the report tested.")
@STORAGE
@user_errors
def predict(study: str, input_path: str | None, steps: int | None, origins: str | None,
            out_path: str | None, refit_all: bool, storage: str | None) -> None:
    """Predict with the model STUDY's report tested.

    Forecasts: the next steps after the end of each series, with 80% and 95% conformal
    intervals (columns: series, time, step, forecast, lower_80, upper_80, lower_95,
    upper_95). Classes: each input's class and probability of every class (columns: id,
    class, p_CLASS...; a CSV of texts keeps its other columns, an id or the label, beside
    them, and sequences their label where the input has one). Columns the model does not
    read are left alone. Notes on how the numbers were made, and on columns not read, go
    to stderr.
    """
    from lstm_tune.predictor.table import write_table
    from lstm_tune.spec import looks_like_data

    if looks_like_data(study) and Path(study).is_file():  # the new data, given first
        raise StudyError(study, None, "a data file, not a study file", "name the study, then "
                         f"the new data: lstm-tune predict STUDY.yaml --input {study}")
    import_tensorflow()
    _quiet_optuna()
    api = _study(study, storage=storage)
    if out_path is not None:
        check_output(out_path)
    if refit_all:
        click.echo("note: --refit-all retrains the final configuration(s) on all the data "
                   "the first time (then keeps it on the study)", err=True)
    chosen = None if origins is None else (
        "all" if origins.strip() == "all" else [o.strip() for o in origins.split(",") if o.strip()])
    table = api.predict(input_path, steps, chosen, refit_all=refit_all)
    for note in table.attrs.get("notes", []):
        click.echo(f"note: {note}", err=True)
    text = write_table(table, out_path)
    if out_path is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {len(table)} rows to {out_path}", err=True)


def check_output(out_path: str) -> None:
    """A --out file must be .csv or .json in a folder that exists (checked before work)."""
    from pathlib import Path

    path = Path(out_path)
    if path.suffix.lower() not in (".csv", ".json"):
        raise StudyError(out_path, "--out", "unknown file type", "name a .csv or .json file")
    if not path.parent.is_dir():
        raise StudyError(out_path, "--out", f"the folder {str(path.parent)!r} does not exist",
                         "create it or write elsewhere")


@cli.command()
@STUDY
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
@click.option("--refit-all", is_flag=True,
              help="Export the configuration retrained on all the data, test part included "
                   "(never tested; the manifest says so), not the model the report tested.")
@click.option("--no-saved-model", is_flag=True, help="Skip the TensorFlow SavedModel.")
@STORAGE
@user_errors
def export(study: str, folder: str, refit_all: bool, no_saved_model: bool,
           storage: str | None) -> None:
    """Write the model STUDY's report tested to FOLDER, ready to use without the study.

    FOLDER holds the member models, everything they need to read raw input
    (predictor.json), a manifest (versions, study, final choice, trials, test figures,
    input schema) and a TensorFlow SavedModel whose 'serve' signature reads raw input.
    Read it back with lstm_tune.load_predictor(FOLDER).
    """
    import_tensorflow()
    _quiet_optuna()
    api = _study(study, storage=storage)
    path = api.export(folder, refit_all=refit_all, saved_model=not no_saved_model)
    click.echo(f"exported to {path}: predictor.json, members/, manifest.json"
               + ("" if no_saved_model else ", saved_model/"))
    click.echo(f"load it with: lstm_tune.load_predictor({str(path)!r})")


@cli.command()
@user_errors
def datasets() -> None:
    """List the built-in datasets (use them as `data: {builtin: NAME}`), each loaded."""
    from lstm_tune.api import builtin_datasets

    for b in builtin_datasets():
        click.echo(f"{b['name']:20} {b['task']:9} {b['description']} [{b['size']}]")
        if b["origin"]:
            click.echo(f"{'':20} {'':9} source: {b['origin']}")


def main() -> None:
    cli(prog_name="lstm-tune")


if __name__ == "__main__":
    main()
