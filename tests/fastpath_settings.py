"""Hypothesis settings shared by the tests that check a fast path against its slow path:
many examples, the same ones on every run (a failure is reproducible), no example
database."""

from hypothesis import HealthCheck, settings

FAST = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
