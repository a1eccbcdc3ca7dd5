"""A table of bad inputs: each gives exit code 2, one line naming the file, the field and
the fix, no traceback, and leaves an existing study's storage exactly as it was."""

from __future__ import annotations

import shutil
import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from lstm_tune.cli import cli
from tests.conftest import TINY_SPACE, run_cli, tiny_study, tree_digest

pytestmark = pytest.mark.slow

N = 100
GOOD_CSV = pd.DataFrame({
    "month": pd.date_range("2000-01-01", periods=N, freq="MS").strftime("%Y-%m"),
    "sales": 50 + 10 * np.sin(np.arange(N) / 2.0) + np.arange(N),
    "price": np.cos(np.arange(N)),
})


def _sequences(n: int = 12, steps: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [{"id": f"s{i}", "step": t, "a": rng.normal(), "b": rng.normal(),
             "label": "left" if i % 2 else "right"} for i in range(n) for t in range(steps)]
    return pd.DataFrame(rows)


SEQ_CSV = _sequences()
SEQ_SPACE = {k: v for k, v in TINY_SPACE.items() if k != "transform"}


def seq_study(**data):
    return tiny_study(name="tiny", task="classify", space=SEQ_SPACE,
                      data={"csv": "gestures.csv", "target": "label", "sequence": "id",
                            "time": "step", **data}, split={"validation": 0.25, "test": 0.25})


def ts_study(**data):
    return tiny_study(name="tiny", task="classify", space=SEQ_SPACE,
                      data={"ts": "train.ts", **data}, split={"validation": 0.25})


def with_seq(frame, test=None):
    def write(d):
        frame.to_csv(d / "gestures.csv", index=False)
        if test is not None:
            test.to_csv(d / "gestures_test.csv", index=False)
    return write


TS_HEADER = "@problemName toy\n@univariate {uni}\n{dims}@equalLength true\n@classLabel true a b\n@data\n"
TS_ROWS = "".join(f"{i},{i + 1},{i + 2}:{'a' if i % 2 else 'b'}\n" for i in range(8))
TS_ROWS_2D = "".join(f"{i},{i + 1},{i + 2}:1,2,3:{'a' if i % 2 else 'b'}\n" for i in range(8))


def with_ts(train, test=None):
    def write(d):
        (d / "train.ts").write_text(train)
        if test is not None:
            (d / "test.ts").write_text(test)
    return write


def _panel(stores=("a", "b"), n=60, freq="MS") -> pd.DataFrame:
    frames = [pd.DataFrame({"store": store, "month": pd.date_range("2000-01-01", periods=n,
                                                                  freq=freq).strftime("%Y-%m-%d"),
                            "sales": 50 + 10 * np.sin(np.arange(n) / 2.0) + i * 100})
              for i, store in enumerate(stores)]
    return pd.concat(frames, ignore_index=True)


PANEL_CSV = _panel()

TEXTS_CSV = pd.DataFrame({
    "review": [f"a {'great' if i % 2 else 'awful'} film number {i}" for i in range(16)],
    "sentiment": ["pos" if i % 2 else "neg" for i in range(16)]})
TEXT_SPACE = {**SEQ_SPACE, "embedding_dim": 4, "vocab_size": 50, "max_length": 8}


def text_study(**data):
    return tiny_study(name="tiny", task="classify", space=TEXT_SPACE,
                      data={"csv": "texts.csv", "text": "review", "target": "sentiment", **data},
                      split={"validation": 0.25, "test": 0.25})


def with_texts(frame=None, raw: bytes | None = None):
    def write(d):
        if raw is not None:
            (d / "texts.csv").write_bytes(raw)
        else:
            frame.to_csv(d / "texts.csv", index=False)
    return write


def with_history(edit):
    """A history for `predict --input`: the built-in airline series, edited."""
    from lstm_tune.data.builtin import BUILTINS

    return lambda d: edit(BUILTINS["airline"].load()).to_csv(d / "history.csv", index=False)


def panel_study(**settings):
    return {**csv_study(series="store"), "split": {"validation": 8, "test": 8}, **settings}


def csv_study(**data):
    return tiny_study(name="tiny", data={"csv": "sales.csv", "target": "sales", "time": "month",
                                         **data}, split={"validation": 8, "test": 8})


def with_csv(frame):
    return lambda d: frame.to_csv(d / "sales.csv", index=False)


def write_text(text):
    return lambda d: (d / "sales.csv").write_text(text)


# (case, study file content (dict or raw text), extra files, command, words expected in the line)
CASES = [
    ("malformed YAML", "name: tiny\ndata: {builtin: airline\n", None, "run", "malformed YAML"),
    ("empty study file", "", None, "run", "the file is empty"),
    ("not a mapping", "- a\n- b\n", None, "run", "expected a mapping"),
    ("unknown key", {**tiny_study(), "epochs": 3}, None, "run", "epochs: unknown key"),
    ("wrong type", {**tiny_study(), "window": "twelve"}, None, "run", "window:"),
    ("zero window", {**tiny_study(), "window": 0}, None, "run", "window:"),
    ("negative test size", {**tiny_study(), "split": {"test": -3}}, None, "run", "split.test"),
    ("zero trials", {**tiny_study(), "budget": {"trials": 0}}, None, "run", "budget.trials"),
    ("range low > high", {**tiny_study(), "space": {"units": {"low": 9, "high": 3}}}, None,
     "run", "space.units"),
    ("bool given as number", {**tiny_study(), "space": {"attention": 2}}, None, "run",
     "space.attention"),
    ("window longer than series", {**tiny_study(), "window": 300}, None, "run",
     "window: the series has 144 steps"),
    ("seasonal transform, the season read from monthly dates shorter than the horizon",
     {**tiny_study(), "horizon": 13, "space": {**TINY_SPACE, "transform": "log_seasonal_diff"},
      "split": {"validation": 13, "test": 24}}, None, "run",
     "space.transform: log_seasonal_diff needs a season of at least 13 steps, and the season "
     "is 12 steps (the time column 'month' holds monthly dates"),
    ("unknown built-in", {**tiny_study(), "data": {"builtin": "sunspots"}}, None, "run",
     "data.builtin"),
    ("unknown strategy", {**tiny_study(), "strategy": "annealing"}, None, "run", "strategy:"),
    ("unknown pruner", {**tiny_study(), "pruner": "eager"}, None, "run", "pruner:"),
    ("malformed storage URL", {**tiny_study(), "storage": "tiny.db"}, None, "run",
     "storage: malformed"),
    ("unreachable storage", {**tiny_study(), "storage": "postgresql://nobody@127.0.0.1:9/none"},
     None, "run", "storage: cannot open"),
    ("storage folder missing", {**tiny_study(), "storage": "sqlite:///no/such/dir/x.db"}, None,
     "run", "does not exist"),
    ("report dir not writable", {**tiny_study(), "report_dir": "tiny.yaml/reports"}, None,
     "run", "report_dir: cannot write"),
    ("missing CSV file", csv_study(), None, "run", "data.csv: no such file"),
    ("empty CSV", csv_study(), write_text(""), "run", "the CSV file is empty"),
    ("CSV header only", csv_study(), write_text("month,sales,price\n"), "run", "no rows"),
    ("missing target column", csv_study(target="revenue"), with_csv(GOOD_CSV), "run",
     "data.target: no column 'revenue'"),
    ("missing feature column", csv_study(features=["promo"]), with_csv(GOOD_CSV), "run",
     "data.features: no column 'promo'"),
    ("non-numeric value", csv_study(), with_csv(GOOD_CSV.assign(
        sales=GOOD_CSV.sales.astype(object).where(GOOD_CSV.index != 5, "twelve"))), "run",
     "non-numeric value 'twelve'"),
    ("NaN in data", csv_study(features=["price"]), with_csv(GOOD_CSV.assign(
        price=GOOD_CSV.price.where(GOOD_CSV.index != 9))), "run", "NaN"),
    ("inf in data", csv_study(), with_csv(GOOD_CSV.assign(
        sales=GOOD_CSV.sales.where(GOOD_CSV.index != 9, np.inf))), "run", "infinite"),
    ("duplicate timestamps", csv_study(), with_csv(GOOD_CSV.assign(
        month=GOOD_CSV.month.where(GOOD_CSV.index != 4, GOOD_CSV.month[3]))), "run",
     "duplicate time"),
    ("a month left out", csv_study(), with_csv(GOOD_CSV.drop(index=[20])), "run",
     "data.time: steps from '2001-08' to '2001-10' (61 days, where its usual step is 31 "
     "days): steps are missing"),
    ("NaN in data, the setting that fills it named", csv_study(features=["price"]), with_csv(
        GOOD_CSV.assign(price=GOOD_CSV.price.where(GOOD_CSV.index != 9))), "run",
     "column 'price' has 1 missing, NaN or infinite value(s), the first at data row 10; fix: "
     "fill or drop those rows, or set data.missing: previous"),
    ("a step off the series' frequency, with data.missing", csv_study(missing="previous"),
     with_csv(GOOD_CSV.assign(month=GOOD_CSV.month.where(GOOD_CSV.index != 30, "2002-08-15"))
              .drop(index=[29])), "run", "data.time: the series has steps left out, and its "
     "time '2002-08-15' is off the frequency of its other times, so they cannot be added; fix: "
     "give every time at the series' one frequency"),
    ("data.missing for classes", seq_study(missing="previous"), with_seq(SEQ_CSV), "run",
     "data.missing: previous fills the steps of series to forecast"),
    ("data.missing with a built-in", {**tiny_study(), "data": {"builtin": "airline",
                                                               "missing": "previous"}},
     None, "run", "data.missing: only with data.csv"),
    ("a month left out of one series of a panel", panel_study(), with_csv(
        PANEL_CSV.drop(index=[70])), "run", "data.time: series 'b' steps from "
     "'2000-10-01' to '2000-12-01'"),
    ("a target that never changes", csv_study(), with_csv(GOOD_CSV.assign(sales=7.5)), "run",
     "data.target: column 'sales' holds one value (7.5) throughout"),
    ("a series of a panel that never changes", panel_study(), with_csv(PANEL_CSV.assign(
        sales=PANEL_CSV.sales.where(PANEL_CSV.store == "a", 0.0))), "run",
     "data.target: series 'b' of column 'sales' holds one value (0) throughout"),
    ("log of a non-positive target", csv_study(), with_csv(GOOD_CSV.assign(
        sales=GOOD_CSV.sales - 200)) , "run", "needs a positive target"),
    ("trial that does not exist", tiny_study(), None, "explain --trial 99", "has no trial 99"),
    ("trial number that is not a number", tiny_study(), None, "explain --trial last",
     "not a trial number"),
    ("sqlite with parallel workers", {**tiny_study(), "storage": "sqlite:///tiny.db"}, None,
     "run --workers 2", "not safe for parallel writers"),
    ("workers not a number", tiny_study(), None, "run --workers lots",
     "--workers: 'lots' is not a number of workers; fix: give auto or a whole number"),
    ("no workers", tiny_study(), None, "run --workers 0",
     "--workers: '0' is out of range; fix: give auto or a whole number from 1 to 256"),
    # YAML booleans where a number is meant (pydantic alone would read them as 1)
    ("window: true", {**tiny_study(), "window": True}, None, "run",
     "window: expected a number, got true"),
    ("max_epochs: yes", yaml.safe_dump(tiny_study()).replace("max_epochs: 3", "max_epochs: yes"),
     None, "run", "training.max_epochs: expected a number, got true"),
    ("max_epochs: many", {**tiny_study(), "training": {"max_epochs": "many"}}, None, "run",
     "training.max_epochs: must be auto or a whole number from 1 to 10000 (got 'many')"),
    ("trials: true", {**tiny_study(), "budget": {"trials": True}}, None, "run",
     "budget.trials: expected a number"),
    ("seed: true", {**tiny_study(), "seed": True}, None, "run", "seed: expected a number"),
    ("a value holding '; '", {**tiny_study(), "space": {**TINY_SPACE, "layers": "1; 2"}}, None,
     "run", "space.layers: expected a number, got '1; 2'; fix: see docs/study-file.md"),
    # independent labelled sequences (long CSV, .ts files)
    ("label changing within a sequence", seq_study(), with_seq(SEQ_CSV.assign(
        label=SEQ_CSV.label.where(SEQ_CSV.index != 2, "left"))), "run",
     "data.target: the label of sequence 's0' changes within it"),
    ("a one-step sequence", seq_study(), with_seq(pd.concat([SEQ_CSV, pd.DataFrame(
        [{"id": "lone", "step": 0, "a": 0.1, "b": 0.2, "label": "left"}])])), "run",
     "sequence 'lone' has 1 step(s)"),
    ("an empty sequence id", seq_study(), with_seq(SEQ_CSV.assign(
        id=SEQ_CSV.id.where(SEQ_CSV.index != 7, ""))), "run",
     "data.sequence: empty sequence id at data row 8"),
    ("a test class unseen in training", seq_study(test_csv="gestures_test.csv"), with_seq(
        SEQ_CSV, _sequences(4).assign(id=lambda f: "t" + f.id, label="up")), "run",
     "test class 'up' never occurs in the training part"),
    ("a step twice in a sequence", seq_study(), with_seq(SEQ_CSV.assign(
        step=SEQ_CSV.step.where(SEQ_CSV.index != 1, 0))), "run",
     "sequence 's0' has step '0' twice"),
    ("a sequence partly train, partly test", {**seq_study(), "split": {"column": "part"}},
     with_seq(SEQ_CSV.assign(part=np.where(SEQ_CSV.index == 0, "test", "train"))), "run",
     "split.column: sequence 's0' is partly train, partly test"),
    ("sequences to forecast", {**seq_study(), "task": "forecast"}, with_seq(SEQ_CSV), "run",
     "task: independent sequences"),
    ("pooling padded sequences", {**seq_study(), "space": {**SEQ_SPACE, "pool": [1, 2]}},
     with_seq(SEQ_CSV.drop(index=[0, 1])), "run", "space.pool"),
    (".ts without @data", ts_study(), with_ts(TS_HEADER.format(uni="true", dims="")
                                              .replace("@data\n", "") + TS_ROWS), "run",
     "malformed .ts file: line 5: data before @data"),
    (".ts without @classLabel", ts_study(), with_ts(TS_HEADER.format(uni="true", dims="")
                                                    .replace("@classLabel true a b\n", "")
                                                    + TS_ROWS), "run", "no @classLabel"),
    (".ts with a bad boolean", ts_study(), with_ts(TS_HEADER.format(uni="maybe", dims="")
                                                   + TS_ROWS), "run",
     "@univariate must be true or false"),
    ("missing series column", csv_study(series="shop"), with_csv(PANEL_CSV), "run",
     "data.series: no column 'shop'"),
    ("duplicate time within a series", panel_study(), with_csv(pd.concat(
        [PANEL_CSV, PANEL_CSV.iloc[[65]]])), "run", "in series 'b'"),
    ("a series shorter than window + horizon", {**panel_study(), "horizon": 3}, with_csv(
        pd.concat([PANEL_CSV, _panel(("c",), n=14)])), "run", "series 'c' has 14 steps"),
    ("horizon larger than the test part", {**panel_study(), "horizon": 9}, with_csv(PANEL_CSV),
     "run", "horizon: 9 steps ahead do not fit in the 8-step test part"),
    ("mixed frequencies", panel_study(), with_csv(pd.concat(
        [_panel(("a",)), _panel(("b",), freq="W-MON")])), "run", "series 'b' steps by W-MON"),
    ("unknown forecast metric", {**csv_study(), "metric": "mape"}, with_csv(GOOD_CSV), "run",
     "metric: a forecast is judged by one of rmse, mae, mase, smape"),
    ("a metric for classes", {**seq_study(), "metric": "rmse"}, with_seq(SEQ_CSV), "run",
     "metric: classification is judged by accuracy"),
    ("series and sequences", {**seq_study(series="id")}, with_seq(SEQ_CSV), "run",
     "data.series: a panel of series is forecast"),
    (".ts dimensions unlike its data", ts_study(), with_ts(
        TS_HEADER.format(uni="false", dims="@dimensions 3\n") + TS_ROWS_2D), "run",
     "2 channel(s), but the header says 3"),
    (".ts train and test of other dimensions", ts_study(test_ts="test.ts"), with_ts(
        TS_HEADER.format(uni="true", dims="") + TS_ROWS,
        TS_HEADER.format(uni="false", dims="@dimensions 2\n") + TS_ROWS_2D), "run",
     "data.test_ts: 2 channel(s), but the training file has 1"),
    # texts (a CSV of texts and labels)
    ("missing text column", text_study(text="body"), with_texts(TEXTS_CSV), "run",
     "data.text: no column 'body'"),
    ("an empty text", text_study(), with_texts(TEXTS_CSV.assign(
        review=TEXTS_CSV.review.where(TEXTS_CSV.index != 3, "   "))), "run",
     "data.text: the text at data row 4 is empty"),
    ("an empty label", text_study(), with_texts(TEXTS_CSV.assign(
        sentiment=TEXTS_CSV.sentiment.where(TEXTS_CSV.index != 5))), "run",
     "data.target: the label at data row 6 is empty"),
    ("a class with one text", text_study(), with_texts(TEXTS_CSV.assign(
        sentiment=TEXTS_CSV.sentiment.where(TEXTS_CSV.index != 2, "meh"))), "run",
     "class 'meh' has a single text"),
    # a number or an id where a class belongs: one class per sample
    ("texts labelled by a score", text_study(), with_texts(TEXTS_CSV.assign(
        sentiment=np.linspace(0, 1, len(TEXTS_CSV)))), "run",
     f"data.target: {len(TEXTS_CSV)} classes among {len(TEXTS_CSV)} texts: nearly every text"),
    ("sequences labelled by their id", seq_study(), with_seq(SEQ_CSV.assign(label=SEQ_CSV.id)),
     "run", "12 classes among 12 sequences: nearly every sequence has a class of its own"),
    ("a series classified by its values", {**csv_study(features=["price"]), "task": "classify",
                                           "space": SEQ_SPACE}, with_csv(GOOD_CSV), "run",
     "100 classes among 100 steps: nearly every step has a class of its own, too few to learn "
     "a class and check it (is it a number or an id?); fix: give a column of classes, each "
     "shared by several steps, or set task: forecast"),
    ("texts of one class", text_study(), with_texts(TEXTS_CSV.assign(sentiment="pos")), "run",
     "every training text has the label 'pos'"),
    ("a texts file not in UTF-8", text_study(), with_texts(raw=(
        "review,sentiment\n" + "".join(f"caf\u00e9 {'great' if i % 2 else 'awful'},"
                                        f"{'pos' if i % 2 else 'neg'}\n" for i in range(16))
    ).encode("latin-1")), "run", "texts.csv: data.csv: the file is not UTF-8 text (it holds "
     "byte 0xe9); fix: save it as UTF-8 (a spreadsheet's 'CSV UTF-8'), or set data.encoding"),
    ("an unknown encoding", text_study(encoding="utf-9"), with_texts(TEXTS_CSV), "run",
     "data.encoding: unknown encoding 'utf-9'; fix: give one Python knows, such as utf-8, "
     "cp1252 or latin-1"),
    ("texts to forecast", {**text_study(), "task": "forecast"}, with_texts(TEXTS_CSV), "run",
     "task: texts are classified"),
    ("text settings for a series", {**tiny_study(), "space": {**TINY_SPACE, "vocab_size": 50}},
     None, "run", "space.vocab_size: only for texts"),
    ("texts and sequences", text_study(sequence="id"), with_texts(TEXTS_CSV), "run",
     "data.text: texts have no data.sequence"),
    # predict and export read the study as it is; their input is what is bad
    ("a history not in UTF-8", tiny_study(budget={"trials": 1}), lambda d: (
        d / "history.csv").write_bytes("month,passengers,Bemerkung\n1960-12,432,gr\u00f6\u00dfer\n"
                                       .encode("cp1252")), "predict --input history.csv",
     "history.csv: --input: the file is not UTF-8 text (it holds byte 0xf6); fix: save it as "
     "UTF-8 (a spreadsheet's 'CSV UTF-8')"),
    ("a history without the target", tiny_study(budget={"trials": 1}),
     with_history(lambda f: f.drop(columns="passengers")), "predict --input history.csv",
     "columns: no column 'passengers'"),
    ("text where numbers belong", tiny_study(budget={"trials": 1}),
     with_history(lambda f: f.astype({"passengers": object}).assign(
         passengers=["many"] + list(f.passengers[1:]))), "predict --input history.csv",
     "column 'passengers' has a non-numeric value 'many' at data row 1"),
    ("a history shorter than the window", tiny_study(budget={"trials": 1}),
     with_history(lambda f: f.tail(5)), "predict --input history.csv",
     "the history has 5 steps; the model needs at least"),
    ("a duplicate month in a history", tiny_study(budget={"trials": 1}),
     with_history(lambda f: pd.concat([f, f.tail(1)])), "predict --input history.csv",
     "duplicate time '1960-12'"),
    ("predictions to an unknown file type", tiny_study(budget={"trials": 1}), None,
     "predict --out forecasts.txt", "--out: unknown file type"),
    ("an export into a folder of other files", tiny_study(budget={"trials": 1}),
     lambda d: (d / "model").mkdir() or (d / "model" / "notes.txt").write_text("mine"),
     "export model", "the folder is not empty and holds no earlier export"),
]


@pytest.fixture(scope="module")
def existing_study(tmp_path_factory):
    """A folder holding a real, finished 1-trial study 'tiny' (storage and model artifact)."""
    root = tmp_path_factory.mktemp("existing")
    (root / "tiny.yaml").write_text(yaml.safe_dump(tiny_study(budget={"trials": 1})))
    result = run_cli("run", "tiny.yaml", "--no-report", cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    return root


@pytest.mark.parametrize(("case", "content", "files", "command", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input(existing_study, tmp_path, monkeypatch, case, content, files, command, words):
    work = tmp_path / "w"
    shutil.copytree(existing_study, work)
    study = work / "tiny.yaml"
    study.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
    if files:
        files(work)
    before = tree_digest(work)
    before.pop("tiny.yaml")
    monkeypatch.chdir(work)
    verb, *flags = command.split()
    result = CliRunner().invoke(cli, [verb, "tiny.yaml", *flags])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("lstm-tune: ") and "Traceback" not in result.output
    assert any(name in line for name in ("tiny.yaml", "sales.csv", "gestures", ".ts",
                                         "texts.csv", "history.csv", "forecasts.txt",
                                         "model")), line
    assert words in line, line
    assert "fix:" in line, line
    after = tree_digest(work)
    after.pop("tiny.yaml")
    assert after == before, "the storage or its files changed"
