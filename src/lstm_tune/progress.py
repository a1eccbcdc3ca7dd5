"""Progress a person can follow: a bar on a terminal, one line per finished trial elsewhere.

tqdm disables its bar when output is not a terminal (a log file, CI), which left a long run
silent for half an hour; there each finished trial gets a line instead: number, state, value,
best so far (ties broken as the final choice breaks them), elapsed time.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable

import optuna
from optuna.trial import TrialState

from lstm_tune.records.attrs import REASON_ATTR
from lstm_tune.records.trials import rank_key
from lstm_tune.search.budget import is_finished


def trial_line(t: optuna.trial.FrozenTrial, best: tuple[int, float] | None, metric: str,
               elapsed: float) -> str:
    state = t.state.name.lower()
    if t.state == TrialState.COMPLETE and t.value is not None:
        what = f"complete, {metric} {t.value:.4g}"
    elif t.state == TrialState.PRUNED and t.intermediate_values:
        what = (f"pruned at epoch {max(t.intermediate_values) + 1}, {metric} "
                f"{t.intermediate_values[max(t.intermediate_values)]:.4g}")
    elif t.state == TrialState.FAIL:
        what = f"failed: {str(t.user_attrs.get(REASON_ATTR, ''))[:120]}"
    else:
        what = state
    best_text = f"best {best[1]:.4g} (#{best[0]})" if best else "no complete trial yet"
    return f"trial {t.number}: {what}; {best_text}; {elapsed:.0f} s elapsed"


class TrialLog:
    """Prints each trial once, when it finishes, in trial-number order."""

    def __init__(self, metric: str, minimize: bool, echo: Callable[[str], None]) -> None:
        self.metric, self.minimize, self.echo = metric, minimize, echo
        self.seen: set[int] | None = None  # trials finished before this run are not printed
        self.start = time.monotonic()

    def __call__(self, study: optuna.Study) -> None:
        trials = sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)
        finished = [t for t in trials if is_finished(t)]
        if self.seen is None:
            self.seen = {t.number for t in finished}
            return
        key = rank_key("minimize" if self.minimize else "maximize")
        leader: optuna.trial.FrozenTrial | None = None
        for t in finished:
            if t.state == TrialState.COMPLETE and t.value is not None and (
                    leader is None or key(t) < key(leader)):
                leader = t
            if t.number not in self.seen:
                self.seen.add(t.number)
                best = None if leader is None else (leader.number, float(leader.value))
                self.echo(trial_line(t, best, self.metric, time.monotonic() - self.start))


def is_terminal(stream: Any = None) -> bool:
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())
