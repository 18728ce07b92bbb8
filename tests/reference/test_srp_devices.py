"""Server-side SRP for users and devices, and device tracking (docs/facts.md §1, §2, §12.1, §12.2).

Run: ``pytest tests/reference/test_srp_devices.py -q``.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, sign_in

from conformance.crypto.srp import DeviceSrpClient, UserSrpClient, new_device_secret


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def srp_sign_in(
    cognito: Any,
    pool_id: str,
    client_id: str,
    *,
    username: str = "alice",
    password: str = PASSWORD,
    device_key: str | None = None,
    timestamp: str | None = None,
) -> dict[str, Any]:
    srp = UserSrpClient(pool_id, password)
    params = {"USERNAME": username, "SRP_A": srp.srp_a_hex()}
    if device_key:
        params["DEVICE_KEY"] = device_key
    challenge = cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER" and "Session" not in challenge
    answer = srp.answer_password_verifier(challenge["ChallengeParameters"], timestamp=timestamp)
    if device_key:
        answer["DEVICE_KEY"] = device_key
    return cognito.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
    )


def test_srp_sign_in(cognito: Any, pool_id: str, client_id: str, confirmed_user: str) -> None:
    result = srp_sign_in(cognito, pool_id, client_id)
    assert result["ChallengeParameters"] == {} and "RefreshToken" in result["AuthenticationResult"]


def test_srp_challenge_parameters(cognito: Any, pool_id: str, client_id: str, confirmed_user: str) -> None:
    srp = UserSrpClient(pool_id, PASSWORD)
    challenge = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "alice", "SRP_A": srp.srp_a_hex().upper()},
    )
    params = challenge["ChallengeParameters"]
    assert set(params) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}
    assert params["USER_ID_FOR_SRP"] == "alice"
    int(params["SRP_B"], 16)
    int(params["SALT"], 16)


def test_srp_wrong_password_is_refused(
    cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    with pytest.raises(ClientError) as caught:
        srp_sign_in(cognito, pool_id, client_id, password="Wr0ng-Password!")
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")


def test_srp_zero_padded_day_is_refused(
    cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    with pytest.raises(ClientError) as caught:
        srp_sign_in(cognito, pool_id, client_id, timestamp="Wed Apr 05 22:44:40 UTC 2017")
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")
    with pytest.raises(ClientError) as caught:
        srp_sign_in(cognito, pool_id, client_id, timestamp="2017-04-05T22:44:40+05:30")
    assert error_of(caught) == (
        "InvalidParameterException",
        "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
    )


def test_srp_secret_block_answers_once(
    cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    srp = UserSrpClient(pool_id, PASSWORD)
    challenge = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "alice", "SRP_A": srp.srp_a_hex()},
    )
    answer = srp.answer_password_verifier(challenge["ChallengeParameters"])
    cognito.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
    )
    with pytest.raises(ClientError):
        cognito.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
        )


def test_srp_unknown_user_gets_a_simulated_challenge(cognito: Any, pool_id: str, make_client: Any) -> None:
    client_id = make_client(PreventUserExistenceErrors="ENABLED")["ClientId"]

    def challenge() -> dict[str, str]:
        return cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "ghost", "SRP_A": UserSrpClient(pool_id, "x").srp_a_hex()},
        )["ChallengeParameters"]

    first, second = challenge(), challenge()
    assert first["SALT"] == second["SALT"] and first["USER_ID_FOR_SRP"] == second["USER_ID_FOR_SRP"]
    answer = UserSrpClient(pool_id, PASSWORD).answer_password_verifier(first)
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer
        )
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")


def test_srp_force_change_password_then_new_password(cognito: Any, pool_id: str, client_id: str) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="temp", TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS"
    )
    result = srp_sign_in(cognito, pool_id, client_id, username="temp", password="Temp-0rary!")
    assert result["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and result["Session"]


# ---------------------------------------------------------------------------- devices


@pytest.fixture
def tracking_pool(cognito: Any) -> tuple[str, str]:
    pool_id = cognito.create_user_pool(
        PoolName="devices",
        DeviceConfiguration={
            "ChallengeRequiredOnNewDevice": False,
            "DeviceOnlyRememberedOnUserPrompt": False,
        },
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="c",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    return pool_id, client_id


def remember_device(cognito: Any, pool_id: str, client_id: str) -> tuple[Any, dict[str, Any]]:
    result = srp_sign_in(cognito, pool_id, client_id)["AuthenticationResult"]
    metadata = result["NewDeviceMetadata"]
    assert metadata["DeviceKey"].startswith("us-east-1_")
    assert len(metadata["DeviceGroupKey"]) == 9 and metadata["DeviceGroupKey"].startswith("-")
    secret = new_device_secret(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    confirmed = cognito.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=metadata["DeviceKey"],
        DeviceSecretVerifierConfig=secret.verifier_config(),
        DeviceName="laptop",
    )
    assert confirmed["UserConfirmationNecessary"] is False
    return secret, result


def device_sign_in(cognito: Any, pool_id: str, client_id: str, secret: Any) -> dict[str, Any]:
    challenge = srp_sign_in(cognito, pool_id, client_id, device_key=secret.device_key)
    assert challenge["ChallengeName"] == "DEVICE_SRP_AUTH"
    device = DeviceSrpClient(secret, username="alice")
    verifier = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=challenge["Session"],
        ChallengeResponses=device.answer_device_srp_auth("alice"),
    )
    assert verifier["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    assert {"SRP_B", "SALT", "SECRET_BLOCK", "USERNAME", "DEVICE_KEY"} <= set(verifier["ChallengeParameters"])
    return cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        Session=verifier["Session"],
        ChallengeResponses=device.answer_device_password_verifier(verifier["ChallengeParameters"]),
    )


def test_device_flow_end_to_end(cognito: Any, tracking_pool: tuple[str, str]) -> None:
    pool_id, client_id = tracking_pool
    secret, first = remember_device(cognito, pool_id, client_id)
    result = device_sign_in(cognito, pool_id, client_id, secret)["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result and "RefreshToken" in result
    refreshed = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "DEVICE_KEY": secret.device_key},
    )
    assert "AccessToken" in refreshed["AuthenticationResult"]
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )
    assert error_of(caught) == ("NotAuthorizedException", "Invalid Refresh Token")


def test_wrong_device_proof_is_refused(cognito: Any, tracking_pool: tuple[str, str]) -> None:
    pool_id, client_id = tracking_pool
    secret, _ = remember_device(cognito, pool_id, client_id)
    impostor = new_device_secret(secret.device_group_key, secret.device_key)
    with pytest.raises(ClientError) as caught:
        device_sign_in(cognito, pool_id, client_id, impostor)
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")


def test_device_attributes_and_listing(cognito: Any, tracking_pool: tuple[str, str]) -> None:
    pool_id, client_id = tracking_pool
    secret, result = remember_device(cognito, pool_id, client_id)
    device = cognito.get_device(AccessToken=result["AccessToken"], DeviceKey=secret.device_key)["Device"]
    attributes = {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}
    assert attributes["device_status"] == "valid" and attributes["device_name"] == "laptop"
    assert attributes["dev:device_remembered_status"] == "remembered"
    assert attributes["dev:device_owner"] == f"alice.{pool_id}"
    assert attributes["dev:device_arn"].endswith(f"/device/{secret.device_key}")
    stamp = device["DeviceLastAuthenticatedDate"].timestamp()
    assert stamp == int(stamp)
    listed = cognito.list_devices(AccessToken=result["AccessToken"], Limit=60)["Devices"]
    assert [d["DeviceKey"] for d in listed] == [secret.device_key]
    assert not any(a["Name"].startswith("dev:") for a in listed[0]["DeviceAttributes"])
    cognito.update_device_status(
        AccessToken=result["AccessToken"],
        DeviceKey=secret.device_key,
        DeviceRememberedStatus="not_remembered",
    )
    assert cognito.admin_list_devices(UserPoolId=pool_id, Username="alice")["Devices"] == []
    admin = cognito.admin_get_device(UserPoolId=pool_id, Username="alice", DeviceKey=secret.device_key)[
        "Device"
    ]
    assert {"Name": "dev:device_remembered_status", "Value": "not_remembered"} in admin["DeviceAttributes"]


def test_list_devices_paginates(cognito: Any, tracking_pool: tuple[str, str]) -> None:
    pool_id, client_id = tracking_pool
    for _ in range(3):
        _, result = remember_device(cognito, pool_id, client_id)
    page = cognito.list_devices(AccessToken=result["AccessToken"], Limit=2)
    assert len(page["Devices"]) == 2 and page["PaginationToken"]
    rest = cognito.list_devices(
        AccessToken=result["AccessToken"], Limit=2, PaginationToken=page["PaginationToken"]
    )
    assert len(rest["Devices"]) == 1 and "PaginationToken" not in rest


def test_forgotten_device_does_not_exist(cognito: Any, tracking_pool: tuple[str, str]) -> None:
    pool_id, client_id = tracking_pool
    secret, result = remember_device(cognito, pool_id, client_id)
    cognito.forget_device(AccessToken=result["AccessToken"], DeviceKey=secret.device_key)
    for call in (
        lambda: cognito.get_device(AccessToken=result["AccessToken"], DeviceKey=secret.device_key),
        lambda: cognito.update_device_status(
            AccessToken=result["AccessToken"],
            DeviceKey=secret.device_key,
            DeviceRememberedStatus="remembered",
        ),
        lambda: srp_sign_in(cognito, pool_id, client_id, device_key=secret.device_key),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught) == ("ResourceNotFoundException", "Device does not exist.")


def test_confirm_device_with_a_foreign_key(cognito: Any, tracking_pool: tuple[str, str]) -> None:
    pool_id, client_id = tracking_pool
    result = srp_sign_in(cognito, pool_id, client_id)["AuthenticationResult"]
    secret = new_device_secret("-AbCdEfGh", "us-east-1_00000000-0000-4000-8000-000000000000")
    with pytest.raises(ClientError) as caught:
        cognito.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=secret.device_key,
            DeviceSecretVerifierConfig=secret.verifier_config(),
        )
    assert error_of(caught) == ("InvalidParameterException", "Invalid device key given.")


def test_opt_in_pool_needs_user_confirmation(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName="opt-in", DeviceConfiguration={"DeviceOnlyRememberedOnUserPrompt": True}
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    result = sign_in(cognito, client_id)["AuthenticationResult"]
    metadata = result["NewDeviceMetadata"]
    secret = new_device_secret(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    confirmed = cognito.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=metadata["DeviceKey"],
        DeviceSecretVerifierConfig=secret.verifier_config(),
    )
    assert confirmed["UserConfirmationNecessary"] is True
    assert cognito.list_devices(AccessToken=result["AccessToken"])["Devices"] == []


def test_device_operations_need_tracking(
    cognito: Any, pool_id: str, client_id: str, confirmed_user: str
) -> None:
    access = sign_in(cognito, client_id)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as caught:
        cognito.list_devices(AccessToken=access)
    assert caught.value.response["Error"]["Code"] == "InvalidUserPoolConfigurationException"
