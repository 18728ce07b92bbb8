"""Temporary passwords and the NEW_PASSWORD_REQUIRED challenge: expiry, admin answers, required
attributes (docs/facts.md §3, §8).

Run: ``pytest tests/reference/test_new_password_required.py -q``.
"""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, sign_in

from conformance.reference.clock import ManualClock


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
