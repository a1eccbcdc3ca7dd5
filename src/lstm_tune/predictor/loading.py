"""Reading a predictor's folder (bundle.py writes it) back, in any process: no study and
no data, only the folder."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from lstm_tune.data.encoders import encoder_from_json
from lstm_tune.errors import StudyError
from lstm_tune.predictor.bundle import FORMAT, STATE
from lstm_tune.predictor.combination import combination_from_json
from lstm_tune.data.clock import Clock
from lstm_tune.predictor.history import SeriesHistory
from lstm_tune.predictor.intervals import Calibration
from lstm_tune.predictor.predictor import Member, Predictor


def load_predictor(path: str | Path) -> Predictor:
    """A predictor saved by `Predictor.save` or `lstm-tune export`."""
    path = Path(path)
    state_file = path / STATE
    if not state_file.is_file():
        what = "no such folder" if not path.exists() else f"no {STATE} in it"
        raise StudyError(str(path), None, f"not an lstm_tune export ({what})",
                         "give the folder 'lstm-tune export' or Predictor.save wrote")
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
        fmt = state["format"]
    except (ValueError, KeyError, TypeError):
        raise StudyError(str(state_file), None, "not a predictor's state (unreadable JSON)",
                         "export the study again") from None
    if fmt != FORMAT:
        raise StudyError(str(state_file), "format", f"format {fmt!r}, this lstm_tune reads "
                         f"{FORMAT}", "export it again with this version of lstm_tune")
    from lstm_tune.quiet import import_tensorflow

    import_tensorflow()  # a script that only loads a model need not hear TF's C++ start-up
    from lstm_tune.model.build import load_model

    members = []
    for m in state["members"]:
        model_file = path / m["model"]
        if not model_file.is_file():
            raise StudyError(str(path), m["model"], "the member model is missing",
                             "copy the whole exported folder")
        members.append(Member(load_model(model_file), encoder_from_json(m["encoder"])))
    calibration, combination = state.get("calibration"), state.get("combination")
    return Predictor(state["task"], members,
                     [SeriesHistory.from_json(h) for h in state.get("histories", [])],
                     Clock.from_json(state["clock"]),
                     Calibration.from_json(calibration) if calibration else None,
                     state.get("info", {}),
                     combination_from_json(combination) if combination else None)


def from_zip(zip_path: Path, folder: Path | None = None) -> Predictor:
    """A predictor from its zip; unpacked into `folder` if given (an export), else read
    from a temporary folder."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(folder)
        return load_predictor(folder)
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(tmp)
        return load_predictor(tmp)
