"""Tokens the pool did not issue, or no longer honours, sent to the operations that take them.

An endpoint that decodes a token without verifying it, or that keeps a deleted user's tokens
working, passes every sign-in test; these send never-issued, altered and orphaned tokens to the
operations that take an access or refresh token (§4, §6, §7, §12.4).

Run a subset: ``pytest conformance/suite/test_tokens_refused.py -k altered --endpoint=reference``.
"""

from __future__ import annotations

import pytest

from conformance import flows
from conformance.divergence import CheckKind
from conformance.facts import fact

pytestmark = pytest.mark.kind("errors")

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

SIGN_IN = fact("auth.tokens-issued")
INVALID_ACCESS = fact("tokens.invalid-access")
TOKEN_OPERATIONS_REFUSE = fact("tokens.token-operations-refuse-invalid")
TOKEN_OPERATIONS_TEXT = fact("tokens.token-operations-invalid-text")
INVALID_REFRESH = fact("auth.invalid-refresh")
ALTERED_REFRESH = fact("tokens.tampered-refresh")
OTHER_CLIENT = fact("tokens.refresh-other-client")
DELETED_USER_TOKEN = fact("tokens.deleted-user-token")
DELETED = fact("users.deleted")

#: A compact JWT whose header names a key no pool has and whose signature is no signature.
GARBAGE = "eyJraWQiOiJub3BlIiwiYWxnIjoiUlMyNTYifQ.e30.c2lnbmF0dXJl"


def altered(token: str) -> str:
    """``token`` with one character of its last part changed (the middle one: a base64 character
    whose bits all count, unlike the last one's padding bits)."""
    head, _, last = token.rpartition(".")
    if not last:
        return token[:-1] + ("A" if token[-1:] != "A" else "B")
    middle = len(last) // 2
    swapped = "A" if last[middle] != "A" else "B"
    return f"{head}.{last[:middle]}{swapped}{last[middle + 1 :]}"


def signed_in(cognito, check, client, user) -> dict | None:
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN):
        return None
    result = flows.tokens(response)
    if result is None or not result.get("AccessToken"):
        check.present(response, "$.AuthenticationResult.AccessToken", SIGN_IN)
        return None
    return result


#: Operations that take an access token, how to call them, and whether the text is known for them.
TOKEN_OPERATIONS = {
    "GetUser": lambda cognito, token: cognito.get_user(AccessToken=token),
    "GlobalSignOut": lambda cognito, token: cognito.global_sign_out(AccessToken=token),
    "ListDevices": lambda cognito, token: cognito.list_devices(AccessToken=token),
    "GetDevice": lambda cognito, token: cognito.get_device(
        AccessToken=token, DeviceKey="us-east-1_00000000-0000-4000-8000-000000000000"
    ),
}


@pytest.mark.parametrize("operation", sorted(TOKEN_OPERATIONS))
@pytest.mark.parametrize("token_kind", ["garbage", "altered"])
@pytest.mark.fact(INVALID_ACCESS)
def test_access_token_not_issued_by_the_pool_is_refused(
    cognito, check, user_pool, make_app_client, make_user, operation, token_kind
):
    """§7, §12.4: a never-issued token, or a real one whose signature was altered, is refused with
    NotAuthorizedException ("Invalid Access Token": known for GetUser and GlobalSignOut)."""
    if token_kind == "garbage":
        token = GARBAGE
    else:
        client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
        result = signed_in(cognito, check, client, make_user(user_pool))
        if result is None:
            return
        token = altered(result["AccessToken"])
    refused = TOKEN_OPERATIONS[operation](cognito, token)
    if operation in ("GetUser", "GlobalSignOut"):
        check.error(refused, "NotAuthorizedException", INVALID_ACCESS, message="Invalid Access Token")
    else:
        check.error(
            refused,
            "NotAuthorizedException",
            TOKEN_OPERATIONS_REFUSE,
            message="Invalid Access Token",
            message_fact=TOKEN_OPERATIONS_TEXT,
        )


@pytest.mark.parametrize("admin", [False, True], ids=["initiate", "admin-initiate"])
@pytest.mark.fact(ALTERED_REFRESH)
def test_altered_refresh_token_is_refused(cognito, check, user_pool, make_app_client, make_user, admin):
    """§4: a refresh token with one character changed is refused like one never issued."""
    client = make_app_client(user_pool, ExplicitAuthFlows=[*FLOWS, "ALLOW_ADMIN_USER_PASSWORD_AUTH"])
    result = signed_in(cognito, check, client, make_user(user_pool))
    if result is None or not result.get("RefreshToken"):  # its absence is test_tokens.py's finding
        return
    refused = flows.refresh_sign_in(cognito, client, altered(result["RefreshToken"]), admin=admin)
    check.error(
        refused,
        "NotAuthorizedException",
        ALTERED_REFRESH,
        message="Invalid Refresh Token",
        message_fact=INVALID_REFRESH,
    )


@pytest.mark.fact(OTHER_CLIENT)
def test_refresh_token_of_another_client_is_refused(cognito, check, user_pool, make_app_client, make_user):
    """A refresh token issued to one app client does not refresh at another client of the pool
    (UNVERIFIED: reported, never failing)."""
    issuer = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    other = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    result = signed_in(cognito, check, issuer, make_user(user_pool))
    if result is None or not result.get("RefreshToken"):  # its absence is test_tokens.py's finding
        return
    refused = flows.refresh_sign_in(cognito, other, result["RefreshToken"])
    check.error(refused, "NotAuthorizedException", OTHER_CLIENT)


@pytest.mark.fact(DELETED_USER_TOKEN)
def test_tokens_of_a_deleted_user_are_refused(cognito, check, user_pool, make_app_client, make_user):
    """§7: after AdminDeleteUser, the user's access token gives "Invalid Access Token", and the
    refresh token signs nobody in."""
    client = make_app_client(user_pool, ExplicitAuthFlows=FLOWS)
    user = make_user(user_pool)
    result = signed_in(cognito, check, client, user)
    if result is None:
        return
    if not check.succeeded(cognito.admin_delete_user(UserPoolId=user_pool, Username=user.username), DELETED):
        return
    refused = cognito.get_user(AccessToken=result["AccessToken"])
    check.error(refused, "NotAuthorizedException", DELETED_USER_TOKEN, message="Invalid Access Token")
    if result.get("RefreshToken"):
        refreshed = flows.refresh_sign_in(cognito, client, result["RefreshToken"])
        check.that(
            not refreshed.ok,
            operation=refreshed.operation,
            check="outcome.refused",
            path="$",
            expected="a refusal: the user no longer exists",
            actual="success" if refreshed.ok else refreshed.error_code,
            fact=DELETED,
            kind=CheckKind.ERRORS,
            evidence=refreshed.exchange,
        )
