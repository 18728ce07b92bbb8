"""Repository-level pytest configuration.

The conformance plugin itself arrives through the ``pytest11`` entry point of the installed
package (``pip install -e .``), so this file only holds what belongs to this checkout: the
Hypothesis profiles that the project's own property tests and CI choose with
``--hypothesis-profile``.
"""

from hypothesis import HealthCheck, settings

# ci: fast and reproducible (derandomized, no example database written into the clone).
settings.register_profile(
    "ci",
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# nightly: thorough.
settings.register_profile("nightly", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
# aws-budget: few examples and steps, for runs against real AWS, where every call counts toward the
# account's request quotas and every user toward its monthly active users (aws-behaviour.md §11).
# The stateful machines also cap users per example and calls per run (conformance/machines/base.py PROFILES).
settings.register_profile(
    "aws-budget",
    max_examples=4,
    stateful_step_count=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("dev")
