"""The predictor a study hands over: its tested model with every encoder, forecasts past the
data with conformal intervals, classes with probabilities, saved and loaded as a folder."""

from lstm_tune.predictor.loading import load_predictor
from lstm_tune.predictor.predictor import Member, Predictor

__all__ = ["Member", "Predictor", "load_predictor"]
