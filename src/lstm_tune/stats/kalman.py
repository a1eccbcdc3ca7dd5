"""A statistical model's Kalman filter over one history, kept and continued from where
another history parts from it.

A recursive forecast feeds a model's forecasts back as history, so a hybrid asks its
statistical model for the next forecast of a history that is the true one up to an origin
and its own forecasts after it, once per origin and step. Filtering each from the model's
first step again took 0.5-0.6 s on the weekly series (a seasonal ARIMA of season 52 has
107 states, filtered over 600 steps), and a hybrid's calibration asks it 21,424 times:
about 3 hours, against 2.5 s continued (`python -m benchmarks.recursion`).

Kept, the filter of the true history gives the predicted state at any origin, and the few
steps after it are filtered from there: the state's update costs one matrix-vector product,
and the predicted covariance P_t depends only on the step t (not on the values), so the
kept run's P_t (as the gain the update reads) serve every history of the same start.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Hashable

import numpy as np

KEPT_BYTES = 64 * 2**20  # the kept runs, at most (least recently used go)


@dataclass(frozen=True)
class Matrices:
    """A time-invariant state space with one observed series."""

    design: np.ndarray  # (m,)
    transition: np.ndarray  # (m, m)
    obs_intercept: float
    state_intercept: np.ndarray  # (m,)
    obs_cov: float
    state_noise: np.ndarray  # selection · state_cov · selection', (m, m)

    @staticmethod
    def of(results: Any) -> "Matrices":
        ssm = results.model.ssm

        def fixed(name: str) -> np.ndarray:  # time-invariant: the first (only) period
            value = np.asarray(ssm[name], dtype=float)
            return value[..., 0] if value.ndim == 3 or (
                name in ("state_intercept", "obs_intercept") and value.ndim == 2) else value

        selection = fixed("selection")
        return Matrices(fixed("design")[0], fixed("transition"),
                        float(np.ravel(fixed("obs_intercept"))[0]),
                        np.ravel(fixed("state_intercept")), float(np.ravel(fixed("obs_cov"))[0]),
                        selection @ fixed("state_cov") @ selection.T)


class FilterRun:
    """One filter over a history `g`: the predicted state and the gain at every step
    (index t: given g[:t]), continued on demand."""

    def __init__(self, results: Any, g: np.ndarray) -> None:
        self.matrices = Matrices.of(results)
        self.g = np.array(g, dtype=float)
        self.states = np.asarray(results.predicted_state, dtype=float).T.copy()  # (n+1, m)
        # the state's update reads P_t only as P_t · design and the variance F_t: kept per
        # step (m + 1 values, not m x m: weekly's ARIMA keeps 1.2 MB, not 65), with the
        # last P_t to carry the recursion on
        covs = np.asarray(results.predicted_state_cov, dtype=float)
        x = self.matrices
        self.pz = list(np.einsum("ijt,j->ti", covs, x.design))
        self.f = [float(x.design @ pz) + x.obs_cov for pz in self.pz]
        self.last_cov = covs[:, :, -1].copy()

    @property
    def nbytes(self) -> int:
        return (len(self.pz) * (len(self.matrices.design) + 1) * 8 + self.states.nbytes
                + self.last_cov.nbytes)

    def _gain(self, t: int) -> tuple[np.ndarray, float]:
        """P_t · design and F_t, the recursion of P carried on past the kept steps where
        needed."""
        x = self.matrices
        while len(self.pz) <= t:
            pz, f = self.pz[-1], self.f[-1]
            p = (x.transition @ (self.last_cov - np.outer(pz, pz) / f) @ x.transition.T
                 + x.state_noise)
            self.last_cov = p
            self.pz.append(p @ x.design)
            self.f.append(float(x.design @ self.pz[-1]) + x.obs_cov)
        return self.pz[t], self.f[t]

    def shared(self, g: np.ndarray) -> int:
        """How many first steps `g` shares with the kept history."""
        n = min(len(g), len(self.g))
        differ = np.flatnonzero(g[:n] != self.g[:n])
        return int(differ[0]) if len(differ) else n

    def states_after(self, g: np.ndarray, ends: np.ndarray) -> np.ndarray | None:
        """The state predicted for the step after each origin e in `ends` from g[:e+1]:
        (m, len(ends)); None where `g` shares no step with the kept history."""
        common = self.shared(g)
        if common == 0:
            return None
        x, need = self.matrices, np.asarray(ends, dtype=int) + 1
        out = np.empty((len(need), len(x.state_intercept)))
        kept = need <= common
        out[kept] = self.states[need[kept]]
        top = int(need.max())
        if top > common:
            a, later = self.states[common], [self.states[common]]
            for t in range(common, top):
                pz, f = self._gain(t)
                if not f > 0:
                    return None
                v = g[t] - x.obs_intercept - float(x.design @ a)
                a = x.state_intercept + x.transition @ (a + pz * (v / f))
                later.append(a)
            for i in np.flatnonzero(~kept):
                out[i] = later[need[i] - common]
            if common == len(self.g):  # `g` carries the kept history on: keep its states
                self.g = np.array(g[:top], dtype=float)
                self.states = np.vstack([self.states, np.asarray(later[1:])])
        return out.T


_kept: "OrderedDict[Hashable, FilterRun]" = OrderedDict()


def kept_run(key: Hashable) -> FilterRun | None:
    """The run kept for a model (its kind, season and parameters), if any."""
    run = _kept.get(key)
    if run is not None:
        _kept.move_to_end(key)
    return run


def keep_run(key: Hashable, run: FilterRun) -> None:
    """Keep `run` for the model, the least recently used going past KEPT_BYTES."""
    _kept[key] = run
    _kept.move_to_end(key)
    while len(_kept) > 1 and sum(r.nbytes for r in _kept.values()) > KEPT_BYTES:
        _kept.popitem(last=False)
