"""Set-up divergences are reported once, and every other test is judged on its own calls.

Every test makes its pool through a fixture, so a wrong CreateUserPool answer used to fail every test
and hide what the endpoint does with users, tokens or devices. The fixtures' calls are set-up calls
(conformance/session.py): their automatic checks go once to ``setup::<Operation>``.

Run: ``pytest tests/harness/test_setup_attribution.py``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from conformance.records import read_jsonl
from conformance.reference.miniatures import MINIATURES, Miniature

NULL_MEMBERS = "null-members-in-create-user-pool"
SETUP_KEY = ("CreateUserPool", "schema.type", "$.UserPool.SmsConfiguration")
#: The pools machine creates pools itself (its own calls, not set-up calls): run the rest.
NOT_OWN_CREATE_USER_POOL = "not test_pools_and_clients_machine"


def _key(record: dict[str, Any]) -> tuple[str, str, str]:
    return record["operation"], record["check"], record["path"]


def test_a_set_up_divergence_is_reported_once_and_the_other_tests_stand_on_their_own(run_suite):
    result, reports = run_suite(f"--endpoint=miniature:{NULL_MEMBERS}", "-k", NOT_OWN_CREATE_USER_POOL)
    divergences = read_jsonl(reports / "divergences.jsonl")
    results = read_jsonl(reports / "results.jsonl")

    # Once in divergences.jsonl, under the run-level set-up record, and once in the terminal.
    assert [r["test_id"] for r in divergences if _key(r) == SETUP_KEY] == ["setup::CreateUserPool"]
    output = result.stdout.str()
    assert output.count("Expectation key       : CreateUserPool schema.type $.UserPool.SmsConfiguration") == 1
    result.stdout.fnmatch_lines(["*setup::CreateUserPool: * calls, 2 unexpected, 2 on UNVERIFIED facts*"])
    setup_lines = [r for r in results if r["test_id"] == "setup::CreateUserPool" and r["kind"] == "shape"]
    assert [r["outcome"] for r in setup_lines] == ["divergence"]

    # An unexpected set-up divergence fails the run once, not each of the ~170 tests that made a pool.
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = result.parseoutcomes()
    assert outcomes["passed"] >= 170, outcomes
    # The tests that fail do so for their own DescribeUserPool calls, which carry the same members.
    failing = {r["test_id"] for r in results if r["outcome"] == "divergence" and "::" in r["test_id"]}
    failing.discard("setup::CreateUserPool")
    describers = {r["test_id"] for r in results if r["operation"] == "DescribeUserPool"}
    assert outcomes["failed"] == len(failing) and failing <= describers, failing
    own = Counter(r["operation"] for r in divergences if r["test_id"] in failing)
    assert set(own) == {"DescribeUserPool"}, own


def _no_pool_id(operation: str, response: dict[str, Any]) -> None:
    import json

    body = json.loads(response["body"] or b"{}")
    if operation == "CreateUserPool" and isinstance(body.get("UserPool"), dict):
        body["UserPool"]["Id"] = None
        response["body"] = json.dumps(body).encode()


def test_a_set_up_answer_without_a_pool_id_blocks_the_tests_that_need_it(run_suite, monkeypatch):
    name = "create-user-pool-without-id"
    monkeypatch.setitem(
        MINIATURES,
        name,
        Miniature(name, "answers CreateUserPool with a null Id", "schema.type", "", mutate=_no_pool_id),
    )
    result, reports = run_suite(
        f"--endpoint=miniature:{name}", target="test_tokens_sign_out.py", inprocess=True
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped", 0) >= 8 and "failed" not in outcomes, outcomes
    result.stdout.fnmatch_lines(["*blocked by a divergence in CreateUserPool*"])
    divergences = read_jsonl(reports / "divergences.jsonl")
    assert {r["test_id"] for r in divergences} == {"setup::CreateUserPool"}
    assert ("CreateUserPool", "schema.type", "$.UserPool.Id") in {_key(r) for r in divergences}
    # Blocked tests are not failures of their own, but the set-up divergence still fails the run.
    assert result.ret == pytest.ExitCode.TESTS_FAILED
