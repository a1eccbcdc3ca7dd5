"""Matplotlib figures for the study report, returned as PNG bytes (Agg backend, no display)."""

from __future__ import annotations

import base64
import warnings
import io
from typing import Any, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from optuna.trial import FrozenTrial, TrialState  # noqa: E402

SPLIT_COLOURS = {"train": "#1f77b4", "validation": "#ff7f0e", "test": "#d62728"}


def png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def data_uri(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def history(trials: Sequence[FrozenTrial], metric: str, minimize: bool) -> bytes:
    """Each completed trial's value and the best so far, by trial number."""
    fig, ax = plt.subplots(figsize=(8, 3.6))
    done = [t for t in trials if t.state == TrialState.COMPLETE and t.value is not None]
    if done:
        xs = [t.number for t in done]
        ys = [t.value for t in done]
        ax.scatter(xs, ys, s=18, color="#1f77b4", label="completed trial")
        best = np.minimum.accumulate(ys) if minimize else np.maximum.accumulate(ys)
        ax.step(xs, best, where="post", color="#d62728", label="best so far")
    pruned = [t.number for t in trials if t.state == TrialState.PRUNED]
    if pruned and done:
        lo = min(t.value for t in done)
        ax.scatter(pruned, [lo] * len(pruned), marker="x", color="#7f7f7f", s=18,
                   label="pruned (shown at the bottom)")
    ax.set_xlabel("trial")
    ax.set_ylabel(metric)
    if done and minimize and max(t.value for t in done) > 20 * min(t.value for t in done) > 0:
        ax.set_yscale("log")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title("Optimisation history")
    return png(fig)


def importances(values: dict[str, float]) -> bytes:
    fig, ax = plt.subplots(figsize=(6, 0.4 * max(len(values), 2) + 1))
    names = list(values)[::-1]
    ax.barh(names, [values[n] for n in names], color="#2ca02c")
    ax.set_xlabel("importance (fANOVA, share of variance)")
    ax.set_title("Parameter importances")
    return png(fig)


def predictions(times: Sequence[str], series: np.ndarray, preds: dict[str, dict[str, list]],
                target_name: str) -> bytes:
    """The actual series with each split's predictions in its own colour."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = np.arange(len(series))
    ax.plot(x, series, color="black", lw=1.2, label=f"actual {target_name}")
    for name, p in preds.items():
        ax.plot(p["target_idx"], p["predicted"], color=SPLIT_COLOURS.get(name, "grey"), lw=1.4,
                label=f"{name} prediction")
    step = max(1, len(times) // 8)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([times[i] for i in x[::step]], rotation=30, fontsize=8)
    ax.legend(fontsize=8)
    ax.set_title("Predictions of the best model")
    return png(fig)


def test_vs_baselines(scores: dict[str, float], lower_is_better: bool, metric: str) -> bytes:
    fig, ax = plt.subplots(figsize=(6, 2.8))
    names = list(scores)
    colours = ["#d62728" if n == "best model" else "#7f7f7f" for n in names]
    ax.bar(names, [scores[n] for n in names], color=colours)
    ax.set_ylabel(f"test {metric}" + (" (lower is better)" if lower_is_better else ""))
    ax.set_title("Best model against naive baselines, test split")
    return png(fig)


def compare_curves(curves: dict[str, list[list[float]]], metric: str) -> bytes:
    """Best-so-far by trial for each strategy: median over seeds, band from min to max."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for i, (strategy, runs) in enumerate(curves.items()):
        if not runs:
            continue
        arr = np.asarray(runs, dtype=float)
        x = np.arange(1, arr.shape[1] + 1)
        colour = f"C{i}"
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ax.plot(x, np.nanmedian(arr, axis=0), color=colour, lw=1.8, label=f"{strategy} (median)")
            ax.fill_between(x, np.nanmin(arr, axis=0), np.nanmax(arr, axis=0), color=colour, alpha=0.15)
    ax.set_xlabel("trial")
    ax.set_ylabel(f"best {metric} so far")
    ax.legend(fontsize=8)
    ax.set_title("Best so far: median and range over seeds")
    return png(fig)
