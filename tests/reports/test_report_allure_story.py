"""The Allure report tells the compatibility story: known divergences are not plain passes, labels once.

Two real runs of one suite module (moto, which has known divergences, and the reference, which has
none) write one Allure results folder, as .ci/run's report step does; ``allure_story.problems`` reads
it (.ci/run also runs it on the report step's own results folder). The report built from it is then
opened in headless Chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from allure_story import load_results, problems

import conformance
from conformance.reports.allure import KNOWN_PREFIX, KNOWN_TAG
from conformance.reports.browser import find_chromium, load_page

SUITE = Path(conformance.__file__).parent / "suite"
ALLURE = Path(__file__).resolve().parents[2] / "tools/npm/node_modules/.bin/allure"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("allure-story")
    for endpoint in ("moto", "reference"):
        subprocess.run(
            [sys.executable, "-m", "pytest", str(SUITE / "test_pools.py"), f"--endpoint={endpoint}", "-q"]
            + [
                "-p",
                "no:cacheprovider",
                f"--alluredir={work / 'results'}",
                f"--reports-dir={work / endpoint}",
            ],
            cwd=work,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return work / "results"


def test_known_divergences_are_broken_and_no_label_repeats(results: Path) -> None:
    assert problems(results) == []
    known = [r for r in load_results(results) if {"name": "tag", "value": KNOWN_TAG} in r["labels"]]
    assert known and all(r["status"] == "broken" for r in known)
    # The message gives the expectation's reason, with the fact it cites.
    assert all(r["statusDetails"]["message"].startswith(KNOWN_PREFIX) for r in known)
    assert any("facts:" in r["statusDetails"]["message"] for r in known)
    # A clean pass stays a pass; each endpoint is its own top-level suite.
    suites = {
        label["value"]
        for r in load_results(results)
        for label in r["labels"]
        if label["name"] == "parentSuite"
    }
    assert {"moto", "reference"} <= suites
    assert any(r["status"] == "passed" for r in load_results(results))


def test_the_check_catches_a_plain_pass_and_a_repeated_label(results: Path, tmp_path: Path) -> None:
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    known = next(
        p
        for p in sorted(copy.glob("*-result.json"))
        if {"name": "tag", "value": KNOWN_TAG} in json.loads(p.read_text())["labels"]
    )
    result = json.loads(known.read_text())
    result["status"] = "passed"
    result["labels"].append(dict(result["labels"][0]))
    known.write_text(json.dumps(result))
    found = problems(copy)
    assert any("shown as a plain pass" in line for line in found)
    assert any(" 2 times" in line for line in found)


@pytest.mark.needs_node
@pytest.mark.skipif(not ALLURE.exists(), reason="npm ci --prefix tools/npm not run")
def test_known_divergences_in_the_report_in_chromium(results: Path, tmp_path: Path) -> None:
    from conformance.reports.allure import generate_report

    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("CONFORMANCE_REQUIRE_CHROMIUM") == "1":
            pytest.fail("CONFORMANCE_REQUIRE_CHROMIUM=1 but no chromium (apt-get install -y chromium)")
        pytest.skip("chromium not installed")
    index = generate_report(results, tmp_path / "allure-report", allure_bin=ALLURE)
    loaded = load_page(index.as_uri(), chromium=chromium, wait_ms=10_000)
    assert loaded.console == []
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", loaded.dom, flags=re.DOTALL)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    # The tree groups by endpoint first (each its own top-level suite), then by suite module; the
    # first endpoint is open, the others folded.
    assert re.search(r"\bmoto [\d ]+ test_pools\b", text), text[:2000]
    assert re.search(r"\breference \d+\b", text), text[:2000]
    # The tests with known divergences are counted as broken, not as passed.
    broken = sum(r["status"] == "broken" for r in load_results(results))
    assert broken and f"Broken {broken}" in text
