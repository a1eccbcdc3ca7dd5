"""Classifier quality against the baselines: the default study, the plain LSTM, the shipped one.

    python -m benchmarks.classifiers [--data gunpoint,japanese_vowels,reviews,mixed_reviews,osuleaf]
                                     [--variants default,plain,shipped,shipped_auto] [--seeds 3]
                                     [--finals "single,single + combine"] [--keep DIR]

For each built-in and variant and seed, one study runs through `lstm-tune run --no-report`
as a user runs it (default workers), then is tested with each final model. Variants:
`default` (what a new user writes: the data, `task: classify`, 20 trials, a seed; no
space: for sequences LSTM-FCN's branch is searched), `plain` (the same with
`space.conv: none`, the plain LSTM), `shipped` (the study file in studies/, where there is
one), `shipped_auto` (that file with `space.conv` left out: the branch as the data allow).
Prints the test accuracy's median and range over seeds beside every baseline on the same
points (1-NN for sequences, TF-IDF + logistic regression for texts, the majority class),
and each run's wall time. Measurements, not
tests: compare within one run. `osuleaf` (427 steps, 6 classes: a long-sequence case) is
read from the UCR archive's files in ../shared/data/ucr, not shipped with the package.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import yaml

from benchmarks.forecasts import STUDIES, grid_arguments, run_grid

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

FINALS = {"single": {"model": "single"},
          "single + combine": {"model": "single", "combine": True}}


# problems read from the archive's files beside the repository (../shared), not built in
ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "data" / "ucr"
FROM_ARCHIVE = {"osuleaf": "OSULeaf"}


def data_of(data: str) -> dict[str, str]:
    """The study's `data`: a built-in, or a problem's two files of the archive."""
    if data not in FROM_ARCHIVE:
        return {"builtin": data}
    train, test = (ARCHIVE / f"{FROM_ARCHIVE[data]}_{part}.ts.gz" for part in ("TRAIN", "TEST"))
    if not train.is_file():
        raise SystemExit(f"{train}: not found; {data} is read from ../shared/data/ucr beside "
                         "the repository")
    return {"ts": str(train), "test_ts": str(test)}


def study_file(data: str, how: str) -> dict[str, Any] | None:
    """The study of a variant; None where the variant does not apply (no shipped file)."""
    if how in ("shipped", "shipped_auto"):
        path = STUDIES / f"{data}.yaml"
        if not path.exists():
            return None
        found = yaml.safe_load(path.read_text())
        if how == "shipped_auto":  # the shipped space with the branch left to the data
            found["space"] = {k: v for k, v in found.get("space", {}).items() if k != "conv"}
        return found
    study: dict[str, Any] = {"name": data, "task": "classify", "data": data_of(data),
                             "budget": {"trials": 20}}
    if how == "plain":
        study["space"] = {"conv": "none"}
    return study


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="gunpoint,japanese_vowels,reviews,mixed_reviews")
    ap.add_argument("--variants", default="default,plain,shipped")
    grid_arguments(ap, FINALS, "single")
    args = ap.parse_args(argv)

    def study(data: str, how: str, seed: int) -> dict[str, Any] | None:
        found = study_file(data, how)
        if found is None or (how == "plain" and "reviews" in data):  # texts: no FCN
            return None
        return {**found, "seed": seed, "name": f"{data}_{how}_s{seed}"}

    run_grid(ap, args, args.data, FINALS, "classifiers", study)


if __name__ == "__main__":
    main()
