"""Multi-step flows the checks build on: users in a given state, sign-ins by each flow.

Every step goes through the conformance client, so the wire and schema checks run on each call
and the reproducer lists each step. Flows return the endpoint's responses and leave judging to
the test (a flow never asserts); they return early (``None``) when a step fails, because later
steps would only repeat the same divergence.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conformance import redact
from conformance.crypto.srp import UserSrpClient, secret_hash

if TYPE_CHECKING:
    from conformance.calls import Cognito, Response


def new_password() -> str:
    """A password meeting the default policy (§8: length 8, upper, lower, number, symbol), registered as secret."""
    password = "Aa1!" + secrets.token_urlsafe(12)
    redact.register(password)
    return password


def new_username(prefix: str = "user") -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


@dataclass
class TestUser:
    """A user the test created, with what it needs to sign in."""

    __test__ = False  # not a pytest test class

    pool_id: str
    username: str
    password: str
    attributes: dict[str, str] = field(default_factory=dict)
    sub: str | None = None


@dataclass
class AppClient:
    """An app client the test created (secret included when generated)."""

    pool_id: str
    client_id: str
    secret: str | None = None

    def secret_hash(self, username: str) -> str | None:
        """SECRET_HASH for ``username`` (§1), or None for a client without a secret."""
        return secret_hash(username, self.client_id, self.secret) if self.secret else None

    def auth_parameters(self, username: str, **parameters: str) -> dict[str, str]:
        """AuthParameters / ChallengeResponses with USERNAME and, for a secret client, SECRET_HASH."""
        out = {"USERNAME": username, **parameters}
        hashed = self.secret_hash(username)
        if hashed:
            out["SECRET_HASH"] = hashed
        return out


def create_app_client(cognito: Cognito, pool_id: str, **params: Any) -> tuple[Response, AppClient | None]:
    """CreateUserPoolClient; the AppClient when it succeeded."""
    params.setdefault("ClientName", f"client-{secrets.token_hex(3)}")
    response = cognito.create_user_pool_client(UserPoolId=pool_id, **params)
    if not response.ok:
        return response, None
    body = response.body["UserPoolClient"]
    return response, AppClient(pool_id, body["ClientId"], body.get("ClientSecret"))


def create_user(
    cognito: Cognito,
    pool_id: str,
    *,
    username: str | None = None,
    password: str | None = None,
    attributes: dict[str, str] | None = None,
    confirmed: bool = True,
) -> tuple[Response, TestUser | None]:
    """AdminCreateUser (no message), then AdminSetUserPassword(Permanent) unless ``confirmed`` is False.

    §8: AdminCreateUser leaves the user in FORCE_CHANGE_PASSWORD with the temporary password;
    a permanent password makes them CONFIRMED.
    """
    user = TestUser(pool_id, username or new_username(), password or new_password(), dict(attributes or {}))
    created = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=user.username,
        TemporaryPassword=user.password if not confirmed else new_password(),
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in user.attributes.items()],
    )
    if not created.ok:
        return created, None
    for attribute in created.body.get("User", {}).get("Attributes", []):
        if attribute.get("Name") == "sub":
            user.sub = attribute.get("Value")
    if not confirmed:
        return created, user
    set_password = cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=user.username, Password=user.password, Permanent=True
    )
    return set_password, user if set_password.ok else None


def password_sign_in(cognito: Cognito, client: AppClient, user: TestUser, *, admin: bool = False) -> Response:
    """USER_PASSWORD_AUTH (InitiateAuth) or ADMIN_USER_PASSWORD_AUTH (AdminInitiateAuth)."""
    parameters = client.auth_parameters(user.username, PASSWORD=user.password)
    if admin:
        return cognito.admin_initiate_auth(
            UserPoolId=client.pool_id,
            ClientId=client.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters=parameters,
        )
    return cognito.initiate_auth(
        ClientId=client.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters
    )


@dataclass
class SrpSignIn:
    """The two steps of USER_SRP_AUTH: the challenge, and the answer to PASSWORD_VERIFIER."""

    challenge: Response
    answer: Response | None = None


def srp_sign_in(
    cognito: Cognito,
    client: AppClient,
    user: TestUser,
    *,
    admin: bool = False,
    password: str | None = None,
    device_key: str | None = None,
    timestamp: str | None = None,
    tamper: Any = None,
) -> SrpSignIn:
    """USER_SRP_AUTH then PASSWORD_VERIFIER (§1), computed with our Cognito SRP client.

    ``password`` signs with another password (a wrong-password check); ``timestamp`` sends a given
    TIMESTAMP; ``tamper(responses) -> responses`` alters the answer (a forged signature).
    """
    srp = UserSrpClient(client.pool_id, password if password is not None else user.password)
    parameters = client.auth_parameters(user.username, SRP_A=srp.srp_a_hex())
    if device_key:
        parameters["DEVICE_KEY"] = device_key
    if admin:
        challenge = cognito.admin_initiate_auth(
            UserPoolId=client.pool_id,
            ClientId=client.client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters=parameters,
        )
    else:
        challenge = cognito.initiate_auth(
            ClientId=client.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters
        )
    flow = SrpSignIn(challenge)
    body = challenge.body if challenge.ok else None
    if not isinstance(body, dict) or body.get("ChallengeName") != "PASSWORD_VERIFIER":
        return flow
    responses = srp.answer_password_verifier(body.get("ChallengeParameters", {}), timestamp=timestamp)
    username = responses["USERNAME"]
    hashed = client.secret_hash(username)
    if hashed:
        responses["SECRET_HASH"] = hashed
    if device_key:
        responses["DEVICE_KEY"] = device_key
    if tamper is not None:
        responses = tamper(responses)
    redact.register(responses.get("PASSWORD_CLAIM_SIGNATURE"))
    # §1/§12.2: AWS sends no Session with this challenge and accepts the answer without one.
    session = {"Session": body["Session"]} if body.get("Session") else {}
    if admin:
        flow.answer = cognito.admin_respond_to_auth_challenge(
            UserPoolId=client.pool_id,
            ClientId=client.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=responses,
            **session,
        )
    else:
        flow.answer = cognito.respond_to_auth_challenge(
            ClientId=client.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=responses,
            **session,
        )
    return flow


def tokens(response: Response | None) -> dict[str, Any] | None:
    """The AuthenticationResult of a successful sign-in step, or None."""
    if response is None or not response.ok or not isinstance(response.body, dict):
        return None
    result = response.body.get("AuthenticationResult")
    return result if isinstance(result, dict) else None
