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
from conformance.crypto.srp import (
    DeviceSecret,
    DeviceSrpClient,
    UserSrpClient,
    new_device_secret,
    secret_hash,
)

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

    def hash_expression(self, username: str, first: int = 0) -> tuple[str, tuple[Any, ...]]:
        """How a reproducer script recomputes SECRET_HASH: ``(", SECRET_HASH=secret_hash(...)", values)``.

        Placeholders are numbered from ``first``; empty for a client without a secret.
        """
        if not self.secret:
            return "", ()
        a, b, c = first, first + 1, first + 2
        return f", SECRET_HASH=secret_hash({{{a}}}, {{{b}}}, {{{c}}})", (
            username,
            self.client_id,
            self.secret,
        )

    def auth_parameters(self, username: str, **parameters: str) -> dict[str, str]:
        """AuthParameters / ChallengeResponses with USERNAME and, for a secret client, SECRET_HASH."""
        out = {"USERNAME": username, **parameters}
        hashed = self.secret_hash(username)
        if hashed:
            out["SECRET_HASH"] = hashed
        return out


def create_app_client(cognito: Cognito, pool_id: str, **params: Any) -> tuple[Response, AppClient | None]:
    """CreateUserPoolClient; the AppClient when it succeeded with a usable answer.

    None when the call failed, or when its answer has no string ClientId or a ClientSecret that is
    not a string (the checks report that member; the client could not be used).
    """
    params.setdefault("ClientName", f"client-{secrets.token_hex(3)}")
    response = cognito.create_user_pool_client(UserPoolId=pool_id, **params)
    if not response.ok or not isinstance(response.body, dict):
        return response, None
    body = response.body.get("UserPoolClient")
    if not isinstance(body, dict):
        return response, None
    client_id, secret = body.get("ClientId"), body.get("ClientSecret")
    if not isinstance(client_id, str) or not client_id or not isinstance(secret, str | None):
        return response, None
    return response, AppClient(pool_id, client_id, secret)


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
    a permanent password makes them CONFIRMED. The user is None when a step failed, or when the
    AdminCreateUser answer's User is not an object or its Attributes not a list of Name/Value
    strings (the checks report that member; the user's ``sub`` could not be read).
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
    attributes = _name_value_pairs(created.body.get("User", {}) if isinstance(created.body, dict) else None)
    if attributes is None:
        return created, None
    user.sub = attributes.get("sub")
    if not confirmed:
        return created, user
    set_password = cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=user.username, Password=user.password, Permanent=True
    )
    return set_password, user if set_password.ok else None


def _name_value_pairs(user: Any) -> dict[str, str] | None:
    """A UserType's Attributes as a dict; None when ``user`` is not an object, or its Attributes
    (absent means none) are not a list of objects with string Name and Value."""
    if not isinstance(user, dict):
        return None
    attributes = user.get("Attributes", [])
    if not isinstance(attributes, list):
        return None
    pairs: dict[str, str] = {}
    for attribute in attributes:
        if not isinstance(attribute, dict):
            return None
        name, value = attribute.get("Name"), attribute.get("Value")
        if not isinstance(name, str) or not isinstance(value, str | None):
            return None
        if value is not None:
            pairs[name] = value
    return pairs


def password_sign_in(cognito: Cognito, client: AppClient, user: TestUser, *, admin: bool = False) -> Response:
    """USER_PASSWORD_AUTH (InitiateAuth) or ADMIN_USER_PASSWORD_AUTH (AdminInitiateAuth)."""
    parameters = client.auth_parameters(user.username, PASSWORD=user.password)
    _annotate_hash(cognito, client, "AuthParameters", parameters)
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
    secret = password if password is not None else user.password
    srp = UserSrpClient(client.pool_id, secret)
    parameters = client.auth_parameters(user.username, SRP_A=srp.srp_a_hex())
    if device_key:
        parameters["DEVICE_KEY"] = device_key
    name = cognito.log.name(srp, "srp")
    rest = {k: v for k, v in parameters.items() if k not in ("SRP_A", "SECRET_HASH")}
    hash_template, hash_values = client.hash_expression(user.username, first=1)
    cognito.log.annotate(
        setup=[(f"{name} = UserSrpClient({{0}}, {{1}})", (client.pool_id, secret))],
        params={
            "AuthParameters": (f"dict({{0}}, SRP_A={name}.srp_a_hex(){hash_template})", (rest, *hash_values))
        },
    )
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
    if tamper is None:
        extra = {k: v for k, v in responses.items() if k == "DEVICE_KEY"}
        hash_template, hash_values = client.hash_expression(username, first=1)
        verifier = f"{name}.answer_password_verifier({{r}}['ChallengeParameters'])"
        cognito.log.annotate(
            params={
                "ChallengeResponses": (f"dict({verifier}, **{{0}}{hash_template})", (extra, *hash_values))
            }
        )
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


def _annotate_hash(cognito: Cognito, client: AppClient, member: str, parameters: dict[str, str]) -> None:
    """Tell the reproducer to recompute SECRET_HASH in ``member`` rather than print it."""
    if "SECRET_HASH" in parameters:
        rest = {k: v for k, v in parameters.items() if k != "SECRET_HASH"}
        hash_template, hash_values = client.hash_expression(parameters["USERNAME"], first=1)
        cognito.log.annotate(params={member: (f"dict({{0}}{hash_template})", (rest, *hash_values))})


def tokens(response: Response | None) -> dict[str, Any] | None:
    """The AuthenticationResult of a successful sign-in step, or None."""
    if response is None or not response.ok or not isinstance(response.body, dict):
        return None
    result = response.body.get("AuthenticationResult")
    return result if isinstance(result, dict) else None


# --- remembered devices (docs/facts.md §2, §12.1) ------------------------------------------------


@dataclass
class DeviceSignIn:
    """A sign-in that sent a DEVICE_KEY: each step's response, and the tokens at the end."""

    steps: list[Response]
    result: dict[str, Any] | None = None

    @property
    def last(self) -> Response:
        return self.steps[-1]

    def challenges(self) -> list[str | None]:
        return [r.body.get("ChallengeName") for r in self.steps if r.ok and isinstance(r.body, dict)]


def confirm_new_device(
    cognito: Cognito, access_token: str, metadata: dict[str, str], *, name: str = "conformance-device"
) -> tuple[Response, DeviceSecret]:
    """ConfirmDevice with a freshly made verifier for the NewDeviceMetadata of a sign-in (§2)."""
    secret = new_device_secret(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    redact.register(secret.password)
    config = secret.verifier_config()
    redact.register(config["PasswordVerifier"], config["Salt"])
    variable = cognito.log.name(secret, "dev")
    cognito.log.annotate(
        setup=[
            (
                f"{variable} = new_device_secret({{0}}, {{1}})",
                (metadata["DeviceGroupKey"], metadata["DeviceKey"]),
            )
        ],
        params={"DeviceSecretVerifierConfig": (f"{variable}.verifier_config()", ())},
    )
    response = cognito.confirm_device(
        AccessToken=access_token,
        DeviceKey=metadata["DeviceKey"],
        DeviceName=name,
        DeviceSecretVerifierConfig=config,
    )
    return response, secret


def device_sign_in(
    cognito: Cognito,
    client: AppClient,
    user: TestUser,
    secret: DeviceSecret,
    *,
    admin: bool = False,
    device_secret_override: DeviceSecret | None = None,
) -> DeviceSignIn:
    """USER_SRP_AUTH with DEVICE_KEY, then whatever device challenges follow, answered (§2 steps 1-7).

    ``device_secret_override`` answers DEVICE_PASSWORD_VERIFIER with another device password
    (a wrong device proof).
    """
    flow = srp_sign_in(cognito, client, user, admin=admin, device_key=secret.device_key)
    sign_in = DeviceSignIn([flow.challenge] + ([flow.answer] if flow.answer is not None else []))
    device = DeviceSrpClient(device_secret_override or secret, username=user.username)
    # The reproducer recomputes the device proof, except for a deliberately wrong one.
    reproducible = device_secret_override is None
    device_name = cognito.log.name(device, "dsrp")
    secret_name = cognito.log.name(secret, "dev")
    for _ in range(3):  # at most DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER
        last = sign_in.last
        if not last.ok or not isinstance(last.body, dict):
            return sign_in
        if last.body.get("AuthenticationResult"):
            sign_in.result = last.body["AuthenticationResult"]
            return sign_in
        name = last.body.get("ChallengeName")
        parameters = last.body.get("ChallengeParameters", {})
        username = parameters.get("USERNAME", user.username)
        if name == "DEVICE_SRP_AUTH":
            responses = device.answer_device_srp_auth(username)
            setup = [(f"{device_name} = DeviceSrpClient({secret_name}, username={{0}})", (user.username,))]
            computed = f"{device_name}.answer_device_srp_auth({{0}})"
        elif name == "DEVICE_PASSWORD_VERIFIER":
            responses = device.answer_device_password_verifier(parameters)
            redact.register(responses.get("PASSWORD_CLAIM_SIGNATURE"))
            setup = []
            computed = f"{device_name}.answer_device_password_verifier({{r}}['ChallengeParameters'])"
        else:
            return sign_in
        hashed = client.secret_hash(responses["USERNAME"])
        if hashed:
            responses["SECRET_HASH"] = hashed
        if reproducible:
            hash_template, hash_values = client.hash_expression(responses["USERNAME"], first=1)
            cognito.log.annotate(
                setup=setup,
                params={"ChallengeResponses": (f"dict({computed}{hash_template})", (username, *hash_values))},
            )
        session = {"Session": last.body["Session"]} if last.body.get("Session") else {}
        if admin:
            answer = cognito.admin_respond_to_auth_challenge(
                UserPoolId=client.pool_id,
                ClientId=client.client_id,
                ChallengeName=name,
                ChallengeResponses=responses,
                **session,
            )
        else:
            answer = cognito.respond_to_auth_challenge(
                ClientId=client.client_id, ChallengeName=name, ChallengeResponses=responses, **session
            )
        sign_in.steps.append(answer)
    return sign_in


# --- auth flows, challenges, users (docs/facts.md §3, §4, §8) -------------------------------------


def refresh_sign_in(
    cognito: Cognito,
    client: AppClient,
    refresh_token: str,
    *,
    username: str | None = None,
    admin: bool = False,
    flow: str = "REFRESH_TOKEN_AUTH",
) -> Response:
    """REFRESH_TOKEN_AUTH (or its synonym REFRESH_TOKEN, §4) through InitiateAuth or AdminInitiateAuth.

    A secret client needs SECRET_HASH over the internal username (§12.2), so pass ``username``
    for one.
    """
    parameters = {"REFRESH_TOKEN": refresh_token}
    hashed = client.secret_hash(username) if username else None
    if hashed:
        parameters["SECRET_HASH"] = hashed
    if admin:
        return cognito.admin_initiate_auth(
            UserPoolId=client.pool_id, ClientId=client.client_id, AuthFlow=flow, AuthParameters=parameters
        )
    return cognito.initiate_auth(ClientId=client.client_id, AuthFlow=flow, AuthParameters=parameters)


def answer_new_password(
    cognito: Cognito,
    client: AppClient,
    user: TestUser,
    challenge: Response,
    *,
    new_password: str | None = None,
    admin: bool = False,
    session: str | None = None,
    attributes: dict[str, str] | None = None,
) -> Response:
    """Answer NEW_PASSWORD_REQUIRED (§3) with USERNAME, NEW_PASSWORD and ``userAttributes.<name>``.

    ``session`` overrides the challenge's Session (a replayed or forged one). On success the user's
    password becomes ``new_password`` (a fresh one when omitted).
    """
    password = new_password if new_password is not None else new_password_for(user)
    body = challenge.body if isinstance(challenge.body, dict) else {}
    responses = client.auth_parameters(user.username, NEW_PASSWORD=password)
    for name, value in (attributes or {}).items():
        responses[f"userAttributes.{name}"] = value
    token = session if session is not None else body.get("Session")
    extra = {"Session": token} if token else {}
    if admin:
        answer = cognito.admin_respond_to_auth_challenge(
            UserPoolId=client.pool_id,
            ClientId=client.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            ChallengeResponses=responses,
            **extra,
        )
    else:
        answer = cognito.respond_to_auth_challenge(
            ClientId=client.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            ChallengeResponses=responses,
            **extra,
        )
    if answer.ok:
        user.password = password
    return answer


def new_password_for(user: TestUser) -> str:
    """A fresh password for ``user`` that differs from the current one (registered as secret)."""
    password = new_password()
    while password == user.password:  # pragma: no cover - 12 random bytes never repeat in practice
        password = new_password()
    return password


def sign_up(
    cognito: Cognito,
    client: AppClient,
    *,
    username: str | None = None,
    password: str | None = None,
    attributes: dict[str, str] | None = None,
) -> tuple[Response, TestUser]:
    """SignUp through ``client`` (with SecretHash for a secret client); the user stays UNCONFIRMED (§8)."""
    user = TestUser(
        client.pool_id, username or new_username(), password or new_password(), dict(attributes or {})
    )
    params: dict[str, Any] = {
        "ClientId": client.client_id,
        "Username": user.username,
        "Password": user.password,
        "UserAttributes": [{"Name": k, "Value": v} for k, v in user.attributes.items()],
    }
    hashed = client.secret_hash(user.username)
    if hashed:
        params["SecretHash"] = hashed
    response = cognito.sign_up(**params)
    if response.ok and isinstance(response.body, dict):
        user.sub = response.body.get("UserSub")
    return response, user
