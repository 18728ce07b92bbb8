"""Attributes and verification: updating and deleting a user's attributes, verifying an e-mail or a
phone number, and adding custom attributes to a pool's schema.

Facts: ``attributes.*`` in the catalogue (docs/facts.md, "Attributes and verification"). What an
update may touch is decided in one place (:meth:`AttributesMixin._check_writes`): the pool's schema
(unknown and immutable attributes, the ``sub`` among them), the value constraints, and for the
user's own operations the app client's WriteAttributes. How an e-mail or phone change is verified is
decided in another (:meth:`AttributesMixin._apply_updates`): the ``*_verified`` flag, the code sent
through the outbox, and the pending value of a pool that verifies before it updates.
"""

from __future__ import annotations

import hmac
from typing import Any

from conformance.reference import ids
from conformance.reference.errors import CognitoError, invalid_parameter, not_authorized
from conformance.reference.service.common import ServiceBase, attribute_is_true
from conformance.reference.service.settable import unsupported_parameter
from conformance.reference.state import AppClient, Pool, User

#: The attributes Cognito verifies, and the flag that says they are (facts:attributes.change-unverifies).
VERIFIABLE: dict[str, str] = {"email": "email_verified", "phone_number": "phone_number_verified"}
#: The verification flags, back to the attribute they speak of.
FLAGS: dict[str, str] = {flag: attribute for attribute, flag in VERIFIABLE.items()}
#: How a code for each verifiable attribute travels (CodeDeliveryDetails.DeliveryMedium).
MEDIUM: dict[str, str] = {"email": "EMAIL", "phone_number": "SMS"}
#: A pool holds at most 50 custom attributes (facts:attributes.custom-limit).
MAX_CUSTOM_ATTRIBUTES = 50
#: How long an attribute verification code lasts: UNVERIFIED; the reference uses the 24 hours of a
#: sign-up confirmation code.
CODE_LIFETIME = 86400
#: The refusal of a write the app client may not make (facts:attributes.client-write-attributes).
UNAUTHORIZED_WRITE = "A client attempted to write unauthorized attribute"


def masked(attribute: str, value: str) -> str:
    """The Destination of a CodeDeliveryDetails: ``t***@t***`` for an e-mail, ``+*******1234`` for a
    phone (§8 masking: the form SignUp's CodeDeliveryDetails uses, facts:users.sign-up)."""
    if attribute == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return "+*******" + value[-4:]


def _custom_name(attr: dict[str, Any]) -> str:
    # The service model's SchemaAttributeType.Name: a custom attribute is named with the custom:
    # prefix, a developer-only one with dev:custom: (as CreateUserPool's Schema names them).
    return ("dev:custom:" if attr.get("DeveloperOnlyAttribute") else "custom:") + str(attr.get("Name", ""))


class AttributesMixin(ServiceBase):
    """The attribute operations; ``_check_writes`` and ``_apply_updates`` are the shared rules.

    The hooks ``attribute_is_mutable``, ``verified_after_change`` and ``send_attribute_code`` live in
    ``hooks`` (one behaviour each, for the miniatures) and are called through ``self``.
    """

    OPERATIONS: tuple[str, ...] = (
        "AdminUpdateUserAttributes",
        "UpdateUserAttributes",
        "AdminDeleteUserAttributes",
        "DeleteUserAttributes",
        "GetUserAttributeVerificationCode",
        "VerifyUserAttribute",
        "AddCustomAttributes",
    )

    # ------------------------------------------------------------------ what a write may touch

    @staticmethod
    def _schema_of(pool: Pool) -> dict[str, dict[str, Any]]:
        return {attr["Name"]: attr for attr in pool.schema}

    def _check_writes(
        self, pool: Pool, values: dict[str, str], *, client: AppClient | None, deleting: bool = False
    ) -> None:
        """Refuse a write of unknown or immutable attributes, of values outside the schema's
        constraints, and (``client`` given: the user's own operations) of attributes the app client
        may not write. Every offending name is listed, as the unknown-attribute message does."""
        schema = self._schema_of(pool)
        unknown = [name for name in values if name not in schema]
        if unknown:
            # facts:attributes.unknown-attribute; the text is the one AdminCreateUser gives (UNVERIFIED).
            raise invalid_parameter(
                "Invalid user attributes: "
                + "".join(f"user.{name}: Attribute does not exist in the schema.\n" for name in unknown)
            )
        if client is not None:
            self._check_client_writes(client, list(values))
        # facts:attributes.immutable: Mutable false (the sub among them) cannot be changed; the text
        # is UNVERIFIED.
        immutable = [name for name in values if not self.attribute_is_mutable(schema[name])]
        if immutable:
            raise invalid_parameter(
                "Invalid user attributes: "
                + "".join(
                    f"user.{name}: Attribute cannot be updated. (changing an immutable attribute)\n"
                    for name in immutable
                )
            )
        if deleting:
            # facts:attributes.required: a required attribute cannot be left without a value.
            required = [name for name in values if schema[name].get("Required")]
            if required:
                raise invalid_parameter(
                    "Attributes did not conform to the schema: "
                    + "".join(f"{name}: The attribute is required\n" for name in required)
                )
            return
        for name, value in values.items():
            self._check_value(schema[name], value)
        required = [name for name, value in values.items() if value == "" and schema[name].get("Required")]
        if required:
            raise invalid_parameter(
                "Attributes did not conform to the schema: "
                + "".join(f"{name}: The attribute is required\n" for name in required)
            )

    @staticmethod
    def _check_value(entry: dict[str, Any], value: str) -> None:
        """facts:attributes.value-constraints: a String's length and a Number's range; texts UNVERIFIED."""
        if value == "":
            return  # a blank value deletes the attribute (facts:attributes.blank-deletes)
        name = entry["Name"]
        kind = entry.get("AttributeDataType", "String")
        if kind == "String":
            limits = entry.get("StringAttributeConstraints") or {}
            low, high = int(limits.get("MinLength") or 0), int(limits.get("MaxLength") or 2048)
            if not low <= len(value) <= high:
                raise invalid_parameter(
                    f"Invalid user attributes: user.{name}: String length must be between {low} and {high}.\n"
                )
        elif kind == "Number":
            limits = entry.get("NumberAttributeConstraints") or {}
            try:
                number = int(value)
            except ValueError:
                raise invalid_parameter(
                    f"Invalid user attributes: user.{name}: Number value is not valid.\n"
                ) from None
            least, most = limits.get("MinValue"), limits.get("MaxValue")
            if (least not in (None, "") and number < int(least)) or (
                most not in (None, "") and number > int(most)
            ):
                raise invalid_parameter(
                    f"Invalid user attributes: user.{name}: Number value is out of range.\n"
                )
        elif kind == "Boolean" and value.lower() not in ("true", "false"):
            raise invalid_parameter(f"Invalid user attributes: user.{name}: Boolean value is not valid.\n")

    def _check_client_writes(self, client: AppClient, names: list[str]) -> None:
        """facts:attributes.client-write-attributes: a user writes only what the client's
        WriteAttributes lists; without one, the standard attributes (not the verification flags)."""
        writable = client.settings.get("WriteAttributes")
        if writable is not None:
            if any(name not in writable for name in names):
                raise not_authorized(UNAUTHORIZED_WRITE)
            return
        for name in names:
            if name in FLAGS or name.startswith("dev:"):
                # facts:attributes.user-cannot-verify: a user does not mark their own contact verified;
                # developer-only attributes are written by administrators only (SchemaAttributeType).
                raise not_authorized(UNAUTHORIZED_WRITE)
            if name.startswith("custom:"):
                # The docs grant a client without WriteAttributes the standard attributes; whether it
                # may write custom ones is not stated, so the reference refuses to guess.
                raise unsupported_parameter(
                    "CreateUserPoolClient", "WriteAttributes", f"unset, with a user writing {name!r}"
                )

    # ------------------------------------------------------------------ applying an update

    def _check_alias_free(
        self, pool: Pool, user: User, attribute: str, value: str, *, verified: bool
    ) -> None:
        """facts:attributes.alias-exists: an e-mail or phone that signs another user in cannot be given
        to this one (a username attribute always; an alias once it is verified)."""
        as_username = attribute in (pool.fixed.get("UsernameAttributes") or [])
        as_alias = attribute in (pool.fixed.get("AliasAttributes") or [])
        if not (as_username or (as_alias and verified)):
            return
        for other in pool.users.values():
            if other is user or other.attributes.get(attribute, "").lower() != value.lower():
                continue
            if as_username or attribute_is_true(other.attributes.get(VERIFIABLE[attribute])):
                # The text is §7's for ConfirmSignUp's alias clash (UNVERIFIED here).
                raise CognitoError(
                    "AliasExistsException", f"An account with the given {attribute} already exists."
                )

    def _send_code(self, pool: Pool, user: User, attribute: str, value: str) -> dict[str, str]:
        """Put a new verification code for ``attribute`` (sent to ``value``) in the outbox; its
        CodeDeliveryDetails."""
        code = ids.confirmation_code()
        user.attribute_codes[attribute] = (code, self.clock.now() + CODE_LIFETIME)
        self.send_attribute_code(pool, user, attribute, value, code)
        return {
            "Destination": masked(attribute, value),
            "DeliveryMedium": MEDIUM[attribute],
            "AttributeName": attribute,
        }

    def _apply_updates(
        self, pool: Pool, user: User, values: dict[str, str], *, admin: bool
    ) -> list[dict[str, str]]:
        """Write ``values`` (already checked) to ``user``; the CodeDeliveryDetails of the codes sent.

        facts:attributes.blank-deletes: a blank value deletes the attribute.
        facts:attributes.change-unverifies: a new e-mail or phone is unverified unless the same
        (administrator's) request marks it verified; a pool that auto-verifies it sends a code.
        facts:attributes.verify-before-update: where the pool verifies before it updates, the old
        value stays and the new one waits for VerifyUserAttribute.
        """
        auto = set(pool.settings.get("AutoVerifiedAttributes") or [])
        before = set(
            (pool.settings.get("UserAttributeUpdateSettings") or {}).get(
                "AttributesRequireVerificationBeforeUpdate"
            )
            or []
        )
        deliveries: list[dict[str, str]] = []
        for attribute, flag in VERIFIABLE.items():
            value = values.get(attribute)
            if value is None or value == "" or value == user.attributes.get(attribute):
                continue
            marked = admin and attribute_is_true(values.get(flag))
            self._check_alias_free(pool, user, attribute, value, verified=marked)
            if attribute in before and attribute in auto and not marked:
                user.pending_attributes[attribute] = value
            else:
                user.attributes[attribute] = value
                user.pending_attributes.pop(attribute, None)
                user.attributes[flag] = self.verified_after_change(attribute, marked)
            if not marked and attribute in auto:
                deliveries.append(self._send_code(pool, user, attribute, value))
        for name, value in values.items():
            if name in VERIFIABLE and value != "":
                continue  # written above
            if value == "":
                self._delete_attribute(user, name)
                continue
            if name in FLAGS:
                attribute = FLAGS[name]
                if attribute_is_true(value) and attribute in user.pending_attributes:
                    # facts:attributes.verify-before-update: an administrator's "verified" applies the
                    # pending value.
                    pending = user.pending_attributes.pop(attribute)
                    self._check_alias_free(pool, user, attribute, pending, verified=True)
                    user.attributes[attribute] = pending
                elif attribute_is_true(value) and attribute in user.attributes:
                    self._check_alias_free(pool, user, attribute, user.attributes[attribute], verified=True)
            user.attributes[name] = value
        user.modified = self.clock.now()
        return deliveries

    @staticmethod
    def _delete_attribute(user: User, name: str) -> None:
        user.attributes.pop(name, None)
        if name in VERIFIABLE:
            # A flag about a value that is gone would speak of nothing: it goes too (UNVERIFIED).
            user.attributes.pop(VERIFIABLE[name], None)
            user.pending_attributes.pop(name, None)
            user.attribute_codes.pop(name, None)

    def _token_client(self, claims: dict[str, Any], pool: Pool) -> AppClient | None:
        return pool.clients.get(str(claims.get("client_id", "")))

    @staticmethod
    def _values(attributes: list[dict[str, Any]] | None) -> dict[str, str]:
        return {attr["Name"]: attr.get("Value", "") or "" for attr in attributes or []}

    # ------------------------------------------------------------------ the operations

    def admin_update_user_attributes(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        values = self._values(req.get("UserAttributes"))
        self._check_writes(pool, values, client=None)
        self._apply_updates(pool, user, values, admin=True)
        return {}

    def update_user_attributes(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, claims, _ = self.access_context(req["AccessToken"])
        values = self._values(req.get("UserAttributes"))
        client = self._token_client(claims, pool)
        if client is None:
            raise not_authorized("Invalid Access Token")
        self._check_writes(pool, values, client=client)
        deliveries = self._apply_updates(pool, user, values, admin=False)
        # facts:attributes.update-code-delivery: the codes sent, one CodeDeliveryDetails each; the
        # answer to an update that sends none is UNVERIFIED, and the reference leaves the list out.
        return {"CodeDeliveryDetailsList": deliveries} if deliveries else {}

    def _delete_attributes(self, pool: Pool, user: User, names: list[str], client: AppClient | None) -> None:
        # Deleting an attribute of the schema that the user does not hold: AWS's answer is UNVERIFIED;
        # the reference answers success, as a blank value in an update does.
        self._check_writes(pool, dict.fromkeys(names, ""), client=client, deleting=True)
        for name in names:
            self._delete_attribute(user, name)
        user.modified = self.clock.now()

    def admin_delete_user_attributes(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        self._delete_attributes(pool, user, list(req.get("UserAttributeNames") or []), None)
        return {}

    def delete_user_attributes(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, claims, _ = self.access_context(req["AccessToken"])
        client = self._token_client(claims, pool)
        if client is None:
            raise not_authorized("Invalid Access Token")
        self._delete_attributes(pool, user, list(req.get("UserAttributeNames") or []), client)
        return {}

    def get_user_attribute_verification_code(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, _, _ = self.access_context(req["AccessToken"])
        attribute = req["AttributeName"]
        if attribute not in VERIFIABLE:
            # facts:attributes.verification-code: only e-mail and phone are verified; text UNVERIFIED.
            raise invalid_parameter(f"Invalid attribute name: {attribute} cannot be verified.")
        value = user.pending_attributes.get(attribute) or user.attributes.get(attribute)
        if not value:
            raise invalid_parameter(f"The user has no {attribute} to verify.")  # UNVERIFIED text
        return {"CodeDeliveryDetails": self._send_code(pool, user, attribute, value)}

    def verify_user_attribute(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, _, _ = self.access_context(req["AccessToken"])
        attribute = req["AttributeName"]
        sent = user.attribute_codes.get(attribute)
        if sent is None or not hmac.compare_digest(sent[0], str(req.get("Code", ""))):
            # facts:attributes.verify-user-attribute; §7's CodeMismatch text.
            raise CognitoError(
                "CodeMismatchException", "Invalid verification code provided, please try again."
            )
        if sent[1] < self.clock.now():
            raise CognitoError("ExpiredCodeException", "Invalid code provided, please request a code again.")
        value = user.pending_attributes.get(attribute) or user.attributes.get(attribute)
        if value is None:
            raise CognitoError(
                "CodeMismatchException", "Invalid verification code provided, please try again."
            )
        self._check_alias_free(pool, user, attribute, value, verified=True)
        user.pending_attributes.pop(attribute, None)
        user.attribute_codes.pop(attribute, None)
        user.attributes[attribute] = value
        user.attributes[VERIFIABLE[attribute]] = "true"
        user.modified = self.clock.now()
        return {}

    def add_custom_attributes(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        schema = self._schema_of(pool)
        entries: list[dict[str, Any]] = []
        for attr in req.get("CustomAttributes") or []:
            name = _custom_name(attr)
            if name in schema or any(e["Name"] == name for e in entries):
                # facts:attributes.add-custom-existing; the text is UNVERIFIED.
                raise invalid_parameter(f"Existing attribute already has name {name}.")
            if attr.get("Required"):
                # As CreateUserPool's Schema (§7 [ISS trek10inc/serverless-cognito-manager#4]).
                raise invalid_parameter("Required custom attributes are not supported currently.")
            data_type = attr.get("AttributeDataType", "String")
            entry: dict[str, Any] = {
                "Name": name,
                "AttributeDataType": data_type,
                "DeveloperOnlyAttribute": bool(attr.get("DeveloperOnlyAttribute", False)),
                "Mutable": attr.get("Mutable", True),
                "Required": False,
            }
            if data_type == "String":
                entry["StringAttributeConstraints"] = attr.get("StringAttributeConstraints", {})
            elif data_type == "Number":
                entry["NumberAttributeConstraints"] = attr.get("NumberAttributeConstraints", {})
            entries.append(entry)
        customs = sum(1 for name in schema if name.startswith(("custom:", "dev:"))) + len(entries)
        if customs > MAX_CUSTOM_ATTRIBUTES:
            # facts:attributes.custom-limit; the text is UNVERIFIED.
            raise invalid_parameter(
                f"A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
            )
        pool.schema.extend(entries)
        pool.modified = self.clock.now()
        return {}
