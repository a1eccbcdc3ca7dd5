"""The three framings of a dataset, and what differs between them, in one place.

A dataset is windows cut from one series (or a panel), independent labelled sequences, or
texts read as word ids (its `framing`: "windows", "sequences", "tokens"). What a later stage
does differently for each (how its steps and cells are named, which samples it explains,
how explained inputs read in the data's units, whether a sample has an origin in time)
is a method of its `Framing`, so explain/ and report/ ask the framing instead of
branching on its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_tune.data.splits import in_turns


def worst_first(errors: np.ndarray, scaled: np.ndarray | None) -> np.ndarray:
    """Sample positions by error, largest first (over each series' scale where `scaled` is
    given: a panel's series differ in units); ties keep their order."""
    return np.argsort(-(errors if scaled is None else scaled), kind="stable")


def lag_name(lag: int) -> str:
    """'t-3' for three steps before the target, 't' for the target's own step."""
    return f"t-{lag}" if lag else "t"


def position_name(step: int) -> str:
    """'step 6' for the sixth step of an independent sequence (counted from 1)."""
    return f"step {step}"


def step_names(window: int, steps_ahead: int) -> tuple[str, ...]:
    """Names of window positions by their lag from the target: oldest first."""
    return tuple(lag_name(window - 1 - i + steps_ahead) for i in range(window))


def word_step_names(steps: int) -> tuple[str, ...]:
    """'word 3' for the third word of a text (counted from 1)."""
    return tuple(f"word {i + 1}" for i in range(steps))


def sequence_step_names(steps: int) -> tuple[str, ...]:
    return tuple(position_name(i + 1) for i in range(steps))


class NoOrigin(ValueError):
    """Samples were asked for by an origin in time, and the framing's samples have none."""


@dataclass(frozen=True)
class Framing:
    """Windows of one series (or of each series of a panel): the base behaviour."""

    name: str = "windows"
    noun: str = "window"  # one sample
    step_key: str = "lag"  # how informative cells count their steps
    cells: str = "cells"  # what an explained input is made of
    words: bool = False  # inputs are word ids, explained word by word
    labelled: bool = False  # samples are independent, each with a class (no time order)
    chosen_how: str = "the most recent ones, test split first"  # what `explained` picks
    # how the sign check reads, {share} of the samples: every cell, or the deciding words
    signs_text: str = "signs right in {share} of windows (worst cell)"
    # how a waterfall's cell labels relate to the data (a transform shows the data beside it)
    read_note: str = ", and where that is a transform of the data, the data's own value beside it"
    # `conv: auto`: the convolutional branches searched (LSTM-FCN's reads classified sequences)
    convs: tuple[str, ...] = ("none",)
    # space entries these samples fix off (left out of what people read)
    unused_params: tuple[str, ...] = ()

    def step_names(self, steps: int, ahead: int) -> tuple[str, ...]:
        """The names of a sample's steps, oldest first; `ahead`: the target's steps after
        the window's last step."""
        return step_names(steps, ahead)

    def cell_name(self, step: int) -> str:
        """How a known informative cell names its step."""
        return lag_name(step)

    def unscaled(self, data: Any, x: np.ndarray, series: np.ndarray | None) -> np.ndarray:
        """Explained inputs back in the data's units (each with its series' scaler)."""
        return data.unscale_x(x, series)

    def explained(self, data: Any, count: int, series: str | None = None,
                  origin: str | None = None) -> Any:
        """The samples to explain: the most recent `count` windows (test first, then
        validation and train before it), or those ending at `origin` (a time of the data)
        and before; in a panel those of `series`, or of every series in turn."""
        from lstm_tune.data.window import recent_windows

        return recent_windows(data, count, series, origin)

    def sample_title(self, label: str, target: str) -> str:
        """What one sample is, in a figure's title."""
        return f"window for {target} at {label}"

    def predicted_of(self, label: str, target: str) -> str:
        """What a prediction is for, in a sentence ('For ... the model predicted')."""
        return f"{target} at {label}"

    def shown(self, labels: Any, actual: Any, predicted: Any, errors: np.ndarray,
              scaled: np.ndarray | None) -> list[tuple[int, str]]:
        """The explained samples whose maps the page shows, with their titles: the two
        largest errors (over each series' scale where `scaled` is given) and two typical
        ones (the median error)."""
        order = worst_first(errors, scaled)
        picks = list(order[:2]) + list(order[len(order) // 2: len(order) // 2 + 2])
        out = []
        for rank, i in enumerate(dict.fromkeys(int(p) for p in picks)):
            kind = "large error" if rank < 2 else "typical"
            over = "" if scaled is None else f", {scaled[i]:.3g} of its series' scale"
            out.append((i, f"window for the target at {labels[i]} ({kind}: |error| "
                           f"{errors[i]:.3g}{over})"))
        return out

    def shown_how(self, scaled: bool) -> str:
        """How `shown` picks, for the page."""
        return ("The windows with the largest errors and typical ones (median error)"
                + (", errors over each series' scale (MASE's), as the series differ in units."
                   if scaled else "."))

    def waterfall_title(self, head: str, output: str | None, predicted: str, actual: str,
                        target: str) -> str:
        """A waterfall's title: `head` (the explainer and the sample) and, where `output`
        (the explained output f(x), in the model's scale) is given, how it maps to the
        prediction in the data's units."""
        if output is None:
            return f"{head}: predicted {predicted}, actual {actual}"
        return (f"{head}\nf(x) = {output} in the model's scale (below) \u2192 predicted "
                f"{predicted} {target}, actual {actual}")


@dataclass(frozen=True)
class SampleFraming(Framing):
    """Independent labelled sequences: steps counted from the start, explained per class."""

    name: str = "sequences"
    noun: str = "sequence"
    step_key: str = "step"
    labelled: bool = True
    chosen_how: str = "test sequences, each class in turn"
    signs_text: str = "signs right in {share} of sequences (worst cell)"
    read_note: str = ""
    convs: tuple[str, ...] = ("none", "fcn")

    def step_names(self, steps: int, ahead: int) -> tuple[str, ...]:
        return sequence_step_names(steps)

    def cell_name(self, step: int) -> str:
        return position_name(step)

    def unscaled(self, data: Any, x: np.ndarray, series: np.ndarray | None) -> np.ndarray:
        return x * data.x_std + data.x_mean

    def explained(self, data: Any, count: int, series: str | None = None,
                  origin: str | None = None) -> Any:
        """The first `count` test samples, every class in turn, so each class has examples
        (independent samples have no `origin` in time: NoOrigin)."""
        if origin is not None:
            raise NoOrigin(f"independent {self.noun}s have no origin")
        test = data.test
        labels = data.actual(test)
        by_class = [list(np.flatnonzero(labels == c)) for c in data.classes]
        return test.take(np.asarray(in_turns(by_class, count), dtype=int))

    def sample_title(self, label: str, target: str) -> str:
        return label

    def predicted_of(self, label: str, target: str) -> str:
        return label

    def shown(self, labels: Any, actual: Any, predicted: Any, errors: np.ndarray,
              scaled: np.ndarray | None) -> list[tuple[int, str]]:
        """Per class, the first sample the model gets right and the first it misses."""
        out = []
        for c in dict.fromkeys(actual):
            for right in (True, False):
                hit = [i for i in range(len(errors))
                       if actual[i] == c and (errors[i] == 0) == right]
                if hit:
                    i = hit[0]
                    out.append((i, f"{labels[i]}, class {c}: predicted {predicted[i]} "
                                   f"({'right' if right else 'wrong'})"))
        return out

    def shown_how(self, scaled: bool) -> str:
        return ("For each class, a sequence the model gets right and one it gets wrong, "
                "where there is one.")

    def waterfall_title(self, head: str, output: str | None, predicted: str, actual: str,
                        target: str) -> str:
        """A class's probability needs no mapping to the prediction."""
        return super().waterfall_title(head, None, predicted, actual, target)


@dataclass(frozen=True)
class TextFraming(SampleFraming):
    """Labelled texts read as word ids (one id per word, 0 pads): explained word by word."""

    name: str = "tokens"
    noun: str = "text"
    chosen_how: str = "test texts, each class in turn"
    step_key: str = "lag"
    cells: str = "words"
    words: bool = True
    signs_text: str = "deciding words push the right way in {share} of texts"
    convs: tuple[str, ...] = ("none",)
    unused_params: tuple[str, ...] = ("pool", "conv")  # words are not pooled or convolved

    def step_names(self, steps: int, ahead: int) -> tuple[str, ...]:
        return word_step_names(steps)

    def unscaled(self, data: Any, x: np.ndarray, series: np.ndarray | None) -> np.ndarray:
        """The word ids themselves: (samples, words, 1)."""
        return np.asarray(x, dtype=float)[..., None]


FRAMINGS: dict[str, Framing] = {f.name: f for f in (Framing(), SampleFraming(), TextFraming())}


def framing_of(data: Any) -> Framing:
    """The framing of a dataset (or of anything with a `framing` name, such as an
    explanation's result)."""
    return FRAMINGS[getattr(data, "framing", "windows")]
