"""Hypothesis settings for ampliform's property tests, applied per test (no global profile is loaded).

By default every test runs *derandomized* (the same examples on every run, so CI is deterministic) with no
example database (nothing written into the tree). ``AMPLIFORM_HYPOTHESIS=explore`` switches to random
examples, ten times as many, for a local bug hunt: ``AMPLIFORM_HYPOTHESIS=explore venv/bin/pytest
tests/test_properties.py``.

Use: ``@tuned(150)`` on a ``@given`` test.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile("ampliform-ci", derandomize=True, **_COMMON)
settings.register_profile("ampliform-explore", derandomize=False, **_COMMON)

EXPLORE = os.environ.get("AMPLIFORM_HYPOTHESIS", "") == "explore"
BASE = settings.get_profile("ampliform-explore" if EXPLORE else "ampliform-ci")


def tuned(max_examples: int) -> settings:
    """The settings for one test: the shared profile with this many examples (x10 when exploring)."""
    return settings(BASE, max_examples=max_examples * (10 if EXPLORE else 1))
