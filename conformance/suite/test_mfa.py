"""MFA: the pool's MFA configuration, software tokens (TOTP), MFA preferences, and the second factor
of a sign-in (MFA_SETUP, SOFTWARE_TOKEN_MFA, SMS_MFA, SELECT_MFA_TYPE, a remembered device skipping it).

Facts: ``mfa.*`` in the catalogue (docs/facts.md, "MFA"). TOTP codes are computed with pyotp at the
endpoint's time (read from the user's UserLastModifiedDate, so an endpoint whose clock a test moved
ahead still gets current codes). Tests that need an SMS code read it from the endpoint's outbox and
skip, with that reason, where there is none.

Run a subset: ``pytest conformance/suite/test_mfa.py -k software --endpoint=reference``.
"""

from __future__ import annotations

import datetime
import json
import time

import pyotp
import pytest

from conformance import flows, redact
from conformance.facts import fact

pytestmark = pytest.mark.kind("semantics")

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
#: An SNS caller role for the pool's SMS configuration; Cognito stores it (no message leaves a test).
SNS_ROLE = "arn:aws:iam::123456789012:role/conformance-sms"
PHONE = "+12065550142"

GET_CONFIG = fact("mfa.get-config")
MODES = fact("mfa.modes")
ON_NEEDS_FACTOR = fact("mfa.on-needs-a-factor")
ASSOCIATE = fact("mfa.associate-token-or-session")
TOTP_SECRET = fact("mfa.totp-secret")
VERIFY = fact("mfa.verify-enables")
VERIFY_MISMATCH = fact("mfa.verify-code-mismatch")
NOT_VERIFIED = fact("mfa.preference-unverified-token")
PREFERENCES = fact("mfa.preference-rules")
USER_MEMBERS = fact("mfa.user-mfa-members")
PREFERRED_TOTP = fact("mfa.preferred-software-token")
SETUP = fact("mfa.setup-challenge")
SETUP_PARAMETERS = fact("mfa.setup-parameters")
TOTP_PARAMETERS = fact("mfa.software-token-parameters")
DELIVERY = fact("mfa.code-delivery-parameters")
SELECT = fact("mfa.select-mfa-type")
REUSE = fact("mfa.totp-reuse")
WRONG_CODE = fact("mfa.wrong-code")
REMEMBERED = fact("mfa.remembered-device-skips")
DISABLE_OFF = fact("users.admin-mfa-preference-disable")
NO_MFA_MEMBERS = fact("users.no-mfa-members")
SIGN_IN = fact("auth.tokens-issued")
UNKNOWN_POOL = fact("pools.unknown-pool")
USER_NOT_FOUND = fact("users.user-not-found")
DEVICE_METADATA = fact("devices.password-flow-metadata")


def endpoint_time(cognito, check, pool_id: str, username: str) -> float | None:
    """The endpoint's clock, read as the modification date of a user changed just before (the
    reference's clock may run ahead of this machine's after a test of expiry)."""
    got = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    if not check.succeeded(got, USER_MEMBERS, note="reading the endpoint's time"):
        return None
    value = check.read(got, "$.UserLastModifiedDate", (int, float, str, datetime.datetime))
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return float(value)


class Authenticator:
    """A TOTP app holding one SecretCode, reading the endpoint's time (``skew`` from this machine's)."""

    def __init__(self, secret: str, skew: float) -> None:
        redact.register(secret)
        self.totp = pyotp.TOTP(secret)
        self.skew = skew

    def code(self, steps_ahead: int = 0) -> str:
        """The code of the current 30-second step, or of a step ahead (an authenticator's clock a
        little fast, within the one step of drift the service accepts)."""
        value = self.totp.at(int(time.time() + self.skew) + steps_ahead * self.totp.interval)
        redact.register(value)
        return value


def enable_totp(cognito, check, pool_id: str, mode: str = "OPTIONAL") -> bool:
    answer = cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration=mode
    )
    return check.succeeded(answer, GET_CONFIG, note="turning software-token MFA on")


def signed_in_with_token(cognito, check, client, user, pool_id: str) -> tuple[str, Authenticator] | None:
    """Sign in (no MFA yet), associate and verify a software token with the access token."""
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN):
        return None
    access = (flows.tokens(response) or {}).get("AccessToken")
    associated = cognito.associate_software_token(AccessToken=access)
    if not check.succeeded(associated, ASSOCIATE):
        return None
    secret = check.read(associated, "$.SecretCode", str)
    now = endpoint_time(cognito, check, pool_id, user.username)
    if now is None:
        return None
    app = Authenticator(secret, now - time.time())
    verified = cognito.verify_software_token(
        AccessToken=access, UserCode=app.code(), FriendlyDeviceName="phone"
    )
    if not check.succeeded(verified, VERIFY):
        return None
    check.equal(verified, "$.Status", "SUCCESS", VERIFY)
    return str(access), app


def answer(cognito, client, response, name: str, responses: dict[str, str], *, admin: bool = False):
    """RespondToAuthChallenge (or the admin form) to the challenge of ``response``."""
    body = response.body if isinstance(response.body, dict) else {}
    hashed = client.secret_hash(responses.get("USERNAME", ""))
    if hashed:
        responses = {**responses, "SECRET_HASH": hashed}
    session = {"Session": body["Session"]} if body.get("Session") else {}
    if admin:
        return cognito.admin_respond_to_auth_challenge(
            UserPoolId=client.pool_id,
            ClientId=client.client_id,
            ChallengeName=name,
            ChallengeResponses=responses,
            **session,
        )
    return cognito.respond_to_auth_challenge(
        ClientId=client.client_id, ChallengeName=name, ChallengeResponses=responses, **session
    )


# --- SetUserPoolMfaConfig / GetUserPoolMfaConfig -------------------------------------------------


@pytest.mark.fact(GET_CONFIG)
def test_a_new_pool_has_mfa_off(cognito, check, user_pool):
    """GetUserPoolMfaConfig of a pool created with a name only: MfaConfiguration OFF."""
    got = cognito.get_user_pool_mfa_config(UserPoolId=user_pool)
    if check.succeeded(got, GET_CONFIG):
        check.equal(got, "$.MfaConfiguration", "OFF", GET_CONFIG)


@pytest.mark.fact(GET_CONFIG)
def test_set_user_pool_mfa_config_turns_software_tokens_on(cognito, check, user_pool):
    """SetUserPoolMfaConfig answers, and GetUserPoolMfaConfig then reads, TOTP enabled and OPTIONAL."""
    answer_ = cognito.set_user_pool_mfa_config(
        UserPoolId=user_pool, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )
    if not check.succeeded(answer_, GET_CONFIG):
        return
    got = cognito.get_user_pool_mfa_config(UserPoolId=user_pool)
    if not check.succeeded(got, GET_CONFIG):
        return
    for response in (answer_, got):
        check.equal(response, "$.MfaConfiguration", "OPTIONAL", GET_CONFIG)
        check.equal(response, "$.SoftwareTokenMfaConfiguration.Enabled", True, GET_CONFIG)
    described = cognito.describe_user_pool(UserPoolId=user_pool)
    if check.succeeded(described, MODES):
        check.equal(described, "$.UserPool.MfaConfiguration", "OPTIONAL", MODES)


@pytest.mark.kind("errors")
@pytest.mark.fact(ON_NEEDS_FACTOR)
def test_mfa_on_without_a_factor_is_refused(cognito, check, user_pool):
    """MfaConfiguration ON with software tokens off and no SMS configuration: InvalidParameterException."""
    refused = cognito.set_user_pool_mfa_config(
        UserPoolId=user_pool, SoftwareTokenMfaConfiguration={"Enabled": False}, MfaConfiguration="ON"
    )
    check.error(refused, "InvalidParameterException", ON_NEEDS_FACTOR)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_mfa_operations_on_an_unknown_pool_or_user_are_not_found(cognito, check, user_pool, endpoint):
    """Get/SetUserPoolMfaConfig of a pool that does not exist: ResourceNotFoundException;
    AdminSetUserMFAPreference of a user that does not exist: UserNotFoundException."""
    ghost_pool = f"{endpoint.region}_000000000"
    for answer_ in (
        cognito.get_user_pool_mfa_config(UserPoolId=ghost_pool),
        cognito.set_user_pool_mfa_config(UserPoolId=ghost_pool, MfaConfiguration="OFF"),
    ):
        check.error(answer_, "ResourceNotFoundException", UNKNOWN_POOL)
    missing = cognito.admin_set_user_mfa_preference(
        UserPoolId=user_pool,
        Username=flows.new_username("ghost"),
        SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
    )
    check.error(missing, "UserNotFoundException", USER_NOT_FOUND)


# --- AssociateSoftwareToken / VerifySoftwareToken / (Admin)SetUserMFAPreference -------------------


@pytest.mark.fact(VERIFY)
def test_a_verified_software_token_is_listed_on_the_user(
    cognito, check, user_pool, make_app_client, make_user
):
    """Associate and verify with the access token; preferred, AdminGetUser and GetUser list it."""
    if not enable_totp(cognito, check, user_pool):
        return
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    done = signed_in_with_token(cognito, check, client, user, user_pool)
    if done is None:
        return
    access, _ = done
    preferred = cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    if not check.succeeded(preferred, PREFERENCES):
        return
    got = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(got, USER_MEMBERS):
        check.equal(got, "$.UserMFASettingList", ["SOFTWARE_TOKEN_MFA"], USER_MEMBERS)
        check.equal(got, "$.PreferredMfaSetting", "SOFTWARE_TOKEN_MFA", USER_MEMBERS)
    own = cognito.get_user(AccessToken=access)
    if check.succeeded(own, USER_MEMBERS):
        check.equal(own, "$.UserMFASettingList", ["SOFTWARE_TOKEN_MFA"], USER_MEMBERS)


@pytest.mark.kind("errors")
@pytest.mark.fact(VERIFY_MISMATCH)
def test_verify_software_token_with_a_wrong_code_is_refused(
    cognito, check, user_pool, make_app_client, make_user
):
    """A code that is not the token's: EnableSoftwareTokenMFAException "Code mismatch ..."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN):
        return
    access = (flows.tokens(response) or {}).get("AccessToken")
    associated = cognito.associate_software_token(AccessToken=access)
    if not check.succeeded(associated, ASSOCIATE):
        return
    secret = check.read(associated, "$.SecretCode", str)
    redact.register(secret)
    check.matches(associated, "$.SecretCode", r"^[A-Z2-7]{16,}$", TOTP_SECRET)
    # Six digits that no current step of this secret gives.
    codes = {pyotp.TOTP(secret).at(time.time() + k * 30) for k in range(-3, 4)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in codes)
    refused = cognito.verify_software_token(AccessToken=access, UserCode=wrong)
    check.error(
        refused,
        "EnableSoftwareTokenMFAException",
        VERIFY_MISMATCH,
        message="Code mismatch and fail enable Software Token MFA",
    )
    # Unverified, the token cannot be made the user's MFA.
    refused = cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    check.error(
        refused, "InvalidParameterException", NOT_VERIFIED, message="User has not verified software token mfa"
    )


@pytest.mark.fact(DISABLE_OFF)
def test_turning_software_tokens_off_on_a_pool_without_mfa(cognito, check, user_pool, make_user):
    """AdminSetUserMFAPreference disabling TOTP succeeds on an OFF pool; the user still has no MFA members."""
    user = make_user(user_pool)
    done = cognito.admin_set_user_mfa_preference(
        UserPoolId=user_pool,
        Username=user.username,
        SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
    )
    if not check.succeeded(done, DISABLE_OFF):
        return
    got = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(got, NO_MFA_MEMBERS):
        check.absent(got, "$.UserMFASettingList", NO_MFA_MEMBERS)
        check.absent(got, "$.PreferredMfaSetting", NO_MFA_MEMBERS)


# --- the second factor at sign-in ------------------------------------------------------------------


@pytest.mark.kind("flows")
@pytest.mark.fact(PREFERRED_TOTP)
@pytest.mark.parametrize("admin", [False, True], ids=["user", "admin"])
def test_a_preferred_software_token_is_asked_after_the_password(
    cognito, check, user_pool, make_app_client, make_user, admin
):
    """OPTIONAL pool, TOTP verified and preferred: SOFTWARE_TOKEN_MFA, then the next code signs in."""
    if not enable_totp(cognito, check, user_pool):
        return
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    done = signed_in_with_token(cognito, check, client, user, user_pool)
    if done is None:
        return
    access, app = done
    preferred = cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    if not check.succeeded(preferred, PREFERENCES):
        return
    challenge = flows.password_sign_in(cognito, client, user, admin=admin)
    if not check.succeeded(challenge, PREFERRED_TOTP):
        return
    if not check.equal(challenge, "$.ChallengeName", "SOFTWARE_TOKEN_MFA", PREFERRED_TOTP):
        return
    check.present(challenge, "$.Session", PREFERRED_TOTP)
    check.present(challenge, "$.ChallengeParameters.FRIENDLY_DEVICE_NAME", TOTP_PARAMETERS)
    check.present(challenge, "$.ChallengeParameters.USER_ID_FOR_SRP", TOTP_PARAMETERS)
    # The code VerifySoftwareToken took is used; the authenticator's next one answers.
    signed_in = answer(
        cognito,
        client,
        challenge,
        "SOFTWARE_TOKEN_MFA",
        {"USERNAME": user.username, "SOFTWARE_TOKEN_MFA_CODE": app.code(steps_ahead=1)},
        admin=admin,
    )
    if check.succeeded(signed_in, PREFERRED_TOTP):
        check.present(signed_in, "$.AuthenticationResult.AccessToken", PREFERRED_TOTP)
        check.equal(signed_in, "$.ChallengeParameters", {}, PREFERRED_TOTP)


@pytest.mark.kind("flows")
@pytest.mark.kind("flows")
@pytest.mark.fact(PREFERRED_TOTP)
@pytest.mark.parametrize("admin", [False, True], ids=["user", "admin"])
def test_srp_sign_in_asks_the_software_token_after_password_verifier(
    cognito, check, user_pool, make_app_client, make_user, admin
):
    """USER_SRP_AUTH: PASSWORD_VERIFIER answered, SOFTWARE_TOKEN_MFA follows; the next code signs in."""
    if not enable_totp(cognito, check, user_pool):
        return
    client = make_app_client(user_pool, ExplicitAuthFlows=[*PASSWORD_FLOWS, "ALLOW_USER_SRP_AUTH"])
    user = make_user(user_pool)
    done = signed_in_with_token(cognito, check, client, user, user_pool)
    if done is None:
        return
    access, app = done
    preferred = cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    if not check.succeeded(preferred, PREFERENCES):
        return
    flow = flows.srp_sign_in(cognito, client, user, admin=admin)
    if not check.succeeded(flow.challenge, PREFERRED_TOTP):
        return
    challenge = flow.answer
    if challenge is None or not check.succeeded(challenge, PREFERRED_TOTP):
        return
    if not check.equal(challenge, "$.ChallengeName", "SOFTWARE_TOKEN_MFA", PREFERRED_TOTP):
        return
    signed_in = answer(
        cognito,
        client,
        challenge,
        "SOFTWARE_TOKEN_MFA",
        {"USERNAME": user.username, "SOFTWARE_TOKEN_MFA_CODE": app.code(steps_ahead=1)},
        admin=admin,
    )
    if check.succeeded(signed_in, PREFERRED_TOTP):
        check.present(signed_in, "$.AuthenticationResult.AccessToken", PREFERRED_TOTP)


@pytest.mark.kind("errors")
@pytest.mark.fact(REUSE)
def test_a_used_software_token_code_is_expired(cognito, check, user_pool, make_app_client, make_user):
    """The code VerifySoftwareToken accepted, sent again to SOFTWARE_TOKEN_MFA: ExpiredCodeException."""
    if not enable_totp(cognito, check, user_pool):
        return
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN):
        return
    access = (flows.tokens(response) or {}).get("AccessToken")
    associated = cognito.associate_software_token(AccessToken=access)
    if not check.succeeded(associated, ASSOCIATE):
        return
    now = endpoint_time(cognito, check, user_pool, user.username)
    if now is None:
        return
    app = Authenticator(check.read(associated, "$.SecretCode", str), now - time.time())
    used = app.code()
    if not check.succeeded(cognito.verify_software_token(AccessToken=access, UserCode=used), VERIFY):
        return
    preferred = cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    if not check.succeeded(preferred, PREFERENCES):
        return
    challenge = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(challenge, PREFERRED_TOTP):
        return
    if not check.equal(challenge, "$.ChallengeName", "SOFTWARE_TOKEN_MFA", PREFERRED_TOTP):
        return
    again = answer(
        cognito,
        client,
        challenge,
        "SOFTWARE_TOKEN_MFA",
        {"USERNAME": user.username, "SOFTWARE_TOKEN_MFA_CODE": used},
    )
    check.error(
        again, "ExpiredCodeException", REUSE, message="Your software token has already been used once."
    )


@pytest.mark.kind("flows")
@pytest.mark.fact(SETUP)
def test_mfa_on_asks_a_new_user_to_set_up_a_software_token(
    cognito, check, user_pool, make_app_client, make_user
):
    """ON pool, user without MFA: MFA_SETUP; Associate and Verify with its Session; MFA_SETUP answered."""
    if not enable_totp(cognito, check, user_pool, mode="ON"):
        return
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    challenge = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(challenge, SETUP):
        return
    if not check.equal(challenge, "$.ChallengeName", "MFA_SETUP", SETUP):
        return
    can_setup = check.read(challenge, "$.ChallengeParameters.MFAS_CAN_SETUP", str, default="[]")
    check.that(
        "SOFTWARE_TOKEN_MFA" in can_setup,
        operation=challenge.operation,
        check="value",
        path="$.ChallengeParameters.MFAS_CAN_SETUP",
        expected=json.dumps(["SOFTWARE_TOKEN_MFA"]),
        actual=can_setup,
        fact=SETUP_PARAMETERS,
        evidence=challenge.exchange,
    )
    associated = cognito.associate_software_token(Session=check.read(challenge, "$.Session", str))
    if not check.succeeded(associated, ASSOCIATE):
        return
    check.present(associated, "$.Session", ASSOCIATE)
    # No token exists yet to read the endpoint's time from a token; the user's dates give it.
    now = endpoint_time(cognito, check, user_pool, user.username)
    if now is None:
        return
    app = Authenticator(check.read(associated, "$.SecretCode", str), now - time.time())
    verified = cognito.verify_software_token(
        Session=check.read(associated, "$.Session", str), UserCode=app.code()
    )
    if not check.succeeded(verified, VERIFY):
        return
    check.equal(verified, "$.Status", "SUCCESS", VERIFY)
    done = answer(cognito, client, verified, "MFA_SETUP", {"USERNAME": user.username})
    if check.succeeded(done, SETUP):
        check.present(done, "$.AuthenticationResult.AccessToken", SETUP)
        check.equal(done, "$.ChallengeParameters", {}, SETUP)


def sms_pool(make_user_pool, check) -> str | None:
    created = make_user_pool(
        SmsConfiguration={"SnsCallerArn": SNS_ROLE, "ExternalId": "conformance"}, MfaConfiguration="OPTIONAL"
    )
    if not check.succeeded(created, MODES, note="creating a pool with SMS MFA"):
        return None
    return check.read(created, "$.UserPool.Id", str)


@pytest.mark.kind("flows")
@pytest.mark.fact(DELIVERY)
def test_sms_mfa_sends_a_code_that_signs_in(
    cognito, check, make_user_pool, make_app_client, make_user, outbox
):
    """SMS MFA preferred: SMS_MFA with the masked phone; a wrong code is a mismatch, the sent one signs in."""
    pool_id = sms_pool(make_user_pool, check)
    if pool_id is None:
        return
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(pool_id, attributes={"phone_number": PHONE, "phone_number_verified": "true"})
    turned_on = cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username=user.username, SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    if not check.succeeded(turned_on, PREFERENCES):
        return
    challenge = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(challenge, DELIVERY):
        return
    if not check.equal(challenge, "$.ChallengeName", "SMS_MFA", DELIVERY):
        return
    check.equal(challenge, "$.ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM", "SMS", DELIVERY)
    check.equal(
        challenge, "$.ChallengeParameters.CODE_DELIVERY_DESTINATION", "+*******" + PHONE[-4:], DELIVERY
    )
    code = outbox.code(pool_id, user.username, "mfa")
    if not check.that(
        code is not None,
        operation=challenge.operation,
        check="delivery",
        path="outbox",
        expected="an SMS with the MFA code",
        actual="no message",
        fact=DELIVERY,
        evidence=challenge.exchange,
    ):
        return
    wrong = "000000" if code != "000000" else "111111"
    mismatch = answer(
        cognito, client, challenge, "SMS_MFA", {"USERNAME": user.username, "SMS_MFA_CODE": wrong}
    )
    check.error(
        mismatch, "CodeMismatchException", WRONG_CODE, message="Invalid code or auth state for the user."
    )
    signed_in = answer(
        cognito, client, challenge, "SMS_MFA", {"USERNAME": user.username, "SMS_MFA_CODE": code}
    )
    if check.succeeded(signed_in, DELIVERY):
        check.present(signed_in, "$.AuthenticationResult.AccessToken", DELIVERY)


@pytest.mark.kind("flows")
@pytest.mark.fact(SELECT)
def test_two_factors_and_none_preferred_ask_the_user_to_choose(
    cognito, check, make_user_pool, make_app_client, make_user
):
    """SMS and TOTP on, none preferred: SELECT_MFA_TYPE lists both; ANSWER SOFTWARE_TOKEN_MFA asks for it."""
    pool_id = sms_pool(make_user_pool, check)
    if pool_id is None or not enable_totp(cognito, check, pool_id):
        return
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(pool_id, attributes={"phone_number": PHONE, "phone_number_verified": "true"})
    if signed_in_with_token(cognito, check, client, user, pool_id) is None:
        return
    both = cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username=user.username,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": False},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
    )
    if not check.succeeded(both, PREFERENCES):
        return
    challenge = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(challenge, SELECT):
        return
    if not check.equal(challenge, "$.ChallengeName", "SELECT_MFA_TYPE", SELECT):
        return
    offered = check.read(challenge, "$.ChallengeParameters.MFAS_CAN_CHOOSE", str, default="[]")
    try:
        choices = sorted(json.loads(offered))
    except ValueError:
        choices = offered
    check.that(
        choices == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"],
        operation=challenge.operation,
        check="value",
        path="$.ChallengeParameters.MFAS_CAN_CHOOSE",
        expected=json.dumps(["SMS_MFA", "SOFTWARE_TOKEN_MFA"]),
        actual=offered,
        fact=SELECT,
        evidence=challenge.exchange,
    )
    chosen = answer(
        cognito,
        client,
        challenge,
        "SELECT_MFA_TYPE",
        {"USERNAME": user.username, "ANSWER": "SOFTWARE_TOKEN_MFA"},
    )
    if check.succeeded(chosen, SELECT):
        check.equal(chosen, "$.ChallengeName", "SOFTWARE_TOKEN_MFA", SELECT)


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(REMEMBERED)
def test_a_remembered_device_skips_mfa(cognito, check, make_user_pool, make_app_client, make_user):
    """Remembered device, TOTP preferred: the device SRP sign-in gets tokens without SOFTWARE_TOKEN_MFA."""
    created = make_user_pool(
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
    )
    if not check.succeeded(created, REMEMBERED, note="creating a pool that remembers devices"):
        return
    pool_id = check.read(created, "$.UserPool.Id", str)
    if not enable_totp(cognito, check, pool_id):
        return
    client = make_app_client(pool_id, ExplicitAuthFlows=[*PASSWORD_FLOWS, "ALLOW_USER_SRP_AUTH"])
    user = make_user(pool_id)
    # The first sign-in (before MFA) brings the new device; confirmed, it is remembered (always-remember pool).
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN):
        return
    result = flows.tokens(response) or {}
    metadata = result.get("NewDeviceMetadata")
    if not check.that(
        isinstance(metadata, dict),
        operation=response.operation,
        check="member.present",
        path="$.AuthenticationResult.NewDeviceMetadata",
        expected="NewDeviceMetadata",
        actual=metadata,
        fact=DEVICE_METADATA,
        evidence=response.exchange,
    ):
        return
    confirmed, secret = flows.confirm_new_device(cognito, result["AccessToken"], metadata)
    if not check.succeeded(confirmed, REMEMBERED):
        return
    done = signed_in_with_token(cognito, check, client, user, pool_id)
    if done is None:
        return
    preferred = cognito.set_user_mfa_preference(
        AccessToken=done[0], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    if not check.succeeded(preferred, PREFERENCES):
        return
    sign_in = flows.device_sign_in(cognito, client, user, secret)
    check.that(
        sign_in.result is not None and "SOFTWARE_TOKEN_MFA" not in sign_in.challenges(),
        operation=sign_in.last.operation,
        check="flow",
        path="$.ChallengeName",
        expected="DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, tokens",
        actual=sign_in.challenges(),
        fact=REMEMBERED,
        evidence=sign_in.last.exchange,
    )
