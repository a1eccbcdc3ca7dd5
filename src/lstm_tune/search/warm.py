"""Imported once by the server that worker processes fork from: TensorFlow, Keras and the
worker's own modules, so that a new worker starts in a tenth of a second instead of
importing them again (5-7 s of CPU each: every recycled worker, every extra local worker,
every study `compare` runs), and Optuna's RDB storage, whose first opening imports
SQLAlchemy and Alembic and reads Optuna's schema migrations (0.6 s of each worker's start).

Importing (and opening that storage in memory and closing it) is all it does: no
TensorFlow context exists yet, so each forked worker still sets its own thread share and
determinism (search/worker.py) before its first operation.
"""

from lstm_tune.quiet import import_tensorflow

import_tensorflow()

import optuna  # noqa: E402,F401

import lstm_tune.data.framing  # noqa: E402,F401
import lstm_tune.search.objective  # noqa: E402,F401
import lstm_tune.search.strategies  # noqa: E402,F401
import lstm_tune.search.worker  # noqa: E402,F401

# an in-memory storage, opened and closed: what a worker's first opening would import
optuna.storages.RDBStorage("sqlite:///:memory:").engine.dispose()
