"""The oracle's MFA predictions (oracle/mfa.py): pool configuration, software tokens, preferences,
and SOFTWARE_TOKEN_MFA after the password with a code that answers once.

Run: ``pytest tests/oracle/test_mfa_oracle.py -q``.
"""

from __future__ import annotations

from oracle_support import (
    PASSWORD,
    POOL,
    PUBLIC,
    answered,
    expect_error,
    expect_success,
    sign_in,
    user,
    world,
)

from conformance.oracle import Call, Verdict, predict


def _totp_pool(mode: str = "OPTIONAL"):
    params = {
        "UserPoolId": POOL,
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "MfaConfiguration": mode,
    }
    state = world()
    expect_success(predict(state, Call("SetUserPoolMfaConfig", params)))
    return user(answered(state, "SetUserPoolMfaConfig", params, {"MfaConfiguration": mode}))


def _with_token(state, *, code: str = "123456"):
    state = sign_in(state)
    state = answered(state, "AssociateSoftwareToken", {"AccessToken": "access-1"}, {"SecretCode": "A" * 32})
    return answered(
        state, "VerifySoftwareToken", {"AccessToken": "access-1", "UserCode": code}, {"Status": "SUCCESS"}
    )


def _password(state):
    return Call(
        "InitiateAuth",
        {
            "ClientId": PUBLIC,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        },
    )


def test_mfa_on_with_no_factor_is_refused():
    call = Call("SetUserPoolMfaConfig", {"UserPoolId": POOL, "MfaConfiguration": "ON"})
    expect_error(predict(world(), call), "InvalidParameterException")


def test_verify_before_associate_is_refused_and_preference_needs_a_verified_token():
    state = sign_in(_totp_pool())
    verify = Call("VerifySoftwareToken", {"AccessToken": "access-1", "UserCode": "123456"})
    expect_error(predict(state, verify), "SoftwareTokenMFANotFoundException")
    state = answered(state, "AssociateSoftwareToken", {"AccessToken": "access-1"}, {"SecretCode": "A" * 32})
    prefer = Call(
        "SetUserMFAPreference",
        {"AccessToken": "access-1", "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}},
    )
    expect_error(
        predict(state, prefer), "InvalidParameterException", "User has not verified software token mfa"
    )


def test_a_preferred_token_is_asked_and_a_used_code_is_expired():
    state = _with_token(_totp_pool(), code="111111")
    prefs = {"AccessToken": "access-1", "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}}
    state = answered(state, "SetUserMFAPreference", prefs, {})
    challenge = predict(state, _password(state))
    assert challenge.verdict is Verdict.SUCCESS
    assert any(e.path == "$.ChallengeName" and e.value == "SOFTWARE_TOKEN_MFA" for e in challenge.expects)
    body = {"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "sess-1", "ChallengeParameters": {}}
    state = answered(state, "InitiateAuth", dict(_password(state).params), body)
    respond = {
        "ClientId": PUBLIC,
        "ChallengeName": "SOFTWARE_TOKEN_MFA",
        "Session": "sess-1",
        "ChallengeResponses": {"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": "111111"},
    }
    expect_error(predict(state, Call("RespondToAuthChallenge", respond)), "ExpiredCodeException")
    fresh = {**respond, "ChallengeResponses": {"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": "222222"}}
    expect_success(predict(state, Call("RespondToAuthChallenge", fresh)))


def test_mfa_off_signs_in_whatever_the_user_set_up():
    state = _with_token(user(world()))
    assert predict(state, _password(state)).verdict is Verdict.SUCCESS
    expects = predict(state, _password(state)).expects
    assert not any(e.path == "$.ChallengeName" and e.value == "SOFTWARE_TOKEN_MFA" for e in expects)
