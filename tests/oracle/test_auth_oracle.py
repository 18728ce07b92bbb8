"""The oracle's sign-in: flows, SECRET_HASH, unknown users, passwords, challenges (§1, §3, §4, §7, §12)."""

from __future__ import annotations

import pytest
from oracle_support import (
    PASSWORD,
    POOL,
    PUBLIC,
    SECRET,
    SECRET_CLIENT,
    WRONG,
    answered,
    expect_error,
    expect_success,
    expected_value,
    sign_in,
    tokens_body,
    user,
    world,
)

from conformance.crypto.srp import cognito_timestamp, secret_hash
from conformance.divergence import Confidence
from conformance.oracle import Call, Proof, Verdict, known_client, predict

ONLY_SRP = "srponlyclient000000000000c"


def initiate(client: str, flow: str, **parameters: str) -> Call:
    return Call("InitiateAuth", {"ClientId": client, "AuthFlow": flow, "AuthParameters": parameters})


@pytest.mark.parametrize(
    "flow, message",
    [
        ("USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH flow not enabled for this client"),
        ("CUSTOM_AUTH", "CUSTOM_AUTH is not enabled for the client."),
        ("REFRESH_TOKEN_AUTH", None),
    ],
)
def test_flow_not_enabled_is_invalid_parameter_with_the_flow_text(flow, message):
    state = known_client(world(), POOL, ONLY_SRP, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    prediction = predict(
        state, initiate(ONLY_SRP, flow, USERNAME="alice", PASSWORD=PASSWORD, REFRESH_TOKEN="r")
    )
    expect_error(prediction, "InvalidParameterException", message)


def test_refresh_not_enabled_text_is_unverified():
    state = known_client(world(), POOL, ONLY_SRP, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    prediction = predict(state, initiate(ONLY_SRP, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN="r"))
    assert prediction.message_fact.confidence is Confidence.UNVERIFIED


def test_legacy_flow_lists_allow_srp_and_refresh():
    state = user(known_client(world(), POOL, ONLY_SRP, ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]))
    expect_success(predict(state, initiate(ONLY_SRP, "USER_SRP_AUTH", USERNAME="alice", SRP_A="ab")))
    expect_error(
        predict(state, initiate(ONLY_SRP, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=PASSWORD)),
        "InvalidParameterException",
    )


def test_admin_flow_on_initiate_auth_is_invalid_parameter_with_unverified_text():
    prediction = predict(
        user(world()), initiate(PUBLIC, "ADMIN_USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=PASSWORD)
    )
    expect_error(prediction, "InvalidParameterException")
    assert prediction.message is None


def test_custom_auth_without_a_trigger():
    # A client without ExplicitAuthFlows allows CUSTOM_AUTH (§4 [BC]); the pool has no trigger.
    state = known_client(user(world()), POOL, ONLY_SRP)
    expect_error(
        predict(state, initiate(ONLY_SRP, "CUSTOM_AUTH", USERNAME="alice")),
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )


def test_secret_client_without_and_with_a_wrong_secret_hash():
    state = user(world())
    missing = predict(
        state, initiate(SECRET_CLIENT, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=PASSWORD)
    )
    expect_error(
        missing,
        "NotAuthorizedException",
        f"Client {SECRET_CLIENT} is configured with secret but SECRET_HASH was not received",
    )
    wrong = predict(
        state,
        initiate(SECRET_CLIENT, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=PASSWORD, SECRET_HASH="bad"),
    )
    expect_error(wrong, "NotAuthorizedException", f"Unable to verify secret hash for client {SECRET_CLIENT}")
    right = secret_hash("alice", SECRET_CLIENT, SECRET)
    expect_success(
        predict(
            state,
            initiate(
                SECRET_CLIENT, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=PASSWORD, SECRET_HASH=right
            ),
        )
    )


def test_unknown_user_legacy_and_prevented():
    state = world()
    expect_error(
        predict(state, initiate(PUBLIC, "USER_PASSWORD_AUTH", USERNAME="nobody", PASSWORD=PASSWORD)),
        "UserNotFoundException",
        "User does not exist.",
    )
    hashed = secret_hash("nobody", SECRET_CLIENT, SECRET)
    expect_error(
        predict(
            state,
            initiate(
                SECRET_CLIENT, "USER_PASSWORD_AUTH", USERNAME="nobody", PASSWORD=PASSWORD, SECRET_HASH=hashed
            ),
        ),
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    simulated = predict(
        state, initiate(SECRET_CLIENT, "USER_SRP_AUTH", USERNAME="nobody", SRP_A="ab", SECRET_HASH=hashed)
    )
    expect_success(simulated)
    assert expected_value(simulated, "$.ChallengeName").value == "PASSWORD_VERIFIER"


def test_wrong_password_and_disabled_user():
    state = user(world())
    expect_error(
        predict(state, initiate(PUBLIC, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=WRONG)),
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    disabled = answered(state, "AdminDisableUser", {"UserPoolId": POOL, "Username": "alice"})
    expect_error(
        predict(disabled, initiate(PUBLIC, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=PASSWORD)),
        "NotAuthorizedException",
        "User is disabled.",
    )
    both = predict(disabled, initiate(PUBLIC, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=WRONG))
    assert both.message is None and both.message_fact.confidence is Confidence.UNVERIFIED


def test_tokens_on_a_completed_sign_in():
    prediction = predict(
        user(world()), initiate(PUBLIC, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=PASSWORD)
    )
    assert expected_value(prediction, "$.AuthenticationResult.TokenType").value == "Bearer"
    assert expected_value(prediction, "$.AuthenticationResult.ExpiresIn").value == 3600
    assert expected_value(prediction, "$.AuthenticationResult.NewDeviceMetadata").rule.value == "absent"
    # §3: the empty ChallengeParameters on an InitiateAuth success is likely, not verified.
    assert expected_value(prediction, "$.ChallengeParameters").fact.confidence is Confidence.UNVERIFIED


def _srp_challenge(state, name="alice", client=PUBLIC):
    state = answered(
        state,
        "InitiateAuth",
        {
            "ClientId": client,
            "AuthFlow": "USER_SRP_AUTH",
            "AuthParameters": {"USERNAME": name, "SRP_A": "ab"},
        },
        {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {
                "SECRET_BLOCK": f"block-{name}",
                "USER_ID_FOR_SRP": name,
                "SALT": "01",
                "SRP_B": "02",
                "USERNAME": name,
            },
        },
    )
    return state


def verifier(name="alice", timestamp=None, client=PUBLIC, proof=None, **extra):
    responses = {
        "USERNAME": name,
        "PASSWORD_CLAIM_SECRET_BLOCK": f"block-{name}",
        "PASSWORD_CLAIM_SIGNATURE": "sig",
        "TIMESTAMP": timestamp or cognito_timestamp(),
        **extra,
    }
    return Call(
        "RespondToAuthChallenge",
        {"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses},
        proof,
    )


def test_user_srp_auth_challenge_has_no_session_and_the_internal_username():
    prediction = predict(user(world()), initiate(PUBLIC, "USER_SRP_AUTH", USERNAME="alice", SRP_A="ab"))
    assert expected_value(prediction, "$.Session").rule.value == "absent"
    assert expected_value(prediction, "$.ChallengeParameters.USER_ID_FOR_SRP").value == "alice"


@pytest.mark.parametrize(
    "proof, timestamp, code, message",
    [
        (Proof(password=PASSWORD), None, None, None),
        (Proof(password=WRONG), None, "NotAuthorizedException", "Incorrect username or password."),
        (
            Proof(password=PASSWORD, forged=True),
            None,
            "NotAuthorizedException",
            "Incorrect username or password.",
        ),
        (
            Proof(password=PASSWORD),
            "Wed Apr 05 22:44:40 UTC 2017",
            "NotAuthorizedException",
            "Incorrect username or password.",
        ),
        (
            Proof(password=PASSWORD),
            "2026-01-01T00:00:00+05:30",
            "InvalidParameterException",
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        ),
    ],
    ids=["right", "wrong-password", "forged-signature", "padded-day", "malformed-timestamp"],
)
def test_password_verifier_answers(proof, timestamp, code, message):
    state = _srp_challenge(user(world()))
    prediction = predict(state, verifier(timestamp=timestamp, proof=proof))
    if code is None:
        expect_success(prediction)
        assert expected_value(prediction, "$.ChallengeParameters").fact.confidence is Confidence.VERIFIED
    else:
        expect_error(prediction, code, message)


def test_new_password_required_then_single_use_session():
    state = user(world(), confirmed=False)
    state = answered(
        state,
        "InitiateAuth",
        {
            "ClientId": PUBLIC,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        },
        {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "S" * 40, "ChallengeParameters": {}},
    )
    answer = Call(
        "RespondToAuthChallenge",
        {
            "ClientId": PUBLIC,
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": "S" * 40,
            "ChallengeResponses": {"USERNAME": "alice", "NEW_PASSWORD": "Aa1!new-password"},
        },
    )
    expect_success(predict(state, answer))
    state = answered(state, "RespondToAuthChallenge", dict(answer.params), tokens_body(1))
    expect_error(
        predict(state, answer),
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )
    garbage = Call("RespondToAuthChallenge", {**answer.params, "Session": "G" * 40})
    expect_error(predict(state, garbage), "NotAuthorizedException", "Invalid session for the user.")


def test_refresh_gives_no_new_refresh_token_and_refuses_revoked_ones():
    state = sign_in(user(world()))
    call = initiate(PUBLIC, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN="refresh-1")
    prediction = predict(state, call)
    assert expected_value(prediction, "$.AuthenticationResult.RefreshToken").rule.value == "absent"
    state = answered(state, "GlobalSignOut", {"AccessToken": "access-1"})
    expect_error(predict(state, call), "NotAuthorizedException", "Refresh Token has been revoked")
    expect_error(
        predict(state, initiate(PUBLIC, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN="nope")),
        "NotAuthorizedException",
        "Invalid Refresh Token",
    )


def test_refresh_secret_hash_is_over_the_internal_username():
    state = sign_in(user(world()), client=SECRET_CLIENT)
    wrong = secret_hash("someone-else", SECRET_CLIENT, SECRET)
    prediction = predict(
        state, initiate(SECRET_CLIENT, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN="refresh-1", SECRET_HASH=wrong)
    )
    expect_error(prediction, "NotAuthorizedException")
    # §13: real reports show two texts for this refusal; either is accepted.
    for text in (
        f"SecretHash does not match for the client: {SECRET_CLIENT}",
        f"Unable to verify secret hash for client {SECRET_CLIENT}",
    ):
        assert prediction.message.fullmatch(text), prediction.describe()


def test_disabled_user_cannot_refresh():
    state = answered(sign_in(user(world())), "AdminDisableUser", {"UserPoolId": POOL, "Username": "alice"})
    expect_error(
        predict(state, initiate(PUBLIC, "REFRESH_TOKEN_AUTH", REFRESH_TOKEN="refresh-1")),
        "NotAuthorizedException",
        "User is disabled.",
    )


def test_lockout_territory_is_not_predicted():
    state = user(world())
    for _ in range(5):
        state = answered(
            state,
            "InitiateAuth",
            {
                "ClientId": PUBLIC,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": WRONG},
            },
            error="NotAuthorizedException",
        )
    prediction = predict(state, initiate(PUBLIC, "USER_PASSWORD_AUTH", USERNAME="alice", PASSWORD=PASSWORD))
    assert prediction.verdict is Verdict.UNKNOWN
