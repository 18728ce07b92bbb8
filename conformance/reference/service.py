"""The Cognito user-pools behaviour of the reference, one method per operation.

Every rule cites the aws-behaviour.md section it executes. Where the facts file says UNVERIFIED,
the comment says so and names the choice made. The methods listed in ``HOOKS`` are the seams the
"miniature wrong endpoints" override: each carries exactly one behaviour, so a subclass that
overrides one of them breaks exactly that behaviour.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from conformance.crypto.srp import (
    REJECTION_REASONS,
    SrpRejected,
    SrpServer,
    compute_verifier,
    decode_secret_block,
    parse_srp_a,
    pool_name,
)
from conformance.reference import ids
from conformance.reference.clock import Clock
from conformance.reference.errors import (
    INCORRECT_CREDENTIALS,
    CognitoError,
    client_not_found,
    device_not_found,
    invalid_parameter,
    not_authorized,
    pool_not_found,
    user_not_found,
)
from conformance.reference.filters import UserFilter, parse_filter
from conformance.reference.passwords import DEFAULT_POLICY, check_password
from conformance.reference.state import (
    AppClient,
    AuthSession,
    Device,
    PageCursor,
    Pool,
    SrpExchange,
    TokenFamily,
    User,
)
from conformance.reference.tokens import new_refresh_token, new_secret_block, new_session, unverified_claims

#: Operations the reference implements: wire name -> method name.
OPERATIONS: dict[str, str] = {
    name: re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    for name in (
        "CreateUserPool",
        "DescribeUserPool",
        "UpdateUserPool",
        "DeleteUserPool",
        "ListUserPools",
        "CreateUserPoolClient",
        "DescribeUserPoolClient",
        "UpdateUserPoolClient",
        "DeleteUserPoolClient",
        "ListUserPoolClients",
        "SignUp",
        "ConfirmSignUp",
        "AdminConfirmSignUp",
        "AdminCreateUser",
        "AdminSetUserPassword",
        "AdminGetUser",
        "AdminEnableUser",
        "AdminDisableUser",
        "AdminDeleteUser",
        "ListUsers",
        "GetUser",
        "ChangePassword",
        "InitiateAuth",
        "AdminInitiateAuth",
        "RespondToAuthChallenge",
        "AdminRespondToAuthChallenge",
        "GlobalSignOut",
        "AdminUserGlobalSignOut",
        "RevokeToken",
        "ConfirmDevice",
        "GetDevice",
        "AdminGetDevice",
        "ListDevices",
        "AdminListDevices",
        "UpdateDeviceStatus",
        "AdminUpdateDeviceStatus",
        "ForgetDevice",
        "AdminForgetDevice",
        "AdminResetUserPassword",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "ResendConfirmationCode",
    )
}

#: The one-behaviour seams for miniatures (see the module docstring).
#: The one-behaviour seams for miniatures: hook name -> the behaviour it carries (override it on a
#: CognitoService subclass, set ``ReferenceApp.service_class``). ``ReferenceApp.error_response`` is
#: the one app-level seam (the error wire form and codes).
HOOK_BEHAVIOURS: dict[str, str] = {
    "shape_result": "the body of every successful response (drop or rename a member)",
    "password_matches": "password checks of USER_PASSWORD_AUTH, admin password flows and ChangePassword",
    "verify_password_claim": "the PASSWORD_VERIFIER (user SRP) signature check",
    "verify_device_claim": "the DEVICE_PASSWORD_VERIFIER (device SRP) signature check",
    "ensure_enabled": "refusing disabled users at sign-in, challenge answers and refresh",
    "revoke_families": "marking sign-ins' access/refresh tokens revoked (sign-out, RevokeToken, disable)",
    "global_sign_out_user": "what GlobalSignOut / AdminUserGlobalSignOut revoke",
    "find_device": "which device keys exist for a user (confirmed, not forgotten)",
    "forget_device_record": "deleting a device on ForgetDevice / AdminForgetDevice",
    "consume_session": "single use of Session strings",
    "refresh_issues_refresh_token": "whether REFRESH_TOKEN_AUTH returns a new refresh token",
    "filter_users": "applying the ListUsers filter",
    "page_size": "how many items a list page holds for a Limit / MaxResults",
    "access_token_claims": "the access token's claims",
    "id_token_claims": "the ID token's claims",
    "check_secret_hash": "SECRET_HASH enforcement for secret clients",
    "flow_error": "ExplicitAuthFlows enforcement and its messages",
}
HOOKS = tuple(HOOK_BEHAVIOURS)

SCOPE = "aws.cognito.signin.user.admin"
USER_FLOW_OPS = {
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "USER_PASSWORD_AUTH",
    "USER_AUTH",
}
ADMIN_FLOW_OPS = {
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
}
LEGACY_FLOWS = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}

#: aws-behaviour.md §4 flow -> (the ALLOW_ value that enables it, AWS's message when it is off).
FLOW_RULES: dict[str, tuple[str, str]] = {
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH", "USER_SRP_AUTH is not enabled for the client."),
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH flow not enabled for this client"),
    "ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "Auth flow not enabled for this client"),
    "ADMIN_NO_SRP_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "Auth flow not enabled for this client"),
    # §12.3: REFRESH_TOKEN_AUTH's text is still UNVERIFIED; by analogy with the two settled texts.
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH", "REFRESH_TOKEN_AUTH is not enabled for the client."),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH", "REFRESH_TOKEN_AUTH is not enabled for the client."),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH is not enabled for the client."),
    # UNVERIFIED: the same shape for USER_AUTH.
    "USER_AUTH": ("ALLOW_USER_AUTH", "USER_AUTH is not enabled for the client."),
}

#: Default SchemaAttributes in AWS's order (§9 [CLI create-user-pool; 2024 describe adds identities]).
_STRING = {
    "AttributeDataType": "String",
    "DeveloperOnlyAttribute": False,
    "Mutable": True,
    "Required": False,
    "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
}
_BOOLEAN = {
    "AttributeDataType": "Boolean",
    "DeveloperOnlyAttribute": False,
    "Mutable": True,
    "Required": False,
}


def _default_schema() -> list[dict[str, Any]]:
    schema: list[dict[str, Any]] = [
        {
            "Name": "sub",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": False,
            "Mutable": False,
            "Required": True,
            "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"},
        }
    ]
    for name in (
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "email",
    ):
        schema.append({"Name": name, **json.loads(json.dumps(_STRING))})
    schema.append({"Name": "email_verified", **_BOOLEAN})
    schema.append({"Name": "gender", **json.loads(json.dumps(_STRING))})
    birthdate = {"Name": "birthdate", **json.loads(json.dumps(_STRING))}
    birthdate["StringAttributeConstraints"] = {"MinLength": "10", "MaxLength": "10"}
    schema.append(birthdate)
    for name in ("zoneinfo", "locale", "phone_number"):
        schema.append({"Name": name, **json.loads(json.dumps(_STRING))})
    schema.append({"Name": "phone_number_verified", **_BOOLEAN})
    schema.append({"Name": "address", **json.loads(json.dumps(_STRING))})
    schema.append(
        {
            "Name": "updated_at",
            "AttributeDataType": "Number",
            "DeveloperOnlyAttribute": False,
            "Mutable": True,
            "Required": False,
            "NumberAttributeConstraints": {"MinValue": "0"},
        }
    )
    schema.append(
        {
            "Name": "identities",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": False,
            "Mutable": True,
            "Required": False,
            "StringAttributeConstraints": {},
        }
    )
    return schema


#: CreateUserPool members UpdateUserPool can change; UpdateUserPool resets every omitted one (§9).
POOL_UPDATABLE = (
    "Policies",
    "DeletionProtection",
    "LambdaConfig",
    "AutoVerifiedAttributes",
    "SmsVerificationMessage",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "VerificationMessageTemplate",
    "SmsAuthenticationMessage",
    "UserAttributeUpdateSettings",
    "MfaConfiguration",
    "DeviceConfiguration",
    "EmailConfiguration",
    "SmsConfiguration",
    "UserPoolTags",
    "AdminCreateUserConfig",
    "UserPoolAddOns",
    "AccountRecoverySetting",
    "UserPoolTier",
)
#: Members fixed at creation.
POOL_FIXED = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration")
#: CreateUserPoolClient members UpdateUserPoolClient can change (all reset when omitted, §9).
CLIENT_UPDATABLE = (
    "RefreshTokenValidity",
    "AccessTokenValidity",
    "IdTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
    "ExplicitAuthFlows",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "DefaultRedirectURI",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AllowedOAuthFlowsUserPoolClient",
    "AnalyticsConfiguration",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "EnablePropagateAdditionalUserContextData",
    "AuthSessionValidity",
    "RefreshTokenRotation",
)
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"\+[0-9]{4,20}")
#: Attributes whose values are JSON booleans in ID tokens (§5 "email_verified (JSON boolean)").
_BOOLEAN_CLAIMS = {"email_verified", "phone_number_verified"}


def _ms(value: float) -> float:
    """Epoch seconds with a millisecond fraction, as AWS writes timestamps (§10)."""
    return round(value, 3)


def _attributes_list(attributes: dict[str, str], names: Iterable[str] | None = None) -> list[dict[str, str]]:
    wanted = attributes if names is None else {n: attributes[n] for n in names if n in attributes}
    return [{"Name": k, "Value": v} for k, v in wanted.items()]


def _mask_email(email: str) -> str:
    # §8: first char of the local part + "***@" + first char of the domain + "***".
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


class CognitoService:
    """The behaviour of one reference endpoint: all state and every implemented operation.

    Args:
        region: the Region in ids, ARNs and ``iss``.
        account_id: the account in ARNs.
        clock: the time source for every expiry.
    """

    def __init__(self, *, region: str, account_id: str, clock: Clock) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        """Forget every pool, session and token."""
        self.pools: dict[str, Pool] = {}
        self.sessions: dict[str, AuthSession] = {}
        self.srp_exchanges: dict[str, SrpExchange] = {}
        self.families: dict[str, TokenFamily] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.cursors: dict[str, PageCursor] = {}
        #: the source IP of the current request (device ``last_ip_used``, §2).
        self.source_ip = "127.0.0.1"

    # ------------------------------------------------------------------ hooks (one behaviour each)

    def shape_result(self, operation: str, result: dict[str, Any]) -> dict[str, Any]:
        """The response body of a successful call (a miniature drops or renames a member here)."""
        return result

    def password_matches(self, user: User, password: str) -> bool:
        """Whether ``password`` is the user's current password (a miniature accepts a wrong one)."""
        return user.password is not None and hmac.compare_digest(user.password.encode(), password.encode())

    def verify_password_claim(self, exchange: SrpExchange, responses: dict[str, str], pool: Pool) -> None:
        """Check a PASSWORD_VERIFIER signature (a miniature skips this); raises SrpRejected."""
        exchange.server.verify(
            srp_a_hex=exchange.srp_a,
            pool_name=pool_name(pool.pool_id),
            username=exchange.user_id_for_srp,
            secret_block=decode_secret_block(responses["PASSWORD_CLAIM_SECRET_BLOCK"]),
            timestamp=responses["TIMESTAMP"],
            signature_b64=responses["PASSWORD_CLAIM_SIGNATURE"],
        )

    def verify_device_claim(self, session: AuthSession, device: Device, responses: dict[str, str]) -> None:
        """Check a DEVICE_PASSWORD_VERIFIER signature (§2 steps 5-6); raises SrpRejected."""
        session.srp_server.verify(
            srp_a_hex=session.srp_a or "",
            pool_name=device.group_key,
            username=device.key,
            secret_block=decode_secret_block(responses["PASSWORD_CLAIM_SECRET_BLOCK"]),
            timestamp=responses["TIMESTAMP"],
            signature_b64=responses["PASSWORD_CLAIM_SIGNATURE"],
        )

    def ensure_enabled(self, user: User) -> None:
        """Refuse a disabled user (§6, §8: "User is disabled.")."""
        if not user.enabled:
            raise not_authorized("User is disabled.")

    def revoke_families(self, families: Iterable[TokenFamily], *, access: bool, refresh: bool) -> None:
        """Revoke the access and/or refresh tokens of sign-ins (a miniature revokes nothing)."""
        for family in families:
            if access:
                family.access_revoked = True
            if refresh:
                family.refresh_revoked = True

    def global_sign_out_user(self, user: User) -> None:
        """GlobalSignOut / AdminUserGlobalSignOut: revoke every sign-in's access and refresh tokens (§6)."""
        self.revoke_families(self._families_of(user), access=True, refresh=True)

    def find_device(self, user: User, device_key: str | None) -> Device | None:
        """A confirmed device of ``user`` (forgotten and never-confirmed keys do not exist)."""
        device = user.devices.get(device_key or "")
        return device if device is not None and device.confirmed else None

    def forget_device_record(self, user: User, device: Device) -> None:
        """Delete a device (a miniature keeps it usable)."""
        user.devices.pop(device.key, None)

    def consume_session(self, session: AuthSession) -> None:
        """Mark a session used: sessions are single use (§3; a miniature allows reuse)."""
        session.used = True

    def refresh_issues_refresh_token(self) -> bool:
        """Whether REFRESH_TOKEN_AUTH returns a new refresh token: not without rotation (§4)."""
        return False

    def filter_users(self, users: list[User], user_filter: UserFilter | None) -> list[User]:
        """The users a ListUsers filter selects (a miniature ignores the filter)."""
        if user_filter is None:
            return users
        return [u for u in users if user_filter.matches(self._filter_value(u, user_filter.attribute))]

    def page_size(self, limit: int | None, default: int) -> int:
        """How many items a page holds for a requested Limit (a miniature returns more)."""
        return default if not limit else limit

    def access_token_claims(
        self, pool: Pool, client: AppClient, user: User, family: TokenFamily, now: int, lifetime: int
    ) -> dict[str, Any]:
        """Access-token claims (§5): no ``aud``, no email; ``username`` is the internal username."""
        claims: dict[str, Any] = {"sub": user.sub}
        if family.device_key:
            claims["device_key"] = family.device_key
        claims.update(
            {
                "iss": self.issuer(pool.pool_id),
                "client_id": client.client_id,
                "origin_jti": family.origin_jti,
                "event_id": str(uuid.uuid4()),
                "token_use": "access",
                "scope": SCOPE,
                "auth_time": family.auth_time,
                "exp": now + lifetime,
                "iat": now,
                "jti": str(uuid.uuid4()),
                "username": user.username,
            }
        )
        return claims

    def id_token_claims(
        self, pool: Pool, client: AppClient, user: User, family: TokenFamily, now: int, lifetime: int
    ) -> dict[str, Any]:
        """ID-token claims (§5): attributes (booleans as JSON booleans, custom ones as strings)."""
        claims: dict[str, Any] = {"sub": user.sub}
        for name, value in user.attributes.items():
            if name == "sub" or name.startswith("dev:"):
                continue
            claims[name] = (value == "true") if name in _BOOLEAN_CLAIMS else value
        claims.update(
            {
                "iss": self.issuer(pool.pool_id),
                "cognito:username": user.username,
                "origin_jti": family.origin_jti,
                "aud": client.client_id,
                "event_id": str(uuid.uuid4()),
                "token_use": "id",
                "auth_time": family.auth_time,
                "exp": now + lifetime,
                "iat": now,
                "jti": str(uuid.uuid4()),
            }
        )
        return claims

    def check_secret_hash(
        self,
        client: AppClient,
        supplied: str | None,
        usernames: Iterable[str | None],
        *,
        refresh: bool = False,
    ) -> None:
        """Enforce SECRET_HASH for a client with a secret (§1, §12.2).

        Args:
            client: the app client.
            supplied: the SECRET_HASH / SecretHash sent, if any.
            usernames: the usernames the hash may be computed over (typed name, internal name).
            refresh: REFRESH_TOKEN_AUTH words a mismatch differently (§12.2, likely).
        """
        if client.secret is None:
            return
        if not supplied:
            # §12.2 (settled): the service's text; §1's wording came from a client library.
            raise not_authorized(
                f"Client {client.client_id} is configured with secret but SECRET_HASH was not received"
            )
        for name in usernames:
            if name is None:
                continue
            digest = hmac.new(
                client.secret.encode(), (name + client.client_id).encode(), hashlib.sha256
            ).digest()
            if hmac.compare_digest(base64.b64encode(digest).decode(), supplied):
                return
        if refresh:
            raise not_authorized(f"SecretHash does not match for the client: {client.client_id}")
        raise not_authorized(f"Unable to verify secret hash for client {client.client_id}")

    def flow_error(self, client: AppClient, flow: str) -> str | None:
        """The InvalidParameterException text when ``flow`` is not enabled on ``client`` (§4, §12.3)."""
        flows = client.settings.get("ExplicitAuthFlows") or []
        legacy = LEGACY_FLOWS.intersection(flows)
        if not flows:
            # §4 [BC]: unset means ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH.
            allowed = {"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
        elif legacy:
            if "CUSTOM_AUTH_FLOW_ONLY" in legacy and flow not in (
                "CUSTOM_AUTH",
                "REFRESH_TOKEN_AUTH",
                "REFRESH_TOKEN",
            ):
                # §12.3 (likely) [ISS aws-amplify/amplify-js#3379].
                return "Only custom auth (lambda driven) is enabled for this client."
            # §4 (verified, MOTO-V): legacy lists implicitly allow SRP and refresh. Custom auth too:
            # UNVERIFIED, the reference allows it.
            allowed = {"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
            if "ADMIN_NO_SRP_AUTH" in legacy:
                allowed.add("ALLOW_ADMIN_USER_PASSWORD_AUTH")
            if "USER_PASSWORD_AUTH" in legacy:
                allowed.add("ALLOW_USER_PASSWORD_AUTH")
        else:
            allowed = set(flows)
        needed, message = FLOW_RULES[flow]
        return None if needed in allowed else message

    # ------------------------------------------------------------------ lookups

    def issuer(self, pool_id: str) -> str:
        """``iss`` in the AWS form (§5)."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{pool_id}"

    def pool(self, pool_id: str) -> Pool:
        found = self.pools.get(pool_id)
        if found is None:
            raise pool_not_found(pool_id)
        return found

    def client_in_pool(self, pool: Pool, client_id: str) -> AppClient:
        found = pool.clients.get(client_id)
        if found is None:
            raise client_not_found(client_id)
        return found

    def client_anywhere(self, client_id: str) -> tuple[Pool, AppClient]:
        for pool in self.pools.values():
            found = pool.clients.get(client_id)
            if found is not None:
                return pool, found
        raise client_not_found(client_id)

    def find_user(self, pool: Pool, name: str | None) -> User | None:
        """The user a username, alias or sub names (§8: "Admin and user ops accept the username or any
        alias; otherwise the sub")."""
        if not name:
            return None
        case_sensitive = pool.fixed.get("UsernameConfiguration", {}).get("CaseSensitive", True)
        found = pool.users.get(name)
        if found is not None:
            return found
        if not case_sensitive:
            lowered = name.lower()
            for user in pool.users.values():
                if user.username.lower() == lowered:
                    return user
        username_attrs = pool.fixed.get("UsernameAttributes") or []
        alias_attrs = pool.fixed.get("AliasAttributes") or []
        for user in pool.users.values():
            if user.sub == name:
                return user
            for attr in username_attrs:
                if user.attributes.get(attr) is not None and user.attributes[attr].lower() == name.lower():
                    return user
            for attr in alias_attrs:
                value = user.attributes.get(attr)
                verified = attr == "preferred_username" or user.attributes.get(f"{attr}_verified") == "true"
                if value is not None and verified and value.lower() == name.lower():
                    return user
        return None

    def admin_user(self, pool: Pool, name: str) -> User:
        user = self.find_user(pool, name)
        if user is None:
            raise user_not_found()
        return user

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

    def _page(
        self, scope: tuple[Any, ...], items: list[Any], token: str | None, size: int
    ) -> tuple[list[Any], str | None]:
        """One page of ``items`` and the token of the next (opaque, server side, 1 hour: §9)."""
        now = self.clock.now()
        offset = 0
        if token:
            cursor = self.cursors.pop(token, None)
            if cursor is None or cursor.scope != scope or cursor.expires < now:
                # UNVERIFIED text; AWS expires tokens after an hour (§9 [DG]).
                raise invalid_parameter("Invalid pagination token.")
            offset = cursor.offset
        page = items[offset : offset + size]
        next_token = None
        if offset + size < len(items):
            next_token = ids.pagination_token()
            self.cursors[next_token] = PageCursor(scope, offset + size, now + 3600)
        return page, next_token

    # ------------------------------------------------------------------ user pools

    def _password_policy(self, settings: dict[str, Any]) -> dict[str, Any]:
        given = (settings.get("Policies") or {}).get("PasswordPolicy")
        if given is None:
            return dict(DEFAULT_POLICY)
        policy = {
            "MinimumLength": given.get("MinimumLength", 8),
            "RequireUppercase": given.get("RequireUppercase", False),
            "RequireLowercase": given.get("RequireLowercase", False),
            "RequireNumbers": given.get("RequireNumbers", False),
            "RequireSymbols": given.get("RequireSymbols", False),
        }
        if "PasswordHistorySize" in given:
            policy["PasswordHistorySize"] = given["PasswordHistorySize"]
        # §8 [BC]: TemporaryPasswordValidityDays defaults to 7, and 0 means the default.
        policy["TemporaryPasswordValidityDays"] = given.get("TemporaryPasswordValidityDays") or 7
        return policy

    def _pool_settings(self, request: dict[str, Any]) -> dict[str, Any]:
        settings = {key: request[key] for key in POOL_UPDATABLE if key in request}
        self._check_explicit_pool_settings(settings)
        return settings

    def _check_explicit_pool_settings(self, settings: dict[str, Any]) -> None:
        tier = settings.get("UserPoolTier", "ESSENTIALS")
        mode = (settings.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode", "OFF")
        if mode in ("AUDIT", "ENFORCED") and tier != "PLUS":
            # §11.3 [DG plans]: advanced security needs PLUS. Exception text UNVERIFIED.
            raise CognitoError(
                "FeatureUnavailableInTierException", "Threat protection requires the Plus feature plan."
            )

    def _build_schema(self, request_schema: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        schema = _default_schema()
        by_name = {attr["Name"]: attr for attr in schema}
        for attr in request_schema or []:
            name = attr.get("Name", "")
            if name in by_name:
                by_name[name].update({k: v for k, v in attr.items() if k != "Name"})
                continue
            if attr.get("Required"):
                # §7 [ISS trek10inc/serverless-cognito-manager#4].
                raise invalid_parameter("Required custom attributes are not supported currently.")
            data_type = attr.get("AttributeDataType", "String")
            entry: dict[str, Any] = {
                "Name": ("dev:custom:" if attr.get("DeveloperOnlyAttribute") else "custom:") + name,
                "AttributeDataType": data_type,
                "DeveloperOnlyAttribute": bool(attr.get("DeveloperOnlyAttribute", False)),
                "Mutable": attr.get("Mutable", True),
                "Required": False,
            }
            if data_type == "String":
                entry["StringAttributeConstraints"] = attr.get("StringAttributeConstraints", {})
            elif data_type == "Number":
                entry["NumberAttributeConstraints"] = attr.get("NumberAttributeConstraints", {})
            schema.append(entry)
            by_name[name] = entry
        return schema

    def describe_pool(self, pool: Pool) -> dict[str, Any]:
        """The UserPoolType of DescribeUserPool / CreateUserPool (§9, §12.7 defaults)."""
        s = pool.settings
        admin_config = {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7}
        admin_config.update(s.get("AdminCreateUserConfig") or {})
        description: dict[str, Any] = {
            "Id": pool.pool_id,
            "Name": pool.name,
            "Policies": {
                "PasswordPolicy": self._password_policy(s),
                "SignInPolicy": (s.get("Policies") or {}).get(
                    "SignInPolicy", {"AllowedFirstAuthFactors": ["PASSWORD"]}
                ),
            },
            # §11.3 [DG delprot]: off by default through the API.
            "DeletionProtection": s.get("DeletionProtection", "INACTIVE"),
            "LambdaConfig": s.get("LambdaConfig", {}),
            "LastModifiedDate": _ms(pool.modified),
            "CreationDate": _ms(pool.created),
            "SchemaAttributes": pool.schema,
        }
        for key in ("AutoVerifiedAttributes", "AliasAttributes", "UsernameAttributes"):
            value = s.get(key, pool.fixed.get(key))
            if value:
                description[key] = value
        for key in (
            "SmsVerificationMessage",
            "EmailVerificationMessage",
            "EmailVerificationSubject",
            "SmsAuthenticationMessage",
            "SmsConfiguration",
            "UserPoolTags",
            "UserPoolAddOns",
        ):
            if key in s:
                description[key] = s[key]
        description["VerificationMessageTemplate"] = s.get(
            "VerificationMessageTemplate", {"DefaultEmailOption": "CONFIRM_WITH_CODE"}
        )
        description["UserAttributeUpdateSettings"] = s.get(
            "UserAttributeUpdateSettings", {"AttributesRequireVerificationBeforeUpdate": []}
        )
        description["MfaConfiguration"] = s.get("MfaConfiguration", "OFF")
        if s.get("DeviceConfiguration") is not None:
            # §2: DescribeUserPool returns null for DeviceConfiguration unless remembering is on.
            description["DeviceConfiguration"] = {
                "ChallengeRequiredOnNewDevice": s["DeviceConfiguration"].get(
                    "ChallengeRequiredOnNewDevice", False
                ),
                "DeviceOnlyRememberedOnUserPrompt": s["DeviceConfiguration"].get(
                    "DeviceOnlyRememberedOnUserPrompt", False
                ),
            }
        description["EstimatedNumberOfUsers"] = len(pool.users)
        description["EmailConfiguration"] = s.get(
            "EmailConfiguration", {"EmailSendingAccount": "COGNITO_DEFAULT"}
        )
        if "UsernameConfiguration" in pool.fixed:
            description["UsernameConfiguration"] = pool.fixed["UsernameConfiguration"]
        description["AdminCreateUserConfig"] = admin_config
        description["Arn"] = pool.arn
        description["AccountRecoverySetting"] = s.get(
            "AccountRecoverySetting",
            {
                "RecoveryMechanisms": [
                    {"Priority": 1, "Name": "verified_email"},
                    {"Priority": 2, "Name": "verified_phone_number"},
                ]
            },
        )
        description["UserPoolTier"] = s.get("UserPoolTier", "ESSENTIALS")
        return description

    def create_user_pool(self, req: dict[str, Any]) -> dict[str, Any]:
        if req.get("UsernameAttributes") and req.get("AliasAttributes"):
            # UNVERIFIED text; the model docs say the two are exclusive.
            raise invalid_parameter(
                "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
            )
        now = self.clock.now()
        pool_id = ids.user_pool_id(self.region)
        pool = Pool(
            pool_id=pool_id,
            name=req["PoolName"],
            arn=f"arn:aws:cognito-idp:{self.region}:{self.account_id}:userpool/{pool_id}",
            created=now,
            modified=now,
            settings=self._pool_settings(req),
            fixed={k: req[k] for k in POOL_FIXED if k in req},
            schema=self._build_schema(req.get("Schema")),
        )
        self.pools[pool_id] = pool
        return {"UserPool": self.describe_pool(pool)}

    def describe_user_pool(self, req: dict[str, Any]) -> dict[str, Any]:
        return {"UserPool": self.describe_pool(self.pool(req["UserPoolId"]))}

    def update_user_pool(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        # §9 [3P:67291308035]: "It resets every parameter you omit".
        pool.settings = self._pool_settings(req)
        if req.get("PoolName"):
            pool.name = req["PoolName"]
        pool.modified = self.clock.now()
        return {}

    def delete_user_pool(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        if pool.settings.get("DeletionProtection") == "ACTIVE":
            # §9, §11.3: InvalidParameterException; the text is UNVERIFIED.
            raise invalid_parameter(
                "The user pool cannot be deleted because deletion protection is activated."
            )
        del self.pools[pool.pool_id]
        return {}

    def list_user_pools(self, req: dict[str, Any]) -> dict[str, Any]:
        pools = list(self.pools.values())
        page, token = self._page(
            ("pools",), pools, req.get("NextToken"), self.page_size(req["MaxResults"], 60)
        )
        result: dict[str, Any] = {
            "UserPools": [
                {
                    "Id": p.pool_id,
                    "Name": p.name,
                    "LambdaConfig": p.settings.get("LambdaConfig", {}),
                    "LastModifiedDate": _ms(p.modified),
                    "CreationDate": _ms(p.created),
                }
                for p in page
            ]
        }
        if token:
            result["NextToken"] = token
        return result

    # ------------------------------------------------------------------ app clients

    def _client_settings(self, req: dict[str, Any]) -> dict[str, Any]:
        settings = {key: req[key] for key in CLIENT_UPDATABLE if key in req}
        flows = settings.get("ExplicitAuthFlows") or []
        if LEGACY_FLOWS.intersection(flows) and any(f.startswith("ALLOW_") for f in flows):
            # §4 [BC]: legacy and ALLOW_ values can't be mixed; the text is UNVERIFIED (§12.3).
            raise invalid_parameter("Legacy and ALLOW_ ExplicitAuthFlows values cannot be combined.")
        return settings

    def describe_client(self, pool: Pool, client: AppClient) -> dict[str, Any]:
        """The UserPoolClientType (§12.5, settled: what an API-created client returns)."""
        s = client.settings
        result: dict[str, Any] = {
            "UserPoolId": pool.pool_id,
            "ClientName": client.name,
            "ClientId": client.client_id,
        }
        if client.secret is not None:
            result["ClientSecret"] = client.secret
        result["LastModifiedDate"] = _ms(client.modified)
        result["CreationDate"] = _ms(client.created)
        result["RefreshTokenValidity"] = s.get("RefreshTokenValidity", 30)
        for key in (
            "AccessTokenValidity",
            "IdTokenValidity",
            "TokenValidityUnits",
            "ReadAttributes",
            "WriteAttributes",
            "ExplicitAuthFlows",
            "SupportedIdentityProviders",
            "CallbackURLs",
            "LogoutURLs",
            "DefaultRedirectURI",
            "AllowedOAuthFlows",
            "AllowedOAuthScopes",
        ):
            if s.get(key) is not None:
                result[key] = s[key]
        result["AllowedOAuthFlowsUserPoolClient"] = s.get("AllowedOAuthFlowsUserPoolClient", False)
        if "AnalyticsConfiguration" in s:
            result["AnalyticsConfiguration"] = s["AnalyticsConfiguration"]
        if "PreventUserExistenceErrors" in s:
            result["PreventUserExistenceErrors"] = s["PreventUserExistenceErrors"]
        result["EnableTokenRevocation"] = s.get("EnableTokenRevocation", True)
        result["EnablePropagateAdditionalUserContextData"] = s.get(
            "EnablePropagateAdditionalUserContextData", False
        )
        result["AuthSessionValidity"] = s.get("AuthSessionValidity", 3)
        return result

    def create_user_pool_client(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        if req.get("GenerateSecret") and req.get("ClientSecret"):
            # §9 [BC]: "you can't give both"; text UNVERIFIED.
            raise invalid_parameter("ClientSecret cannot be set when GenerateSecret is true.")
        secret = req.get("ClientSecret") or (ids.client_secret() if req.get("GenerateSecret") else None)
        now = self.clock.now()
        client = AppClient(ids.client_id(), req["ClientName"], secret, now, now, self._client_settings(req))
        pool.clients[client.client_id] = client
        return {"UserPoolClient": self.describe_client(pool, client)}

    def describe_user_pool_client(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        return {"UserPoolClient": self.describe_client(pool, self.client_in_pool(pool, req["ClientId"]))}

    def update_user_pool_client(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        client = self.client_in_pool(pool, req["ClientId"])
        # §9 [DG authentication-flow]: omitted settings reset to their defaults.
        client.settings = self._client_settings(req)
        if req.get("ClientName"):
            client.name = req["ClientName"]
        client.modified = self.clock.now()
        return {"UserPoolClient": self.describe_client(pool, client)}

    def delete_user_pool_client(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        client = self.client_in_pool(pool, req["ClientId"])
        del pool.clients[client.client_id]
        return {}

    def list_user_pool_clients(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        clients = list(pool.clients.values())
        page, token = self._page(
            ("clients", pool.pool_id),
            clients,
            req.get("NextToken"),
            self.page_size(req.get("MaxResults"), 60),
        )
        result: dict[str, Any] = {
            "UserPoolClients": [
                {"ClientId": c.client_id, "UserPoolId": pool.pool_id, "ClientName": c.name} for c in page
            ]
        }
        if token:
            result["NextToken"] = token
        return result

    # ------------------------------------------------------------------ users

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
            attributes_key: _attributes_list({"sub": user.sub, **user.attributes}, names),
            "UserCreateDate": _ms(user.created),
            "UserLastModifiedDate": _ms(user.modified),
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
        return self.user_record(self.admin_user(pool, req["Username"]), attributes_key="UserAttributes")

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
        if wanted and "sub" in wanted:
            # §7 [ISS aws-samples/sample-collaborative-ai-dlc#52].
            raise invalid_parameter("Input fails to satisfy the constraints.")
        user_filter = parse_filter(req.get("Filter"))
        users = self.filter_users(list(pool.users.values()), user_filter)
        # Default Limit and Limit=0 are UNVERIFIED (§12.6: 60 in 2018, 25 said in 2025); the reference
        # uses 60 for both, the page size AWS's own clients ask for.
        size = self.page_size(req.get("Limit"), 60)
        scope = ("users", pool.pool_id, req.get("Filter") or "")
        page, token = self._page(scope, users, req.get("PaginationToken"), size)
        if wanted:
            for user in page:
                if any(name not in user.attributes for name in wanted):
                    # §12.6 (likely) [ISS aws/aws-sdk-js#2570]; API ListUsers doc.
                    raise invalid_parameter("One or more requested attributes do not exist.")
        result: dict[str, Any] = {
            "Users": [self.user_record(u, names=wanted) if wanted else self.user_record(u) for u in page]
        }
        if wanted:
            for record in result["Users"]:
                record["Attributes"] = [a for a in record["Attributes"] if a["Name"] != "sub"]
        if token:
            result["PaginationToken"] = token
        return result

    # ------------------------------------------------------------------ password reset and codes

    def _code_delivery(self, pool: Pool, user: User | None, username: str) -> dict[str, str]:
        """CodeDeliveryDetails for a code sent to the user's verified e-mail or phone (§8 masking)."""
        if user is None:
            # §7 PreventUserExistenceErrors=ENABLED: "a simulated medium"; its form is UNVERIFIED.
            seed = username if "@" in username else f"{username[:1] or 'x'}@{username[-1:] or 'x'}"
            return {"Destination": _mask_email(seed), "DeliveryMedium": "EMAIL", "AttributeName": "email"}
        if "email" in user.attributes and user.attributes.get("email_verified") == "true":
            return {
                "Destination": _mask_email(user.attributes["email"]),
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            }
        phone = user.attributes.get("phone_number")
        if phone and user.attributes.get("phone_number_verified") == "true":
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
        check_password(req["Password"], self._password_policy(pool.settings))
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
        return {"CodeDeliveryDetails": delivery} if delivery else {}

    # ------------------------------------------------------------------ token-authorised user operations

    def access_context(self, token: str) -> tuple[Pool, User, dict[str, Any], TokenFamily]:
        """Authorise an access token (§6, §7, §12.4 texts).

        Raises:
            CognitoError: NotAuthorizedException "Invalid Access Token", "Access Token has expired"
                or "Access Token has been revoked".
        """
        claims = unverified_claims(token)
        pool = None
        if claims is not None and isinstance(claims.get("iss"), str):
            pool = self.pools.get(claims["iss"].rsplit("/", 1)[-1])
        if claims is None or pool is None or pool.keys.access_key.verify(token) is None:
            raise not_authorized("Invalid Access Token")
        if claims.get("token_use") != "access":
            raise not_authorized("Invalid Access Token")
        if SCOPE not in str(claims.get("scope", "")).split():
            raise not_authorized("Access Token does not have required scopes")
        if claims.get("exp", 0) <= self.clock.now():
            raise not_authorized("Access Token has expired")
        family = self.families.get(claims.get("origin_jti", ""))
        if family is None or family.access_revoked:
            raise not_authorized("Access Token has been revoked")
        user = pool.users.get(claims.get("username", ""))
        if user is None or user.sub != claims.get("sub"):
            # §7: a deleted user's token is "Invalid Access Token".
            raise not_authorized("Invalid Access Token")
        return pool, user, claims, family

    def get_user(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user, _, _ = self.access_context(req["AccessToken"])
        return {
            "Username": user.username,
            "UserAttributes": _attributes_list({"sub": user.sub, **user.attributes}),
        }

    def change_password(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, _, _ = self.access_context(req["AccessToken"])
        if not self.password_matches(user, req.get("PreviousPassword") or ""):
            # §7 [3P:1461645577].
            raise not_authorized(INCORRECT_CREDENTIALS)
        check_password(req["ProposedPassword"], self._password_policy(pool.settings))
        self._set_password(pool, user, req["ProposedPassword"], temporary=False)
        user.modified = self.clock.now()
        return {}

    def _families_of(self, user: User) -> list[TokenFamily]:
        return [self.families[j] for j in user.families if j in self.families]

    def global_sign_out(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user, _, _ = self.access_context(req["AccessToken"])
        self.global_sign_out_user(user)
        return {}

    def admin_user_global_sign_out(self, req: dict[str, Any]) -> dict[str, Any]:
        user = self.admin_user(self.pool(req["UserPoolId"]), req["Username"])
        self.global_sign_out_user(user)
        return {}

    def revoke_token(self, req: dict[str, Any]) -> dict[str, Any]:
        """RevokeToken (§6). Every error text here is UNVERIFIED (§12.4); the codes are the model's."""
        try:
            pool, client = self.client_anywhere(req["ClientId"])
        except CognitoError:
            raise CognitoError("UnauthorizedException", "Invalid client id or client secret.") from None
        if client.secret is not None and not hmac.compare_digest(
            client.secret, req.get("ClientSecret") or ""
        ):
            raise CognitoError("UnauthorizedException", "Invalid client id or client secret.")
        if not client.settings.get("EnableTokenRevocation", True):
            raise CognitoError(
                "UnsupportedOperationException", "Token revocation is not enabled for this client."
            )
        token = req["Token"]
        origin = self.refresh_tokens.get(token)
        if origin is None:
            if unverified_claims(token) is not None:
                raise CognitoError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
            # RFC 7009 §2.2: revoking an unknown token is not an error (Cognito's choice is UNVERIFIED).
            return {}
        family = self.families[origin]
        if family.client_id != client.client_id:
            # §6 [DG]: "It must use the client that issued the token".
            raise CognitoError("UnauthorizedException", "Invalid client id or client secret.")
        # §6 [BC]: that refresh token and the access tokens generated with it; others untouched.
        self.revoke_families([family], access=True, refresh=True)
        return {}

    # ------------------------------------------------------------------ sign-in

    def initiate_auth(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        return self._initiate(pool, client, req, admin=False)

    def admin_initiate_auth(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        return self._initiate(pool, self.client_in_pool(pool, req["ClientId"]), req, admin=True)

    @staticmethod
    def _require(params: dict[str, Any], name: str) -> str:
        value = params.get(name)
        if not value:
            # The service's wording for a missing auth parameter (UNVERIFIED in the facts file).
            raise invalid_parameter(f"Missing required parameter {name}")
        return str(value)

    def _prevents_existence_errors(self, client: AppClient) -> bool:
        # §7 [BC]: LEGACY is the API default.
        return client.settings.get("PreventUserExistenceErrors") == "ENABLED"

    def _initiate(self, pool: Pool, client: AppClient, req: dict[str, Any], *, admin: bool) -> dict[str, Any]:
        flow = req["AuthFlow"]
        if flow not in (ADMIN_FLOW_OPS if admin else USER_FLOW_OPS):
            # §4: the error for a valid flow on the wrong operation is UNVERIFIED; moto's text.
            raise invalid_parameter("Initiate Auth method not supported")
        message = self.flow_error(client, flow)
        if message is not None:
            raise invalid_parameter(message)
        params = req.get("AuthParameters") or {}
        if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            return self._refresh(pool, client, params)
        if flow == "CUSTOM_AUTH":
            # §12.3 (settled): the reference has no Lambda triggers.
            raise invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
        if flow == "USER_AUTH":
            # Choice-based sign-in is outside the covered surface; UNVERIFIED text.
            raise invalid_parameter("USER_AUTH is not supported by this user pool.")
        username = self._require(params, "USERNAME")
        srp_a = self._require(params, "SRP_A") if flow == "USER_SRP_AUTH" else None
        password = self._require(params, "PASSWORD") if srp_a is None else None
        user = self.find_user(pool, username)
        self.check_secret_hash(client, params.get("SECRET_HASH"), [username, user.username if user else None])
        if user is None:
            if self._prevents_existence_errors(client):
                if srp_a is not None:
                    return self._simulated_srp_challenge(pool, client, username, srp_a, admin)
                raise not_authorized(INCORRECT_CREDENTIALS)
            raise user_not_found()
        self._check_status(client, user)
        if srp_a is not None:
            return self._srp_challenge(pool, client, user, srp_a, admin)
        self._password_attempt(user, self.password_matches(user, password or ""))
        return self._after_password(pool, client, user, params.get("DEVICE_KEY"), admin)

    def _check_status(self, client: AppClient, user: User) -> None:
        """Status errors, in the precedence unconfirmed, disabled, reset required (§7, §8).

        An UNCONFIRMED user gets UserNotConfirmedException even with a wrong password (§7, AWS
        staff). Raising these before the SRP challenge (not at the verifier step) is UNVERIFIED.
        """
        if user.status == "UNCONFIRMED":
            raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
        self.ensure_enabled(user)
        if user.status == "RESET_REQUIRED":
            if self._prevents_existence_errors(client):
                raise not_authorized(INCORRECT_CREDENTIALS)  # §7 [DG managing-errors]
            raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")

    def _password_attempt(self, user: User, correct: bool) -> None:
        """Apply the lockout rule (§3 [DG]): after 5 failures, 2^(n-5) s, up to ~15 minutes; the
        count resets after 15 minutes without a failure."""
        now = self.clock.now()
        if user.locked_until > now:
            raise not_authorized("Password attempts exceeded")
        if correct:
            user.failed_attempts = 0
            return
        if now - user.last_failure > 900:
            user.failed_attempts = 0
        user.failed_attempts += 1
        user.last_failure = now
        if user.failed_attempts >= 5:
            user.locked_until = now + min(2 ** (user.failed_attempts - 5), 900)
        raise not_authorized(INCORRECT_CREDENTIALS)

    def _after_password(
        self, pool: Pool, client: AppClient, user: User, device_key: str | None, admin: bool
    ) -> dict[str, Any]:
        if user.status == "FORCE_CHANGE_PASSWORD":
            if (
                user.temporary_password_expires is not None
                and user.temporary_password_expires < self.clock.now()
            ):
                # §8: the text is UNVERIFIED.
                raise not_authorized("Temporary password has expired and must be reset by an administrator.")
            return self._new_password_challenge(pool, client, user, device_key, admin)
        return self._finish_sign_in(pool, client, user, device_key, admin)

    def _new_session(
        self, challenge: str, pool: Pool, client: AppClient, user: User, admin: bool, **extra: Any
    ) -> str:
        token = new_session()
        now = self.clock.now()
        # §3: AuthSessionValidity minutes (3..15), 3 by default.
        lifetime = 60 * int(client.settings.get("AuthSessionValidity", 3))
        self.sessions[token] = AuthSession(
            challenge, pool.pool_id, client.client_id, user.username, now, now + lifetime, admin, **extra
        )
        return token

    def _new_password_challenge(
        self, pool: Pool, client: AppClient, user: User, device_key: str | None, admin: bool
    ) -> dict[str, Any]:
        required = [
            f"userAttributes.{a['Name']}"
            for a in pool.schema
            if a.get("Required") and a["Name"] != "sub" and a["Name"] not in user.attributes
        ]
        session = self._new_session("NEW_PASSWORD_REQUIRED", pool, client, user, admin, device_key=device_key)
        # §3: both are JSON-encoded strings inside the string map; captures had no sub in userAttributes.
        return {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": user.username,
                "requiredAttributes": json.dumps(required, separators=(",", ":")),
                "userAttributes": json.dumps(user.attributes, separators=(",", ":")),
            },
        }

    def _finish_sign_in(
        self, pool: Pool, client: AppClient, user: User, device_key: str | None, admin: bool
    ) -> dict[str, Any]:
        """Device tracking after the password step (§2, §12.1), then tokens."""
        if pool.settings.get("DeviceConfiguration") is None:
            return self._tokens(pool, client, user, device_key=None, new_device=None)
        if device_key:
            device = self.find_device(user, device_key)
            if device is None:
                # §2, §12.1 (settled): a forgotten or unknown key fails here; clients retry without it.
                raise device_not_found()
            if device.remembered and device.verifier is not None:
                # §12.1 (settled for remembered devices): DEVICE_SRP_AUTH follows. Its parameters are
                # still UNVERIFIED ({} or {"USERNAME"}); the reference sends {}.
                session = self._new_session(
                    "DEVICE_SRP_AUTH", pool, client, user, admin, device_key=device.key
                )
                return {"ChallengeName": "DEVICE_SRP_AUTH", "Session": session, "ChallengeParameters": {}}
            # A confirmed but not remembered device signs in without device SRP (§12.1: "still
            # UNVERIFIED" whether Cognito issues DEVICE_SRP_AUTH here), keeping its key.
            device.last_authenticated = self.clock.now()
            device.last_ip = self.source_ip
            return self._tokens(pool, client, user, device_key=device.key, new_device=None)
        device = self._new_device(user)
        return self._tokens(pool, client, user, device_key=device.key, new_device=device)

    def _new_device(self, user: User) -> Device:
        if user.device_group_key is None:
            # UNVERIFIED: one device group per user.
            user.device_group_key = ids.device_group_key()
        now = self.clock.now()
        device = Device(
            key=ids.device_key(self.region),
            group_key=user.device_group_key,
            created=now,
            modified=now,
            last_authenticated=float(int(now)),
            last_ip=self.source_ip,
        )
        user.devices[device.key] = device
        return device

    def _lifetime(self, client: AppClient, kind: str, default_value: int, default_unit: str) -> int:
        value = client.settings.get(f"{kind}Validity")
        unit = (client.settings.get("TokenValidityUnits") or {}).get(kind, default_unit)
        if value is None:
            value, unit = default_value, default_unit
        return int(value) * _UNIT_SECONDS[unit]

    def _tokens(
        self,
        pool: Pool,
        client: AppClient,
        user: User,
        *,
        device_key: str | None,
        new_device: Device | None,
        family: TokenFamily | None = None,
    ) -> dict[str, Any]:
        """An AuthenticationResult (§5): ID and access tokens, a RefreshToken on a new sign-in."""
        now = int(self.clock.now())
        new_sign_in = family is None
        if family is None:
            refresh_lifetime = self._lifetime(client, "RefreshToken", 30, "days")
            family = TokenFamily(
                origin_jti=str(uuid.uuid4()),
                pool_id=pool.pool_id,
                client_id=client.client_id,
                username=user.username,
                sub=user.sub,
                auth_time=now,
                refresh_token=new_refresh_token(),
                refresh_expires=now + refresh_lifetime,
                device_key=device_key,
            )
            self.families[family.origin_jti] = family
            self.refresh_tokens[family.refresh_token] = family.origin_jti
            user.families.append(family.origin_jti)
        access_lifetime = self._lifetime(client, "AccessToken", 1, "hours")
        id_lifetime = self._lifetime(client, "IdToken", 1, "hours")
        result: dict[str, Any] = {
            "AccessToken": pool.keys.access_key.sign(
                self.access_token_claims(pool, client, user, family, now, access_lifetime)
            ),
            "ExpiresIn": access_lifetime,
            "TokenType": "Bearer",
        }
        if new_sign_in:
            result["RefreshToken"] = family.refresh_token
        elif self.refresh_issues_refresh_token():
            rotated = new_refresh_token()
            self.refresh_tokens[rotated] = family.origin_jti
            result["RefreshToken"] = rotated
        result["IdToken"] = pool.keys.id_key.sign(
            self.id_token_claims(pool, client, user, family, now, id_lifetime)
        )
        if new_device is not None:
            result["NewDeviceMetadata"] = {
                "DeviceKey": new_device.key,
                "DeviceGroupKey": new_device.group_key,
            }
        # §3: a completed sign-in carries an empty ChallengeParameters map (likely) and no Session.
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    def _refresh(self, pool: Pool, client: AppClient, params: dict[str, Any]) -> dict[str, Any]:
        """REFRESH_TOKEN_AUTH (§4, §6, §12.2, §12.4)."""
        token = self._require(params, "REFRESH_TOKEN")
        origin = self.refresh_tokens.get(token)
        family = self.families.get(origin or "")
        if family is None or family.client_id != client.client_id or family.pool_id != pool.pool_id:
            raise not_authorized("Invalid Refresh Token")
        user = pool.users.get(family.username)
        if user is None or user.sub != family.sub:
            raise not_authorized("Invalid Refresh Token")
        # §12.2 (likely): the hash is over the internal username, with its own mismatch text.
        self.check_secret_hash(client, params.get("SECRET_HASH"), [user.username], refresh=True)
        if family.refresh_revoked:
            raise not_authorized("Refresh Token has been revoked")
        if family.refresh_expires <= self.clock.now():
            raise not_authorized("Refresh Token has expired")
        self.ensure_enabled(user)
        if family.device_key is not None and pool.settings.get("DeviceConfiguration") is not None:
            # §2: without the sign-in's confirmed device key, "Invalid Refresh Token" [3P].
            if (
                params.get("DEVICE_KEY") != family.device_key
                or self.find_device(user, family.device_key) is None
            ):
                raise not_authorized("Invalid Refresh Token")
        return self._tokens(pool, client, user, device_key=family.device_key, new_device=None, family=family)

    # ------------------------------------------------------------------ SRP (§1)

    @staticmethod
    def _srp_salt() -> bytes:
        # A first byte in 1..0x7f makes the hex, Cognito's padHex of the integer and the raw bytes
        # agree, whichever of them a client feeds into x (§1 padHex).
        return bytes([secrets.randbelow(0x7F) + 1]) + secrets.token_bytes(15)

    def _user_verifier(self, pool: Pool, user: User) -> tuple[bytes, int]:
        cached = user.srp_verifier
        if cached is None or cached[0] != user.password:
            salt = self._srp_salt()
            verifier = compute_verifier(pool_name(pool.pool_id), user.username, user.password or "", salt)
            cached = user.srp_verifier = (user.password or "", salt, verifier)
        return cached[1], cached[2]

    def _srp_server(self, verifier: int, srp_a: str) -> Any:
        try:
            parse_srp_a(srp_a)
        except SrpRejected as rejected:
            raise self._srp_error(rejected) from None
        return SrpServer(verifier)

    @staticmethod
    def _srp_error(rejected: Any) -> CognitoError:
        info = REJECTION_REASONS.get(rejected.reason, {})
        # bad-srp-a: AWS's text is UNVERIFIED (§1); the reference names the parameter.
        return CognitoError(
            info.get("error", "NotAuthorizedException"), info.get("message") or "Invalid SRP_A value."
        )

    def _srp_challenge(
        self, pool: Pool, client: AppClient, user: User, srp_a: str, admin: bool
    ) -> dict[str, Any]:
        salt, verifier = self._user_verifier(pool, user)
        return self._password_verifier(
            pool, client, user.username, user.username, salt, verifier, srp_a, admin, simulated=False
        )

    def _simulated_srp_challenge(
        self, pool: Pool, client: AppClient, username: str, srp_a: str, admin: bool
    ) -> dict[str, Any]:
        """§1 [DG managing-errors]: "the same salt and an internal user ID in UUID format for the same
        user name and user pool combination", then NotAuthorizedException at the verifier step."""
        seed = hmac.new(pool.simulation_secret, username.encode(), hashlib.sha256).digest()
        salt = bytes([seed[0] % 0x7F + 1]) + seed[1:16]
        user_id = str(uuid.UUID(bytes=seed[16:32], version=4))
        verifier = compute_verifier(pool_name(pool.pool_id), user_id, secrets.token_hex(16), salt)
        return self._password_verifier(
            pool, client, user_id, user_id, salt, verifier, srp_a, admin, simulated=True
        )

    def _password_verifier(
        self,
        pool: Pool,
        client: AppClient,
        username: str,
        user_id: str,
        salt: bytes,
        verifier: int,
        srp_a: str,
        admin: bool,
        *,
        simulated: bool,
    ) -> dict[str, Any]:
        server = self._srp_server(verifier, srp_a)
        block = new_secret_block()
        now = self.clock.now()
        # §1: "respond to this challenge within a few seconds"; the window is not documented, the
        # reference allows the app client's session validity.
        lifetime = 60 * int(client.settings.get("AuthSessionValidity", 3))
        self.srp_exchanges[block] = SrpExchange(
            pool.pool_id,
            client.client_id,
            username,
            user_id,
            srp_a,
            server,
            now,
            now + lifetime,
            admin,
            simulated=simulated,
        )
        # §1, §12.2 (likely): no Session; USERNAME and USER_ID_FOR_SRP are the internal username.
        return {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {
                "SALT": salt.hex(),
                "SECRET_BLOCK": block,
                "SRP_B": server.srp_b_hex(),
                "USERNAME": user_id,
                "USER_ID_FOR_SRP": user_id,
            },
        }

    # ------------------------------------------------------------------ challenge answers (§3)

    def respond_to_auth_challenge(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.client_anywhere(req["ClientId"])
        return self._respond(pool, client, req, admin=False)

    def admin_respond_to_auth_challenge(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        return self._respond(pool, self.client_in_pool(pool, req["ClientId"]), req, admin=True)

    def _respond(self, pool: Pool, client: AppClient, req: dict[str, Any], *, admin: bool) -> dict[str, Any]:
        name = req["ChallengeName"]
        responses = req.get("ChallengeResponses") or {}
        handlers: dict[str, Callable[..., dict[str, Any]]] = {
            "PASSWORD_VERIFIER": self._answer_password_verifier,
            "NEW_PASSWORD_REQUIRED": self._answer_new_password,
            "DEVICE_SRP_AUTH": self._answer_device_srp_auth,
            "DEVICE_PASSWORD_VERIFIER": self._answer_device_password_verifier,
        }
        handler = handlers.get(name)
        if handler is None:
            if name == "ADMIN_NO_SRP_AUTH" and not admin:
                # §3 [BC]: "You can't respond to an ADMIN_NO_SRP_AUTH challenge with this operation." (text UNVERIFIED)
                raise invalid_parameter(
                    "ADMIN_NO_SRP_AUTH challenge cannot be answered with RespondToAuthChallenge."
                )
            # The reference never issues other challenges, so no session can be valid for them.
            raise not_authorized("Invalid session for the user.")
        return handler(pool, client, responses, req.get("Session"), admin)

    def _session(self, token: str | None, challenge: str, pool: Pool, client: AppClient) -> AuthSession:
        """The live session behind ``token`` (§3 texts, settled in §12.4)."""
        session = self.sessions.get(token or "")
        if (
            session is None
            or session.pool_id != pool.pool_id
            or session.client_id != client.client_id
            or session.challenge != challenge
        ):
            raise not_authorized("Invalid session for the user.")
        if session.used:
            raise not_authorized("Invalid session for the user, session can only be used once.")
        if session.expires <= self.clock.now():
            raise not_authorized("Invalid session for the user, session is expired.")
        return session

    def _session_user(
        self, pool: Pool, client: AppClient, session: AuthSession, responses: dict[str, Any]
    ) -> User:
        typed = self._require(responses, "USERNAME")
        user = pool.users.get(session.username)
        if user is None or self.find_user(pool, typed) is not user:
            raise not_authorized("Invalid session for the user.")
        # §1: every challenge answer carries SECRET_HASH for a secret client; §12.2: over either name.
        self.check_secret_hash(client, responses.get("SECRET_HASH"), [typed, user.username])
        return user

    def _answer_password_verifier(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], _session: str | None, admin: bool
    ) -> dict[str, Any]:
        # §1, §12.2 (likely): no Session is needed; the state travels in SECRET_BLOCK.
        for name in ("USERNAME", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"):
            self._require(responses, name)
        exchange = self.srp_exchanges.get(responses["PASSWORD_CLAIM_SECRET_BLOCK"])
        if exchange is None or exchange.pool_id != pool.pool_id or exchange.client_id != client.client_id:
            raise not_authorized(INCORRECT_CREDENTIALS)
        user = pool.users.get(exchange.username)
        typed = responses["USERNAME"]
        self.check_secret_hash(client, responses.get("SECRET_HASH"), [typed, exchange.user_id_for_srp])
        # UNVERIFIED: a SECRET_BLOCK answers once, within the session validity.
        if exchange.used or exchange.expires <= self.clock.now():
            raise not_authorized(INCORRECT_CREDENTIALS)
        exchange.used = True
        if exchange.simulated or user is None or self.find_user(pool, typed) is not user:
            raise not_authorized(INCORRECT_CREDENTIALS)
        if user.locked_until > self.clock.now():
            raise not_authorized("Password attempts exceeded")
        try:
            self.verify_password_claim(exchange, responses, pool)
        except SrpRejected as rejected:
            if rejected.reason == "wrong-password-or-signature":
                self._password_attempt(user, False)
            raise self._srp_error(rejected) from None
        self._password_attempt(user, True)
        self._check_status(client, user)
        return self._after_password(pool, client, user, responses.get("DEVICE_KEY"), admin)

    def _answer_new_password(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, "NEW_PASSWORD_REQUIRED", pool, client)
        user = self._session_user(pool, client, session, responses)
        new_password = self._require(responses, "NEW_PASSWORD")
        check_password(new_password, self._password_policy(pool.settings))
        updates = self._checked_attributes(
            pool,
            [
                {"Name": key[len("userAttributes.") :], "Value": value}
                for key, value in responses.items()
                if key.startswith("userAttributes.")
            ],
        )
        missing = [
            a["Name"]
            for a in pool.schema
            if a.get("Required")
            and a["Name"] != "sub"
            and a["Name"] not in user.attributes
            and a["Name"] not in updates
        ]
        if missing:
            # UNVERIFIED text.
            raise invalid_parameter(f"Invalid attributes given, {missing[0]} is missing")
        self.ensure_enabled(user)
        self.consume_session(session)
        user.attributes.update(updates)
        # §8 (verified, MOTO-V): the answer makes the user CONFIRMED; the temporary password may be reused.
        self._set_password(pool, user, new_password, temporary=False)
        user.status = "CONFIRMED"
        user.modified = self.clock.now()
        return self._finish_sign_in(pool, client, user, session.device_key, admin)

    def _answer_device_srp_auth(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, "DEVICE_SRP_AUTH", pool, client)
        user = self._session_user(pool, client, session, responses)
        device_key = self._require(responses, "DEVICE_KEY")
        srp_a = self._require(responses, "SRP_A")
        device = self.find_device(user, device_key)
        if (
            device is None
            or device.key != session.device_key
            or device.verifier is None
            or device.salt is None
        ):
            raise device_not_found()
        server = self._srp_server(device.verifier, srp_a)
        self.consume_session(session)
        block = new_secret_block()
        next_session = self._new_session(
            "DEVICE_PASSWORD_VERIFIER",
            pool,
            client,
            user,
            admin,
            device_key=device.key,
            srp_server=server,
            srp_a=srp_a,
            secret_block=block,
        )
        # §12.1 (settled): at least SRP_B, SALT (hex), SECRET_BLOCK, USERNAME and DEVICE_KEY.
        return {
            "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
            "Session": next_session,
            "ChallengeParameters": {
                "DEVICE_KEY": device.key,
                "SALT": device.salt.hex(),
                "SECRET_BLOCK": block,
                "SRP_B": server.srp_b_hex(),
                "USERNAME": user.username,
            },
        }

    def _answer_device_password_verifier(
        self, pool: Pool, client: AppClient, responses: dict[str, Any], token: str | None, admin: bool
    ) -> dict[str, Any]:
        session = self._session(token, "DEVICE_PASSWORD_VERIFIER", pool, client)
        user = self._session_user(pool, client, session, responses)
        for name in ("DEVICE_KEY", "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"):
            self._require(responses, name)
        device = self.find_device(user, responses["DEVICE_KEY"])
        if device is None or device.key != session.device_key:
            raise device_not_found()
        if responses["PASSWORD_CLAIM_SECRET_BLOCK"] != session.secret_block:
            raise not_authorized(INCORRECT_CREDENTIALS)
        try:
            self.verify_device_claim(session, device, responses)
        except SrpRejected as rejected:
            # §12.1 (likely): a wrong device proof is "Incorrect username or password."
            raise self._srp_error(rejected) from None
        self.consume_session(session)
        self.ensure_enabled(user)
        device.last_authenticated = float(int(self.clock.now()))
        device.last_ip = self.source_ip
        return self._tokens(pool, client, user, device_key=device.key, new_device=None)

    # ------------------------------------------------------------------ devices (§2, §12.1)

    @staticmethod
    def _require_tracking(pool: Pool) -> None:
        if pool.settings.get("DeviceConfiguration") is None:
            # §12.1 (likely) the exception type; the text is still UNVERIFIED.
            raise CognitoError("InvalidUserPoolConfigurationException", "Device tracking is not enabled.")

    def device_record(self, pool: Pool, user: User, device: Device, *, detailed: bool) -> dict[str, Any]:
        """A DeviceType: ListDevices attributes, plus the ``dev:`` ones for (Admin)GetDevice (§2 [CLI])."""
        attributes = [{"Name": "device_status", "Value": "valid"}]
        if device.name is not None:
            attributes.append({"Name": "device_name", "Value": device.name})
        if detailed:
            owner = f"{user.username}.{pool.pool_id}"
            attributes += [
                {
                    "Name": "dev:device_arn",
                    "Value": f"arn:aws:cognito-idp:{self.region}:{self.account_id}:owner/{owner}/device/{device.key}",
                },
                {"Name": "dev:device_owner", "Value": owner},
                {
                    "Name": "dev:device_remembered_status",
                    "Value": "remembered" if device.remembered else "not_remembered",
                },
                {"Name": "dev:device_sdk", "Value": "aws-sdk"},
            ]
        if device.last_ip is not None:
            attributes.append({"Name": "last_ip_used", "Value": device.last_ip})
        record: dict[str, Any] = {
            "DeviceKey": device.key,
            "DeviceAttributes": attributes,
            "DeviceCreateDate": _ms(device.created),
            "DeviceLastModifiedDate": _ms(device.modified),
        }
        if device.last_authenticated is not None:
            # §2 [CLI]: whole seconds.
            record["DeviceLastAuthenticatedDate"] = float(int(device.last_authenticated))
        return record

    def _token_user(self, token: str) -> tuple[Pool, User, dict[str, Any]]:
        pool, user, claims, _ = self.access_context(token)
        self._require_tracking(pool)
        return pool, user, claims

    def _admin_device_user(
        self, req: dict[str, Any], *, declares_user_not_found: bool = True
    ) -> tuple[Pool, User]:
        pool = self.pool(req["UserPoolId"])
        user = self.find_user(pool, req["Username"])
        if user is None:
            if declares_user_not_found:
                raise user_not_found()
            # AdminGetDevice and AdminListDevices declare no UserNotFoundException [BC]; the reference
            # answers ResourceNotFoundException with the same text (UNVERIFIED).
            raise CognitoError("ResourceNotFoundException", "User does not exist.")
        self._require_tracking(pool)
        return pool, user

    def _existing_device(self, user: User, device_key: str) -> Device:
        device = self.find_device(user, device_key)
        if device is None:
            raise device_not_found()
        return device

    def confirm_device(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, claims = self._token_user(req["AccessToken"])
        device = user.devices.get(req["DeviceKey"])
        if device is None or claims.get("device_key") != device.key:
            # §12.1 (likely): a key not issued to this token's sign-in.
            raise invalid_parameter("Invalid device key given.")
        if device.confirmed:
            # §7 [BC] lists DeviceKeyExistsException; the text is UNVERIFIED.
            raise CognitoError("DeviceKeyExistsException", "Device key already exists.")
        config = req.get("DeviceSecretVerifierConfig") or {}
        try:
            # §2: both are standard base64 of the raw bytes.
            verifier = int.from_bytes(base64.b64decode(config["PasswordVerifier"], validate=True), "big")
            salt = base64.b64decode(config["Salt"], validate=True)
        except (KeyError, ValueError):
            # UNVERIFIED text: the reference needs a verifier to run device SRP later.
            raise invalid_parameter("Invalid device secret verifier config.") from None
        if verifier <= 0 or not salt:
            raise invalid_parameter("Invalid device secret verifier config.")
        prompt = bool(pool.settings["DeviceConfiguration"].get("DeviceOnlyRememberedOnUserPrompt", False))
        now = self.clock.now()
        device.confirmed = True
        device.remembered = not prompt  # §2 [BC DeviceConfigurationType]
        device.verifier, device.salt = verifier, salt
        device.name = req.get("DeviceName")
        device.modified = now
        # §2 [BC ConfirmDeviceResponse]: true when the user must opt in.
        return {"UserConfirmationNecessary": prompt}

    def get_device(self, req: dict[str, Any]) -> dict[str, Any]:
        # The model makes AccessToken optional; without one no device owner is known (text UNVERIFIED).
        pool, user, _ = self._token_user(req.get("AccessToken") or "")
        return {
            "Device": self.device_record(
                pool, user, self._existing_device(user, req["DeviceKey"]), detailed=True
            )
        }

    def admin_get_device(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._admin_device_user(req, declares_user_not_found=False)
        return {
            "Device": self.device_record(
                pool, user, self._existing_device(user, req["DeviceKey"]), detailed=True
            )
        }

    def _list_devices(self, pool: Pool, user: User, req: dict[str, Any]) -> dict[str, Any]:
        # §12.1 (settled): only remembered devices are listed.
        devices = [d for d in user.devices.values() if self.find_device(user, d.key) is d and d.remembered]
        # Default Limit and Limit=0 are still UNVERIFIED; AWS clients always send 60 (§12.1).
        size = self.page_size(req.get("Limit"), 60)
        page, token = self._page(
            ("devices", pool.pool_id, user.username), devices, req.get("PaginationToken"), size
        )
        result: dict[str, Any] = {
            "Devices": [self.device_record(pool, user, d, detailed=False) for d in page]
        }
        if token:
            result["PaginationToken"] = token
        return result

    def list_devices(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user, _ = self._token_user(req["AccessToken"])
        return self._list_devices(pool, user, req)

    def admin_list_devices(self, req: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._admin_device_user(req, declares_user_not_found=False)
        return self._list_devices(pool, user, req)

    def _update_status(self, user: User, req: dict[str, Any]) -> dict[str, Any]:
        # §12.1 (settled): an unknown or forgotten key is "Device does not exist."
        device = self._existing_device(user, req["DeviceKey"])
        device.remembered = req.get("DeviceRememberedStatus") == "remembered"
        device.modified = self.clock.now()
        return {}

    def update_device_status(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user, _ = self._token_user(req["AccessToken"])
        return self._update_status(user, req)

    def admin_update_device_status(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user = self._admin_device_user(req)
        return self._update_status(user, req)

    def forget_device(self, req: dict[str, Any]) -> dict[str, Any]:
        if req.get("AccessToken"):
            _, user, _ = self._token_user(req["AccessToken"])
        else:
            # §2 [BC ForgetDeviceRequest]: AccessToken is optional; the key alone names the device.
            user = next(
                (u for p in self.pools.values() for u in p.users.values() if req["DeviceKey"] in u.devices),
                None,
            )
            if user is None:
                raise device_not_found()
        self.forget_device_record(user, self._existing_device(user, req["DeviceKey"]))
        return {}

    def admin_forget_device(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user = self._admin_device_user(req)
        self.forget_device_record(user, self._existing_device(user, req["DeviceKey"]))
        return {}
