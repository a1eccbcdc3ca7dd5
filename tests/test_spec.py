"""The study file: defaults, parameter forms, and one clear error for each kind of mistake."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_tune.errors import StudyError
from lstm_tune.search.params import Choice, FixedParam, FloatRange, IntRange, parse_param
from lstm_tune.spec import load_spec

from tests.conftest import ROOT, tiny_study


def test_defaults_and_derived_values(write_study):
    spec = load_spec(write_study({"name": "air", "data": {"builtin": "airline"}}))
    assert spec.task == "forecast" and spec.steps_ahead == 1 and spec.window == 12
    assert spec.storage_url.endswith("/air.db") and spec.storage_url.startswith("sqlite:///")
    assert spec.direction == "minimize" and spec.metric_name == "val_rmse"
    assert isinstance(spec.space.learning_rate, FloatRange) and spec.space.learning_rate.log
    assert spec.uses_target_as_input


def test_synthetic_builtin_feeds_only_features(write_study):
    spec = load_spec(write_study({"name": "s", "data": {"builtin": "synthetic"}}))
    assert not spec.uses_target_as_input


def test_command_line_overrides_win(write_study):
    spec = load_spec(write_study(tiny_study()), trials=7, seed=3, strategy="random")
    assert spec.budget.trials == 7 and spec.seed == 3 and spec.strategy == "random"


@pytest.mark.parametrize(("budget", "trials", "timeout"), [
    ({"timeout": 600}, None, 600),  # seconds alone: as many trials as fit, not 30
    ({"timeout": 600, "trials": 50}, 50, 600),
    ({"trials": 50}, 50, None),
    ({}, 30, None),
])
def test_a_budget_of_seconds_alone_has_no_count_of_trials(write_study, budget, trials, timeout):
    spec = load_spec(write_study(tiny_study(budget=budget)))
    assert (spec.budget.trials, spec.budget.timeout) == (trials, timeout)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, FixedParam(3)),
        ([16, 32], Choice((16, 32))),
        ([8], FixedParam(8)),
        ({"low": 8, "high": 64, "log": True}, IntRange(8, 64, True, 1)),
        ({"low": 4, "high": 4}, FixedParam(4)),
        ({"low": 8, "high": 64, "step": 8}, IntRange(8, 64, False, 8)),
    ],
)
def test_int_param_forms(value, expected):
    assert parse_param("int", value, minimum=1) == expected


def test_yaml_style_exponent_is_a_number():
    assert parse_param("float", {"low": "1e-4", "high": "1e-2", "log": True}) == FloatRange(
        1e-4, 1e-2, True)


BAD = [
    ("unknown top-level key", {"colour": "red"}, "colour", "unknown key"),
    ("unknown nested key", {"training": {"epochs": 3}}, "training.epochs", "unknown key"),
    ("wrong type", {"window": "long"}, "window", "integer"),
    ("zero window", {"window": 0}, "window", "greater than or equal to 1"),
    ("negative test size", {"split": {"test": -2}}, "split.test", "positive"),
    ("zero trials", {"budget": {"trials": 0}}, "budget.trials", "greater than or equal to 1"),
    ("unknown strategy", {"strategy": "hillclimb"}, "strategy", "tpe"),
    ("unknown pruner", {"pruner": "sometimes"}, "pruner", "median"),
    ("range low > high", {"space": {"units": {"low": 64, "high": 8}}}, "space.units", "greater"),
    ("log range from zero", {"space": {"dropout": {"low": 0, "high": 0.3, "log": True}}},
     "space.dropout", "log range"),
    ("below a minimum", {"space": {"learning_rate": {"low": 0, "high": 0.1}}},
     "space.learning_rate", "below the minimum"),
    ("bool as number", {"space": {"attention": 1}}, "space.attention", "true or false"),
    ("unknown transform", {"space": {"transform": "sqrt"}}, "space.transform", "log_diff"),
    ("unknown conv", {"space": {"conv": "resnet"}}, "space.conv", "fcn"),
    ("fcn on texts", {"task": "classify", "data": {"builtin": "reviews"}, "window": 1,
                      "space": {"conv": ["none", "fcn"]}}, "space.conv", "texts"),
    ("empty choices", {"space": {"batch_size": []}}, "space.batch_size", "empty"),
    ("two data sources", {"data": {"builtin": "airline", "csv": "x.csv"}}, "data", "exactly one"),
    ("csv without target", {"data": {"csv": "x.csv"}}, "data", "data.target"),
    ("a sequence column on a built-in", {"data": {"builtin": "airline", "sequence": "id"}},
     "data.sequence", "only with data.csv"),
    ("a time column for texts", {"task": "classify", "window": 1,
                                 "data": {"csv": "x.csv", "text": "t", "target": "y",
                                          "time": "day"}}, "data.text", "no data.time"),
    ("bad name", {"name": "my study!"}, "name", "letters"),
    ("seasonal horizon", {"horizon": 13, "season": 12,
                          "space": {"transform": "log_seasonal_diff"}},
     "space.transform", "horizon <= season"),
]


@pytest.mark.parametrize(("case", "change", "field", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_study_file_names_file_field_and_fix(write_study, case, change, field, words):
    path = write_study(tiny_study(**change))
    with pytest.raises(StudyError) as err:
        load_spec(path)
    line = err.value.line()
    assert "\n" not in line
    assert str(path) in line, line
    assert f": {field}:" in line, line
    assert words in line, line
    assert "fix:" in line


@pytest.mark.parametrize(("change", "fix"), [
    ({"window": 0}, "fix: use 1 or more"),
    ({"season": 0}, "fix: use 1 or more"),
    ({"budget": {"trials": 0}}, "fix: use 1 or more"),
    ({"window": "long"}, "fix: write a whole number"),
    ({"window": 2.5}, "fix: write a whole number"),
    ({"space": {"units": {"low": 8}}}, "fix: give both, as {low: 8, high: 64}"),
    ({"split": {"validation": 1.5}}, "fix: give a count such as 24 or a fraction such as 0.2"),
    ({"training": {"patience": "x"}}, "fix: write auto or a whole number such as 10"),
    ({"data": {"builtin": "airline", "units": 5}}, "fix: write it as text, in quotes"),
    ({"space": {"dropout": {"low": 0.0, "high": 0.3, "step": 0.1}}},
     "fix: remove step, or make low and high whole numbers"),
    ({"data": {"csv": "x.csv"}}, "fix: add data.target: COLUMN"),
], ids=["zero window", "zero season", "zero trials", "words for a number", "a fraction",
        "half a range", "a fraction over 1", "patience in words", "units as a number",
        "a step on a float range", "a CSV without a target"])
def test_a_value_out_of_bounds_or_of_the_wrong_kind_is_told_what_to_write(write_study, change,
                                                                          fix):
    with pytest.raises(StudyError) as err:
        load_spec(write_study(tiny_study(**change)))
    assert err.value.line().endswith(fix), err.value.line()


def test_malformed_yaml_says_where(write_study):
    with pytest.raises(StudyError, match=r"malformed YAML at line \d+"):
        load_spec(write_study("name: x\ndata: {builtin: airline\nwindow: : 3\n"))


@pytest.mark.parametrize("text", ["", "- 1\n- 2\n", "just text\n"])
def test_not_a_mapping(write_study, text):
    with pytest.raises(StudyError, match="fix:"):
        load_spec(write_study(text))


def test_missing_file(tmp_path):
    with pytest.raises(StudyError, match="no such study file"):
        load_spec(tmp_path / "nope.yaml")


def test_a_data_file_given_as_the_study_is_told_the_study_that_reads_it(tmp_path):
    """`lstm-tune run sales.csv`: a study file names the data; it was told its CSV is not
    a YAML mapping."""
    (tmp_path / "my sales.csv").write_text("day;units\n2020-01-01;3\n")
    with pytest.raises(StudyError) as err:
        load_spec(tmp_path / "my sales.csv")
    assert err.value.line().endswith(
        "my sales.csv: a data file, not a study file (its columns: day, units); fix: write a "
        "study file (YAML) that reads it, such as 'name: my_sales' and 'data: {csv: my "
        "sales.csv, target: COLUMN}' in my_sales.yaml, and run that (see docs/study-file.md)")
    (tmp_path / "Toy_TRAIN.ts").write_text("@problemName toy\n@data\n1,2,3:a\n")
    with pytest.raises(StudyError, match="such as 'name: Toy_TRAIN', 'data: {ts: "
                                         "Toy_TRAIN.ts}' and 'task: classify' in Toy_TRAIN.yaml"):
        load_spec(tmp_path / "Toy_TRAIN.ts")
    (tmp_path / "FordA_TRAIN.tsv").write_text("-1\t0.5\t0.25\n1\t0.1\t0.2\n")  # UCR rows
    with pytest.raises(StudyError, match="such as 'name: FordA_TRAIN', 'data: {ts: "
                                         "FordA_TRAIN.tsv}' and 'task: classify'"):
        load_spec(tmp_path / "FordA_TRAIN.tsv")
    (tmp_path / "forda.yaml").write_text("name: f\ntask: classify\ndata: {csv: FordA_TRAIN.tsv}\n")
    with pytest.raises(StudyError, match=r"fix: add data.target: COLUMN \(a file of the UCR "
                                         "archive, one sequence per line with its label first "
                                         r"and no header, is read as data.ts\)"):
        load_spec(tmp_path / "forda.yaml")
    (tmp_path / "sales.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(StudyError, match="sales.xlsx: a data file, not a study file; fix: save "
                                         "it as CSV"):
        load_spec(tmp_path / "sales.xlsx")


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
keys = st.sampled_from(["name", "data", "task", "window", "horizon", "season", "split", "space",
                        "training", "strategy", "budget", "pruner", "seed", "storage", "units",
                        "layers", "low", "high", "builtin", "csv", "x"])


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(keys, yaml_values | st.dictionaries(keys, yaml_values, max_size=4), max_size=6))
def test_any_document_validates_or_raises_study_error(write_study, doc):
    path = write_study(yaml.safe_dump(doc))
    try:
        load_spec(path)
    except StudyError as exc:
        assert "\n" not in exc.line()


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "studies").glob("*.yaml")))
def test_every_shipped_study_file_loads(name):
    spec = load_spec(ROOT / "studies" / f"{name}.yaml")
    assert spec.name == name


@pytest.mark.parametrize("name, hidden", [("airline", set()), ("gunpoint", {"transform", "base"}),
                                          ("reviews", {"transform", "base", "pool", "conv"})])
def test_settings_a_task_always_fixes_off_are_not_shown(name, hidden):
    """A classifier has no target transform or statistical base, a text no pooling or
    convolution: the CLI and the reports leave them out of a model's settings."""
    spec = load_spec(ROOT / "studies" / f"{name}.yaml")
    params = {"layers": 1, "units_1": 8, "transform": "none", "base": "none", "pool": 1,
              "conv": "none"}
    assert set(params) - set(spec.readable_params(params)) == hidden
