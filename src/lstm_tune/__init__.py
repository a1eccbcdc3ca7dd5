"""lstm_tune: find good Keras LSTM models for a sequence task, and explain them.

`lstm_tune.Study` is the Python API (see lstm_tune/api.py); `lstm-tune` the command.
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["Study", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Study":  # imported on first use: `import lstm_tune` stays light
        from lstm_tune.api import Study

        return Study
    raise AttributeError(f"module 'lstm_tune' has no attribute {name!r}")
