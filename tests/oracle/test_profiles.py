"""The profile table (conformance/profiles.py): one row per Hypothesis profile, for Hypothesis and the machines.

Run: ``pytest tests/oracle/test_profiles.py -q``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from conformance import profiles
from conformance.profiles import DEFAULT_PROFILE, PROFILES, Budget, register

#: the settings a profile's tests depend on.
COMPARED = (
    "max_examples",
    "derandomize",
    "database",
    "deadline",
    "suppress_health_check",
    "stateful_step_count",
)


def _shown(chosen: settings) -> dict[str, object]:
    return {name: getattr(chosen, name) for name in COMPARED}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_register_gives_hypothesis_the_settings_the_plugin_registers(name):
    # The plugin registers its profiles when imported: the table must give the same settings.
    import conformance.plugin  # noqa: F401

    before = _shown(settings.get_profile(name))
    register()
    assert _shown(settings.get_profile(name)) == before
    assert _shown(settings(**PROFILES[name].hypothesis)) == before


def test_ci_is_the_default_and_is_reproducible():
    ci = PROFILES[DEFAULT_PROFILE]
    assert DEFAULT_PROFILE == "ci"
    assert ci.hypothesis["derandomize"] is True
    assert ci.hypothesis["database"] is None
    assert ci.hypothesis["deadline"] is None
    assert HealthCheck.too_slow in ci.hypothesis["suppress_health_check"]
    assert ci.hypothesis["max_examples"] == 50


def test_aws_budget_bounds_calls_and_users():
    row = PROFILES["aws-budget"]
    assert row.hypothesis["stateful_step_count"] == 10
    assert (row.examples, row.steps, row.budget) == (4, 10, Budget(max_users=2))


def test_every_profile_bounds_shrinking():
    for row in PROFILES.values():
        assert 0 < row.shrink_seconds <= 120


def test_profile_lookup():
    assert profiles.profile(None) is PROFILES["ci"]
    assert profiles.profile("nightly") is PROFILES["nightly"]
    # A profile a user registered with Hypothesis alone: the machines take the dev sizes.
    assert profiles.profile("my-own") is PROFILES["dev"]


def test_machine_settings_size_a_machine_run():
    row = PROFILES["nightly"]
    chosen = profiles.machine_settings(row)
    assert (chosen.max_examples, chosen.stateful_step_count, chosen.deadline) == (200, 40, None)
    assert chosen.print_blob is False
