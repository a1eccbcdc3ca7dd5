"""Built-in datasets, shipped as package data or generated from a fixed seed (no downloads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Callable

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Builtin:
    name: str
    description: str
    task: str
    target: str
    features: tuple[str, ...] = ()
    time: str | None = None
    target_as_input: bool = True
    units: str = ""  # the target's units, for axis labels
    # (steps before the target, feature name, coefficient): the cells that carry the signal
    # and how they act (the sign of a cell's true contribution), when known
    informative: tuple[tuple[int, str, float], ...] = ()
    load: Callable[[], pd.DataFrame] = field(default=lambda: pd.DataFrame(), repr=False)


def _airline() -> pd.DataFrame:
    with resources.files("lstm_tune.data").joinpath("files/airline.csv").open("r") as f:
        return pd.read_csv(f)


SYNTHETIC_NOISE = 0.1


def _synthetic_inputs(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3))
    return pd.DataFrame({"step": np.arange(n), "x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2]})


def _synthetic() -> pd.DataFrame:
    """y[t] = x0[t-1] - 0.8 x0[t-5] + N(0, 0.1²): only feature x0 at lags 1 and 5 matter."""
    df = _synthetic_inputs(3000, seed=20240601)
    x0 = df["x0"].to_numpy()
    noise = np.random.default_rng(7).normal(0.0, SYNTHETIC_NOISE, len(df))
    y = np.zeros(len(df))
    y[5:] = x0[4:-1] - 0.8 * x0[:-5]
    df["y"] = y + noise
    return df.iloc[5:].reset_index(drop=True)


def _synthetic_class() -> pd.DataFrame:
    """label[t] = 1 if x0[t] - 0.8 x0[t-4] > 0 else 0: x0 at the last step and 4 before it."""
    df = _synthetic_inputs(600, seed=20240602)
    x0 = df["x0"].to_numpy()
    label = np.zeros(len(df), dtype=int)
    label[4:] = (x0[4:] - 0.8 * x0[:-4] > 0).astype(int)
    df["label"] = label
    return df.iloc[4:].reset_index(drop=True)


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in (
        Builtin(
            "airline",
            "Monthly international airline passengers (thousands), 1949-1960, 144 values",
            "forecast", "passengers", time="month", units="thousands", load=_airline,
        ),
        Builtin(
            "synthetic",
            "3000 steps, 3 noise features; y[t] = x0[t-1] - 0.8*x0[t-5] + N(0, 0.1^2)",
            "forecast", "y", ("x0", "x1", "x2"), time="step", target_as_input=False,
            informative=((1, "x0", 1.0), (5, "x0", -0.8)), load=_synthetic,
        ),
        Builtin(
            "synthetic_class",
            "600 steps, 3 noise features; label[t] = 1 if x0[t] - 0.8*x0[t-4] > 0",
            "classify", "label", ("x0", "x1", "x2"), time="step", target_as_input=False,
            informative=((0, "x0", 1.0), (4, "x0", -0.8)), load=_synthetic_class,
        ),
    )
}
