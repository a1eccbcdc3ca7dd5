"""The one error type users see: what is wrong, where (file and field), and how to fix it."""

from __future__ import annotations


class StudyError(Exception):
    """Bad input from the user. The CLI prints it as one line and exits with code 2.

    Raised before anything touches the storage, so a failed command leaves it as it was.
    """

    def __init__(self, where: str, field: str | None, problem: str, fix: str) -> None:
        self.where = where
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        place = f"{self.where}: {self.field}" if self.field else self.where
        return f"{place}: {self.problem}; fix: {self.fix}"


class WorkerFailed(RuntimeError):
    """A worker process of the search ended without finishing (the CLI prints one line and
    exits with code 1; finished trials are kept in the storage)."""


FIX_SEP = "\x1f"  # joins "problem" and "fix" inside a validator's message (never in user text)


def problem_and_fix(problem: str, fix: str) -> str:
    """A validator's message that the study-file reader splits back into problem and fix
    (a plain '; ' would also split a user's value such as '1; 2')."""
    return f"{problem}{FIX_SEP}{fix}"
