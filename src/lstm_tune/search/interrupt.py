"""Ctrl-C in a worker process: once asked to stop, it records no failure reason and starts
no other trial.

The worker's SIGINT handler raises KeyboardInterrupt wherever the trial is. A library can
turn that into an ordinary exception on its way out (an error raised while it cleans up
replaces it). The trial then looked like a crash with a reason: it counted against the
budget and was never re-run, and the worker went on to its next trial. This flag lets the
objective and the worker tell the two apart.
"""

from __future__ import annotations

_requested = False


def request() -> None:
    """Called by the worker's SIGINT handler."""
    global _requested
    _requested = True


def requested() -> bool:
    return _requested
