"""The study file: its schema, its defaults and its validation.

A study file is YAML. Everything in it is checked here, before any data is read or any
storage is opened, and every problem becomes one `StudyError` naming the file, the field
and the fix.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from lstm_tune.data.builtin import BUILTINS, framing_name
from lstm_tune.data.load import WORKBOOK_SUFFIXES, separator
from lstm_tune.data.settings import WIDE_SERIES, WIDE_VALUE, DataSettings
from lstm_tune.data.ucr_format import is_ucr_file
from lstm_tune.errors import FIX_SEP, StudyError, problem_and_fix
from lstm_tune.search.params import AUTO, FromData, ParamDef, param_values, param_yaml, parse_param
from lstm_tune.tasks import get_task

TRANSFORMS = (
    "none",
    "log",
    "diff",
    "log_diff",
    "seasonal_diff",
    "log_seasonal_diff",
)


BASES = ("none", "ets", "arima")  # a hybrid's statistical model
CONVS = ("none", "fcn")  # fcn: LSTM-FCN's convolutional branch beside the LSTM (model/build.py)

FILE_SCHEMES = ("sqlite:///", "journal:///")


def storage_file(url: str) -> Path | None:
    """The file behind a sqlite:/// or journal:/// URL (relative unless a fourth slash)."""
    for scheme in FILE_SCHEMES:
        if url.startswith(scheme):
            return Path(url[len(scheme):])
    return None


# --- the schema ----------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        """YAML reads `yes`/`true` as a boolean, and pydantic would take it as 1 where a
        number is meant (`window: true` -> 1): refuse it instead."""
        if isinstance(data, dict):
            for name, info in cls.model_fields.items():
                value = data.get(name)
                kinds = set(getattr(info.annotation, "__args__", ())) | {info.annotation}
                if isinstance(value, bool) and kinds & {int, float} and bool not in kinds:
                    raise ValueError(problem_and_fix(
                        f"{name}: expected a number, got {str(value).lower()}",
                        f"give {name} a number (true/yes/on are booleans in YAML)"))
        return data


class DataSpec(_Strict):
    builtin: str | None = None
    csv: str | None = None
    test_csv: str | None = None  # a published test part, in the same columns as data.csv
    ts: str | None = None  # UCR/UEA archive file (training part): .ts, or UCR rows (.tsv)
    test_ts: str | None = None  # its published test part
    # the column to predict; several: series side by side, one column each (a wide CSV),
    # forecast as a panel
    target: str | list[str] | None = None
    features: list[str] = Field(default_factory=list)
    time: str | None = None
    sequence: str | None = None  # the column naming each independent sequence (long CSV)
    text: str | None = None  # the column holding each text (a CSV of texts and labels)
    series: str | None = None  # the column naming each series of a panel (long CSV)
    skip_short: bool = False  # leave out (and list) series too short for one window
    target_as_input: bool | None = None
    units: str | None = None  # the target's units, for the report's axes ("kWh", "thousands")
    encoding: str | None = None  # the CSV files' text encoding (None: UTF-8)
    # empty cells and steps a series' file leaves out: refused, or the last observed value
    # carried forward (data/gaps.py: never a target a window is trained or scored on)
    missing: Literal["refuse", "previous"] = "refuse"

    @model_validator(mode="after")
    def _one_source(self) -> "DataSpec":
        if sum(v is not None for v in (self.builtin, self.csv, self.ts)) != 1:
            raise ValueError(problem_and_fix("give exactly one of data.builtin, data.csv or data.ts",
                                             "keep one data source"))
        if self.csv is not None and not self.target:
            ucr = self.csv.lower().endswith((".tsv", ".tsv.gz"))  # the UCR archive's files
            raise ValueError(problem_and_fix(
                "data.csv needs data.target, the column to predict",
                "add data.target: COLUMN" + (" (a file of the UCR archive, one sequence per "
                                             "line with its label first and no header, is "
                                             "read as data.ts)" if ucr else "")))
        if self.missing != "refuse" and self.csv is None:
            raise ValueError(problem_and_fix(
                "data.missing: only with data.csv (a built-in or an archive file is read "
                "as it is)", "remove it"))
        if self.test_csv is not None and self.csv is None:
            raise ValueError(problem_and_fix("data.test_csv: only with data.csv", "remove it"))
        if self.test_ts is not None and self.ts is None:
            raise ValueError(problem_and_fix("data.test_ts: only with data.ts", "remove it"))
        if self.test_csv is not None and self.sequence is None and self.text is None:
            raise ValueError(problem_and_fix(
                "data.test_csv: a published test part needs independent sequences or texts",
                "set data.sequence (the sequence-id column) or data.text, or remove "
                "data.test_csv"))
        if self.sequence is not None and self.csv is None:
            raise ValueError(problem_and_fix("data.sequence: only with data.csv", "remove it"))
        if self.series is not None and self.csv is None:
            raise ValueError(problem_and_fix("data.series: only with data.csv (a built-in "
                                             "panel names its own series)", "remove it"))
        if self.series is not None and self.sequence is not None:
            raise ValueError(problem_and_fix(
                "data.series: a panel of series is forecast, independent sequences "
                "(data.sequence) are classified", "keep one of them"))
        if self.text is not None:
            if self.csv is None:
                raise ValueError(problem_and_fix("data.text: only with data.csv (the built-in "
                                                 "reviews name their own column)", "remove it"))
            others = [f"data.{k}" for k in ("sequence", "series", "time", "features")
                      if getattr(self, k)]
            if others:
                raise ValueError(problem_and_fix(f"data.text: texts have no {others[0]}",
                                                 f"remove {others[0]}"))
        if isinstance(self.target, list):
            self._wide_target()
        if self.encoding is not None:
            if self.csv is None:
                raise ValueError(problem_and_fix("data.encoding: only with data.csv",
                                                 "remove it"))
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(problem_and_fix(
                    f"data.encoding: unknown encoding {self.encoding!r}",
                    "give one Python knows, such as utf-8, cp1252 or latin-1")) from None
        if self.ts is not None and (self.target or self.features or self.time):
            raise ValueError(problem_and_fix(
                "data.ts: an archive file names its own channels and labels",
                "remove data.target, data.features and data.time"))
        return self

    def _wide_target(self) -> None:
        """Checks of a list of target columns: series side by side in a CSV."""
        names = list(self.target or [])
        if not names:
            raise ValueError(problem_and_fix("data.target: an empty list",
                                             "name the column to predict"))
        if len(set(names)) != len(names):
            raise ValueError(problem_and_fix("data.target: a column is listed twice",
                                             "list each once"))
        if self.csv is None:
            raise ValueError(problem_and_fix("data.target: a list of series only with data.csv",
                                             "name one column"))
        for key in ("series", "sequence", "text"):
            if getattr(self, key) is not None:
                raise ValueError(problem_and_fix(
                    f"data.target: a list of columns is a panel of series side by side, and "
                    f"data.{key} reads another layout", "keep one of them"))
        both = [n for n in names if n in self.features]
        if both:
            raise ValueError(problem_and_fix(f"data.features: {both[0]!r} is also a target",
                                             "remove it from data.features"))

    @field_validator("target")
    @classmethod
    def _one_of_one(cls, value: str | list[str] | None) -> str | list[str] | None:
        """`target: [sales]` is `target: sales`."""
        return value[0] if isinstance(value, list) and len(value) == 1 else value

    @property
    def wide(self) -> tuple[str, ...]:
        """The target columns of series side by side (a wide CSV); () for one target."""
        return tuple(self.target) if isinstance(self.target, list) else ()

    @property
    def is_panel(self) -> bool:
        """Many series, one model."""
        builtin = BUILTINS.get(self.builtin or "")
        return self.series is not None or bool(self.wide) or bool(builtin and builtin.series)

    @property
    def framing(self) -> str:
        """How the data is cut into samples: "windows", "sequences" or "tokens"."""
        return framing_name(self.builtin, self.ts, self.sequence, self.text)


class SplitSpec(_Strict):
    # counts, or fractions below 1; left out: a series' last 24 steps test and the 5%
    # before them (at least 12) validate, labelled samples' 20% and 15% (data/splits.py)
    validation: float | None = None
    test: float | None = None
    column: str | None = None  # sequences: a column saying "train" or "test" for each one
    # validation folds per trial: rolling origins of `validation` steps (series) or a
    # stratified k-fold of everything but the test part (labelled samples); 1 = one holdout
    folds: int = Field(1, ge=1, le=20)

    @field_validator("validation", "test")
    @classmethod
    def _size(cls, v: float | None) -> float | None:
        if v is None:
            return v
        if v <= 0:
            raise ValueError(problem_and_fix("must be a positive count of samples, or a "
                                             "fraction between 0 and 1",
                                             "give a count such as 24 or a fraction such as 0.2"))
        if v >= 1 and v != int(v):
            raise ValueError(problem_and_fix("a count must be a whole number; a fraction must "
                                             "be below 1",
                                             "give a count such as 24 or a fraction such as 0.2"))
        return v


class SpaceSpec(_Strict):
    """Each entry is a fixed value, a list of choices, or a {low, high, log, step} range."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    layers: Any = {"low": 1, "high": 2}
    units: Any = {"low": 8, "high": 64, "log": True}
    learning_rate: Any = {"low": 1e-4, "high": 1e-2, "log": True}
    dropout: Any = {"low": 0.0, "high": 0.3}
    batch_size: Any = "auto"  # powers of two that give 12-64 batches an epoch (measured)
    bidirectional: Any = False
    attention: Any = False
    transform: Any = AUTO  # forecasts: the transforms the data allows (data/window.py)
    # forecasts: a hybrid learns what a statistical model (ets, arima) leaves (data/window.py)
    base: Any = "none"
    # average this many neighbouring steps before the LSTM; auto: long classified sequences
    # are brought to 25-50 steps (search/space.py, auto_pools), others are not pooled
    pool: Any = AUTO
    # fcn: a convolutional branch beside the LSTM (LSTM-FCN, model/build.py); auto: searched
    # (none or fcn) for classified sequences, none elsewhere (search/space.py, auto_convs)
    conv: Any = AUTO
    # texts only (None elsewhere; TEXT_DEFAULTS when a study reads texts)
    embedding_dim: Any = None  # size of each token's learned vector
    vocab_size: Any = None  # the most frequent training words kept (with padding and unknown)
    max_length: Any = None  # tokens read from each text (longer texts are truncated)
    word_dropout: Any = None  # share of training texts shown partly masked (model.WordDropout)

    @field_validator("layers", "units", "batch_size", "pool", "embedding_dim", "vocab_size",
                     "max_length", mode="after")
    @classmethod
    def _int(cls, v: Any, info: Any) -> ParamDef | None:
        if info.field_name in ("batch_size", "pool") and v == AUTO:
            return FromData()
        if v is None and info.field_name in TEXT_PARAMS:
            return None
        maxima = {"layers": 8, "units": 1024, "batch_size": 4096, "pool": 64,
                  "embedding_dim": 1024, "vocab_size": 1_000_000, "max_length": 10_000}
        minima = {"vocab_size": 3, "max_length": 2}
        return parse_param("int", v, minimum=minima.get(info.field_name, 1),
                           maximum=maxima[info.field_name])

    @field_validator("learning_rate", mode="after")
    @classmethod
    def _lr(cls, v: Any) -> ParamDef:
        return parse_param("float", v, minimum=1e-7, maximum=1.0)

    @field_validator("dropout", "word_dropout", mode="after")
    @classmethod
    def _dropout(cls, v: Any, info: Any) -> ParamDef | None:
        if v is None and info.field_name in TEXT_PARAMS:
            return None
        return parse_param("float", v, minimum=0.0, maximum=0.9)

    @field_validator("bidirectional", "attention", mode="after")
    @classmethod
    def _bool(cls, v: Any) -> ParamDef:
        return parse_param("bool", v)

    @field_validator("transform", mode="after")
    @classmethod
    def _transform(cls, v: Any) -> ParamDef:
        if v == AUTO:
            return FromData()
        return parse_param("str", v, allowed=TRANSFORMS)

    @field_validator("base", mode="after")
    @classmethod
    def _base(cls, v: Any) -> ParamDef:
        return parse_param("str", v, allowed=BASES)

    @field_validator("conv", mode="after")
    @classmethod
    def _conv(cls, v: Any) -> ParamDef:
        if v == AUTO:
            return FromData()
        return parse_param("str", v, allowed=CONVS)

    @field_serializer("*")
    def _as_yaml(self, p: ParamDef | None) -> Any:
        return None if p is None else param_yaml(p)

    def params(self) -> dict[str, ParamDef]:
        """Every declared parameter (the text ones only where the study reads texts)."""
        return {name: p for name in type(self).model_fields
                if (p := getattr(self, name)) is not None}


@dataclass(frozen=True)
class _Named:
    """Stands in for pydantic's validation info where a default is parsed by hand."""

    field_name: str


TEXT_PARAMS = ("embedding_dim", "vocab_size", "max_length", "word_dropout")
# what a study of texts searches unless it says otherwise: reviews and tickets run to a few
# hundred words; a vocabulary beyond the training texts' own words is simply not filled
TEXT_DEFAULTS = {"embedding_dim": {"low": 16, "high": 128, "log": True},
                 "vocab_size": [5000, 20000], "max_length": [100, 300],
                 # training texts shown partly masked teach the model what a masked word
                 # means, as explainers mask words (model.WordDropout, measured in
                 # benchmarks/explain_texts.py --ablation)
                 "word_dropout": 0.25}


# `training: auto`. Epochs are a poor unit on small data: 40 training sequences in batches of
# 8 make 5 updates an epoch, so 60 epochs with a patience of 8 stopped every trial of a
# default GunPoint study by epoch 17, none above 0.75 on validation (benchmarks/classifiers.py:
# test 0.67), where 150 epochs with a patience of 30 (750 and 150 updates) reached 1.0 on
# validation (studies/gunpoint.yaml: test 0.93-0.97). Larger data keeps 60 and 8.
MIN_EPOCHS, MIN_UPDATES = 60, 750
MIN_PATIENCE, PATIENCE_UPDATES = 8, 150


class TrainingSpec(_Strict):
    """Epochs per trial, early stopping's patience and XLA. `auto` (the default) counts the
    optimizer's updates rather than epochs (search/space.py, training_length): at least 60
    epochs and 750 updates, and a patience of at least 8 epochs and 150 updates, in the
    space's smallest batches, so that 40 training sequences (5 batches an epoch) train as
    long as 2,000 windows do."""

    max_epochs: Literal["auto"] | int = "auto"
    patience: Literal["auto"] | int = "auto"
    # compile the train and predict steps with XLA: auto = where the measured break-even
    # says it pays (train.use_xla), on, or off
    xla: Literal["auto", "on", "off"] = "auto"

    @field_validator("max_epochs", "patience", mode="before")
    @classmethod
    def _epochs(cls, v: Any) -> Any:
        if v == AUTO or (isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 10000):
            return v
        if isinstance(v, bool):
            return v  # the model's check names a YAML boolean
        raise ValueError(problem_and_fix("must be auto or a whole number from 1 to 10000",
                                         "write auto or a whole number such as 10"))

    def declared(self) -> tuple[int, int]:
        """(max_epochs, patience) where the data is not known (search/space.py,
        training_length, fits `auto` to it): these numbers, or `auto`'s least."""
        return (MIN_EPOCHS if self.max_epochs == AUTO else int(self.max_epochs),
                MIN_PATIENCE if self.patience == AUTO else int(self.patience))


class FinalSpec(_Strict):
    """The model tested after the search. single: the best trial's model; refit: its
    configuration retrained on everything before the test part for the epochs its folds
    kept; ensemble: the mean of the `top` best configurations, each refitted; auto:
    whichever of the three predicts fold 0's validation part best (never the test part).
    Each is built `seeds` times, so the test metric comes with its spread over seeds.
    `combine`: the final model averaged with the better statistical model (forecasts: ETS
    or seasonal ARIMA) or a logistic regression (classified sequences: on the flattened
    sequence; texts: on TF-IDF of words and word pairs), the weight chosen on the
    validation folds (evaluate/combine.py)."""

    model: Literal["single", "refit", "ensemble", "auto"] = "single"
    seeds: int = Field(1, ge=1, le=20)
    top: int = Field(3, ge=2, le=20)
    combine: bool = False


class GASpec(_Strict):
    """Genetic algorithm settings; the defaults suit budgets of 20-200 trials."""

    population_size: int = Field(8, ge=2, le=10000)
    crossover_prob: float = Field(0.9, ge=0.0, le=1.0)
    mutation_prob: float = Field(1.0, ge=0.0, le=1.0)
    tournament_size: int = Field(3, ge=1, le=100)
    elites: int = Field(2, ge=0, le=10000)
    eta: float = Field(10.0, gt=0.0, le=1000.0, description="crowding degree of SBX and mutation")

    @model_validator(mode="after")
    def _elites_fit(self) -> "GASpec":
        if self.elites >= self.population_size:
            raise ValueError(problem_and_fix("elites must be smaller than population_size", "lower elites"))
        return self


class PSOSpec(_Strict):
    """Particle swarm settings (positions and velocities live in [0, 1]^d)."""

    swarm_size: int = Field(8, ge=2, le=10000)
    inertia: float = Field(0.7, ge=0.0, le=2.0)
    cognitive: float = Field(1.5, ge=0.0, le=5.0)
    social: float = Field(1.5, ge=0.0, le=5.0)
    max_velocity: float = Field(0.3, gt=0.0, le=1.0)


class BudgetSpec(_Strict):
    trials: int | None = Field(30, ge=1, le=100000)
    timeout: float | None = Field(None, gt=0, description="seconds")

    @model_validator(mode="before")
    @classmethod
    def _timeout_alone(cls, data: Any) -> Any:
        """A budget of seconds alone is as many trials as fit in them, not 30 (what
        `budget: {timeout: 600}` says; 30 short trials stopped such a search in 17 s)."""
        if isinstance(data, dict) and data.get("timeout") is not None and "trials" not in data:
            return {**data, "trials": None}
        return data

    @model_validator(mode="after")
    def _some_limit(self) -> "BudgetSpec":
        if self.trials is None and self.timeout is None:
            raise ValueError(problem_and_fix("no budget.trials or budget.timeout",
                                             "give budget.trials, budget.timeout or both"))
        return self


class StudySpec(_Strict):
    name: str
    data: DataSpec
    task: Literal["forecast", "classify"] = "forecast"
    window: int = Field(12, ge=1, le=10000)
    horizon: int | None = Field(None, ge=0, le=10000)
    metric: str | None = None  # forecasts: rmse, mae, mase or smape (default: rmse, panel mase)
    # steps in one season; none: from the time column's calendar (data/season.py), as the
    # data is loaded
    season: int | None = Field(None, ge=1, le=10000)
    split: SplitSpec = SplitSpec()
    space: SpaceSpec = SpaceSpec()
    training: TrainingSpec = TrainingSpec()
    final: FinalSpec = FinalSpec()
    strategy: Literal["tpe", "random", "ga", "pso"] = "tpe"
    ga: GASpec = GASpec()
    pso: PSOSpec = PSOSpec()
    budget: BudgetSpec = BudgetSpec()
    # measured by replaying recorded learning curves (benchmarks/pruning.py): successive
    # halving stopped the most epochs on airline and weekly; its rungs count optimizer
    # updates (search/pruners.py)
    pruner: Literal["successive_halving", "median", "hyperband", "none"] = "successive_halving"
    seed: int = Field(0, ge=0, le=2**31 - 1)
    storage: str | None = None
    report_dir: str = "reports"
    recycle_every: int = Field(25, ge=1, le=100000)
    deterministic: bool = False

    # where the file was read from; not part of the YAML
    source: str = Field("<study>", exclude=True)
    base_dir: str = Field(".", exclude=True)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", v):
            raise ValueError(
                "must be 1-100 letters, digits, '_', '-' or '.', starting with a letter or digit"
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "StudySpec":
        if self.split.column is not None and self.data.sequence is None \
                and self.data.text is None:
            raise ValueError(problem_and_fix(
                "split.column: a published split by column needs sequences or texts in a CSV",
                "set data.csv and data.sequence (or data.text), or remove split.column"))
        if self.split.column is not None and self.data.test_csv is not None:
            raise ValueError(problem_and_fix(
                "split.column: the test part is already data.test_csv", "keep one of them"))
        if self.data.wide and self.task != "forecast":
            raise ValueError(problem_and_fix(
                "data.target: a list of columns is a panel of series to forecast",
                "name one class column, or set task: forecast"))
        problem = get_task(self.task).check(
            framing=self.data.framing, horizon=self.horizon,
            target_as_input=self.data.target_as_input,
            transforms=tuple(param_values(self.space.transform)), metric=self.metric,
            combine=self.final.combine, bases=tuple(param_values(self.space.base)),
            missing=self.data.missing)
        if problem:
            raise ValueError(problem)
        self._text_space()
        for t in param_values(self.space.transform):
            if ("seasonal" in t and self.season is not None
                    and self.steps_ahead + self.outputs - 1 > self.season):
                raise ValueError(
                    f"space.transform: {t} needs horizon <= season ({self.season})"
                )
        return self

    def _text_space(self) -> None:
        """Texts search their embedding, vocabulary and length (TEXT_DEFAULTS unless the
        file says); other data has no tokens to embed, so those entries are refused."""
        given = [n for n in TEXT_PARAMS if getattr(self.space, n) is not None]
        if self.data.framing != "tokens":
            if given:
                raise ValueError(problem_and_fix(f"space.{given[0]}: only for texts "
                                                 "(data.text)", "remove it"))
            return
        if max(param_values(self.space.pool), default=1) > 1:
            raise ValueError(problem_and_fix("space.pool: words are not pooled", "remove it"))
        if "fcn" in param_values(self.space.conv):
            raise ValueError(problem_and_fix("space.conv: texts have no convolutional branch",
                                             "remove it"))
        parse = {"word_dropout": SpaceSpec._dropout}
        missing = {n: parse.get(n, SpaceSpec._int)(TEXT_DEFAULTS[n], _Named(n))
                   for n in TEXT_PARAMS if n not in given}
        if missing:  # the study's own copy: the default SpaceSpec() is shared
            object.__setattr__(self, "space", self.space.model_copy(update=missing))

    @property
    def steps_ahead(self) -> int:
        """Steps between the window's last step and the (first) target (0: the label of the
        last step)."""
        return get_task(self.task).targets(self.horizon)[0]

    @property
    def outputs(self) -> int:
        """Targets per sample: a forecast's next `horizon` steps, or one label."""
        return get_task(self.task).targets(self.horizon)[1]

    @property
    def made_in_python(self) -> bool:
        """No study file behind it (`Study.from_settings`, `from_frame`, `from_arrays`):
        commands that read one cannot run, so what people read gives the Study's calls."""
        return self.source.startswith("<")

    def how(self, command: str, call: str, args: str = "") -> str:
        """How to do something with this study: `lstm-tune COMMAND STUDY_FILE ARGS`, or,
        made in Python, the Study's own `call` ('study.predict()')."""
        return f"study.{call}" if self.made_in_python else \
            f"lstm-tune {command} {self.source}{args}"

    @property
    def dashboard_arguments(self) -> list[str]:
        """optuna-dashboard's arguments for this study's storage and model artifacts."""
        url = self.storage_url
        target = [str(storage_file(url)), "--storage-class", "JournalFileStorage"] \
            if url.startswith("journal:///") else [url]
        return [*target, "--artifact-dir", str(self.artifact_dir)]

    @property
    def dashboard_command(self) -> str:
        """The command that opens this study in optuna-dashboard."""
        if not self.made_in_python:
            return f"lstm-tune dashboard {self.source}"
        import shlex

        return "optuna-dashboard " + " ".join(shlex.quote(a) for a in self.dashboard_arguments)

    def readable_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """`params` without the entries this task and framing always fix off (a classifier's
        transform, a text's pooling): what people read of a model's configuration."""
        from lstm_tune.data.framings import FRAMINGS

        unused = set(get_task(self.task).unused_params) | set(
            FRAMINGS[self.data.framing].unused_params)
        return {k: v for k, v in params.items() if k not in unused}

    @property
    def uses_target_as_input(self) -> bool:
        if not get_task(self.task).reads_target:
            return False
        if self.data.target_as_input is not None:
            return self.data.target_as_input
        builtin = BUILTINS.get(self.data.builtin or "")
        return builtin.target_as_input if builtin else True

    @property
    def data_settings(self) -> DataSettings:
        """What the data layer needs of this study, as plain settings."""
        d = self.data
        return DataSettings(
            source=self.source, base_dir=self.base_dir, task=self.task, builtin=d.builtin,
            csv=d.csv, test_csv=d.test_csv, ts=d.ts, test_ts=d.test_ts,
            target=WIDE_VALUE if d.wide else d.target, wide=d.wide,
            features=tuple(d.features), time=d.time, sequence=d.sequence,
            series=WIDE_SERIES if d.wide else d.series,
            text=d.text,
            skip_short=d.skip_short, units=d.units, encoding=d.encoding, missing=d.missing,
            target_as_input=self.uses_target_as_input, window=self.window, season=self.season,
            steps_ahead=self.steps_ahead, horizon=self.outputs,
            transforms=tuple(str(t) for t in param_values(self.space.transform)),
            metric=self.test_metric, validation=self.split.validation,
            test=self.split.test, folds=self.split.folds, split_column=self.split.column, seed=self.seed)

    @property
    def storage_url(self) -> str:
        if self.storage:
            return self.storage
        return f"sqlite:///{Path(self.base_dir) / (self.name + '.db')}"

    @property
    def artifact_dir(self) -> Path:
        """Model files live beside a file storage, or beside the study file."""
        db = storage_file(self.storage_url)
        if db is not None:
            return db.parent / f"{db.stem}_artifacts"
        return Path(self.base_dir) / f"{self.name}_artifacts"

    @property
    def report_path(self) -> Path:
        return Path(self.report_dir) / self.name

    @property
    def direction(self) -> Literal["minimize", "maximize"]:
        return get_task(self.task).direction  # type: ignore[return-value]

    @property
    def test_metric(self) -> str:
        """The metric a model is judged by: the study's choice, else accuracy for classes,
        RMSE (data units) for one series and MASE (scale-free) for a panel."""
        if self.metric is not None:
            return self.metric
        return get_task(self.task).default_metric(self.data.is_panel)

    @property
    def metric_name(self) -> str:
        """The search's objective: the test metric on the validation split."""
        return f"val_{self.test_metric}"


# --- reading a file ------------------------------------------------------------------------

def evolution_warning(spec: StudySpec, trials: int | None = None) -> str | None:
    """GA and PSO learn only from a finished generation: a budget that ends inside the first
    one is random search under another name. Say so, and what budget would evolve."""
    size = {"ga": spec.ga.population_size, "pso": spec.pso.swarm_size}.get(spec.strategy)
    budget = trials if trials is not None else spec.budget.trials
    if size is None or budget is None or budget >= 2 * size:
        return None
    group = "population" if spec.strategy == "ga" else "swarm"
    evolved = max(0, budget - size)
    return (f"{spec.strategy.upper()} with a {group} of {size} and a budget of {budget} trials: "
            + ("every trial is in generation 0 (random search); " if evolved == 0 else
               f"only {evolved} trial(s) evolve beyond generation 0; ")
            + f"give at least {2 * size} trials (--trials {2 * size}) for one full evolved "
              f"generation, or a smaller {'population_size' if spec.strategy == 'ga' else 'swarm_size'}")


_FIXES = {
    "extra_forbidden": "remove it or check its spelling",
    "missing": "add it",
    "literal_error": "use one of the listed values",
    "bool_parsing": "write true or false",
    "int_parsing": "write a whole number",
    "int_from_float": "write a whole number",
    "float_parsing": "write a number",
    "string_type": "write it as text, in quotes",
}
# a bound pydantic checked: the fix names it ({bound}: its value from the error's context)
_BOUND_FIXES = {
    "greater_than_equal": ("ge", "use {bound} or more"),
    "greater_than": ("gt", "use a value above {bound}"),
    "less_than_equal": ("le", "use {bound} or less"),
    "less_than": ("lt", "use a value below {bound}"),
}


def _field_name(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def _one_line(error: dict[str, Any], model: type[BaseModel]) -> tuple[str, str, str]:
    """Turn pydantic's first error into (field, problem, fix)."""
    loc = tuple(error.get("loc", ()))
    field = _field_name(loc)
    kind = error.get("type", "")
    msg = str(error.get("msg", "invalid value"))
    msg = re.sub(r"^(Value|Assertion) error, ", "", msg)
    if kind == "extra_forbidden":
        parent: Any = model
        for part in loc[:-1]:
            ann = parent.model_fields.get(str(part)) if hasattr(parent, "model_fields") else None
            parent = ann.annotation if ann else None
        allowed = ", ".join(parent.model_fields) if hasattr(parent, "model_fields") else ""
        fix = "remove it or check its spelling" + (f" (known keys: {allowed})" if allowed else "")
        return field, "unknown key", fix
    value = error.get("input")
    shown = "" if kind == "missing" or isinstance(value, dict) or "got " in msg \
        else f" (got {value!r})"
    fix = _FIXES.get(kind, "see docs/study-file.md for allowed values")
    if kind in _BOUND_FIXES:
        key, said = _BOUND_FIXES[kind]
        fix = said.format(bound=(error.get("ctx") or {}).get(key, "an allowed value"))
    if FIX_SEP in msg:  # our own checks say problem_and_fix(problem, what to do)
        msg, fix = msg.split(FIX_SEP, 1)
    # errors raised by a model-level check name their own field first
    m = re.match(r"^((?:[a-z_]+\.)*[a-z_]+): (.*)$", msg)
    if m:  # named from the top ('data.text') or from where the check ran ('units')
        inner = m.group(1)
        field = inner if not loc or inner.startswith(f"{field}.") else f"{field}.{inner}"
        msg = m.group(2)
    return field, f"{msg}{shown}", fix


_DATA_SUFFIXES = (".csv", ".tsv", ".ts", ".csv.gz", ".tsv.gz")
_TABLE_SUFFIXES = (*WORKBOOK_SUFFIXES, ".parquet")  # not CSV: read through a frame


def looks_like_data(path: str | Path) -> bool:
    """Whether a file named where a study file belongs is a data file, by its name."""
    name = Path(path).name.lower()
    return name.endswith(_DATA_SUFFIXES) or name.endswith(_TABLE_SUFFIXES)


def _not_data(path: Path) -> None:
    """A data file given where the study file belongs (`lstm-tune run sales.csv`) is told
    the study file that would read it, not that its text is no YAML mapping."""
    name = path.name.lower()
    if name.endswith(_TABLE_SUFFIXES):
        raise StudyError(str(path), None, "a data file, not a study file",
                         "save it as CSV ('CSV UTF-8') and write a study file (YAML) that "
                         "reads it (see docs/study-file.md), or read it with pandas and give "
                         "the frame to Study.from_frame")
    suffix = next((s for s in _DATA_SUFFIXES if name.endswith(s)), None)
    if suffix is None:
        return
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", path.name[:-len(suffix)]) or "study"
    columns = ""
    if suffix == ".ts" or is_ucr_file(path):
        lines = [f"name: {stem}", f"data: {{ts: {path.name}}}", "task: classify"]
    else:
        lines = [f"name: {stem}", f"data: {{csv: {path.name}, target: COLUMN}}"]
        try:  # its separator read as a study reads it
            import pandas as pd

            header = [str(c) for c in pd.read_csv(path, nrows=0, sep=separator(path)).columns]
            more = ", ..." if len(header) > 12 else ""
            columns = f" (its columns: {', '.join(header[:12])}{more})"
        except Exception:  # unreadable here: the study's own reading will say why
            pass
    quoted = [f"'{line}'" for line in lines]
    raise StudyError(str(path), None, f"a data file, not a study file{columns}",
                     f"write a study file (YAML) that reads it, such as "
                     f"{', '.join(quoted[:-1])} and {quoted[-1]} in {stem}.yaml, and run "
                     "that (see docs/study-file.md)")


def load_spec(path: str | Path, **overrides: Any) -> StudySpec:
    """Read and validate a study file. `overrides` (from the command line) win over the file."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise StudyError(where, None, "no such study file", "check the path")
    _not_data(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise StudyError(where, None, "not a UTF-8 text file", "save it as UTF-8 YAML") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise StudyError(where, None, f"malformed YAML{at}: {problem}", "fix the YAML syntax") from None
    if raw is None:
        raise StudyError(where, None, "the file is empty", "write a study (see docs/study-file.md)")
    if not isinstance(raw, dict):
        raise StudyError(
            where, None, f"expected a mapping of keys, got {type(raw).__name__}",
            "write the study as 'key: value' lines (see docs/study-file.md)",
        )
    data = dict(raw)
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "trials":
            data["budget"] = {**(data.get("budget") or {}), "trials": value}
        else:
            data[key] = value
    return spec_from_dict(data, where, str(path.parent))


def spec_from_dict(raw: dict[str, Any], source: str, base_dir: str = ".") -> StudySpec:
    """Validate study settings given as a mapping (a parsed file, or Python keywords);
    `source` names them in errors, relative paths start at `base_dir`."""
    bad_keys = [k for k in raw if not isinstance(k, str)]
    if bad_keys:
        raise StudyError(source, repr(bad_keys[0]), "keys must be text", "quote or rename the key")
    for key in ("source", "base_dir"):
        if key in raw:
            raise StudyError(source, key, "unknown key", "remove it")
    data = {**raw, "source": source, "base_dir": base_dir}
    try:
        return StudySpec.model_validate(data)
    except ValidationError as exc:
        field, problem, fix = _one_line(exc.errors()[0], StudySpec)
        raise StudyError(source, field, problem, fix) from None
