"""Sign-up and password recovery: SignUp and its confirmation, the reset codes, ChangePassword and
DeleteUser (§7, §8; the catalogue's ``signup`` facts).

Every code this area issues is delivered through ``deliver_code`` (the outbox) to the channel its
``CodeDeliveryDetails`` announce; a code is spent by ``spend_code`` and a recovered password set by
``set_recovered_password`` (both hooks, so a miniature can break exactly one of them).
"""

from __future__ import annotations

import hmac
from typing import Any

from conformance.reference import ids
from conformance.reference.errors import (
    INCORRECT_CREDENTIALS,
    CognitoError,
    invalid_parameter,
    not_authorized,
)
from conformance.reference.passwords import check_password
from conformance.reference.service.common import ServiceBase, attribute_is_true
from conformance.reference.state import Pool, User

#: facts:signup.sign-up-code-lifetime (24 hours, UNVERIFIED) and facts:signup.reset-code-lifetime (1 hour).
SIGN_UP_CODE_SECONDS = 86400
RESET_CODE_SECONDS = 3600
#: The recovery order when the pool sets no AccountRecoverySetting: the one its DescribeUserPool shows
#: (AWS's legacy choice without a setting is said to prefer SMS: facts:signup.recovery-legacy, UNVERIFIED).
DEFAULT_RECOVERY = ("verified_email", "verified_phone_number")
#: facts:signup.resend-limit: ResendConfirmationCode requests per user per hour (the quota is
#: documented; the error and its text are UNVERIFIED, §7's "too many code attempts" text).
RESENDS_PER_HOUR = 5
_MISMATCH = "Invalid verification code provided, please try again."
_EXPIRED = "Invalid code provided, please request a code again."


def _mask_email(email: str) -> str:
    # §8: first char of the local part + "***@" + first char of the domain + "***".
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def _email_delivery(email: str) -> dict[str, str]:
    return {"Destination": _mask_email(email), "DeliveryMedium": "EMAIL", "AttributeName": "email"}


def _sms_delivery(phone: str) -> dict[str, str]:
    # §8: the phone number shows only its last four digits (the form is UNVERIFIED).
    return {"Destination": "+*******" + phone[-4:], "DeliveryMedium": "SMS", "AttributeName": "phone_number"}


def recovery_order(pool: Pool) -> tuple[str, ...]:
    """The pool's RecoveryMechanisms names, highest priority (1) first (facts:signup.recovery-priority)."""
    given = (pool.settings.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms")
    if not given:
        return DEFAULT_RECOVERY
    ordered = sorted(given, key=lambda mechanism: int(mechanism.get("Priority") or 0))
    return tuple(str(mechanism.get("Name")) for mechanism in ordered)


class SignupMixin(ServiceBase):
    """SignUp, the confirmation and reset codes, ChangePassword and DeleteUser."""

    OPERATIONS: tuple[str, ...] = (
        "SignUp",
        "ConfirmSignUp",
        "AdminConfirmSignUp",
        "ResendConfirmationCode",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "ChangePassword",
        "AdminResetUserPassword",
        "DeleteUser",
    )

    # ------------------------------------------------------------------ sign-up and confirmation

    def sign_up(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        self.check_secret_hash(client, req.get("SecretHash"), [req["Username"]])
        attributes = self._checked_attributes(pool, req.get("UserAttributes"))
        username, sub = self._username_for_new_user(pool, req["Username"], attributes)
        if self._username_taken(pool, username):
            # §7 [DG managing-errors]; still returned with PreventUserExistenceErrors=ENABLED.
            raise CognitoError("UsernameExistsException", "User already exists")
        if not req.get("Password"):
            # The current model allows passwordless sign-up; a password pool (the reference has no
            # other kind) answers as the model did when Password was required (UNVERIFIED).
            raise invalid_parameter(
                "1 validation error detected: Value null at 'password' failed to satisfy constraint: "
                "Member must not be null"
            )
        check_password(req["Password"], self._password_policy(pool.settings))
        self._check_required_attributes(pool, attributes)
        now = self.clock.now()
        user = User(
            username=username, sub=sub, attributes=attributes, status="UNCONFIRMED", created=now, modified=now
        )
        self._set_password(pool, user, req["Password"], temporary=False)
        user.confirmation_code = ids.confirmation_code()
        user.confirmation_code_expires = now + SIGN_UP_CODE_SECONDS
        pool.users[username] = user
        result: dict[str, Any] = {"UserConfirmed": False}
        auto = pool.settings.get("AutoVerifiedAttributes") or []
        if "email" in auto and "email" in attributes:
            # §8 [MOTO-V test_sign_up*]: only when the pool auto-verifies a provided e-mail.
            result["CodeDeliveryDetails"] = _email_delivery(attributes["email"])
        elif "phone_number" in auto and "phone_number" in attributes:
            result["CodeDeliveryDetails"] = _sms_delivery(attributes["phone_number"])
        self.deliver_code(
            pool, user, "sign-up", user.confirmation_code, result.get("CodeDeliveryDetails", {})
        )
        result["UserSub"] = sub
        return result

    def confirm_sign_up(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        self.check_secret_hash(client, req.get("SecretHash"), [req["Username"]])
        user = self.find_user(pool, req["Username"])
        prevent = client.settings.get("PreventUserExistenceErrors") == "ENABLED"
        if user is None:
            if prevent:
                raise CognitoError("CodeMismatchException", _MISMATCH)
            # §7 [3P:70839519046; MOTO].
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        if user.status != "UNCONFIRMED":
            # §7 [3P:44485281062].
            raise not_authorized(f"User cannot be confirmed. Current status is {user.status}")
        if user.confirmation_code is None or user.confirmation_code_expires < self.clock.now():
            raise CognitoError("ExpiredCodeException", _EXPIRED)
        if not hmac.compare_digest(user.confirmation_code, req["ConfirmationCode"]):
            raise CognitoError("CodeMismatchException", _MISMATCH)
        self._confirm(pool, user)
        return {}

    def _confirm(self, pool: Pool, user: User) -> None:
        user.status = "CONFIRMED"
        self.spend_code(user, "sign-up")
        user.modified = self.clock.now()
        for attr in pool.settings.get("AutoVerifiedAttributes") or []:
            if attr in user.attributes:
                user.attributes[f"{attr}_verified"] = "true"

    def admin_confirm_sign_up(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        if user.status != "UNCONFIRMED":
            raise not_authorized(f"User cannot be confirmed. Current status is {user.status}")
        self._confirm(pool, user)
        return {}

    def resend_confirmation_code(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        user = self.find_user(pool, req["Username"])
        self.check_secret_hash(
            client, req.get("SecretHash"), [req["Username"], user.username if user else None]
        )
        if user is None:
            if self._prevents_existence_errors(client):
                return {"CodeDeliveryDetails": self._code_delivery(pool, None, req["Username"])}
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        if user.status != "UNCONFIRMED":
            raise invalid_parameter("User is already confirmed.")  # §7 [3P:70839519046]
        now = self.clock.now()
        user.resend_requests = [at for at in user.resend_requests if at > now - 3600]
        if len(user.resend_requests) >= RESENDS_PER_HOUR:
            raise CognitoError(
                "LimitExceededException", "Attempt limit exceeded, please try after some time."
            )
        user.resend_requests.append(now)
        # facts:signup.resend-replaces: a new code replaces the one sent before.
        user.confirmation_code = ids.confirmation_code()
        user.confirmation_code_expires = now + SIGN_UP_CODE_SECONDS
        delivery = {}
        if user.attributes.get("email"):
            delivery = _email_delivery(user.attributes["email"])
        elif user.attributes.get("phone_number"):
            delivery = _sms_delivery(user.attributes["phone_number"])
        self.deliver_code(pool, user, "sign-up", user.confirmation_code, delivery)
        return {"CodeDeliveryDetails": delivery} if delivery else {}

    # ------------------------------------------------------------------ passwords and codes

    def change_password(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, _, _ = self.access_context(req["AccessToken"])
        if not self.password_matches(user, req.get("PreviousPassword") or ""):
            # §7 [3P:1461645577].
            raise not_authorized(INCORRECT_CREDENTIALS)
        check_password(req["ProposedPassword"], self._password_policy(pool.settings), replacing=True)
        self._set_password(pool, user, req["ProposedPassword"], temporary=False)
        user.modified = self.clock.now()
        return {}

    def _code_delivery(self, pool: Pool, user: User | None, username: str) -> dict[str, str]:
        """CodeDeliveryDetails for a reset code: the first verified channel in the pool's recovery
        order (facts:signup.recovery-priority), masked as §8 says; {} when the user has none."""
        if user is None:
            # §7 PreventUserExistenceErrors=ENABLED: "a simulated medium"; its form is UNVERIFIED.
            seed = username if "@" in username else f"{username[:1] or 'x'}@{username[-1:] or 'x'}"
            return _email_delivery(seed)
        for mechanism in recovery_order(pool):
            if mechanism == "verified_email":
                email = user.attributes.get("email")
                if email and attribute_is_true(user.attributes.get("email_verified")):
                    return _email_delivery(email)
            elif mechanism == "verified_phone_number":
                phone = user.attributes.get("phone_number")
                if phone and attribute_is_true(user.attributes.get("phone_number_verified")):
                    return _sms_delivery(phone)
        return {}

    def _issue_reset_code(self, pool: Pool, user: User, delivery: dict[str, str]) -> None:
        # §8 [DG how-to-manage-user-accounts]: "the reset code is valid for 1 hour".
        user.reset_code = ids.confirmation_code()
        user.reset_code_expires = self.clock.now() + RESET_CODE_SECONDS
        self.deliver_code(pool, user, "password-reset", user.reset_code, delivery)

    def admin_reset_user_password(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        if user.status == "FORCE_CHANGE_PASSWORD":
            # §7 [3P:70686412205].
            raise not_authorized("User password cannot be reset in the current state.")
        # §8 [BC; DG]: RESET_REQUIRED; a code goes to a verified contact if there is one.
        user.status = "RESET_REQUIRED"
        user.modified = self.clock.now()
        self._issue_reset_code(pool, user, self._code_delivery(pool, user, user.username))
        return {}

    def forgot_password(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        user = self.find_user(pool, req["Username"])
        self.check_secret_hash(
            client, req.get("SecretHash"), [req["Username"], user.username if user else None]
        )
        if user is None:
            if self._prevents_existence_errors(client):
                return {"CodeDeliveryDetails": self._code_delivery(pool, None, req["Username"])}
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        if user.status == "FORCE_CHANGE_PASSWORD":
            raise not_authorized("User password cannot be reset in the current state.")
        delivery = self._code_delivery(pool, user, req["Username"])
        if not delivery:
            # §7 [3P:70839519046; MOTO].
            raise invalid_parameter(
                "Cannot reset password for the user as there is no registered/verified email or phone_number"
            )
        self._issue_reset_code(pool, user, delivery)
        return {"CodeDeliveryDetails": delivery}

    def confirm_forgot_password(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        user = self.find_user(pool, req["Username"])
        self.check_secret_hash(
            client, req.get("SecretHash"), [req["Username"], user.username if user else None]
        )
        prevent = self._prevents_existence_errors(client)
        if user is None or (prevent and not user.enabled):
            if prevent:
                # §7: ENABLED answers CodeMismatchException for unknown or disabled users.
                raise CognitoError("CodeMismatchException", _MISMATCH)
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        if user.reset_code is None or user.reset_code_expires < self.clock.now():
            raise CognitoError("ExpiredCodeException", _EXPIRED)
        if not hmac.compare_digest(user.reset_code, req["ConfirmationCode"]):
            raise CognitoError("CodeMismatchException", _MISMATCH)
        check_password(req["Password"], self._password_policy(pool.settings), replacing=True)
        self.set_recovered_password(pool, user, req["Password"])
        self.spend_code(user, "password-reset")
        user.status = "CONFIRMED"
        user.modified = self.clock.now()
        return {}

    # ------------------------------------------------------------------ the user deletes itself

    def delete_user(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, _, _ = self.access_context(req["AccessToken"])
        # facts:signup.delete-user: the user is gone; its tokens then answer "Invalid Access Token"
        # (access_context finds no user) and refresh finds no user, as after AdminDeleteUser.
        del pool.users[user.username]
        return {}
