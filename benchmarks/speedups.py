"""Before/after of the training-loop speed changes, measured in one run on the same models.

Each variant trains the overhead suite's three configurations for `epochs` epochs and
reports the first epoch (tracing the train function dominates it) and the mean of the
others. Variants:

- NumPy arrays into `model.fit` (what lstm_tune did first, and what most scripts do);
- one `tf.data` pipeline per fit (the first change);
- the same with the optimizer's variables built before `fit`, so the train step is traced
  once instead of twice (the second change: what `lstm_tune.model.train.fit` does now);
- that with TensorFlow's graph optimiser (grappler) switched off, a candidate change for the
  first epoch, kept out of lstm_tune unless this table says it pays.

    python -m benchmarks.speedups [--epochs 20] [--repeats 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any

import yaml

from benchmarks.overhead import CONFIGS
from lstm_tune.spec import load_spec

VARIANTS = ("numpy arrays (before)", "tf.data pipeline", "tf.data, optimizer built (now)",
            "tf.data, optimizer built, grappler off")


class _EpochTimes:
    def __init__(self) -> None:
        from lstm_tune.model.train import EpochClock

        self.times: list[float] = []
        self.callback = EpochClock(self.times)


def _time_fit(variant: str, params: dict[str, Any], data: Any, epochs: int) -> list[float]:
    import keras
    import tensorflow as tf

    from lstm_tune.model.build import build_model
    from lstm_tune.model.train import batches, build_optimizer

    tf.config.optimizer.set_experimental_options(
        {"disable_meta_optimizer": variant == VARIANTS[3]})
    keras.utils.set_random_seed(0)
    model = build_model(params, data.window, len(data.channel_names))
    if variant in VARIANTS[2:]:
        build_optimizer(model)
    timer = _EpochTimes()
    bs = int(params["batch_size"])
    if variant == VARIANTS[0]:
        model.fit(data.train.x, data.train.y, epochs=epochs, batch_size=bs, shuffle=True,
                  verbose=0, callbacks=[timer.callback])
    else:
        model.fit(batches(data.train.x, data.train.y, bs, 0), epochs=epochs, shuffle=False,
                  verbose=0, callbacks=[timer.callback])
    keras.backend.clear_session(free_memory=False)
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": False})
    return timer.times


def run(epochs: int = 20, repeats: int = 2, configs: int = len(CONFIGS)
        ) -> list[dict[str, Any]]:
    """Median first-epoch and later-epoch seconds per variant, over the first `configs`
    configurations (fewer only for a smoke run) and repeats."""
    from lstm_tune.data.framing import load_data
    from lstm_tune.data.framing import frame

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.yaml"
        path.write_text(yaml.safe_dump({"name": "s", "data": {"builtin": "airline"}}))
        spec = load_spec(path)
        data = frame(spec.data_settings, load_data(spec.data_settings), "log_diff")
    first: dict[str, list[float]] = {v: [] for v in VARIANTS}
    later: dict[str, list[float]] = {v: [] for v in VARIANTS}
    _time_fit(VARIANTS[2], CONFIGS[0], data, 2)  # warm-up: TF's own one-off start-up costs
    for _ in range(repeats):
        for params in CONFIGS[:configs]:
            for variant in VARIANTS:  # interleaved, so machine noise hits every variant alike
                times = _time_fit(variant, params, data, epochs)
                first[variant].append(times[0])
                later[variant].extend(times[1:])
    base_first = statistics.median(first[VARIANTS[0]])
    base_later = statistics.median(later[VARIANTS[0]])
    rows = []
    for v in VARIANTS:
        f, e = statistics.median(first[v]), statistics.median(later[v])
        rows.append({"training loop": v, "first epoch s": f, "later epochs s": e,
                     "first epoch vs before": f / base_first,
                     "later epochs vs before": e / base_later,
                     f"trial of {epochs} epochs s": f + (epochs - 1) * e,
                     "configs x repeats": len(first[v])})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    from benchmarks.table import markdown

    print(markdown(run(args.epochs, args.repeats)))


if __name__ == "__main__":
    main()
