"""RevokeToken, GetTokensFromRefreshToken, refresh-token rotation and the app client's token lifetimes.

Facts: ``tokens.revoke-token*``, ``tokens.get-tokens-from-refresh*``, ``tokens.rotation*`` and
``tokens.validity-*`` in the catalogue (docs/facts.md, "Tokens and sign-out"). Texts AWS's
documents do not give are UNVERIFIED: reported, never failing.

Run a subset: ``pytest conformance/suite/test_tokens_revoke.py -k rotation --endpoint=reference``.
"""

from __future__ import annotations

import pytest

from conformance import flows
from conformance.crypto.tokens import MalformedToken, decode_unverified
from conformance.facts import fact

pytestmark = pytest.mark.kind("tokens")

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

SIGNED_IN = fact("auth.tokens-issued")
REVOKE = fact("tokens.revoke-token")
REVOKE_ACCESS = fact("tokens.revoke-token-access")
REVOKE_WRONG_CLIENT = fact("tokens.revoke-token-wrong-client")
REVOKE_SECRET = fact("tokens.revoke-token-secret")
REVOKE_DISABLED = fact("tokens.revoke-token-disabled")
REVOKE_TYPE = fact("tokens.revoke-token-type")
REFRESH_REFUSED = fact("tokens.refresh-refused")
GET_TOKENS = fact("tokens.get-tokens-from-refresh")
GET_TOKENS_INVALID = fact("tokens.get-tokens-from-refresh-invalid")
GET_TOKENS_REVOKED = fact("tokens.get-tokens-from-refresh-revoked")
ROTATION = fact("tokens.rotation")
ROTATION_GRACE = fact("tokens.rotation-grace")
ROTATION_REUSE = fact("tokens.rotation-reuse")
VALIDITY_LIFETIME = fact("tokens.validity-lifetime")
VALIDITY_RANGE = fact("tokens.validity-range")
OUT_OF_RANGE = fact("tokens.validity-out-of-range")

ROTATING = {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}


def signed_in(cognito, check, client, user) -> dict | None:
    """One USER_PASSWORD_AUTH sign-in's AuthenticationResult (None, recorded, when it fails)."""
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGNED_IN, note="signing in before the revocation"):
        return None
    # Read through the recorder: a token of the wrong JSON type is a divergence, not a crash.
    access = check.read(response, "$.AuthenticationResult.AccessToken", str, default=None)
    refresh = check.read(response, "$.AuthenticationResult.RefreshToken", str, default=None)
    if not access or not refresh:
        check.present(response, "$.AuthenticationResult.RefreshToken", SIGNED_IN)
        return None
    return {"AccessToken": access, "RefreshToken": refresh}


def revoke(cognito, client, refresh_token: str, **extra):
    params = {"Token": refresh_token, "ClientId": client.client_id, **extra}
    return cognito.revoke_token(**params)


# --- RevokeToken -----------------------------------------------------------------------------------


@pytest.mark.fact(REVOKE)
def test_revoke_token_revokes_that_sign_in_only(cognito, check, user_pool, make_app_client, make_user):
    """RevokeToken answers {}; that sign-in's refresh and access tokens are refused, another sign-in's work."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    user = make_user(user_pool)
    first = signed_in(cognito, check, client, user)
    second = signed_in(cognito, check, client, user)
    if first is None or second is None:
        return
    revoked = revoke(cognito, client, first["RefreshToken"])
    if not check.succeeded(revoked, REVOKE):
        return
    check.equal(revoked, "$", {}, REVOKE, check="empty-body")
    check.error(cognito.get_user(AccessToken=first["AccessToken"]), "NotAuthorizedException", REVOKE_ACCESS)
    check.error(
        flows.refresh_sign_in(cognito, client, first["RefreshToken"]),
        "NotAuthorizedException",
        REFRESH_REFUSED,
    )
    check.succeeded(cognito.get_user(AccessToken=second["AccessToken"]), REVOKE)
    check.succeeded(flows.refresh_sign_in(cognito, client, second["RefreshToken"]), REVOKE)


@pytest.mark.fact(REVOKE_ACCESS)
def test_revoke_token_revokes_the_access_tokens_its_refreshes_made(
    cognito, check, user_pool, make_app_client, make_user
):
    """The access token a refresh produced was generated with the refresh token: revoked with it."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    user = make_user(user_pool)
    first = signed_in(cognito, check, client, user)
    if first is None:
        return
    response = flows.refresh_sign_in(cognito, client, first["RefreshToken"])
    refreshed = check.read(response, "$.AuthenticationResult.AccessToken", str, default=None)
    if not refreshed:
        pytest.skip("the endpoint did not refresh the sign-in")
    if check.succeeded(revoke(cognito, client, first["RefreshToken"]), REVOKE):
        check.error(cognito.get_user(AccessToken=refreshed), "NotAuthorizedException", REVOKE_ACCESS)


@pytest.mark.kind("errors")
@pytest.mark.fact(REVOKE_WRONG_CLIENT)
def test_revoke_token_with_another_client_is_unauthorized(
    cognito, check, user_pool, make_app_client, make_user
):
    """The client that issued the token must revoke it; the refresh token keeps working otherwise."""
    issuer = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    other = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    result = signed_in(cognito, check, issuer, make_user(user_pool))
    if result is None:
        return
    check.error(revoke(cognito, other, result["RefreshToken"]), "UnauthorizedException", REVOKE_WRONG_CLIENT)
    check.succeeded(flows.refresh_sign_in(cognito, issuer, result["RefreshToken"]), REVOKE_WRONG_CLIENT)


@pytest.mark.kind("errors")
@pytest.mark.fact(REVOKE_SECRET)
def test_revoke_token_of_a_secret_client_needs_its_secret(
    cognito, check, user_pool, make_app_client, make_user
):
    """A client with a secret: RevokeToken without ClientSecret is refused, with it succeeds."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS, GenerateSecret=True)
    user = make_user(user_pool)
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGNED_IN, note="signing in before the revocation"):
        return
    token = check.read(response, "$.AuthenticationResult.RefreshToken", str, default=None)
    if not token:
        return
    check.error(revoke(cognito, client, token), "UnauthorizedException", REVOKE_SECRET)
    check.succeeded(revoke(cognito, client, token, ClientSecret=client.secret), REVOKE)


@pytest.mark.kind("errors")
@pytest.mark.fact(REVOKE_DISABLED)
def test_revoke_token_without_token_revocation_is_unsupported_operation(
    cognito, check, user_pool, make_app_client, make_user
):
    """EnableTokenRevocation false: RevokeToken is UnsupportedOperationException."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS, EnableTokenRevocation=False)
    result = signed_in(cognito, check, client, make_user(user_pool))
    if result is None:
        return
    check.error(
        revoke(cognito, client, result["RefreshToken"]), "UnsupportedOperationException", REVOKE_DISABLED
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(REVOKE_TYPE)
def test_revoke_token_with_an_access_token_is_unsupported_token_type(
    cognito, check, user_pool, make_app_client, make_user
):
    """Only refresh tokens are revoked: an access token is UnsupportedTokenTypeException (UNVERIFIED)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    result = signed_in(cognito, check, client, make_user(user_pool))
    if result is None:
        return
    check.error(revoke(cognito, client, result["AccessToken"]), "UnsupportedTokenTypeException", REVOKE_TYPE)


# --- GetTokensFromRefreshToken --------------------------------------------------------------------


@pytest.mark.fact(GET_TOKENS)
def test_get_tokens_from_refresh_token_issues_id_and_access_tokens(
    cognito, check, user_pool, make_app_client, make_user
):
    """Without rotation: new ID and access tokens of the same sign-in (origin_jti kept), no refresh token."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    result = signed_in(cognito, check, client, make_user(user_pool))
    if result is None:
        return
    answer = cognito.get_tokens_from_refresh_token(
        RefreshToken=result["RefreshToken"], ClientId=client.client_id
    )
    if not check.succeeded(answer, GET_TOKENS):
        return
    check.present(answer, "$.AuthenticationResult.AccessToken", GET_TOKENS)
    check.present(answer, "$.AuthenticationResult.IdToken", GET_TOKENS)
    check.absent(answer, "$.AuthenticationResult.RefreshToken", GET_TOKENS)
    check.succeeded(
        cognito.get_user(
            AccessToken=check.read(answer, "$.AuthenticationResult.AccessToken", str, default="")
        ),
        GET_TOKENS,
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(GET_TOKENS_INVALID)
def test_get_tokens_from_an_unusable_refresh_token_is_not_authorized(
    cognito, check, user_pool, make_app_client
):
    """A string that is no refresh token: NotAuthorizedException "Invalid Refresh Token." (text UNVERIFIED)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    answer = cognito.get_tokens_from_refresh_token(
        RefreshToken="not-a-refresh-token", ClientId=client.client_id
    )
    check.error(answer, "NotAuthorizedException", GET_TOKENS_INVALID, message="Invalid Refresh Token.")


@pytest.mark.kind("errors")
@pytest.mark.fact(GET_TOKENS_REVOKED)
def test_get_tokens_from_a_revoked_refresh_token_is_not_authorized(
    cognito, check, user_pool, make_app_client, make_user
):
    """After RevokeToken, GetTokensFromRefreshToken with that refresh token: NotAuthorizedException."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    result = signed_in(cognito, check, client, make_user(user_pool))
    if result is None:
        return
    if check.succeeded(revoke(cognito, client, result["RefreshToken"]), REVOKE):
        answer = cognito.get_tokens_from_refresh_token(
            RefreshToken=result["RefreshToken"], ClientId=client.client_id
        )
        check.error(answer, "NotAuthorizedException", GET_TOKENS_REVOKED)


# --- refresh-token rotation -----------------------------------------------------------------------


@pytest.mark.fact(ROTATION)
def test_rotation_is_described_as_given(cognito, check, user_pool):
    """DescribeUserPoolClient shows the RefreshTokenRotation the client was created with."""
    created = cognito.create_user_pool_client(
        UserPoolId=user_pool,
        ClientName=flows.new_username("rotating"),
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 30},
    )
    if not check.succeeded(created, ROTATION):
        return
    client_id = check.read(created, "$.UserPoolClient.ClientId", str)
    described = cognito.describe_user_pool_client(UserPoolId=user_pool, ClientId=client_id)
    if check.succeeded(described, ROTATION):
        check.equal(described, "$.UserPoolClient.RefreshTokenRotation.Feature", "ENABLED", ROTATION)
        check.equal(described, "$.UserPoolClient.RefreshTokenRotation.RetryGracePeriodSeconds", 30, ROTATION)


@pytest.mark.fact(ROTATION_REUSE)
def test_rotation_answers_a_new_refresh_token_and_retires_the_old_one(
    cognito, check, user_pool, make_app_client, make_user
):
    """Rotation, no grace period: a new refresh token that works; the submitted one is RefreshTokenReuseException."""
    client = make_app_client(
        user_pool, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"], RefreshTokenRotation=ROTATING
    )
    result = signed_in(cognito, check, client, make_user(user_pool))
    if result is None:
        return
    old = result["RefreshToken"]
    answer = cognito.get_tokens_from_refresh_token(RefreshToken=old, ClientId=client.client_id)
    if not check.succeeded(answer, ROTATION) or not check.present(
        answer, "$.AuthenticationResult.RefreshToken", ROTATION
    ):
        return
    new = check.read(answer, "$.AuthenticationResult.RefreshToken", str)
    check.that(
        new != old,
        operation=answer.operation,
        check="rotation.new-token",
        path="$.AuthenticationResult.RefreshToken",
        expected="a refresh token other than the one submitted",
        actual="the submitted refresh token" if new == old else "another refresh token",
        fact=ROTATION,
        evidence=answer.exchange,
    )
    again = cognito.get_tokens_from_refresh_token(RefreshToken=old, ClientId=client.client_id)
    check.error(again, "RefreshTokenReuseException", ROTATION_REUSE)
    check.succeeded(
        cognito.get_tokens_from_refresh_token(RefreshToken=new, ClientId=client.client_id), ROTATION
    )


@pytest.mark.fact(ROTATION_GRACE)
def test_rotated_out_refresh_token_is_refused_after_the_grace_period(
    cognito, check, endpoint, user_pool, make_app_client, make_user
):
    """RetryGracePeriodSeconds 10: once 10 s have passed the rotated-out token is RefreshTokenReuseException."""
    client = make_app_client(
        user_pool,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 10},
    )
    result = signed_in(cognito, check, client, make_user(user_pool))
    if result is None:
        return
    answer = cognito.get_tokens_from_refresh_token(
        RefreshToken=result["RefreshToken"], ClientId=client.client_id
    )
    if not check.succeeded(answer, ROTATION):
        return
    if not endpoint.let_time_pass(11):
        pytest.skip("the endpoint's clock cannot be advanced")
    again = cognito.get_tokens_from_refresh_token(
        RefreshToken=result["RefreshToken"], ClientId=client.client_id
    )
    check.error(again, "RefreshTokenReuseException", ROTATION_GRACE)


# --- token lifetimes ------------------------------------------------------------------------------


def _lifetime(check, response, member: str) -> int | None:
    token = check.read(response, f"$.AuthenticationResult.{member}", str, default=None)
    try:
        _, claims = decode_unverified(token)
    except MalformedToken:
        return None
    exp, iat = claims.get("exp"), claims.get("iat")
    return exp - iat if isinstance(exp, int) and isinstance(iat, int) else None


@pytest.mark.parametrize(
    ("settings", "access", "id_"),
    [
        ({"AccessTokenValidity": 10, "TokenValidityUnits": {"AccessToken": "minutes"}}, 600, 3600),
        ({"IdTokenValidity": 2}, 3600, 7200),
        (
            {
                "AccessTokenValidity": 1,
                "IdTokenValidity": 900,
                "TokenValidityUnits": {"AccessToken": "days", "IdToken": "seconds"},
            },
            86400,
            900,
        ),
    ],
    ids=["access-minutes", "id-default-hours", "days-and-seconds"],
)
@pytest.mark.fact(VALIDITY_LIFETIME)
def test_token_lifetimes_follow_the_client_settings(
    cognito, check, user_pool, make_app_client, make_user, settings, access, id_
):
    """exp - iat of the access and ID tokens, and ExpiresIn, are the client's validities in their units."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS, **settings)
    response = flows.password_sign_in(cognito, client, make_user(user_pool))
    if not check.succeeded(response, SIGNED_IN):
        return
    check.equal(response, "$.AuthenticationResult.ExpiresIn", access, VALIDITY_LIFETIME)
    for member, expected in (("AccessToken", access), ("IdToken", id_)):
        lifetime = _lifetime(check, response, member)
        check.that(
            lifetime == expected,
            operation=response.operation,
            check="claims.lifetime",
            path=f"$.AuthenticationResult.{member} exp-iat",
            expected=expected,
            actual=lifetime,
            fact=VALIDITY_LIFETIME,
            evidence=response.exchange,
        )


@pytest.mark.kind("errors")
@pytest.mark.parametrize(
    "settings",
    [
        {"AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}},
        {"IdTokenValidity": 4, "TokenValidityUnits": {"IdToken": "minutes"}},
        {"RefreshTokenValidity": 30, "TokenValidityUnits": {"RefreshToken": "minutes"}},
        {"RefreshTokenValidity": 3651},
    ],
    ids=["access-2-days", "id-4-minutes", "refresh-30-minutes", "refresh-3651-days"],
)
@pytest.mark.fact(OUT_OF_RANGE)
def test_token_lifetime_out_of_range_is_invalid_parameter(cognito, check, user_pool, settings):
    """Validities outside 5 min..1 day (access, ID) or 60 min..10 years (refresh): InvalidParameterException."""
    created = cognito.create_user_pool_client(
        UserPoolId=user_pool, ClientName=flows.new_username("lifetime"), **settings
    )
    check.error(created, "InvalidParameterException", OUT_OF_RANGE)
