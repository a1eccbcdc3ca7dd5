"""lstm_tune: find good Keras LSTM models for a sequence task, and explain them."""

__version__ = "0.1.0"
