"""Users: admin management, listing, sign-up and confirmation, passwords and codes (§7, §8).

``_checked_attributes`` and ``_set_password`` are also what the NEW_PASSWORD_REQUIRED answer
(``auth``) uses to update a user.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable
from typing import Any

from conformance.reference import ids
from conformance.reference.errors import (
    INCORRECT_CREDENTIALS,
    CognitoError,
    invalid_parameter,
    not_authorized,
)
from conformance.reference.filters import parse_filter
from conformance.reference.passwords import check_password
from conformance.reference.service.common import (
    ServiceBase,
    attribute_is_true,
    attributes_list,
    aws_timestamp,
)
from conformance.reference.state import Pool, User

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"\+[0-9]{4,20}")


def _mask_email(email: str) -> str:
    # §8: first char of the local part + "***@" + first char of the domain + "***".
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


class UsersMixin(ServiceBase):
    """The user operations, from AdminCreateUser and SignUp to ChangePassword and the reset codes."""

    OPERATIONS: tuple[str, ...] = (
        "AdminCreateUser",
        "AdminSetUserPassword",
        "AdminGetUser",
        "AdminEnableUser",
        "AdminDisableUser",
        "AdminDeleteUser",
        "ListUsers",
        "SignUp",
        "ConfirmSignUp",
        "AdminConfirmSignUp",
        "ChangePassword",
        "AdminResetUserPassword",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "ResendConfirmationCode",
    )

    # ------------------------------------------------------------------ attributes and records

    def _schema_names(self, pool: Pool) -> dict[str, dict[str, Any]]:
        return {attr["Name"]: attr for attr in pool.schema}

    def _checked_attributes(self, pool: Pool, attributes: list[dict[str, Any]] | None) -> dict[str, str]:
        schema = self._schema_names(pool)
        result: dict[str, str] = {}
        unknown = []
        for attr in attributes or []:
            name = attr["Name"]
            if name not in schema or name == "sub":
                unknown.append(name)
                continue
            result[name] = attr.get("Value", "")
        if unknown:
            # §8: moto's text, UNVERIFIED.
            raise invalid_parameter(
                "Invalid user attributes: "
                + "".join(f"user.{name}: Attribute does not exist in the schema.\n" for name in unknown)
            )
        return result

    def _username_for_new_user(
        self, pool: Pool, username: str, attributes: dict[str, str]
    ) -> tuple[str, str]:
        """(internal username, sub) for a new user, applying UsernameAttributes and aliases (§8)."""
        sub = ids.user_sub()
        username_attrs = pool.fixed.get("UsernameAttributes") or []
        if username_attrs:
            is_email = bool(_EMAIL.fullmatch(username))
            is_phone = bool(_PHONE.fullmatch(username))
            if set(username_attrs) == {"email", "phone_number"}:
                if not (is_email or is_phone):
                    # §7: [MOTO] text (UNVERIFIED).
                    raise invalid_parameter("Username should be either an email or a phone number.")
            elif username_attrs == ["email"] and not is_email:
                raise invalid_parameter("Username should be an email.")  # §7 [3P:778029935 wire body]
            elif username_attrs == ["phone_number"] and not is_phone:
                raise invalid_parameter("Username should be a phone number.")  # by analogy, UNVERIFIED
            attribute = "email" if is_email else "phone_number"
            for user in pool.users.values():
                if user.attributes.get(attribute, "").lower() == username.lower():
                    # UNVERIFIED text for a taken e-mail username.
                    raise CognitoError(
                        "UsernameExistsException", f"An account with the given {attribute} already exists."
                    )
            attributes[attribute] = username
            # §8 [DG]: the internal username is a UUID equal to the sub.
            return sub, sub
        alias_attrs = pool.fixed.get("AliasAttributes") or []
        if "email" in alias_attrs and _EMAIL.fullmatch(username):
            # §8 [DG]: "doesn't accept a user name that matches a valid email address format"; text UNVERIFIED.
            raise invalid_parameter(
                "Username cannot be of email format, since user pool is configured for email alias."
            )
        if "phone_number" in alias_attrs and _PHONE.fullmatch(username):
            raise invalid_parameter(
                "Username cannot be of phone number format, since user pool is configured for phone number alias."
            )
        return username, sub

    def _check_required_attributes(self, pool: Pool, attributes: dict[str, str]) -> None:
        missing = [
            a["Name"]
            for a in pool.schema
            if a.get("Required") and a["Name"] != "sub" and a["Name"] not in attributes
        ]
        if missing:
            # UNVERIFIED text.
            raise invalid_parameter(
                "Attributes did not conform to the schema: "
                + "".join(f"{name}: The attribute is required\n" for name in missing)
            )

    def _username_taken(self, pool: Pool, username: str) -> bool:
        if username in pool.users:
            return True
        if pool.fixed.get("UsernameConfiguration", {}).get("CaseSensitive", True):
            return False
        # §8: a case-insensitive pool treats "Alice" and "alice" as one username.
        return any(u.username.lower() == username.lower() for u in pool.users.values())

    def user_record(
        self, user: User, *, attributes_key: str = "Attributes", names: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """A UserType / AdminGetUser body (§8, §9). Unconfigured MFA members are omitted (§8 [MOTO-V])."""
        return {
            "Username": user.username,
            attributes_key: attributes_list({"sub": user.sub, **user.attributes}, names),
            "UserCreateDate": aws_timestamp(user.created),
            "UserLastModifiedDate": aws_timestamp(user.modified),
            "Enabled": user.enabled,
            "UserStatus": user.status,
        }

    def _set_password(self, pool: Pool, user: User, password: str, *, temporary: bool) -> None:
        user.password = password
        user.srp_verifier = None
        user.failed_attempts = 0
        user.locked_until = 0.0
        if temporary:
            days = self._password_policy(pool.settings)["TemporaryPasswordValidityDays"]
            user.temporary_password_expires = self.clock.now() + days * 86400
        else:
            user.temporary_password_expires = None

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
        # UNVERIFIED: confirmation codes last 24 hours.
        user.confirmation_code_expires = now + 86400
        pool.users[username] = user
        result: dict[str, Any] = {"UserConfirmed": False}
        auto = pool.settings.get("AutoVerifiedAttributes") or []
        if "email" in auto and "email" in attributes:
            # §8 [MOTO-V test_sign_up*]: only when the pool auto-verifies a provided e-mail.
            result["CodeDeliveryDetails"] = {
                "Destination": _mask_email(attributes["email"]),
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            }
        elif "phone_number" in auto and "phone_number" in attributes:
            result["CodeDeliveryDetails"] = {
                "Destination": "+*******" + attributes["phone_number"][-4:],
                "DeliveryMedium": "SMS",
                "AttributeName": "phone_number",
            }
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
                raise CognitoError(
                    "CodeMismatchException", "Invalid verification code provided, please try again."
                )
            # §7 [3P:70839519046; MOTO].
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        if user.status != "UNCONFIRMED":
            # §7 [3P:44485281062].
            raise not_authorized(f"User cannot be confirmed. Current status is {user.status}")
        if user.confirmation_code is None or user.confirmation_code_expires < self.clock.now():
            raise CognitoError("ExpiredCodeException", "Invalid code provided, please request a code again.")
        if not hmac.compare_digest(user.confirmation_code, req["ConfirmationCode"]):
            raise CognitoError(
                "CodeMismatchException", "Invalid verification code provided, please try again."
            )
        self._confirm(pool, user)
        return {}

    def _confirm(self, pool: Pool, user: User) -> None:
        user.status = "CONFIRMED"
        user.confirmation_code = None
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

    # ------------------------------------------------------------------ admin management and listing

    def admin_create_user(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        policy = self._password_policy(pool.settings)
        if req.get("MessageAction") == "RESEND":
            user = self.admin_user(pool, req["Username"])
            if req.get("TemporaryPassword"):
                check_password(req["TemporaryPassword"], policy)
                self._set_password(pool, user, req["TemporaryPassword"], temporary=True)
            return {"User": self.user_record(user)}
        attributes = self._checked_attributes(pool, req.get("UserAttributes"))
        username, sub = self._username_for_new_user(pool, req["Username"], attributes)
        if self._username_taken(pool, username):
            # §7 [3P:32394350676 real-AWS snapshot].
            raise CognitoError("UsernameExistsException", "User account already exists")
        temporary = req.get("TemporaryPassword")
        if temporary is not None:
            check_password(temporary, policy)
        else:
            temporary = self._generated_password(policy)
        now = self.clock.now()
        # §8 [BC; CLI]: AdminCreateUser -> FORCE_CHANGE_PASSWORD, Enabled true, sub in Attributes.
        user = User(
            username=username,
            sub=sub,
            attributes=attributes,
            status="FORCE_CHANGE_PASSWORD",
            created=now,
            modified=now,
        )
        self._set_password(pool, user, temporary, temporary=True)
        pool.users[username] = user
        # MessageAction SUPPRESS sends nothing; the reference never delivers messages anyway.
        return {"User": self.user_record(user)}

    @staticmethod
    def _generated_password(policy: dict[str, Any]) -> str:
        length = max(int(policy.get("MinimumLength", 8)), 12)
        core = secrets.token_urlsafe(length)[: length - 4]
        return "Aa1!" + core

    def admin_set_user_password(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        check_password(req["Password"], self._password_policy(pool.settings))
        permanent = bool(req.get("Permanent", False))
        self._set_password(pool, user, req["Password"], temporary=not permanent)
        # §8 [BC]: Permanent -> CONFIRMED, otherwise FORCE_CHANGE_PASSWORD.
        user.status = "CONFIRMED" if permanent else "FORCE_CHANGE_PASSWORD"
        user.modified = self.clock.now()
        return {}

    def admin_get_user(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        return {**self.user_record(user, attributes_key="UserAttributes"), **self.mfa_members(user)}

    def admin_enable_user(self, req: dict[str, Any]) -> dict[str, Any]:
        user = self.admin_user(self.pool(req["UserPoolId"]), req["Username"])
        user.enabled = True
        user.modified = self.clock.now()
        return {}

    def admin_disable_user(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        user.enabled = False
        user.modified = self.clock.now()
        # §6 [BC]: "Deactivates a user and revokes all access tokens for the user".
        self.revoke_families(self._families_of(user), access=True, refresh=False)
        return {}

    def admin_delete_user(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        # The user's tokens die with it: §7 "Invalid Access Token" for a deleted user's token, and the
        # refresh path finds no user ("Invalid Refresh Token"). Nothing is marked revoked.
        del pool.users[user.username]
        return {}

    def list_users(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        wanted = req.get("AttributesToGet")
        user_filter = parse_filter(req.get("Filter"))
        users = self.filter_users(list(pool.users.values()), user_filter)
        # Default Limit and Limit=0 are UNVERIFIED (§12.6: 60 in 2018, 25 said in 2025); the reference
        # uses 60 for both, the page size AWS's own clients ask for.
        size = self.page_size(req.get("Limit"), 60)
        scope = ("users", pool.pool_id, req.get("Filter") or "")
        page, token = self._page(scope, users, req.get("PaginationToken"), size)
        if wanted:
            for user in page:
                # Every user has a sub, and naming it is accepted (facts:users.attributes-to-get-sub).
                if any(name != "sub" and name not in user.attributes for name in wanted):
                    # §12.6 (likely) [ISS aws/aws-sdk-js#2570]; API ListUsers doc.
                    raise invalid_parameter("One or more requested attributes do not exist.")
        result: dict[str, Any] = {
            "Users": [self.user_record(u, names=wanted) if wanted else self.user_record(u) for u in page]
        }
        if token:
            result["PaginationToken"] = token
        return result

    def _filter_value(self, user: User, attribute: str) -> str | None:
        if attribute == "username":
            return user.username
        if attribute == "cognito:user_status":
            return user.status
        if attribute == "status":
            return "Enabled" if user.enabled else "Disabled"
        if attribute == "sub":
            return user.sub
        return user.attributes.get(attribute)

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
        """CodeDeliveryDetails for a code sent to the user's verified e-mail or phone (§8 masking)."""
        if user is None:
            # §7 PreventUserExistenceErrors=ENABLED: "a simulated medium"; its form is UNVERIFIED.
            seed = username if "@" in username else f"{username[:1] or 'x'}@{username[-1:] or 'x'}"
            return {"Destination": _mask_email(seed), "DeliveryMedium": "EMAIL", "AttributeName": "email"}
        if "email" in user.attributes and attribute_is_true(user.attributes.get("email_verified")):
            return {
                "Destination": _mask_email(user.attributes["email"]),
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            }
        phone = user.attributes.get("phone_number")
        if phone and attribute_is_true(user.attributes.get("phone_number_verified")):
            return {
                "Destination": "+*******" + phone[-4:],
                "DeliveryMedium": "SMS",
                "AttributeName": "phone_number",
            }
        return {}

    def admin_reset_user_password(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        if user.status == "FORCE_CHANGE_PASSWORD":
            # §7 [3P:70686412205].
            raise not_authorized("User password cannot be reset in the current state.")
        # §8 [BC; DG]: RESET_REQUIRED; a code (valid 1 hour) goes to a verified contact if there is one.
        user.status = "RESET_REQUIRED"
        user.reset_code = ids.confirmation_code()
        user.reset_code_expires = self.clock.now() + 3600
        user.modified = self.clock.now()
        self.deliver_code(
            pool, user, "password-reset", user.reset_code, self._code_delivery(pool, user, user.username)
        )
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
        user.reset_code = ids.confirmation_code()
        user.reset_code_expires = self.clock.now() + 3600
        self.deliver_code(pool, user, "password-reset", user.reset_code, delivery)
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
                raise CognitoError(
                    "CodeMismatchException", "Invalid verification code provided, please try again."
                )
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        if user.reset_code is None or user.reset_code_expires < self.clock.now():
            raise CognitoError("ExpiredCodeException", "Invalid code provided, please request a code again.")
        if not hmac.compare_digest(user.reset_code, req["ConfirmationCode"]):
            raise CognitoError(
                "CodeMismatchException", "Invalid verification code provided, please try again."
            )
        check_password(req["Password"], self._password_policy(pool.settings), replacing=True)
        self._set_password(pool, user, req["Password"], temporary=False)
        user.reset_code = None
        user.status = "CONFIRMED"
        user.modified = self.clock.now()
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
        user.confirmation_code = ids.confirmation_code()
        user.confirmation_code_expires = self.clock.now() + 86400
        delivery = {}
        email = user.attributes.get("email")
        if email:
            delivery = {
                "Destination": _mask_email(email),
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            }
        elif user.attributes.get("phone_number"):
            delivery = {
                "Destination": "+*******" + user.attributes["phone_number"][-4:],
                "DeliveryMedium": "SMS",
                "AttributeName": "phone_number",
            }
        self.deliver_code(pool, user, "sign-up", user.confirmation_code, delivery)
        return {"CodeDeliveryDetails": delivery} if delivery else {}
