"""Tokens: issuing and refreshing them, authorising an access token, sign-out and revocation (§4-§6).

``_tokens`` is the AuthenticationResult every completed sign-in (``auth``) ends with.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from typing import Any

from conformance.reference.errors import CognitoError, not_authorized
from conformance.reference.service.common import SCOPE, ServiceBase, attributes_list
from conformance.reference.service.settable import unsupported_parameter
from conformance.reference.state import AppClient, Device, Pool, TokenFamily, User
from conformance.reference.tokens import new_refresh_token, unverified_claims


def rotation_of(client: AppClient) -> dict[str, Any] | None:
    """The client's RefreshTokenRotation when ENABLED (facts:tokens.rotation), else None."""
    rotation = client.settings.get("RefreshTokenRotation") or {}
    return rotation if rotation.get("Feature") == "ENABLED" else None


class TokensMixin(ServiceBase):
    """The token lifecycle and the operations that take or revoke a token."""

    OPERATIONS: tuple[str, ...] = (
        "GetUser",
        "GlobalSignOut",
        "AdminUserGlobalSignOut",
        "RevokeToken",
        "GetTokensFromRefreshToken",
    )

    # ------------------------------------------------------------------ issuing and refreshing

    def reset(self) -> None:
        super().reset()
        #: a refresh token rotated out -> (its family's origin_jti, until when a retry may use it).
        self.rotated_out: dict[str, tuple[str, float]] = {}

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
        self._refuse_unreadable(client, user)
        now = int(self.clock.now())
        new_sign_in = family is None
        if family is None:
            refresh_lifetime = self.token_lifetime(client, "RefreshToken", 30, "days")
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
        access_lifetime = self.token_lifetime(client, "AccessToken", 1, "hours")
        id_lifetime = self.token_lifetime(client, "IdToken", 1, "hours")
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

    def _refuse_unreadable(self, client: AppClient, user: User) -> None:
        """Fail closed on ReadAttributes: the reference does not filter claims or attributes by it.

        A client's ReadAttributes is accepted and echoed (facts cover no filtering rule); a token or an
        answer for a user holding an attribute the client may not read would show that attribute, so it
        is refused as unsupported instead of answered wrongly.
        """
        readable = client.settings.get("ReadAttributes")
        if readable is None:
            return
        hidden = sorted(name for name in user.attributes if name != "sub" and name not in readable)
        if hidden:
            raise unsupported_parameter(
                "CreateUserPoolClient", "ReadAttributes", f"{readable!r} with a user holding {hidden!r}"
            )

    def _refresh(self, pool: Pool, client: AppClient, params: dict[str, Any]) -> dict[str, Any]:
        """REFRESH_TOKEN_AUTH (§4, §6, §12.2, §12.4)."""
        if rotation_of(client) is not None:
            # facts:tokens.rotation-needs-get-tokens: rotation is completed with GetTokensFromRefreshToken
            # only; which error REFRESH_TOKEN_AUTH then gets is UNVERIFIED, so it is not answered.
            raise unsupported_parameter(
                "CreateUserPoolClient", "RefreshTokenRotation", "REFRESH_TOKEN_AUTH on a rotating client"
            )
        token = self._require(params, "REFRESH_TOKEN")
        family, user = self._refresh_family(
            pool,
            client,
            token,
            params.get("DEVICE_KEY"),
            invalid="Invalid Refresh Token",
            # §12.2 (likely): the hash is over the internal username, with its own mismatch text.
            secret_check=lambda u: self.check_secret_hash(
                client, params.get("SECRET_HASH"), [u.username], refresh=True
            ),
        )
        return self._tokens(pool, client, user, device_key=family.device_key, new_device=None, family=family)

    def _refresh_family(
        self,
        pool: Pool,
        client: AppClient,
        token: str,
        device_key: str | None,
        *,
        invalid: str,
        secret_check: Callable[[User], None],
    ) -> tuple[TokenFamily, User]:
        """The token family and user a refresh token stands for, or the refusal AWS answers (§6, §12.4).

        Shared by REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken, so that a revocation (RevokeToken,
        a sign-out) stops both. ``invalid`` is the operation's text for an unusable token.
        """
        origin = self.refresh_tokens.get(token)
        family = self.families.get(origin or "")
        if family is None or family.client_id != client.client_id or family.pool_id != pool.pool_id:
            raise not_authorized(invalid)
        user = pool.users.get(family.username)
        if user is None or user.sub != family.sub:
            raise not_authorized(invalid)
        secret_check(user)
        if family.refresh_revoked:
            raise not_authorized("Refresh Token has been revoked")
        if family.refresh_expires <= self.clock.now():
            raise not_authorized("Refresh Token has expired")
        if token in self.rotated_out:
            _, until = self.rotated_out[token]
            if self.clock.now() >= until:
                # facts:tokens.rotation-reuse: a token invalidated by rotation; the text is UNVERIFIED.
                raise CognitoError("RefreshTokenReuseException", "Refresh token has been rotated.")
            # facts:tokens.rotation-grace: still valid for a retry, but what the retry answers (the
            # refresh token already issued, or another) is UNVERIFIED: not answered.
            raise unsupported_parameter(
                "CreateUserPoolClient", "RefreshTokenRotation", "a retry within RetryGracePeriodSeconds"
            )
        self.ensure_enabled(user)
        if family.device_key is not None and pool.settings.get("DeviceConfiguration") is not None:
            # §2: without the sign-in's confirmed device key, "Invalid Refresh Token" [3P].
            if device_key != family.device_key or self.find_device(user, family.device_key) is None:
                raise not_authorized(invalid)
        return family, user

    def get_tokens_from_refresh_token(self, req: dict[str, Any]) -> dict[str, Any]:
        """GetTokensFromRefreshToken: new ID and access tokens for a refresh token (Amplify JS v6 refreshes so).

        facts:tokens.get-tokens-from-refresh: new ID and access tokens, and no new refresh token while
        rotation is off; with rotation on, a new refresh token (``_rotate``); facts:tokens.get-tokens-
        from-refresh-invalid: an unusable token is "Invalid Refresh Token." (with a period, unlike
        InitiateAuth's); facts:tokens.get-tokens-from-refresh-revoked: RevokeToken stops it.
        ClientMetadata only reaches Lambda triggers, which the reference never has.
        """
        pool, client = self.client_anywhere(req["ClientId"])
        # A rotating client refreshes with this operation only, and needs no ALLOW_REFRESH_TOKEN_AUTH
        # (facts:tokens.rotation-needs-get-tokens: REFRESH_TOKEN_AUTH is for clients without rotation).
        message = None if rotation_of(client) is not None else self.flow_error(client, "REFRESH_TOKEN_AUTH")
        if message is not None:
            # UNVERIFIED whether this operation checks ALLOW_REFRESH_TOKEN_AUTH; the reference does,
            # as InitiateAuth does, rather than hand out tokens a client was not allowed.
            raise CognitoError("InvalidParameterException", message)

        def secret_check(_user: User) -> None:
            if client.secret is not None and not hmac.compare_digest(
                client.secret, req.get("ClientSecret") or ""
            ):
                # The code is the model's; the text is UNVERIFIED.
                raise not_authorized(
                    f"Client {client.client_id} is configured with secret but ClientSecret was not received or does not match"
                )

        family, user = self._refresh_family(
            pool,
            client,
            req["RefreshToken"],
            req.get("DeviceKey"),
            invalid="Invalid Refresh Token.",
            secret_check=secret_check,
        )
        tokens = self._tokens(
            pool, client, user, device_key=family.device_key, new_device=None, family=family
        )
        result = tokens["AuthenticationResult"]
        rotation = rotation_of(client)
        if rotation is not None:
            self._rotate(family, req["RefreshToken"], int(rotation["RetryGracePeriodSeconds"]), result)
        return {"AuthenticationResult": result}

    def _rotate(self, family: TokenFamily, submitted: str, grace: int, result: dict[str, Any]) -> None:
        """Refresh-token rotation (facts:tokens.rotation, -grace): a new refresh token in the answer.

        The submitted token stays usable for ``grace`` seconds, then is refused. The new token keeps
        the family (origin_jti, auth_time) and its expiry: rotation does not extend the sign-in
        (facts:tokens.rotation-keeps-expiry), and revoking it revokes the family's access tokens.
        """
        rotated = self.rotated_refresh_token(submitted)
        self.refresh_tokens[rotated] = family.origin_jti
        family.refresh_token = rotated
        self.rotated_out[submitted] = (family.origin_jti, self.clock.now() + grace)
        result["RefreshToken"] = rotated

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
        pool, user, claims, _ = self.access_context(req["AccessToken"])
        client = pool.clients.get(str(claims.get("client_id", "")))
        if client is not None:
            self._refuse_unreadable(client, user)
        return {
            "Username": user.username,
            "UserAttributes": attributes_list({"sub": user.sub, **user.attributes}),
            **self.mfa_members(user),
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
