"""A set-up answer with a member of the wrong JSON type blocks the tests that need it, never crashes.

``{"UserPool": {"Id": 5}}`` or ``{"UserPool": []}`` from CreateUserPool used to end each test that
made a pool in a ``TypeError`` or ``KeyError`` (or botocore's ``AttributeError``), counted as a
harness error with a traceback, where the endpoint's answer is the divergence. Now the divergence is
reported once (``setup::<Operation>``, ``schema.type`` at the member) and the tests that needed the
answer are skipped as "blocked by a divergence in <Operation>"; the same for CreateUserPoolClient and
AdminCreateUser.

Run: ``pytest tests/harness/test_setup_typed_members.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from conformance.records import read_jsonl
from conformance.reference.miniatures import MINIATURES, Miniature

#: Every test here needs a pool, an app client and users from the fixtures, and makes none itself.
TARGET = "test_auth_admin.py"


def _key(record: dict[str, Any]) -> tuple[str, str, str, str]:
    return record["test_id"], record["operation"], record["check"], record["path"]


def test_a_pool_id_that_is_a_number_blocks_every_test_that_needs_a_pool(run_suite):
    result, reports = run_suite("--endpoint=miniature:pool-id-not-a-string")
    results = read_jsonl(reports / "results.jsonl")
    outcomes = result.parseoutcomes()
    assert "errors" not in outcomes and "harness-error" not in {r["outcome"] for r in results}, outcomes
    assert outcomes["skipped"] >= 150, outcomes
    result.stdout.fnmatch_lines(["*blocked by a divergence in CreateUserPool*"])
    assert "TypeError" not in result.stdout.str() and "KeyError" not in result.stdout.str()
    divergences = read_jsonl(reports / "divergences.jsonl")
    setup = {_key(r) for r in divergences if r["test_id"] == "setup::CreateUserPool"}
    # Reported once, as the schema divergence of the member; no second member.present finding for it.
    assert setup == {("setup::CreateUserPool", "CreateUserPool", "schema.type", "$.UserPool.Id")}
    # The only failure is the test that makes pools with its own calls and judges their answers.
    failed = {
        r["test_id"]
        for r in results
        if r["outcome"] == "divergence" and not r["test_id"].startswith("setup::")
    }
    assert failed == {"test_machines.py::test_pools_and_clients_machine"}, failed
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def _member(
    operation: str, change: Callable[[dict[str, Any]], None]
) -> Callable[[str, dict[str, Any]], None]:
    def mutate(answered: str, response: dict[str, Any]) -> None:
        if answered != operation or response["status_code"] != 200:
            return
        body = json.loads(response["body"] or b"{}")
        change(body)
        response["body"] = json.dumps(body).encode()

    return mutate


def _set(member: str, key: str | None, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        if key is None:
            body[member] = value
        else:
            body[member][key] = value

    return change


def _sub_as_number(body: dict[str, Any]) -> None:
    body["User"]["Attributes"] = [{"Name": "sub", "Value": 5}]


@pytest.mark.parametrize(
    ("operation", "change", "path"),
    [
        ("CreateUserPool", _set("UserPool", None, []), "$.UserPool"),
        ("CreateUserPoolClient", _set("UserPoolClient", "ClientId", 5), "$.UserPoolClient.ClientId"),
        ("CreateUserPoolClient", _set("UserPoolClient", None, []), "$.UserPoolClient"),
        ("CreateUserPoolClient", _set("UserPoolClient", "ClientSecret", 5), "$.UserPoolClient.ClientSecret"),
        ("AdminCreateUser", _set("User", None, []), "$.User"),
        ("AdminCreateUser", _set("User", "Attributes", "sub"), "$.User.Attributes"),
        ("AdminCreateUser", _sub_as_number, "$.User.Attributes[0].Value"),
    ],
    ids=[
        "pool-a-list",
        "client-id-a-number",
        "client-a-list",
        "client-secret-a-number",
        "user-a-list",
        "attributes-a-string",
        "sub-a-number",
    ],
)
def test_a_wrongly_typed_set_up_member_blocks_the_tests_that_need_it(
    run_suite, monkeypatch, operation, change, path
):
    name = f"typed-{operation}-{path}"
    monkeypatch.setitem(
        MINIATURES,
        name,
        Miniature(name, f"{path} of the wrong type", "schema.type", "", mutate=_member(operation, change)),
    )
    result, reports = run_suite(f"--endpoint=miniature:{name}", target=TARGET, inprocess=True)
    outcomes = result.parseoutcomes()
    results = read_jsonl(reports / "results.jsonl")
    assert "errors" not in outcomes and "harness-error" not in {r["outcome"] for r in results}, outcomes
    assert outcomes.get("skipped", 0) >= 1, outcomes
    result.stdout.fnmatch_lines([f"*blocked by a divergence in {operation}*"])
    divergences = read_jsonl(reports / "divergences.jsonl")
    assert (f"setup::{operation}", operation, "schema.type", path) in {_key(r) for r in divergences}
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_good_set_up_answer_the_harness_cannot_use_is_a_harness_error_not_a_skip(run_suite, monkeypatch):
    # Blocking says the endpoint is at fault; when the checks find nothing wrong with the answer,
    # the fault is the harness's, and hiding it as a skip would hide the bug.
    import conformance.fixtures

    def refuses(cognito: Any, pool_id: str, **params: Any) -> tuple[Any, None]:
        return cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c", **params), None

    monkeypatch.setattr(conformance.fixtures, "create_app_client", refuses)
    result, reports = run_suite(
        "--endpoint=reference",
        "-k",
        "test_admin_user_password_auth_returns_tokens",
        target=TARGET,
        inprocess=True,
    )
    assert result.parseoutcomes().get("failed") == 1
    results = read_jsonl(reports / "results.jsonl")
    assert {r["outcome"] for r in results if r["test_id"].startswith("test_")} == {"harness-error"}
    result.stdout.fnmatch_lines(
        ["*the harness could not use a set-up answer in which the checks find nothing wrong*"]
    )
