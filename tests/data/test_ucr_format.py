"""The UCR archive's own layout (`FordA_TRAIN.tsv`: one sequence per line, its label first,
no header) reads as the same problem as its `.ts` file, and a study reads either as
`data.ts`."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from lstm_tune.data.builtin import BUILTINS
from lstm_tune.data.sequences import load_sequences
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.ucr_format import (
    UcrFormatError,
    looks_like_ucr,
    parse_ucr,
    read_archive_file,
)
from lstm_tune.errors import StudyError


def as_ucr_rows(sequences, labels, sep: str = "\t", width: int | None = None) -> str:
    """The archive's layout: label, then values; shorter sequences padded with NaN."""
    width = width or max(len(s) for s in sequences)
    return "".join(sep.join([label, *(f"{v:.8f}" for v in s[:, 0]),
                             *["NaN"] * (width - len(s))]) + "\n"
                   for s, label in zip(sequences, labels))


def test_gunpoint_reads_as_its_ts_file(tmp_path):
    train, test = BUILTINS["gunpoint"].load()
    (tmp_path / "GunPoint_TRAIN.tsv").write_text(as_ucr_rows(train.sequences, train.labels))
    with gzip.open(tmp_path / "GunPoint_TEST.tsv.gz", "wt") as f:  # the 2015 archive: commas
        f.write(as_ucr_rows(test.sequences, test.labels, sep=","))
    settings = DataSettings("s.yaml", base_dir=str(tmp_path), ts="GunPoint_TRAIN.tsv",
                            test_ts="GunPoint_TEST.tsv.gz")
    ours = load_sequences(settings)
    theirs = load_sequences(DataSettings("s.yaml", builtin="gunpoint", task="classify"))
    assert ours.ids == theirs.ids and ours.channel_names == theirs.channel_names == ("value",)
    assert list(ours.labels) == list(theirs.labels) and list(ours.part) == list(theirs.part)
    for a, b in zip(ours.values, theirs.values):
        np.testing.assert_allclose(a, b, atol=1e-8)
    assert read_archive_file(tmp_path / "GunPoint_TRAIN.tsv").problem == "GunPoint"


def test_shorter_sequences_end_at_their_padding_and_labels_read_as_written():
    rows = ["1.0000000e+00\t0.5\t1.5\t2.5", "-1\t3\t4\tNaN", "2\t5\t6\t7"]
    ucr = parse_ucr("\n".join(rows) + "\n")
    assert ucr.labels == ["1", "-1", "2"] and ucr.class_labels == ("-1", "1", "2")
    assert [s[:, 0].tolist() for s in ucr.sequences] == [[0.5, 1.5, 2.5], [3, 4], [5, 6, 7]]


def test_a_csv_with_a_header_or_a_ts_file_is_not_taken_for_ucr_rows():
    assert looks_like_ucr("1\t0.5\t-2e-3\n")
    assert looks_like_ucr("1,0.5,nan,NaN\n")
    assert not looks_like_ucr("id,step,value,label\ns0,0,1.5,a\n")
    assert not looks_like_ucr("@problemName x\n@data\n1,2:a\n")
    assert not looks_like_ucr("1\t0.5\n")  # a label and one value: no sequence


@pytest.mark.parametrize("text, words", [
    ("1\t1\t2\t3\n2\t1\t2\n", "line 2: 3 fields, but line 1 has 4"),
    ("\n1\t1\t2\t3\n2\t1\tx\t3\n", "line 3: a value is not a number"),
    ("1\t1\tNaN\t3\n", "line 1: missing or infinite values inside the sequence"),
    ("1\tNaN\tNaN\tNaN\n", "line 1: an empty sequence"),
])
def test_malformed_rows_are_named_by_line(text, words):
    with pytest.raises(UcrFormatError, match=words):
        parse_ucr(text)


def test_a_study_names_the_file_and_the_layout_of_a_malformed_one(tmp_path):
    (tmp_path / "X_TRAIN.tsv").write_text("1\t1\t2\t3\n2\t1\t2\n")
    with pytest.raises(StudyError) as err:
        load_sequences(DataSettings("s.yaml", base_dir=str(tmp_path), ts="X_TRAIN.tsv"))
    assert err.value.line().endswith(
        "X_TRAIN.tsv: data.ts: malformed UCR file: line 2: 3 fields, but line 1 has 4 (a UCR "
        "file pads shorter sequences with NaN to one width); fix: fix the file (each line: the "
        "class label, then the sequence's values) or convert it to a long CSV"), \
        err.value.line()
