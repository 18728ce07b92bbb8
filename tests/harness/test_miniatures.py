"""Every kind of check can fail: each miniature (one behaviour broken) is reported by the right check.

Run: ``pytest tests/harness/test_miniatures.py -k wrong-error-code``.
"""

from __future__ import annotations

import pytest

from conformance.checks import MINIATURE_WIRE_CHECKS
from conformance.endpoints import parse
from conformance.records import read_jsonl
from conformance.reference.miniatures import MINIATURES


@pytest.mark.parametrize("name", sorted(MINIATURES))
def test_miniature_is_reported_by_its_check(run_suite, name):
    miniature = MINIATURES[name]
    result, reports = run_suite(f"--endpoint=miniature:{name}", target=miniature.test, inprocess=True)
    results = read_jsonl(reports / "results.jsonl")
    if miniature.detects == "unsupported":
        assert result.ret == pytest.ExitCode.OK
        assert {r["outcome"] for r in results if not r["test_id"].startswith("setup::")} == {"unsupported"}
        result.stdout.fnmatch_lines(["*1 skipped*"])
        return
    divergences = read_jsonl(reports / "divergences.jsonl")
    if miniature.soft:
        # An UNVERIFIED fact: the divergence is reported at that confidence, and the run passes.
        assert result.ret == pytest.ExitCode.OK
        found = [d for d in divergences if d["check"] == miniature.detects]
        assert found and {d["confidence"] for d in found} == {"unverified"}
        return
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    checks = {d["check"] for d in divergences}
    assert miniature.detects in checks
    result.stdout.fnmatch_lines([f"Divergence            : {miniature.detects} (*"])


def test_every_check_kind_of_the_first_checks_has_a_miniature():
    detected = {m.detects for m in MINIATURES.values()}
    wire = MINIATURE_WIRE_CHECKS
    assert wire <= detected
    assert {
        "error.code",
        "error.message",
        "format",
        "member.absent",
        "schema.additional-property",
        "pagination.complete",
        "unsupported",
    } <= detected


def test_at_least_twenty_miniatures_break_one_behaviour_of_the_reference():
    behaviour = [m for m in MINIATURES.values() if m.hooks]
    assert len(MINIATURES) >= 20 and len(behaviour) >= 15
    assert all(bool(m.hooks) != (m.mutate is not None) for m in MINIATURES.values()), "one break each"
    assert all(len(m.hooks) == 1 for m in behaviour), "one behaviour broken each"


@pytest.mark.parametrize("spec", ["miniature:{}", "reference:miniature={}"])
@pytest.mark.parametrize("name", ["accepts-wrong-password", "wrong-content-type"])
def test_a_started_miniature_is_the_reference_with_its_break(spec, name):
    endpoint = parse(spec.format(name))
    endpoint.start()
    try:
        assert endpoint.label == endpoint.implementation == f"miniature:{name}"
        assert endpoint.version == f"reference with one break: {MINIATURES[name].broken}"
        service = endpoint.app.service
        overridden = {hook for hook in MINIATURES[name].hooks or {} if hook in type(service).__dict__}
        assert overridden == set(MINIATURES[name].hooks or {})
        # reference transport first, plus the response rewrite for a response-level break
        assert len(endpoint.client_hooks) == 1 + (MINIATURES[name].mutate is not None)
    finally:
        endpoint.stop()


def test_suite_and_project_tests_have_distinct_module_names():
    """The suite runs inside the project's own test session (pytester, in-process): two test modules
    with one basename would collide there."""
    from pathlib import Path

    import conformance

    root = Path(conformance.__file__).parent.parent
    suite = {p.name for p in (root / "conformance" / "suite").glob("test_*.py")}
    ours = {p.name for p in (root / "tests").rglob("test_*.py")}
    assert not suite & ours
