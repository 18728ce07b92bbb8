"""Fixtures of the client-flow tests (helpers: clientflows_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from clientflows_support import fixture_runs

from conformance.clientflows.records import write_run


@pytest.fixture
def flow_runs_dir(tmp_path: Path) -> Path:
    """A reports folder holding the fixture runs' client-flow records."""
    for run in fixture_runs():
        write_run(run, tmp_path / "client-flows" / run.endpoint)
    return tmp_path
