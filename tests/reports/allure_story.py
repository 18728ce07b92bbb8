"""What the Allure results of conformance runs must tell: ``python tests/reports/allure_story.py DIR``.

Checked on a results folder (``--alluredir``) of one or more runs:

- a test with known divergences is not a plain pass: it is *broken*, its message starting with
  ``known divergence:`` and giving the expectations' reasons, with the divergences and the
  reproducer attached; and at least one such test is there (a moto run has some);
- no test carries a label twice (the same name and value);
- each test has one top-level suite (``parentSuite``), its endpoint (a skipped one may have none);
- the environment names, for every endpoint, the harness version, the service model the schemas
  come from and the run's summary (status, pass share).

``tests/reports/test_report_allure_story.py`` runs it on runs it makes; ``.ci/run`` on the results
its report step builds the Allure report from.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from conformance.reports.allure import KNOWN_PREFIX, KNOWN_TAG, read_properties


def load_results(folder: Path) -> list[dict]:
    """Every test result in an Allure results folder."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*-result.json"))]


def problems(folder: Path) -> list[str]:
    """Everything the results in ``folder`` get wrong (empty: the story is told)."""
    results = load_results(folder)
    if not results:
        return [f"{folder}: no Allure results"]
    out: list[str] = []
    known = 0
    for result in results:
        name = result.get("fullName") or result.get("name")
        labels = [(label["name"], label["value"]) for label in result.get("labels", [])]
        for (label, value), count in sorted(Counter(labels).items()):
            if count > 1:
                out.append(f"{name}: label {label}={value} {count} times")
        suites = [value for label, value in labels if label == "parentSuite"]
        # A test skipped before it reached the endpoint (a fixture's skip) was never judged, so has
        # no endpoint label; every other test has exactly one.
        if len(suites) > 1 or (not suites and result.get("status") != "skipped"):
            out.append(f"{name}: {len(suites)} top-level suites {suites}, expected one (its endpoint)")
        if (("tag", KNOWN_TAG)) in labels:
            known += 1
            message = (result.get("statusDetails") or {}).get("message") or ""
            if result.get("status") == "passed":
                out.append(f"{name}: has known divergences but is shown as a plain pass")
            elif result.get("status") == "broken" and not message.startswith(KNOWN_PREFIX):
                out.append(f"{name}: broken with known divergences, but its message is not their reasons")
            attachments = {a.get("name") for a in result.get("attachments", [])}
            if not {"divergences", "reproducer.py"} <= attachments:
                out.append(f"{name}: known divergences without the divergences and reproducer attached")
    if not known:
        out.append(f"{folder}: no test with known divergences (a moto run has some)")
    environment = folder / "environment.properties"
    properties = read_properties(environment) if environment.is_file() else {}
    endpoints = [e for e in properties.get("endpoints", "").split(",") if e]
    if not endpoints:
        out.append(f"{environment}: no endpoints listed")
    suites = {
        value
        for result in results
        for label in result.get("labels", [])
        if label["name"] == "parentSuite"
        for value in [label["value"]]
    }
    if endpoints and not suites <= set(endpoints):
        out.append(f"top-level suites {sorted(suites)} are not the endpoints {endpoints}")
    for endpoint in endpoints:
        for key in ("harness.version", "specs.botocore_version", "specs.model_sha256", "summary.status"):
            if not properties.get(f"{endpoint}.{key}"):
                out.append(f"{environment}: no {endpoint}.{key}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/reports/allure_story.py ALLURE_RESULTS_DIR", file=sys.stderr)
        return 2
    found = problems(Path(argv[0]))
    for line in found:
        print(line)
    if not found:
        results = load_results(Path(argv[0]))
        states = Counter(r.get("status") for r in results)
        print(
            f"{argv[0]}: {len(results)} results {dict(sorted(states.items()))}; known divergences shown as broken, no label twice"
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
