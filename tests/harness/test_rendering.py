"""The divergence block: one fixed, labelled format (pinned here), secrets redacted.

Run: ``pytest tests/harness/test_rendering.py``.
"""

from __future__ import annotations

from conformance.divergence import CheckKind, Confidence, Divergence
from conformance.records import divergence_record
from conformance.redact import redact
from conformance.reports.terminal import summary_table
from conformance.wire import Exchange


def _exchange() -> Exchange:
    return Exchange(
        operation="AdminInitiateAuth",
        request_headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.AdminInitiateAuth"},
        request_body=b'{"AuthParameters": {"USERNAME": "u", "PASSWORD": "Sup3r-Secret!"}}',
        status=200,
        response_headers={"Content-Type": "application/x-amz-json-1.1"},
        response_body=b'{"AuthenticationResult": {"AccessToken": "eyJraWQiOiJhYmMi.eyJzdWIiOiJ4In0.c2ln"}}',
        elapsed_ms=1.25,
    )


def test_block_is_pinned():
    divergence = Divergence(
        operation="AdminInitiateAuth",
        check="error.code",
        path="$.__type",
        expected="NotAuthorizedException",
        actual="success (HTTP 200)",
        confidence=Confidence.VERIFIED,
        source="facts:tokens.admin-refresh-revoked [GitHub issue aws/aws-sdk-net#1936 https://github.com/aws/aws-sdk-net/issues/1936]",
        kind=CheckKind.ERRORS,
        evidence=_exchange(),
        note="user disabled at step 2",
    )
    assert divergence.render(endpoint="moto (from option)", reproducer="r1 = client.x()") == (
        "Divergence            : error.code (errors, verified)\n"
        "Endpoint              : moto (from option)\n"
        "Operation             : AdminInitiateAuth\n"
        "Path                  : $.__type\n"
        "AWS does              : NotAuthorizedException\n"
        "Endpoint returned     : success (HTTP 200)\n"
        "Source                : facts:tokens.admin-refresh-revoked [GitHub issue aws/aws-sdk-net#1936 https://github.com/aws/aws-sdk-net/issues/1936]\n"
        "Context               : user disabled at step 2\n"
        "Wire                  : HTTP 200 application/x-amz-json-1.1 82 bytes: "
        '{"AuthenticationResult": {"AccessToken": "<redacted:jwt>"}}\n'
        "Reproduce with        :\n"
        "    r1 = client.x()\n"
        "Expectation key       : AdminInitiateAuth error.code $.__type"
    )


def test_json_record_redacts_request_and_response_secrets():
    divergence = Divergence(
        "AdminInitiateAuth", "x", "$", 1, 2, Confidence.DOCUMENTED, "s", CheckKind.WIRE, evidence=_exchange()
    )
    record = redact(divergence_record(divergence, test_id="t.py::t", expected_reason=None, reproducer=""))
    text = repr(record)
    assert "Sup3r-Secret!" not in text and "eyJzdWIiOiJ4In0" not in text
    assert record["evidence"]["request"]["body"]["AuthParameters"]["PASSWORD"] == "<redacted:PASSWORD>"
    assert (
        record["evidence"]["response"]["body"]["AuthenticationResult"]["AccessToken"]
        == "<redacted:AccessToken>"
    )


def test_fingerprint_is_stable_and_follows_the_key():
    a = Divergence("Op", "c", "$.a", 1, 2, Confidence.DOCUMENTED, "s", CheckKind.SHAPE)
    b = Divergence("Op", "c", "$.a", 3, 4, Confidence.VERIFIED, "t", CheckKind.SHAPE)
    assert a.fingerprint() == b.fingerprint() and len(a.fingerprint()) == 12
    assert (
        a.fingerprint()
        != Divergence("Op", "c", "$.b", 1, 2, Confidence.DOCUMENTED, "s", CheckKind.SHAPE).fingerprint()
    )


def test_summary_table_counts_per_operation():
    from collections import Counter

    lines = summary_table(
        {"CreateUserPool": Counter({"pass": 2, "divergence": 1}), "ListDevices": Counter({"unsupported": 1})}
    )
    assert lines[0].split() == ["operation", "pass", "divergent", "known", "unsupported", "harness"]
    assert lines[2].split() == ["CreateUserPool", "2", "1", "0", "0", "0"]
    assert lines[3].split() == ["ListDevices", "0", "0", "0", "1", "0"]
    assert lines[-1].split() == ["total", "2", "1", "0", "1", "0"]
