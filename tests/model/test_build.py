"""The model builder: shapes, attention read-out, and safe save/load."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tune.model.build import (
    attention_weights, build_model, has_attention, load_model, save_model)

PARAMS = {"layers": 2, "units_1": 6, "units_2": 4, "learning_rate": 1e-3, "dropout": 0.1,
          "bidirectional": True, "attention": True, "batch_size": 8}


def test_stacked_bidirectional_attention_model_predicts_and_reloads(tmp_path):
    model = build_model(PARAMS, window=7, channels=3)
    x = np.random.default_rng(0).standard_normal((5, 7, 3)).astype("float32")
    y = model.predict(x, verbose=0)
    assert y.shape == (5, 1)
    names = [layer.name for layer in model.layers]
    assert "bilstm_1" in names and "bilstm_2" in names and "attention" in names
    weights = attention_weights(model, x)
    assert weights.shape == (5, 7)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)

    path = save_model(model, tmp_path / "m.keras")
    again = load_model(path)
    assert has_attention(again)
    np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(attention_weights(again, x), weights, rtol=1e-5, atol=1e-6)


def test_classifier_head_gives_probabilities():
    model = build_model({**PARAMS, "attention": False, "bidirectional": False}, 5, 2,
                        task="classify", n_outputs=3)
    p = model.predict(np.zeros((4, 5, 2), "float32"), verbose=0)
    assert p.shape == (4, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    assert not has_attention(model)
    with pytest.raises(ValueError, match="no attention layer"):
        attention_weights(model, np.zeros((1, 5, 2), "float32"))


def test_only_keras_files_are_loaded(tmp_path):
    (tmp_path / "model.pkl").write_bytes(b"not a model")
    with pytest.raises(ValueError, match=r"only \.keras"):
        load_model(tmp_path / "model.pkl")


@pytest.mark.parametrize("attention", [False, True])
def test_padded_steps_change_nothing(tmp_path, attention):
    """A sequence's prediction is the same alone and padded in a batch of longer ones,
    also after saving and loading; without the mask the padding would change it."""
    params = {**PARAMS, "attention": attention}
    rng = np.random.default_rng(1)
    short = rng.standard_normal((4, 3)).astype("float32")
    longer = rng.standard_normal((9, 3)).astype("float32")
    batch = np.zeros((2, 9, 3), "float32")
    batch[0, :4], batch[1] = short, longer
    model = build_model(params, window=9, channels=3, task="classify", n_outputs=3, masked=True)
    alone = model.predict(short[None], verbose=0)
    np.testing.assert_allclose(model.predict(batch, verbose=0)[:1], alone, rtol=1e-5, atol=1e-6)
    if attention:
        weights = attention_weights(model, batch)
        assert np.all(weights[0, 4:] < 1e-6) and weights[0, :4].sum() == pytest.approx(1.0)
    again = load_model(save_model(model, tmp_path / "m.keras"))
    np.testing.assert_allclose(again.predict(batch, verbose=0)[:1], alone, rtol=1e-5, atol=1e-6)
    unmasked = build_model(params, window=9, channels=3, task="classify", n_outputs=3)
    unmasked.set_weights(model.get_weights())
    assert not np.allclose(unmasked.predict(batch, verbose=0)[:1], alone, atol=1e-4)


def test_pooling_averages_neighbouring_steps():
    model = build_model({**PARAMS, "pool": 3}, window=10, channels=2)
    assert "pool" in [layer.name for layer in model.layers]
    assert model.get_layer("pool").compute_output_shape((None, 10, 2)) == (None, 4, 2)
    assert model.predict(np.zeros((2, 10, 2), "float32"), verbose=0).shape == (2, 1)


@pytest.mark.parametrize("masked", [False, True])
def test_an_lstm_fcn_reads_padded_sequences_as_alone_and_reloads(tmp_path, masked):
    """LSTM-FCN: the convolutional branch beside the LSTM. With padding, a sequence's
    prediction is the same alone and in a batch of longer ones (the branch zeroes padded
    steps after each convolution and averages over the real ones)."""
    params = {**PARAMS, "conv": "fcn"}
    rng = np.random.default_rng(2)
    model = build_model(params, window=9, channels=3, task="classify", n_outputs=3,
                        masked=masked)
    names = [layer.name for layer in model.layers]
    assert {"fcn_conv_1", "fcn_conv_3", "fcn_norm_2", "fcn_average", "lstm_fcn"} <= set(names)
    assert model.get_layer("fcn_conv_2").filters == 256
    # weights away from their initial values, so padded steps would show if not handled
    model.set_weights([np.abs(rng.normal(size=w.shape)).astype("float32") + 0.1
                       for w in model.get_weights()])
    short = rng.standard_normal((4, 3)).astype("float32")
    batch = np.zeros((2, 9, 3), "float32")
    batch[0, :4], batch[1] = short, rng.standard_normal((9, 3))
    out = model.predict(batch, verbose=0)
    assert out.shape == (2, 3)
    if masked:  # the branch's features (the softmax of such weights saturates)
        import keras

        branch = keras.Model(model.inputs, model.get_layer("fcn_average").output)
        alone = branch.predict(short[None], verbose=0)
        assert np.abs(alone).max() > 1.0
        np.testing.assert_allclose(branch.predict(batch, verbose=0)[:1], alone, rtol=1e-4)
        np.testing.assert_allclose(out[:1], model.predict(short[None], verbose=0), atol=1e-5)
    again = load_model(save_model(model, tmp_path / "m.keras"))
    np.testing.assert_allclose(again.predict(batch, verbose=0), out, rtol=1e-5, atol=1e-6)


def test_an_lstm_fcns_norms_learn_their_statistics_in_a_few_epochs_of_small_data():
    """A search trains LSTM-FCN on small data for few updates an epoch; the batch norms'
    moving statistics, which a trained model predicts with, must have followed the
    convolutions' outputs by then (at Keras' momentum, 0.99, the predictions stayed at
    chance for 50 epochs on OSULeaf)."""
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 1.0, size=(40, 12, 2)).astype("float32")  # far from the norms' 0, 1
    y = (x[:, :, 0].mean(axis=1) > 2.0).astype("int64")
    params = {**PARAMS, "layers": 1, "bidirectional": False, "attention": False, "conv": "fcn"}
    model = build_model(params, window=12, channels=2, task="classify", n_outputs=2)
    model.fit(x, y, batch_size=8, epochs=4, verbose=0)  # 20 updates
    conv = keras.Model(model.inputs, model.get_layer("fcn_conv_1").output)
    actual = conv.predict(x, verbose=0).mean(axis=(0, 1))
    moving = keras.ops.convert_to_numpy(model.get_layer("fcn_norm_1").moving_mean)
    assert np.linalg.norm(moving - actual) < 0.25 * np.linalg.norm(actual)


def test_a_pooled_models_attention_is_spread_back_over_the_input_steps():
    """Attention over pooled steps (each the mean of `pool` input steps) maps back to the
    input's steps for the explainers: each input step its pooled step's share."""
    from lstm_tune.explain.attention import steps_of

    model = build_model({**PARAMS, "pool": 3}, window=10, channels=2)
    x = np.random.default_rng(3).standard_normal((2, 10, 2)).astype("float32")
    pooled = attention_weights(model, x)
    assert pooled.shape == (2, 4)
    spread = steps_of(pooled, 10)
    assert spread.shape == (2, 10)
    np.testing.assert_allclose(spread.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(spread[:, 0], spread[:, 2])  # one pooled step, three inputs
    assert np.allclose(steps_of(spread, 10), spread)
