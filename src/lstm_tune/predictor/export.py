"""`lstm-tune export`: the predictor's folder, its manifest and a SavedModel beside them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from lstm_tune.errors import StudyError
from lstm_tune.predictor.bundle import MANIFEST, STATE, save_predictor
from lstm_tune.predictor.predictor import Predictor

SAVED_MODEL = "saved_model"


def check_folder(folder: Path) -> None:
    """An export goes to a new or empty folder, or replaces an earlier export."""
    if folder.exists() and not folder.is_dir():
        raise StudyError(str(folder), None, "is a file, not a folder", "give a folder path")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / STATE).is_file():
        raise StudyError(str(folder), None, "the folder is not empty and holds no earlier "
                         "export", "give a new or empty folder")


def export_predictor(predictor: Predictor, folder: str | Path,
                     evaluation: dict[str, Any] | None, saved_model: bool = True) -> Path:
    """Write the predictor, a manifest with the evaluation's test figures and (unless
    `saved_model` is False) a TensorFlow SavedModel to `folder`."""
    folder = Path(folder)
    check_folder(folder)
    # the test figures go to the export, not to the predictor the study shares
    predictor = copy.copy(predictor)
    predictor.info = dict(predictor.info)
    if evaluation and not predictor.info.get("refit_all"):
        predictor.info["test"] = evaluation.get("test")
        predictor.info["baselines"] = evaluation.get("baselines")
        predictor.info["verdict"] = evaluation.get("verdict")
        predictor.info["intervals"] = evaluation.get("intervals") or None
    elif evaluation:
        predictor.info["test"] = None  # a production refit was trained on the test part
        predictor.info["evaluated_model_test"] = evaluation.get("test")
    save_predictor(predictor, folder)
    if saved_model:
        from lstm_tune.predictor.serving import signature, write_saved_model

        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        hybrid = [m.encoder.base for m in predictor.members if getattr(m.encoder, "base", {})]
        if hybrid:  # its statistical base is statsmodels, not TensorFlow ops
            name = next(iter(hybrid[0].values())).model.name
            manifest["saved_model"] = {
                "path": None, "why": f"a hybrid model learns what {name} leaves, and {name}'s "
                                     "forecasts (statsmodels) cannot be TensorFlow ops: use "
                                     "lstm_tune.load_predictor"}
        else:
            write_saved_model(predictor, folder / SAVED_MODEL)
            manifest["saved_model"] = {"path": SAVED_MODEL, **signature(predictor)}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder
