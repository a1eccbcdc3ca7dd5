"""Sequences to classify: read from arrays, a long CSV or a `.ts` file as in training, and
bad ones refused naming the input, the field and the fix (the command-line cases, exit 2
and nothing written, are in tests/test_bad_input.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.api import Study
from lstm_tune.errors import StudyError
from lstm_tune.predictor import load_predictor
from lstm_tune.search.study import open_study
from lstm_tune.spec import load_spec

from tests.conftest import TINY_SPACE, tiny_study
from tests.searched import searched

pytestmark = pytest.mark.slow


def gestures(n: int = 24, steps: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame([{"id": f"s{i}", "step": t, "a": rng.normal() + (i % 2),
                          "b": rng.normal(), "label": "left" if i % 2 else "right"}
                         for i in range(n) for t in range(steps)])


# as a spreadsheet on Windows saves it (cp1252)
STUDY = tiny_study(task="classify", data={"csv": "gestures.csv", "target": "label",
                                          "sequence": "id", "time": "step",
                                          "encoding": "cp1252"},
                   space={k: v for k, v in TINY_SPACE.items() if k != "transform"},
                   split={"validation": 0.25, "test": 0.25}, budget={"trials": 1})


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad_predict")
    gestures().to_csv(folder / "gestures.csv", index=False, encoding="cp1252")
    spec, _ = searched(folder, STUDY, trials=1)
    api = Study(spec)
    api.evaluation  # builds and keeps the predictor, as `run` does
    return folder, spec, api


def test_sequences_read_as_in_training(study):
    folder, spec, api = study
    frame = gestures()
    first = [frame[frame.id == f"s{i}"][["a", "b"]].to_numpy() for i in range(4)]
    from_arrays = api.predict(first)
    frame[frame.id.isin(["s0", "s1", "s2", "s3"])].drop(columns="label").to_csv(
        folder / "new.csv", index=False)
    from_csv = api.predict(folder / "new.csv")
    assert from_csv["id"].tolist() == ["s0", "s1", "s2", "s3"]
    np.testing.assert_allclose(from_csv[["p_left", "p_right"]], from_arrays[["p_left", "p_right"]])
    assert set(from_csv["class"]) <= {"left", "right"}
    # a column the model does not read (here: who recorded it) is left alone and named; new
    # files are read in the study's encoding
    frame[frame.id.isin(["s0", "s1", "s2", "s3"])].assign(**{"Prüfer": "Jürgen"}).to_csv(
        folder / "new.csv", index=False, encoding="cp1252")
    with_subject = api.predict(folder / "new.csv")
    np.testing.assert_allclose(with_subject[["p_left", "p_right"]], from_csv[["p_left", "p_right"]])
    assert with_subject.attrs["notes"] == ["column 'Prüfer' not read by the model (it "
                                           "reads id, a, b)"]
    # the label, where the file has it, beside each prediction (not read by the model)
    frame[frame.id.isin(["s0", "s1", "s2", "s3"])].to_csv(folder / "known.csv", index=False)
    known = api.predict(folder / "known.csv")
    assert list(known.columns) == ["id", "label", "class", "p_left", "p_right"]
    assert known["label"].tolist() == ["right", "left", "right", "left"]
    np.testing.assert_allclose(known[["p_left", "p_right"]], from_csv[["p_left", "p_right"]])


@pytest.mark.parametrize("data, field, words", [
    ([np.zeros((6, 3))], "channels", "expected (steps, 2)"),
    ([np.zeros((5, 2))], "steps", "exactly 6"),
    ([[["x", "y"]] * 6], None, "sequences must hold numbers"),
    ("missing.csv", "--input", "no such file"),
])
def test_bad_sequences_name_what_is_wrong(study, data, field, words):
    _, _, api = study
    with pytest.raises(StudyError) as err:
        api.predict(data)
    assert err.value.field == field and words in err.value.line(), err.value.line()


def test_a_ts_file_of_other_dimensions_is_refused(study, tmp_path):
    _, _, api = study
    path = tmp_path / "new.ts"
    path.write_text("@problemName g\n@univariate true\n@equalLength true\n@classLabel false\n"
                    "@data\n1,2,3,4,5,6\n")
    with pytest.raises(StudyError, match="1 dimension.*the model reads 2") as err:
        api.predict(path)
    assert err.value.field == "@dimensions"


def test_a_folder_that_is_not_an_export_is_refused(tmp_path):
    with pytest.raises(StudyError, match="not an lstm_tune export"):
        load_predictor(tmp_path)


def test_a_study_with_no_finished_trial_has_nothing_to_predict(write_study):
    path = write_study(tiny_study())
    open_study(load_spec(path))  # created, never run
    with pytest.raises(StudyError, match="no completed trial yet"):
        Study.from_yaml(path).predict()


def test_a_long_csv_missing_a_channel_is_refused(study):
    folder, _, api = study
    gestures().drop(columns="b").to_csv(folder / "no_b.csv", index=False)
    with pytest.raises(StudyError) as err:
        api.predict(folder / "no_b.csv")
    assert err.value.line().startswith(f"{folder / 'no_b.csv'}: columns: no column 'b'")


def test_a_ucr_file_of_one_channel_is_refused_for_a_model_of_two(study, tmp_path):
    _, _, api = study
    (tmp_path / "new.tsv").write_text("1\t1\t2\t3\t4\t5\t6\n")
    with pytest.raises(StudyError, match="1 dimension.*the model reads 2") as err:
        api.predict(tmp_path / "new.tsv")
    assert err.value.field == "--input"


@pytest.fixture(scope="module")
def ucr(tmp_path_factory):
    """A study of the UCR archive's files (`data.ts: X_TRAIN.tsv`), one channel."""
    folder = tmp_path_factory.mktemp("ucr")
    frame = gestures()
    rows = [[label, *frame[frame.id == sid]["a"]] for sid, label in
            frame.groupby("id", sort=False)["label"].first().map({"left": 1, "right": -1}).items()]
    for name, part in (("X_TRAIN.tsv", rows[:18]), ("X_TEST.tsv", rows[18:])):
        (folder / name).write_text("".join("\t".join(map(str, r)) + "\n" for r in part))
    study = {**STUDY, "data": {"ts": "X_TRAIN.tsv", "test_ts": "X_TEST.tsv"},
             "split": {"validation": 0.25}}
    spec, _ = searched(folder, study, trials=1)
    return folder, Study(spec), rows


def test_a_ucr_study_predicts_its_own_files_as_the_arrays_they_hold(ucr):
    folder, api, rows = ucr
    test = api.evaluation.predictions["test"]  # the test file's sequences, in its order
    assert list(test["actual"]) == [str(r[0]) for r in rows[18:]]
    from_file = api.predict(folder / "X_TEST.tsv")  # labelled, as the archive writes it
    assert list(from_file.columns) == ["id", "label", "class", "p_-1", "p_1"]
    assert from_file["label"].tolist() == [str(r[0]) for r in rows[18:]]
    from_arrays = api.predict([np.array(r[1:], dtype=float)[:, None] for r in rows[18:]])
    np.testing.assert_allclose(from_file[["p_-1", "p_1"]], from_arrays[["p_-1", "p_1"]])
    assert list(from_file["class"]) == list(test["predicted"])
    (folder / "unlabelled.tsv").write_text("".join("\t".join(map(str, r[1:])) + "\n"
                                                   for r in rows[18:]))
    with pytest.raises(StudyError) as err:
        api.predict(folder / "unlabelled.tsv")
    assert err.value.line().endswith(
        "unlabelled.tsv: --input: each line has 5 values after its first, and the model reads "
        "6: a UCR line's first value is its class label; fix: write a label (any: it is not "
        "read) before each sequence's values"), err.value.line()
