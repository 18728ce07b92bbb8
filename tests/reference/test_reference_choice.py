"""The reference's choice-based sign-in refuses what it does not model, and keeps its sessions straight.

Run: ``pytest tests/reference/test_reference_choice.py -q``.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, in_process_client

from conformance.reference import ReferenceApp
from conformance.reference.clock import ManualClock

EMAIL = [{"Name": "email", "Value": "c@example.com"}, {"Name": "email_verified", "Value": "true"}]


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


@pytest.fixture
def world() -> tuple[ReferenceApp, Any, str, str]:
    app = ReferenceApp(clock=ManualClock())
    cognito = in_process_client(app)
    pool_id = cognito.create_user_pool(
        PoolName="choice", Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS", UserAttributes=EMAIL
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True)
    return app, cognito, pool_id, client_id


@pytest.mark.parametrize(
    "factors", [["PASSWORD", "WEB_AUTHN"], ["PASSWORD", "SOFTWARE_TOKEN"], ["EMAIL_OTP"]]
)
def test_first_factors_it_does_not_model_are_refused(factors: list[str]) -> None:
    cognito = in_process_client(ReferenceApp(clock=ManualClock()))
    with pytest.raises(ClientError) as refused:
        cognito.create_user_pool(
            PoolName="p", Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors}}
        )
    assert code_of(refused) == "ReferenceUnsupportedParameter"


def test_passkeys_are_refused_as_a_preference_and_as_an_answer(world) -> None:
    _, cognito, _, client_id = world
    with pytest.raises(ClientError) as preferred:
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "WEB_AUTHN"},
        )
    assert code_of(preferred) == "ReferenceUnsupportedParameter"
    choice = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "ann"}
    )
    assert choice["ChallengeName"] == "SELECT_CHALLENGE"
    assert sorted(choice["AvailableChallenges"]) == ["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]
    with pytest.raises(ClientError) as answered:
        cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SELECT_CHALLENGE",
            Session=choice["Session"],
            ChallengeResponses={"USERNAME": "ann", "ANSWER": "WEB_AUTHN"},
        )
    assert code_of(answered) == "ReferenceUnsupportedParameter"


def test_an_otp_goes_to_the_outbox_and_an_unverified_email_gets_none(world) -> None:
    app, cognito, pool_id, client_id = world
    challenge = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    (message,) = app.outbox_messages(pool_id, "ann")
    assert (message["purpose"], message["channel"], message["destination"]) == (
        "otp",
        "EMAIL",
        "c@example.com",
    )
    unverified = [{"Name": "email", "Value": "u@example.com"}, {"Name": "email_verified", "Value": "false"}]
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="uma", MessageAction="SUPPRESS", UserAttributes=unverified
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="uma", Password=PASSWORD, Permanent=True)
    again = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "uma", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    assert again["ChallengeName"] == "SELECT_CHALLENGE"
    assert again["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]


def test_an_otp_session_is_not_a_select_challenge_session(world) -> None:
    _, cognito, _, client_id = world
    challenge = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "ann", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    with pytest.raises(ClientError) as refused:
        cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SELECT_CHALLENGE",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "ann", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD},
        )
    assert code_of(refused) == "NotAuthorizedException"


def test_a_pool_going_lite_under_an_allow_user_auth_client_is_refused(world) -> None:
    _, cognito, pool_id, _ = world
    with pytest.raises(ClientError) as refused:
        cognito.update_user_pool(UserPoolId=pool_id, UserPoolTier="LITE")
    assert code_of(refused) == "ReferenceUnsupportedParameter"


def test_lite_clients_cannot_gain_allow_user_auth_by_update() -> None:
    cognito = in_process_client(ReferenceApp(clock=ManualClock()))
    pool_id = cognito.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    with pytest.raises(ClientError) as refused:
        cognito.update_user_pool_client(
            UserPoolId=pool_id, ClientId=client_id, ExplicitAuthFlows=["ALLOW_USER_AUTH"]
        )
    assert code_of(refused) == "FeatureUnavailableInTierException"
