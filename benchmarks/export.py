"""What an exported model costs and where it runs: the predictor's folder, its SavedModel,
and a TensorFlow Lite conversion of that SavedModel, for each framing.

    python -m benchmarks.export [--keep DIR]

For a cheap study of each shipped framing (a series forecast with a transform, fixed-length
sequences, sequences of different lengths, texts) it exports the model and prints, per
framing: the folder's size, milliseconds per prediction of 100 samples through
`Predictor.predict` and through the SavedModel's `serve` signature, and whether TFLite
converts the SavedModel with its built-in ops only, and with TensorFlow's own ops allowed
(Select TF ops, the Flex delegate), and if so whether the converted model gives the same
numbers (largest absolute difference over the samples). These are measurements: compare
within one run.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

STUDIES = Path(__file__).resolve().parents[1] / "studies"
CASES = {"series (airline, transforms)": "airline", "sequences, one length (gunpoint)": "gunpoint",
         "sequences, lengths differ (japanese_vowels)": "japanese_vowels",
         "texts (reviews)": "reviews"}
CHEAP = {"budget": {"trials": 1}, "training": {"max_epochs": 3, "patience": 2}, "pruner": "none"}
SAMPLES = 100


def cheap_export(folder: Path, name: str) -> tuple[Any, Path]:
    """A one-trial study of the shipped file, evaluated and exported."""
    from lstm_tune.api import Study
    from lstm_tune.data.framing import load_data
    from lstm_tune.records.artifacts import artifact_store
    from lstm_tune.search.objective import Objective
    from lstm_tune.search.study import open_study
    from lstm_tune.spec import load_spec

    study = {**yaml.safe_load((STUDIES / f"{name}.yaml").read_text()), **CHEAP}
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(study))
    spec = load_spec(folder / f"{name}.yaml")
    opened = open_study(spec)
    opened.optimize(Objective(spec, load_data(spec.data_settings), artifact_store(spec)),
                    n_trials=1)
    api = Study(spec)
    api.evaluation
    return api, api.export(folder / f"{name}_export")


def serving_inputs(predictor: Any, name: str) -> tuple[tuple[Any, ...], Any, np.ndarray]:
    """SAMPLES inputs for the SavedModel, the same for the predictor, and its outputs."""
    import tensorflow as tf

    from lstm_tune.data.builtin import BUILTINS
    from lstm_tune.predictor.serving import history_array, sequence_inputs

    if predictor.framing == "windows":
        history = predictor.histories[0]
        ends = np.arange(len(history) - SAMPLES, len(history)) % len(history)
        ends = np.maximum(ends, predictor.min_history - 1)
        chunks = [history.upto(int(e)) for e in ends]
        values, series = history_array(predictor, chunks)
        expected = predictor.outputs_at(chunks, [(i, len(c) - 1) for i, c in enumerate(chunks)])
        return (values, series), chunks, expected
    data = BUILTINS[name].load()
    if predictor.framing == "sequences":
        samples = list(data[1].sequences)[:SAMPLES]
        return sequence_inputs(predictor, samples), samples, predictor.proba(samples)
    texts = data[predictor.info["text_column"]].iloc[:SAMPLES].tolist()
    return (tf.constant(texts),), texts, predictor.proba(texts)


def tflite(path: Path, args: tuple[Any, ...], expected: np.ndarray, select: bool
           ) -> dict[str, Any]:
    """Convert the SavedModel; if it converts, run it on the inputs one sample at a time."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_saved_model(str(path), signature_keys=["serve"])
    ops = [tf.lite.OpsSet.TFLITE_BUILTINS] + ([tf.lite.OpsSet.SELECT_TF_OPS] if select else [])
    converter.target_spec.supported_ops = ops
    try:
        blob = converter.convert()
    except Exception as exc:  # what it could not convert, in its own words
        text = str(exc)
        static = sorted(set(re.findall(r"'(tf\.\w+)' op requires element_shape to be static",
                                       text)))
        if static:
            return {"converts": False, "why": f"{', '.join(static)} (the LSTM's loop over "
                                              "steps) needs a static element shape"}
        return {"converts": False, "why": text.strip().splitlines()[-1][:120]}
    try:
        runner = tf.lite.Interpreter(model_content=blob).get_signature_runner("serve")
        names = list(runner.get_input_details())
        got = []
        for i in range(len(expected)):
            one = {n: np.asarray(a[i: i + 1]) for n, a in zip(sorted(names), _by_name(names, args))}
            got.append(next(iter(runner(**one).values()))[0])
        diff = float(np.max(np.abs(np.asarray(got) - expected)))
        return {"converts": True, "kb": round(len(blob) / 1024, 1), "max_abs_diff": diff}
    except Exception as exc:
        why = ("it needs the Flex delegate, which this TensorFlow's interpreter lacks"
               if "Flex delegate" in str(exc) else str(exc).splitlines()[0][:100])
        return {"converts": True, "kb": round(len(blob) / 1024, 1),
                "runs": f"converts ({round(len(blob) / 1024)} KB), does not run: {why}"}


def _by_name(names: list[str], args: tuple[Any, ...]) -> list[Any]:
    """The serving inputs in the (sorted) order of the interpreter's names."""
    order = {"history": 0, "series": 1, "values": 0, "lengths": 1, "texts": 0}
    return [np.asarray(args[order[n]]) for n in sorted(names)]


def measure(folder: Path) -> list[dict[str, Any]]:
    import tensorflow as tf

    rows = []
    for label, name in CASES.items():
        api, path = cheap_export(folder, name)
        predictor = api.predictor()
        args, raw, expected = serving_inputs(predictor, name)
        served = tf.saved_model.load(str(path / "saved_model"))
        served.serve(*args)  # traced once
        start = time.perf_counter()
        out = np.asarray(served.serve(*args))
        serve_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        if predictor.framing == "windows":
            predictor.outputs_at(raw, [(i, len(c) - 1) for i, c in enumerate(raw)])
        else:
            predictor.predict(raw)
        predict_ms = (time.perf_counter() - start) * 1000
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024
        plain, flex = tflite(path / "saved_model", args, expected, False), tflite(
            path / "saved_model", args, expected, True)
        rows.append({
            "framing": label, "export KB": round(size), "predict ms / 100": round(predict_ms, 1),
            "SavedModel ms / 100": round(serve_ms, 1),
            "SavedModel max |diff|": float(np.max(np.abs(out.reshape(expected.shape) - expected))),
            "TFLite built-in ops": "converts" if plain["converts"] else f"fails: {plain['why']}",
            "TFLite + Select TF ops": (f"{flex.get('kb')} KB, max |diff| "
                                       f"{flex['max_abs_diff']:.2g}" if "max_abs_diff" in flex
                                       else flex.get("runs") or f"fails: {flex.get('why')}"),
        })
    return rows


def main(argv: list[str] | None = None) -> None:
    from benchmarks.table import markdown

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the studies and exports here")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = measure(args.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = measure(Path(tmp))
    print(markdown(rows))


if __name__ == "__main__":
    main()
