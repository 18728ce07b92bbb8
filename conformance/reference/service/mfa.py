"""MFA: the pool's MFA configuration, software tokens (TOTP), users' MFA preferences, and the second
factor of a sign-in (MFA_SETUP, SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE).

Facts: ``mfa.*`` in the catalogue (docs/facts.md, "MFA"). Sign-in (``auth``) asks :meth:`mfa_challenge`
after the password (and any NEW_PASSWORD_REQUIRED answer), before tokens or a new device; the MFA
answers end in ``_finish_sign_in(..., mfa_done=True)``. A remembered device skips the second factor
(facts:mfa.remembered-device-skips): its device SRP proves possession instead.

TOTP codes are checked with pyotp against the reference's clock (the ``totp_step`` hook: 30-second
steps, six digits, one step of drift either way), and a code answers once (``totp_code_fresh``,
facts:mfa.totp-reuse). SMS and e-mail codes go to the outbox (purpose ``mfa``).
"""

from __future__ import annotations

import json
import secrets
from functools import partial
from typing import Any

import pyotp

from conformance.reference.errors import CognitoError, invalid_parameter, not_authorized
from conformance.reference.service.common import ServiceBase
from conformance.reference.service.settable import unsupported_parameter
from conformance.reference.state import AppClient, AuthSession, Pool, User

SMS, TOTP, EMAIL = "SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"
#: The order AdminGetUser lists factors in and SELECT_MFA_TYPE offers them (UNVERIFIED order).
FACTOR_ORDER = (SMS, TOTP, EMAIL)
#: SetUserMFAPreference member -> the factor it sets.
PREFERENCE_MEMBERS = {"SMSMfaSettings": SMS, "SoftwareTokenMfaSettings": TOTP, "EmailMfaSettings": EMAIL}
#: facts:mfa.email-mfa-plan: e-mail MFA needs the Essentials or Plus feature plan.
EMAIL_TIERS = ("ESSENTIALS", "PLUS")
#: The answer member of each factor's challenge (§3 table [BC]).
CODE_MEMBER = {SMS: "SMS_MFA_CODE", TOTP: "SOFTWARE_TOKEN_MFA_CODE", EMAIL: "EMAIL_OTP_CODE"}
#: facts:mfa.wrong-code: the text of a wrong MFA code.
WRONG_CODE = "Invalid code or auth state for the user."


def _mask_phone(phone: str) -> str:
    # §8 masking: the last four digits kept.
    return "+*******" + phone[-4:]


def _mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


class MfaMixin(ServiceBase):
    """The MFA operations, and the second factor of a sign-in for ``auth``."""

    OPERATIONS: tuple[str, ...] = (
        "SetUserPoolMfaConfig",
        "GetUserPoolMfaConfig",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
        "AdminSetUserMFAPreference",
    )

    # ------------------------------------------------------------------ the pool's configuration

    def _mfa_mode(self, pool: Pool) -> str:
        return str(pool.settings.get("MfaConfiguration", "OFF"))

    def pool_factors(self, pool: Pool) -> tuple[str, ...]:
        """The factors the pool offers as a second factor (none when MFA is OFF)."""
        return self._factors(self._mfa_mode(pool), pool.settings, pool.mfa)

    @staticmethod
    def _factors(mode: str, settings: dict[str, Any], mfa: dict[str, Any]) -> tuple[str, ...]:
        if mode == "OFF":
            return ()
        factors = []
        # facts:mfa.sms-needs-sms-configuration: SMS MFA is on when the pool can send SMS.
        if settings.get("SmsConfiguration") or (mfa.get("SmsMfaConfiguration") or {}).get("SmsConfiguration"):
            factors.append(SMS)
        if (mfa.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"):
            factors.append(TOTP)
        if mfa.get("EmailMfaConfiguration") is not None:
            factors.append(EMAIL)
        return tuple(factors)

    def set_user_pool_mfa_config(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        if req.get("WebAuthnConfiguration") is not None:
            raise unsupported_parameter("SetUserPoolMfaConfig", "WebAuthnConfiguration")
        email = req.get("EmailMfaConfiguration")
        if email is not None:
            tier = pool.settings.get("UserPoolTier", "ESSENTIALS")
            if tier not in EMAIL_TIERS:
                # facts:mfa.email-mfa-plan; the text is UNVERIFIED.
                raise CognitoError(
                    "FeatureUnavailableInTierException",
                    "Email MFA is not available in the LITE feature plan.",
                )
            sending = (pool.settings.get("EmailConfiguration") or {}).get("EmailSendingAccount")
            if sending != "DEVELOPER":
                # facts:mfa.email-mfa-needs-ses; the text is UNVERIFIED.
                raise invalid_parameter(
                    "Email MFA requires an EmailConfiguration with EmailSendingAccount DEVELOPER."
                )
        updated = dict(pool.mfa)
        for member in ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration"):
            if req.get(member) is not None:
                updated[member] = req[member]
        mode = req.get("MfaConfiguration", self._mfa_mode(pool))
        if mode != "OFF" and not self._factors(mode, pool.settings, updated):
            # facts:mfa.on-needs-a-factor; the text is UNVERIFIED.
            raise invalid_parameter("At least one MFA method must be enabled when MFA is ON or OPTIONAL.")
        pool.mfa = updated
        if "SmsConfiguration" in (req.get("SmsMfaConfiguration") or {}):
            pool.settings["SmsConfiguration"] = req["SmsMfaConfiguration"]["SmsConfiguration"]
        pool.settings["MfaConfiguration"] = mode
        pool.modified = self.clock.now()
        return self._mfa_config(pool)

    def get_user_pool_mfa_config(self, req: dict[str, Any]) -> dict[str, Any]:
        return self._mfa_config(self.pool(req["UserPoolId"]))

    def _mfa_config(self, pool: Pool) -> dict[str, Any]:
        """The SetUserPoolMfaConfig / GetUserPoolMfaConfig answer (facts:mfa.get-config)."""
        answer: dict[str, Any] = {"MfaConfiguration": self._mfa_mode(pool)}
        sms = dict(pool.mfa.get("SmsMfaConfiguration") or {})
        if pool.settings.get("SmsConfiguration") and "SmsConfiguration" not in sms:
            sms["SmsConfiguration"] = pool.settings["SmsConfiguration"]
        if sms:
            answer["SmsMfaConfiguration"] = sms
        if pool.mfa.get("SoftwareTokenMfaConfiguration") is not None:
            answer["SoftwareTokenMfaConfiguration"] = pool.mfa["SoftwareTokenMfaConfiguration"]
        if pool.mfa.get("EmailMfaConfiguration") is not None:
            answer["EmailMfaConfiguration"] = pool.mfa["EmailMfaConfiguration"]
        return answer

    # ------------------------------------------------------------------ software tokens

    def _setup_session(self, token: str) -> tuple[AuthSession, Pool, User]:
        session = self.sessions.get(token)
        if session is None or session.challenge != "MFA_SETUP":
            raise not_authorized("Invalid session for the user.")
        if session.used:
            raise not_authorized("Invalid session for the user, session can only be used once.")
        if session.expires <= self.clock.now():
            raise not_authorized("Invalid session for the user, session is expired.")
        pool = self.pools.get(session.pool_id)
        user = pool.users.get(session.username) if pool is not None else None
        if pool is None or user is None:
            raise not_authorized("Invalid session for the user.")
        return session, pool, user

    def _follow_on(self, session: AuthSession, pool: Pool, user: User, *, verified: bool) -> str:
        """The next Session of an MFA set-up: the old one answers once (facts:mfa.setup-sessions)."""
        self.consume_session(session)
        client = pool.clients[session.client_id]
        return self._new_session(
            "MFA_SETUP",
            pool,
            client,
            user,
            session.admin,
            device_key=session.device_key,
            totp_verified=verified,
        )

    def associate_software_token(self, req: dict[str, Any]) -> dict[str, Any]:
        access, token = req.get("AccessToken"), req.get("Session")
        if bool(access) == bool(token):
            # facts:mfa.associate-token-or-session; the text is UNVERIFIED.
            raise invalid_parameter("Either AccessToken or Session must be given, not both.")
        # facts:mfa.totp-secret: a base32 secret; its length (52 characters, 32 bytes) is UNVERIFIED.
        secret = pyotp.random_base32(length=52)
        if access:
            _, user, _, _ = self.access_context(access)
            user.totp_pending = secret
            return {"SecretCode": secret}
        session, pool, user = self._setup_session(str(token))
        user.totp_pending = secret
        return {"SecretCode": secret, "Session": self._follow_on(session, pool, user, verified=False)}

    def verify_software_token(self, req: dict[str, Any]) -> dict[str, Any]:
        access, token = req.get("AccessToken"), req.get("Session")
        if bool(access) == bool(token):
            raise invalid_parameter("Either AccessToken or Session must be given, not both.")
        session = None
        if access:
            pool, user, _, _ = self.access_context(access)
        else:
            session, pool, user = self._setup_session(str(token))
        if user.totp_pending is None:
            # facts:mfa.verify-before-associate (Amplify's text for the case).
            raise CognitoError("SoftwareTokenMFANotFoundException", "User has not set up software token mfa")
        step = self.totp_step(user.totp_pending, str(req["UserCode"]))
        if step is None:
            # facts:mfa.verify-code-mismatch.
            raise CognitoError(
                "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA"
            )
        user.totp_secret, user.totp_pending = user.totp_pending, None
        user.totp_name = req.get("FriendlyDeviceName")
        user.totp_last_step = step
        # facts:mfa.verify-enables: a verified token turns software-token MFA on for the user.
        if TOTP not in user.mfa_enabled:
            user.mfa_enabled.append(TOTP)
        user.modified = self.clock.now()
        answer: dict[str, Any] = {"Status": "SUCCESS"}
        if session is not None:
            answer["Session"] = self._follow_on(session, pool, user, verified=True)
        return answer

    # ------------------------------------------------------------------ users' preferences

    def set_user_mfa_preference(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user, _, _ = self.access_context(req["AccessToken"])
        self._set_preferences("SetUserMFAPreference", user, req)
        return {}

    def admin_set_user_mfa_preference(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        self._set_preferences("AdminSetUserMFAPreference", self.admin_user(pool, req["Username"]), req)
        return {}

    def _set_preferences(self, operation: str, user: User, req: dict[str, Any]) -> None:
        """facts:mfa.preference-rules: a factor is turned on only when the user can receive it."""
        if req.get("WebAuthnMfaSettings") is not None:
            raise unsupported_parameter(operation, "WebAuthnMfaSettings")
        changes = {
            factor: req[member]
            for member, factor in PREFERENCE_MEMBERS.items()
            if req.get(member) is not None
        }
        for factor, settings in changes.items():
            if not settings.get("Enabled"):
                continue
            if factor == TOTP and user.totp_secret is None:
                raise invalid_parameter(
                    "User has not set up software token mfa"
                    if user.totp_pending is None
                    else "User has not verified software token mfa"
                )
            if factor == SMS and not user.attributes.get("phone_number"):
                raise invalid_parameter("User does not have delivery config set to turn on SMS_MFA")
            if factor == EMAIL and not user.attributes.get("email"):
                raise invalid_parameter("User does not have delivery config set to turn on EMAIL_OTP")
        enabled = set(user.mfa_enabled)
        preferred = user.mfa_preferred
        for factor, settings in changes.items():
            if settings.get("Enabled"):
                enabled.add(factor)
            else:
                enabled.discard(factor)
                if preferred == factor:
                    preferred = None
            if settings.get("PreferredMfa") and settings.get("Enabled"):
                preferred = factor
            elif preferred == factor and settings.get("PreferredMfa") is False:
                preferred = None
        user.mfa_enabled = [f for f in FACTOR_ORDER if f in enabled]
        user.mfa_preferred = preferred
        user.modified = self.clock.now()

    def mfa_members(self, user: User) -> dict[str, Any]:
        """AdminGetUser's and GetUser's MFA members: none for a user without MFA (facts:users.no-mfa-members)."""
        members: dict[str, Any] = {}
        if user.mfa_enabled:
            members["UserMFASettingList"] = list(user.mfa_enabled)
        if user.mfa_preferred:
            members["PreferredMfaSetting"] = user.mfa_preferred
        return members

    # ------------------------------------------------------------------ the second factor at sign-in

    def mfa_challenge(
        self, pool: Pool, client: AppClient, user: User, device_key: str | None, admin: bool
    ) -> dict[str, Any] | None:
        """The MFA challenge that follows the password, or None when tokens (or device SRP) follow.

        facts:mfa.challenge-choice: OFF asks nothing; a remembered device skips MFA; the preferred
        factor, else the only one, else SELECT_MFA_TYPE; ON with nothing set up asks MFA_SETUP (or
        SMS to a user with a phone number); OPTIONAL with nothing set up signs in.
        """
        if self._mfa_mode(pool) == "OFF":
            return None
        offered = self.pool_factors(pool)
        if not offered:
            # MfaConfiguration ON or OPTIONAL set by UpdateUserPool with no factor left: what AWS
            # does then is not known, and signing in without MFA would be a silent lie.
            raise unsupported_parameter("UpdateUserPool", "MfaConfiguration", "a mode with no MFA factor")
        if device_key and pool.settings.get("DeviceConfiguration") is not None:
            device = self.find_device(user, device_key)
            if device is None or (device.remembered and device.verifier is not None):
                # An unknown key fails in device tracking; a remembered one goes on to DEVICE_SRP_AUTH.
                return None
        usable = [f for f in user.mfa_enabled if f in offered]
        if user.mfa_preferred in usable:
            return self._factor_challenge(user.mfa_preferred, pool, client, user, device_key, admin)
        if len(usable) == 1:
            return self._factor_challenge(usable[0], pool, client, user, device_key, admin)
        if usable:
            session = self._new_session(
                "SELECT_MFA_TYPE", pool, client, user, admin, device_key=device_key, choices=tuple(usable)
            )
            return {
                "ChallengeName": "SELECT_MFA_TYPE",
                "Session": session,
                "ChallengeParameters": {
                    "MFAS_CAN_CHOOSE": json.dumps(usable, separators=(",", ":")),
                    "USER_ID_FOR_SRP": user.username,
                },
            }
        if self._mfa_mode(pool) != "ON":
            return None
        if SMS in offered and user.attributes.get("phone_number"):
            return self._factor_challenge(SMS, pool, client, user, device_key, admin)
        if TOTP in offered:
            session = self._new_session("MFA_SETUP", pool, client, user, admin, device_key=device_key)
            return {
                "ChallengeName": "MFA_SETUP",
                "Session": session,
                "ChallengeParameters": {
                    "MFAS_CAN_SETUP": json.dumps([TOTP], separators=(",", ":")),
                    "USER_ID_FOR_SRP": user.username,
                },
            }
        # facts:mfa.challenge-choice: what AWS answers a user who can receive no offered factor is
        # not known; the reference refuses rather than guess.
        raise CognitoError(
            "ReferenceUnsupportedParameter",
            "The reference endpoint does not model a required MFA the user cannot receive or set up",
            status=501,
        )

    def _factor_challenge(
        self, factor: str, pool: Pool, client: AppClient, user: User, device_key: str | None, admin: bool
    ) -> dict[str, Any]:
        if factor == TOTP:
            session = self._new_session(TOTP, pool, client, user, admin, device_key=device_key)
            # facts:mfa.software-token-parameters.
            return {
                "ChallengeName": TOTP,
                "Session": session,
                "ChallengeParameters": {
                    "FRIENDLY_DEVICE_NAME": user.totp_name or "TOTP",
                    "USER_ID_FOR_SRP": user.username,
                },
            }
        if factor == SMS:
            attribute, medium, masked = "phone_number", "SMS", _mask_phone(user.attributes["phone_number"])
            # facts:mfa.sms-code: six digits.
            code = f"{secrets.randbelow(10**6):06d}"
        else:
            attribute, medium, masked = "email", "EMAIL", _mask_email(user.attributes["email"])
            # facts:mfa.email-code: eight digits (UNVERIFIED length).
            code = f"{secrets.randbelow(10**8):08d}"
        session = self._new_session(factor, pool, client, user, admin, device_key=device_key, code=code)
        self.deliver_code(
            pool,
            user,
            "mfa",
            code,
            {"Destination": masked, "DeliveryMedium": medium, "AttributeName": attribute},
        )
        # facts:mfa.code-delivery-parameters.
        return {
            "ChallengeName": factor,
            "Session": session,
            "ChallengeParameters": {
                "CODE_DELIVERY_DELIVERY_MEDIUM": medium,
                "CODE_DELIVERY_DESTINATION": masked,
            },
        }

    def mfa_answer_handlers(self) -> dict[str, Any]:
        """ChallengeName -> the answer of an MFA challenge (``auth._respond`` looks here too)."""
        return {
            "MFA_SETUP": self._answer_mfa_setup,
            "SELECT_MFA_TYPE": self._answer_select_mfa_type,
            TOTP: self._answer_software_token,
            SMS: partial(self._answer_delivered_code, SMS),
            EMAIL: partial(self._answer_delivered_code, EMAIL),
        }

    def _answer_mfa_setup(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, "MFA_SETUP", pool, client)
        user = self._session_user(pool, client, session, responses)
        if not session.totp_verified:
            # facts:mfa.setup-needs-verify: the Session must come from VerifySoftwareToken; the
            # error for an earlier one is UNVERIFIED.
            raise not_authorized("Invalid session for the user.")
        self.ensure_enabled(user)
        self.consume_session(session)
        return self._finish_sign_in(pool, client, user, session.device_key, admin, mfa_done=True)

    def _answer_select_mfa_type(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, "SELECT_MFA_TYPE", pool, client)
        user = self._session_user(pool, client, session, responses)
        answer = self._require(responses, "ANSWER")
        if answer not in session.choices:
            # UNVERIFIED text.
            raise invalid_parameter(f"Invalid MFA type {answer}.")
        self.consume_session(session)
        return self._factor_challenge(answer, pool, client, user, session.device_key, admin)

    def _answer_software_token(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, TOTP, pool, client)
        user = self._session_user(pool, client, session, responses)
        code = self._require(responses, CODE_MEMBER[TOTP])
        step = self.totp_step(user.totp_secret or "", code) if user.totp_secret else None
        if step is None:
            raise CognitoError("CodeMismatchException", WRONG_CODE)
        if not self.totp_code_fresh(user, step):
            # facts:mfa.totp-reuse.
            raise CognitoError("ExpiredCodeException", "Your software token has already been used once.")
        user.totp_last_step = step
        self.ensure_enabled(user)
        self.consume_session(session)
        return self._finish_sign_in(pool, client, user, session.device_key, admin, mfa_done=True)

    def _answer_delivered_code(
        self,
        name: str,
        pool: Pool,
        client: AppClient,
        responses: dict[str, Any],
        token: str | None,
        admin: bool,
    ) -> dict[str, Any]:
        session = self._session(token, name, pool, client)
        user = self._session_user(pool, client, session, responses)
        code = self._require(responses, CODE_MEMBER[name])
        if session.code is None or not secrets.compare_digest(session.code, code):
            # facts:mfa.wrong-code: the session stays usable (no lockout was seen).
            raise CognitoError("CodeMismatchException", WRONG_CODE)
        self.ensure_enabled(user)
        self.consume_session(session)
        return self._finish_sign_in(pool, client, user, session.device_key, admin, mfa_done=True)
