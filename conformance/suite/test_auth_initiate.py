"""InitiateAuth: every flow, flows a client does not allow, secret clients, users who cannot sign in.

Facts: docs/facts.md §1 (SRP, SECRET_HASH), §4 (flows), §5 (the result), §7 (errors), §12.2-§12.3.
The PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED answers are in test_auth_challenges.py.

Run a subset: ``pytest conformance/suite/test_auth_initiate.py -k secret --endpoint=moto``.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from conformance import flows
from conformance.checks import SRP_B_GROUP, check_srp_challenge_values
from conformance.crypto.srp import UserSrpClient
from conformance.facts import fact

pytestmark = pytest.mark.kind("semantics")

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

TOKENS_ISSUED = fact("auth.tokens-issued")
BEARER = fact("auth.bearer")
EXPIRES_IN = fact("auth.expires-in")
SIGN_IN_HAS_REFRESH = fact("auth.sign-in-has-refresh")
NO_CHALLENGE_ON_SUCCESS = fact("auth.no-challenge-on-success")
EMPTY_PARAMETERS_ON_INITIATE = fact("auth.empty-parameters-on-initiate")
SRP_CHALLENGE = fact("auth.srp-challenge")
ADMIN_SRP_CHALLENGE = fact("auth.admin-srp")
SRP_USERNAME_PARAMETER = fact("auth.srp-username-parameter")
USER_ID_FOR_SRP = fact("auth.user-id-for-srp")
SRP_NO_SESSION = fact("auth.srp-no-session")
UPPERCASE_SRP_A = fact("auth.uppercase-srp-a")
REFRESH_NO_NEW_REFRESH = fact("auth.refresh-no-new-refresh")
REFRESH_SYNONYM = fact("auth.refresh-synonym")
INVALID_REFRESH = fact("auth.invalid-refresh")
USER_PASSWORD_NOT_ENABLED = fact("auth.user-password-not-enabled")
SRP_NOT_ENABLED = fact("auth.srp-not-enabled")
CUSTOM_NOT_ENABLED = fact("auth.custom-not-enabled")
CUSTOM_NO_TRIGGER = fact("auth.custom-no-trigger")
CUSTOM_ONLY_CLIENT = fact("auth.custom-only-client")
REFRESH_NOT_ENABLED = fact("auth.refresh-not-enabled")
ADMIN_FLOW_ON_INITIATE = fact("auth.admin-flow-on-initiate")
ENUM_VALIDATION = fact("auth.enum-validation")
LEGACY_IMPLIES_SRP_REFRESH = fact("auth.legacy-implies-srp-refresh")
SECRET_HASH_OK = fact("auth.secret-hash-ok")
SECRET_HASH_WRONG = fact("auth.secret-hash-wrong")
REFRESH_SECRET_HASH_WRONG = fact("auth.refresh-secret-hash-wrong")
SECRET_HASH_MISSING = fact("auth.secret-hash-missing")
INCORRECT = fact("auth.incorrect")
UNKNOWN_USER_LEGACY = fact("auth.unknown-user-legacy")
PREVENT_EXISTENCE = fact("auth.prevent-existence")
SIMULATED_SRP = fact("auth.simulated-srp")
UNCONFIRMED = fact("auth.unconfirmed")
DISABLED = fact("auth.disabled")
RESET_REQUIRED = fact("auth.reset-required")
UNKNOWN_CLIENT = fact("clients.unknown-client")


def check_tokens_issued(check, response, *, refresh_token: bool = True) -> bool:
    """The members of a successful sign-in (§3, §5); returns whether it succeeded at all."""
    if not check.succeeded(response, TOKENS_ISSUED):
        return False
    result = "$.AuthenticationResult"
    for member in ("AccessToken", "IdToken"):
        check.present(response, f"{result}.{member}", TOKENS_ISSUED)
    if refresh_token:
        check.present(response, f"{result}.RefreshToken", SIGN_IN_HAS_REFRESH)
    check.equal(response, f"{result}.TokenType", "Bearer", BEARER)
    check.equal(response, f"{result}.ExpiresIn", 3600, EXPIRES_IN, check="default")
    check.absent(response, "$.ChallengeName", NO_CHALLENGE_ON_SUCCESS)
    check.absent(response, "$.Session", NO_CHALLENGE_ON_SUCCESS)
    return True


def wrong_password(user: flows.TestUser) -> flows.TestUser:
    """The same user with a password that is not theirs (still valid under the default policy)."""
    return dataclasses.replace(user, password=flows.new_password())


# --- USER_PASSWORD_AUTH ----------------------------------------------------------------------------


@pytest.mark.fact(TOKENS_ISSUED)
def test_user_password_auth_returns_tokens(cognito, check, user_pool, make_app_client, make_user):
    """§5: USER_PASSWORD_AUTH returns AccessToken, IdToken, RefreshToken, ``Bearer`` and 3600 (§3: no challenge)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    signed_in = flows.password_sign_in(cognito, client, user)
    if check_tokens_issued(check, signed_in):
        check.equal(signed_in, "$.ChallengeParameters", {}, EMPTY_PARAMETERS_ON_INITIATE, check="empty-map")


@pytest.mark.kind("errors")
@pytest.mark.fact(INCORRECT)
def test_user_password_auth_with_wrong_password_is_incorrect(
    cognito, check, user_pool, make_app_client, make_user
):
    """§7: a wrong password gives NotAuthorizedException "Incorrect username or password."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    refused = flows.password_sign_in(cognito, client, wrong_password(user))
    check.error(refused, "NotAuthorizedException", INCORRECT, message="Incorrect username or password.")


@pytest.mark.kind("errors")
@pytest.mark.fact(USER_PASSWORD_NOT_ENABLED)
def test_user_password_auth_not_enabled_on_default_client(
    cognito, check, user_pool, make_app_client, make_user
):
    """§4: a client without ExplicitAuthFlows allows SRP, refresh and custom only; USER_PASSWORD_AUTH is refused."""
    client = make_app_client(user_pool)
    user = make_user(user_pool)
    refused = flows.password_sign_in(cognito, client, user)
    check.error(
        refused,
        "InvalidParameterException",
        USER_PASSWORD_NOT_ENABLED,
        message="USER_PASSWORD_AUTH flow not enabled for this client",
    )


# --- USER_SRP_AUTH ---------------------------------------------------------------------------------


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(SRP_CHALLENGE)
def test_user_srp_auth_returns_password_verifier_challenge(
    cognito, check, user_pool, make_app_client, make_user
):
    """§1, §3: USER_SRP_AUTH answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK, USERNAME, USER_ID_FOR_SRP."""
    client = make_app_client(user_pool)
    user = make_user(user_pool)
    srp = UserSrpClient(user_pool, user.password)
    challenge = cognito.initiate_auth(
        ClientId=client.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=client.auth_parameters(user.username, SRP_A=srp.srp_a_hex()),
    )
    if not check.succeeded(challenge, SRP_CHALLENGE):
        return
    check.equal(challenge, "$.ChallengeName", "PASSWORD_VERIFIER", SRP_CHALLENGE, check="challenge-name")
    parameters = "$.ChallengeParameters"
    check.matches(challenge, f"{parameters}.SALT", r"[0-9a-fA-F]+", SRP_CHALLENGE, check="hex")
    check.matches(challenge, f"{parameters}.SRP_B", r"[0-9a-fA-F]+", SRP_CHALLENGE, check="hex")
    check.matches(
        challenge, f"{parameters}.SECRET_BLOCK", r"[A-Za-z0-9+/_=-]+", SRP_CHALLENGE, check="base64"
    )
    check.present(challenge, f"{parameters}.USERNAME", SRP_USERNAME_PARAMETER)
    check.equal(challenge, f"{parameters}.USER_ID_FOR_SRP", user.username, USER_ID_FOR_SRP)
    check.absent(challenge, "$.Session", SRP_NO_SESSION)
    check.absent(challenge, "$.AuthenticationResult", SRP_CHALLENGE)


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(UPPERCASE_SRP_A)
def test_user_srp_auth_accepts_upper_case_srp_a(cognito, check, user_pool, make_app_client, make_user):
    """§12.2: SRP_A in upper-case hex (as .NET sends it) is parsed and the sign-in completes."""
    client = make_app_client(user_pool)
    user = make_user(user_pool)
    srp = UserSrpClient(user_pool, user.password)
    challenge = cognito.initiate_auth(
        ClientId=client.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=client.auth_parameters(user.username, SRP_A=srp.srp_a_hex().upper()),
    )
    if not check.succeeded(challenge, UPPERCASE_SRP_A):
        return
    if not check.equal(
        challenge, "$.ChallengeName", "PASSWORD_VERIFIER", UPPERCASE_SRP_A, check="challenge-name"
    ):
        return
    responses = srp.answer_password_verifier(
        check.read(challenge, "$.ChallengeParameters", dict, default={}, items=str)
    )
    session_value = check.read(challenge, "$.Session", str, default=None)
    session = {"Session": session_value} if session_value else {}
    answer = cognito.respond_to_auth_challenge(
        ClientId=client.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses, **session
    )
    if check.succeeded(answer, UPPERCASE_SRP_A):
        check.present(answer, "$.AuthenticationResult.AccessToken", UPPERCASE_SRP_A)


@pytest.mark.kind("errors")
@pytest.mark.fact(SRP_NOT_ENABLED)
def test_user_srp_auth_not_enabled_for_client(cognito, check, user_pool, make_app_client, make_user):
    """§4: an ALLOW_* client without ALLOW_USER_SRP_AUTH refuses SRP: "USER_SRP_AUTH is not enabled for the client."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    flow = flows.srp_sign_in(cognito, client, user)
    check.error(
        flow.challenge,
        "InvalidParameterException",
        SRP_NOT_ENABLED,
        message="USER_SRP_AUTH is not enabled for the client.",
    )


# --- REFRESH_TOKEN_AUTH / REFRESH_TOKEN -------------------------------------------------------------


@pytest.mark.parametrize("flow", ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"])
@pytest.mark.fact(REFRESH_NO_NEW_REFRESH)
def test_refresh_returns_new_tokens_without_refresh_token(
    cognito, check, user_pool, make_app_client, make_user, flow
):
    """§4: both synonyms return new ID and access tokens and no RefreshToken (rotation is off)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    signed_in = flows.password_sign_in(cognito, client, user)
    first = flows.tokens(signed_in)
    if first is None or "RefreshToken" not in first:
        check.succeeded(signed_in, TOKENS_ISSUED, note="signing in to refresh")
        check.present(signed_in, "$.AuthenticationResult.RefreshToken", SIGN_IN_HAS_REFRESH)
        return
    fact = REFRESH_SYNONYM if flow == "REFRESH_TOKEN" else REFRESH_NO_NEW_REFRESH
    refreshed = flows.refresh_sign_in(cognito, client, first["RefreshToken"], flow=flow)
    if not check.succeeded(refreshed, fact):
        return
    check.present(refreshed, "$.AuthenticationResult.AccessToken", fact)
    check.present(refreshed, "$.AuthenticationResult.IdToken", fact)
    check.absent(
        refreshed, "$.AuthenticationResult.RefreshToken", REFRESH_NO_NEW_REFRESH, check="no-rotation"
    )
    check.that(
        check.read(refreshed, "$.AuthenticationResult.AccessToken", str, default=None)
        != first["AccessToken"],
        operation=refreshed.operation,
        check="new-access-token",
        path="$.AuthenticationResult.AccessToken",
        expected="a new access token",
        actual="the access token of the sign-in",
        fact=REFRESH_NO_NEW_REFRESH,
        evidence=refreshed.exchange,
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(INVALID_REFRESH)
def test_refresh_with_garbage_token_is_invalid(cognito, check, user_pool, make_app_client):
    """§4: a refresh token that was never issued gives NotAuthorizedException "Invalid Refresh Token"."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    refused = flows.refresh_sign_in(cognito, client, "eyJjdHkiOiJKV1QifQ.not-a-refresh-token." + "x" * 40)
    check.error(refused, "NotAuthorizedException", INVALID_REFRESH, message="Invalid Refresh Token")


@pytest.mark.kind("errors")
@pytest.mark.fact(REFRESH_NOT_ENABLED)
def test_refresh_not_enabled_for_client(cognito, check, user_pool, make_app_client, make_user):
    """§12.3: a client whose ALLOW_* list lacks ALLOW_REFRESH_TOKEN_AUTH refuses refresh (InvalidParameterException, UNVERIFIED)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    user = make_user(user_pool)
    first = flows.tokens(flows.password_sign_in(cognito, client, user))
    if first is None or "RefreshToken" not in first:
        pytest.skip("the client issued no refresh token to try")
    refused = flows.refresh_sign_in(cognito, client, first["RefreshToken"])
    check.error(refused, "InvalidParameterException", REFRESH_NOT_ENABLED)


# --- CUSTOM_AUTH (no Lambda) -----------------------------------------------------------------------


@pytest.mark.kind("errors")
@pytest.mark.fact(CUSTOM_NO_TRIGGER)
def test_custom_auth_without_trigger_is_not_configured(cognito, check, user_pool, make_app_client, make_user):
    """§12.3: CUSTOM_AUTH on a client that allows it, in a pool without DefineAuthChallenge, is refused."""
    client = make_app_client(user_pool)  # §4: the default client allows ALLOW_CUSTOM_AUTH
    user = make_user(user_pool)
    refused = cognito.initiate_auth(
        ClientId=client.client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters=client.auth_parameters(user.username),
    )
    check.error(
        refused,
        "InvalidParameterException",
        CUSTOM_NO_TRIGGER,
        message="Custom auth lambda trigger is not configured for the user pool.",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(CUSTOM_NOT_ENABLED)
def test_custom_auth_not_enabled_for_client(cognito, check, user_pool, make_app_client, make_user):
    """§12.3: an ALLOW_* client without ALLOW_CUSTOM_AUTH: "CUSTOM_AUTH is not enabled for the client."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    refused = cognito.initiate_auth(
        ClientId=client.client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters=client.auth_parameters(user.username),
    )
    check.error(
        refused,
        "InvalidParameterException",
        CUSTOM_NOT_ENABLED,
        message="CUSTOM_AUTH is not enabled for the client.",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(CUSTOM_ONLY_CLIENT)
def test_custom_auth_flow_only_client_refuses_srp(cognito, check, user_pool, make_app_client, make_user):
    """§12.3: a legacy ``CUSTOM_AUTH_FLOW_ONLY`` client refuses other flows with "Only custom auth ..."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=["CUSTOM_AUTH_FLOW_ONLY"])
    user = make_user(user_pool)
    flow = flows.srp_sign_in(cognito, client, user)
    check.error(
        flow.challenge,
        "InvalidParameterException",
        CUSTOM_ONLY_CLIENT,
        message="Only custom auth (lambda driven) is enabled for this client.",
    )


# --- flows that are not InitiateAuth's ------------------------------------------------------------


@pytest.mark.kind("errors")
@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
@pytest.mark.fact(ADMIN_FLOW_ON_INITIATE)
def test_admin_flow_is_refused_by_initiate_auth(cognito, check, user_pool, make_app_client, make_user, flow):
    """§4: the admin password flows "aren't valid for InitiateAuth" (InvalidParameterException; text UNVERIFIED)."""
    client = make_app_client(
        user_pool, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    user = make_user(user_pool)
    refused = cognito.initiate_auth(
        ClientId=client.client_id,
        AuthFlow=flow,
        AuthParameters=client.auth_parameters(user.username, PASSWORD=user.password),
    )
    check.error(refused, "InvalidParameterException", ADMIN_FLOW_ON_INITIATE)


@pytest.mark.kind("errors")
@pytest.mark.fact(ENUM_VALIDATION)
def test_unknown_auth_flow_is_a_validation_error(cognito, check, user_pool, make_app_client):
    """§4, §7: an AuthFlow outside the enum gives InvalidParameterException "1 validation error detected: ..."."""
    client = make_app_client(user_pool)
    refused = cognito.call(
        "InitiateAuth",
        {"ClientId": client.client_id, "AuthFlow": "NO_SUCH_FLOW", "AuthParameters": {"USERNAME": "nobody"}},
        invalid_request=True,
    )
    check.error(
        refused,
        "InvalidParameterException",
        ENUM_VALIDATION,
        message=re.compile(
            r"1 validation error detected: Value 'NO_SUCH_FLOW' at 'authFlow' failed to satisfy constraint: "
            r"Member must satisfy enum value set: \[.*\]"
        ),
    )


# --- legacy ExplicitAuthFlows ----------------------------------------------------------------------


@pytest.mark.parametrize("legacy", ["USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
@pytest.mark.fact(LEGACY_IMPLIES_SRP_REFRESH)
def test_legacy_client_also_allows_srp_and_refresh(
    cognito, check, user_pool, make_app_client, make_user, legacy
):
    """§4: a client with only a legacy value accepts USER_SRP_AUTH and REFRESH_TOKEN too (verified against AWS)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=[legacy])
    user = make_user(user_pool)
    flow = flows.srp_sign_in(cognito, client, user)
    if not check.succeeded(flow.challenge, LEGACY_IMPLIES_SRP_REFRESH) or flow.answer is None:
        return
    if not check.succeeded(flow.answer, LEGACY_IMPLIES_SRP_REFRESH):
        return
    if check.present(flow.answer, "$.AuthenticationResult.RefreshToken", SIGN_IN_HAS_REFRESH):
        refresh_token = check.read(flow.answer, "$.AuthenticationResult.RefreshToken", str)
        refreshed = flows.refresh_sign_in(cognito, client, refresh_token, flow="REFRESH_TOKEN")
        check.succeeded(refreshed, LEGACY_IMPLIES_SRP_REFRESH)
    if legacy == "USER_PASSWORD_AUTH":
        check.succeeded(flows.password_sign_in(cognito, client, user), LEGACY_IMPLIES_SRP_REFRESH)


# --- clients with a secret -------------------------------------------------------------------------


@pytest.mark.fact(SECRET_HASH_OK)
def test_secret_client_signs_in_with_secret_hash(cognito, check, user_pool, make_app_client, make_user):
    """§1: a secret client accepts USER_PASSWORD_AUTH, USER_SRP_AUTH and refresh with the right SECRET_HASH."""
    client = make_app_client(
        user_pool, GenerateSecret=True, ExplicitAuthFlows=PASSWORD_FLOWS + ["ALLOW_USER_SRP_AUTH"]
    )
    if client.secret is None:
        pytest.skip("the endpoint returned no ClientSecret")
    user = make_user(user_pool)
    signed_in = flows.password_sign_in(cognito, client, user)
    if not check_tokens_issued(check, signed_in):
        return
    srp = flows.srp_sign_in(cognito, client, user)
    if check.succeeded(srp.challenge, SECRET_HASH_OK) and srp.answer is not None:
        check.succeeded(srp.answer, SECRET_HASH_OK)
    refresh_token = check.read(signed_in, "$.AuthenticationResult.RefreshToken", str, default=None)
    if refresh_token:
        refreshed = flows.refresh_sign_in(cognito, client, refresh_token, username=user.username)
        check.succeeded(refreshed, SECRET_HASH_OK)


@pytest.mark.kind("errors")
@pytest.mark.fact(SECRET_HASH_MISSING)
def test_secret_client_without_secret_hash_is_refused(cognito, check, user_pool, make_app_client, make_user):
    """§12.2: no SECRET_HASH: "Client <clientId> is configured with secret but SECRET_HASH was not received"."""
    client = make_app_client(user_pool, GenerateSecret=True, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    refused = cognito.initiate_auth(
        ClientId=client.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )
    check.error(
        refused,
        "NotAuthorizedException",
        SECRET_HASH_MISSING,
        message=f"Client {client.client_id} is configured with secret but SECRET_HASH was not received",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(SECRET_HASH_WRONG)
def test_secret_client_with_wrong_secret_hash_is_refused(
    cognito, check, user_pool, make_app_client, make_user
):
    """§1: a SECRET_HASH computed with another secret: "Unable to verify secret hash for client <clientId>"."""
    client = make_app_client(user_pool, GenerateSecret=True, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    impostor = flows.AppClient(client.pool_id, client.client_id, "s" * 52)
    refused = flows.password_sign_in(cognito, impostor, user)
    check.error(
        refused,
        "NotAuthorizedException",
        SECRET_HASH_WRONG,
        message=f"Unable to verify secret hash for client {client.client_id}",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(REFRESH_SECRET_HASH_WRONG)
def test_refresh_of_secret_client_with_wrong_secret_hash_is_refused(
    cognito, check, user_pool, make_app_client, make_user
):
    """§12.2, §13: a refresh whose SECRET_HASH does not match: NotAuthorizedException, either known text."""
    client = make_app_client(user_pool, GenerateSecret=True, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    signed_in = flows.password_sign_in(cognito, client, user)
    if not check.present(signed_in, "$.AuthenticationResult.RefreshToken", SIGN_IN_HAS_REFRESH):
        return
    impostor = flows.AppClient(client.pool_id, client.client_id, "s" * 52)
    refused = flows.refresh_sign_in(
        cognito,
        impostor,
        check.read(signed_in, "$.AuthenticationResult.RefreshToken", str),
        username=user.username,
    )
    check.error(
        refused,
        "NotAuthorizedException",
        REFRESH_SECRET_HASH_WRONG,
        # Real reports show both texts (2022-2025 and 2020-2021); either is AWS's (§13).
        message=re.compile(
            f"SecretHash does not match for the client: {re.escape(client.client_id)}"
            f"|Unable to verify secret hash for client {re.escape(client.client_id)}"
        ),
    )


# --- users who cannot sign in ----------------------------------------------------------------------


@pytest.mark.kind("errors")
@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "USER_SRP_AUTH"])
@pytest.mark.fact(UNKNOWN_USER_LEGACY)
def test_unknown_user_with_legacy_errors_is_not_found(cognito, check, user_pool, make_app_client, flow):
    """§7, §12.2: with PreventUserExistenceErrors LEGACY (the default), an unknown user: "User does not exist."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS + ["ALLOW_USER_SRP_AUTH"])
    ghost = flows.TestUser(user_pool, flows.new_username("ghost"), flows.new_password())
    if flow == "USER_PASSWORD_AUTH":
        refused = flows.password_sign_in(cognito, client, ghost)
    else:
        refused = flows.srp_sign_in(cognito, client, ghost).challenge
    check.error(refused, "UserNotFoundException", UNKNOWN_USER_LEGACY, message="User does not exist.")


@pytest.mark.kind("errors")
@pytest.mark.fact(PREVENT_EXISTENCE)
def test_unknown_user_with_prevent_existence_errors_is_incorrect(cognito, check, user_pool, make_app_client):
    """§7: with PreventUserExistenceErrors ENABLED, an unknown user gets "Incorrect username or password."."""
    client = make_app_client(
        user_pool, ExplicitAuthFlows=PASSWORD_FLOWS, PreventUserExistenceErrors="ENABLED"
    )
    ghost = flows.TestUser(user_pool, flows.new_username("ghost"), flows.new_password())
    refused = flows.password_sign_in(cognito, client, ghost)
    check.error(
        refused, "NotAuthorizedException", PREVENT_EXISTENCE, message="Incorrect username or password."
    )


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(SIMULATED_SRP)
def test_unknown_user_srp_with_prevent_existence_errors_is_simulated(
    cognito, check, user_pool, make_app_client
):
    """§1: ENABLED: SRP for an unknown user gets a simulated PASSWORD_VERIFIER (same salt each time), then "Incorrect ..."."""
    client = make_app_client(user_pool, PreventUserExistenceErrors="ENABLED")
    ghost = flows.TestUser(user_pool, flows.new_username("ghost"), flows.new_password())
    first = flows.srp_sign_in(cognito, client, ghost)
    if not check.succeeded(first.challenge, SIMULATED_SRP):
        return
    if not check.equal(
        first.challenge, "$.ChallengeName", "PASSWORD_VERIFIER", SIMULATED_SRP, check="challenge-name"
    ):
        return
    if first.answer is not None:
        check.error(
            first.answer,
            "NotAuthorizedException",
            PREVENT_EXISTENCE,
            message="Incorrect username or password.",
        )
    again = flows.srp_sign_in(cognito, client, ghost)
    if check.succeeded(again.challenge, SIMULATED_SRP):
        check.equal(
            again.challenge,
            "$.ChallengeParameters.SALT",
            check.read(first.challenge, "$.ChallengeParameters.SALT", str, default=None),
            SIMULATED_SRP,
            check="simulated-salt-stable",
        )


@pytest.mark.kind("errors")
@pytest.mark.parametrize("password", ["right", "wrong"])
@pytest.mark.fact(UNCONFIRMED)
def test_unconfirmed_user_is_not_confirmed(cognito, check, user_pool, make_app_client, password):
    """§7: an UNCONFIRMED user gets UserNotConfirmedException "User is not confirmed.", even with a wrong password."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    signed_up, user = flows.sign_up(cognito, client)
    if not check.succeeded(signed_up, UNCONFIRMED, note="signing up the unconfirmed user"):
        return
    attempt = user if password == "right" else wrong_password(user)
    refused = flows.password_sign_in(cognito, client, attempt)
    check.error(refused, "UserNotConfirmedException", UNCONFIRMED, message="User is not confirmed.")


@pytest.mark.kind("errors")
@pytest.mark.parametrize("flow", ["USER_PASSWORD_AUTH", "USER_SRP_AUTH"])
@pytest.mark.fact(DISABLED)
def test_disabled_user_is_refused(cognito, check, user_pool, make_app_client, make_user, flow):
    """§6, §8: a disabled user "can't sign in": NotAuthorizedException "User is disabled."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS + ["ALLOW_USER_SRP_AUTH"])
    user = make_user(user_pool)
    disabled = cognito.admin_disable_user(UserPoolId=user_pool, Username=user.username)
    if not check.succeeded(disabled, DISABLED, note="disabling the user"):
        return
    if flow == "USER_PASSWORD_AUTH":
        refused = flows.password_sign_in(cognito, client, user)
    else:
        attempt = flows.srp_sign_in(cognito, client, user)
        refused = attempt.answer if attempt.answer is not None else attempt.challenge
    check.error(refused, "NotAuthorizedException", DISABLED, message="User is disabled.")


@pytest.mark.kind("errors")
@pytest.mark.fact(RESET_REQUIRED)
def test_reset_required_user_must_reset_password(cognito, check, user_pool, make_app_client, make_user):
    """§8: after AdminResetUserPassword the user is RESET_REQUIRED and sign-in gives PasswordResetRequiredException."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"email": "reset@example.com", "email_verified": "true"})
    reset = cognito.admin_reset_user_password(UserPoolId=user_pool, Username=user.username)
    if not check.succeeded(reset, RESET_REQUIRED, note="resetting the password"):
        return
    refused = flows.password_sign_in(cognito, client, user)
    check.error(
        refused,
        "PasswordResetRequiredException",
        RESET_REQUIRED,
        message="Password reset required for the user",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_CLIENT)
def test_unknown_client_is_resource_not_found(cognito, check):
    """§7: an unknown ClientId gives ResourceNotFoundException "User pool client <clientId> does not exist."."""
    client_id = "1" * 26
    refused = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nobody", "PASSWORD": "Aa1!aaaa"},
    )
    check.error(
        refused,
        "ResourceNotFoundException",
        UNKNOWN_CLIENT,
        message=f"User pool client {client_id} does not exist.",
    )


@pytest.mark.kind("srp-devices")
@pytest.mark.parametrize("admin", [False, True], ids=["initiate", "admin-initiate"])
@pytest.mark.fact(SRP_B_GROUP)
def test_srp_challenge_values_are_plausible(cognito, check, user_pool, make_app_client, make_user, admin):
    """§1: PASSWORD_VERIFIER's SRP_B is an element of the 3072-bit group, SALT a random hex string and
    SECRET_BLOCK base64 state of its own, not the Session: values a client can run SRP with."""
    client = make_app_client(
        user_pool, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )
    user = make_user(user_pool)
    srp = UserSrpClient(user_pool, user.password)
    parameters = client.auth_parameters(user.username, SRP_A=srp.srp_a_hex())
    if admin:
        challenge = cognito.admin_initiate_auth(
            UserPoolId=user_pool,
            ClientId=client.client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters=parameters,
        )
    else:
        challenge = cognito.initiate_auth(
            ClientId=client.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters
        )
    if check.succeeded(challenge, ADMIN_SRP_CHALLENGE if admin else SRP_CHALLENGE):
        check_srp_challenge_values(check, challenge)
