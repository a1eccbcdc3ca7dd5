"""The .ts reader: the shipped UCR/UEA files as published, and malformed files refused with
the line at fault."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tune.data.builtin import BUILTINS
from lstm_tune.data.ts_format import TsFormatError, parse_ts

HEADER = "#a comment\n@problemName toy\n@univariate false\n@dimensions 2\n@equalLength false\n" \
         "@classLabel true up down\n@data\n"


def test_multivariate_unequal_lengths():
    ts = parse_ts(HEADER + "1,2,3:4,5,6:up\n\n7,8:9,10:down\n")
    assert ts.problem == "toy" and ts.class_labels == ("up", "down")
    assert ts.labels == ["up", "down"] and ts.channels == 2
    np.testing.assert_array_equal(ts.sequences[0], [[1, 4], [2, 5], [3, 6]])
    np.testing.assert_array_equal(ts.sequences[1], [[7, 9], [8, 10]])


def test_unlabelled_cases_to_predict():
    """New cases come without labels (`@classLabel false`); they are read only when asked."""
    text = HEADER.replace("true up down", "false") + "1,2,3:4,5,6\n7,8:9,10\n"
    ts = parse_ts(text, labelled=False)
    assert ts.labels == ["", ""] and ts.class_labels == () and ts.channels == 2
    np.testing.assert_array_equal(ts.sequences[1], [[7, 9], [8, 10]])
    labelled = parse_ts(HEADER + "1,2,3:4,5,6:up\n", labelled=False)  # labels still read
    assert labelled.labels == ["up"] and labelled.channels == 2
    with pytest.raises(TsFormatError, match="@classLabel must be 'true'"):
        parse_ts(text)


@pytest.mark.parametrize(("text", "message"), [
    (HEADER.replace("@data\n", ""), "no @data line"),
    (HEADER.replace("@classLabel true up down\n", ""), "no @classLabel"),
    (HEADER.replace("true up down", "false"), "@classLabel must be 'true'"),
    (HEADER.replace("up down", "up"), "fewer than two classes"),
    (HEADER.replace("@dimensions 2", "@dimensions two"), "@dimensions must be a whole number"),
    (HEADER.replace("@univariate false", "@univariate true"), "@univariate true but @dimensions 2"),
    (HEADER.replace("@equalLength false", "@equalLength perhaps"), "must be true or false"),
    (HEADER + "1,2:3,4:left\n", "line 8: class 'left' is not declared"),
    (HEADER + "1,2:3,4\n", "line 8: class '3,4' is not declared"),
    (HEADER + "1,2,3:up\n", "line 8: 1 channel(s), but the header says 2"),
    (HEADER + "1,2,3:4,5:up\n", "line 8: its channels have different lengths"),
    (HEADER + "1,x:3,4:up\n", "line 8, channel 1: a value is not a number"),
    (HEADER + "1,?:3,4:up\n", "missing values"),
    (HEADER + "up\n", "line 8: no class label"),
    (HEADER.replace("@equalLength false", "@equalLength true") + "1,2:3,4:up\n1:2:down\n",
     "@equalLength true, but the cases have different lengths"),
    (HEADER.replace("@equalLength false", "@seriesLength 3"), "no cases after @data"),
    (HEADER.replace("@equalLength false", "@seriesLength 3") + "1,2:3,4:up\n",
     "line 8: 2 values, but @seriesLength is 3"),
    ("1,2:up\n", "line 1: data before @data"),
])
def test_malformed_files_name_the_problem(text, message):
    with pytest.raises(TsFormatError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("?", r"\?")):
        parse_ts(text)


@pytest.mark.parametrize(("name", "train", "test", "channels", "lengths", "classes"), [
    ("gunpoint", 50, 150, 1, (150, 150), 2),
    ("japanese_vowels", 270, 370, 12, (7, 29), 9),
])
def test_shipped_datasets_keep_their_published_split(name, train, test, channels, lengths, classes):
    tr, te = BUILTINS[name].load()
    assert (len(tr.sequences), len(te.sequences)) == (train, test)
    assert tr.channels == te.channels == channels
    every = [len(s) for s in tr.sequences + te.sequences]
    assert (min(every), max(every)) == lengths
    assert len(set(tr.labels)) == classes
