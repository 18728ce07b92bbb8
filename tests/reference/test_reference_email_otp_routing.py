"""EMAIL_OTP names two challenges: e-mail MFA after a password (service/mfa.py) and the passwordless
first factor of USER_AUTH (service/choice.py). The session that asked says which one an answer is for.

Run: ``pytest tests/reference/test_reference_email_otp_routing.py -q``.
"""

from __future__ import annotations

from typing import Any

from reference_support import PASSWORD

from conformance.reference import ReferenceApp

EMAIL = [{"Name": "email", "Value": "eve@example.com"}, {"Name": "email_verified", "Value": "true"}]


def _pool(cognito: Any, **settings: Any) -> tuple[str, str]:
    pool_id = cognito.create_user_pool(PoolName="otp", **settings)["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="c",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="eve", MessageAction="SUPPRESS", UserAttributes=EMAIL
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="eve", Password=PASSWORD, Permanent=True)
    return pool_id, client_id


def _answer(
    app: ReferenceApp, cognito: Any, pool_id: str, client_id: str, challenge: dict[str, Any], purpose: str
):
    [message] = [m for m in app.outbox_messages(pool_id, "eve") if m["purpose"] == purpose][-1:]
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "eve", "EMAIL_OTP_CODE": message["code"]},
    )


def test_email_mfa_after_a_password_is_answered_by_mfa(app: ReferenceApp, cognito: Any) -> None:
    pool_id, client_id = _pool(
        cognito,
        EmailConfiguration={
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
        },
    )
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL", EmailMfaConfiguration={"Message": "code {####}"}
    )
    cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="eve", EmailMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    challenge = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "eve", "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert (
        "AccessToken" in _answer(app, cognito, pool_id, client_id, challenge, "mfa")["AuthenticationResult"]
    )


def test_passwordless_email_otp_is_answered_by_choice(app: ReferenceApp, cognito: Any) -> None:
    pool_id, client_id = _pool(
        cognito, Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    )
    challenge = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "eve", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert (
        "AccessToken" in _answer(app, cognito, pool_id, client_id, challenge, "otp")["AuthenticationResult"]
    )
