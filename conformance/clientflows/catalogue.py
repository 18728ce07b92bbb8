"""The client flows: which client, which step, and the fact each one rests on.

A flow's id is ``CLIENT.STEP``; its Node script (``node/<script>``) reports exactly these ids, in
this order. The order is the order the steps run in, and the order of the matrix's rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Client:
    """A client AWS publishes: its npm package and the script that drives it."""

    name: str
    package: str
    script: str
    title: str


@dataclass(frozen=True)
class ClientFlow:
    """One step of one client's flow.

    Attributes:
        id: ``CLIENT.STEP``, as the Node script reports it.
        client: the :class:`Client`'s name.
        title: what the step does, in the client's own API words.
        fact: the catalogue fact that says AWS does what the step relies on.
    """

    id: str
    client: str
    title: str
    fact: str


CLIENTS: dict[str, Client] = {
    client.name: client
    for client in (
        Client("amplify", "aws-amplify", "amplify.js", "Amplify JS v6"),
        Client("acij", "amazon-cognito-identity-js", "acij.js", "amazon-cognito-identity-js"),
        Client("jwt-verify", "aws-jwt-verify", "jwt_verify.js", "aws-jwt-verify"),
    )
}

_AMPLIFY = "auth.amplify-v6-flows"
_ACIJ = "auth.acij-flows"

FLOWS: tuple[ClientFlow, ...] = (
    ClientFlow("amplify.sign-in-srp", "amplify", "signIn (SRP) answers NEW_PASSWORD_REQUIRED", _AMPLIFY),
    ClientFlow("amplify.confirm-new-password", "amplify", "confirmSignIn with a new password", _AMPLIFY),
    ClientFlow("amplify.remember-device", "amplify", "rememberDevice, then fetchDevices lists it", _AMPLIFY),
    ClientFlow("amplify.device-sign-in", "amplify", "a second signIn with the remembered device", _AMPLIFY),
    ClientFlow(
        "amplify.refresh",
        "amplify",
        "fetchAuthSession({forceRefresh: true})",
        "tokens.get-tokens-from-refresh",
    ),
    ClientFlow("amplify.global-sign-out", "amplify", "signOut({global: true})", _AMPLIFY),
    ClientFlow(
        "amplify.refused-after-sign-out",
        "amplify",
        "the signed-out access token is refused",
        "tokens.access-revoked",
    ),
    ClientFlow("acij.sign-in-srp", "acij", "authenticateUser (SRP) answers newPasswordRequired", _ACIJ),
    ClientFlow(
        "acij.confirm-new-password", "acij", "completeNewPasswordChallenge (confirms the device)", _ACIJ
    ),
    ClientFlow("acij.remember-device", "acij", "setDeviceStatusRemembered, then listDevices lists it", _ACIJ),
    ClientFlow(
        "acij.device-sign-in", "acij", "a second authenticateUser with the device (device SRP)", _ACIJ
    ),
    ClientFlow("acij.refresh", "acij", "refreshSession (REFRESH_TOKEN_AUTH)", _ACIJ),
    ClientFlow("acij.global-sign-out", "acij", "globalSignOut", _ACIJ),
    ClientFlow(
        "acij.refused-after-sign-out",
        "acij",
        "the signed-out refresh and access tokens are refused",
        "tokens.refresh-refused",
    ),
    ClientFlow(
        "jwt-verify.id-token",
        "jwt-verify",
        "verify an ID token (key set, iss, aud, token_use)",
        "tokens.jwt-verify-accepts",
    ),
    ClientFlow(
        "jwt-verify.access-token",
        "jwt-verify",
        "verify an access token (key set, iss, client_id, token_use)",
        "tokens.jwt-verify-accepts",
    ),
)

_BY_ID = {flow.id: flow for flow in FLOWS}


def flow_by_id(flow_id: str) -> ClientFlow:
    """The flow named ``flow_id``; KeyError names the known ids."""
    try:
        return _BY_ID[flow_id]
    except KeyError:
        raise KeyError(f"unknown client flow {flow_id!r}; known: {', '.join(_BY_ID)}") from None


def flows_of(client: str) -> list[ClientFlow]:
    """The flows of one client, in order."""
    return [flow for flow in FLOWS if flow.client == client]
