"""AdminInitiateAuth: the admin password flows, SRP and refresh through the admin API, and its errors.

Facts: docs/facts.md §4 (flows), §5 (the result), §7 (errors), §12.2-§12.3, Appendix A.2.
The admin challenge answers are in test_auth_challenges.py.

Run a subset: ``pytest conformance/suite/test_auth_admin.py -k refresh --endpoint=moto``.
"""

from __future__ import annotations

import dataclasses

import pytest

from conformance import flows
from conformance.facts import fact

pytestmark = pytest.mark.kind("semantics")

ADMIN_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

TOKENS_ISSUED = fact("auth.tokens-issued")
ADMIN_FLOW_SYNONYMS = fact("auth.admin-flow-synonyms")
BEARER = fact("auth.bearer")
EXPIRES_IN = fact("auth.expires-in")
SIGN_IN_HAS_REFRESH = fact("auth.sign-in-has-refresh")
NO_CHALLENGE_ON_SUCCESS = fact("auth.no-challenge-on-success")
ADMIN_NO_SRP_LEGACY = fact("auth.admin-no-srp-legacy")
ADMIN_SRP = fact("auth.admin-srp")
REFRESH_NO_NEW_REFRESH = fact("auth.refresh-no-new-refresh")
INVALID_REFRESH = fact("auth.invalid-refresh")
ADMIN_FLOW_NOT_ENABLED = fact("auth.admin-flow-not-enabled")
USER_FLOW_ON_ADMIN = fact("auth.user-flow-on-admin")
SECRET_HASH_OK = fact("auth.secret-hash-ok")
SECRET_HASH_WRONG = fact("auth.secret-hash-wrong")
SECRET_HASH_MISSING = fact("auth.secret-hash-missing")
INCORRECT = fact("auth.incorrect")
UNKNOWN_USER_LEGACY = fact("auth.unknown-user-legacy")
PREVENT_EXISTENCE = fact("auth.prevent-existence")
UNCONFIRMED = fact("auth.unconfirmed")
DISABLED = fact("auth.disabled")
UNKNOWN_POOL = fact("pools.unknown-pool")
UNKNOWN_CLIENT = fact("clients.unknown-client")


def check_tokens_issued(check, response) -> bool:
    """The members of a successful sign-in (§3, §5); returns whether it succeeded at all."""
    if not check.succeeded(response, TOKENS_ISSUED):
        return False
    result = "$.AuthenticationResult"
    for member in ("AccessToken", "IdToken"):
        check.present(response, f"{result}.{member}", TOKENS_ISSUED)
    check.present(response, f"{result}.RefreshToken", SIGN_IN_HAS_REFRESH)
    check.equal(response, f"{result}.TokenType", "Bearer", BEARER)
    check.equal(response, f"{result}.ExpiresIn", 3600, EXPIRES_IN, check="default")
    check.absent(response, "$.ChallengeName", NO_CHALLENGE_ON_SUCCESS)
    check.absent(response, "$.Session", NO_CHALLENGE_ON_SUCCESS)
    return True


def admin_sign_in(cognito, client, user, flow: str = "ADMIN_USER_PASSWORD_AUTH"):
    """AdminInitiateAuth with a password flow (USERNAME, PASSWORD and, for a secret client, SECRET_HASH)."""
    return cognito.admin_initiate_auth(
        UserPoolId=client.pool_id,
        ClientId=client.client_id,
        AuthFlow=flow,
        AuthParameters=client.auth_parameters(user.username, PASSWORD=user.password),
    )


@pytest.mark.fact(TOKENS_ISSUED)
def test_admin_user_password_auth_returns_tokens(cognito, check, user_pool, make_app_client, make_user):
    """§4, §5: ADMIN_USER_PASSWORD_AUTH on an ALLOW_ADMIN_USER_PASSWORD_AUTH client returns the three tokens."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS)
    user = make_user(user_pool)
    check_tokens_issued(check, admin_sign_in(cognito, client, user))


@pytest.mark.fact(ADMIN_NO_SRP_LEGACY)
def test_admin_no_srp_auth_on_legacy_client_returns_tokens(
    cognito, check, user_pool, make_app_client, make_user
):
    """§4, Appendix A.2: a legacy ``ADMIN_NO_SRP_AUTH`` client signs a confirmed user in with ADMIN_NO_SRP_AUTH."""
    client = make_app_client(user_pool, ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"])
    user = make_user(user_pool)
    signed_in = admin_sign_in(cognito, client, user, flow="ADMIN_NO_SRP_AUTH")
    if check.succeeded(signed_in, ADMIN_NO_SRP_LEGACY):
        check_tokens_issued(check, signed_in)


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
@pytest.mark.fact(ADMIN_FLOW_SYNONYMS)
def test_admin_password_flows_are_synonyms_on_allow_client(
    cognito, check, user_pool, make_app_client, make_user, flow
):
    """§4: ALLOW_ADMIN_USER_PASSWORD_AUTH "replaces the ADMIN_NO_SRP_AUTH setting": both flow names sign in."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS)
    user = make_user(user_pool)
    check_tokens_issued(check, admin_sign_in(cognito, client, user, flow=flow))


@pytest.mark.kind("errors")
@pytest.mark.fact(INCORRECT)
def test_admin_sign_in_with_wrong_password_is_incorrect(
    cognito, check, user_pool, make_app_client, make_user
):
    """§7: a wrong password gives NotAuthorizedException "Incorrect username or password."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS)
    user = make_user(user_pool)
    refused = admin_sign_in(cognito, client, dataclasses.replace(user, password=flows.new_password()))
    check.error(refused, "NotAuthorizedException", INCORRECT, message="Incorrect username or password.")


@pytest.mark.kind("errors")
@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
@pytest.mark.fact(ADMIN_FLOW_NOT_ENABLED)
def test_admin_flow_not_enabled_on_default_client(
    cognito, check, user_pool, make_app_client, make_user, flow
):
    """§4: a client that does not allow the admin password flow: "Auth flow not enabled for this client"."""
    client = make_app_client(user_pool)
    user = make_user(user_pool)
    refused = admin_sign_in(cognito, client, user, flow=flow)
    check.error(
        refused,
        "InvalidParameterException",
        ADMIN_FLOW_NOT_ENABLED,
        message="Auth flow not enabled for this client",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(USER_FLOW_ON_ADMIN)
def test_user_password_auth_is_refused_by_admin_initiate_auth(
    cognito, check, user_pool, make_app_client, make_user
):
    """§4: USER_PASSWORD_AUTH is an InitiateAuth flow; AdminInitiateAuth refuses it (InvalidParameterException, UNVERIFIED)."""
    client = make_app_client(
        user_pool, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    user = make_user(user_pool)
    refused = admin_sign_in(cognito, client, user, flow="USER_PASSWORD_AUTH")
    check.error(refused, "InvalidParameterException", USER_FLOW_ON_ADMIN)


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(ADMIN_SRP)
def test_admin_user_srp_auth_completes_through_admin_respond(
    cognito, check, user_pool, make_app_client, make_user
):
    """§12.2: AdminInitiateAuth accepts USER_SRP_AUTH, returns PASSWORD_VERIFIER, and AdminRespondToAuthChallenge ends it."""
    client = make_app_client(user_pool)
    user = make_user(user_pool)
    flow = flows.srp_sign_in(cognito, client, user, admin=True)
    if not check.succeeded(flow.challenge, ADMIN_SRP):
        return
    if not check.equal(
        flow.challenge, "$.ChallengeName", "PASSWORD_VERIFIER", ADMIN_SRP, check="challenge-name"
    ):
        return
    if flow.answer is not None:
        check_tokens_issued(check, flow.answer)


@pytest.mark.parametrize("flow", ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"])
@pytest.mark.fact(REFRESH_NO_NEW_REFRESH)
def test_admin_refresh_returns_new_tokens_without_refresh_token(
    cognito, check, user_pool, make_app_client, make_user, flow
):
    """§4: refresh through AdminInitiateAuth returns new ID and access tokens and no RefreshToken."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS)
    user = make_user(user_pool)
    signed_in = admin_sign_in(cognito, client, user)
    first = flows.tokens(signed_in)
    if first is None or "RefreshToken" not in first:
        check.succeeded(signed_in, TOKENS_ISSUED, note="signing in to refresh")
        check.present(signed_in, "$.AuthenticationResult.RefreshToken", SIGN_IN_HAS_REFRESH)
        return
    refreshed = flows.refresh_sign_in(cognito, client, first["RefreshToken"], admin=True, flow=flow)
    if not check.succeeded(refreshed, REFRESH_NO_NEW_REFRESH):
        return
    check.present(refreshed, "$.AuthenticationResult.AccessToken", REFRESH_NO_NEW_REFRESH)
    check.present(refreshed, "$.AuthenticationResult.IdToken", REFRESH_NO_NEW_REFRESH)
    check.absent(
        refreshed, "$.AuthenticationResult.RefreshToken", REFRESH_NO_NEW_REFRESH, check="no-rotation"
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(INVALID_REFRESH)
def test_admin_refresh_with_garbage_token_is_invalid(cognito, check, user_pool, make_app_client):
    """§4: a refresh token that was never issued gives NotAuthorizedException "Invalid Refresh Token"."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS)
    refused = flows.refresh_sign_in(
        cognito, client, "eyJjdHkiOiJKV1QifQ.not-a-refresh-token." + "x" * 40, admin=True
    )
    check.error(refused, "NotAuthorizedException", INVALID_REFRESH, message="Invalid Refresh Token")


@pytest.mark.fact(SECRET_HASH_OK)
def test_admin_secret_client_signs_in_with_secret_hash(cognito, check, user_pool, make_app_client, make_user):
    """§1: a secret client accepts ADMIN_USER_PASSWORD_AUTH and refresh with the right SECRET_HASH."""
    client = make_app_client(user_pool, GenerateSecret=True, ExplicitAuthFlows=ADMIN_FLOWS)
    if client.secret is None:
        pytest.skip("the endpoint returned no ClientSecret")
    user = make_user(user_pool)
    signed_in = admin_sign_in(cognito, client, user)
    if not check_tokens_issued(check, signed_in):
        return
    refresh_token = check.read(signed_in, "$.AuthenticationResult.RefreshToken", str, default=None)
    if refresh_token:
        refreshed = flows.refresh_sign_in(cognito, client, refresh_token, username=user.username, admin=True)
        check.succeeded(refreshed, SECRET_HASH_OK)


@pytest.mark.kind("errors")
@pytest.mark.fact(SECRET_HASH_MISSING)
def test_admin_secret_client_without_secret_hash_is_refused(
    cognito, check, user_pool, make_app_client, make_user
):
    """§12.2: no SECRET_HASH: "Client <clientId> is configured with secret but SECRET_HASH was not received"."""
    client = make_app_client(user_pool, GenerateSecret=True, ExplicitAuthFlows=ADMIN_FLOWS)
    user = make_user(user_pool)
    refused = cognito.admin_initiate_auth(
        UserPoolId=user_pool,
        ClientId=client.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
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
def test_admin_secret_client_with_wrong_secret_hash_is_refused(
    cognito, check, user_pool, make_app_client, make_user
):
    """§1: a SECRET_HASH computed with another secret: "Unable to verify secret hash for client <clientId>"."""
    client = make_app_client(user_pool, GenerateSecret=True, ExplicitAuthFlows=ADMIN_FLOWS)
    user = make_user(user_pool)
    impostor = flows.AppClient(client.pool_id, client.client_id, "s" * 52)
    refused = admin_sign_in(cognito, impostor, user)
    check.error(
        refused,
        "NotAuthorizedException",
        SECRET_HASH_WRONG,
        message=f"Unable to verify secret hash for client {client.client_id}",
    )


@pytest.mark.kind("errors")
@pytest.mark.parametrize("prevent", ["LEGACY", "ENABLED"])
@pytest.mark.fact(UNKNOWN_USER_LEGACY)
def test_admin_unknown_user(cognito, check, user_pool, make_app_client, prevent):
    """§7: an unknown user: "User does not exist." with LEGACY; "Incorrect username or password." with ENABLED."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS, PreventUserExistenceErrors=prevent)
    ghost = flows.TestUser(user_pool, flows.new_username("ghost"), flows.new_password())
    refused = admin_sign_in(cognito, client, ghost)
    if prevent == "LEGACY":
        check.error(refused, "UserNotFoundException", UNKNOWN_USER_LEGACY, message="User does not exist.")
    else:
        check.error(
            refused, "NotAuthorizedException", PREVENT_EXISTENCE, message="Incorrect username or password."
        )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNCONFIRMED)
def test_admin_unconfirmed_user_is_not_confirmed(cognito, check, user_pool, make_app_client):
    """§7: an UNCONFIRMED (signed-up) user gets UserNotConfirmedException "User is not confirmed."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS)
    signed_up, user = flows.sign_up(cognito, client)
    if not check.succeeded(signed_up, UNCONFIRMED, note="signing up the unconfirmed user"):
        return
    refused = admin_sign_in(cognito, client, user)
    check.error(refused, "UserNotConfirmedException", UNCONFIRMED, message="User is not confirmed.")


@pytest.mark.kind("errors")
@pytest.mark.fact(DISABLED)
def test_admin_disabled_user_is_refused(cognito, check, user_pool, make_app_client, make_user):
    """§6, §8: a disabled user gets NotAuthorizedException "User is disabled."; enabled again, they sign in."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS)
    user = make_user(user_pool)
    if not check.succeeded(
        cognito.admin_disable_user(UserPoolId=user_pool, Username=user.username), DISABLED
    ):
        return
    refused = admin_sign_in(cognito, client, user)
    if not check.error(refused, "NotAuthorizedException", DISABLED, message="User is disabled."):
        return
    if check.succeeded(cognito.admin_enable_user(UserPoolId=user_pool, Username=user.username), DISABLED):
        check_tokens_issued(check, admin_sign_in(cognito, client, user))


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_admin_sign_in_in_unknown_pool_is_resource_not_found(cognito, check, endpoint):
    """§7: an unknown pool gives ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    refused = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId="1" * 26,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nobody", "PASSWORD": "Aa1!aaaa"},
    )
    check.error(
        refused, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_CLIENT)
def test_admin_sign_in_with_unknown_client_is_resource_not_found(cognito, check, user_pool):
    """§7: an unknown ClientId in an existing pool: "User pool client <clientId> does not exist."."""
    client_id = "1" * 26
    refused = cognito.admin_initiate_auth(
        UserPoolId=user_pool,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nobody", "PASSWORD": "Aa1!aaaa"},
    )
    check.error(
        refused,
        "ResourceNotFoundException",
        UNKNOWN_CLIENT,
        message=f"User pool client {client_id} does not exist.",
    )
