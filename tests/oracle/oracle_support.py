"""Build oracle states the way a machine would, through ``step`` and ``observe`` only."""

from __future__ import annotations

from typing import Any

from conformance.crypto.srp import secret_hash
from conformance.oracle import (
    Answer,
    Call,
    Prediction,
    Proof,
    State,
    Verdict,
    initial_state,
    known_client,
    known_pool,
    observe,
    predict,
)

POOL = "us-east-1_AbCdEfGhI"
PUBLIC = "publicclient0000000000000a"
SECRET_CLIENT = "secretclient0000000000000b"
SECRET = "s3cr3t-client-secret-value-0123456789"
FLOWS = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
PASSWORD = "Aa1!correct-horse"
WRONG = "Aa1!wrong-horse"


def world(*, devices: dict[str, bool] | None = None, prevent: bool = True) -> State:
    """A pool with a public client and a secret client (PreventUserExistenceErrors on the secret one)."""
    state = known_pool(initial_state("us-east-1"), POOL, "pool", devices)
    state = known_client(state, POOL, PUBLIC, ExplicitAuthFlows=FLOWS)
    return known_client(
        state,
        POOL,
        SECRET_CLIENT,
        SECRET,
        ExplicitAuthFlows=FLOWS,
        GenerateSecret=True,
        PreventUserExistenceErrors="ENABLED" if prevent else "LEGACY",
    )


def answered(
    state: State,
    operation: str,
    params: dict[str, Any],
    body: dict[str, Any] | None = None,
    *,
    proof: Proof | None = None,
    error: str | None = None,
) -> State:
    """The state after the endpoint answered as given (success body, or an error code)."""
    call = Call(operation, params, proof)
    return observe(state, call, Answer(error is None, body or {}, error))


def user(
    state: State,
    name: str = "alice",
    *,
    confirmed: bool = True,
    sub: str = "11111111-2222-4333-8444-555555555555",
    **attributes: str,
) -> State:
    state = answered(
        state,
        "AdminCreateUser",
        {
            "UserPoolId": POOL,
            "Username": name,
            "TemporaryPassword": PASSWORD,
            "UserAttributes": [{"Name": k, "Value": v} for k, v in attributes.items()],
        },
        {"User": {"Username": name, "Attributes": [{"Name": "sub", "Value": sub}]}},
    )
    if confirmed:
        state = answered(
            state,
            "AdminSetUserPassword",
            {"UserPoolId": POOL, "Username": name, "Password": PASSWORD, "Permanent": True},
        )
    return state


def tokens_body(n: int, *, refresh: bool = True, device: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "AccessToken": f"access-{n}",
        "IdToken": f"id-{n}",
        "TokenType": "Bearer",
        "ExpiresIn": 3600,
    }
    if refresh:
        result["RefreshToken"] = f"refresh-{n}"
    if device:
        result["NewDeviceMetadata"] = {"DeviceKey": device, "DeviceGroupKey": "-abcdefgh"}
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def sign_in(
    state: State, name: str = "alice", n: int = 1, *, device: str | None = None, client: str = PUBLIC
) -> State:
    """A USER_PASSWORD_AUTH sign-in whose answer carries tokens ``access-n`` / ``refresh-n``."""
    parameters = {"USERNAME": name, "PASSWORD": PASSWORD}
    if client == SECRET_CLIENT:
        parameters["SECRET_HASH"] = secret_hash(name, SECRET_CLIENT, SECRET)
    return answered(
        state,
        "InitiateAuth",
        {"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": parameters},
        tokens_body(n, device=device),
    )


def expect_error(prediction: Prediction, code: str, message: str | None = None) -> None:
    assert prediction.verdict is Verdict.ERROR, prediction.describe()
    assert prediction.error_code == code, prediction.describe()
    if message is not None:
        assert prediction.message == message, prediction.describe()


def expect_success(prediction: Prediction) -> None:
    assert prediction.verdict is Verdict.SUCCESS, prediction.describe()


def expected_value(prediction: Prediction, path: str) -> Any:
    for expect in prediction.expects:
        if expect.path == path:
            return expect
    raise AssertionError(f"no expectation at {path}: {prediction.describe()}")


__all__ = ["predict"]
