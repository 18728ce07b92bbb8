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


# --- codes read from the outbox ---------------------------------------------------------------------

CONFIRM_WITH_CODE = fact("signup.confirm-with-code")
CODE_MISMATCH = fact("signup.code-mismatch")
CODE_EXPIRED_TEXT = fact("signup.code-expired-text")
SIGN_UP_CODE_LIFETIME = fact("signup.sign-up-code-lifetime")
RESET_CODE_LIFETIME = fact("signup.reset-code-lifetime")
RESEND_NEW_CODE = fact("signup.resend-new-code")
RESEND_REPLACES = fact("signup.resend-replaces")
RESEND_LIMIT = fact("signup.resend-limit")
FORGOT_PASSWORD = fact("signup.forgot-password")
RESET_CODE_SINGLE_USE = fact("signup.reset-code-single-use")
NO_VERIFIED_CHANNEL = fact("signup.no-verified-channel")
FORGOT_DELIVERY = fact("signup.forgot-delivery")
FORGOT_DELIVERY_MASKED = fact("signup.forgot-delivery-masked")
RECOVERY_PRIORITY = fact("signup.recovery-priority")
RESET_REQUIRED_RECOVERY = fact("signup.reset-required-recovery")
CHANGE_PASSWORD = fact("signup.change-password")
CHANGE_PASSWORD_WRONG = fact("signup.change-password-wrong")
CHANGE_PASSWORD_POLICY = fact("signup.change-password-policy")
UNKNOWN_USER = fact("signup.unknown-user")
PREVENT_FORGOT = fact("signup.prevent-existence-forgot")
PREVENT_CONFIRM = fact("signup.prevent-existence-confirm")
DELETE_USER = fact("signup.delete-user")
DELIVERY_MASKED = fact("users.sign-up-delivery-masked")
RESET_REQUIRED = fact("auth.reset-required")
INCORRECT = fact("auth.incorrect")
DELETED_USER_TOKEN = fact("tokens.deleted-user-token")
UNKNOWN_USER_ADMIN = fact("auth.unknown-user-legacy")

#: A password a default policy refuses for its length alone (seven characters of the four classes).
SHORT_PASSWORD = "Ab1!cde"
#: §8: a masked e-mail keeps the first character of the local part and of the domain.
MASKED_EMAIL = r"[^@*]\*\*\*@[^@*]\*\*\*"


def email_for(prefix: str) -> str:
    return f"{flows.new_username(prefix)}@example.com"


def verifying_pool(make_user_pool, **params) -> str | None:
    """A pool that verifies email automatically, so SignUp sends a confirmation code (None if refused)."""
    created = make_user_pool(AutoVerifiedAttributes=["email"], **params)
    pool = created.body.get("UserPool") if created.ok and isinstance(created.body, dict) else None
    return pool.get("Id") if isinstance(pool, dict) else None


def require_outbox(outbox) -> None:
    """Skip now, before any call, where the endpoint publishes no outbox: a test that needs a delivered
    code would otherwise record checks it cannot finish (what runs everywhere has tests of its own)."""
    outbox.messages("outbox-probe", "outbox-probe")


def signed_up_with_code(cognito, check, make_user_pool, make_app_client, outbox, fact):
    """SignUp with an email on a pool that verifies it; ``(client, user, code)`` or None.

    The code is the one the endpoint's outbox says it sent (the test skips where there is none)."""
    require_outbox(outbox)
    pool_id = verifying_pool(make_user_pool)
    if pool_id is None:
        pytest.skip("the endpoint did not create a pool with AutoVerifiedAttributes")
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    signed_up, user = flows.sign_up(cognito, client, attributes={"email": email_for("code")})
    if not check.succeeded(signed_up, fact, note="signing up"):
        return None
    code = delivered(check, outbox, signed_up, user, "sign-up", fact)
    return (client, user, code) if code else None


def delivered(check, outbox, response, user, purpose: str, fact) -> str | None:
    """The newest ``purpose`` code the outbox holds for ``user``; a divergence when none was sent."""
    code = outbox.code(user.pool_id, user.username, purpose)
    check.that(
        code is not None,
        operation=response.operation,
        check="code.delivered",
        path="outbox",
        expected=f"a {purpose} code sent to the user",
        actual="no message" if code is None else "a code",
        fact=fact,
        evidence=response.exchange,
    )
    return code


def other_code(code: str | None) -> str:
    """A six-digit code that is not ``code`` (a wrong code on any endpoint)."""
    return "123456" if code != "123456" else "654321"


def sent_code(endpoint, user, purpose: str) -> str | None:
    """The code an outbox holds, where the endpoint has one (to pick a surely wrong code); None elsewhere."""
    messages = endpoint.delivered_messages(user.pool_id, user.username) or []
    codes = [m.get("code") for m in messages if isinstance(m, dict) and m.get("purpose") == purpose]
    return str(codes[-1]) if codes and codes[-1] else None


def refused(check, response, fact, *, what: str) -> bool:
    """The call failed (with whatever error): for facts that say "refused" without a known code."""
    return check.that(
        not response.ok,
        operation=response.operation,
        check="outcome.refused",
        path="$",
        expected=f"a refusal: {what}",
        actual="success" if response.ok else response.error_code,
        fact=fact,
        evidence=response.exchange,
    )


def user_with_verified_email(make_user, pool_id: str, **attributes: str):
    return make_user(
        pool_id, attributes={"email": email_for("reset"), "email_verified": "true", **attributes}
    )


def forgot(cognito, client, user):
    return cognito.forgot_password(ClientId=client.client_id, Username=user.username)


def confirm_forgot(cognito, client, user, code: str, password: str):
    return cognito.confirm_forgot_password(
        ClientId=client.client_id, Username=user.username, ConfirmationCode=code, Password=password
    )


def signs_in_with(cognito, check, client, user, password: str, fact, *, note: str) -> None:
    """``password`` signs ``user`` in."""
    check.succeeded(
        flows.password_sign_in(cognito, client, flows.TestUser(user.pool_id, user.username, password)),
        fact,
        note=note,
    )


def old_password_refused(cognito, check, client, user) -> None:
    """The user's old password (``user.password``) no longer signs in."""
    check.error(
        flows.password_sign_in(cognito, client, user),
        "NotAuthorizedException",
        INCORRECT,
        message="Incorrect username or password.",
        note="signing in with the old password",
    )


@pytest.mark.fact(DELIVERY_MASKED)
def test_sign_up_on_a_verifying_pool_announces_a_masked_email_delivery(
    cognito, check, make_user_pool, make_app_client
):
    """signup: SignUp with an email on a pool that verifies email automatically answers CodeDeliveryDetails
    with DeliveryMedium EMAIL, AttributeName email and the masked address."""
    pool_id = verifying_pool(make_user_pool)
    if pool_id is None:
        pytest.skip("the endpoint did not create a pool with AutoVerifiedAttributes")
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    signed_up, _ = flows.sign_up(cognito, client, attributes={"email": email_for("masked")})
    if not check.succeeded(signed_up, DELIVERY_MASKED):
        return
    check.equal(signed_up, "$.UserConfirmed", False, DELIVERY_MASKED)
    check.equal(signed_up, "$.CodeDeliveryDetails.DeliveryMedium", "EMAIL", DELIVERY_MASKED)
    check.equal(signed_up, "$.CodeDeliveryDetails.AttributeName", "email", DELIVERY_MASKED)
    check.matches(signed_up, "$.CodeDeliveryDetails.Destination", MASKED_EMAIL, DELIVERY_MASKED)


@pytest.mark.fact(CONFIRM_WITH_CODE)
def test_confirm_sign_up_with_the_delivered_code_confirms(
    cognito, check, make_user_pool, make_app_client, outbox
):
    """signup: ConfirmSignUp with the code delivered at SignUp makes the user CONFIRMED, and the user signs in."""
    made = signed_up_with_code(cognito, check, make_user_pool, make_app_client, outbox, CONFIRM_WITH_CODE)
    if made is None:
        return
    client, user, code = made
    confirmed = cognito.confirm_sign_up(
        ClientId=client.client_id, Username=user.username, ConfirmationCode=code
    )
    if not check.succeeded(confirmed, CONFIRM_WITH_CODE):
        return
    described = cognito.admin_get_user(UserPoolId=user.pool_id, Username=user.username)
    if check.succeeded(described, CONFIRM_WITH_CODE):
        check.equal(described, "$.UserStatus", "CONFIRMED", CONFIRM_WITH_CODE, check="status")
    signs_in_with(cognito, check, client, user, user.password, CONFIRM_WITH_CODE, note="after confirming")


@pytest.mark.kind("errors")
@pytest.mark.fact(CODE_MISMATCH)
def test_confirm_sign_up_with_a_wrong_code_is_code_mismatch(
    cognito, check, endpoint, make_user_pool, make_app_client
):
    """signup: ConfirmSignUp with a code that was not sent: CodeMismatchException, and the user stays UNCONFIRMED."""
    pool_id = verifying_pool(make_user_pool)
    if pool_id is None:
        pytest.skip("the endpoint did not create a pool with AutoVerifiedAttributes")
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    signed_up, user = flows.sign_up(cognito, client, attributes={"email": email_for("wrong")})
    if not check.succeeded(signed_up, CODE_MISMATCH, note="signing up"):
        return
    wrong = other_code(sent_code(endpoint, user, "sign-up"))
    answer = cognito.confirm_sign_up(
        ClientId=client.client_id, Username=user.username, ConfirmationCode=wrong
    )
    check.error(answer, "CodeMismatchException", CODE_MISMATCH, message=CODE_MISMATCH.message)
    described = cognito.admin_get_user(UserPoolId=pool_id, Username=user.username)
    if check.succeeded(described, CODE_MISMATCH):
        check.equal(described, "$.UserStatus", "UNCONFIRMED", CODE_MISMATCH, check="status")


@pytest.mark.kind("errors")
@pytest.mark.fact(SIGN_UP_CODE_LIFETIME)
def test_confirm_sign_up_after_code_expires_is_expired_code(
    cognito, check, endpoint, make_user_pool, make_app_client, outbox
):
    """signup: a day after SignUp, the delivered code is refused with ExpiredCodeException (24 hours: UNVERIFIED)."""
    made = signed_up_with_code(cognito, check, make_user_pool, make_app_client, outbox, SIGN_UP_CODE_LIFETIME)
    if made is None:
        return
    client, user, code = made
    if not endpoint.let_time_pass(24 * 3600 + 60):
        pytest.skip("the endpoint's clock cannot be advanced")
    answer = cognito.confirm_sign_up(ClientId=client.client_id, Username=user.username, ConfirmationCode=code)
    check.error(
        answer,
        "ExpiredCodeException",
        SIGN_UP_CODE_LIFETIME,
        message="Invalid code provided, please request a code again.",
        message_fact=CODE_EXPIRED_TEXT,
    )


@pytest.mark.fact(RESEND_NEW_CODE)
def test_resend_confirmation_code_replaces_the_code(cognito, check, make_user_pool, make_app_client, outbox):
    """signup: ResendConfirmationCode sends a new code (masked EMAIL delivery); the earlier code no longer
    confirms (UNVERIFIED), the new one does."""
    made = signed_up_with_code(cognito, check, make_user_pool, make_app_client, outbox, RESEND_NEW_CODE)
    if made is None:
        return
    client, user, first = made
    resent = cognito.resend_confirmation_code(ClientId=client.client_id, Username=user.username)
    if not check.succeeded(resent, RESEND_NEW_CODE):
        return
    check.equal(resent, "$.CodeDeliveryDetails.DeliveryMedium", "EMAIL", RESEND_NEW_CODE)
    check.equal(resent, "$.CodeDeliveryDetails.AttributeName", "email", RESEND_NEW_CODE)
    check.matches(resent, "$.CodeDeliveryDetails.Destination", MASKED_EMAIL, DELIVERY_MASKED)
    second = delivered(check, outbox, resent, user, "sign-up", RESEND_NEW_CODE)
    if second is None:
        return
    if second != first:
        stale = cognito.confirm_sign_up(
            ClientId=client.client_id, Username=user.username, ConfirmationCode=first
        )
        refused(check, stale, RESEND_REPLACES, what="the code sent before ResendConfirmationCode")
    confirmed = cognito.confirm_sign_up(
        ClientId=client.client_id, Username=user.username, ConfirmationCode=second
    )
    check.succeeded(confirmed, RESEND_NEW_CODE)


@pytest.mark.kind("errors")
@pytest.mark.fact(RESEND_LIMIT)
def test_resend_confirmation_code_over_the_hourly_quota_is_limit_exceeded(
    cognito, check, make_user_pool, make_app_client
):
    """signup: five ResendConfirmationCode per user per hour are answered, the sixth is LimitExceededException
    (the quota is documented, the error UNVERIFIED)."""
    pool_id = verifying_pool(make_user_pool)
    if pool_id is None:
        pytest.skip("the endpoint did not create a pool with AutoVerifiedAttributes")
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    signed_up, user = flows.sign_up(cognito, client, attributes={"email": email_for("limit")})
    if not check.succeeded(signed_up, RESEND_LIMIT, note="signing up"):
        return
    for index in range(5):
        resent = cognito.resend_confirmation_code(ClientId=client.client_id, Username=user.username)
        if not check.succeeded(resent, RESEND_LIMIT, note=f"resend {index + 1} of the hour's 5"):
            return
    sixth = cognito.resend_confirmation_code(ClientId=client.client_id, Username=user.username)
    check.error(
        sixth,
        "LimitExceededException",
        RESEND_LIMIT,
        message="Attempt limit exceeded, please try after some time.",
    )


# --- ForgotPassword and ConfirmForgotPassword -------------------------------------------------------


@pytest.mark.fact(FORGOT_DELIVERY)
def test_forgot_password_announces_a_masked_email_delivery(
    cognito, check, user_pool, make_app_client, make_user
):
    """signup: ForgotPassword for a user whose only verified contact is an email answers CodeDeliveryDetails
    EMAIL / email with the masked address."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = user_with_verified_email(make_user, user_pool)
    asked = forgot(cognito, client, user)
    if not check.succeeded(asked, FORGOT_DELIVERY):
        return
    check.equal(asked, "$.CodeDeliveryDetails.DeliveryMedium", "EMAIL", FORGOT_DELIVERY)
    check.equal(asked, "$.CodeDeliveryDetails.AttributeName", "email", FORGOT_DELIVERY)
    check.matches(asked, "$.CodeDeliveryDetails.Destination", MASKED_EMAIL, FORGOT_DELIVERY_MASKED)


@pytest.mark.fact(FORGOT_PASSWORD)
def test_forgot_password_then_confirm_sets_the_new_password(
    cognito, check, user_pool, make_app_client, make_user, outbox
):
    """signup: ConfirmForgotPassword with the code ForgotPassword delivered sets the new password, which
    signs in, and the old one is refused."""
    require_outbox(outbox)
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = user_with_verified_email(make_user, user_pool)
    asked = forgot(cognito, client, user)
    if not check.succeeded(asked, FORGOT_PASSWORD):
        return
    code = delivered(check, outbox, asked, user, "password-reset", FORGOT_PASSWORD)
    if code is None:
        return
    new_password = flows.new_password_for(user)
    if not check.succeeded(confirm_forgot(cognito, client, user, code, new_password), FORGOT_PASSWORD):
        return
    signs_in_with(cognito, check, client, user, new_password, FORGOT_PASSWORD, note="with the new password")
    old_password_refused(cognito, check, client, user)


@pytest.mark.kind("errors")
@pytest.mark.fact(RESET_CODE_SINGLE_USE)
def test_confirm_forgot_password_twice_with_one_code_is_refused(
    cognito, check, user_pool, make_app_client, make_user, outbox
):
    """signup: a reset code that set a password does not set another (UNVERIFIED; the error is not judged)."""
    require_outbox(outbox)
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = user_with_verified_email(make_user, user_pool)
    asked = forgot(cognito, client, user)
    if not check.succeeded(asked, RESET_CODE_SINGLE_USE, note="asking for a code"):
        return
    code = delivered(check, outbox, asked, user, "password-reset", RESET_CODE_SINGLE_USE)
    if code is None:
        return
    first = flows.new_password_for(user)
    if not check.succeeded(confirm_forgot(cognito, client, user, code, first), FORGOT_PASSWORD):
        return
    again = confirm_forgot(cognito, client, user, code, flows.new_password_for(user))
    refused(check, again, RESET_CODE_SINGLE_USE, what="the reset code was used already")
    signs_in_with(cognito, check, client, user, first, RESET_CODE_SINGLE_USE, note="the first reset stands")


@pytest.mark.kind("errors")
@pytest.mark.fact(RESET_CODE_LIFETIME)
def test_confirm_forgot_password_after_code_expires_is_expired_code(
    cognito, check, endpoint, user_pool, make_app_client, make_user, outbox
):
    """signup: an hour after ForgotPassword its code is refused with ExpiredCodeException."""
    require_outbox(outbox)
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = user_with_verified_email(make_user, user_pool)
    asked = forgot(cognito, client, user)
    if not check.succeeded(asked, RESET_CODE_LIFETIME, note="asking for a code"):
        return
    code = delivered(check, outbox, asked, user, "password-reset", RESET_CODE_LIFETIME)
    if code is None:
        return
    if not endpoint.let_time_pass(3600 + 60):
        pytest.skip("the endpoint's clock cannot be advanced")
    answer = confirm_forgot(cognito, client, user, code, flows.new_password_for(user))
    check.error(
        answer,
        "ExpiredCodeException",
        RESET_CODE_LIFETIME,
        message="Invalid code provided, please request a code again.",
        message_fact=CODE_EXPIRED_TEXT,
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(CODE_MISMATCH)
def test_confirm_forgot_password_with_a_wrong_code_is_code_mismatch(
    cognito, check, endpoint, user_pool, make_app_client, make_user
):
    """signup: ConfirmForgotPassword with a code that was not sent: CodeMismatchException; the password stays."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = user_with_verified_email(make_user, user_pool)
    if not check.succeeded(forgot(cognito, client, user), CODE_MISMATCH, note="asking for a code"):
        return
    wrong = other_code(sent_code(endpoint, user, "password-reset"))
    answer = confirm_forgot(cognito, client, user, wrong, flows.new_password_for(user))
    check.error(answer, "CodeMismatchException", CODE_MISMATCH, message=CODE_MISMATCH.message)


@pytest.mark.kind("errors")
@pytest.mark.fact(NO_VERIFIED_CHANNEL)
def test_forgot_password_without_a_verified_channel_is_invalid(
    cognito, check, user_pool, make_app_client, make_user
):
    """signup: ForgotPassword for a user whose email is not verified: InvalidParameterException."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, attributes={"email": email_for("unverified")})
    check.error(forgot(cognito, client, user), "InvalidParameterException", NO_VERIFIED_CHANNEL)


@pytest.mark.parametrize(
    ("first", "medium", "attribute"),
    [("verified_email", "EMAIL", "email"), ("verified_phone_number", "SMS", "phone_number")],
    ids=["email-first", "phone-first"],
)
@pytest.mark.fact(RECOVERY_PRIORITY)
def test_forgot_password_follows_the_recovery_priority(
    cognito, check, make_user_pool, make_app_client, make_user, first, medium, attribute
):
    """signup: for a user with a verified email and a verified phone, ForgotPassword uses the channel the pool's
    AccountRecoverySetting puts at priority 1."""
    second = "verified_phone_number" if first == "verified_email" else "verified_email"
    created = make_user_pool(
        AccountRecoverySetting={
            "RecoveryMechanisms": [{"Name": first, "Priority": 1}, {"Name": second, "Priority": 2}]
        }
    )
    if not check.succeeded(created, RECOVERY_PRIORITY, note="creating the pool"):
        return
    pool_id = created.body["UserPool"]["Id"]
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = user_with_verified_email(
        make_user, pool_id, phone_number="+15555550123", phone_number_verified="true"
    )
    asked = forgot(cognito, client, user)
    if check.succeeded(asked, RECOVERY_PRIORITY):
        check.equal(asked, "$.CodeDeliveryDetails.DeliveryMedium", medium, RECOVERY_PRIORITY)
        check.equal(asked, "$.CodeDeliveryDetails.AttributeName", attribute, RECOVERY_PRIORITY)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_USER)
@pytest.mark.parametrize("operation", ["ForgotPassword", "ResendConfirmationCode"])
def test_code_request_for_unknown_user_is_user_not_found(
    cognito, check, user_pool, make_app_client, operation
):
    """signup: with PreventUserExistenceErrors LEGACY, a code asked for an unknown user: UserNotFoundException."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS, PreventUserExistenceErrors="LEGACY")
    answer = cognito.call(operation, {"ClientId": client.client_id, "Username": flows.new_username("ghost")})
    check.error(answer, "UserNotFoundException", UNKNOWN_USER)


@pytest.mark.fact(PREVENT_FORGOT)
@pytest.mark.parametrize("operation", ["ForgotPassword", "ResendConfirmationCode"])
def test_code_request_for_unknown_user_is_simulated_when_existence_is_hidden(
    cognito, check, user_pool, make_app_client, operation
):
    """signup: with PreventUserExistenceErrors ENABLED, a code asked for an unknown user answers a
    CodeDeliveryDetails as if one was sent."""
    client = make_app_client(
        user_pool, ExplicitAuthFlows=PASSWORD_FLOWS, PreventUserExistenceErrors="ENABLED"
    )
    answer = cognito.call(operation, {"ClientId": client.client_id, "Username": flows.new_username("ghost")})
    if check.succeeded(answer, PREVENT_FORGOT):
        check.present(answer, "$.CodeDeliveryDetails.DeliveryMedium", PREVENT_FORGOT)


@pytest.mark.kind("errors")
@pytest.mark.fact(PREVENT_CONFIRM)
def test_confirm_forgot_password_for_unknown_user_is_code_mismatch_when_existence_is_hidden(
    cognito, check, user_pool, make_app_client
):
    """signup: with PreventUserExistenceErrors ENABLED, ConfirmForgotPassword for an unknown user is
    CodeMismatchException, as a wrong code is."""
    client = make_app_client(
        user_pool, ExplicitAuthFlows=PASSWORD_FLOWS, PreventUserExistenceErrors="ENABLED"
    )
    ghost = flows.TestUser(user_pool, flows.new_username("ghost"), flows.new_password())
    answer = confirm_forgot(cognito, client, ghost, "123456", flows.new_password())
    check.error(answer, "CodeMismatchException", PREVENT_CONFIRM)


# --- AdminResetUserPassword -------------------------------------------------------------------------


@pytest.mark.fact(RESET_REQUIRED_RECOVERY)
def test_reset_required_user_recovers_with_forgot_password(
    cognito, check, user_pool, make_app_client, make_user, outbox
):
    """signup: AdminResetUserPassword makes the user RESET_REQUIRED (sign-in: PasswordResetRequiredException);
    ForgotPassword and ConfirmForgotPassword then make them CONFIRMED with the new password."""
    require_outbox(outbox)
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = user_with_verified_email(make_user, user_pool)
    reset = cognito.admin_reset_user_password(UserPoolId=user_pool, Username=user.username)
    if not check.succeeded(reset, RESET_REQUIRED, note="resetting the password"):
        return
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(described, RESET_REQUIRED):
        check.equal(described, "$.UserStatus", "RESET_REQUIRED", RESET_REQUIRED, check="status")
    check.error(
        flows.password_sign_in(cognito, client, user),
        "PasswordResetRequiredException",
        RESET_REQUIRED,
        message="Password reset required for the user",
    )
    asked = forgot(cognito, client, user)
    if not check.succeeded(asked, RESET_REQUIRED_RECOVERY, note="asking for a code"):
        return
    code = delivered(check, outbox, asked, user, "password-reset", RESET_REQUIRED_RECOVERY)
    if code is None:
        return
    new_password = flows.new_password_for(user)
    if not check.succeeded(
        confirm_forgot(cognito, client, user, code, new_password), RESET_REQUIRED_RECOVERY
    ):
        return
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(described, RESET_REQUIRED_RECOVERY):
        check.equal(described, "$.UserStatus", "CONFIRMED", RESET_REQUIRED_RECOVERY, check="status")
    signs_in_with(cognito, check, client, user, new_password, RESET_REQUIRED_RECOVERY, note="after the reset")


# --- ChangePassword and DeleteUser ------------------------------------------------------------------


def access_token(cognito, check, client, user, fact) -> str | None:
    result = flows.tokens(flows.password_sign_in(cognito, client, user))
    token = (result or {}).get("AccessToken")
    if not isinstance(token, str) or not token:
        # A token of the wrong JSON type is the sign-in's divergence (schema.type), never sent back.
        check.succeeded(flows.password_sign_in(cognito, client, user), fact, note="signing in")
        return None
    return token


@pytest.mark.fact(CHANGE_PASSWORD)
def test_change_password_sets_the_new_password(cognito, check, user_pool, make_app_client, make_user):
    """signup: ChangePassword with the right previous password: the new password signs in, the old is refused."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    token = access_token(cognito, check, client, user, CHANGE_PASSWORD)
    if token is None:
        return
    new_password = flows.new_password_for(user)
    changed = cognito.change_password(
        AccessToken=token, PreviousPassword=user.password, ProposedPassword=new_password
    )
    if not check.succeeded(changed, CHANGE_PASSWORD):
        return
    signs_in_with(cognito, check, client, user, new_password, CHANGE_PASSWORD, note="with the new password")
    old_password_refused(cognito, check, client, user)


@pytest.mark.kind("errors")
@pytest.mark.fact(CHANGE_PASSWORD_WRONG)
def test_change_password_with_a_wrong_previous_password_is_refused(
    cognito, check, user_pool, make_app_client, make_user
):
    """signup: ChangePassword with a wrong PreviousPassword: NotAuthorizedException "Incorrect username or password."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    token = access_token(cognito, check, client, user, CHANGE_PASSWORD_WRONG)
    if token is None:
        return
    answer = cognito.change_password(
        AccessToken=token,
        PreviousPassword=flows.new_password_for(user),
        ProposedPassword=flows.new_password(),
    )
    check.error(
        answer, "NotAuthorizedException", CHANGE_PASSWORD_WRONG, message=CHANGE_PASSWORD_WRONG.message
    )
    signs_in_with(
        cognito, check, client, user, user.password, CHANGE_PASSWORD_WRONG, note="the password stays"
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(CHANGE_PASSWORD_POLICY)
def test_change_password_breaking_the_policy_is_invalid_password(
    cognito, check, user_pool, make_app_client, make_user
):
    """signup: ChangePassword to a password shorter than the policy's minimum: InvalidPasswordException;
    the old password still signs in."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    token = access_token(cognito, check, client, user, CHANGE_PASSWORD_POLICY)
    if token is None:
        return
    answer = cognito.change_password(
        AccessToken=token, PreviousPassword=user.password, ProposedPassword=SHORT_PASSWORD
    )
    check.error(answer, "InvalidPasswordException", CHANGE_PASSWORD_POLICY)
    signs_in_with(
        cognito, check, client, user, user.password, CHANGE_PASSWORD_POLICY, note="the password stays"
    )


@pytest.mark.fact(DELETE_USER)
def test_delete_user_removes_the_user_and_refuses_its_token(
    cognito, check, user_pool, make_app_client, make_user
):
    """signup: DeleteUser with the user's own access token: the user is gone (UserNotFoundException) and the
    token is refused ("Invalid Access Token")."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    token = access_token(cognito, check, client, user, DELETE_USER)
    if token is None:
        return
    if not check.succeeded(cognito.delete_user(AccessToken=token), DELETE_USER):
        return
    gone = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    check.error(
        gone,
        "UserNotFoundException",
        DELETE_USER,
        message="User does not exist.",
        message_fact=UNKNOWN_USER_ADMIN,
    )
    check.error(
        cognito.get_user(AccessToken=token),
        "NotAuthorizedException",
        DELETE_USER,
        message="Invalid Access Token",
        message_fact=DELETED_USER_TOKEN,
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(DELETE_USER)
def test_delete_user_with_the_token_of_a_deleted_user_is_not_authorized(
    cognito, check, user_pool, make_app_client, make_user
):
    """signup: DeleteUser a second time with the token of the user it deleted: the token is refused
    (NotAuthorizedException "Invalid Access Token"), not answered as if the user were still there."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    token = access_token(cognito, check, client, user, DELETE_USER)
    if token is None:
        return
    if not check.succeeded(cognito.delete_user(AccessToken=token), DELETE_USER, note="the first DeleteUser"):
        return
    check.error(
        cognito.delete_user(AccessToken=token),
        "NotAuthorizedException",
        DELETE_USER,
        message="Invalid Access Token",
        message_fact=DELETED_USER_TOKEN,
    )
