"""A predictor on disk: a folder that any process reads back, with no study and no data.

    DIR/predictor.json   encoders (scalers, transform, vocabulary), series tails, calibration
    DIR/members/N.keras  the member models (loaded with Keras' safe mode on)
    DIR/manifest.json    what it is: versions, study, final choice, trials, test figures,
                         what `predict` reads

`lstm-tune export` adds a TensorFlow SavedModel beside them (serving.py); loading.py reads
a folder back.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lstm_tune.data.encoders import encoder_json

if TYPE_CHECKING:  # saving reads a predictor's fields; loading.py builds one
    from lstm_tune.predictor.predictor import Predictor

FORMAT = 1
STATE = "predictor.json"
MANIFEST = "manifest.json"


def versions() -> dict[str, str]:
    out = {}
    for package in ("lstm-tune", "tensorflow", "keras", "numpy"):
        try:
            out[package.replace("-", "_")] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package.replace("-", "_")] = "unknown"
    return out


def manifest(predictor: Predictor) -> dict[str, Any]:
    info = predictor.info
    return {
        **versions(),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "study": info.get("study"),
        "task": predictor.task,
        "final_model": info.get("final_model"),
        "model": info.get("model"),
        "trials": info.get("trials"),
        "trained_on": info.get("trained_on", "the training part (the evaluated model)"),
        "test": info.get("test"),
        "baselines": info.get("baselines"),
        "verdict": info.get("verdict"),
        "evaluated_model_test": info.get("evaluated_model_test"),
        "classes": list(predictor.classes),
        "horizon": predictor.horizon if predictor.task == "forecast" else None,
        "intervals": None if predictor.calibration is None else {
            "method": "split conformal, per step ahead", "source": predictor.calibration.source,
            "errors_per_step": predictor.calibration.counts()},
        "input": predictor.input_schema(),
        "members": len(predictor.members),
        "combination": None if predictor.combination is None
        else predictor.combination.manifest(),
    }


def save_predictor(predictor: Predictor, path: str | Path) -> Path:
    """Write the predictor's folder (created if missing; its own files replaced)."""
    from lstm_tune.model.build import save_model

    path = Path(path)
    (path / "members").mkdir(parents=True, exist_ok=True)
    members = []
    for i, m in enumerate(predictor.members):
        name = f"members/{i}.keras"
        save_model(m.model, path / name)
        members.append({"model": name, "encoder": encoder_json(m.encoder)})
    state = {
        "format": FORMAT, "task": predictor.task, "members": members,
        "histories": [h.to_json() for h in predictor.histories],
        "clock": predictor.clock.to_json(),
        "calibration": None if predictor.calibration is None
        else predictor.calibration.to_json(),
        "info": predictor.info,
        "combination": None if predictor.combination is None
        else predictor.combination.to_json(),
    }
    (path / STATE).write_text(json.dumps(state), encoding="utf-8")
    (path / MANIFEST).write_text(json.dumps(manifest(predictor), indent=2), encoding="utf-8")
    return path


def to_zip(predictor: Predictor, zip_path: Path) -> Path:
    """The predictor's folder as one zip file (how a study keeps it as an artifact)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = save_predictor(predictor, Path(tmp) / "predictor")
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(folder.rglob("*")):
                if f.is_file():
                    z.write(f, f.relative_to(folder))
    return zip_path
