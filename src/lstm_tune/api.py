"""The Python API: a study built from a study file or from Python objects, run, tested,
explained and reported. The `lstm-tune` commands call the same functions.

    from lstm_tune import Study
    study = Study.from_arrays("gestures", X_train, y_train, X_test, y_test, budget={"trials": 10})
    study.run()
    study.evaluation.test           # {'accuracy': ..., 'balanced_accuracy': ..., ...}
    study.predict(new_sequences)    # a table: each sequence's class and probabilities
    study.export("gestures_model")  # lstm_tune.load_predictor("gestures_model") elsewhere

Data given as Python objects is written once to a CSV beside the study's storage (one row
per step), so worker processes, `lstm-tune report` and `lstm-tune explain` read the same
data later: a study stays reproducible from its files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from lstm_tune.data.encoders import unpad
from lstm_tune.errors import StudyError
from lstm_tune.spec import StudySpec, load_spec, spec_from_dict
from lstm_tune.tasks import get_task

SEQUENCE_COLUMN, STEP_COLUMN, LABEL_COLUMN = "sequence", "step", "label"


def _time_from_index(frame: pd.DataFrame, data: dict[str, Any]
                     ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A frame whose dates are its index (as `read_csv(..., index_col=0, parse_dates=True)`
    gives): the index becomes the time column, which writing the frame would drop, and
    with it the season read from the dates."""
    index = frame.index
    if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) or data.get("text") or \
            data.get("time") not in (None, index.name):  # texts have no time
        return frame, data
    name = str(index.name or "time")
    if name in frame.columns:
        return frame, data
    return frame.reset_index(names=name), {**data, "time": name}


def _long_frame(sequences: Sequence[np.ndarray] | np.ndarray, labels: Sequence[Any],
                channels: Sequence[str] | None, prefix: str = "") -> pd.DataFrame:
    """Sequences (each steps x channels, or steps) and their labels as one row per step.
    NaN steps at the end of a sequence are padding (how one array holds sequences of
    different lengths, as the UCR archive pads them) and are left out."""
    rows = []
    if len(sequences) != len(labels):
        raise ValueError(f"{len(sequences)} sequences but {len(labels)} labels")
    for i, (seq, label) in enumerate(zip(sequences, labels)):
        arr = np.asarray(seq, dtype=float)
        arr = arr[:, None] if arr.ndim == 1 else arr
        if arr.ndim != 2:
            raise ValueError(f"sequence {i} has shape {arr.shape}; give (steps, channels)")
        which = f"{prefix} sequence {i}".strip()  # "test sequence 3" in the test part
        arr = unpad(arr)
        if not len(arr):
            raise ValueError(f"{which} holds no values (NaN throughout)")
        bad = np.argwhere(~np.isfinite(arr))
        if len(bad):
            raise ValueError(f"{which} has a missing or infinite value at step "
                             f"{bad[0][0]}; fill it (NaN steps only at the end of a sequence "
                             "are read as padding)")
        names = list(channels) if channels else [f"x{c}" for c in range(arr.shape[1])]
        if len(names) != arr.shape[1]:
            raise ValueError(f"sequence {i} has {arr.shape[1]} channels, named {len(names)}")
        frame = pd.DataFrame(arr, columns=names)
        frame.insert(0, STEP_COLUMN, np.arange(len(arr)))
        frame.insert(0, SEQUENCE_COLUMN, f"{prefix}{i}")
        frame[LABEL_COLUMN] = str(label)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


class Study:
    """One study: its settings, its Optuna storage, and what a run left there."""

    def __init__(self, spec: StudySpec) -> None:
        from lstm_tune.search.storage import with_default_storage

        self._given = spec
        self.spec = with_default_storage(spec, 1)
        self._evaluation: Any = None
        self._tested: Any = None
        self._predictors: dict[bool, Any] = {}
        self._loaded: Any = None

    # --- building ---------------------------------------------------------------------

    @classmethod
    def from_yaml(cls, path: str | Path, **overrides: Any) -> "Study":
        """A study file, with command-line style overrides (trials, strategy, seed, storage)."""
        return cls(load_spec(path, **overrides))

    @classmethod
    def from_settings(cls, name: str, directory: str | Path = ".", **settings: Any) -> "Study":
        """The keys of a study file as keyword arguments (`data={...}`, `space={...}`);
        relative paths start at `directory`, where the storage goes too (made if new, as
        `from_frame` makes it)."""
        spec = spec_from_dict({"name": name, **settings}, f"<Study {name!r}>", str(directory))
        Path(directory).mkdir(parents=True, exist_ok=True)  # once the settings are valid
        return cls(spec)

    @classmethod
    def from_frame(cls, name: str, frame: pd.DataFrame, target: str | list[str],
                   directory: str | Path = ".", test_frame: pd.DataFrame | None = None,
                   **settings: Any) -> "Study":
        """A pandas DataFrame: one series (forecast: `time=`, `features=`), many series in
        long form (`series=` names the series column, `horizon=` the steps ahead) or side
        by side (`target=` a list of their columns), or, with
        `sequence=`, independent sequences in long form (one row per step) to classify, or
        with `text=` (the text column) labelled texts to classify. A series with NaN or
        left-out dates is refused unless `missing="previous"` (data.missing)."""
        data_keys = ("features", "time", "sequence", "series", "skip_short", "units",
                     "target_as_input", "text", "missing")
        data = {k: settings.pop(k) for k in data_keys if k in settings}
        frame, data = _time_from_index(frame, data)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        csv = f"{name}_data.csv"
        frame.to_csv(directory / csv, index=False)
        data.update(csv=csv, target=target)
        if test_frame is not None:
            test_frame.to_csv(directory / f"{name}_test_data.csv", index=False)
            data["test_csv"] = f"{name}_test_data.csv"
        if data.get("sequence") or data.get("text"):
            settings.setdefault("task", "classify")
        return cls.from_settings(name, directory, data=data, **settings)

    @classmethod
    def from_arrays(cls, name: str, sequences: Sequence[np.ndarray] | np.ndarray,
                    labels: Sequence[Any], test_sequences: Sequence[np.ndarray] | None = None,
                    test_labels: Sequence[Any] | None = None, channels: Sequence[str] | None = None,
                    directory: str | Path = ".", **settings: Any) -> "Study":
        """Labelled sequences as NumPy arrays (a (n, steps, channels) or (n, steps) array,
        NaN-padded at the end where lengths differ, or a list of (steps, channels) arrays of
        any lengths), with an optional published test part."""
        train = _long_frame(sequences, labels, channels)
        test = (_long_frame(test_sequences, [] if test_labels is None else test_labels, channels,
                            prefix="test")
                if test_sequences is not None else None)
        settings.setdefault("task", "classify")  # a user may say so too
        return cls.from_frame(name, train, LABEL_COLUMN, directory, test, sequence=SEQUENCE_COLUMN,
                              time=STEP_COLUMN, **settings)

    def to_yaml(self, path: str | Path) -> Path:
        """Write the settings as a study file, so `lstm-tune report|explain|summary|dashboard`
        work on this study too. Put it in the study's directory: data paths are relative."""
        import yaml

        path = Path(path)
        settings = self.spec.model_dump(mode="json", exclude_none=True)
        if self._given.storage is None:  # defaulted: the file's folder gives the same one
            settings.pop("storage", None)
        path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
        return path

    # --- running ----------------------------------------------------------------------

    def choose_workers(self, workers: int | str | None = None) -> tuple[int, str | None]:
        """How many worker processes search, as the command's --workers (None: the
        LSTM_TUNE_WORKERS variable, else auto: one per core where that is safe), and why
        auto chose fewer where that matters. Several workers put a default storage in a
        journal file (parallel writers need one, or a server), not SQLite."""
        from lstm_tune.search.parallel import choose_workers
        from lstm_tune.search.storage import with_default_storage

        n, why = choose_workers(self._given, workers)
        self.spec = with_default_storage(self._given, n)
        return n, why

    @property
    def warnings(self) -> list[str]:
        """What these settings will not do that a user may expect (a GA or PSO budget that
        ends inside its first generation is random search)."""
        from lstm_tune.spec import evolution_warning

        return [w for w in [evolution_warning(self.spec), self._strategy_change()] if w]

    def _strategy_change(self) -> str | None:
        """A study run before with another strategy goes on with this one in the same
        study: its trials, report and best trial mix the two."""
        from lstm_tune.records.trials import strategies_used
        from lstm_tune.search.budget import budget

        try:
            study = self.optuna_study
            trials = study.get_trials(deepcopy=False)
        except StudyError:  # nothing stored yet
            return None
        if budget(self.spec, study).exhausted:
            return None  # nothing will be added (trials or seconds spent)
        others = {k: n for k, n in strategies_used(trials).items() if k != self.spec.strategy}
        if not others:
            return None
        before = ", ".join(f"{n} trial{'s' if n > 1 else ''} searched with {k}"
                           for k, n in others.items())
        return (f"study {self.spec.name!r} holds {before}; this run adds "
                f"{self.spec.strategy} trials to the same study (the report counts each); to "
                "compare strategies, give another name or use lstm-tune compare")

    def check_report(self) -> None:
        """Fail now, before a search, if the report's folder cannot be written."""
        from lstm_tune.report.render import check_report_dir

        check_report_dir(self.spec)

    def search(self, workers: int | str | None = None,
               on_progress: Callable[[Any, Any], None] | None = None) -> Any:
        """Search until the budget is spent (resuming what the storage holds), nothing
        more: the Optuna study. `on_progress(state, study)` after each finished trial."""
        from lstm_tune.search.study import run_study

        n, _ = self.choose_workers(workers)
        self._forget()
        return run_study(self.spec, on_progress=on_progress, workers=n)

    def run(self, workers: int | str | None = None, report: bool = True,
            on_progress: Callable[[Any, Any], None] | None = None,
            progress: bool = True) -> "Study":
        """Search until the budget is spent (resuming what the storage holds), then test the
        best model and write the report (unless report=False). `workers`: as the command's
        --workers (None: LSTM_TUNE_WORKERS, else auto, one per core where that is safe).
        `progress`: a line on stderr as each trial finishes, as `lstm-tune run` prints
        them (trials run in worker processes, where Optuna's own log lines stay unseen);
        `on_progress(state, study)` replaces it. What `warnings` holds is issued as
        UserWarnings first."""
        self.choose_workers(workers)
        if report:
            self.check_report()
        import warnings

        for said in self.warnings:  # as `lstm-tune run` prints them before it starts
            warnings.warn(said, UserWarning, stacklevel=2)
        if on_progress is None and progress:
            on_progress = self.trial_lines()
        self.search(workers, on_progress)
        if report:
            self.report()
        return self

    def trial_lines(self, echo: Callable[[str], None] | None = None
                    ) -> Callable[[Any, Any], None]:
        """An `on_progress` that writes a line as each trial finishes ('trial 3: complete,
        validation RMSE 21.4; best 18.2 (#1); 9 s elapsed'), to stderr unless `echo`."""
        import sys

        from lstm_tune.progress import TrialLog

        spec = self.spec
        shown = f"validation {get_task(spec.task).metric_label(spec.test_metric)}"
        log = TrialLog(shown, spec.direction == "minimize", echo or (
            lambda line: print(f"{spec.name}: {line}", file=sys.stderr, flush=True)))
        return lambda state, study: log(study)

    @property
    def loaded(self) -> Any:
        """The study's data as read from its file or built-in (read once, then handed to
        every stage that needs it: evaluation, report, predictor, explanation)."""
        if self._loaded is None:
            from lstm_tune.data.framing import load_data

            self._loaded = load_data(self.spec.data_settings)
        return self._loaded

    @property
    def optuna_study(self) -> Any:
        from lstm_tune.search.storage import load_study

        return load_study(self.spec)

    @property
    def best_trial(self) -> Any:
        from lstm_tune.records.trials import best_trial

        return best_trial(self.spec, self.optuna_study)

    @property
    def tested(self) -> Any:
        """The model the study tests (`lstm_tune.evaluate.tested.Tested`: its final model
        and predictor, the trial the search chose, its data), read from the storage once,
        or built and stored there first, then handed to every stage: the evaluation, the
        report, `predict` and `export`."""
        if self._tested is None:
            from lstm_tune.evaluate.tested import read_tested
            from lstm_tune.quiet import import_tensorflow

            import_tensorflow()
            self._tested = read_tested(self.spec, self.optuna_study, self.loaded)
        return self._tested

    @property
    def evaluation(self) -> Any:
        """The tested model on the test split beside the baselines (computed once, and
        stored on the study for `summary`)."""
        if self._evaluation is None:
            from lstm_tune.evaluate.evaluation import evaluate_study

            self._evaluation = evaluate_study(self.spec, self.optuna_study, tested=self.tested)
        return self._evaluation

    def _forget(self) -> None:
        """Drop what was read from the storage: a search may have changed it."""
        self._evaluation, self._tested, self._predictors = None, None, {}

    @property
    def final_pending(self) -> bool:
        """Whether testing will first train the final model (none is stored for these
        settings yet): a refit or an ensemble takes a while."""
        from lstm_tune.evaluate.final import final_pending

        return final_pending(self.spec, self.optuna_study)

    def verdict(self) -> str:
        """The final model against each baseline, by a significance test, in one sentence."""
        from lstm_tune.evaluate.evaluation import verdict

        return verdict(self.spec, self.evaluation)

    def validation_drop(self) -> str | None:
        """A warning where the test figure is much worse than validation promised."""
        from lstm_tune.evaluate.evaluation import validation_drop

        return validation_drop(self.spec, self.evaluation)

    def usage(self) -> str:
        """How to put the model to work: predict and export, as commands (or, for a study
        made in Python, as its calls)."""
        task, spec = get_task(self.spec.task), self.spec
        new = "NEW_DATA" if task.predict_input else ""
        export = spec.how("export", 'export("FOLDER")', " FOLDER")
        return (f"{task.predicts}: {spec.how('predict', f'predict({new})', task.predict_input)}"
                f"; the model: {export}")

    def summary(self) -> dict[str, Any]:
        """What the storage holds, without training: trial counts, the best trial, the
        stored test figures, baselines and verdict (the `summary --json` document)."""
        from lstm_tune.search.summary import study_summary

        return study_summary(self.spec)

    def report(self) -> Path:
        """Test the best model and write the study report (and its dashboard note)."""
        from lstm_tune.report.dashboard import save_study_note
        from lstm_tune.report.render import render_study_report

        self._forget()
        study = self.optuna_study
        evaluation = self.evaluation
        path = render_study_report(self.spec, study, evaluation, self.loaded)
        save_study_note(self.spec, study, evaluation, path)
        return path

    def model(self, trial: int | None = None) -> Any:
        """The Keras model of the best trial (or of trial number `trial`, if it kept one)."""
        from lstm_tune.quiet import import_tensorflow
        from lstm_tune.records.trials import best_trial, load_trial_model

        import_tensorflow()
        return load_trial_model(self.spec, best_trial(self.spec, self.optuna_study, trial))

    def dataset(self, trial: int | None = None) -> Any:
        """The trial's data as its model reads it (splits, scalers, classes)."""
        from lstm_tune.data.framing import frame
        from lstm_tune.records.trials import best_trial, trial_params

        params = trial_params(self.spec, best_trial(self.spec, self.optuna_study, trial))
        return frame(self.spec.data_settings, self.loaded, params)

    def predictor(self, refit_all: bool = False) -> Any:
        """The model the report tested, with everything it needs to read raw input
        (scalers, transform, vocabulary, classes, each series' last steps, intervals): a
        `lstm_tune.predictor.Predictor`. `refit_all`: the same configuration(s) retrained on
        all the data, test part included, for the epochs the search kept (never tested;
        trained on first use, then kept on the study)."""
        if refit_all not in self._predictors:
            self._predictors[refit_all] = self._shared(refit_all) or self._predictor(refit_all)
        return self._predictors[refit_all]

    def _shared(self, refit_all: bool) -> Any:
        """The tested predictor, where this study already read it (the report's)."""
        return self._tested.predictor if self._tested is not None and not refit_all else None

    def _predictor(self, refit_all: bool, validate: Callable[[Any], Any] | None = None) -> Any:
        """The kept predictor, else one built now and kept once `validate` (if given)
        accepted it: a bad input to `predict` then leaves the storage as it was."""
        from lstm_tune.evaluate.study_predictor import keep_predictor, study_predictor
        from lstm_tune.quiet import import_tensorflow

        import_tensorflow()
        study = self.optuna_study
        predictor, builder = study_predictor(self.spec, study, refit_all, keep=False,
                                             loaded=self.loaded)
        if validate is not None:
            validate(predictor)
        if builder is not None:
            keep_predictor(self.spec, study, predictor, builder)
        return predictor

    def predict(self, data: Any = None, steps: int | None = None,
                origins: Sequence[str] | str | None = None, levels: Sequence[float] = (80, 95),
                refit_all: bool = False) -> pd.DataFrame:
        """Predictions of the model the report tested (see `Predictor.predict`): forecasts
        past the end of the data (or of a history `data`) with intervals, `steps` ahead
        (recursively past the model's horizon); or the class and probabilities of each
        sequence or text in `data`."""
        known = self._predictors.get(refit_all) or self._shared(refit_all)
        if known is not None:
            self._predictors[refit_all] = known
            return known.predict(data, steps, levels, origins)
        out: list[pd.DataFrame] = []
        predictor = self._predictor(
            refit_all, lambda p: out.append(p.predict(data, steps, levels, origins)))
        self._predictors[refit_all] = predictor
        return out[0]

    def export(self, folder: str | Path, refit_all: bool = False,
               saved_model: bool = True) -> Path:
        """Write the predictor to `folder` with a manifest (versions, study, final choice,
        trials, test figures, what it reads) and, unless `saved_model` is False, a
        TensorFlow SavedModel whose serving signature reads raw input where it can.
        `lstm_tune.load_predictor(folder)` reads it back in a fresh process."""
        from lstm_tune.predictor.export import check_folder, export_predictor
        from lstm_tune.records.results import saved_evaluation

        check_folder(Path(folder))
        evaluation = saved_evaluation(self.optuna_study)
        return export_predictor(self.predictor(refit_all), folder, evaluation, saved_model)

    def explain(self, samples: int = 50, methods: Sequence[str] = ("shap", "lime", "attention"),
                trial: int | None = None, class_name: str | None = None,
                series: str | None = None, step: int = 1, origin: str | None = None) -> Any:
        """Explain the model (SHAP, LIME, attention, with faithfulness figures), write
        explain.html and attach it to the trial for optuna-dashboard. `series` picks a
        panel's series, `step` which step ahead of a multi-step forecast is explained,
        `origin` (a time of the data) the windows ending there and before."""
        from lstm_tune.quiet import import_tensorflow

        import_tensorflow()  # before explain.run, whose explainers import it
        from lstm_tune.evaluate.tested import read_explained
        from lstm_tune.explain.run import EXPLAINERS, explain
        from lstm_tune.report.dashboard import attach
        from lstm_tune.report.explain_page import link_explanation, write_explanation

        chosen = tuple(m.strip() for m in methods if m.strip())
        unknown = [m for m in chosen if m not in EXPLAINERS]
        if unknown or not chosen:
            raise StudyError(self.spec.source, "--methods", f"unknown explainer "
                             f"{unknown[:1] or chosen!r}", f"use a comma-separated list of "
                             f"{', '.join(EXPLAINERS)}")
        study = self.optuna_study
        explained = read_explained(self.spec, study, trial, self.loaded)
        result = explain(self.spec, explained, samples, chosen, class_name, series, step,
                         origin)
        images, path = write_explanation(self.spec, result)
        attach(self.spec, study, result.trial, result, images, path)
        result.report_path = path
        # the study report links the tested model's explanation (written again where it
        # predates the place for the link)
        if trial is None and (self.spec.report_path / "index.html").is_file() \
                and not link_explanation(self.spec):
            self.report()
        return result

    def comparison_budget(self, trials: int | None = None) -> int:
        """Trials per run of `compare`: these, else the study's budget, else 20."""
        return trials or self.spec.budget.trials or 20

    def strategy_warnings(self, strategies: Sequence[str], trials: int | None = None
                          ) -> list[str]:
        """`warnings` for each strategy `compare` would run with this budget per run."""
        from lstm_tune.spec import evolution_warning

        budget = self.comparison_budget(trials)
        return [w for w in (evolution_warning(self.spec.model_copy(update={"strategy": n}),
                                              budget) for n in strategies) if w]

    def compare(self, strategies: Sequence[str], seeds: int = 3, trials: int | None = None,
                on_run: Callable[[str], None] | None = None) -> "Comparison":
        """Run (or resume) one study per strategy and seed, each tested like the report
        tests a study, and write compare.html and compare.csv."""
        from lstm_tune.evaluate.evaluation import evaluate_study
        from lstm_tune.report.render import render_compare_report
        from lstm_tune.search.compare import compare, medians, write_csv

        budget = self.comparison_budget(trials)
        notes = self.strategy_warnings(strategies, trials)

        def test(sub: StudySpec, searched: Any) -> tuple[dict[str, float],
                                                          dict[str, dict[str, float]]]:
            evaluation = evaluate_study(sub, searched)
            return evaluation.test, evaluation.baselines

        rows, curves, baselines = compare(self.spec, list(strategies), seeds, budget, test,
                                          on_run)
        summary = medians(rows)
        csv_path = write_csv(rows, self.spec.report_path / "compare.csv")
        path = render_compare_report(self.spec, rows, curves, summary, csv_path.name,
                                     baselines, notes)
        return Comparison(rows, summary, baselines, notes, path, csv_path)

    def dashboard_arguments(self) -> list[str]:
        """optuna-dashboard's arguments for this study's storage and model artifacts (an
        error if nothing was stored yet)."""
        _ = self.optuna_study  # a clear error if there is nothing to show
        return self.spec.dashboard_arguments


@dataclass
class Comparison:
    """Strategies side by side: one row per run, medians per strategy, the baselines' test
    figures on the same points, warnings, and the files written."""

    rows: list[Any]
    summary: list[dict[str, Any]]
    baselines: dict[str, dict[str, float]]
    notes: list[str]
    report_path: Path
    csv_path: Path


def builtin_datasets() -> list[dict[str, str]]:
    """The built-in datasets (`data: {builtin: NAME}`), each loaded to give its size."""
    from lstm_tune.data.builtin import BUILTINS, builtin_size

    return [{"name": b.name, "task": b.task, "description": b.description,
             "size": builtin_size(b), "origin": b.origin} for b in BUILTINS.values()]
