"""Explain one trial's model: choose windows, run every explainer, measure faithfulness."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import optuna

from lstm_tune.data.framing import Loaded
from lstm_tune.data.framings import NoOrigin, framing_of
from lstm_tune.errors import StudyError
from lstm_tune.explain.attribution import Attribution
from lstm_tune.explain.context import ExplainContext, Output
from lstm_tune.explain.ensemble import shared_members
from lstm_tune.explain.faithfulness import agreement
from lstm_tune.explain.readings import EXPLAINERS, Faithfulness, Informative, reading
from lstm_tune.evaluate.final import FinalModel, describe
from lstm_tune.evaluate.tested import Explained, read_explained
from lstm_tune.model.build import has_attention, mean_model
from lstm_tune.spec import StudySpec
from lstm_tune.tasks import get_task

@dataclass
class ExplainResult:
    trial: int
    params: dict[str, Any]
    attributions: dict[str, Attribution]
    faithfulness: dict[str, Faithfulness]
    agreement: dict[str, float]
    seconds: dict[str, float]
    errors: np.ndarray  # |prediction - actual| per explained window, data units (or 0/1)
    labels: list[str]  # the time of each explained window's target
    # a panel's errors over each series' scale (MASE's): what ranks windows across series
    scaled_errors: np.ndarray | None = None
    informative: list[tuple[int, str, float]] = field(default_factory=list)
    per_class: dict[str, Attribution] = field(default_factory=dict)
    # per explained window, for people: inputs in the data's units (samples, steps, channels)
    # with their names, the prediction in the data's units (forecast, or predicted class)
    # and the actual value
    inputs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    input_names: tuple[str, ...] = ()
    predicted: list[Any] = field(default_factory=list)
    actual: list[Any] = field(default_factory=list)
    target_name: str = ""
    # who made `predicted`, in words: a combination's explained part is its LSTM alone
    predictor: str = "the model"
    output_scale: str = ""  # what the explained output is, in words
    framing: str = "windows"  # its data's framing (data/framings.py): how its cells are named
    # texts: each explained text's words as written (as far as the model reads them), the
    # model's probability of its true class, and where the deciding words are (if known)
    words: list[list[str]] = field(default_factory=list)
    true_probability: list[float] = field(default_factory=list)
    informative_mask: np.ndarray | None = None
    model: str = ""  # the explained model in words

    @property
    def truth_known(self) -> bool:
        """Whether the figures that need the data's truth (which cells decide) exist."""
        return any(f.informative_share is not None or f.signs is not None
                   for f in self.faithfulness.values())

    @property
    def noun(self) -> str:
        """What one explained sample is called."""
        return framing_of(self).noun

    @property
    def step_key(self) -> str:
        """How informative cells count steps: lags before the target, or positions."""
        return framing_of(self).step_key

    def faithfulness_lines(self) -> list[str]:
        """One line per explainer, for a terminal: its mass on the informative cells (or
        words) and its signs where the truth is known, its deletion ratio and its time."""
        framing = framing_of(self)
        lines = []
        for name, f in self.faithfulness.items():
            share = ("" if f.informative_share is None else
                     f"{100 * f.informative_share:.1f}% on informative {framing.cells}, ")
            signs = ("" if f.signs is None else
                     framing.signs_text.format(share=f"{100 * f.signs.worst:.1f}%") + ", ")
            lines.append(f"{name}: {share}{signs}deletion ratio {f.deletion.ratio:.2f} vs "
                         f"random, {self.seconds[name]:.1f} s")
        return lines

    def to_json(self) -> dict[str, Any]:
        """The faithfulness figures, machine-readable (explain.json, `explain --json`)."""

        def num(v: float | None) -> float | None:
            return None if v is None or not np.isfinite(v) else round(float(v), 6)

        explainers = {}
        for name, f in self.faithfulness.items():
            explainers[name] = {
                "method": self.attributions[name].method,
                "kind": self.attributions[name].kind,
                "informative_share": num(f.informative_share),
                "sign_agreement": None if f.signs is None else {
                    "worst": num(f.signs.worst),
                    "per_cell": {k: num(v) for k, v in f.signs.agreement.items()},
                    "correlation": num(f.signs.correlation)},
                "deletion_ratio": num(f.deletion.ratio),
                "stability": None if f.stability is None else {
                    **f.stability, "mean": num(f.stability["mean"]),
                    "min": num(f.stability["min"])},
                "agreement": {pair.replace(name, "").replace(" vs ", ""): num(v)
                              for pair, v in self.agreement.items() if name in pair.split(" vs ")},
                "seconds": num(self.seconds[name]),
            }
        return {"trial": self.trial, "windows": len(self.errors),
                "informative_cells": [{self.step_key: step, "feature": f, "coefficient": c}
                                      for step, f, c in self.informative] or None,
                "explainers": explainers}


def explain_model(ctx: ExplainContext, x: np.ndarray, informative: Informative,
                  methods: tuple[str, ...] = tuple(EXPLAINERS), output: Output = None
                  ) -> tuple[dict[str, Attribution], dict[str, Faithfulness], dict[str, float],
                             dict[str, float]]:
    """Run the explainers on samples x and measure each one."""
    attributions: dict[str, Attribution] = {}
    seconds: dict[str, float] = {}
    for name in methods:
        start = time.perf_counter()
        attr = EXPLAINERS[name](ctx, x, output)
        if attr is not None:
            attributions[name] = attr
            seconds[name] = time.perf_counter() - start
    faith = reading(ctx).faithfulness(ctx, x, attributions, informative, output, seconds)
    return attributions, faith, _agreement(attributions), seconds


def _agreement(attributions: dict[str, Attribution]) -> dict[str, float]:
    agree = {}
    names = list(attributions)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            agree[f"{a} vs {b}"] = agreement(attributions[a], attributions[b])
    return agree


def members_params(every: list[dict[str, Any]], trials: list[int]) -> dict[str, str]:
    """An ensemble's parameters for people: per parameter, each member's value in turn."""
    keys = list(dict.fromkeys(k for p in every for k in p))
    joined = {k: " / ".join(str(p.get(k, "-")) for p in every) for k in keys}
    return {"trial": " / ".join(f"#{t}" for t in trials), **joined}


def explained_model(final: FinalModel | None, trial: int, whole: bool = False) -> str:
    """What was explained, in words: a trial's model, or the final model (an ensemble as
    the mean of its members, `whole`, or else one member)."""
    if final is None:
        return f"trial #{trial}'s model"
    if final.choice == "ensemble" and whole:
        what = f"the final model, {describe(final)}, explained as one model"
    elif final.choice == "ensemble":
        what = (f"trial #{trial}'s refitted member of the final model, {describe(final)} "
                "(its members frame or decode the data differently, so their mean is not "
                "one model's output: one member is explained)")
    else:
        what = f"the final model, {describe(final)}"
    mix = final.combination
    if mix:  # the explainers read the network; the other model's share is not attributed
        weight = f"{float(mix['weight']):.2f}"
        if float(weight) == 0:
            what += (f"; its LSTM part is what is explained, and at weight 0.00 it does not move "
                     f"the final model's output, which is {mix['name']}'s alone (these figures "
                     "say what the LSTM reads, not why the final model predicts what it does)")
        else:
            what += (f"; its LSTM part (weight {weight}) is what is explained, "
                     f"{mix['name']}'s share is not attributed")
    return what


def explain_trial(spec: StudySpec, study: optuna.Study, number: int | None = None,
                  samples: int = 50, methods: tuple[str, ...] = tuple(EXPLAINERS),
                  class_name: str | None = None, series: str | None = None,
                  step: int = 1, origin: str | None = None, loaded: Loaded | None = None
                  ) -> ExplainResult:
    """`explain` on trial `number`'s model, or (None) the final model the report tested
    (evaluate/tested.py reads it from the storage)."""
    return explain(spec, read_explained(spec, study, number, loaded), samples, methods,
                   class_name, series, step, origin)


def explain(spec: StudySpec, explained: Explained, samples: int = 50,
            methods: tuple[str, ...] = tuple(EXPLAINERS), class_name: str | None = None,
            series: str | None = None, step: int = 1, origin: str | None = None
            ) -> ExplainResult:
    """Explain a model on `samples` samples of its data. Classification explains
    `class_name` if given, else a binary task's second class, else each sample's predicted
    class; SHAP is also given for every class. A forecast of several steps explains `step`
    steps ahead (1: the next); a panel's windows come from `series`, if given, else from
    every series in turn; `origin` (a time of the data) explains the windows ending there
    and before instead of the most recent ones."""
    data, final, params = explained.data, explained.final, explained.params
    task = get_task(data.task)
    problem = task.class_problem(data, class_name)
    if problem:
        raise StudyError(spec.source, "--class", problem, "give one of the listed classes")
    horizon = getattr(data, "horizon", 1)
    if not 1 <= step <= horizon:
        raise StudyError(spec.source, "--step", f"the model forecasts {horizon} step(s) ahead, "
                         f"not {step}", f"give a step from 1 to {horizon}")
    names = getattr(data, "series_names", ("",))
    if series is not None and series not in names:
        shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
        raise StudyError(spec.source, "--series", f"no series {series!r} in the study "
                         f"({shown or 'it has one series'})", "give one of its series")
    framing = framing_of(data)
    try:
        chosen = framing.explained(data, samples, series, origin)
    except NoOrigin as exc:
        raise StudyError(spec.source, "--origin", str(exc), "remove --origin") from None
    if origin is not None and not len(chosen):
        where = f" in series {series!r}" if series is not None else ""
        raise StudyError(spec.source, "--origin", f"no window ends at {origin!r}{where}",
                         f"give a time of the data as written there, such as "
                         f"{data.table.times[-data.horizon - 1]!r}")
    model = explained.model
    members = None
    if explained.others:  # the ensemble, if its mean can be
        members = shared_members(model, data, chosen, explained.others,
                                 lambda own: framing.explained(own, samples, series, origin))
    x, target_idx = chosen.x, chosen.target_idx
    lengths = data.lengths_at(target_idx) if data.masked else None
    ctx = ExplainContext(mean_model(members) if members else model, data, seed=spec.seed,
                         lengths=lengths, cache={}, series=chosen.series, step=step - 1,
                         sample_idx=target_idx, members=tuple(members or ()))
    informative = list(data.informative)
    raw = ctx.raw_output(x)
    actual = data.actual_at(target_idx)
    predicted = task.decode(data, raw, chosen.ref, chosen.series)
    if horizon > 1:  # the explained step of each path
        actual, predicted = actual[:, step - 1], predicted[:, step - 1]
    output: Output = task.explained_output(data, raw, class_name)
    errors, scaled = task.sample_errors(data, chosen, predicted, actual)
    scale = task.output_scale(data, output, step - 1)
    if len(names) > 1:
        scale += (f"; windows of series {series!r}" if series is not None
                  else "; windows of every series in turn")
    if origin is not None:
        scale += f"; windows ending at {origin} and before"
    if members:  # every member's parameters, side by side
        params = members_params(explained.member_params, final.trials)
    if set(methods) <= {"attention"} and \
            not all(has_attention(m) for m in ctx.members or (ctx.model,)):
        raise StudyError(spec.source, "--methods", "the explained model has no attention "
                         "layer, so attention has nothing to show",
                         "add shap or lime to --methods, or explain a trial whose model has "
                         "attention (--trial N)")
    attributions, faith, agreement, seconds = explain_model(ctx, x, informative, methods, output)
    # SHAP per class, from the values already computed (none for forecasts)
    per_class = reading(ctx).classes(ctx, x) if "shap" in methods else {}
    return ExplainResult(
        trial=explained.trial, params=params, attributions=attributions, faithfulness=faith,
        agreement=agreement, seconds=seconds, errors=errors, scaled_errors=scaled,
        labels=data.labels_at(target_idx + step - 1), informative=informative,
        per_class=per_class, inputs=data.raw_inputs(target_idx, spec.uses_target_as_input),
        input_names=data.channel_names, predicted=predicted.tolist(), actual=actual.tolist(),
        target_name=data.target_name, output_scale=scale, framing=data.framing,
        **reading(ctx).extras(ctx, x, raw, actual),
        # an ensemble of one configuration (too few distinct trials) is its one member
        predictor="the LSTM part" if final is not None and final.combination else "the model",
        model=explained_model(final, explained.trial,
                              bool(members) or (final is not None and len(final.seeds[0]) == 1)),
    )
