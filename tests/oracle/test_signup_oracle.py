"""The oracle's sign-up and recovery operations (the catalogue's signup facts). Run: ``pytest tests/oracle -q``."""

from __future__ import annotations

from oracle_support import (
    PASSWORD,
    POOL,
    PUBLIC,
    answered,
    expect_error,
    expect_success,
    expected_value,
    sign_in,
)

from conformance.oracle import Call, Proof, State, Verdict, initial_state, known_client, known_pool, predict

NEW = "Aa1!new-horse-battery"


def email_pool() -> State:
    """A pool that verifies email automatically, with a public client (LEGACY existence errors)."""
    state = known_pool(
        initial_state("us-east-1"), POOL, "pool", settings={"AutoVerifiedAttributes": ["email"]}
    )
    return known_client(state, POOL, PUBLIC, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])


def signed_up(state: State, name: str = "sue") -> State:
    return answered(
        state,
        "SignUp",
        {
            "ClientId": PUBLIC,
            "Username": name,
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": f"{name}@example.com"}],
        },
        {"UserConfirmed": False, "UserSub": "11111111-2222-4333-8444-555555555555"},
    )


def confirm(name: str = "sue", *, delivered: bool) -> Call:
    return Call(
        "ConfirmSignUp",
        {"ClientId": PUBLIC, "Username": name, "ConfirmationCode": "123456"},
        Proof(delivered_code=delivered),
    )


def password_sign_in(password: str, name: str = "sue") -> Call:
    return Call(
        "InitiateAuth",
        {
            "ClientId": PUBLIC,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": name, "PASSWORD": password},
        },
    )


def test_sign_up_predicts_an_email_delivery_and_an_unconfirmed_user():
    call = Call(
        "SignUp",
        {
            "ClientId": PUBLIC,
            "Username": "sue",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "sue@example.com"}],
        },
    )
    prediction = predict(email_pool(), call)
    expect_success(prediction)
    assert expected_value(prediction, "$.CodeDeliveryDetails.DeliveryMedium").value == "EMAIL"
    # UNCONFIRMED refuses a sign-in whatever the password (facts:auth.unconfirmed).
    state = signed_up(email_pool())
    expect_error(predict(state, password_sign_in("Aa1!not-it")), "UserNotConfirmedException")


def test_only_the_delivered_code_confirms():
    state = signed_up(email_pool())
    expect_error(predict(state, confirm(delivered=False)), "CodeMismatchException")
    expect_success(predict(state, confirm(delivered=True)))
    unknown_code = Call("ConfirmSignUp", {"ClientId": PUBLIC, "Username": "sue", "ConfirmationCode": "1"})
    assert predict(state, unknown_code).verdict is Verdict.UNKNOWN
    state = answered(
        state, "ConfirmSignUp", dict(confirm(delivered=True).params), {}, proof=Proof(delivered_code=True)
    )
    expect_success(predict(state, password_sign_in(PASSWORD)))
    expect_error(predict(state, confirm(delivered=True)), "NotAuthorizedException")


def test_a_reset_sets_the_new_password_and_not_the_old():
    state = signed_up(email_pool())
    state = answered(
        state, "ConfirmSignUp", dict(confirm(delivered=True).params), {}, proof=Proof(delivered_code=True)
    )
    state = answered(state, "AdminResetUserPassword", {"UserPoolId": POOL, "Username": "sue"}, {})
    expect_error(predict(state, password_sign_in(PASSWORD)), "PasswordResetRequiredException")
    forgot = Call("ForgotPassword", {"ClientId": PUBLIC, "Username": "sue"})
    expect_success(predict(state, forgot))
    state = answered(state, "ForgotPassword", dict(forgot.params), {"CodeDeliveryDetails": {}})
    params = {"ClientId": PUBLIC, "Username": "sue", "ConfirmationCode": "123456", "Password": NEW}
    expect_error(
        predict(state, Call("ConfirmForgotPassword", params, Proof(delivered_code=False))),
        "CodeMismatchException",
    )
    state = answered(state, "ConfirmForgotPassword", params, {}, proof=Proof(delivered_code=True))
    expect_success(predict(state, password_sign_in(NEW)))
    expect_error(predict(state, password_sign_in(PASSWORD)), "NotAuthorizedException")


def test_change_password_needs_the_previous_password():
    state = signed_up(email_pool())
    state = answered(state, "AdminConfirmSignUp", {"UserPoolId": POOL, "Username": "sue"}, {})
    state = sign_in(state, "sue")
    wrong = Call(
        "ChangePassword", {"AccessToken": "access-1", "PreviousPassword": NEW, "ProposedPassword": NEW}
    )
    expect_error(predict(state, wrong), "NotAuthorizedException", "Incorrect username or password.")
    right = Call(
        "ChangePassword", {"AccessToken": "access-1", "PreviousPassword": PASSWORD, "ProposedPassword": NEW}
    )
    expect_success(predict(state, right))
    # AdminConfirmSignUp may or may not verify the e-mail: the channel of a reset is not predicted.
    forgot = Call("ForgotPassword", {"ClientId": PUBLIC, "Username": "sue"})
    assert predict(state, forgot).verdict is Verdict.UNKNOWN


def test_resends_are_counted_and_a_confirmed_user_is_refused():
    state = signed_up(email_pool())
    resend = Call("ResendConfirmationCode", {"ClientId": PUBLIC, "Username": "sue"})
    for _ in range(5):
        expect_success(predict(state, resend))
        state = answered(state, "ResendConfirmationCode", dict(resend.params), {"CodeDeliveryDetails": {}})
    expect_error(predict(state, resend), "LimitExceededException")
    expect_error(
        predict(state, Call("ResendConfirmationCode", {"ClientId": PUBLIC, "Username": "nobody"})),
        "UserNotFoundException",
    )
