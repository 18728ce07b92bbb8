"""Malformed answers are classified divergences, never tracebacks.

A success whose body is JSON but not an object (``[]``, ``"x"``, ``3``), or not JSON at all, is a
``wire.body`` divergence; an error body that is not an object is ``wire.error-body``. The recorder
stops the test on an unexpected unreadable success (the next line would read a member of it), and
a call through boto3, which cannot parse such a body, still ends in that divergence.

Run: ``pytest tests/harness/test_malformed_answers.py``.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator

import pytest

from conformance.calls import Cognito, Response
from conformance.checks import (
    BODY_CHECK,
    MINIATURE_WIRE_CHECKS,
    WIRE_CHECKS,
    Recorder,
    schema_divergences,
    wire_divergences,
)
from conformance.divergence import CheckKind, DivergenceFound
from conformance.endpoints import parse
from conformance.endpoints.reference import ReferenceEndpoint
from conformance.records import read_jsonl
from conformance.wire import Exchange

MALFORMED_BODIES = [b"[]", b'"x"', b"3", b"null", b"not json", b"<html>oops</html>", b""]


def _exchange(status: int, body: bytes, operation: str = "CreateUserPool") -> Exchange:
    return Exchange(
        operation=operation,
        request_headers={"X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}"},
        request_body=b'{"PoolName": "p"}',
        status=status,
        response_headers={"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "r-1"},
        response_body=body,
        elapsed_ms=1.0,
    )


@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=repr)
def test_success_body_that_is_not_an_object_is_a_wire_body_divergence(body: bytes) -> None:
    exchange = _exchange(200, body)
    found = wire_divergences(exchange)
    assert [(d.check, d.path, d.kind) for d in found] == [(BODY_CHECK, "$", CheckKind.WIRE)]
    assert found[0].expected == "a JSON object"
    assert found[0].confidence.is_hard
    harness: list[str] = []
    # The schema checks leave it to the wire check: no second divergence, no exception.
    assert schema_divergences(exchange, invalid_request=False, harness=harness) == []
    assert harness == []


@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=repr)
def test_error_body_that_is_not_an_object_is_a_wire_error_body_divergence(body: bytes) -> None:
    exchange = _exchange(400, body)
    checks = {d.check for d in wire_divergences(exchange)}
    assert "wire.error-body" in checks
    assert BODY_CHECK not in checks
    assert schema_divergences(exchange, invalid_request=False, harness=[]) == []


def test_recorder_stops_the_test_on_an_unreadable_success() -> None:
    recorder = Recorder("emulator", "t.py::t")
    response = Response("CreateUserPool", {"PoolName": "p"}, _exchange(200, b"[]"), None)
    with pytest.raises(DivergenceFound) as stopped:
        recorder.observe(response)
    assert [d.key() for d in stopped.value.divergences] == ["CreateUserPool wire.body $"]
    assert [d.key() for d in recorder.divergences] == ["CreateUserPool wire.body $"]


def test_recorder_goes_on_when_the_unreadable_success_is_a_known_divergence() -> None:
    recorder = Recorder("moto", "t.py::t")
    recorder.expected = {"UpdateUserPool wire.body $": "moto answers an empty body"}
    response = Response("UpdateUserPool", {}, _exchange(200, b"", "UpdateUserPool"), None)
    recorder.observe(response)
    assert [d.key() for d in recorder.divergences] == ["UpdateUserPool wire.body $"]


def test_every_wire_check_but_the_body_check_needs_a_miniature() -> None:
    # wire.body-too-large is shown by tests/chaos/ (a chaos endpoint sending 10 MB).
    assert set(WIRE_CHECKS) - MINIATURE_WIRE_CHECKS == {BODY_CHECK, "wire.body-too-large"}
    assert {"wire.content-type", "wire.request-id", "wire.timestamp"} <= MINIATURE_WIRE_CHECKS


@pytest.fixture
def answering() -> Iterator[Callable[[bytes], Cognito]]:
    """A local HTTP server answering every request with HTTP 200 and the body the test sets."""
    answer = {"body": b"{}"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server hook's name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = answer["body"]
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("x-amzn-RequestId", "r-1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def client(body: bytes) -> Cognito:
        answer["body"] = body
        return Cognito(parse(f"http://127.0.0.1:{server.server_port}"))

    client.url = f"http://127.0.0.1:{server.server_port}"  # type: ignore[attr-defined]

    try:
        yield client
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"3", b"not json"], ids=repr)
def test_a_call_answered_with_an_unreadable_body_ends_in_the_divergence(answering, body: bytes) -> None:
    # botocore raises AttributeError on a JSON body that is not an object; the call hands the
    # exchange to the checks instead, and the recorder classifies it.
    cognito = answering(body)
    recorder = Recorder("emulator", "t.py::t")
    cognito.observer = recorder.observe
    with pytest.raises(DivergenceFound) as stopped:
        cognito.create_user_pool(PoolName="p")
    assert [d.check for d in stopped.value.divergences] == [BODY_CHECK]
    assert len(recorder.exchanges) == 1


def test_a_key_set_with_a_malformed_n_is_a_divergence_not_a_traceback(run_suite, monkeypatch) -> None:
    # An emulator whose key set has an n that is not base64url: every token test reports
    # jwks.malformed where it used to end in a traceback from the key parser.
    served = ReferenceEndpoint.jwks

    def malformed(self: ReferenceEndpoint, user_pool_id: str, issuer: str | None = None) -> dict:
        key_set = served(self, user_pool_id, issuer)
        return {"keys": [{**key, "n": "not*base64url"} for key in key_set["keys"]]}

    monkeypatch.setattr(ReferenceEndpoint, "jwks", malformed)
    result, reports = run_suite("--endpoint=reference", target="test_tokens.py", inprocess=True)
    outcomes = {r["outcome"] for r in read_jsonl(reports / "results.jsonl")}
    assert "harness-error" not in outcomes and "divergence" in outcomes
    divergences = read_jsonl(reports / "divergences.jsonl")
    assert {d["check"] for d in divergences} == {"jwks.malformed"}
    assert {d["path"] for d in divergences} == {"jwks.keys[0].n"}
    result.stdout.fnmatch_lines(["Divergence            : jwks.malformed (tokens, documented)"])


def test_a_suite_run_against_an_emulator_answering_a_list_ends_in_divergences(run_suite, answering) -> None:
    # The fixtures read the new pool's id from the first answer; with a body of [] that used to be
    # an AttributeError out of botocore (or a TypeError in the fixture). Now each test fails on the
    # classified divergence and none is a harness error.
    answering(b"[]")
    result, reports = run_suite(
        f"--endpoint={answering.url}", "-k", "not machine", target="test_pools.py", inprocess=True
    )
    counts = result.parseoutcomes()
    assert counts.get("failed") and not counts.get("passed") and not counts.get("errors"), counts
    outcomes = {r["outcome"] for r in read_jsonl(reports / "results.jsonl")}
    assert "divergence" in outcomes and "harness-error" not in outcomes
    checks = {d["check"] for d in read_jsonl(reports / "divergences.jsonl")}
    assert BODY_CHECK in checks
    result.stdout.fnmatch_lines(["Divergence            : wire.body (wire, documented)"])


def _observed(body: bytes, operation: str = "CreateUserPoolClient") -> tuple[Recorder, Response]:
    recorder = Recorder("emulator", "t.py::t")
    response = Response(operation, {}, _exchange(200, body, operation), json.loads(body))
    recorder.observe(response)
    return recorder, response


def test_a_member_read_to_go_on_is_returned_when_it_has_its_type() -> None:
    recorder, response = _observed(b'{"UserPoolClient": {"ClientId": "abc", "UserPoolId": "p"}}')
    assert recorder.read(response, "$.UserPoolClient.ClientId", str) == "abc"
    assert recorder.read(response, "$.UserPoolClient.ClientSecret", str, default=None) is None
    assert recorder.read(response, "$.UserPoolClient", dict, items=str)["UserPoolId"] == "p"


def test_a_wrongly_typed_member_stops_the_test_on_the_schema_divergence_already_recorded() -> None:
    recorder, response = _observed(b'{"UserPoolClient": {"ClientId": 7}}')
    with pytest.raises(DivergenceFound) as stopped:
        recorder.read(response, "$.UserPoolClient.ClientId", str)
    assert [d.key() for d in stopped.value.divergences] == [
        "CreateUserPoolClient schema.type $.UserPoolClient.ClientId"
    ]
    # Not recorded twice.
    assert len([d for d in recorder.divergences if d.path == "$.UserPoolClient.ClientId"]) == 1


def test_a_member_the_model_allows_but_the_test_cannot_use_is_a_member_divergence() -> None:
    # A required member that is absent (the model has no required members in answers), and a boolean
    # where a number goes: recorded here as member.present / member.type, and the test stops.
    recorder, response = _observed(b'{"UserPoolClient": {}}')
    with pytest.raises(DivergenceFound) as stopped:
        recorder.read(response, "$.UserPoolClient.ClientId", str)
    assert [(d.check, d.kind) for d in stopped.value.divergences] == [("member.present", CheckKind.SHAPE)]
    recorder = Recorder("emulator", "t.py::t")
    response = Response("ListUsers", {}, _exchange(200, b'{"Users": [true]}', "ListUsers"), {"Users": [True]})
    with pytest.raises(DivergenceFound):
        recorder.read(response, "$.Users", list, items=int)
