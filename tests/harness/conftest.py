"""Helpers for the harness's own tests: run the conformance suite in a scratch folder."""

from __future__ import annotations

from pathlib import Path

import pytest

import conformance

SUITE = Path(conformance.__file__).parent / "suite"


@pytest.fixture
def run_suite(pytester: pytest.Pytester):
    """Run (part of) the conformance suite as a user would; returns (result, reports folder)."""

    def run(*args: str, target: str = "", inprocess: bool = False) -> tuple[pytest.RunResult, Path]:
        reports = pytester.path / "reports"
        argv = [
            str(SUITE / target) if target else str(SUITE),
            f"--reports-dir={reports}",
            "-p",
            "no:cacheprovider",
            # in-process runs import the already-loaded package: nothing to rewrite, nothing to warn about
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
            *args,
        ]
        runner = pytester.runpytest_inprocess if inprocess else pytester.runpytest_subprocess
        return runner(*argv), reports

    return run
