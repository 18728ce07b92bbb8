"""GlobalSignOut and AdminUserGlobalSignOut: every earlier token of the user refused, other users unaffected.

Facts: docs/facts.md §6 (sign-out, revocation), §7 (messages), §12.4 (settled texts).

Run a subset: ``pytest conformance/suite/test_tokens_sign_out.py -k admin --endpoint=moto``.
"""

from __future__ import annotations

import pytest

from conformance import flows
from conformance.facts import fact

pytestmark = pytest.mark.kind("semantics")

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

SIGN_OUT = fact("tokens.sign-out")
SIGNED_IN = fact("auth.tokens-issued")
TOKEN_WORKS = fact("tokens.token-works")
ACCESS_REVOKED = fact("tokens.access-revoked")
REFRESH_REFUSED = fact("tokens.refresh-refused")
REFRESH_REVOKED_TEXT = fact("tokens.refresh-revoked-text")
ADMIN_REFRESH_REVOKED = fact("tokens.admin-refresh-revoked")
INVALID_ACCESS = fact("tokens.invalid-access")
OTHER_USERS = fact("tokens.other-users")
UNKNOWN_USER = fact("tokens.unknown-user")
UNKNOWN_POOL = fact("pools.unknown-pool")

REVOKED = "Access Token has been revoked"


def signed_in(cognito, check, client, user) -> dict | None:
    """One USER_PASSWORD_AUTH sign-in's AuthenticationResult (None, recorded, when it fails)."""
    response = flows.password_sign_in(cognito, client, user)
    result = flows.tokens(response)
    if result is None or not result.get("AccessToken") or not result.get("RefreshToken"):
        check.succeeded(response, SIGNED_IN, note="signing in before the sign-out")
        check.present(response, "$.AuthenticationResult.RefreshToken", SIGNED_IN)
        return None
    return result


def check_user_signed_out(check, cognito, client, sessions: list[dict], *, admin_refresh: bool) -> None:
    """Every access token of ``sessions`` is revoked and every refresh token refused (§6)."""
    for result in sessions:
        check.error(
            cognito.get_user(AccessToken=result["AccessToken"]),
            "NotAuthorizedException",
            ACCESS_REVOKED,
            message=REVOKED,
        )
        refreshed = flows.refresh_sign_in(cognito, client, result["RefreshToken"], admin=admin_refresh)
        check.error(
            refreshed,
            "NotAuthorizedException",
            ADMIN_REFRESH_REVOKED if admin_refresh else REFRESH_REFUSED,
            message="Refresh Token has been revoked",
            message_fact=None if admin_refresh else REFRESH_REVOKED_TEXT,
        )


def check_still_signed_in(check, cognito, client, result: dict) -> None:
    """Another user's tokens keep working (§6: sign-out is per user)."""
    check.succeeded(cognito.get_user(AccessToken=result["AccessToken"]), OTHER_USERS)
    check.succeeded(flows.refresh_sign_in(cognito, client, result["RefreshToken"]), OTHER_USERS)


# --- GlobalSignOut ---------------------------------------------------------------------------------


@pytest.mark.fact(SIGN_OUT)
def test_global_sign_out_answers_empty(cognito, check, user_pool, make_app_client, make_user):
    """§6: GlobalSignOut with a valid access token succeeds with an empty answer."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    user = make_user(user_pool)
    result = signed_in(cognito, check, client, user)
    if result is None:
        return
    out = cognito.global_sign_out(AccessToken=result["AccessToken"])
    if check.succeeded(out, SIGN_OUT):
        check.equal(out, "$", {}, SIGN_OUT, check="empty-body")


@pytest.mark.fact(ACCESS_REVOKED)
def test_global_sign_out_revokes_every_earlier_token_of_the_user(
    cognito, check, user_pool, make_app_client, make_user
):
    """§6: after GlobalSignOut, the access tokens of *both* earlier sign-ins are revoked and both refresh tokens refused."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    user = make_user(user_pool)
    first = signed_in(cognito, check, client, user)
    second = signed_in(cognito, check, client, user)
    if first is None or second is None:
        return
    if not check.succeeded(cognito.global_sign_out(AccessToken=second["AccessToken"]), SIGN_OUT):
        return
    check_user_signed_out(check, cognito, client, [first, second], admin_refresh=False)


@pytest.mark.fact(OTHER_USERS)
def test_global_sign_out_leaves_other_users_signed_in(cognito, check, user_pool, make_app_client, make_user):
    """§6: GlobalSignOut of one user leaves another user's access and refresh tokens working."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    leaving, staying = make_user(user_pool), make_user(user_pool)
    left = signed_in(cognito, check, client, leaving)
    stays = signed_in(cognito, check, client, staying)
    if left is None or stays is None:
        return
    if check.succeeded(cognito.global_sign_out(AccessToken=left["AccessToken"]), SIGN_OUT):
        check_still_signed_in(check, cognito, client, stays)


@pytest.mark.kind("errors")
@pytest.mark.fact(ACCESS_REVOKED)
def test_global_sign_out_twice_is_revoked(cognito, check, user_pool, make_app_client, make_user):
    """§6: GlobalSignOut again with the same (now revoked) token: NotAuthorizedException "Access Token has been revoked"."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    user = make_user(user_pool)
    result = signed_in(cognito, check, client, user)
    if result is None:
        return
    if check.succeeded(cognito.global_sign_out(AccessToken=result["AccessToken"]), SIGN_OUT):
        again = cognito.global_sign_out(AccessToken=result["AccessToken"])
        check.error(again, "NotAuthorizedException", ACCESS_REVOKED, message=REVOKED)


@pytest.mark.kind("errors")
@pytest.mark.fact(INVALID_ACCESS)
def test_global_sign_out_with_garbage_token_is_invalid(cognito, check):
    """§7: a token that is not one of the pool's access tokens: NotAuthorizedException "Invalid Access Token"."""
    out = cognito.global_sign_out(AccessToken="eyJraWQiOiJub3BlIiwiYWxnIjoiUlMyNTYifQ.e30.c2lnbmF0dXJl")
    check.error(out, "NotAuthorizedException", INVALID_ACCESS, message="Invalid Access Token")


@pytest.mark.kind("errors")
@pytest.mark.fact(INVALID_ACCESS)
def test_global_sign_out_with_id_token_is_invalid(cognito, check, user_pool, make_app_client, make_user):
    """§7: the ID token in place of the access token: NotAuthorizedException "Invalid Access Token"."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    user = make_user(user_pool)
    result = signed_in(cognito, check, client, user)
    if result is None:
        return
    out = cognito.global_sign_out(AccessToken=result["IdToken"])
    check.error(out, "NotAuthorizedException", INVALID_ACCESS, message="Invalid Access Token")


# --- AdminUserGlobalSignOut ------------------------------------------------------------------------


@pytest.mark.fact(ADMIN_REFRESH_REVOKED)
def test_admin_user_global_sign_out_revokes_every_earlier_token(
    cognito, check, user_pool, make_app_client, make_user
):
    """§6, §12.4: AdminUserGlobalSignOut answers empty; earlier access tokens are revoked, refresh "has been revoked"."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    user = make_user(user_pool)
    first = signed_in(cognito, check, client, user)
    second = signed_in(cognito, check, client, user)
    if first is None or second is None:
        return
    out = cognito.admin_user_global_sign_out(UserPoolId=user_pool, Username=user.username)
    if not check.succeeded(out, SIGN_OUT):
        return
    check.equal(out, "$", {}, SIGN_OUT, check="empty-body")
    check_user_signed_out(check, cognito, client, [first, second], admin_refresh=True)


@pytest.mark.fact(OTHER_USERS)
def test_admin_user_global_sign_out_leaves_other_users_signed_in(
    cognito, check, user_pool, make_app_client, make_user
):
    """§6: AdminUserGlobalSignOut of one user leaves another user's tokens working."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    leaving, staying = make_user(user_pool), make_user(user_pool)
    left = signed_in(cognito, check, client, leaving)
    stays = signed_in(cognito, check, client, staying)
    if left is None or stays is None:
        return
    out = cognito.admin_user_global_sign_out(UserPoolId=user_pool, Username=leaving.username)
    if check.succeeded(out, SIGN_OUT):
        check_still_signed_in(check, cognito, client, stays)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_USER)
def test_admin_user_global_sign_out_of_unknown_user_is_not_found(cognito, check, user_pool):
    """§7: an unknown user: UserNotFoundException "User does not exist."."""
    out = cognito.admin_user_global_sign_out(UserPoolId=user_pool, Username=flows.new_username("ghost"))
    check.error(out, "UserNotFoundException", UNKNOWN_USER, message="User does not exist.")


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_admin_user_global_sign_out_in_unknown_pool_is_resource_not_found(cognito, check, endpoint):
    """§7: an unknown pool: ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    out = cognito.admin_user_global_sign_out(UserPoolId=pool_id, Username="nobody")
    check.error(
        out, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )
