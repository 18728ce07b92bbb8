"""Password sign-in, challenges, sessions, tokens, refresh and revocation (docs/facts.md §3-§7).

Run: ``pytest tests/reference/test_auth.py -q``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, sign_in

from conformance.reference import ReferenceApp
from conformance.reference.clock import ManualClock


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def secret_hash(username: str, client_id: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verified_claims(app: ReferenceApp, pool_id: str, token: str, **options: Any) -> dict[str, Any]:
    keys = jwt.PyJWKSet.from_json(app.get(f"/{pool_id}/.well-known/jwks.json")[2].decode())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid)
    return jwt.decode(
        token, key.key, algorithms=["RS256"], options={"verify_exp": False, "verify_aud": False}
    )


def test_password_sign_in_tokens(
    app: ReferenceApp, cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    response = sign_in(cognito, client_id)
    assert response["ChallengeParameters"] == {} and "Session" not in response
    result = response["AuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    assert result["RefreshToken"].startswith(
        "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ."
    )
    access = verified_claims(app, pool_id, result["AccessToken"])
    identity = verified_claims(app, pool_id, result["IdToken"])
    assert jwt.get_unverified_header(result["AccessToken"]) != jwt.get_unverified_header(result["IdToken"])
    assert access["iss"] == identity["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    assert access["token_use"] == "access" and identity["token_use"] == "id"
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert access["client_id"] == identity["aud"] == client_id
    assert "aud" not in access and "email" not in access
    assert access["username"] == identity["cognito:username"] == "alice"
    assert identity["email"] == "alice@example.com"
    assert access["exp"] - access["iat"] == 3600
    assert access["origin_jti"] == identity["origin_jti"] and access["jti"] != identity["jti"]
    uuid.UUID(access["jti"])
    uuid.UUID(access["origin_jti"])


def test_wrong_password_and_unknown_user(cognito: Any, client_id: str, confirmed_user: str) -> None:
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id, password="Wr0ng-Password!")
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id, username="nobody")
    assert error_of(caught) == ("UserNotFoundException", "User does not exist.")


def test_prevent_user_existence_errors(cognito: Any, make_client: Callable[..., Any]) -> None:
    client_id = make_client(PreventUserExistenceErrors="ENABLED")["ClientId"]
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id, username="nobody")
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")


@pytest.mark.parametrize(
    ("flows", "flow", "message"),
    [
        (
            ["ALLOW_USER_SRP_AUTH"],
            "USER_PASSWORD_AUTH",
            "USER_PASSWORD_AUTH flow not enabled for this client",
        ),
        (["ALLOW_USER_PASSWORD_AUTH"], "USER_SRP_AUTH", "USER_SRP_AUTH is not enabled for the client."),
        (["ALLOW_USER_PASSWORD_AUTH"], "CUSTOM_AUTH", "CUSTOM_AUTH is not enabled for the client."),
        (None, "USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH flow not enabled for this client"),
    ],
)
def test_flow_not_enabled_messages(
    cognito: Any, pool_id: str, flows: list[str] | None, flow: str, message: str
) -> None:
    extra = {"ExplicitAuthFlows": flows} if flows else {}
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c", **extra)[
        "UserPoolClient"
    ]["ClientId"]
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow=flow,
            AuthParameters={"USERNAME": "x", "PASSWORD": "y", "SRP_A": "ab"},
        )
    assert error_of(caught) == ("InvalidParameterException", message)


def test_admin_flow_not_enabled(cognito: Any, pool_id: str) -> None:
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    with pytest.raises(ClientError) as caught:
        cognito.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "x", "PASSWORD": "y"},
        )
    assert error_of(caught) == ("InvalidParameterException", "Auth flow not enabled for this client")


def test_legacy_flows_allow_admin_and_refresh(cognito: Any, pool_id: str, confirmed_user: str) -> None:
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    result = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )
    refresh = result["AuthenticationResult"]["RefreshToken"]
    cognito.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN", AuthParameters={"REFRESH_TOKEN": refresh}
    )


def test_secret_hash_is_enforced(cognito: Any, make_client: Callable[..., Any], confirmed_user: str) -> None:
    client = make_client(GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id)
    assert error_of(caught) == (
        "NotAuthorizedException",
        f"Client {client_id} is configured with secret but SECRET_HASH was not received",
    )
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id, SECRET_HASH=secret_hash("alice", client_id, "wrong-secret-value"))
    assert error_of(caught) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {client_id}",
    )
    result = sign_in(cognito, client_id, SECRET_HASH=secret_hash("alice", client_id, secret))[
        "AuthenticationResult"
    ]
    refreshed = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": result["RefreshToken"],
            "SECRET_HASH": secret_hash("alice", client_id, secret),
        },
    )
    assert "AccessToken" in refreshed["AuthenticationResult"]


def test_status_precedence(cognito: Any, pool_id: str, client_id: str) -> None:
    cognito.sign_up(ClientId=client_id, Username="unconf", Password=PASSWORD)
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id, username="unconf", password="Wr0ng-Password!")
    # §7: UNCONFIRMED wins even over a wrong password.
    assert error_of(caught) == ("UserNotConfirmedException", "User is not confirmed.")
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="off", TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS"
    )
    cognito.admin_disable_user(UserPoolId=pool_id, Username="off")
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id, username="off", password="Temp-0rary!")
    assert error_of(caught) == ("NotAuthorizedException", "User is disabled.")


def test_new_password_required_flow(app: ReferenceApp, cognito: Any, pool_id: str, client_id: str) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="newbie",
        TemporaryPassword="Temp-0rary!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "n@example.com"}],
    )
    challenge = sign_in(cognito, client_id, username="newbie", password="Temp-0rary!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    params = challenge["ChallengeParameters"]
    assert params["USER_ID_FOR_SRP"] == "newbie"
    assert json.loads(params["requiredAttributes"]) == []
    assert json.loads(params["userAttributes"]) == {"email": "n@example.com"}
    assert 20 <= len(challenge["Session"]) <= 2048 and challenge["Session"].startswith("AYABe")
    answer = {"USERNAME": "newbie", "NEW_PASSWORD": "Temp-0rary!"}
    result = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses=answer,
    )
    assert result["ChallengeParameters"] == {} and "RefreshToken" in result["AuthenticationResult"]
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="newbie")["UserStatus"] == "CONFIRMED"
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses=answer,
        )
    assert error_of(caught) == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )


def test_session_expires_after_auth_session_validity(
    cognito: Any, clock: ManualClock, pool_id: str, client_id: str
) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="slow", TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS"
    )
    session = sign_in(cognito, client_id, username="slow", password="Temp-0rary!")["Session"]
    clock.advance(181)
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": "slow", "NEW_PASSWORD": "N3w-Password!"},
        )
    assert error_of(caught) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session="AYABe" + "x" * 40,
            ChallengeResponses={"USERNAME": "slow", "NEW_PASSWORD": "N3w-Password!"},
        )
    assert error_of(caught) == ("NotAuthorizedException", "Invalid session for the user.")


def test_refresh_keeps_origin_and_returns_no_refresh_token(
    app: ReferenceApp, cognito: Any, pool_id: str, client_id: str, confirmed_user: str, clock: ManualClock
) -> None:
    first = sign_in(cognito, client_id)["AuthenticationResult"]
    clock.advance(60)
    refreshed = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    before = verified_claims(app, pool_id, first["AccessToken"])
    after = verified_claims(app, pool_id, refreshed["AccessToken"])
    assert after["origin_jti"] == before["origin_jti"] and after["jti"] != before["jti"]
    assert after["auth_time"] == before["auth_time"] and after["iat"] == before["iat"] + 60
    second = sign_in(cognito, client_id)["AuthenticationResult"]
    assert verified_claims(app, pool_id, second["AccessToken"])["origin_jti"] != before["origin_jti"]
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": "garbage"}
        )
    assert error_of(caught) == ("NotAuthorizedException", "Invalid Refresh Token")


def test_access_token_expiry(cognito: Any, client_id: str, confirmed_user: str, clock: ManualClock) -> None:
    access = sign_in(cognito, client_id)["AuthenticationResult"]["AccessToken"]
    assert cognito.get_user(AccessToken=access)["Username"] == "alice"
    clock.advance(3601)
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=access)
    assert error_of(caught) == ("NotAuthorizedException", "Access Token has expired")
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken="not-a-token")
    assert error_of(caught) == ("NotAuthorizedException", "Invalid Access Token")


def test_id_token_is_not_an_access_token(cognito: Any, client_id: str, confirmed_user: str) -> None:
    id_token = sign_in(cognito, client_id)["AuthenticationResult"]["IdToken"]
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=id_token)
    assert error_of(caught) == ("NotAuthorizedException", "Invalid Access Token")


@pytest.mark.parametrize("admin", [False, True])
def test_global_sign_out_revokes_access_and_refresh(
    cognito: Any, pool_id: str, client_id: str, confirmed_user: str, admin: bool
) -> None:
    result = sign_in(cognito, client_id)["AuthenticationResult"]
    if admin:
        cognito.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    else:
        cognito.global_sign_out(AccessToken=result["AccessToken"])
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=result["AccessToken"])
    assert error_of(caught) == ("NotAuthorizedException", "Access Token has been revoked")
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )
    assert error_of(caught) == ("NotAuthorizedException", "Refresh Token has been revoked")
    fresh = sign_in(cognito, client_id)["AuthenticationResult"]
    assert cognito.get_user(AccessToken=fresh["AccessToken"])["Username"] == "alice"


def test_revoke_token_revokes_one_sign_in(cognito: Any, client_id: str, confirmed_user: str) -> None:
    first = sign_in(cognito, client_id)["AuthenticationResult"]
    second = sign_in(cognito, client_id)["AuthenticationResult"]
    cognito.revoke_token(Token=first["RefreshToken"], ClientId=client_id)
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=first["AccessToken"])
    assert error_of(caught) == ("NotAuthorizedException", "Access Token has been revoked")
    assert cognito.get_user(AccessToken=second["AccessToken"])["Username"] == "alice"


def test_disable_revokes_access_tokens_and_blocks_refresh(
    cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    result = sign_in(cognito, client_id)["AuthenticationResult"]
    cognito.admin_disable_user(UserPoolId=pool_id, Username="alice")
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=result["AccessToken"])
    assert error_of(caught) == ("NotAuthorizedException", "Access Token has been revoked")
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )
    assert error_of(caught) == ("NotAuthorizedException", "User is disabled.")


def test_change_password(cognito: Any, client_id: str, confirmed_user: str) -> None:
    access = sign_in(cognito, client_id)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as caught:
        cognito.change_password(
            AccessToken=access, PreviousPassword="Wr0ng-Password!", ProposedPassword="N3w-Pass!"
        )
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")
    cognito.change_password(AccessToken=access, PreviousPassword=PASSWORD, ProposedPassword="N3w-Password!")
    sign_in(cognito, client_id, password="N3w-Password!")


def test_lockout_after_five_failures(
    cognito: Any, client_id: str, confirmed_user: str, clock: ManualClock
) -> None:
    for _ in range(5):
        with pytest.raises(ClientError):
            sign_in(cognito, client_id, password="Wr0ng-Password!")
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id)
    assert error_of(caught) == ("NotAuthorizedException", "Password attempts exceeded")
    clock.advance(1.5)
    sign_in(cognito, client_id)


def test_deleted_users_tokens_are_invalid(
    cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    result = sign_in(cognito, client_id)["AuthenticationResult"]
    cognito.admin_delete_user(UserPoolId=pool_id, Username="alice")
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=result["AccessToken"])
    assert error_of(caught) == ("NotAuthorizedException", "Invalid Access Token")
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )
    assert error_of(caught) == ("NotAuthorizedException", "Invalid Refresh Token")


def test_failure_count_resets_after_quiet_period(
    cognito: Any, client_id: str, confirmed_user: str, clock: ManualClock
) -> None:
    for _ in range(4):
        with pytest.raises(ClientError):
            sign_in(cognito, client_id, password="Wr0ng-Password!")
    clock.advance(901)
    with pytest.raises(ClientError) as caught:
        sign_in(cognito, client_id, password="Wr0ng-Password!")
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")
    sign_in(cognito, client_id)


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
