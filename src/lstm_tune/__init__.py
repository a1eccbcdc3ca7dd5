"""lstm_tune: find good Keras LSTM models for a sequence task, and explain them.

`lstm_tune.Study` is the Python API (see lstm_tune/api.py); `lstm-tune` the command;
`lstm_tune.load_predictor(DIR)` reads an exported model back, with nothing else.
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["Study", "load_predictor", "__version__"]


def __getattr__(name: str) -> Any:
    from lstm_tune.quiet import import_tqdm_quietly

    if name in ("Study", "load_predictor"):  # before Optuna and SHAP import it (notebooks)
        import_tqdm_quietly()
    if name == "Study":  # imported on first use: `import lstm_tune` stays light
        from lstm_tune.api import Study

        return Study
    if name == "load_predictor":
        from lstm_tune.predictor import load_predictor

        return load_predictor
    raise AttributeError(f"module 'lstm_tune' has no attribute {name!r}")
