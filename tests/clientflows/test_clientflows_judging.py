"""Known client-flow failures: the files' rules, and how a run is judged against them.

Run: ``pytest tests/clientflows/test_clientflows_judging.py -q``.
"""

from __future__ import annotations

import json

import pytest
from clientflows_support import INJECTED, fixture_runs

from conformance.clientflows import FLOWS, RECORD_FILE, flow_by_id, load_client_flow_runs
from conformance.clientflows.expectations import (
    ExpectationError,
    judge,
    load_expectations,
    parse_expectations,
)
from conformance.clientflows.records import ClientFlowRun, FlowResult, write_run
from conformance.facts import fact


def test_every_flow_rests_on_a_fact_in_the_catalogue():
    for flow in FLOWS:
        assert fact(flow.fact).sources, flow.id
    assert len({flow.id for flow in FLOWS}) == len(FLOWS)
    with pytest.raises(KeyError, match="known: amplify.sign-in-srp"):
        flow_by_id("amplify.nothing")


@pytest.mark.parametrize("implementation", ["moto", "cognito-local"])
def test_the_shipped_expectations_load_and_cite_facts(implementation):
    known = load_expectations(implementation)
    assert known
    for entry in known.values():
        assert "facts:" in entry.reason and entry.error


def test_the_reference_has_no_known_client_flow_failures():
    # The reference must pass every flow: its file holds only the rules, no entry.
    assert load_expectations("reference") == {}


def test_an_implementation_without_a_file_has_no_known_failures():
    assert load_expectations("unknown") == {}
    assert load_expectations("miniature:srp-b-zero") == {}


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ('id = "amplify.nothing"\nerror = "x"\nreason = "(facts:pools.id-format)"', "unknown client flow"),
        ('id = "amplify.refresh"\nreason = "(facts:pools.id-format)"', "no `error` fragment"),
        (
            'id = "amplify.refresh"\nerror = "x"\nreason = "explored; no record in the last run"',
            "cites no fact",
        ),
        ('id = "amplify.refresh"\nerror = "x"\nreason = "(facts:pools.no-such-fact)"', "no fact"),
    ],
)
def test_malformed_entries_are_refused(entry, complaint):
    with pytest.raises(ExpectationError, match=complaint):
        parse_expectations(f"[[flow]]\n{entry}\n")


def test_a_flow_listed_twice_is_refused():
    entry = '[[flow]]\nid = "amplify.refresh"\nerror = "x"\nreason = "(facts:pools.id-format)"\n'
    with pytest.raises(ExpectationError, match="listed twice"):
        parse_expectations(entry + entry)


def test_verdicts():
    known = parse_expectations(
        '[[flow]]\nid = "amplify.refresh"\nerror = "GetTokensFromRefreshToken"\nreason = "r (facts:tokens.get-tokens-from-refresh)"\n'
        '[[flow]]\nid = "acij.refresh"\nerror = "x"\nreason = "r (facts:auth.acij-flows)"\n'
        '[[flow]]\nid = "acij.global-sign-out"\nerror = "x"\nreason = "r (facts:auth.acij-flows)"\n'
    )
    results = judge(
        [
            FlowResult("amplify.sign-in-srp", "amplify", "pass"),
            FlowResult(
                "amplify.refresh", "amplify", "fail", error="X: does not implement GetTokensFromRefreshToken"
            ),
            FlowResult("amplify.global-sign-out", "amplify", "fail", error="X: other"),
            FlowResult("acij.refresh", "acij", "pass"),
            FlowResult(
                "acij.global-sign-out", "acij", "not-reached", error="not reached: acij.refresh failed"
            ),
            FlowResult("acij.device-sign-in", "acij", "harness-error", error="acij.js failed"),
        ],
        known,
    )
    assert [r.verdict for r in results] == [
        "pass",
        "known",
        "unexpected",
        "vanished",
        "blocked",
        "unexpected",
    ]
    assert results[1].reason.startswith("r (facts:")


def test_a_known_flow_failing_differently_is_unexpected():
    known = parse_expectations(
        '[[flow]]\nid = "acij.sign-in-srp"\nerror = "User does not exist."\nreason = "(facts:auth.user-id-for-srp)"\n'
    )
    [result] = judge(
        [FlowResult("acij.sign-in-srp", "acij", "fail", error="NotAuthorizedException: x")], known
    )
    assert result.verdict == "unexpected"


def test_a_run_fails_on_an_unexpected_or_vanished_verdict():
    emu_a, emu_b = fixture_runs()
    assert emu_a.status == "fail" and emu_b.status == "pass"
    verdicts = {r.flow: r.verdict for r in emu_a.results}
    assert verdicts["acij.sign-in-srp"] == "known"
    assert verdicts["amplify.refresh"] == "unexpected"
    assert verdicts["jwt-verify.id-token"] == "vanished"
    assert verdicts["acij.refresh"] == "blocked"


def test_records_round_trip_and_the_latest_run_per_endpoint_wins(tmp_path):
    emu_a, emu_b = fixture_runs()
    path = write_run(emu_a, tmp_path / "a")
    data = json.loads(path.read_text())
    assert path.name == RECORD_FILE and data["status"] == "fail"
    assert any(r["error"] == INJECTED for r in data["results"])
    newer = ClientFlowRun("emu-a", "emu", "http://127.0.0.1:1", 200.0, {}, list(emu_b.results))
    write_run(newer, tmp_path / "b")
    [loaded] = load_client_flow_runs([tmp_path])
    assert loaded.started == 200.0 and loaded.status == "pass"
    assert load_client_flow_runs([path])[0].results == emu_a.results


def test_tokens_in_an_error_text_are_redacted_in_the_record(tmp_path):
    token = "eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJ4eHh4eHh4eHh4eHgifQ.c2lnbmF0dXJlc2lnbmF0dXJlc2ln"
    run = ClientFlowRun(
        "e",
        "emu",
        "http://x",
        1.0,
        {},
        [FlowResult("amplify.refresh", "amplify", "fail", error=f"bad {token}")],
    )
    text = write_run(run, tmp_path).read_text()
    assert token not in text
