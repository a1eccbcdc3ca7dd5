"""Figures for the explain report, drawn from Attribution objects only."""

from __future__ import annotations

from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lstm_tune.explain.attribution import Attribution  # noqa: E402
from lstm_tune.explain.faithfulness import DeletionCurve  # noqa: E402
from lstm_tune.report.figures import png  # noqa: E402


def _heatmap(ax: plt.Axes, grid: np.ndarray, steps: Sequence[str], features: Sequence[str],
             title: str, signed: bool = False, lim: float | None = None) -> None:
    """grid: (steps, features), drawn with features as rows and time left to right; signed
    maps on a scale from -lim to lim (their own largest |value| when not given)."""
    data = grid.T
    if signed:
        lim = lim or float(np.abs(data).max()) or 1.0
        im = ax.imshow(data, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
    else:
        im = ax.imshow(data, aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(steps)))
    ax.set_xticklabels(steps, rotation=60, fontsize=7)
    ax.set_yticks(range(len(features)))
    ax.set_yticklabels(features, fontsize=8)
    ax.set_title(title, fontsize=9)
    plt.colorbar(im, ax=ax, fraction=0.04)


def global_importance(attr: Attribution, label: str) -> bytes:
    """Heatmap of mean |value| over time x feature, with per-step and per-feature bars."""
    imp = attr.importance()
    fig, axes = plt.subplots(1, 3, figsize=(12, 2.8 + 0.15 * len(attr.feature_names)),
                             gridspec_kw={"width_ratios": [3, 2, 1.2]})
    _heatmap(axes[0], imp, attr.step_names, attr.feature_names, f"{label}: mean |value|")
    axes[1].bar(range(len(attr.step_names)), imp.sum(axis=1), color="#1f77b4")
    axes[1].set_xticks(range(len(attr.step_names)))
    axes[1].set_xticklabels(attr.step_names, rotation=60, fontsize=7)
    axes[1].set_title("per time step", fontsize=9)
    axes[2].barh(list(attr.feature_names)[::-1], imp.sum(axis=0)[::-1], color="#2ca02c")
    axes[2].set_title("per feature", fontsize=9)
    fig.tight_layout()
    return png(fig)


def attention_map(attr: Attribution, labels: Sequence[str]) -> bytes:
    """Attention weight per explained window (rows) and time step, and the mean profile."""
    w = attr.values[..., 0]
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.2 + 0.05 * len(w)),
                             gridspec_kw={"width_ratios": [3, 2]})
    im = axes[0].imshow(w, aspect="auto", cmap="magma")
    axes[0].set_xticks(range(len(attr.step_names)))
    axes[0].set_xticklabels(attr.step_names, rotation=60, fontsize=7)
    step = max(1, len(labels) // 10)
    axes[0].set_yticks(range(0, len(labels), step))
    axes[0].set_yticklabels(list(labels)[::step], fontsize=7)
    axes[0].set_title("attention weight per window", fontsize=9)
    plt.colorbar(im, ax=axes[0], fraction=0.04)
    axes[1].bar(range(len(attr.step_names)), w.mean(axis=0), color="#9467bd")
    axes[1].set_xticks(range(len(attr.step_names)))
    axes[1].set_xticklabels(attr.step_names, rotation=60, fontsize=7)
    axes[1].set_title("mean attention profile", fontsize=9)
    fig.tight_layout()
    return png(fig)


def deletion_curves(curves: dict[str, DeletionCurve],
                    removed: str = "cells replaced by the training mean") -> bytes:
    fig, ax = plt.subplots(figsize=(7, 3.4))
    for i, (name, c) in enumerate(curves.items()):
        ax.plot(c.k, c.explainer, marker="o", ms=3, color=f"C{i}", label=f"{name} ranking")
    first = next(iter(curves.values()))
    ax.plot(first.k, first.random, ls="--", color="grey", label="random ranking")
    ax.set_xlabel(f"{removed} (top-ranked first)")
    ax.set_ylabel("mean |prediction change|")
    ax.set_title("Deletion curves: steeper is more faithful")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return png(fig)


def sample_maps(attrs: dict[str, Attribution], index: int, title: str,
                scale: str = "") -> bytes:
    """One window: each explainer's map side by side, the signed ones on one colour scale
    (so a cell twice as red is twice the contribution in either), each with the part of the
    output it leaves unattributed."""
    fig, axes = plt.subplots(1, len(attrs), figsize=(4.2 * len(attrs), 2.6 + 0.15 * max(
        len(a.feature_names) for a in attrs.values())), squeeze=False)
    signed = {n: a for n, a in attrs.items() if a.kind != "weight"}
    lim = max((float(np.abs(a.values[index]).max()) for a in signed.values()), default=0.0)
    for ax, (name, a) in zip(axes[0], attrs.items()):
        label = name
        if name in signed and len(a.predictions):
            rest = float(a.predictions[index] - a.base_values[index] - a.values[index].sum())
            label += f" (not attributed: {rest:+.3g})"
        _heatmap(ax, a.values[index], a.step_names, a.feature_names, label,
                 signed=name in signed, lim=lim or None)
    said = title + (f"\ncontributions to {scale}" if scale and signed else "")
    fig.suptitle(said + ("\nSHAP and LIME share one colour scale" if len(signed) > 1
                         else ""), fontsize=10)
    fig.tight_layout()
    return png(fig)


def _cell_label(attr: Attribution, inputs: np.ndarray, names: Sequence[str], index: int,
                step: int, feature: int) -> str:
    """'passengers (log change) at t-12 = 0.031 (raw 405)': the cell, the value the model
    read (before scaling) and, where that is a transform, the data's own value beside it."""
    read, raw = cell_values(attr, inputs, index, step, feature)
    label = f"{attr.feature_names[feature]} at {attr.step_names[step]} = {read:.4g}"
    if raw is not None:
        label += f" ({names[feature] if feature < len(names) else 'raw'} {raw:.4g})"
    return label


def cell_values(attr: Attribution, inputs: np.ndarray, index: int, step: int, feature: int
                ) -> tuple[float, float | None]:
    """The value the model read in a cell (before scaling) and the data's own value where
    that differs (the model read a transform), else None."""
    read = float(attr.data[index, step, feature])
    if inputs.size and feature < inputs.shape[2]:
        raw = float(inputs[index, step, feature])
        if not np.isclose(raw, read, rtol=1e-6, atol=1e-9):
            return read, raw
    return read, None


def top_cells(attr: Attribution, index: int, k: int = 8) -> list[tuple[int, int]]:
    """The k cells of one window with the largest |contribution|, largest first."""
    v = attr.values[index]
    order = np.argsort(-np.abs(v).reshape(-1), kind="stable")[:k]
    return [divmod(int(j), v.shape[1]) for j in order]


def waterfall(attr: Attribution, index: int, inputs: np.ndarray, names: Sequence[str],
              title: str, k: int = 8, scale: str = "") -> bytes:
    """One window as SHAP users know it: from the base value, each top cell's contribution
    in turn, the rest together, to the explained output; cells labelled with their values."""
    v = attr.values[index]
    cells = top_cells(attr, index, k)
    labels = ["base value (average output)"]
    deltas = [float(attr.base_values[index])]
    for s, f in cells:
        labels.append(_cell_label(attr, inputs, names, index, s, f))
        deltas.append(float(v[s, f]))
    rest = float(v.sum() - sum(v[s, f] for s, f in cells))
    labels.append(f"the other {v.size - len(cells)} cells")
    deltas.append(rest)
    total = float(attr.base_values[index] + v.sum())
    output = float(attr.predictions[index]) if len(attr.predictions) else total
    fig, ax = plt.subplots(figsize=(8, 0.42 * (len(labels) + 2) + 1))
    start = 0.0
    for row, (label, d) in enumerate(zip(labels, deltas)):
        if row == 0:
            ax.barh(row, d, color="#7f7f7f")
            start = d
            continue
        ax.barh(row, d, left=start, color="#d62728" if d >= 0 else "#1f77b4")
        ax.text(start + d, row, f" {d:+.3g}", va="center", fontsize=7)
        start += d
    ax.barh(len(labels), total, color="#2ca02c")
    labels.append("base + contributions")
    if abs(output - total) > 1e-6:
        ax.barh(len(labels), output, color="#9467bd")
        labels.append(f"model output (not attributed: {output - total:+.3g})")
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel(scale or attr.output, fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return png(fig)
