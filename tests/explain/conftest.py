"""One trained model of the synthetic task, shared by every explainer test."""

from __future__ import annotations

import pytest
import yaml

from lstm_tune.data.framing import frame, load_data
from lstm_tune.explain.context import ExplainContext
from lstm_tune.search.space import SearchSpace
from lstm_tune.spec import load_spec
from lstm_tune.model.train import fit

SYNTHETIC = {
    "name": "synthetic", "data": {"builtin": "synthetic"}, "window": 6,
    "split": {"validation": 100, "test": 100},
    "space": {"layers": 1, "units": 32, "learning_rate": 0.005, "dropout": 0.0,
              "batch_size": 32, "attention": True, "transform": "none"},
}


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory):
    """(context, windows, informative cells) for a model trained on y = x0[t-1] - 0.8 x0[t-5]."""
    path = tmp_path_factory.mktemp("synthetic") / "s.yaml"
    path.write_text(yaml.safe_dump(SYNTHETIC))
    spec = load_spec(path)
    table = load_data(spec.data_settings)
    data = frame(spec.data_settings, table, "none")
    params = SearchSpace(spec.space).complete({})
    # the model patience 15 keeps (best epoch 30, validation RMSE 0.119), 8 epochs sooner
    result = fit(params, data, max_epochs=100, patience=7, seed=0)
    assert result.value < 0.2, f"the synthetic model did not learn (val RMSE {result.value})"
    return ExplainContext(result.model, data, seed=0), data.test.x[:40], list(table.informative)


SYNTHETIC_CLASS = {
    "name": "cls", "data": {"builtin": "synthetic_class"}, "task": "classify", "window": 6,
    "split": {"validation": 80, "test": 80},
    "space": {"layers": 1, "units": 32, "learning_rate": 0.01, "dropout": 0.0,
              "batch_size": 32, "attention": True},
}


@pytest.fixture(scope="session")
def synthetic_class(tmp_path_factory):
    """(context, windows, informative cells) for a classifier of
    label = 1 if x0[t] - 0.8 x0[t-4] > 0: the classification path of every explainer."""
    path = tmp_path_factory.mktemp("synthetic_class") / "c.yaml"
    path.write_text(yaml.safe_dump(SYNTHETIC_CLASS))
    spec = load_spec(path)
    table = load_data(spec.data_settings)
    data = frame(spec.data_settings, table, "none")
    result = fit(SearchSpace(spec.space).complete({}), data, max_epochs=100, patience=15, seed=0)
    assert result.value > 0.75, f"the classifier did not learn (val accuracy {result.value})"
    return ExplainContext(result.model, data, seed=0), data.test.x[:40], list(table.informative)


SYNTHETIC_SEQUENCES = {
    "name": "seq", "data": {"builtin": "synthetic_sequences"}, "task": "classify",
    "split": {"validation": 0.2, "test": 0.25},
    "space": {"layers": 1, "units": 32, "learning_rate": 0.01, "dropout": 0.0,
              "batch_size": 64, "attention": True},
}


@pytest.fixture(scope="session")
def synthetic_sequences(tmp_path_factory):
    """(context, sequences, informative cells) for a classifier of independent sequences:
    label = 1 if dim_0 at step 12 - 0.8 dim_0 at step 8 > 0."""
    path = tmp_path_factory.mktemp("synthetic_sequences") / "q.yaml"
    path.write_text(yaml.safe_dump(SYNTHETIC_SEQUENCES))
    spec = load_spec(path)
    seqs = load_data(spec.data_settings)
    data = frame(spec.data_settings, seqs)
    result = fit(SearchSpace(spec.space).complete({}), data, max_epochs=150, patience=30, seed=0)
    print(f"synthetic_sequences: val accuracy {result.value:.3f} after {result.epochs} epochs")
    assert result.value > 0.8, f"the classifier did not learn (val accuracy {result.value})"
    return ExplainContext(result.model, data, seed=0), data.test.x[:40], list(seqs.informative)


def lstm_fcn(study: dict, folder, min_value: float, max_epochs: int, patience: int):
    """(context, samples, informative cells) for `study` with LSTM-FCN's convolutional
    branch beside its LSTM: the explainers must read that model as well."""
    path = folder / "fcn.yaml"
    path.write_text(yaml.safe_dump({**study, "space": {**study["space"], "conv": "fcn"}}))
    spec = load_spec(path)
    loaded = load_data(spec.data_settings)
    data = frame(spec.data_settings, loaded, "none") if spec.task == "forecast" else \
        frame(spec.data_settings, loaded)
    result = fit(SearchSpace(spec.space).complete({}), data, max_epochs=max_epochs,
                 patience=patience, seed=0)
    print(f"{study['name']} LSTM-FCN: validation {result.value:.3f} after {result.epochs} epochs")
    good = result.value < min_value if spec.task == "forecast" else result.value > min_value
    assert good, f"the LSTM-FCN did not learn ({result.value})"
    return ExplainContext(result.model, data, seed=0), data.test.x[:40], list(loaded.informative)


@pytest.fixture(scope="session")
def synthetic_fcn(tmp_path_factory):
    """The synthetic forecast, y = x0[t-1] - 0.8 x0[t-5], by an LSTM-FCN."""
    return lstm_fcn(SYNTHETIC, tmp_path_factory.mktemp("synthetic_fcn"), 0.2, 40, 7)


@pytest.fixture(scope="session")
def synthetic_sequences_fcn(tmp_path_factory):
    """The padded synthetic sequences by an LSTM-FCN (its branch must skip the padding)."""
    return lstm_fcn(SYNTHETIC_SEQUENCES, tmp_path_factory.mktemp("sequences_fcn"), 0.8, 40, 8)


SYNTHETIC_PANEL = {
    "name": "panel", "data": {"builtin": "synthetic_panel"}, "window": 6, "horizon": 2,
    "split": {"validation": 30, "test": 30},
    "space": {"layers": 1, "units": 32, "learning_rate": 0.005, "dropout": 0.0,
              "batch_size": 64, "attention": True},
}


@pytest.fixture(scope="session")
def synthetic_panel(tmp_path_factory):
    """(model, data, explained windows, informative cells) for a model forecasting the next
    2 steps of six series of levels 1 to 1e5 that share y = x0[t-1] - 0.8 x0[t-5]."""
    path = tmp_path_factory.mktemp("synthetic_panel") / "p.yaml"
    path.write_text(yaml.safe_dump(SYNTHETIC_PANEL))
    spec = load_spec(path)
    table = load_data(spec.data_settings)
    data = frame(spec.data_settings, table, "none")
    result = fit(SearchSpace(spec.space).complete({}), data, max_epochs=100, patience=15, seed=0)
    print(f"synthetic_panel: val MASE {result.value:.3f} after {result.epochs} epochs")
    from lstm_tune.data.framings import framing_of

    return result.model, data, framing_of(data).explained(data, 48), list(table.informative)


REVIEWS = {
    "name": "rev", "data": {"builtin": "reviews"}, "task": "classify",
    "split": {"validation": 0.15, "test": 0.2},
    "space": {"layers": 1, "units": 16, "embedding_dim": 16, "learning_rate": 0.01,
              "dropout": 0.0, "batch_size": 64, "attention": True, "vocab_size": 1000,
              "max_length": 40},
}


@pytest.fixture(scope="session")
def reviews(tmp_path_factory):
    """(context, texts as ids) for a text classifier of the built-in reviews, whose label
    is decided by one adjective and the word before it ('not' flips it)."""
    path = tmp_path_factory.mktemp("reviews") / "r.yaml"
    path.write_text(yaml.safe_dump(REVIEWS))
    spec = load_spec(path)
    texts = load_data(spec.data_settings)
    params = SearchSpace(spec.space).complete({})
    data = frame(spec.data_settings, texts, params)
    # 1.000 validation accuracy by the 8th epoch; 30 epochs took 42 s here, 10 take 11 s
    result = fit(params, data, max_epochs=10, patience=3, seed=0)
    print(f"reviews: val accuracy {result.value:.3f} after {result.epochs} epochs")
    assert result.value > 0.95, f"the text classifier did not learn ({result.value})"
    idx = data.test.target_idx[:40]
    return ExplainContext(result.model, data, seed=0, sample_idx=idx, cache={}), data.test.x[:40]
