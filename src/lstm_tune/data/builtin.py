"""Built-in datasets, shipped as package data or generated from a fixed seed (no downloads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache, wraps
from importlib import resources
from typing import Any, Callable

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Builtin:
    name: str
    description: str
    task: str
    target: str
    features: tuple[str, ...] = ()
    time: str | None = None
    target_as_input: bool = True
    units: str = ""  # the target's units, for axis labels
    # (steps before the target, feature name, coefficient): the cells that carry the signal
    # and how they act (the sign of a cell's true contribution), when known
    informative: tuple[tuple[int, str, float], ...] = ()
    # "windows": one series (a DataFrame, cut into windows); "sequences": independent
    # labelled sequences (training and published test part, as .ts files hold them)
    load: Callable[[], Any] = field(default=lambda: pd.DataFrame(), repr=False)
    framing: str = "windows"
    origin: str = ""  # where the data comes from, and its licence
    series: str | None = None  # a panel: the column naming each series
    # texts: the column holding each text, and the words that decide the label with how
    # they act (+1 towards the positive class, -1 towards the negative, 0 flips what follows)
    text: str | None = None
    lexicon: tuple[tuple[str, float], ...] = ()


def _airline() -> pd.DataFrame:
    with resources.files("lstm_tune.data").joinpath("files/airline.csv").open("r") as f:
        return pd.read_csv(f)


SYNTHETIC_NOISE = 0.1


def _synthetic_inputs(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3))
    return pd.DataFrame({"step": np.arange(n), "x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2]})


def _synthetic() -> pd.DataFrame:
    """y[t] = x0[t-1] - 0.8 x0[t-5] + N(0, 0.1²): only feature x0 at lags 1 and 5 matter."""
    df = _synthetic_inputs(3000, seed=20240601)
    x0 = df["x0"].to_numpy()
    noise = np.random.default_rng(7).normal(0.0, SYNTHETIC_NOISE, len(df))
    y = np.zeros(len(df))
    y[5:] = x0[4:-1] - 0.8 * x0[:-5]
    df["y"] = y + noise
    return df.iloc[5:].reset_index(drop=True)


def _synthetic_class() -> pd.DataFrame:
    """label[t] = 1 if x0[t] - 0.8 x0[t-4] > 0 else 0: x0 at the last step and 4 before it."""
    df = _synthetic_inputs(600, seed=20240602)
    x0 = df["x0"].to_numpy()
    label = np.zeros(len(df), dtype=int)
    label[4:] = (x0[4:] - 0.8 * x0[:-4] > 0).astype(int)
    df["label"] = label
    return df.iloc[4:].reset_index(drop=True)


PANEL_SERIES = 6
PANEL_STEPS = 400


def _synthetic_panel() -> pd.DataFrame:
    """Six series of very different level and scale, one law: for series s,
    y[t] = level_s + scale_s * (x0[t-1] - 0.8 x0[t-5] + N(0, 0.1²)). Scaled per series,
    they are one task; scaled together, the small ones would vanish."""
    frames = []
    for s in range(PANEL_SERIES):
        df = _synthetic_inputs(PANEL_STEPS + 5, seed=20240610 + s)
        x0 = df["x0"].to_numpy()
        noise = np.random.default_rng(70 + s).normal(0.0, SYNTHETIC_NOISE, len(df))
        signal = np.zeros(len(df))
        signal[5:] = x0[4:-1] - 0.8 * x0[:-5]
        level, scale = 10.0 ** s, 2.0 ** s
        df["y"] = level + scale * (signal + noise)
        df.insert(0, "series", f"s{s}")
        frames.append(df.iloc[5:].reset_index(drop=True).assign(step=np.arange(PANEL_STEPS)))
    return pd.concat(frames, ignore_index=True)


WEEKLY_STEPS = 2300


def _weekly() -> pd.DataFrame:
    """2,300 weeks of a demand-like series: a slow trend, a yearly season of 52.18 weeks (two
    harmonics), AR(1) noise. The size of a real weekly series tuned with window 52."""
    rng = np.random.default_rng(20240620)
    t = np.arange(WEEKLY_STEPS)
    year = 2 * np.pi * t / 52.18
    noise = np.zeros(WEEKLY_STEPS)
    shocks = rng.normal(0.0, 3.0, WEEKLY_STEPS)
    for i in range(1, WEEKLY_STEPS):
        noise[i] = 0.6 * noise[i - 1] + shocks[i]
    y = 200 + 0.03 * t + 25 * np.sin(year) + 8 * np.sin(2 * year + 1.0) + noise
    weeks = pd.date_range("1980-01-07", periods=WEEKLY_STEPS, freq="W-MON")
    return pd.DataFrame({"week": weeks.strftime("%Y-%m-%d"), "demand": y})


MACRO_SERIES = ("realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi", "m1", "pop")


def _us_macro() -> pd.DataFrame:
    """statsmodels' `macrodata` (public domain, FRED) in long form: one row per series and
    quarter, 1959Q1-2009Q3."""
    from statsmodels.datasets import macrodata

    wide = macrodata.load_pandas().data
    quarter = [f"{int(y)}-{3 * (int(q) - 1) + 1:02d}" for y, q in zip(wide["year"], wide["quarter"])]
    return pd.concat([pd.DataFrame({"series": name, "quarter": quarter, "value": wide[name]})
                      for name in MACRO_SERIES], ignore_index=True)


def _ts_pair(problem: str) -> Callable[[], tuple[Any, Any]]:
    def load() -> tuple[Any, Any]:
        from lstm_tune.data.ts_format import read_ts

        files = resources.files("lstm_tune.data").joinpath("files")
        with resources.as_file(files / f"{problem}_TRAIN.ts.gz") as train, \
                resources.as_file(files / f"{problem}_TEST.ts.gz") as test:
            return read_ts(train), read_ts(test)
    return load


SEQUENCE_STEPS = 12


def _synthetic_sequences() -> tuple[Any, None]:
    """label = 1 if x0 at step 12 - 0.8 x0 at step 8 > 0: two cells of 12 x 3 decide."""
    from lstm_tune.data.ts_format import TsFile

    rng = np.random.default_rng(20240603)
    x = rng.standard_normal((2000, SEQUENCE_STEPS, 3))
    label = (x[:, 11, 0] - 0.8 * x[:, 7, 0] > 0).astype(int)
    return TsFile("synthetic_sequences", list(x), [str(v) for v in label], ("0", "1")), None


REVIEW_POSITIVE = ("good", "great", "excellent", "wonderful", "superb", "delightful",
                   "brilliant", "enjoyable")
REVIEW_NEGATIVE = ("bad", "awful", "terrible", "boring", "dreadful", "dull", "poor", "weak")
REVIEW_NEGATION = "not"
REVIEW_FILLER = (
    "the movie film story plot acting actors cast script ending music scenes camera work "
    "director characters dialogue pacing was is felt seemed looked honestly really quite "
    "overall frankly in my view this that a its and but with of at to for by on we i "
    "watched saw it last night yesterday weekend friends family cinema theatre screen "
    "sequel remake version hours minutes first second half part"
).split()
# 20,000, not 4,000: with 4,000 texts (2,600 to train on) a model could fit the labels of
# texts whose adjective word dropout had masked from their filler words, and explainers
# found that. Measured on one model of the shipped space (two configurations, seeds 0-2,
# 60 test texts): SHAP put 81.4-96.7% of its mass on the deciding words at 4,000 texts,
# 90.3-97.6% at 12,000, 94.3-96.7% at 20,000 (docs/guides/texts.md).
REVIEWS = 20000


def _review(rng: np.random.Generator) -> tuple[str, str]:
    """A few filler words around one sentiment phrase: an adjective, or `not` before it,
    which flips it. Punctuation and capitals appear as in real text."""
    words = [str(w) for w in rng.choice(REVIEW_FILLER, int(rng.integers(4, 11)))]
    positive = bool(rng.random() < 0.5)
    adjective = str(rng.choice(REVIEW_POSITIVE if positive else REVIEW_NEGATIVE))
    negated = bool(rng.random() < 0.35)
    at = int(rng.integers(0, len(words) + 1))
    words[at:at] = [REVIEW_NEGATION, adjective] if negated else [adjective]
    words[0] = words[0].capitalize()
    text = " ".join(words) + str(rng.choice([".", "!", "...", ""]))
    return text, "positive" if positive != negated else "negative"


def _drawn_once(draw: Callable[[], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
    """`draw`'s corpus drawn once a process (tens of thousands of texts, word by word: 1.2 s
    each time); every load gets its own copy."""
    cached = lru_cache(maxsize=1)(draw)

    @wraps(draw)
    def load() -> pd.DataFrame:
        return cached().copy()

    return load


@_drawn_once
def _reviews() -> pd.DataFrame:
    """A synthetic review corpus whose label is decided by known words: one sentiment
    adjective, flipped by `not` before it; every other word is filler."""
    rng = np.random.default_rng(20241115)
    rows = [_review(rng) for _ in range(REVIEWS)]
    return pd.DataFrame({"review": [t for t, _ in rows], "sentiment": [y for _, y in rows]})


# Reviews where the order of words decides and a tenth of the labels are wrong: a second
# clause after a contrast word overrides the first, so every word's count is the same for
# both labels on those texts, and a bag of words or word pairs can only guess them.
MIXED_REVIEWS = 10000
MIXED_CONTRAST = ("but", "however", "yet", "though", "still")
MIXED_TWO_CLAUSES = 0.5
MIXED_NOISE = 0.1
MIXED_FILLER = tuple(w for w in REVIEW_FILLER if w not in MIXED_CONTRAST)


def _clause(rng: np.random.Generator, positive: bool) -> list[str]:
    """Filler words with one sentiment phrase that reads `positive`: an adjective of that
    sentiment, or `not` before one of the other (so word pairs, not words, decide)."""
    words = [str(w) for w in rng.choice(MIXED_FILLER, int(rng.integers(2, 7)))]
    negated = bool(rng.random() < 0.35)
    pool = REVIEW_POSITIVE if positive != negated else REVIEW_NEGATIVE
    at = int(rng.integers(0, len(words) + 1))
    words[at:at] = [REVIEW_NEGATION, str(rng.choice(pool))] if negated else [str(rng.choice(pool))]
    return words


def mixed_review(rng: np.random.Generator) -> tuple[str, str, str]:
    """(text, label as written, true label): one clause, or two of opposite sentiment joined
    by a contrast word, where the second decides; then a tenth of the labels flipped."""
    positive = bool(rng.random() < 0.5)
    words = _clause(rng, positive)
    if rng.random() < MIXED_TWO_CLAUSES:
        words = _clause(rng, not positive) + [str(rng.choice(MIXED_CONTRAST))] + words
    words[0] = words[0].capitalize()
    text = " ".join(words) + str(rng.choice([".", "!", "...", ""]))
    truth = "positive" if positive else "negative"
    flipped = {"positive": "negative", "negative": "positive"}[truth]
    return text, flipped if rng.random() < MIXED_NOISE else truth, truth


@_drawn_once
def _mixed_reviews() -> pd.DataFrame:
    """The noisier corpus: word order and word pairs decide, a tenth of labels are wrong."""
    rng = np.random.default_rng(20261206)
    rows = [mixed_review(rng) for _ in range(MIXED_REVIEWS)]
    return pd.DataFrame({"review": [t for t, _, _ in rows], "sentiment": [y for _, y, _ in rows]})


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in (
        Builtin(
            "airline",
            "Monthly international airline passengers (thousands), 1949-1960, 144 values",
            "forecast", "passengers", time="month", units="thousands", load=_airline,
        ),
        Builtin(
            "synthetic",
            "3000 steps, 3 noise features; y[t] = x0[t-1] - 0.8*x0[t-5] + N(0, 0.1^2)",
            "forecast", "y", ("x0", "x1", "x2"), time="step", target_as_input=False,
            informative=((1, "x0", 1.0), (5, "x0", -0.8)), load=_synthetic,
        ),
        Builtin(
            "synthetic_class",
            "600 steps, 3 noise features; label[t] = 1 if x0[t] - 0.8*x0[t-4] > 0",
            "classify", "label", ("x0", "x1", "x2"), time="step", target_as_input=False,
            informative=((0, "x0", 1.0), (4, "x0", -0.8)), load=_synthetic_class,
        ),
        Builtin(
            "weekly",
            f"{WEEKLY_STEPS} weeks of synthetic demand: trend, a yearly season of 52.18 "
            "weeks, AR(1) noise (the size of a real weekly series)",
            "forecast", "demand", time="week", load=_weekly,
        ),
        Builtin(
            "synthetic_panel",
            f"{PANEL_SERIES} series x {PANEL_STEPS} steps, levels 1 to 1e5; "
            "y[t] = level + scale*(x0[t-1] - 0.8*x0[t-5] + N(0, 0.1^2)) in every series",
            "forecast", "y", ("x0", "x1", "x2"), time="step", target_as_input=False,
            informative=((1, "x0", 1.0), (5, "x0", -0.8)), load=_synthetic_panel,
            series="series",
        ),
        Builtin(
            "us_macro",
            f"{len(MACRO_SERIES)} quarterly US macroeconomic series (real GDP, consumption, "
            "investment, government spending, disposable income, CPI, M1, population), "
            "1959Q1-2009Q3, 203 quarters each",
            "forecast", "value", time="quarter", load=_us_macro, series="series",
            origin="statsmodels.datasets.macrodata (public domain; FRED, Federal Reserve "
                   "Bank of St. Louis), read from the installed statsmodels",
        ),
        Builtin(
            "gunpoint",
            "UCR GunPoint: hand x-position while drawing a gun or pointing, 2 classes, "
            "length 150, published split 50 train / 150 test",
            "classify", "class", framing="sequences", load=_ts_pair("GunPoint"),
            origin="UCR time series archive (Ratanamahatana & Keogh), .ts files as "
                   "redistributed by aeon (BSD-3-Clause)",
        ),
        Builtin(
            "japanese_vowels",
            "UEA JapaneseVowels: 12 LPC cepstra of 9 speakers saying /ae/, lengths 7-29, "
            "published split 270 train / 370 test",
            "classify", "class", framing="sequences", load=_ts_pair("JapaneseVowels"),
            origin="UCI/UEA archive (Kudo, Toyama & Shimbo 1999), .ts files as "
                   "redistributed by aeon (BSD-3-Clause)",
        ),
        Builtin(
            "synthetic_sequences",
            f"2000 sequences of {SEQUENCE_STEPS} steps x 3 noise channels; label 1 if "
            "dim_0 at step 12 - 0.8*dim_0 at step 8 > 0",
            "classify", "class", ("dim_0", "dim_1", "dim_2"), framing="sequences",
            informative=((12, "dim_0", 1.0), (8, "dim_0", -0.8)), load=_synthetic_sequences,
        ),
        Builtin(
            "reviews",
            f"{REVIEWS} synthetic reviews of 4-12 words; the sentiment is decided by one "
            "adjective, flipped by 'not' before it; every other word is filler",
            "classify", "sentiment", framing="texts", text="review", load=_reviews,
            lexicon=tuple([(w, 1.0) for w in REVIEW_POSITIVE]
                          + [(w, -1.0) for w in REVIEW_NEGATIVE] + [(REVIEW_NEGATION, 0.0)]),
        ),
        Builtin(
            "mixed_reviews",
            f"{MIXED_REVIEWS} noisier synthetic reviews: half have two clauses of opposite "
            f"sentiment joined by a contrast word ('but', 'however', ...), and the second "
            f"decides; 'not' flips an adjective; {MIXED_NOISE:.0%} of the labels are flipped",
            "classify", "sentiment", framing="texts", text="review", load=_mixed_reviews,
        ),
    )
}


def is_texts(builtin: str | None, text: str | None) -> bool:
    """Labelled texts (read as token sequences)?"""
    if builtin is not None:
        b = BUILTINS.get(builtin)
        return bool(b and b.framing == "texts")
    return text is not None


def is_sequences(builtin: str | None, ts: str | None, sequence: str | None) -> bool:
    """Independent labelled sequences (not one series cut into windows)?"""
    if builtin is not None:
        b = BUILTINS.get(builtin)
        return bool(b and b.framing == "sequences")
    return ts is not None or sequence is not None


def framing_name(builtin: str | None, ts: str | None, sequence: str | None,
                 text: str | None) -> str:
    """How the data given so is cut into samples, by data/framings.py's names: "tokens"
    (texts), "sequences" (independent labelled sequences) or "windows" (of a series)."""
    if is_texts(builtin, text):
        return "tokens"
    return "sequences" if is_sequences(builtin, ts, sequence) else "windows"


def load_builtin(b: Builtin, source: str) -> Any:
    """The built-in's data; a missing or damaged package file is one StudyError."""
    from lstm_tune.errors import StudyError

    try:
        return b.load()
    except Exception as exc:  # a file missing from the installed package, or damaged
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StudyError(source, "data.builtin", f"the built-in {b.name!r} cannot be read "
                         f"({first[:200]})", "reinstall lstm-tune (pip install "
                         "--force-reinstall lstm-tune): its data files are missing or "
                         "damaged") from None


def builtin_size(b: Builtin) -> str:
    """The built-in loaded, in words: how many rows, sequences or texts it holds."""
    data = load_builtin(b, f"built-in {b.name}")
    if b.framing == "sequences":
        train, test = data
        n = len(train.sequences) + (len(test.sequences) if test is not None else 0)
        return f"{n} sequences"
    if b.framing == "texts":
        return f"{len(data)} texts"
    if b.series:
        return f"{data[b.series].nunique()} series, {len(data)} rows"
    return f"{len(data)} steps"

