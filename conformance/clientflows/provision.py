"""What the client flows need on the endpoint, set up from Python with boto3, and taken down after.

One pool that tracks devices on the user's prompt (so rememberDevice has something to do), one app
client without a secret (browser clients have none) that allows SRP, refresh and password sign-in,
and one user per client: each starts in FORCE_CHANGE_PASSWORD for the SRP and new-password flows;
aws-jwt-verify's user gets a permanent password and signs in with USER_PASSWORD_AUTH for its tokens.
Setup calls are not under test: a setup call the endpoint refuses stops the run with its answer.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from conformance.endpoints import Endpoint
from conformance.lifecycle import NAME_PREFIX

#: Passwords that meet the default policy (8+ characters, upper, lower, digit, symbol).
TEMPORARY_PASSWORD = "Temp-Passw0rd!cf"
NEW_PASSWORD = "New-Passw0rd!cf"


class SetupError(RuntimeError):
    """A setup call failed: the flows cannot run on this endpoint (the message says which call)."""


@dataclass
class Provisioned:
    """Ids and secrets the Node scripts need; ``tokens`` and ``jwks`` are for aws-jwt-verify."""

    pool_id: str
    client_id: str
    users: dict[str, str] = field(default_factory=dict)
    id_token: str | None = None
    access_token: str | None = None
    token_error: str = ""
    jwks: dict[str, Any] | None = None
    jwks_error: str = ""

    def script_input(self, client: str, url: str) -> dict[str, Any]:
        """The JSON a client's Node script reads on stdin."""
        common = {"endpoint": url, "userPoolId": self.pool_id, "clientId": self.client_id}
        if client == "jwt-verify":
            return {
                **common,
                "idToken": self.id_token,
                "accessToken": self.access_token,
                "tokenError": self.token_error,
                "jwks": self.jwks,
                "jwksError": self.jwks_error,
            }
        return {
            **common,
            "username": self.users[client],
            "temporaryPassword": TEMPORARY_PASSWORD,
            "newPassword": NEW_PASSWORD,
        }


def _error_text(error: Exception) -> str:
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        return f"{info.get('Code', '?')}: {info.get('Message', '')}"
    return f"{type(error).__name__}: {error}"


def _issuer(token: str) -> str | None:
    """The ``iss`` of a JWT, read without verifying it (only to find where its keys are)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None


def provision(endpoint: Endpoint, clients: list[str]) -> Provisioned:
    """Create the pool, the app client and a user per client on ``endpoint``.

    Raises:
        SetupError: a call the flows cannot do without failed (the pool is deleted first).
    """
    cognito = endpoint.make_client()
    tag = secrets.token_hex(3)

    def call(operation: str, **params: Any) -> dict[str, Any]:
        try:
            return getattr(cognito, operation)(**params)
        except (ClientError, BotoCoreError) as error:
            raise SetupError(f"setup call {operation} failed: {_error_text(error)}") from None

    pool_id = call(
        "create_user_pool",
        PoolName=f"{NAME_PREFIX}-{tag}-clientflows",
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True},
    )["UserPool"]["Id"]
    try:
        client_id = call(
            "create_user_pool_client",
            UserPoolId=pool_id,
            ClientName=f"{NAME_PREFIX}-{tag}-clientflows",
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
        )["UserPoolClient"]["ClientId"]
        provisioned = Provisioned(pool_id=pool_id, client_id=client_id)
        for client in clients:
            username = f"{client.replace('-', '')}-{tag}"
            call(
                "admin_create_user",
                UserPoolId=pool_id,
                Username=username,
                TemporaryPassword=TEMPORARY_PASSWORD,
                MessageAction="SUPPRESS",
            )
            provisioned.users[client] = username
        if "jwt-verify" in clients:
            _tokens_for_verifier(endpoint, cognito, provisioned, call)
    except BaseException:
        teardown(endpoint, pool_id)
        raise
    return provisioned


def _tokens_for_verifier(endpoint: Endpoint, cognito: Any, provisioned: Provisioned, call: Any) -> None:
    """Sign aws-jwt-verify's user in and fetch the key set from the endpoint's own route.

    A sign-in or key set the endpoint does not give is not a setup failure: the verifier's flows
    fail with the reason, as a divergence of the endpoint.
    """
    username = provisioned.users["jwt-verify"]
    call(
        "admin_set_user_password",
        UserPoolId=provisioned.pool_id,
        Username=username,
        Password=NEW_PASSWORD,
        Permanent=True,
    )
    try:
        result = (
            cognito.initiate_auth(
                ClientId=provisioned.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": NEW_PASSWORD},
            ).get("AuthenticationResult")
            or {}
        )
        provisioned.id_token = result.get("IdToken")
        provisioned.access_token = result.get("AccessToken")
        if not provisioned.id_token or not provisioned.access_token:
            provisioned.token_error = "InitiateAuth USER_PASSWORD_AUTH answered no IdToken/AccessToken"
    except (ClientError, BotoCoreError) as error:
        provisioned.token_error = f"InitiateAuth USER_PASSWORD_AUTH failed: {_error_text(error)}"
    issuer = _issuer(provisioned.id_token) if provisioned.id_token else None
    try:
        jwks = endpoint.jwks(provisioned.pool_id, issuer)
    except (OSError, ValueError) as error:
        # urllib's HTTPError is an OSError; a body that is not JSON is a ValueError.
        provisioned.jwks_error = f"the endpoint's key-set route answered {type(error).__name__}: {error}"
        return
    if isinstance(jwks, dict) and isinstance(jwks.get("keys"), list):
        provisioned.jwks = jwks
    else:
        provisioned.jwks_error = f"the endpoint's key-set route answered no key set: {str(jwks)[:200]}"


def teardown(endpoint: Endpoint, pool_id: str) -> None:
    """Delete the pool (best effort: a leftover is swept by the next suite run, lifecycle.py)."""
    try:
        endpoint.make_client().delete_user_pool(UserPoolId=pool_id)
    except (ClientError, BotoCoreError):
        pass
