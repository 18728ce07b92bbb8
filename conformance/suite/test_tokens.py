"""Tokens: signatures under the pool's key set, the claims AWS issues, and what a refresh keeps.

Facts: docs/facts.md §4 (refresh), §5 (tokens, claims), Appendix A.3 and A.7. The claim checks
themselves live in :mod:`conformance.token_checks`, the verification maths in
:mod:`conformance.crypto.tokens`; a key set or token that cannot be parsed is a divergence
(``jwks.malformed``, ``token.malformed``), never a traceback.

Run a subset: ``pytest conformance/suite/test_tokens.py -k refresh --endpoint=moto``.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any, cast

import jwt
import pytest

from conformance import flows
from conformance.checks import JWKS_FORM, TOKEN_FORM
from conformance.crypto.tokens import (
    MalformedKeySet,
    MalformedToken,
    TokenRejected,
    decode_unverified,
    parse_jwks,
    verify_token,
)
from conformance.divergence import CheckKind
from conformance.facts import fact
from conformance.token_checks import check_claims_complete, check_token_claims

pytestmark = pytest.mark.kind("tokens")

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

SIGNED = fact("tokens.signed")
JWKS_SERVED = fact("tokens.jwks-served")
JWKS_KEYS = fact("tokens.jwks-keys")
DIFFERENT_KEYS = fact("tokens.different-keys")
REFRESH_JWE = fact("tokens.refresh-jwe")
REFRESH_NO_NEW_REFRESH = fact("auth.refresh-no-new-refresh")
NEW_ORIGIN_JTI = fact("tokens.new-origin-jti")
EMAIL_POOL = fact("tokens.email-pool")
SIGN_IN = fact("auth.tokens-issued")
VALIDITY_UNITS = fact("tokens.validity-units")
ACCESS_EXPIRED = fact("tokens.access-expired")
REFRESH_OUTLIVES_ACCESS = fact("tokens.refresh-outlives-access")
REFRESH_ORIGIN_JTI = fact("tokens.refresh-origin-jti")
ID_EMAIL = fact("tokens.id-email")

#: The JWE header of every observed Cognito refresh token (docs/facts.md §4).
REFRESH_JWE_HEADER = {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}


def auth_result(check, response) -> dict[str, Any]:
    """The AuthenticationResult of an answer, ``{}`` when there is none; its tokens, when there, are strings
    (a member of another JSON type stops the test on that divergence, :meth:`Recorder.read`)."""
    result = check.read(response, "$.AuthenticationResult", dict, default={})
    for member in ("AccessToken", "IdToken", "RefreshToken", "TokenType"):
        check.read(response, f"$.AuthenticationResult.{member}", str, default=None)
    return result


def key_set(check, endpoint, response, pool_id: str, token: str) -> dict[str, Any] | None:
    """The endpoint's JWKS for the pool (found from the token's ``iss``, as AWS clients do)."""
    try:
        issuer = decode_unverified(token)[1].get("iss")
    except MalformedToken:
        issuer = None  # the token's own check reports it; the key set is still found by pool
    try:
        jwks = endpoint.jwks(pool_id, issuer)
    except (OSError, ValueError) as error:
        check.that(
            False,
            operation=response.operation,
            check="jwks.served",
            path="jwks.json",
            expected="the pool's JSON Web Key Set",
            actual=f"{type(error).__name__}: {error}",
            fact=JWKS_SERVED,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
        )
        return None
    try:
        return parse_jwks(jwks)
    except MalformedKeySet as error:
        check.that(
            False,
            operation=response.operation,
            check="jwks.malformed",
            path=error.path,
            expected="a JSON object {keys: [...]} whose RSA keys have base64url n and e",
            actual=error.detail,
            fact=JWKS_FORM,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
        )
        return None


def unverified(check, response, member: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Header and claims of ``AuthenticationResult.<member>``; None (recorded) when it is not a JWT."""
    token = auth_result(check, response).get(member)
    try:
        return decode_unverified(token)
    except MalformedToken as error:
        check.that(
            False,
            operation=response.operation,
            check="token.malformed",
            path=f"$.AuthenticationResult.{member}",
            expected="a compact JWT: three base64url parts, the header and claims JSON objects",
            actual=error.detail,
            fact=TOKEN_FORM,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
        )
        return None


def verified_claims(
    check, response, jwks: dict[str, Any], member: str, token_use: str
) -> dict[str, Any] | None:
    """The claims of ``AuthenticationResult.<member>`` once its signature verifies; None (recorded) otherwise."""
    token = auth_result(check, response).get(member)
    if not check.present(response, f"$.AuthenticationResult.{member}", SIGN_IN):
        return None
    decoded = unverified(check, response, member)
    if decoded is None:
        return None
    iat = decoded[1].get("iat", 0)
    try:
        # Judge expiry by the endpoint's own clock (its iat), which a test may have moved ahead.
        now = max(time.time(), float(iat or 0) if isinstance(iat, int | float) else 0.0)
        return verify_token(cast(str, token), jwks, token_use=token_use, now=now)
    except (TokenRejected, jwt.InvalidTokenError, TypeError, ValueError) as error:
        reason = getattr(error, "reason", "malformed")
        check.that(
            False,
            operation=response.operation,
            check=f"token.verify.{reason}",
            path=f"$.AuthenticationResult.{member}",
            expected=f"an RS256 {token_use} token that verifies under the pool's key set",
            actual=getattr(error, "detail", str(error)),
            fact=SIGNED,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
        )
        return None


def sign_in_claims(check, endpoint, response, client, username: str, previous=None):
    """Verify both tokens of a sign-in or refresh and check their claims; ``(id, access)`` claims or None."""
    if not check.succeeded(response, SIGN_IN):
        return None
    result = auth_result(check, response)
    jwks = key_set(check, endpoint, response, client.pool_id, result.get("AccessToken") or "")
    if jwks is None:
        return None
    id_claims = verified_claims(check, response, jwks, "IdToken", "id")
    access_claims = verified_claims(check, response, jwks, "AccessToken", "access")
    if id_claims is None or access_claims is None:
        return None
    for divergence in check_token_claims(
        operation=response.operation,
        id_claims=id_claims,
        access_claims=access_claims,
        client_id=client.client_id,
        user_pool_id=client.pool_id,
        region=endpoint.region,
        username=username,
        auth_result=result,
        previous=previous,
        evidence=response.exchange,
    ):
        check.add(divergence)
    return id_claims, access_claims


def token_header(token: str) -> Any:
    """The decoded JOSE header of a compact JWT/JWE (not secret), or a description of why it has none."""
    try:
        first = token.split(".", 1)[0]
        return json.loads(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)))
    except (ValueError, IndexError):
        return "<not a compact JOSE object>"


@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "USER_SRP_AUTH"])
@pytest.mark.fact(SIGNED)
def test_sign_in_tokens_verify_and_carry_aws_claims(
    cognito, check, endpoint, user_pool, make_app_client, make_user, flow
):
    """§5: both tokens verify under the pool's JWKS and carry AWS's claims (client_id, no aud or email in access, ...)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"email": "claims@example.com"})
    if flow == "USER_PASSWORD_AUTH":
        response = flows.password_sign_in(cognito, client, user)
    else:
        attempt = flows.srp_sign_in(cognito, client, user)
        response = attempt.answer if attempt.answer is not None else attempt.challenge
    sign_in_claims(check, endpoint, response, client, user.username)


@pytest.mark.fact(JWKS_KEYS)
def test_key_set_and_token_headers(cognito, check, endpoint, user_pool, make_app_client, make_user):
    """§5: the JWKS keys are RS256 RSA signing keys, and the ID and access tokens name different ``kid`` values."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN):
        return
    result = auth_result(check, response)
    jwks = key_set(check, endpoint, response, user_pool, result.get("AccessToken") or "")
    if jwks is None:
        return
    for index, key in enumerate(jwks["keys"]):
        shown = {k: key.get(k) for k in ("kty", "alg", "e", "use")}
        check.that(
            shown == {"kty": "RSA", "alg": "RS256", "e": "AQAB", "use": "sig"} and bool(key.get("kid")),
            operation=response.operation,
            check="jwks.key-form",
            path=f"jwks.keys[{index}]",
            expected={"kty": "RSA", "alg": "RS256", "e": "AQAB", "use": "sig", "kid": "<present>"},
            actual=shown | {"kid": key.get("kid", "<absent>")},
            fact=JWKS_KEYS,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
            note="the key set that verifies this sign-in's tokens",
        )
    id_decoded = unverified(check, response, "IdToken") if result.get("IdToken") else None
    access_decoded = unverified(check, response, "AccessToken") if result.get("AccessToken") else None
    id_kid = id_decoded[0].get("kid") if id_decoded else None
    access_kid = access_decoded[0].get("kid") if access_decoded else None
    check.that(
        id_kid is not None and id_kid != access_kid,
        operation=response.operation,
        check="token.distinct-kid",
        path="$.AuthenticationResult.IdToken.header.kid",
        expected="a kid different from the access token's",
        actual=f"id kid {id_kid!r}, access kid {access_kid!r}",
        fact=DIFFERENT_KEYS,
        kind=CheckKind.TOKENS,
        evidence=response.exchange,
    )
    refresh = result.get("RefreshToken")
    if refresh:
        header = token_header(refresh)
        check.that(
            header == REFRESH_JWE_HEADER,
            operation=response.operation,
            check="refresh-token.jwe-header",
            path="$.AuthenticationResult.RefreshToken.header",
            expected=REFRESH_JWE_HEADER,
            actual=header,
            fact=REFRESH_JWE,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
        )


@pytest.mark.parametrize("admin", [False, True], ids=["initiate", "admin-initiate"])
@pytest.mark.fact(REFRESH_ORIGIN_JTI)
def test_refresh_keeps_auth_time_and_origin_jti(
    cognito, check, endpoint, user_pool, make_app_client, make_user, admin
):
    """§4, §5: a refresh issues new jti values but keeps auth_time and origin_jti, and returns no RefreshToken."""
    flows_allowed = PASSWORD_FLOWS + (["ALLOW_ADMIN_USER_PASSWORD_AUTH"] if admin else [])
    client = make_app_client(user_pool, ExplicitAuthFlows=flows_allowed)
    user = make_user(user_pool)
    signed_in = flows.password_sign_in(cognito, client, user, admin=admin)
    before = sign_in_claims(check, endpoint, signed_in, client, user.username)
    if before is None or not check.present(signed_in, "$.AuthenticationResult.RefreshToken", SIGN_IN):
        return
    refresh_token = check.read(signed_in, "$.AuthenticationResult.RefreshToken", str)
    # auth_time has one-second resolution: a refresh within the sign-in's second could not show a new one.
    if not endpoint.advance_clock(2):
        time.sleep(1.1)
    refreshed = flows.refresh_sign_in(cognito, client, refresh_token, admin=admin)
    if sign_in_claims(check, endpoint, refreshed, client, user.username, previous=before) is not None:
        check.absent(
            refreshed, "$.AuthenticationResult.RefreshToken", REFRESH_NO_NEW_REFRESH, check="no-rotation"
        )


@pytest.mark.fact(NEW_ORIGIN_JTI)
def test_new_sign_in_gets_new_origin_jti(cognito, check, endpoint, user_pool, make_app_client, make_user):
    """§5: each sign-in starts a new token family: a second sign-in's origin_jti differs from the first's."""
    client = make_app_client(user_pool, GenerateSecret=True, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    first = sign_in_claims(
        check, endpoint, flows.password_sign_in(cognito, client, user), client, user.username
    )
    second_response = flows.password_sign_in(cognito, client, user)
    second = sign_in_claims(check, endpoint, second_response, client, user.username)
    if first is None or second is None:
        return
    before, after = first[1].get("origin_jti"), second[1].get("origin_jti")
    if before is None or after is None:
        return  # a missing origin_jti is already reported by the claim checks
    check.that(
        before != after,
        operation=second_response.operation,
        check="token.origin_jti-new-per-sign-in",
        path="$.AuthenticationResult.AccessToken.origin_jti",
        expected="a new origin_jti",
        actual="the previous sign-in's origin_jti",
        fact=NEW_ORIGIN_JTI,
        kind=CheckKind.TOKENS,
        evidence=second_response.exchange,
    )


@pytest.mark.fact(EMAIL_POOL)
def test_email_username_pool_tokens_name_the_sub(cognito, check, endpoint, make_user_pool, make_app_client):
    """Appendix A.7: with UsernameAttributes=[email], access ``username`` and ID ``cognito:username`` are the sub."""
    created = make_user_pool(UsernameAttributes=["email"])
    if not check.succeeded(created, EMAIL_POOL, note="creating an email-username pool"):
        return
    pool_id = created.body["UserPool"]["Id"]
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    email = f"{flows.new_username('mail')}@example.com"
    made, user = flows.create_user(cognito, pool_id, username=email, attributes={"email": email})
    if user is None:
        check.succeeded(made, EMAIL_POOL, note="creating the user by email")
        return
    described = cognito.admin_get_user(UserPoolId=pool_id, Username=email)
    if not check.succeeded(described, EMAIL_POOL):
        return
    attributes = check.read(described, "$.UserAttributes", list, default=[], items=dict)
    sub = next((a.get("Value") for a in attributes if a.get("Name") == "sub"), None)
    check.equal(described, "$.Username", sub, EMAIL_POOL, check="username-is-sub")
    response = flows.password_sign_in(cognito, client, user)
    claims = sign_in_claims(check, endpoint, response, client, sub or email)
    if claims is not None:
        id_claims = claims[0]
        check.that(
            id_claims.get("email") == email,
            operation=response.operation,
            check="token.id.email",
            path="$.AuthenticationResult.IdToken.email",
            expected=email,
            actual=id_claims.get("email", "<absent>"),
            fact=EMAIL_POOL,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
        )


@pytest.mark.fact(ACCESS_EXPIRED)
def test_expired_access_token_is_refused_and_refresh_still_works(
    cognito, check, endpoint, user_pool, make_app_client, make_user
):
    """§5, §12.4: a 5-minute access token: ExpiresIn 300; once past, "Access Token has expired"; refresh still works."""
    client = make_app_client(
        user_pool,
        ExplicitAuthFlows=PASSWORD_FLOWS,
        AccessTokenValidity=5,
        TokenValidityUnits={"AccessToken": "minutes"},
    )
    user = make_user(user_pool)
    signed_in = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(signed_in, SIGN_IN):
        return
    check.equal(signed_in, "$.AuthenticationResult.ExpiresIn", 300, VALIDITY_UNITS)
    result = check.read(signed_in, "$.AuthenticationResult", dict, default=None) or {}
    if not result.get("AccessToken") or not result.get("RefreshToken"):
        check.present(signed_in, "$.AuthenticationResult.RefreshToken", SIGN_IN)
        return
    if not endpoint.let_time_pass(5 * 60 + 10):
        pytest.skip("the endpoint's clock cannot be advanced")
    expired = cognito.get_user(AccessToken=result["AccessToken"])
    check.error(expired, "NotAuthorizedException", ACCESS_EXPIRED, message="Access Token has expired")
    check.succeeded(flows.refresh_sign_in(cognito, client, result["RefreshToken"]), REFRESH_OUTLIVES_ACCESS)


@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH"])
@pytest.mark.fact(ID_EMAIL)
def test_tokens_carry_every_claim_aws_issues(
    cognito, check, endpoint, user_pool, make_app_client, make_user, flow
):
    """§5: beyond the required claims, the ID token of a user with an email carries email and
    email_verified, and the access token carries event_id (UNVERIFIED: reported, never failing)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS + ["ALLOW_ADMIN_USER_PASSWORD_AUTH"])
    email = f"{flows.new_username('claims')}@example.com"
    user = make_user(user_pool, attributes={"email": email, "email_verified": "true"})
    response = flows.password_sign_in(cognito, client, user, admin=flow != "USER_PASSWORD_AUTH")
    claims = sign_in_claims(check, endpoint, response, client, user.username)
    if claims is None:
        return
    for divergence in check_claims_complete(
        operation=response.operation,
        id_claims=claims[0],
        access_claims=claims[1],
        email=email,
        evidence=response.exchange,
    ):
        check.add(divergence)
