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
# baselines never take the best model's red (nor the splits' blue and orange)
BASELINE_COLOURS = ("#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")
DENSE = 120  # a test chart with more points than this shows its last this many


def baseline_colour(i: int) -> str:
    return BASELINE_COLOURS[i % len(BASELINE_COLOURS)]


def _legend(ax: Any) -> None:
    """The legend beside the plot, never over the data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)


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
    pruned = [(t.number, t.intermediate_values[max(t.intermediate_values)])
              for t in trials if t.state == TrialState.PRUNED and t.intermediate_values]
    pruned = [(n, v) for n, v in pruned if np.isfinite(v)]
    if pruned:
        ax.scatter([n for n, _ in pruned], [v for _, v in pruned], marker="x", color="#7f7f7f",
                   s=18, label="pruned (at its last reported value)")
    ax.set_xlabel("trial")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(metric)
    values = [t.value for t in done] + [v for _, v in pruned]
    if values and minimize and max(values) > 20 * min(values) > 0:
        ax.set_yscale("log")
    _legend(ax)
    ax.set_title("Optimisation history")
    return png(fig)


def learning_curve(values: dict[int, float], kept: int | None, metric: str,
                   test: float | None) -> bytes:
    """The best trial's validation metric after each epoch, the epoch it kept and the test
    metric beside it: how uneven the curve is tells how much luck the choice held."""
    fig, ax = plt.subplots(figsize=(8, 3.2))
    epochs = sorted(values)
    ax.plot([e + 1 for e in epochs], [values[e] for e in epochs], marker="o", ms=3,
            color=SPLIT_COLOURS["validation"], label=f"validation {metric}")
    if kept is not None and kept - 1 in values:
        ax.scatter([kept], [values[kept - 1]], s=70, facecolors="none", edgecolors="black",
                   zorder=3, label=f"kept (epoch {kept})")
    if test is not None and np.isfinite(test):
        ax.axhline(test, color=SPLIT_COLOURS["test"], ls="--", label=f"test {metric}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.xaxis.get_major_locator().set_params(integer=True)
    _legend(ax)
    ax.set_title("The best trial's learning curve")
    return png(fig)


def importances(values: dict[str, float], method: str) -> bytes:
    fig, ax = plt.subplots(figsize=(6, 0.4 * max(len(values), 2) + 1))
    names = list(values)[::-1]
    ax.barh(names, [values[n] for n in names], color="#2ca02c")
    ax.set_xlabel(f"importance ({method})")
    ax.set_title("Parameter importances")
    return png(fig)


def _time_axis(ax: Any, times: Sequence[str], positions: np.ndarray) -> None:
    step = max(1, len(positions) // 8)
    ax.set_xticks(positions[::step])
    ax.set_xticklabels([times[i] for i in positions[::step]], rotation=30, fontsize=8)


def predictions(times: Sequence[str], series: np.ndarray, preds: dict[str, dict[str, list]],
                y_label: str, observed: np.ndarray | None = None) -> bytes:
    """The actual series with each split's predictions in its own colour; values that
    data.missing carried (`observed` False) marked, so that no one reads them as data."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = np.arange(len(series))
    ax.plot(x, series, color="black", lw=1.2, label="actual")
    _carried(ax, x, series, observed)
    for name, p in preds.items():
        ax.plot(p["target_idx"], p["predicted"], color=SPLIT_COLOURS.get(name, "grey"), lw=1.4,
                label=f"{name} prediction")
    _time_axis(ax, times, x)
    ax.set_ylabel(y_label)
    _legend(ax)
    ax.set_title("Predictions of the best model")
    return png(fig)


CARRIED = "carried (not in the file)"


def _carried(ax: Any, x: np.ndarray, values: np.ndarray, observed: np.ndarray | None) -> None:
    """Marks on the values data.missing carried (`observed` False), so that no one reads
    them as data."""
    if observed is not None and not np.all(observed):
        carried = ~np.asarray(observed, dtype=bool)
        ax.plot(x[carried], values[carried], ls="none", marker="x", ms=6, color="black",
                label=CARRIED, zorder=3)


BAND_ALPHA = {"80": 0.28, "95": 0.14}


def _bands(ax: Any, x: np.ndarray, bounds: dict[str, Any], colour: str, step: int = 0) -> None:
    """Interval bands (widest first) of one step ahead of each forecast."""
    for level in sorted(bounds, key=float, reverse=True):
        lower, upper = (np.asarray(b, dtype=float) for b in bounds[level])
        if lower.ndim == 2:
            lower, upper = lower[:, step], upper[:, step]
        ax.fill_between(x, lower, upper, color=colour, alpha=BAND_ALPHA.get(level, 0.2), lw=0,
                        label=f"{level}% interval")


def test_zoom(times: Sequence[str], test: dict[str, Any], y_label: str) -> bytes:
    """The test part only: actual, the model (with its intervals), and every baseline on
    the same points."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    x = np.asarray(test["target_idx"])
    keep = slice(max(0, len(x) - DENSE), len(x))  # a dense test part: its last DENSE points
    x = x[keep]
    if test.get("bounds"):
        _bands(ax, x, {level: tuple(np.asarray(b, dtype=float)[keep] for b in bounds)
                       for level, bounds in test["bounds"].items()}, SPLIT_COLOURS["test"])
    ax.plot(x, np.asarray(test["actual"])[keep], color="black", lw=1.6, marker="o",
            ms=3 if len(x) <= 60 else 1.5, label="actual")
    ax.plot(x, np.asarray(test["predicted"])[keep], color=SPLIT_COLOURS["test"], lw=1.8,
            label="best model")
    for i, (name, pred) in enumerate(test.get("baselines", {}).items()):
        ax.plot(x, np.asarray(pred)[keep], lw=1.0, ls="--", color=baseline_colour(i),
                label=name)
    _time_axis(ax, times, x)
    ax.set_ylabel(y_label)
    _legend(ax)
    total = len(test["target_idx"])
    ax.set_title("Test part: the best model and the baselines" + (
        f" (its last {DENSE} of {total} points)" if total > DENSE else ""))
    return png(fig)


def residuals(times: Sequence[str], preds: dict[str, dict[str, list]], y_label: str) -> bytes:
    """actual - predicted on validation and test, by time, and their spread."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), gridspec_kw={"width_ratios": [3, 1]})
    for name in ("validation", "test"):
        p = preds.get(name)
        if not p:
            continue
        r = np.asarray(p["actual"], float) - np.asarray(p["predicted"], float)
        axes[0].bar(p["target_idx"], r, color=SPLIT_COLOURS[name], label=name)
        axes[1].hist(r, bins=12, color=SPLIT_COLOURS[name], alpha=0.6, orientation="horizontal")
    axes[0].axhline(0, color="black", lw=0.7)
    idx = np.concatenate([np.asarray(preds[n]["target_idx"]) for n in ("validation", "test")
                          if n in preds])
    _time_axis(axes[0], times, idx)
    axes[0].set_ylabel(f"actual - predicted ({y_label})")
    axes[0].legend(fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.08), ncol=2, frameon=False)
    axes[0].set_title("Residuals of the best model")
    axes[1].set_title("spread", fontsize=9)
    fig.tight_layout()
    return png(fig)


def first_step(preds: dict[str, dict[str, list]]) -> dict[str, dict[str, list]]:
    """Paths cut to their first step (one value per origin), for the time-line figures."""
    out = {}
    for name, p in preds.items():
        q = dict(p)
        for key in ("predicted", "actual"):
            values = np.asarray(p[key], dtype=float)
            q[key] = (values[:, 0] if values.ndim == 2 else values).tolist()
        q["baselines"] = {b: (np.asarray(v, float)[:, 0] if np.ndim(v) == 2 else np.asarray(v))
                          .tolist() for b, v in p.get("baselines", {}).items()}
        out[name] = q
    return out


def paths(times: Sequence[str], target: np.ndarray, test: dict[str, Any], y_label: str,
          start: int, stop: int, title: str, context: int) -> bytes:
    """One series' last `context` steps and, from every test origin, the model's forecast
    path (a fan: each line starts at its origin's last observed value)."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    first = max(start, stop - context)
    x = np.arange(first, stop)
    ax.plot(x, target[first:stop], color="black", lw=1.4, marker="o", ms=2.5, label="actual")
    idx = np.asarray(test["target_idx"])
    rows = np.flatnonzero((idx >= start) & (idx < stop))
    predicted = np.asarray(test["predicted"], dtype=float)
    for n, r in enumerate(rows):
        path = np.atleast_1d(predicted[r])
        origin = int(idx[r]) - 1
        ax.plot(np.r_[origin, origin + 1 + np.arange(len(path))], np.r_[target[origin], path],
                color=SPLIT_COLOURS["test"], lw=1.0, alpha=0.55,
                label="forecast from each test origin" if n == 0 else None)
    if len(rows) and test.get("bounds"):  # the last origin's intervals, step by step
        last = rows[-1]
        steps = len(np.atleast_1d(predicted[last]))
        _bands(ax, int(idx[last]) + np.arange(steps),
               {level: (np.atleast_1d(np.asarray(b[0], float)[last]),
                        np.atleast_1d(np.asarray(b[1], float)[last]))
                for level, b in test["bounds"].items()}, SPLIT_COLOURS["test"])
    _time_axis(ax, times, x)
    ax.set_ylabel(y_label)
    _legend(ax)
    ax.set_title(title)
    return png(fig)


def error_by_step(by_step: dict[str, list[float]], metric: str) -> bytes:
    """The test metric for each step ahead: the model and every baseline."""
    fig, ax = plt.subplots(figsize=(7, 3.2))
    others = [name for name in by_step if name != "model"]
    for name, values in by_step.items():
        steps = np.arange(1, len(values) + 1)
        if name == "model":
            ax.plot(steps, values, color=SPLIT_COLOURS["test"], lw=2.2, marker="o", ms=4,
                    label="best model")
        else:
            ax.plot(steps, values, color=baseline_colour(others.index(name)), lw=1.1, ls="--",
                    marker=".", label=name)
    ax.set_xlabel("steps ahead")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(f"test {metric} (lower is better)")
    _legend(ax)
    ax.set_title("Error by step ahead")
    return png(fig)


def test_vs_baselines(scores: dict[str, float], lower_is_better: bool, metric: str) -> bytes:
    fig, ax = plt.subplots(figsize=(6, 2.8))
    names = list(scores)
    colours = ["#d62728" if n == "best model" else "#7f7f7f" for n in names]
    ax.bar(names, [scores[n] for n in names], color=colours)
    ax.set_ylabel(f"test {metric}" + (" (lower is better)" if lower_is_better else ""))
    ax.set_title("Best model against the baselines, test split")
    ax.tick_params(axis="x", labelrotation=20, labelsize=8)
    return png(fig)


def confusion(counts: list[list[int]], classes: Sequence[str]) -> bytes:
    """Test confusion matrix: counts, rows the actual class, columns the predicted one."""
    grid = np.asarray(counts)
    size = 1.2 + 0.45 * len(classes)
    fig, ax = plt.subplots(figsize=(size + 1.0, size))
    ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(classes)), classes, fontsize=8)
    ax.set_yticks(range(len(classes)), classes, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("actual class")
    top = grid.max() or 1
    for (r, c), v in np.ndenumerate(grid):
        ax.text(c, r, str(v), ha="center", va="center", fontsize=8,
                color="white" if v > top / 2 else "black")
    ax.set_title("Test confusion matrix")
    fig.tight_layout()
    return png(fig)


def compare_curves(curves: dict[str, list[list[float]]], metric: str, several: bool = True
                   ) -> bytes:
    """Best-so-far by trial for each strategy: median over seeds, band from min to max (one
    line per strategy when there is one seed: no median, no band)."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for i, (strategy, runs) in enumerate(curves.items()):
        if not runs:
            continue
        arr = np.asarray(runs, dtype=float)
        x = np.arange(1, arr.shape[1] + 1)
        colour = f"C{i}"
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ax.plot(x, np.nanmedian(arr, axis=0), color=colour, lw=1.8,
                    label=f"{strategy} (median)" if several else strategy)
            if several:
                ax.fill_between(x, np.nanmin(arr, axis=0), np.nanmax(arr, axis=0), color=colour,
                                alpha=0.15)
    ax.set_xlabel("trial")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(f"best {metric} so far")
    _legend(ax)
    ax.set_title("Best so far: median and range over seeds" if several else
                 "Best so far (one seed per strategy)")
    return png(fig)


def future(times: Sequence[str], target: np.ndarray, rows: list[dict[str, Any]],
           y_label: str, context: int, recursive_from: int | None,
           observed: np.ndarray | None = None) -> bytes:
    """The end of the series and the forecast past it, with its intervals (and the values
    data.missing carried marked)."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    n = len(target)
    first = max(0, n - context)
    x = np.arange(first, n)
    ax.plot(x, target[first:], color="black", lw=1.4, marker="o", ms=2.5, label="actual")
    _carried(ax, x, target[first:], None if observed is None else observed[first:])
    ahead = np.arange(n, n + len(rows))
    bounds = {level: ([r[f"lower_{level}"] for r in rows], [r[f"upper_{level}"] for r in rows])
              for level in ("80", "95") if rows and f"lower_{level}" in rows[0]}
    _bands(ax, ahead, bounds, "#9467bd")
    ax.plot(np.r_[n - 1, ahead], np.r_[target[-1], [r["forecast"] for r in rows]],
            color="#9467bd", lw=1.8, marker="o", ms=3, label="forecast")
    if recursive_from is not None and recursive_from <= len(rows):
        ax.axvline(n - 1 + recursive_from - 0.5, color="grey", ls=":", lw=1)
        ax.text(n - 1 + recursive_from - 0.4, ax.get_ylim()[1], "recursive", fontsize=7,
                va="top", color="grey")
    labels = list(times[first:]) + [r["time"] for r in rows]
    positions = np.r_[x, ahead]
    step = max(1, len(positions) // 8)
    ax.set_xticks(positions[::step])
    ax.set_xticklabels(labels[::step], rotation=30, fontsize=8)
    ax.set_ylabel(y_label)
    _legend(ax)
    ax.set_title("Forecast past the end of the data")
    return png(fig)


def reliability(bins: list[dict[str, Any]], ece: float) -> bytes:
    """Mean confidence against accuracy per confidence bin (test), sized by count."""
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="perfectly calibrated")
    used = [b for b in bins if b["count"]]
    if used:
        total = sum(b["count"] for b in used)
        ax.scatter([b["confidence"] for b in used], [b["accuracy"] for b in used],
                   s=[20 + 400 * b["count"] / total for b in used], color="#1f77b4",
                   label="test samples per bin (area)")
        ax.plot([b["confidence"] for b in used], [b["accuracy"] for b in used],
                color="#1f77b4", lw=1)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("confidence (probability of the predicted class)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"Reliability (test), ECE {ece:.3f}")
    _legend(ax)
    return png(fig)

