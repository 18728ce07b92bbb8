"""Fail closed: every settable member of the pool and app-client operations is modelled or refused.

The members are enumerated from botocore's service model, so a member a new model adds fails here
until ``conformance/reference/service/settable.py`` says what the reference does with it. Each
refused member, and a value outside each partly modelled one, is sent and must come back as
``ReferenceUnsupportedParameter`` (HTTP 501) naming the operation and the member; each modelled
member's sample is accepted.

Run: ``pytest tests/reference/test_fail_closed.py -q``.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest

from conformance.reference import create_app
from conformance.reference.clock import ManualClock
from conformance.reference.service.settable import MODELLED, PARTIAL, REFUSED, SETTABLE

MODEL = botocore.session.get_session().get_service_model("cognito-idp")
OPERATIONS = ("CreateUserPool", "UpdateUserPool", "CreateUserPoolClient", "UpdateUserPoolClient")
#: Members that name what the call acts on, not a setting.
IDENTIFIERS = {"UserPoolId", "ClientId"}

#: A value of each refused or partly modelled member that the reference does not model.
UNMODELLED: dict[str, Any] = {
    "DcrConfiguration": {"EnableStatus": "Disabled"},
    "KeyConfiguration": {"KeyType": "AWS_OWNED_KEY"},
    "IssuerConfiguration": {"Type": "ORIGINAL"},
    "AcrConfiguration": {},
    "Policies": {"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 3}},
    "LambdaConfig": {"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:f"},
    "MfaConfiguration": "ON",
    "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
    "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
    "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]},
    "WriteAttributes": ["given_name"],
    "SupportedIdentityProviders": ["Google"],
    "CallbackURLs": ["https://example.com/callback"],
    "LogoutURLs": ["https://example.com/logout"],
    "DefaultRedirectURI": "https://example.com/callback",
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "AnalyticsConfiguration": {"ApplicationId": "a" * 32},
    "EnablePropagateAdditionalUserContextData": True,
    # Rotation is modelled with its grace period; without one, the default is not (UNVERIFIED).
    "RefreshTokenRotation": {"Feature": "ENABLED"},
    "PublishSecretsInAWSSecretsManager": True,
}

#: The partly modelled members' modelled values, accepted.
MODELLED_VALUES: dict[str, Any] = {
    "MfaConfiguration": "OFF",
    "Policies": {"PasswordPolicy": {"MinimumLength": 10}},
    "LambdaConfig": {},
    "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
    "AllowedOAuthFlowsUserPoolClient": False,
    "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10},
    "PublishSecretsInAWSSecretsManager": False,
}


def _model_members(operation: str) -> set[str]:
    return set(MODEL.operation_model(operation).input_shape.members)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_model_member_has_a_status(operation: str) -> None:
    listed = set(SETTABLE[operation])
    missing = sorted(_model_members(operation) - listed)
    assert not missing, f"{operation}: members of the service model with no status in settable.py: {missing}"
    stale = sorted(listed - _model_members(operation))
    assert not stale, f"{operation}: settable.py lists members the model lacks: {stale}"
    for member, entry in SETTABLE[operation].items():
        assert entry.status in (MODELLED, PARTIAL, REFUSED), (operation, member)
        assert (entry.rule is not None) == (entry.status == PARTIAL), (operation, member)
        if entry.status != MODELLED:
            assert member in UNMODELLED, f"{member} needs an unmodelled sample here"


def _dispatch(app: Any, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, _, payload = app.dispatch(
        f"AWSCognitoIdentityProviderService.{operation}", json.dumps(body).encode(), {}
    )
    return status, json.loads(payload)


@pytest.fixture
def target() -> tuple[Any, str, str]:
    app = create_app(clock=ManualClock(start=1_760_000_000.0))
    status, pool = _dispatch(app, "CreateUserPool", {"PoolName": "fail-closed"})
    assert status == 200, pool
    pool_id = pool["UserPool"]["Id"]
    status, client = _dispatch(app, "CreateUserPoolClient", {"UserPoolId": pool_id, "ClientName": "c"})
    assert status == 200, client
    return app, pool_id, client["UserPoolClient"]["ClientId"]


def _base(operation: str, pool_id: str, client_id: str) -> dict[str, Any]:
    return {
        "CreateUserPool": {"PoolName": "p"},
        "UpdateUserPool": {"UserPoolId": pool_id},
        "CreateUserPoolClient": {"UserPoolId": pool_id, "ClientName": "c"},
        "UpdateUserPoolClient": {"UserPoolId": pool_id, "ClientId": client_id},
    }[operation]


_NOT_MODELLED = [
    (operation, member)
    for operation in OPERATIONS
    for member, entry in SETTABLE[operation].items()
    if entry.status != MODELLED
]


@pytest.mark.parametrize(("operation", "member"), _NOT_MODELLED)
def test_an_unmodelled_value_is_refused_naming_the_member(target, operation: str, member: str) -> None:
    app, pool_id, client_id = target
    body = {**_base(operation, pool_id, client_id), member: UNMODELLED[member]}
    if member == "UserPoolAddOns":
        # Below PLUS, AWS itself refuses threat protection (modelled); on PLUS the reference cannot run it.
        body["UserPoolTier"] = "PLUS"
    if member == "DefaultRedirectURI":
        body["CallbackURLs"] = []
    status, answer = _dispatch(app, operation, body)
    assert status == 501, answer
    assert answer["__type"] == "ReferenceUnsupportedParameter"
    assert f"{operation}.{member}" in answer["message"]


@pytest.mark.parametrize(
    ("operation", "member"),
    [(op, m) for op in OPERATIONS for m in MODELLED_VALUES if m in SETTABLE[op]],
)
def test_a_modelled_value_of_a_partial_member_is_accepted(target, operation: str, member: str) -> None:
    app, pool_id, client_id = target
    status, answer = _dispatch(
        app, operation, {**_base(operation, pool_id, client_id), member: MODELLED_VALUES[member]}
    )
    assert status == 200, answer


def test_mfa_on_is_refused_not_accepted_and_ignored(target) -> None:
    """The hazard the peer suite found: a pool with MFA ON that signs users in without MFA."""
    app, _, _ = target
    for value in ("ON", "OPTIONAL"):
        status, answer = _dispatch(app, "CreateUserPool", {"PoolName": "mfa", "MfaConfiguration": value})
        assert (status, answer["__type"]) == (501, "ReferenceUnsupportedParameter")
        assert "CreateUserPool.MfaConfiguration" in answer["message"]


def test_a_member_missing_from_the_table_is_refused(target, monkeypatch) -> None:
    """A member a newer model adds reaches the reference before the table lists it: refused."""
    app, pool_id, client_id = target
    table = dict(SETTABLE["UpdateUserPoolClient"])
    del table["ClientName"]
    monkeypatch.setitem(SETTABLE, "UpdateUserPoolClient", table)
    status, answer = _dispatch(
        app, "UpdateUserPoolClient", {"UserPoolId": pool_id, "ClientId": client_id, "ClientName": "renamed"}
    )
    assert (status, answer["__type"]) == (501, "ReferenceUnsupportedParameter")
    assert "UpdateUserPoolClient.ClientName" in answer["message"]


def test_read_attributes_fail_closed_at_the_token_that_would_show_an_unreadable_attribute(target) -> None:
    app, pool_id, _ = target
    status, client = _dispatch(
        app,
        "CreateUserPoolClient",
        {
            "UserPoolId": pool_id,
            "ClientName": "readers",
            "ReadAttributes": ["given_name"],
            "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        },
    )
    assert status == 200, client
    client_id = client["UserPoolClient"]["ClientId"]
    for username, attributes in (
        ("readable", [{"Name": "given_name", "Value": "A"}]),
        ("hidden", [{"Name": "email", "Value": "h@example.com"}]),
    ):
        assert (
            _dispatch(
                app,
                "AdminCreateUser",
                {
                    "UserPoolId": pool_id,
                    "Username": username,
                    "UserAttributes": attributes,
                    "MessageAction": "SUPPRESS",
                },
            )[0]
            == 200
        )
        assert (
            _dispatch(
                app,
                "AdminSetUserPassword",
                {
                    "UserPoolId": pool_id,
                    "Username": username,
                    "Password": "Corr3ct-Horse!",
                    "Permanent": True,
                },
            )[0]
            == 200
        )
    sign_in = {
        "UserPoolId": pool_id,
        "ClientId": client_id,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
    }
    status, answer = _dispatch(
        app,
        "AdminInitiateAuth",
        {**sign_in, "AuthParameters": {"USERNAME": "readable", "PASSWORD": "Corr3ct-Horse!"}},
    )
    assert status == 200, answer
    status, answer = _dispatch(
        app,
        "AdminInitiateAuth",
        {**sign_in, "AuthParameters": {"USERNAME": "hidden", "PASSWORD": "Corr3ct-Horse!"}},
    )
    assert (status, answer["__type"]) == (501, "ReferenceUnsupportedParameter")
    assert "ReadAttributes" in answer["message"]
