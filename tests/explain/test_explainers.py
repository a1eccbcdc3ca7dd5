"""Every explainer passes the shared suite."""

from __future__ import annotations

from tests.explain.explainer_suite import ExplainerSuite


class TestSHAP(ExplainerSuite):
    method = "shap"
    min_informative_share = 0.9


class TestLIME(ExplainerSuite):
    method = "lime"
    min_informative_share = 0.9


class TestAttention(ExplainerSuite):
    method = "attention"
    per_feature = False
    signed = False
    min_informative_share = 0.9  # the README's attention figure is held to it too
