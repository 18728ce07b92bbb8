"""Sign-up and password recovery: SignUp and its confirmation, the confirmation and reset codes (read
from the endpoint's outbox), ForgotPassword, AdminResetUserPassword, ChangePassword and DeleteUser.

Facts: the catalogue's ``signup`` area (docs/facts.md), and §7 (errors) and §8 (status, masking).
Tests that type a delivered code back take the ``outbox`` fixture and skip, with the reason, on an
endpoint that publishes no outbox (moto, cognito-local); the others run everywhere.

Run: ``pytest conformance/suite/test_signup.py --endpoint=reference -q``.
"""

from __future__ import annotations

import pytest

from conformance import flows
from conformance.facts import fact

pytestmark = pytest.mark.kind("semantics")

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

USER_EXISTS_SIGN_UP = fact("users.user-exists-sign-up")
SIGN_UP = fact("users.sign-up")
ADMIN_CONFIRM = fact("users.admin-confirm")
ALREADY_CONFIRMED = fact("users.already-confirmed")


# --- SignUp and confirmation -----------------------------------------------------------------------


@pytest.mark.fact(SIGN_UP)
def test_sign_up_leaves_user_unconfirmed(cognito, check, user_pool, make_app_client):
    """§8: SignUp answers UserConfirmed false and a UserSub, no CodeDeliveryDetails (no auto-verification); UNCONFIRMED."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    signed_up, user = flows.sign_up(cognito, client)
    if not check.succeeded(signed_up, SIGN_UP):
        return
    check.equal(signed_up, "$.UserConfirmed", False, SIGN_UP)
    check.matches(signed_up, "$.UserSub", UUID, SIGN_UP)
    check.absent(signed_up, "$.CodeDeliveryDetails", SIGN_UP)
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(described, SIGN_UP):
        check.equal(described, "$.UserStatus", "UNCONFIRMED", SIGN_UP, check="status")


@pytest.mark.kind("errors")
@pytest.mark.fact(USER_EXISTS_SIGN_UP)
def test_sign_up_with_taken_username_is_username_exists(
    cognito, check, user_pool, make_app_client, make_user
):
    """§7: SignUp with a taken username: UsernameExistsException "User already exists"."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    again, _ = flows.sign_up(cognito, client, username=user.username)
    check.error(again, "UsernameExistsException", USER_EXISTS_SIGN_UP, message="User already exists")


@pytest.mark.fact(ADMIN_CONFIRM)
def test_admin_confirm_sign_up_confirms_the_user(cognito, check, user_pool, make_app_client):
    """§8: AdminConfirmSignUp makes a signed-up user CONFIRMED, and they can sign in."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    signed_up, user = flows.sign_up(cognito, client)
    if not check.succeeded(signed_up, ADMIN_CONFIRM, note="signing up"):
        return
    confirmed = cognito.admin_confirm_sign_up(UserPoolId=user_pool, Username=user.username)
    if not check.succeeded(confirmed, ADMIN_CONFIRM):
        return
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(described, ADMIN_CONFIRM):
        check.equal(described, "$.UserStatus", "CONFIRMED", ADMIN_CONFIRM, check="status")
    check.succeeded(flows.password_sign_in(cognito, client, user), ADMIN_CONFIRM)


@pytest.mark.kind("errors")
@pytest.mark.fact(ALREADY_CONFIRMED)
def test_admin_confirm_sign_up_of_confirmed_user_is_refused(cognito, check, user_pool, make_user):
    """§7: confirming a CONFIRMED user: NotAuthorizedException "User cannot be confirmed. Current status is CONFIRMED"."""
    user = make_user(user_pool)
    again = cognito.admin_confirm_sign_up(UserPoolId=user_pool, Username=user.username)
    check.error(
        again,
        "NotAuthorizedException",
        ALREADY_CONFIRMED,
        message="User cannot be confirmed. Current status is CONFIRMED",
    )
