"""Validation of wire bodies: each problem kind, with its JSON path, in plain words.

Run a subset with ``pytest tests/specs/test_validation.py -k error``.
"""

from __future__ import annotations

import copy
import json

import pytest

from conformance import specs
from conformance.specs import Problem
from conformance.wire import Exchange

DESCRIBE_USER_POOL = {
    "UserPool": {
        "Id": "us-east-1_abc123",
        "Name": "pool",
        "Policies": {"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True}},
        "LastModifiedDate": 1548099495.428,
        "CreationDate": 1548099495,
        "MfaConfiguration": "OFF",
        "SchemaAttributes": [{"Name": "email", "AttributeDataType": "String", "Mutable": True}],
        "Arn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc123",
    }
}
ADMIN_GET_USER = {
    "Username": "alice",
    "UserAttributes": [{"Name": "sub", "Value": "0f5c4a1e-1111-2222-3333-444455556666"}],
    "UserCreateDate": 1548099495.428,
    "UserLastModifiedDate": 1548099495.428,
    "Enabled": True,
    "UserStatus": "CONFIRMED",
}


def _with(body: dict, path: list, value: object) -> dict:
    broken = copy.deepcopy(body)
    target = broken
    for part in path[:-1]:
        target = target[part]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return broken


def test_typical_responses_are_valid() -> None:
    assert specs.validate_response("DescribeUserPool", DESCRIBE_USER_POOL) == []
    assert specs.validate_response("AdminGetUser", ADMIN_GET_USER) == []


@pytest.mark.parametrize(
    ("path", "value", "kind", "where"),
    [
        (
            ["UserPool", "Policies", "PasswordPolicy", "MinimumLength"],
            "8",
            "type",
            "$.UserPool.Policies.PasswordPolicy.MinimumLength",
        ),
        (
            ["UserPool", "Policies", "PasswordPolicy", "MinimumLength"],
            5,
            "range",
            "$.UserPool.Policies.PasswordPolicy.MinimumLength",
        ),
        (["UserPool", "MfaConfiguration"], "MAYBE", "enum", "$.UserPool.MfaConfiguration"),
        (["UserPool", "Id"], "no underscore", "pattern", "$.UserPool.Id"),
        (["UserPool", "Name"], "a" * 129, "length", "$.UserPool.Name"),
        (
            ["UserPool", "SchemaAttributes", 0, "Surprise"],
            1,
            "additional-property",
            "$.UserPool.SchemaAttributes[0].Surprise",
        ),
        # docs/facts.md §10: timestamps are epoch numbers on the wire, not ISO strings.
        (["UserPool", "CreationDate"], "2019-01-21T19:38:15Z", "type", "$.UserPool.CreationDate"),
        (["UserPool", "Policies"], ["PasswordPolicy"], "type", "$.UserPool.Policies"),
    ],
)
def test_each_problem_kind_is_reported_at_its_path(path: list, value: object, kind: str, where: str) -> None:
    problems = specs.validate_response("DescribeUserPool", _with(DESCRIBE_USER_POOL, path, value))
    assert [(p.kind, p.path) for p in problems] == [(kind, where)], problems


def test_missing_required_member_names_the_member() -> None:
    problems = specs.validate_response("AdminGetUser", _with(ADMIN_GET_USER, ["Username"], KeyError))
    assert problems == [
        Problem(
            "$.Username",
            "required member Username is missing (shape AdminGetUserResponse)",
            "missing-required",
        )
    ]


def test_boolean_must_be_a_json_boolean() -> None:
    problems = specs.validate_response("AdminGetUser", _with(ADMIN_GET_USER, ["Enabled"], "true"))
    assert [(p.kind, p.path) for p in problems] == [("type", "$.Enabled")]
    assert "expected a JSON boolean" in problems[0].message


def test_only_an_unknown_key_is_minor() -> None:
    extra, *_ = specs.validate_response("AdminGetUser", {**ADMIN_GET_USER, "Extra": 1})
    assert extra.kind == "additional-property" and extra.minor
    assert "unknown member 'Extra'" in extra.message
    wrong, *_ = specs.validate_response("AdminGetUser", {**ADMIN_GET_USER, "Enabled": 1})
    assert not wrong.minor


def test_all_problems_are_collected_not_just_the_first() -> None:
    body = _with(_with(ADMIN_GET_USER, ["Enabled"], "yes"), ["UserStatus"], "SLEEPING")
    body["Odd key:1"] = 2
    paths = [p.path for p in specs.validate_response("AdminGetUser", body)]
    assert paths == ["$.Enabled", "$.UserStatus", '$["Odd key:1"]']


def test_empty_output_operation_accepts_only_an_empty_object() -> None:
    # docs/facts.md §10: operations with no output answer "{}".
    assert specs.validate_response("AdminAddUserToGroup", {}) == []
    problems = specs.validate_response("AdminAddUserToGroup", {"ResponseMetadata": {}})
    assert [(p.kind, p.path) for p in problems] == [("additional-property", "$.ResponseMetadata")]


def test_not_an_object_is_a_type_problem_at_the_root() -> None:
    assert [(p.kind, p.path) for p in specs.validate_response("AdminGetUser", None)] == [("type", "$")]


def test_sensitive_values_are_never_echoed() -> None:
    secret = "hunter2-" + "x" * 300
    problems = specs.validate_request(
        "AdminSetUserPassword", {"UserPoolId": "us-east-1_abc", "Username": "bob", "Password": secret}
    )
    assert problems and all(secret[:8] not in p.message for p in problems)
    assert {p.path for p in problems} == {"$.Password"}


def test_request_problems_use_the_same_kinds() -> None:
    problems = specs.validate_request("AdminGetUser", {"UserPoolId": "us-east-1_abc"})
    assert [(p.kind, p.path) for p in problems] == [("missing-required", "$.Username")]


def test_unknown_operation_is_a_harness_error() -> None:
    with pytest.raises(KeyError, match="not a cognito-idp operation"):
        specs.validate_response("AdminMakeCoffee", {})


# docs/facts.md §7: error bodies are {"__type", "message"}; InvalidParameterException has reasonCode.
def test_declared_error_with_its_documented_body_passes() -> None:
    body = {"__type": "UserNotFoundException", "message": "User does not exist."}
    assert specs.validate_error("AdminGetUser", "UserNotFoundException", body) == []
    body = {"__type": "InvalidParameterException", "message": "bad", "reasonCode": "INVALID_PARAMETER"}
    assert specs.validate_error("AdminGetUser", "InvalidParameterException", body) == []


def test_undeclared_error_code_is_a_divergence_at_type() -> None:
    problems = specs.validate_error("AdminGetUser", "UsernameExistsException", {"message": "exists"})
    assert [(p.kind, p.path) for p in problems] == [("undeclared-error", "$.__type")]
    assert "does not declare" in problems[0].message


def test_error_outside_the_model_is_undeclared_and_not_shape_checked() -> None:
    # cognito-local answers "CognitoLocal#Unsupported" (docs/emulators.md); the caller strips the namespace.
    problems = specs.validate_error("ListDevices", "Unsupported", {"__type": "CognitoLocal#Unsupported"})
    assert [p.kind for p in problems] == ["undeclared-error"]
    assert "not in the model at all" in problems[0].message


def test_error_body_shape_problems() -> None:
    problems = specs.validate_error("AdminGetUser", "UserNotFoundException", {"message": 3, "Message": "x"})
    assert sorted((p.kind, p.path) for p in problems) == [
        ("additional-property", "$.Message"),
        ("error-shape", "$.message"),
    ]


def _exchange(status: int, request: dict, response: object) -> Exchange:
    return Exchange(
        operation="AdminGetUser",
        request_headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"},
        request_body=json.dumps(request).encode(),
        status=status,
        response_headers={"Content-Type": "application/x-amz-json-1.1"},
        response_body=response if isinstance(response, bytes) else json.dumps(response).encode(),
        elapsed_ms=1.0,
    )


def test_validate_exchange_checks_both_sides_on_the_wire_bytes() -> None:
    good = _exchange(200, {"UserPoolId": "us-east-1_abc", "Username": "alice"}, ADMIN_GET_USER)
    result = specs.validate_exchange(good)
    assert result.request == [] and result.response == []
    bad = _exchange(200, {"UserPoolId": "us-east-1_abc"}, {**ADMIN_GET_USER, "New": 1})
    result = specs.validate_exchange(bad)
    assert [p.path for p in result.request] == ["$.Username"]
    assert [p.path for p in result.response] == ["$.New"]


def test_validate_exchange_on_errors_and_non_json() -> None:
    namespaced = {"__type": "com.amazonaws#UsernameExistsException", "message": "x"}
    result = specs.validate_exchange(
        _exchange(400, {"UserPoolId": "us-east-1_a", "Username": "a"}, namespaced)
    )
    assert [p.kind for p in result.response] == ["undeclared-error"]
    html = specs.validate_exchange(_exchange(500, {"UserPoolId": "us-east-1_a", "Username": "a"}, b"<html>"))
    assert [p.kind for p in html.response] == ["type"]


def test_sensitive_member_names_come_from_the_model() -> None:
    names = specs.sensitive_member_names()
    assert {"Password", "AccessToken", "RefreshToken", "Session", "ClientSecret", "SecretHash"} <= names
    assert {"ChallengeResponses", "AuthParameters", "IssuedToken"} <= names
    assert "UserPoolId" not in names


def test_standard_attribute_names_longer_than_the_model_allows_are_not_divergences() -> None:
    # docs/facts.md §9: every pool lists phone_number_verified (21 chars) though the model says max 20.
    body = copy.deepcopy(DESCRIBE_USER_POOL)
    body["UserPool"]["SchemaAttributes"].append(
        {"Name": "phone_number_verified", "AttributeDataType": "Boolean"}
    )
    assert specs.validate_response("DescribeUserPool", body) == []
    relaxed = specs.response_schema("DescribeUserPool")["$defs"]["CustomAttributeNameType"]
    assert relaxed["x-aws-relaxed"] == {"maxLength": 20}
    # Requests keep the model's bound: a 21-character custom attribute name is refused.
    request = {"UserPoolId": "us-east-1_abc", "CustomAttributes": [{"Name": "x" * 21}]}
    assert [p.kind for p in specs.validate_request("AddCustomAttributes", request)] == ["length"]
