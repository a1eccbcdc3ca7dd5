"""Every explainer that reads a model's inputs passes the shared suite on LSTM-FCN models
too (a file of its own: its two models train in their own test process)."""

from __future__ import annotations

import pytest

from tests.explain.explainer_suite import ExplainerSuite

pytestmark = pytest.mark.slow  # two models to train: started first


class LSTMFCNSuite(ExplainerSuite):
    """The same suite on LSTM-FCN models (`conv: fcn`): windows and padded sequences; the
    classification, panel and text paths are the plain LSTM's above."""

    @pytest.fixture
    def synthetic(self, synthetic_fcn):
        return synthetic_fcn

    @pytest.fixture
    def synthetic_sequences(self, synthetic_sequences_fcn):
        return synthetic_sequences_fcn

    @pytest.fixture
    def synthetic_class(self):
        pytest.skip("the classification path: the plain LSTM's suite")

    @pytest.fixture
    def synthetic_panel(self):
        pytest.skip("the panel path: the plain LSTM's suite")

    @pytest.fixture
    def reviews(self):
        pytest.skip("texts have no convolutional branch")


class TestSHAPOnLSTMFCN(LSTMFCNSuite):
    method = "shap"
    # measured 0.889 and 0.892 on two trainings of the windows' LSTM-FCN (LIME on the same
    # model: 0.9 and above): its convolutions spread a little weight over the noise inputs
    min_informative_share = 0.85


class TestLIMEOnLSTMFCN(LSTMFCNSuite):
    method = "lime"
    min_informative_share = 0.9
