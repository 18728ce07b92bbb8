"""The one-behaviour seams the "miniature wrong endpoints" override.

Each method of :class:`HooksMixin` named in ``HOOKS`` carries exactly one behaviour, so a
``CognitoService`` subclass that overrides one of them breaks exactly that behaviour (set
``ReferenceApp.service_class`` to it). The area modules call these only through ``self``, never
directly, so that an override takes effect everywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

import pyotp

from conformance.crypto.srp import decode_secret_block, pool_name
from conformance.reference.errors import not_authorized
from conformance.reference.filters import UserFilter
from conformance.reference.service.common import LEGACY_FLOWS, SCOPE, ServiceBase, attribute_is_true
from conformance.reference.service.settable import DEFAULT_UNIT, UNIT_SECONDS
from conformance.reference.state import AppClient, AuthSession, Device, Pool, SrpExchange, TokenFamily, User
from conformance.reference.tokens import new_refresh_token

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
    "token_lifetime": "how long a token lasts, from the client's validity and units",
    "rotated_refresh_token": "the refresh token a rotating GetTokensFromRefreshToken hands out",
    "filter_users": "applying the ListUsers filter",
    "page_size": "how many items a list page holds for a Limit / MaxResults",
    "access_token_claims": "the access token's claims",
    "id_token_claims": "the ID token's claims",
    "check_secret_hash": "SECRET_HASH enforcement for secret clients",
    "flow_error": "ExplicitAuthFlows enforcement and its messages",
    "attribute_is_mutable": "whether an attribute of the schema may be changed once set (Mutable)",
    "verified_after_change": "the email_verified / phone_number_verified value after the attribute changes",
    "send_attribute_code": "putting an attribute verification code in the outbox",
    "spend_code": "single use of sign-up confirmation and password-reset codes",
    "set_recovered_password": "the password ConfirmForgotPassword sets",
    "totp_step": "the TOTP code check of VerifySoftwareToken and SOFTWARE_TOKEN_MFA",
    "totp_code_fresh": "single use of TOTP codes (a code answers once)",
    "choice_needs_essentials": "which feature plans refuse choice-based sign-in (passwordless factors, ALLOW_USER_AUTH)",
    "spend_otp": "single use of an EMAIL_OTP / SMS_OTP first-factor code and its Session",
}

HOOKS = tuple(HOOK_BEHAVIOURS)

#: docs/facts.md §4 flow -> (the ALLOW_ value that enables it, AWS's message when it is off).
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
#: Attributes whose values are JSON booleans in ID tokens (§5 "email_verified (JSON boolean)").
_BOOLEAN_CLAIMS = {"email_verified", "phone_number_verified"}


class HooksMixin(ServiceBase):
    """The default (faithful) behaviour of every hook in ``HOOKS``."""

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

    def totp_step(self, secret: str, code: str) -> int | None:
        """The time step a TOTP ``code`` of ``secret`` belongs to at the reference's time, one 30-second
        step of drift allowed either way (facts:mfa.totp-secret), else None (a miniature takes any code)."""
        totp = pyotp.TOTP(secret)
        step = int(self.clock.now() // totp.interval)
        for candidate in (step, step - 1, step + 1):
            if secrets.compare_digest(totp.at(candidate * totp.interval), code):
                return candidate
        return None

    def totp_code_fresh(self, user: User, step: int) -> bool:
        """Whether a TOTP code of ``step`` was not used yet: a code answers once (facts:mfa.totp-reuse;
        a miniature takes a used one again)."""
        return step > user.totp_last_step

    def consume_session(self, session: AuthSession) -> None:
        """Mark a session used: sessions are single use (§3; a miniature allows reuse)."""
        session.used = True

    def choice_needs_essentials(self, tier: str) -> bool:
        """Whether a pool of feature plan ``tier`` is refused choice-based sign-in: LITE is
        (facts:choice.lite-refuses-choice; a miniature lets LITE pools use it)."""
        return tier == "LITE"

    def spend_otp(self, session: AuthSession) -> None:
        """Spend a first-factor OTP session once its code signed the user in (facts:auth.session-twice;
        a miniature accepts the same code again)."""
        self.consume_session(session)

    def refresh_issues_refresh_token(self) -> bool:
        """Whether REFRESH_TOKEN_AUTH returns a new refresh token: not without rotation (§4)."""
        return False

    def token_lifetime(self, client: AppClient, kind: str, default_value: int, default_unit: str) -> int:
        """A token's lifetime in seconds: value x unit (facts:tokens.validity-lifetime, -units)."""
        value = client.settings.get(f"{kind}Validity")
        unit = (client.settings.get("TokenValidityUnits") or {}).get(kind) or DEFAULT_UNIT[kind]
        if value is None or (kind == "RefreshToken" and value == 0):
            # facts:tokens.refresh-validity-zero: a RefreshTokenValidity of 0 means the default.
            value, unit = default_value, default_unit
        return int(value) * UNIT_SECONDS[unit]

    def rotated_refresh_token(self, submitted: str) -> str:
        """The new refresh token of a rotation: never the one submitted (facts:tokens.rotation)."""
        return new_refresh_token()

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
        # facts:groups.token-claims: cognito:groups for a member of any group (groups.py).
        claims.update(self.group_claims(pool, user, roles=False))
        return claims

    def id_token_claims(
        self, pool: Pool, client: AppClient, user: User, family: TokenFamily, now: int, lifetime: int
    ) -> dict[str, Any]:
        """ID-token claims (§5): attributes (booleans as JSON booleans, custom ones as strings)."""
        # facts:groups.token-claims: cognito:groups, cognito:roles, cognito:preferred_role (groups.py).
        claims: dict[str, Any] = {"sub": user.sub, **self.group_claims(pool, user, roles=True)}
        for name, value in user.attributes.items():
            if name == "sub" or name.startswith("dev:"):
                continue
            claims[name] = attribute_is_true(value) if name in _BOOLEAN_CLAIMS else value
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

    def attribute_is_mutable(self, entry: dict[str, Any]) -> bool:
        """Whether the schema attribute ``entry`` may be changed (facts:attributes.immutable)."""
        return entry.get("Mutable") is not False

    def verified_after_change(self, attribute: str, marked: bool) -> str:
        """The ``*_verified`` flag once ``attribute`` took a new value: true only when the same request
        marks it so (facts:attributes.change-unverifies); a miniature keeps it verified."""
        return "true" if marked else "false"

    def send_attribute_code(self, pool: Pool, user: User, attribute: str, value: str, code: str) -> None:
        """Deliver an attribute verification code to ``value`` through the outbox (a miniature drops it)."""
        self.outbox.deliver(
            user_pool_id=pool.pool_id,
            username=user.username,
            channel="EMAIL" if attribute == "email" else "SMS",
            destination=value,
            purpose="attribute-verification",
            code=code,
            sent_at=self.clock.now(),
            attribute=attribute,
        )

    def spend_code(self, user: User, purpose: str) -> None:
        """Forget a code once it has been used, so it cannot confirm twice (a miniature keeps it)."""
        if purpose == "sign-up":
            user.confirmation_code = None
        else:
            user.reset_code = None

    def set_recovered_password(self, pool: Pool, user: User, password: str) -> None:
        """ConfirmForgotPassword's new password replaces the old one (a miniature keeps the old)."""
        self._set_password(pool, user, password, temporary=False)
