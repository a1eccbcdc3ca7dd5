"""Metrics in the data's own units (baselines live in baselines.py)."""

from __future__ import annotations

import numpy as np


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual, float) - np.asarray(predicted, float)) ** 2)))


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))))


def accuracy(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.asarray(actual) == np.asarray(predicted)))


# what each task is judged by, and which way is better: read by the study file (objective
# name, direction) and by training (early stopping, pruning)
TASK_METRIC = {"forecast": ("rmse", "minimize"), "classify": ("accuracy", "maximize")}
