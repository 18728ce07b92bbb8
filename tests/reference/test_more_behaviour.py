"""Smaller behaviours: temporary passwords, admin challenge answers, ID-token types, controls, clocks.

Run: ``/tmp/venv/bin/pytest tests/reference/test_more_behaviour.py -q``.
"""

from __future__ import annotations

import io
import json
import time
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, in_process_client, sign_in

from conformance.reference import ReferenceApp, create_app
from conformance.reference.clock import ManualClock, OffsetClock
from conformance.reference.quota import QuotaLimiter


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_temporary_password_expires(cognito: Any, pool_id: str, client_id: str, clock: ManualClock) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="late", TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS"
    )
    clock.advance(7 * 86400 + 1)
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id, username="late", password="Temp-0rary!")
    assert caught.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_admin_password_flow_with_new_password(cognito: Any, pool_id: str, client_id: str) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="adm", TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS"
    )
    challenge = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "adm", "PASSWORD": "Temp-0rary!"},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    with pytest.raises(ClientError) as caught:
        cognito.admin_respond_to_auth_challenge(
            UserPoolId=pool_id,
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "adm", "NEW_PASSWORD": "short"},
        )
    assert caught.value.response["Error"]["Code"] == "InvalidPasswordException"
    result = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "adm", "NEW_PASSWORD": "N3w-Password!"},
    )
    assert "IdToken" in result["AuthenticationResult"]


def test_required_attribute_is_asked_for(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName="req", Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}]
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as caught:
        cognito.sign_up(ClientId=client_id, Username="x", Password=PASSWORD)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="noemail", TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS"
    )
    challenge = sign_in(cognito, client_id, username="noemail", password="Temp-0rary!")
    assert json.loads(challenge["ChallengeParameters"]["requiredAttributes"]) == ["userAttributes.email"]
    result = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "noemail",
            "NEW_PASSWORD": "N3w-Password!",
            "userAttributes.email": "n@example.com",
        },
    )
    claims = jwt.decode(result["AuthenticationResult"]["IdToken"], options={"verify_signature": False})
    assert claims["email"] == "n@example.com"


def test_id_token_booleans_and_custom_attributes(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName="attrs", Schema=[{"Name": "tier", "AttributeDataType": "Number"}]
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="alice",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "a@example.com"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "custom:tier", "Value": "3"},
        ],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    claims = jwt.decode(
        sign_in(cognito, client_id)["AuthenticationResult"]["IdToken"], options={"verify_signature": False}
    )
    assert claims["email_verified"] is True and claims["custom:tier"] == "3"


def test_confirmation_code_and_clock_controls_over_wsgi() -> None:
    app = create_app(clock=OffsetClock())
    cognito = in_process_client(app)
    pool_id = cognito.create_user_pool(PoolName="w")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    cognito.sign_up(ClientId=client_id, Username="zed", Password=PASSWORD)

    def wsgi(method: str, path: str, query: str = "") -> tuple[str, Any]:
        seen: dict[str, str] = {}
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "wsgi.input": io.BytesIO(),
        }
        body = b"".join(app(environ, lambda status, headers: seen.setdefault("status", status)))
        return seen["status"], json.loads(body)

    status, body = wsgi("GET", "/reference-api/confirmation-code", f"poolId={pool_id}&username=zed")
    assert status.startswith("200")
    cognito.confirm_sign_up(ClientId=client_id, Username="zed", ConfirmationCode=body["code"])
    before = app.clock.now()
    status, body = wsgi("POST", "/reference-api/clock/advance", "seconds=3600")
    assert status.startswith("200") and body["now"] >= before + 3600
    assert wsgi("POST", "/reference-api/clock/advance", "seconds=-1")[0].startswith("400")
    frozen = create_app()
    seen: dict[str, str] = {}
    frozen(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/reference-api/clock/advance",
            "QUERY_STRING": "seconds=1",
            "wsgi.input": io.BytesIO(),
        },
        lambda status, headers: seen.setdefault("status", status),
    )
    assert seen["status"].startswith("404")


def test_clocks() -> None:
    manual = ManualClock(start=100.0)
    assert manual.now() == 100.0 and manual.advance(5) == 105.0
    with pytest.raises(ValueError):
        manual.advance(-1)
    offset = OffsetClock()
    first = offset.now()
    offset.advance(60)
    assert offset.now() - first >= 60 and abs(first - time.time()) < 5


def test_new_password_answers_count_as_account_recovery() -> None:
    assert (
        QuotaLimiter.category("RespondToAuthChallenge", {"ChallengeName": "NEW_PASSWORD_REQUIRED"})
        == "UserAccountRecovery"
    )
    assert (
        QuotaLimiter.category("RespondToAuthChallenge", {"ChallengeName": "PASSWORD_VERIFIER"})
        == "UserAuthentication"
    )


def test_reference_app_version_and_name(app: ReferenceApp) -> None:
    assert app.version and app.name == "cognito-conformance-reference"
