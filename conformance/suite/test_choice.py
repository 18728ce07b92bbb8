"""Choice-based sign-in: USER_AUTH, SELECT_CHALLENGE, passwordless EMAIL_OTP / SMS_OTP first factors,
GetUserAuthFactors, SignInPolicy.AllowedFirstAuthFactors and the feature plan (UserPoolTier).

Facts: ``choice.*`` in the catalogue (docs/facts.md, "Choice-based sign-in"). The tests that type a
one-time code back read it from the endpoint's message outbox (the ``outbox`` fixture) and skip where
there is none; every other test runs everywhere.

Run a subset: ``pytest conformance/suite/test_choice.py -k otp --endpoint=reference``.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance import flows
from conformance.crypto.srp import UserSrpClient
from conformance.facts import fact

pytestmark = pytest.mark.kind("semantics")

CHOICE_FLOWS = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
EMAIL = {"email": "choice@example.com", "email_verified": "true"}
PHONE = {"phone_number": "+15555550123", "phone_number_verified": "true"}

SELECT = fact("choice.user-auth-select")
AVAILABLE = fact("choice.available-challenges")
SELECT_ANSWER = fact("choice.select-answer")
PREFERRED = fact("choice.preferred-challenge")
PREFERRED_UNAVAILABLE = fact("choice.preferred-unavailable")
ANSWER_UNAVAILABLE = fact("choice.answer-unavailable")
OTP_CHALLENGE = fact("choice.otp-challenge")
OTP_ANSWER = fact("choice.otp-answer")
OTP_WRONG = fact("choice.otp-wrong-code")
COVERS_PASSWORD = fact("choice.user-auth-covers-password")
FIRST_FACTORS = fact("choice.first-factors")
TIER = fact("choice.tier")
LITE_REFUSES = fact("choice.lite-refuses-choice")
LITE_PASSWORD = fact("choice.lite-password-policy")
AUTH_FACTORS = fact("choice.auth-factors")
AUTH_FACTORS_CONTENT = fact("choice.auth-factors-content")
FLOW_NOT_ENABLED = fact("auth.flow-not-enabled")
SESSION_TWICE = fact("auth.session-twice")
VERIFIER_RIGHT = fact("auth.verifier-right")
ACCESS_REVOKED = fact("tokens.access-revoked")
GLOBAL_SIGN_OUT = fact("tokens.sign-out")


def sign_in_policy(*factors: str) -> dict[str, Any]:
    return {"SignInPolicy": {"AllowedFirstAuthFactors": list(factors)}}


def choice_pool(make_user_pool, check, *factors: str) -> str | None:
    """A pool allowing ``factors`` first; None when the pool refused (the divergence is recorded)."""
    created = make_user_pool(Policies=sign_in_policy(*factors))
    if not check.succeeded(created, FIRST_FACTORS, note="creating the pool the test needs"):
        return None
    return check.read(created, "$.UserPool.Id", str)


def user_auth(cognito, client, username: str, *, admin: bool = False, **parameters: str):
    """InitiateAuth (or AdminInitiateAuth) USER_AUTH with USERNAME and ``parameters``."""
    params = client.auth_parameters(username, **parameters)
    if admin:
        return cognito.admin_initiate_auth(
            UserPoolId=client.pool_id, ClientId=client.client_id, AuthFlow="USER_AUTH", AuthParameters=params
        )
    return cognito.initiate_auth(ClientId=client.client_id, AuthFlow="USER_AUTH", AuthParameters=params)


def respond(cognito, client, challenge: str, session: str, username: str, **responses: str):
    """RespondToAuthChallenge ``challenge`` with USERNAME (and SECRET_HASH) and ``responses``."""
    return cognito.respond_to_auth_challenge(
        ClientId=client.client_id,
        ChallengeName=challenge,
        Session=session,
        ChallengeResponses=client.auth_parameters(username, **responses),
    )


def selection(check, response) -> tuple[str, list[str]] | None:
    """The Session and AvailableChallenges of a SELECT_CHALLENGE answer; None when it is not one."""
    if not check.succeeded(response, SELECT):
        return None
    if not check.equal(response, "$.ChallengeName", "SELECT_CHALLENGE", SELECT):
        return None
    session = check.read(response, "$.Session", str)
    return session, check.read(response, "$.AvailableChallenges", list, default=[], items=str)


def offers(check, response, available: list[str], expected: list[str]) -> bool:
    """AvailableChallenges is exactly ``expected`` (in any order)."""
    return check.that(
        sorted(available) == sorted(expected),
        operation=response.operation,
        check="choice.available",
        path="$.AvailableChallenges",
        expected=sorted(expected),
        actual=available,
        fact=AVAILABLE,
        evidence=response.exchange,
    )


def signed_in(check, response, fact_) -> bool:
    """The step completed the sign-in: success and an AuthenticationResult with an access token."""
    if not check.succeeded(response, fact_):
        return False
    return check.present(response, "$.AuthenticationResult.AccessToken", fact_)


# --- the feature plan and the sign-in policy -------------------------------------------------------


@pytest.mark.fact(TIER)
def test_pool_tier_defaults_to_essentials_and_echoes_lite(cognito, check, make_user_pool):
    """CreateUserPool without UserPoolTier is ESSENTIALS with AllowedFirstAuthFactors ["PASSWORD"]; a
    LITE pool is described as LITE."""
    plain = make_user_pool()
    if check.succeeded(plain, TIER):
        check.equal(plain, "$.UserPool.UserPoolTier", "ESSENTIALS", TIER, check="default")
        check.equal(
            plain, "$.UserPool.Policies.SignInPolicy.AllowedFirstAuthFactors", ["PASSWORD"], FIRST_FACTORS
        )
    lite = make_user_pool(UserPoolTier="LITE")
    if not check.succeeded(lite, TIER):
        return
    described = cognito.describe_user_pool(UserPoolId=check.read(lite, "$.UserPool.Id", str))
    if check.succeeded(described, TIER):
        check.equal(described, "$.UserPool.UserPoolTier", "LITE", TIER)


@pytest.mark.fact(FIRST_FACTORS)
def test_sign_in_policy_is_described_as_set(cognito, check, make_user_pool):
    """A pool created with AllowedFirstAuthFactors PASSWORD, EMAIL_OTP, SMS_OTP describes that list."""
    pool = choice_pool(make_user_pool, check, "PASSWORD", "EMAIL_OTP", "SMS_OTP")
    if pool is None:
        return
    described = cognito.describe_user_pool(UserPoolId=pool)
    if check.succeeded(described, FIRST_FACTORS):
        check.equal(
            described,
            "$.UserPool.Policies.SignInPolicy.AllowedFirstAuthFactors",
            ["PASSWORD", "EMAIL_OTP", "SMS_OTP"],
            FIRST_FACTORS,
        )


@pytest.mark.kind("errors")
@pytest.mark.fact(LITE_REFUSES)
def test_lite_pool_refuses_passwordless_first_factors(check, make_user_pool):
    """A LITE pool with EMAIL_OTP as a first factor: FeatureUnavailableInTierException."""
    created = make_user_pool(UserPoolTier="LITE", Policies=sign_in_policy("PASSWORD", "EMAIL_OTP"))
    check.error(created, "FeatureUnavailableInTierException", LITE_REFUSES)


@pytest.mark.fact(LITE_PASSWORD)
def test_lite_pool_keeps_password_only_sign_in(check, make_user_pool):
    """A LITE pool with AllowedFirstAuthFactors ["PASSWORD"] (the default) is created."""
    check.succeeded(make_user_pool(UserPoolTier="LITE", Policies=sign_in_policy("PASSWORD")), LITE_PASSWORD)


@pytest.mark.kind("errors")
@pytest.mark.fact(LITE_REFUSES)
def test_lite_pool_refuses_a_user_auth_client(cognito, check, make_user_pool):
    """CreateUserPoolClient with ALLOW_USER_AUTH in a LITE pool: FeatureUnavailableInTierException."""
    lite = make_user_pool(UserPoolTier="LITE")
    if not check.succeeded(lite, TIER, note="creating the LITE pool the test needs"):
        return
    created = cognito.create_user_pool_client(
        UserPoolId=check.read(lite, "$.UserPool.Id", str), ClientName="choice", ExplicitAuthFlows=CHOICE_FLOWS
    )
    check.error(created, "FeatureUnavailableInTierException", LITE_REFUSES)


# --- USER_AUTH and SELECT_CHALLENGE -------------------------------------------------------------------


@pytest.mark.fact(SELECT)
@pytest.mark.parametrize("admin", [False, True], ids=["initiate", "admin"])
def test_user_auth_without_preference_offers_a_choice(
    cognito, check, make_user_pool, make_app_client, make_user, admin
):
    """USER_AUTH without PREFERRED_CHALLENGE: SELECT_CHALLENGE, a Session, and AvailableChallenges
    PASSWORD, PASSWORD_SRP and EMAIL_OTP for a user with a password and a verified e-mail."""
    pool = choice_pool(make_user_pool, check, "PASSWORD", "EMAIL_OTP")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool, attributes=EMAIL)
    answer = user_auth(cognito, client, user.username, admin=admin)
    chosen = selection(check, answer)
    if chosen is not None:
        offers(check, answer, chosen[1], ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"])


@pytest.mark.fact(SELECT_ANSWER)
def test_select_password_signs_in(cognito, check, make_user_pool, make_app_client, make_user):
    """SELECT_CHALLENGE answered PASSWORD with the password: tokens."""
    pool = choice_pool(make_user_pool, check, "PASSWORD")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool)
    chosen = selection(check, user_auth(cognito, client, user.username))
    if chosen is None:
        return
    answer = respond(
        cognito,
        client,
        "SELECT_CHALLENGE",
        chosen[0],
        user.username,
        ANSWER="PASSWORD",
        PASSWORD=user.password,
    )
    signed_in(check, answer, SELECT_ANSWER)


@pytest.mark.fact(SELECT_ANSWER)
def test_select_password_srp_continues_with_password_verifier(
    cognito, check, make_user_pool, make_app_client, make_user
):
    """SELECT_CHALLENGE answered PASSWORD_SRP with SRP_A: PASSWORD_VERIFIER, whose right proof signs in."""
    pool = choice_pool(make_user_pool, check, "PASSWORD")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool)
    chosen = selection(check, user_auth(cognito, client, user.username))
    if chosen is None:
        return
    srp = UserSrpClient(pool, user.password)
    verifier = respond(
        cognito,
        client,
        "SELECT_CHALLENGE",
        chosen[0],
        user.username,
        ANSWER="PASSWORD_SRP",
        SRP_A=srp.srp_a_hex(),
    )
    if not check.succeeded(verifier, SELECT_ANSWER):
        return
    if not check.equal(verifier, "$.ChallengeName", "PASSWORD_VERIFIER", SELECT_ANSWER):
        return
    parameters = check.read(verifier, "$.ChallengeParameters", dict, items=str)
    responses = srp.answer_password_verifier(parameters)
    session = check.read(verifier, "$.Session", str, default=None)
    answer = cognito.respond_to_auth_challenge(
        ClientId=client.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=client.auth_parameters(responses.pop("USERNAME"), **responses),
        **({"Session": session} if session else {}),
    )
    signed_in(check, answer, VERIFIER_RIGHT)


@pytest.mark.fact(PREFERRED)
@pytest.mark.parametrize("admin", [False, True], ids=["initiate", "admin"])
def test_preferred_password_signs_in_at_once(
    cognito, check, make_user_pool, make_app_client, make_user, admin
):
    """USER_AUTH with PREFERRED_CHALLENGE PASSWORD and the password, at a client with only ALLOW_USER_AUTH
    (no ALLOW_USER_PASSWORD_AUTH): tokens in one step."""
    pool = choice_pool(make_user_pool, check, "PASSWORD")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=["ALLOW_USER_AUTH"])
    user = make_user(pool)
    answer = user_auth(
        cognito, client, user.username, admin=admin, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=user.password
    )
    if signed_in(check, answer, COVERS_PASSWORD):
        check.absent(answer, "$.ChallengeName", PREFERRED)


@pytest.mark.fact(PREFERRED_UNAVAILABLE)
def test_unavailable_preference_offers_a_choice(cognito, check, make_user_pool, make_app_client, make_user):
    """PREFERRED_CHALLENGE EMAIL_OTP in a password-only pool: SELECT_CHALLENGE offering the password."""
    pool = choice_pool(make_user_pool, check, "PASSWORD")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool, attributes=EMAIL)
    answer = user_auth(cognito, client, user.username, PREFERRED_CHALLENGE="EMAIL_OTP")
    check.succeeded(answer, PREFERRED_UNAVAILABLE)
    check.equal(answer, "$.ChallengeName", "SELECT_CHALLENGE", PREFERRED_UNAVAILABLE)


@pytest.mark.kind("errors")
@pytest.mark.fact(ANSWER_UNAVAILABLE)
def test_select_answer_not_offered_is_invalid_parameter(
    cognito, check, make_user_pool, make_app_client, make_user
):
    """SELECT_CHALLENGE answered EMAIL_OTP in a password-only pool: InvalidParameterException."""
    pool = choice_pool(make_user_pool, check, "PASSWORD")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool, attributes=EMAIL)
    chosen = selection(check, user_auth(cognito, client, user.username))
    if chosen is None:
        return
    answer = respond(cognito, client, "SELECT_CHALLENGE", chosen[0], user.username, ANSWER="EMAIL_OTP")
    check.error(answer, "InvalidParameterException", ANSWER_UNAVAILABLE)


@pytest.mark.kind("errors")
@pytest.mark.fact(FLOW_NOT_ENABLED)
def test_user_auth_at_a_client_without_it_is_invalid_parameter(
    cognito, check, make_user_pool, make_app_client, make_user
):
    """USER_AUTH at a client that lacks ALLOW_USER_AUTH: InvalidParameterException."""
    pool = choice_pool(make_user_pool, check, "PASSWORD")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    user = make_user(pool)
    answer = user_auth(cognito, client, user.username, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=user.password)
    check.error(answer, "InvalidParameterException", FLOW_NOT_ENABLED)


# --- passwordless first factors ------------------------------------------------------------------


@pytest.mark.fact(OTP_ANSWER)
def test_email_otp_signs_in_once_after_a_wrong_code(
    cognito, check, outbox, make_user_pool, make_app_client, make_user
):
    """SELECT_CHALLENGE answered EMAIL_OTP: the EMAIL_OTP challenge (medium, masked destination), an
    e-mailed code; a wrong code is CodeMismatchException and leaves the session usable; the right code
    signs in; the same session and code again are refused."""
    pool = choice_pool(make_user_pool, check, "PASSWORD", "EMAIL_OTP")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool, attributes=EMAIL)
    chosen = selection(check, user_auth(cognito, client, user.username))
    if chosen is None:
        return
    challenge = respond(cognito, client, "SELECT_CHALLENGE", chosen[0], user.username, ANSWER="EMAIL_OTP")
    if not check.succeeded(challenge, SELECT_ANSWER):
        return
    check.equal(challenge, "$.ChallengeName", "EMAIL_OTP", OTP_CHALLENGE)
    check.equal(challenge, "$.ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM", "EMAIL", OTP_CHALLENGE)
    check.present(challenge, "$.ChallengeParameters.CODE_DELIVERY_DESTINATION", OTP_CHALLENGE)
    session = check.read(challenge, "$.Session", str)
    code = outbox.code(pool, user.username, "otp")
    if not check.that(
        code is not None,
        operation="RespondToAuthChallenge",
        check="message.sent",
        path="outbox",
        expected="an e-mail with the one-time code",
        actual="no message",
        fact=OTP_CHALLENGE,
    ):
        return
    wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
    mismatch = respond(cognito, client, "EMAIL_OTP", session, user.username, EMAIL_OTP_CODE=wrong)
    check.error(mismatch, "CodeMismatchException", OTP_WRONG)
    right = respond(cognito, client, "EMAIL_OTP", session, user.username, EMAIL_OTP_CODE=code)
    if signed_in(check, right, OTP_ANSWER):
        again = respond(cognito, client, "EMAIL_OTP", session, user.username, EMAIL_OTP_CODE=code)
        check.error(again, "NotAuthorizedException", SESSION_TWICE)


@pytest.mark.fact(PREFERRED)
def test_preferred_sms_otp_signs_in_with_the_texted_code(
    cognito, check, outbox, make_user_pool, make_app_client, make_user
):
    """USER_AUTH with PREFERRED_CHALLENGE SMS_OTP: the SMS_OTP challenge at once; the texted code signs in."""
    pool = choice_pool(make_user_pool, check, "PASSWORD", "SMS_OTP")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool, attributes=PHONE)
    challenge = user_auth(cognito, client, user.username, PREFERRED_CHALLENGE="SMS_OTP")
    if not check.succeeded(challenge, PREFERRED):
        return
    if not check.equal(challenge, "$.ChallengeName", "SMS_OTP", PREFERRED):
        return
    check.equal(challenge, "$.ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM", "SMS", OTP_CHALLENGE)
    code = outbox.code(pool, user.username, "otp")
    if code is None:
        check.that(
            False,
            operation="InitiateAuth",
            check="message.sent",
            path="outbox",
            expected="an SMS with the one-time code",
            actual="no message",
            fact=OTP_CHALLENGE,
        )
        return
    answer = respond(
        cognito, client, "SMS_OTP", check.read(challenge, "$.Session", str), user.username, SMS_OTP_CODE=code
    )
    signed_in(check, answer, OTP_ANSWER)


# --- GetUserAuthFactors ---------------------------------------------------------------------------


@pytest.mark.fact(AUTH_FACTORS)
def test_get_user_auth_factors_lists_the_users_first_factors(
    cognito, check, make_user_pool, make_app_client, make_user
):
    """GetUserAuthFactors with the access token: the Username, and PASSWORD and EMAIL_OTP configured
    for a user with a password and a verified e-mail in a pool allowing both."""
    pool = choice_pool(make_user_pool, check, "PASSWORD", "EMAIL_OTP")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool, attributes=EMAIL)
    answer = user_auth(cognito, client, user.username, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=user.password)
    if not signed_in(check, answer, PREFERRED):
        return
    access = (flows.tokens(answer) or {}).get("AccessToken")
    factors = cognito.get_user_auth_factors(AccessToken=access)
    if not check.succeeded(factors, AUTH_FACTORS):
        return
    check.equal(factors, "$.Username", user.username, AUTH_FACTORS)
    configured = check.read(factors, "$.ConfiguredUserAuthFactors", list, default=[], items=str)
    check.that(
        sorted(configured) == ["EMAIL_OTP", "PASSWORD"],
        operation=factors.operation,
        check="choice.factors",
        path="$.ConfiguredUserAuthFactors",
        expected=["EMAIL_OTP", "PASSWORD"],
        actual=configured,
        fact=AUTH_FACTORS_CONTENT,
        evidence=factors.exchange,
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(ACCESS_REVOKED)
def test_get_user_auth_factors_with_a_revoked_token_is_not_authorized(
    cognito, check, make_user_pool, make_app_client, make_user
):
    """GetUserAuthFactors is authorised by the access token (facts:choice.auth-factors): after
    GlobalSignOut revoked it, NotAuthorizedException "Access Token has been revoked"."""
    pool = choice_pool(make_user_pool, check, "PASSWORD")
    if pool is None:
        return
    client = make_app_client(pool, ExplicitAuthFlows=CHOICE_FLOWS)
    user = make_user(pool)
    answer = user_auth(cognito, client, user.username, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=user.password)
    if not signed_in(check, answer, PREFERRED):
        return
    access = (flows.tokens(answer) or {}).get("AccessToken")
    if not check.succeeded(cognito.global_sign_out(AccessToken=access), GLOBAL_SIGN_OUT, note="signing out"):
        return
    check.error(
        cognito.get_user_auth_factors(AccessToken=access),
        "NotAuthorizedException",
        ACCESS_REVOKED,
        message=ACCESS_REVOKED.message,
    )
