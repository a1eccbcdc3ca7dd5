"""Search-space parameter declarations: a fixed value, a list of choices, or a range.

How a study file writes a parameter (`3`, `[16, 32]`, `{low: 8, high: 64, log: true}`), read
into one of four small types, and written back the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, Union

from lstm_tune.errors import problem_and_fix


@dataclass(frozen=True)
class FixedParam:
    value: Any


@dataclass(frozen=True)
class Choice:
    values: tuple[Any, ...]


@dataclass(frozen=True)
class IntRange:
    low: int
    high: int
    log: bool = False
    step: int = 1


@dataclass(frozen=True)
class FloatRange:
    low: float
    high: float
    log: bool = False


@dataclass(frozen=True)
class FromData:
    """`auto`: the values are chosen from the data when the search starts (batch sizes
    that fit the number of training samples: search/space.py, auto_batch_sizes)."""


ParamDef = Union[FixedParam, Choice, IntRange, FloatRange, FromData]
AUTO = "auto"

_RANGE_KEYS = {"low", "high", "log", "step"}


def _scalar(kind: str, value: Any, allowed: tuple[Any, ...] | None) -> Any:
    """Convert one YAML scalar to the parameter's kind, or raise ValueError saying why."""
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise ValueError(f"expected true or false, got {value!r}")
    if kind == "str":
        if isinstance(value, str) and allowed and value in allowed:
            return value
        raise ValueError(f"expected one of {', '.join(allowed or ())}, got {value!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a number, got {value!r}")
    try:
        number = float(value)  # YAML 1.1 reads 1e-3 as a string; accept it as a number
    except ValueError:
        raise ValueError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value!r}")
    if kind == "int":
        if number != int(number):
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(number)
    return number


def parse_param(
    kind: Literal["int", "float", "bool", "str"],
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    allowed: tuple[Any, ...] | None = None,
) -> ParamDef:
    """Read a search-space entry: `3`, `[16, 32]` or `{low: 8, high: 64, log: true}`."""

    def check(v: Any) -> Any:
        v = _scalar(kind, v, allowed)
        if minimum is not None and v < minimum:
            raise ValueError(problem_and_fix(f"{v!r} is below the minimum {minimum}", f"use at least {minimum}"))
        if maximum is not None and v > maximum:
            raise ValueError(problem_and_fix(f"{v!r} is above the maximum {maximum}", f"use at most {maximum}"))
        return v

    if isinstance(value, list):
        if not value:
            raise ValueError(problem_and_fix("an empty choice list", "give at least one value"))
        values = tuple(check(v) for v in value)
        if len(set(values)) != len(values):
            raise ValueError(problem_and_fix(f"the choice list {value!r} repeats a value", "list each value once"))
        return FixedParam(values[0]) if len(values) == 1 else Choice(values)
    if isinstance(value, dict):
        if kind in ("bool", "str"):
            raise ValueError(problem_and_fix("a range is only for numbers", "give a value or a list of choices"))
        unknown = set(value) - _RANGE_KEYS
        if unknown:
            raise ValueError(problem_and_fix(f"unknown range key(s) {sorted(unknown)}", "use low, high, log, step"))
        if "low" not in value or "high" not in value:
            raise ValueError(problem_and_fix("a range needs both low and high",
                                             "give both, as {low: 8, high: 64}"))
        low, high = check(value["low"]), check(value["high"])
        log = value.get("log", False)
        if not isinstance(log, bool):
            raise ValueError(f"log must be true or false, got {log!r}")
        if low > high:
            raise ValueError(problem_and_fix(f"low ({low}) is greater than high ({high})", "swap them"))
        if log and low <= 0:
            raise ValueError(f"a log range needs low > 0, got {low}")
        if kind == "int":
            step = _scalar("int", value.get("step", 1), None)
            if step < 1:
                raise ValueError(f"step must be at least 1, got {step}")
            if log and step != 1:
                raise ValueError(problem_and_fix("step and log cannot be combined", "drop one"))
            return FixedParam(low) if low == high else IntRange(low, high, log, step)
        if "step" in value:
            raise ValueError(problem_and_fix("step is only for whole-number ranges",
                                             "remove step, or make low and high whole numbers"))
        return FixedParam(low) if low == high else FloatRange(low, high, log)
    return FixedParam(check(value))


def param_yaml(p: ParamDef) -> Any:
    """A parameter as it is written in a study file (the inverse of parse_param)."""
    if isinstance(p, FromData):
        return AUTO
    if isinstance(p, FixedParam):
        return p.value
    if isinstance(p, Choice):
        return list(p.values)
    out = {"low": p.low, "high": p.high, "log": p.log}
    if isinstance(p, IntRange) and p.step != 1:
        out["step"] = p.step
    return out


def param_values(p: ParamDef) -> list[Any]:
    """Every value a parameter can take (ranges give their two ends; none known yet for
    one chosen from the data)."""
    if isinstance(p, FromData):
        return []
    if isinstance(p, FixedParam):
        return [p.value]
    if isinstance(p, Choice):
        return list(p.values)
    return [p.low, p.high]
