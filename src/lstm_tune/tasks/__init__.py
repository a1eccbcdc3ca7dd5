"""Tasks own what differs between forecasting and classification: the model's head and
loss, the metric and its direction, decoding outputs into predictions, the test scores and
the baselines. Everything else (search, training, explaining) asks its task.

Nothing here imports TensorFlow at import time: the study file is checked with it.
"""

from __future__ import annotations

from lstm_tune.tasks.base import Task
from lstm_tune.tasks.classify import Classify
from lstm_tune.tasks.forecast import Forecast

TASKS: dict[str, Task] = {t.name: t for t in (Forecast(), Classify())}


def get_task(name: str) -> Task:
    return TASKS[name]


__all__ = ["TASKS", "Task", "get_task"]
