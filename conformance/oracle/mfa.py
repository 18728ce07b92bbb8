"""MFA: the pool's MFA configuration, software tokens, MFA preferences, and the second factor after the
password (facts ``mfa.*``; docs/facts.md "MFA").

What is modelled: software-token (TOTP) MFA. A pool's SMS factor is known from its SmsConfiguration,
but a sign-in that would ask SMS or e-mail MFA is not predicted (the code travels outside the API).

The oracle has no clock, so it cannot compute a TOTP code: VerifySoftwareToken and the
SOFTWARE_TOKEN_MFA answer are predicted for codes the caller computed from the secret it was given,
at the endpoint's time (the machines do). What the oracle does judge is that a code answers once
(facts:mfa.totp-reuse): a code it saw accepted before is expired.
"""

from __future__ import annotations

from dataclasses import replace

from conformance.facts import fact
from conformance.oracle.auth.common import challenge_follows
from conformance.oracle.core import (
    Transition,
    pool_or_refusal,
    refuse,
    unchanged,
    user_not_found,
    weaken,
    with_user,
)
from conformance.oracle.model import (
    Call,
    Client,
    Pool,
    Prediction,
    State,
    User,
    absent,
    equal,
    fails,
    matches,
    present,
    put,
    succeeds,
    unknown,
)
from conformance.oracle.tokens import authorize

GET_CONFIG = fact("mfa.get-config")
MODES = fact("mfa.modes")
ON_NEEDS_FACTOR = fact("mfa.on-needs-a-factor")
ASSOCIATE = fact("mfa.associate-token-or-session")
TOTP_SECRET = fact("mfa.totp-secret")
VERIFY = fact("mfa.verify-enables")
VERIFY_BEFORE_ASSOCIATE = fact("mfa.verify-before-associate")
NOT_VERIFIED = fact("mfa.preference-unverified-token")
PREFERENCES = fact("mfa.preference-rules")
PREFERRED_TOTP = fact("mfa.preferred-software-token")
SETUP = fact("mfa.setup-challenge")
TOTP_PARAMETERS = fact("mfa.software-token-parameters")
CHOICE = fact("mfa.challenge-choice")
REUSE = fact("mfa.totp-reuse")

TOTP = "SOFTWARE_TOKEN_MFA"
SMS = "SMS_MFA"
#: pool setting the oracle keeps for SetUserPoolMfaConfig's SoftwareTokenMfaConfiguration.Enabled.
TOTP_ENABLED = "__software_token_mfa__"


def _mode(pool: Pool) -> str:
    return str(pool.settings.get("MfaConfiguration", "OFF"))


def _factors(pool: Pool, mode: str, totp: bool) -> tuple[str, ...]:
    if mode == "OFF":
        return ()
    sms = (SMS,) if pool.settings.get("SmsConfiguration") else ()
    return sms + ((TOTP,) if totp else ())


def _config_expects(mode: str, totp: bool | None) -> list:
    expects = [equal("$.MfaConfiguration", mode, GET_CONFIG)]
    if totp is not None:
        expects.append(equal("$.SoftwareTokenMfaConfiguration.Enabled", totp, GET_CONFIG))
    return expects


def set_user_pool_mfa_config(state: State, call: Call) -> Transition:
    """SetUserPoolMfaConfig (§9; facts:mfa.get-config, mfa.on-needs-a-factor): the mode and TOTP set."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    if call.param("EmailMfaConfiguration") is not None or call.param("WebAuthnConfiguration") is not None:
        return refuse(state, unknown("e-mail MFA and passkeys are not modelled"))
    mode = str(call.param("MfaConfiguration") or _mode(pool))
    token = call.param("SoftwareTokenMfaConfiguration")
    totp = bool(token.get("Enabled")) if isinstance(token, dict) else bool(pool.settings.get(TOTP_ENABLED))
    if mode != "OFF" and not _factors(pool, mode, totp):
        prediction = fails("InvalidParameterException", None, ON_NEEDS_FACTOR, "MFA on with no factor")
        return refuse(state, weaken(prediction, ON_NEEDS_FACTOR))
    settings = {**pool.settings, "MfaConfiguration": mode, TOTP_ENABLED: totp}
    updated = replace(state, pools=put(state.pools, pool.pool_id, replace(pool, settings=settings)))
    shown = totp if isinstance(token, dict) else None
    prediction = succeeds(GET_CONFIG, "the configuration is set", *_config_expects(mode, shown))
    return Transition(prediction, lambda _answer: updated)


def get_user_pool_mfa_config(state: State, call: Call) -> Transition:
    """GetUserPoolMfaConfig (§9; facts:mfa.get-config): the mode, and TOTP when it was turned on."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    shown = True if pool.settings.get(TOTP_ENABLED) else None
    prediction = succeeds(GET_CONFIG, "the configuration is read", *_config_expects(_mode(pool), shown))
    return Transition(prediction, unchanged(state))


def _token_user(state: State, call: Call) -> User | Transition:
    if call.param("Session"):
        return refuse(state, unknown("the MFA_SETUP session form is not modelled here"))
    found = authorize(state, call.param("AccessToken"))
    if isinstance(found, Prediction):
        return refuse(state, found)
    return found[1]


def associate_software_token(state: State, call: Call) -> Transition:
    """AssociateSoftwareToken with an access token (§3 MFA_SETUP; facts:mfa.associate-token-or-session)."""
    user = _token_user(state, call)
    if isinstance(user, Transition):
        return user
    prediction = succeeds(
        ASSOCIATE,
        "a secret for the user's authenticator",
        present("$.SecretCode", ASSOCIATE),
        matches("$.SecretCode", r"^[A-Z2-7]{16,}$", TOTP_SECRET),
        absent("$.Session", ASSOCIATE),
    )
    return Transition(prediction, lambda _a: with_user(state, replace(user, totp_pending=True)), _at(user))


def verify_software_token(state: State, call: Call) -> Transition:
    """VerifySoftwareToken (§3 MFA_SETUP; facts:mfa.verify-enables): the token is verified and on."""
    user = _token_user(state, call)
    if isinstance(user, Transition):
        return user
    if not user.totp_pending:
        prediction = fails("SoftwareTokenMFANotFoundException", None, VERIFY_BEFORE_ASSOCIATE, "no token")
        return refuse(state, weaken(prediction, VERIFY_BEFORE_ASSOCIATE), user)
    code = str(call.param("UserCode") or "")
    enabled = user.mfa_enabled if TOTP in user.mfa_enabled else (*user.mfa_enabled, TOTP)
    verified = replace(
        user,
        totp_pending=False,
        totp_verified=True,
        mfa_enabled=enabled,
        totp_used=user.totp_used | {code},
    )
    prediction = succeeds(VERIFY, "the current code verifies the token", equal("$.Status", "SUCCESS", VERIFY))
    return Transition(prediction, lambda _a: with_user(state, verified), _at(user))


def set_user_mfa_preference(state: State, call: Call) -> Transition:
    """SetUserMFAPreference (§8; facts:mfa.preference-rules, mfa.preference-unverified-token)."""
    found = authorize(state, call.param("AccessToken"))
    if isinstance(found, Prediction):
        return refuse(state, found)
    return _preferences(state, call, found[1])


def admin_set_user_mfa_preference(state: State, call: Call) -> Transition:
    """AdminSetUserMFAPreference (§8; facts:mfa.preference-rules, users.admin-mfa-preference-disable)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    user = state.user(pool.pool_id, call.param("Username"))
    if user is None:
        return refuse(state, user_not_found())
    return _preferences(state, call, user)


def _preferences(state: State, call: Call, user: User) -> Transition:
    if not user.in_sync:
        return refuse(state, unknown("the model lost track of this user"))
    if any(call.param(m) is not None for m in ("SMSMfaSettings", "EmailMfaSettings", "WebAuthnMfaSettings")):
        return refuse(state, unknown("SMS, e-mail and passkey preferences are not modelled here"), user)
    settings = call.param("SoftwareTokenMfaSettings")
    if not isinstance(settings, dict):
        return Transition(succeeds(PREFERENCES, "nothing to change"), unchanged(state), _at(user))
    if settings.get("Enabled") and not user.totp_verified:
        text = "User has not verified software token mfa" if user.totp_pending else None
        prediction = fails("InvalidParameterException", text, NOT_VERIFIED, "the token is not verified")
        return refuse(state, prediction if user.totp_pending else weaken(prediction, NOT_VERIFIED), user)
    enabled = tuple(f for f in user.mfa_enabled if f != TOTP)
    preferred = user.mfa_preferred if user.mfa_preferred != TOTP else None
    if settings.get("Enabled"):
        enabled = (*enabled, TOTP)
        if settings.get("PreferredMfa"):
            preferred = TOTP
        elif user.mfa_preferred == TOTP and settings.get("PreferredMfa") is None:
            preferred = TOTP
    changed = replace(user, mfa_enabled=enabled, mfa_preferred=preferred)
    return Transition(
        succeeds(PREFERENCES, "the preference is set"), lambda _a: with_user(state, changed), _at(user)
    )


def _at(user: User) -> tuple[tuple[str, str], ...]:
    return ((user.pool_id, user.username),)


def mfa_after_password(
    state: State, pool: Pool, client: Client, user: User, *, device_key: str | None, admin: bool
) -> Transition | None:
    """The MFA challenge after the password (facts:mfa.challenge-choice), or None when none follows.

    Called once a remembered device is ruled out (it skips MFA, facts:mfa.remembered-device-skips).
    """
    mode = _mode(pool)
    if mode == "OFF":
        return None
    offered = _factors(pool, mode, bool(pool.settings.get(TOTP_ENABLED)))
    usable = [f for f in user.mfa_enabled if f in offered]
    if usable and usable != [TOTP] and user.mfa_preferred != TOTP:
        return refuse(state, unknown("an SMS or e-mail second factor is not modelled"), user)
    if TOTP in usable:
        expects = [
            equal("$.ChallengeName", TOTP, PREFERRED_TOTP, "challenge"),
            present("$.Session", PREFERRED_TOTP),
            present("$.ChallengeParameters.FRIENDLY_DEVICE_NAME", TOTP_PARAMETERS),
            equal("$.ChallengeParameters.USER_ID_FOR_SRP", user.username, TOTP_PARAMETERS),
            absent("$.AuthenticationResult", PREFERRED_TOTP),
        ]
        body = {"ChallengeName": TOTP, "Session": "<session>", "ChallengeParameters": {}}
        asked = challenge_follows(
            state,
            body,
            PREFERRED_TOTP,
            "the user's software token is asked for",
            expects,
            pool=pool,
            client=client,
            user=user,
            admin=admin,
            device_key=device_key,
        )
        if user.mfa_preferred == TOTP:
            return asked
        # Verified on AWS for a preferred token; for one that is on and not preferred, the choice
        # rests on the guide's reading (facts:mfa.challenge-choice, unverified).
        return replace(asked, prediction=weaken(asked.prediction, CHOICE))
    if mode != "ON":
        return None
    if SMS in offered or TOTP not in offered:
        return refuse(state, unknown("required MFA the user may receive by SMS is not modelled"), user)
    expects = [
        equal("$.ChallengeName", "MFA_SETUP", SETUP, "challenge"),
        present("$.Session", SETUP),
        absent("$.AuthenticationResult", SETUP),
    ]
    body = {"ChallengeName": "MFA_SETUP", "Session": "<session>", "ChallengeParameters": {}}
    return challenge_follows(
        state,
        body,
        SETUP,
        "a user without MFA must set it up",
        expects,
        pool=pool,
        client=client,
        user=user,
        admin=admin,
        device_key=device_key,
    )


def used_code(user: User, code: str) -> Prediction | None:
    """ExpiredCodeException for a TOTP code that was accepted before (facts:mfa.totp-reuse)."""
    if code in user.totp_used:
        return fails(
            "ExpiredCodeException", "Your software token has already been used once.", REUSE, "reused"
        )
    return None


def spend_code(user: User, code: str) -> User:
    return replace(user, totp_used=user.totp_used | {code})
