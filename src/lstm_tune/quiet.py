"""Keep TensorFlow's start-up noise off a user's screen unless they ask for it.

On a machine without a GPU, TensorFlow prints 'Could not find cuda drivers' and
'E0000 ... failed call to cuInit: ... CUDA error' lines; a user reads them as something
broken. The first ones are written by C++ before any log level applies, so importing
TensorFlow runs with the process's stderr (file descriptor 2) pointed at /dev/null; the
later ones obey TF_CPP_MIN_LOG_LEVEL=3. `lstm-tune --verbose` (LSTM_TUNE_VERBOSE=1, inherited
by worker processes) shows everything.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator

VERBOSE_ENV = "LSTM_TUNE_VERBOSE"


def verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0")


def set_verbose(on: bool) -> None:
    """For this process and the workers it starts."""
    os.environ[VERBOSE_ENV] = "1" if on else "0"
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0" if on else "3"


def import_tqdm_quietly() -> None:
    """Optuna and SHAP import `tqdm.auto`, which in a notebook without ipywidgets warns
    "IProgress not found. Please update jupyter and ipywidgets" at a user who asked for no
    progress bar: import it once, before them, with that warning off."""
    if "tqdm.auto" in sys.modules or verbose():
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tqdm.auto  # noqa: F401


@contextmanager
def stderr_silenced() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the block (C++ writes there directly)."""
    if verbose():
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow() -> None:
    """Import TensorFlow and Keras quietly (once per process); Python errors still raise."""
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return
    if not verbose():
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
    with stderr_silenced():
        import keras  # noqa: F401
        import tensorflow as tf

        # every new model traces its predict function once; the retracing warning is noise
        tf.get_logger().setLevel("DEBUG" if verbose() else "ERROR")
        tf.config.list_physical_devices()  # device probing (cuInit) happens here, silenced
