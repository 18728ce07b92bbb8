"""Sign-up and password recovery in the reference: codes, their lifetimes and limits, the reset flow,
AccountRecoverySetting, ChangePassword, DeleteUser (the catalogue's signup facts; docs/facts.md §7, §8).

Run: ``pytest tests/reference/test_reference_signup.py -q``.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD

from conformance.reference import ReferenceApp


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_sign_up_then_confirm(app: ReferenceApp, cognito: Any, pool_id: str, client_id: str) -> None:
    response = cognito.sign_up(ClientId=client_id, Username="carol", Password=PASSWORD)
    assert response["UserConfirmed"] is False and "CodeDeliveryDetails" not in response
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="carol")["UserStatus"] == "UNCONFIRMED"
    with pytest.raises(ClientError) as caught:
        cognito.confirm_sign_up(ClientId=client_id, Username="carol", ConfirmationCode="000000x")
    assert error_of(caught) == (
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    )
    code = app.confirmation_code(pool_id, "carol")
    assert code is not None
    cognito.confirm_sign_up(ClientId=client_id, Username="carol", ConfirmationCode=code)
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="carol")["UserStatus"] == "CONFIRMED"
    with pytest.raises(ClientError) as caught:
        cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username="carol")
    assert error_of(caught) == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    )


def test_sign_up_with_auto_verified_email_masks_destination(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="p", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    response = cognito.sign_up(
        ClientId=client_id,
        Username="dave",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "test@test.com"}],
    )
    assert response["CodeDeliveryDetails"] == {
        "Destination": "t***@t***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def test_confirmation_code_expires(app: Any, cognito: Any, pool_id: str, client_id: str, clock: Any) -> None:
    cognito.sign_up(ClientId=client_id, Username="slow", Password=PASSWORD)
    code = app.confirmation_code(pool_id, "slow")
    clock.advance(86401)
    with pytest.raises(ClientError) as caught:
        cognito.confirm_sign_up(ClientId=client_id, Username="slow", ConfirmationCode=code)
    assert error_of(caught) == ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def test_confirm_sign_up_unknown_user(cognito: Any, client_id: str) -> None:
    with pytest.raises(ClientError) as caught:
        cognito.confirm_sign_up(ClientId=client_id, Username="ghost", ConfirmationCode="123456")
    assert error_of(caught) == ("UserNotFoundException", "Username/client id combination not found.")


def test_admin_reset_then_forgot_password_flow(app: Any, cognito: Any, pool_id: str, client_id: str) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="rita",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "rita@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    with pytest.raises(ClientError) as caught:
        cognito.admin_reset_user_password(UserPoolId=pool_id, Username="rita")
    assert error_of(caught) == (
        "NotAuthorizedException",
        "User password cannot be reset in the current state.",
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="rita", Password=PASSWORD, Permanent=True)
    cognito.admin_reset_user_password(UserPoolId=pool_id, Username="rita")
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="rita")["UserStatus"] == "RESET_REQUIRED"
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "rita", "PASSWORD": PASSWORD},
        )
    assert error_of(caught) == ("PasswordResetRequiredException", "Password reset required for the user")
    delivery = cognito.forgot_password(ClientId=client_id, Username="rita")["CodeDeliveryDetails"]
    assert delivery == {"Destination": "r***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    code = app.confirmation_code(pool_id, "rita", kind="password-reset")
    with pytest.raises(ClientError) as caught:
        cognito.confirm_forgot_password(
            ClientId=client_id, Username="rita", ConfirmationCode="000000", Password="N3w-Password!"
        )
    assert error_of(caught)[0] == "CodeMismatchException"
    cognito.confirm_forgot_password(
        ClientId=client_id, Username="rita", ConfirmationCode=code, Password="N3w-Password!"
    )
    cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "rita", "PASSWORD": "N3w-Password!"},
    )


def test_forgot_password_needs_a_verified_contact(cognito: Any, client_id: str, confirmed_user: str) -> None:
    with pytest.raises(ClientError) as caught:
        cognito.forgot_password(ClientId=client_id, Username=confirmed_user)
    assert error_of(caught) == (
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
    with pytest.raises(ClientError) as caught:
        cognito.forgot_password(ClientId=client_id, Username="ghost")
    assert error_of(caught) == ("UserNotFoundException", "Username/client id combination not found.")


def test_resend_confirmation_code(
    app: Any, cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    cognito.sign_up(
        ClientId=client_id,
        Username="sam",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "sam@example.com"}],
    )
    first = app.confirmation_code(pool_id, "sam")
    delivery = cognito.resend_confirmation_code(ClientId=client_id, Username="sam")["CodeDeliveryDetails"]
    assert delivery["Destination"] == "s***@e***"
    assert first is not None and app.confirmation_code(pool_id, "sam") is not None
    with pytest.raises(ClientError) as caught:
        cognito.resend_confirmation_code(ClientId=client_id, Username=confirmed_user)
    assert error_of(caught) == ("InvalidParameterException", "User is already confirmed.")


def _verified_user(cognito: Any, pool_id: str, username: str, **extra: str) -> None:
    attributes = {"email": f"{username}@example.com", "email_verified": "true", **extra}
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


@pytest.mark.parametrize(("first", "medium"), [("verified_email", "EMAIL"), ("verified_phone_number", "SMS")])
def test_forgot_password_follows_the_recovery_priority(
    app: ReferenceApp, cognito: Any, first: str, medium: str
) -> None:
    """facts:signup.recovery-priority: priority 1 wins for a user verified on both channels."""
    second = "verified_email" if first == "verified_phone_number" else "verified_phone_number"
    pool_id = cognito.create_user_pool(
        PoolName="recovery",
        AccountRecoverySetting={
            "RecoveryMechanisms": [{"Name": second, "Priority": 2}, {"Name": first, "Priority": 1}]
        },
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    _verified_user(cognito, pool_id, "both", phone_number="+15555550123", phone_number_verified="true")
    delivery = cognito.forgot_password(ClientId=client_id, Username="both")["CodeDeliveryDetails"]
    assert delivery["DeliveryMedium"] == medium
    [message] = app.outbox_messages(pool_id, "both")
    assert message["channel"] == medium and message["purpose"] == "password-reset"


def test_a_single_phone_mechanism_skips_a_verified_email(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName="phone-only",
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_phone_number", "Priority": 1}]},
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    _verified_user(cognito, pool_id, "mail")
    with pytest.raises(ClientError) as caught:
        cognito.forgot_password(ClientId=client_id, Username="mail")
    assert error_of(caught)[0] == "InvalidParameterException"


def test_a_reset_code_works_once_and_expires_after_an_hour(
    app: ReferenceApp, cognito: Any, pool_id: str, client_id: str, clock: Any
) -> None:
    _verified_user(cognito, pool_id, "rosa")
    cognito.forgot_password(ClientId=client_id, Username="rosa")
    code = app.outbox_messages(pool_id, "rosa")[-1]["code"]
    cognito.confirm_forgot_password(
        ClientId=client_id, Username="rosa", ConfirmationCode=code, Password="N3w-Passw0rd!"
    )
    with pytest.raises(ClientError) as caught:
        cognito.confirm_forgot_password(
            ClientId=client_id, Username="rosa", ConfirmationCode=code, Password="Oth3r-Passw0rd!"
        )
    assert error_of(caught)[0] == "ExpiredCodeException"
    cognito.forgot_password(ClientId=client_id, Username="rosa")
    code = app.outbox_messages(pool_id, "rosa")[-1]["code"]
    clock.advance(3601)
    with pytest.raises(ClientError) as caught:
        cognito.confirm_forgot_password(
            ClientId=client_id, Username="rosa", ConfirmationCode=code, Password="Oth3r-Passw0rd!"
        )
    assert error_of(caught)[0] == "ExpiredCodeException"
    sign_in_result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "rosa", "PASSWORD": "N3w-Passw0rd!"},
    )
    assert "AuthenticationResult" in sign_in_result


def test_resend_is_limited_to_five_an_hour(cognito: Any, pool_id: str, client_id: str, clock: Any) -> None:
    """facts:signup.resend-limit: the sixth resend within the hour is LimitExceededException."""
    cognito.sign_up(ClientId=client_id, Username="eager", Password=PASSWORD)
    for _ in range(5):
        cognito.resend_confirmation_code(ClientId=client_id, Username="eager")
    with pytest.raises(ClientError) as caught:
        cognito.resend_confirmation_code(ClientId=client_id, Username="eager")
    assert error_of(caught) == (
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    )
    clock.advance(3601)
    cognito.resend_confirmation_code(ClientId=client_id, Username="eager")


def test_delete_user_deletes_the_token_s_user(
    cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    """facts:signup.delete-user: the user is gone and its access token is refused."""
    access = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": confirmed_user, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    cognito.delete_user(AccessToken=access)
    with pytest.raises(ClientError) as caught:
        cognito.admin_get_user(UserPoolId=pool_id, Username=confirmed_user)
    assert error_of(caught)[0] == "UserNotFoundException"
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=access)
    assert error_of(caught) == ("NotAuthorizedException", "Invalid Access Token")
