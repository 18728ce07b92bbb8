"""Users: admin management and listing (§7, §8, §9).

``_checked_attributes`` and ``_set_password`` are also what the NEW_PASSWORD_REQUIRED answer
(``auth``) and sign-up (``signup``) use to create or update a user.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import Any

from conformance.reference import ids
from conformance.reference.errors import (
    CognitoError,
    invalid_parameter,
)
from conformance.reference.filters import parse_filter
from conformance.reference.passwords import check_password
from conformance.reference.service.common import (
    ServiceBase,
    attributes_list,
    aws_timestamp,
)
from conformance.reference.state import Pool, User

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"\+[0-9]{4,20}")


class UsersMixin(ServiceBase):
    """The administrative user operations, from AdminCreateUser to ListUsers (sign-up and passwords: ``signup``)."""

    OPERATIONS: tuple[str, ...] = (
        "AdminCreateUser",
        "AdminSetUserPassword",
        "AdminGetUser",
        "AdminEnableUser",
        "AdminDisableUser",
        "AdminDeleteUser",
        "ListUsers",
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
