"""Tokens: issuing and refreshing them, authorising an access token, sign-out and revocation (§4-§6).

``_tokens`` is the AuthenticationResult every completed sign-in (``auth``) ends with.
"""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from conformance.reference.errors import CognitoError, not_authorized
from conformance.reference.service.common import SCOPE, ServiceBase, attributes_list
from conformance.reference.state import AppClient, Device, Pool, TokenFamily, User
from conformance.reference.tokens import new_refresh_token, unverified_claims

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


class TokensMixin(ServiceBase):
    """The token lifecycle and the operations that take or revoke a token."""

    OPERATIONS: tuple[str, ...] = ("GetUser", "GlobalSignOut", "AdminUserGlobalSignOut", "RevokeToken")

    # ------------------------------------------------------------------ issuing and refreshing

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

    # ------------------------------------------------------------------ token-authorised operations

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
            "UserAttributes": attributes_list({"sub": user.sub, **user.attributes}),
        }

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
