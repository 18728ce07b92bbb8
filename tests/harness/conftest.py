"""Helpers for the harness's own tests: run the conformance suite in a scratch folder."""

from __future__ import annotations

from pathlib import Path

import pytest

import conformance

# In-process pytester runs restore sys.modules afterwards, dropping every module first imported
# during the run. A module the suite imports lazily would be imported again by the next run and by
# later tests: two copies of a class, and state split between them. Importing them here, before any
# run, keeps one copy. (The reference endpoint module brings the reference and the miniatures.)
import conformance.endpoints.reference  # noqa: F401, E402
import conformance.machines.base  # noqa: F401, E402
import conformance.oracle  # noqa: F401, E402
import conformance.reports.allure  # noqa: F401, E402
import conformance.reports.history  # noqa: F401, E402
import conformance.specs  # noqa: F401, E402

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
