"""A study on the user's own CSV of texts, as the README shows it: run, report, explain,
both pages opened in Chromium; a review holding a script tag is shown, never run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.browser import open_page
from tests.conftest import run_cli

pytestmark = pytest.mark.slow

EVIL = "<script>window.__pwned=true</script> great value"
README = Path(__file__).resolve().parents[1] / "README.md"


def readme_study() -> dict:
    """The README's study file for texts, with its published test file switched on, a
    small space (texts of up to 16 words read to 12, so some are cut) and budget."""
    match = re.search(r"<!-- texts-example -->\n```yaml\n(.*?)```", README.read_text(), re.S)
    assert match, "the README lost its texts example"
    study = yaml.safe_load(match.group(1))
    assert study["data"] == {"csv": "tickets.csv", "text": "message", "target": "mood"}
    study["data"]["test_csv"] = "tickets_test.csv"  # the commented line, switched on
    return {**study, "space": {"layers": 1, "units": 8, "embedding_dim": 8, "vocab_size": 500,
                               "max_length": 12, "learning_rate": 0.01, "batch_size": 16,
                               "attention": True},
            "training": {"max_epochs": 4, "patience": 2}, "budget": {"trials": 1},
            "pruner": "none"}


def _tickets(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    filler = "the app my order delivery was is today again please thanks and it".split()
    rows = []
    for i in range(n):
        happy = i % 2 == 0
        words = list(rng.choice(filler, int(rng.integers(3, 16))))
        words.insert(int(rng.integers(0, len(words))), "great" if happy else "broken")
        rows.append({"message": " ".join(words).capitalize() + "!",
                     "mood": "happy" if happy else "angry"})
    return pd.DataFrame(rows)


def test_a_study_of_texts_runs_reports_and_explains_word_by_word(tmp_path):
    _tickets(120, 0).to_csv(tmp_path / "tickets.csv", index=False)
    test = _tickets(9, 1)
    test.loc[0] = [EVIL, "happy"]
    test.to_csv(tmp_path / "tickets_test.csv", index=False)
    (tmp_path / "tickets.yaml").write_text(yaml.safe_dump(readme_study()))

    result = run_cli("run", "tickets.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "baseline tfidf_logistic: accuracy" in result.stdout
    assert "predictions on new data: lstm-tune predict tickets.yaml --input FILE;" in result.stdout
    assert " test samples; a tie is a difference" in result.stdout  # McNemar's pairs
    index = tmp_path / "reports" / "tickets" / "index.html"
    page = open_page(index)
    assert page.broken_images == 0 and page.console_errors == []
    # 15 words at most, 12 read: the report says how many texts were cut
    assert "were longer and truncated" in page.text and "tfidf_logistic" in page.text
    # classes are compared by McNemar's test on the same texts, not by the sign
    assert "McNemar" in page.text and "Is the difference more than noise?" in page.text
    # classes as written, per-class figures, and the baselines' log loss where they have one
    assert "np.str_" not in page.text and "Per class (test)" in page.text
    assert "distinct words" in page.text and "recall" in page.text
    # the summary names the metric as the terminal does, not by its Keras log name
    assert re.search(r"Best trial\s+#\d+, validation accuracy = ", page.text), page.text[:800]
    assert "ACCURACY" not in page.text  # a forecast's upper-case names are not a class's
    assert "test macro F1" in page.text and "macro f1" not in page.text
    assert "1-NN" not in page.text  # texts have no nearest-neighbour baseline to speak of
    assert page.long_numbers(before="Reproduce the best model") == []
    ev = json.loads(run_cli("summary", "tickets.yaml", "--json", cwd=tmp_path).stdout)["evaluation"]
    assert ev["baselines"]["tfidf_logistic"]["log_loss"] > 0
    assert ev["baselines"]["majority_class"]["log_loss"] > 0

    result = run_cli("explain", "tickets.yaml", "--samples", "9", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "explained on 9 texts: trial #" in result.stdout, result.stdout
    html = (tmp_path / "reports" / "tickets" / "explain.html").read_text()
    assert EVIL.split(">")[0] not in html and "&lt;script&gt;" in html
    page = open_page(tmp_path / "reports" / "tickets" / "explain.html")
    assert not page.scripts_run and page.console_errors == [] and page.broken_images == 0
    for words in ("The texts, word by word", "The words that push each class most",
                  "LimeTextExplainer", "Partition explainer", "Deletion area",
                  "in a text, averaged over texts"):
        assert words in page.text, words
    # which words decide a user's texts is not known: no column that needs it
    assert "Mass on informative words" not in page.text and "time steps" not in page.text
    assert "is not known for this data" in page.text
    assert page.long_numbers() == []
    assert "<script>window.__pwned=true</script>" in page.text  # shown as text
    figures = json.loads((tmp_path / "reports" / "tickets" / "explain.json").read_text())
    assert set(figures["explainers"]) == {"shap", "lime", "attention"}
    # the deciding words of a user's texts are not known: no share is claimed
    assert figures["explainers"]["shap"]["informative_share"] is None

    # the Python API reads new texts as the study did
    from lstm_tune import Study

    study = Study.from_yaml(tmp_path / "tickets.yaml")
    predicted = study.predict(list(test["message"]))
    assert list(predicted["class"]) == list(study.evaluation.predictions["test"]["predicted"])
    # the test file as it is (its label beside each text), with a ticket number: both are
    # kept beside the predictions, to join them back by, and the note says they are not read
    test.insert(0, "ticket", range(101, 110))
    test.to_csv(tmp_path / "new.csv", index=False)
    from_csv = study.predict(tmp_path / "new.csv")
    assert list(from_csv.columns[:3]) == ["ticket", "mood", "class"]
    assert from_csv["ticket"].tolist() == list(range(101, 110))
    assert from_csv["mood"].tolist() == test["mood"].tolist()
    assert list(from_csv["class"]) == list(predicted["class"])
    assert from_csv.attrs["notes"] == ["column 'ticket' not read by the model (it reads "
                                       "message); kept beside each prediction"]
    # an empty text in new data is read as no words, as in a list, not a reason to refuse
    # the file (training refuses one: tests/test_bad_input.py)
    test.loc[2, "message"] = ""
    test.to_csv(tmp_path / "new.csv", index=False)
    with_empty = study.predict(tmp_path / "new.csv")
    assert len(with_empty) == 9 and with_empty.attrs["notes"][-1] == \
        "1 empty text(s) (data row 3) read as no words"
    np.testing.assert_allclose(with_empty.iloc[2, -2:].astype(float),
                               study.predict(["", "x"]).iloc[0, -2:].astype(float), rtol=1e-6)
