"""Two reference fixes the peer suite and AWS's current client asked for.

- facts:users.verified-flag-any-case: email_verified / phone_number_verified count as verified when
  "true" in any case, wherever they are read (code delivery by email and SMS, the ID token's claim,
  sign-in by a verified alias).
- GetTokensFromRefreshToken (facts:tokens.get-tokens-from-refresh, -invalid, -revoked): what Amplify
  JS v6 refreshes with, and RevokeToken stops it.

Run: ``pytest tests/reference/test_verified_flags_and_refresh.py -q``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, sign_in

from conformance.facts import fact
from conformance.reference.quota import QuotaLimiter


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _user(cognito: Any, pool_id: str, username: str, attributes: dict[str, str]) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


@pytest.mark.parametrize("flag", ["true", "True", "TRUE", "tRuE"])
def test_forgot_password_sends_to_an_email_verified_in_any_case(
    cognito: Any, pool_id: str, client_id: str, flag: str
) -> None:
    _user(cognito, pool_id, "mail", {"email": "test@test.com", "email_verified": flag})
    details = cognito.forgot_password(ClientId=client_id, Username="mail")["CodeDeliveryDetails"]
    assert details == {"Destination": "t***@t***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}


@pytest.mark.parametrize("flag", ["True", "TRUE"])
def test_forgot_password_sends_to_a_phone_verified_in_any_case(
    cognito: Any, pool_id: str, client_id: str, flag: str
) -> None:
    _user(cognito, pool_id, "phone", {"phone_number": "+15555559934", "phone_number_verified": flag})
    details = cognito.forgot_password(ClientId=client_id, Username="phone")["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "SMS" and details["AttributeName"] == "phone_number"


@pytest.mark.parametrize(("flag", "claim"), [("True", True), ("FALSE", False), ("false", False)])
def test_the_id_token_claim_reads_the_flag_in_any_case(
    cognito: Any, pool_id: str, client_id: str, flag: str, claim: bool
) -> None:
    _user(cognito, pool_id, "alice", {"email": "alice@example.com", "email_verified": flag})
    id_token = sign_in(cognito, client_id)["AuthenticationResult"]["IdToken"]
    assert jwt.decode(id_token, options={"verify_signature": False})["email_verified"] is claim


def test_a_verified_alias_signs_in_whatever_the_flags_case(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="alias", AliasAttributes=["email"])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="c",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    _user(cognito, pool_id, "bob", {"email": "bob@example.com", "email_verified": "True"})
    assert "AuthenticationResult" in sign_in(cognito, client_id, username="bob@example.com")


def test_get_tokens_from_refresh_token_issues_new_tokens_and_no_refresh_token(
    cognito: Any, client_id: str, confirmed_user: str
) -> None:
    first = sign_in(cognito, client_id)["AuthenticationResult"]
    answer = cognito.get_tokens_from_refresh_token(RefreshToken=first["RefreshToken"], ClientId=client_id)
    result = answer["AuthenticationResult"]
    assert set(answer) - {"ResponseMetadata"} == {"AuthenticationResult"}
    assert "RefreshToken" not in result, fact("tokens.get-tokens-from-refresh").statement
    assert result["TokenType"] == "Bearer" and result["AccessToken"] and result["IdToken"]
    before = jwt.decode(first["AccessToken"], options={"verify_signature": False})
    after = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert after["origin_jti"] == before["origin_jti"] and after["jti"] != before["jti"]
    assert cognito.get_user(AccessToken=result["AccessToken"])["Username"] == confirmed_user


def test_get_tokens_from_refresh_token_refuses_an_unusable_token(
    cognito: Any, client_id: str, make_client: Callable[..., dict[str, Any]], confirmed_user: str
) -> None:
    invalid = fact("tokens.get-tokens-from-refresh-invalid")
    with pytest.raises(ClientError) as caught:
        cognito.get_tokens_from_refresh_token(RefreshToken="garbage", ClientId=client_id)
    assert error_of(caught) == (invalid.code, invalid.message)
    # A token issued to another client of the pool is not usable at this one.
    other = make_client()["ClientId"]
    token = sign_in(cognito, client_id)["AuthenticationResult"]["RefreshToken"]
    with pytest.raises(ClientError) as caught:
        cognito.get_tokens_from_refresh_token(RefreshToken=token, ClientId=other)
    assert error_of(caught) == (invalid.code, invalid.message)


def test_revoke_token_stops_get_tokens_from_refresh_token(
    cognito: Any, client_id: str, confirmed_user: str
) -> None:
    first = sign_in(cognito, client_id)["AuthenticationResult"]
    cognito.revoke_token(Token=first["RefreshToken"], ClientId=client_id)
    with pytest.raises(ClientError) as caught:
        cognito.get_tokens_from_refresh_token(RefreshToken=first["RefreshToken"], ClientId=client_id)
    assert error_of(caught)[0] == fact("tokens.get-tokens-from-refresh-revoked").code
    # Another sign-in's refresh token is untouched (facts:tokens.get-tokens-from-refresh-revoked's source:
    # "The other refresh tokens issued to the user are not affected").
    second = sign_in(cognito, client_id)["AuthenticationResult"]
    assert cognito.get_tokens_from_refresh_token(RefreshToken=second["RefreshToken"], ClientId=client_id)


def test_get_tokens_from_refresh_token_needs_the_clients_secret(
    cognito: Any, make_client: Callable[..., dict[str, Any]], confirmed_user: str
) -> None:
    client = make_client(
        GenerateSecret=True, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    client_id, secret = client["ClientId"], client["ClientSecret"]
    digest = hmac.new(secret.encode(), (confirmed_user + client_id).encode(), hashlib.sha256).digest()
    token = cognito.admin_initiate_auth(
        UserPoolId=client["UserPoolId"],
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": confirmed_user,
            "PASSWORD": PASSWORD,
            "SECRET_HASH": base64.b64encode(digest).decode(),
        },
    )["AuthenticationResult"]["RefreshToken"]
    with pytest.raises(ClientError) as caught:
        cognito.get_tokens_from_refresh_token(RefreshToken=token, ClientId=client_id)
    assert error_of(caught)[0] == "NotAuthorizedException"
    answer = cognito.get_tokens_from_refresh_token(
        RefreshToken=token, ClientId=client_id, ClientSecret=secret
    )
    assert answer["AuthenticationResult"]["AccessToken"]


def test_get_tokens_from_refresh_token_counts_as_user_authentication() -> None:
    # §11.1's UserAuthentication category names GetTokensFromRefreshToken with the sign-in operations.
    assert QuotaLimiter.category("GetTokensFromRefreshToken", {}) == "UserAuthentication"
