"""The oracle's revocation and remembered devices (§2, §6, §12.1, §12.4)."""

from __future__ import annotations

import pytest
from oracle_support import (
    PASSWORD,
    POOL,
    PUBLIC,
    answered,
    expect_error,
    expect_success,
    expected_value,
    sign_in,
    user,
    world,
)

from conformance.crypto.srp import cognito_timestamp
from conformance.divergence import Confidence
from conformance.oracle import Call, Proof, Verdict, predict

DEVICE = "us-east-1_0b3f4a9e-1d2c-4e5f-8a9b-0c1d2e3f4a5b"


def get_user(token: str) -> Call:
    return Call("GetUser", {"AccessToken": token})


def test_global_sign_out_revokes_every_token_of_the_user_and_no_other():
    state = sign_in(
        sign_in(user(user(world()), "bob", sub="bbbbbbbb-0000-4000-8000-000000000009"), "alice", 1),
        "alice",
        2,
    )
    state = sign_in(state, "bob", 3)
    state = answered(state, "GlobalSignOut", {"AccessToken": "access-2"})
    for token in ("access-1", "access-2"):
        expect_error(
            predict(state, get_user(token)), "NotAuthorizedException", "Access Token has been revoked"
        )
    expect_success(predict(state, get_user("access-3")))
    # A new sign-in after the sign-out: §6 says it is sometimes refused too, so its predictions are soft.
    state = sign_in(state, "alice", 4)
    fresh = predict(state, get_user("access-4"))
    assert fresh.verdict is Verdict.SUCCESS and fresh.confidence is Confidence.UNVERIFIED


def test_admin_user_global_sign_out_and_unknown_user():
    state = sign_in(user(world()))
    state = answered(state, "AdminUserGlobalSignOut", {"UserPoolId": POOL, "Username": "alice"})
    expect_error(
        predict(state, get_user("access-1")), "NotAuthorizedException", "Access Token has been revoked"
    )
    expect_error(
        predict(state, Call("AdminUserGlobalSignOut", {"UserPoolId": POOL, "Username": "zed"})),
        "UserNotFoundException",
    )


def test_disable_revokes_access_tokens_with_an_unverified_text():
    state = answered(sign_in(user(world())), "AdminDisableUser", {"UserPoolId": POOL, "Username": "alice"})
    prediction = predict(state, get_user("access-1"))
    expect_error(prediction, "NotAuthorizedException")
    assert prediction.confidence is Confidence.DOCUMENTED
    assert prediction.message_fact.confidence is Confidence.UNVERIFIED


def test_tokens_of_a_deleted_user_are_invalid():
    state = answered(sign_in(user(world())), "AdminDeleteUser", {"UserPoolId": POOL, "Username": "alice"})
    expect_error(predict(state, get_user("access-1")), "NotAuthorizedException", "Invalid Access Token")
    expect_error(predict(state, get_user("never-issued")), "NotAuthorizedException", "Invalid Access Token")


def tracked(prompt: bool):
    return user(
        world(devices={"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": prompt})
    )


def confirm(token: str = "access-1", key: str = DEVICE) -> Call:
    return Call(
        "ConfirmDevice",
        {
            "AccessToken": token,
            "DeviceKey": key,
            "DeviceName": "laptop",
            "DeviceSecretVerifierConfig": {"PasswordVerifier": "dmVyaWZpZXI=", "Salt": "c2FsdA=="},
        },
    )


def test_sign_in_in_a_tracking_pool_issues_new_device_metadata():
    prediction = predict(
        tracked(False),
        Call(
            "InitiateAuth",
            {
                "ClientId": PUBLIC,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
            },
        ),
    )
    assert expected_value(prediction, "$.AuthenticationResult.NewDeviceMetadata.DeviceKey").value.startswith(
        "us-east-1_"
    )


@pytest.mark.parametrize("prompt", [False, True])
def test_confirm_device_and_what_lists_show(prompt):
    state = sign_in(tracked(prompt), device=DEVICE)
    prediction = predict(state, confirm())
    assert expected_value(prediction, "$.UserConfirmationNecessary").value is prompt
    state = answered(state, "ConfirmDevice", dict(confirm().params), {"UserConfirmationNecessary": prompt})
    listed = predict(state, Call("ListDevices", {"AccessToken": "access-1", "Limit": 10}))
    items = [e for e in listed.expects if e.rule.value == "subset-items"][0]
    assert items.value == (frozenset() if prompt else {DEVICE})
    got = predict(state, Call("GetDevice", {"AccessToken": "access-1", "DeviceKey": DEVICE}))
    status = dict(expected_value(got, "$.Device.DeviceAttributes").value)["dev:device_remembered_status"]
    assert status == ("not_remembered" if prompt else "remembered")


def test_confirm_device_with_another_sign_ins_token_is_invalid_device_key():
    state = sign_in(
        sign_in(tracked(False), device=DEVICE), n=2, device="us-east-1_11111111-2222-4333-8444-555555555555"
    )
    expect_error(
        predict(state, confirm(token="access-2")), "InvalidParameterException", "Invalid device key given."
    )


def test_forget_then_device_does_not_exist_everywhere():
    state = sign_in(tracked(False), device=DEVICE)
    state = answered(state, "ConfirmDevice", dict(confirm().params), {"UserConfirmationNecessary": False})
    state = answered(
        state, "AdminForgetDevice", {"UserPoolId": POOL, "Username": "alice", "DeviceKey": DEVICE}
    )
    for call in (
        Call("GetDevice", {"AccessToken": "access-1", "DeviceKey": DEVICE}),
        Call("AdminGetDevice", {"UserPoolId": POOL, "Username": "alice", "DeviceKey": DEVICE}),
        Call(
            "UpdateDeviceStatus",
            {"AccessToken": "access-1", "DeviceKey": DEVICE, "DeviceRememberedStatus": "remembered"},
        ),
        Call("ForgetDevice", {"AccessToken": "access-1", "DeviceKey": DEVICE}),
    ):
        expect_error(predict(state, call), "ResourceNotFoundException", "Device does not exist.")
    update = predict(
        state,
        Call(
            "AdminUpdateDeviceStatus",
            {
                "UserPoolId": POOL,
                "Username": "alice",
                "DeviceKey": DEVICE,
                "DeviceRememberedStatus": "remembered",
            },
        ),
    )
    assert update.confidence is Confidence.VERIFIED


def _verifier_with_device(state, device_key):
    state = answered(
        state,
        "InitiateAuth",
        {
            "ClientId": PUBLIC,
            "AuthFlow": "USER_SRP_AUTH",
            "AuthParameters": {"USERNAME": "alice", "SRP_A": "ab", "DEVICE_KEY": device_key},
        },
        {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {"SECRET_BLOCK": "blk", "USER_ID_FOR_SRP": "alice"},
        },
    )
    call = Call(
        "RespondToAuthChallenge",
        {
            "ClientId": PUBLIC,
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeResponses": {
                "USERNAME": "alice",
                "PASSWORD_CLAIM_SECRET_BLOCK": "blk",
                "PASSWORD_CLAIM_SIGNATURE": "s",
                "TIMESTAMP": cognito_timestamp(),
                "DEVICE_KEY": device_key,
            },
        },
        Proof(password=PASSWORD),
    )
    return state, call


def test_remembered_device_gets_device_srp_auth_and_a_forgotten_one_does_not_exist():
    state = sign_in(tracked(False), device=DEVICE)
    state = answered(state, "ConfirmDevice", dict(confirm().params), {"UserConfirmationNecessary": False})
    with_device, call = _verifier_with_device(state, DEVICE)
    assert expected_value(predict(with_device, call), "$.ChallengeName").value == "DEVICE_SRP_AUTH"
    forgotten = answered(state, "ForgetDevice", {"AccessToken": "access-1", "DeviceKey": DEVICE})
    with_device, call = _verifier_with_device(forgotten, DEVICE)
    prediction = predict(with_device, call)
    expect_error(prediction, "ResourceNotFoundException", "Device does not exist.")
    assert prediction.confidence is Confidence.VERIFIED


def test_device_password_verifier_right_and_wrong_proof():
    state = sign_in(tracked(False), device=DEVICE)
    state = answered(state, "ConfirmDevice", dict(confirm().params), {"UserConfirmationNecessary": False})
    state, call = _verifier_with_device(state, DEVICE)
    state = answered(
        state,
        "RespondToAuthChallenge",
        dict(call.params),
        {"ChallengeName": "DEVICE_SRP_AUTH", "Session": "D" * 30, "ChallengeParameters": {}},
        proof=call.proof,
    )
    srp = Call(
        "RespondToAuthChallenge",
        {
            "ClientId": PUBLIC,
            "ChallengeName": "DEVICE_SRP_AUTH",
            "Session": "D" * 30,
            "ChallengeResponses": {"USERNAME": "alice", "DEVICE_KEY": DEVICE, "SRP_A": "ab"},
        },
    )
    assert expected_value(predict(state, srp), "$.ChallengeName").value == "DEVICE_PASSWORD_VERIFIER"
    state = answered(
        state,
        "RespondToAuthChallenge",
        dict(srp.params),
        {
            "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
            "Session": "E" * 30,
            "ChallengeParameters": {"SECRET_BLOCK": "b2", "DEVICE_KEY": DEVICE},
        },
    )
    params = {
        "ClientId": PUBLIC,
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "Session": "E" * 30,
        "ChallengeResponses": {"USERNAME": "alice", "DEVICE_KEY": DEVICE},
    }
    expect_success(
        predict(state, Call("RespondToAuthChallenge", params, Proof(device_verifier="dmVyaWZpZXI=")))
    )
    wrong = predict(state, Call("RespondToAuthChallenge", params, Proof(device_verifier="b3RoZXI=")))
    expect_error(wrong, "NotAuthorizedException", "Incorrect username or password.")


def test_device_operations_on_a_pool_without_tracking():
    state = sign_in(user(world()))
    prediction = predict(state, Call("ListDevices", {"AccessToken": "access-1"}))
    expect_error(prediction, "InvalidUserPoolConfigurationException")
    assert prediction.message is None
