"""Fixtures shared by the SRP cross-checks: one seeded batch of cases per test session."""

from __future__ import annotations

from typing import Any

import pytest
from cognito_srp_cases import build_batch

Batch = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="session")
def batch_and_coverage() -> tuple[Batch, dict[str, int]]:
    """The batch from ``cognito_srp_cases.build_batch()`` and its per-edge counts (about 5 s)."""
    batch, coverage = build_batch()
    return batch, coverage.counts


@pytest.fixture(scope="session")
def batch(batch_and_coverage: tuple[Batch, dict[str, int]]) -> Batch:
    return batch_and_coverage[0]
