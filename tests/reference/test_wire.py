"""The wire protocol of the reference (docs/facts.md §7, §10), checked on raw bytes.

Run: ``pytest tests/reference/test_wire.py -q``.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest

from conformance.reference import ReferenceApp

TARGET = "AWSCognitoIdentityProviderService."


def call(app: ReferenceApp, operation: str, body: Any) -> tuple[int, dict[str, str], Any]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, headers, payload = app.dispatch(
        TARGET + operation, raw, {"Content-Type": "application/x-amz-json-1.1"}
    )
    return status, headers, json.loads(payload)


def test_success_is_200_json_with_request_id(app: ReferenceApp) -> None:
    status, headers, body = call(app, "CreateUserPool", {"PoolName": "p"})
    assert status == 200
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-requestid"]
    assert body["UserPool"]["Id"].startswith("us-east-1_")


def test_timestamps_are_epoch_seconds_with_millisecond_fraction(app: ReferenceApp, clock: Any) -> None:
    clock.advance(0.1234)
    _, _, body = call(app, "CreateUserPool", {"PoolName": "p"})
    created = body["UserPool"]["CreationDate"]
    assert isinstance(created, float)
    assert created == round(clock.now(), 3)


def test_empty_output_is_an_empty_object(app: ReferenceApp) -> None:
    _, _, created = call(app, "CreateUserPool", {"PoolName": "p"})
    status, headers, body = call(app, "DeleteUserPool", {"UserPoolId": created["UserPool"]["Id"]})
    assert (status, body, headers["Content-Length"]) == (200, {}, "2")


def test_errors_are_400_with_type_message_and_errortype_header(app: ReferenceApp) -> None:
    status, headers, body = call(app, "DescribeUserPool", {"UserPoolId": "us-east-1_missing00"})
    assert status == 400
    assert body == {
        "__type": "ResourceNotFoundException",
        "message": "User pool us-east-1_missing00 does not exist.",
    }
    assert headers["x-amzn-errortype"].split(":")[0] == "ResourceNotFoundException"


def test_validation_message_matches_aws_form(app: ReferenceApp) -> None:
    _, _, body = call(app, "ListUsers", {"UserPoolId": "us-east-1_abc", "Limit": 100})
    assert body == {
        "__type": "InvalidParameterException",
        "message": "1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 60",
    }


def test_validation_counts_violations_and_hides_sensitive_values(app: ReferenceApp) -> None:
    _, _, body = call(app, "SignUp", {"ClientId": "abc", "Username": "has space", "Password": "a b"})
    message = body["message"]
    assert message.startswith("2 validation errors detected: ")
    assert (
        "Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern"
        in message
    )
    assert "a b" not in message and "has space" not in message


def test_missing_required_member_is_not_null(app: ReferenceApp) -> None:
    _, _, body = call(app, "DescribeUserPool", {})
    assert body["message"] == (
        "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_enum_violation_lists_the_value_set(app: ReferenceApp) -> None:
    _, _, body = call(app, "InitiateAuth", {"ClientId": "abc", "AuthFlow": "NO_SUCH_FLOW"})
    assert (
        "Value 'NO_SUCH_FLOW' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: ["
        in body["message"]
    )


def test_wrong_json_type_is_a_serialization_error(app: ReferenceApp) -> None:
    status, _, body = call(app, "ListUserPools", {"MaxResults": "ten"})
    assert (status, body["__type"]) == (400, "SerializationException")
    status, _, body = call(app, "ListUserPools", b"{not json")
    assert (status, body["__type"]) == (400, "SerializationException")


def test_unknown_target_and_unimplemented_operation(app: ReferenceApp) -> None:
    status, _, body = call(app, "NoSuchOperation", {})
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, _, body = call(app, "CreateResourceServer", {})
    assert (status, body["__type"]) == (501, "ReferenceUnsupportedOperation")


def test_jwks_and_openid_configuration_routes(app: ReferenceApp) -> None:
    _, _, created = call(app, "CreateUserPool", {"PoolName": "p"})
    pool_id = created["UserPool"]["Id"]
    status, _, raw = app.get(f"/{pool_id}/.well-known/jwks.json")
    keys = json.loads(raw)["keys"]
    assert status == 200 and len(keys) == 2 and keys[0]["kid"] != keys[1]["kid"]
    assert {k for key in keys for k in key} == {"alg", "e", "kid", "kty", "n", "use"}
    status, _, raw = app.get(f"/{pool_id}/.well-known/openid-configuration")
    assert json.loads(raw)["issuer"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    assert app.get("/us-east-1_nothere00/.well-known/jwks.json")[0] == 404
    health = json.loads(app.get("/reference-api/health")[2])
    assert health["ok"] is True and health["name"] == "cognito-conformance-reference"


def test_boto3_parses_errors(cognito: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        cognito.describe_user_pool(UserPoolId="us-east-1_missing00")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_client_id_value_is_shown_and_w_is_ascii(app: ReferenceApp) -> None:
    # §7 [ISS boto/boto3#3581]: AWS printed the clientId value; Java's \w does not match "é".
    _, _, body = call(
        app, "DescribeUserPoolClient", {"UserPoolId": "us-east-1_abc", "ClientId": "ap-northeast-1_x"}
    )
    assert body["message"] == (
        "1 validation error detected: Value 'ap-northeast-1_x' at 'clientId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+]+"
    )
    _, _, body = call(
        app, "DescribeUserPoolClient", {"UserPoolId": "us-east-1_abc", "ClientId": "\u00e9t\u00e9"}
    )
    assert body["__type"] == "InvalidParameterException"
