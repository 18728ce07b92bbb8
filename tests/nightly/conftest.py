"""Helpers for the tests of a night's run against AWS: pacing, budget, record and replay."""

from __future__ import annotations

from pathlib import Path

import pytest

import conformance

SUITE = Path(conformance.__file__).parent / "suite"


@pytest.fixture
def run_suite(pytester: pytest.Pytester):
    """Run tests of the conformance suite as a user would, in a process of their own (a replayed
    machine must draw what the recorded one drew, and Hypothesis's state in this process would
    differ); returns (result, reports folder)."""

    def run(*args: str, targets: tuple[str, ...]) -> tuple[pytest.RunResult, Path]:
        reports = pytester.path / "reports"
        argv = [
            *(str(SUITE / target) for target in targets),
            f"--reports-dir={reports}",
            "-p",
            "no:cacheprovider",
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
            *args,
        ]
        return pytester.runpytest_subprocess(*argv), reports

    return run
