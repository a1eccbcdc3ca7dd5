"""Every strategy passes the shared suite."""

from __future__ import annotations

from tests.search.strategy_suite import StrategySuite


class TestTPE(StrategySuite):
    strategy = "tpe"
    beats_random = False  # TPE is not held to it here; it is compared in benchmarks


class TestRandom(StrategySuite):
    strategy = "random"


class TestGA(StrategySuite):
    strategy = "ga"
    resumes_exactly = True
    beats_random = True


class TestPSO(StrategySuite):
    strategy = "pso"
    resumes_exactly = True
    beats_random = True
