"""How many worker processes a study runs on this machine when the user does not say.

`auto` (the default) runs one single-threaded worker per core. An LSTM trains step by step,
and each step's matrix products are too small to keep a second thread busy, so N workers of
one thread each finish more trials than one worker of N threads: measured on 2 cores
(`python -m benchmarks.throughput`), 1.6x the trials per minute on airline and 1.2-1.6x on
the weekly case. `auto` stays at one worker where several would be unsafe or unwanted: an
SQLite storage (one writer at a time), `deterministic: true` (a repeatable run), one core,
or too little free memory.
"""

from __future__ import annotations

import os

from lstm_tune.errors import StudyError
from lstm_tune.search.storage import sqlite_file
from lstm_tune.spec import StudySpec

AUTO = "auto"
ENV = "LSTM_TUNE_WORKERS"  # the default for --workers on this machine
MAX_WORKERS = 256
# a worker's peak memory on the weekly case was 1.25 GB (trial attribute worker_peak_rss_mb)
WORKER_BYTES = int(1.5 * 2**30)


def cores() -> int:
    """CPU cores this process may run on (a container's or taskset's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_workers(value: object, study: str, field: str) -> int | str:
    """`auto` or a whole number 1-256, else a StudyError naming the study and `field`."""
    text = str(value).strip().lower()
    if text == AUTO:
        return AUTO
    if text.isdigit() and 1 <= int(text) <= MAX_WORKERS:
        return int(text)
    what = f"{value!r} is out of range" if text.isdigit() else \
        f"{value!r} is not a number of workers"
    raise StudyError(study, field, what, f"give auto or a whole number from 1 to {MAX_WORKERS}")


def requested(given: int | str | None, study: str) -> int | str:
    """The user's choice: the option if given, else the LSTM_TUNE_WORKERS variable, else
    auto."""
    if given is not None:
        return parse_workers(given, study, "--workers")
    return parse_workers(os.environ.get(ENV, AUTO), study, ENV)


def _free_memory() -> int:
    import psutil

    return int(psutil.virtual_memory().available)


def choose_workers(spec: StudySpec, given: int | str | None) -> tuple[int, str | None]:
    """(workers, why `auto` chose fewer than the cores, if it matters to the user)."""
    choice = requested(given, spec.source)
    if choice != AUTO:
        return int(choice), None
    n = cores()
    if spec.budget.trials is not None:
        n = min(n, spec.budget.trials)
    if n <= 1:
        return 1, None
    memory = max(1, _free_memory() // WORKER_BYTES)
    if memory < n:
        n = memory
        why = (f"free memory allows {n} worker{'s' if n > 1 else ''} of about "
               f"{WORKER_BYTES / 2**30:.1f} GB, fewer than the cores")
        if n == 1:
            return 1, why
    else:
        why = None
    if spec.deterministic:
        return 1, "deterministic: true runs one worker, so the run repeats exactly"
    if (sqlite := sqlite_file(spec)) is not None:
        return 1, (f"this study's storage is SQLite ({sqlite}), which takes one writer at a "
                   f"time, so it runs one worker; with a journal or PostgreSQL storage, "
                   f"auto would run {n}")
    return n, why
