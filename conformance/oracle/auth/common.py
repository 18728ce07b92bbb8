"""What the sign-in steps share: auth flows, learning what a step handed out, token results.

The order of the checks follows what AWS documents; where AWS's order is not known the prediction
says so (an UNVERIFIED fact) rather than guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from conformance.facts import Fact
from conformance.oracle import facts
from conformance.oracle.core import (
    INCORRECT,
    NextState,
    Transition,
    client_or_refusal,
    pool_or_refusal,
    refuse,
    with_user,
)
from conformance.oracle.model import (
    Answer,
    Call,
    Client,
    Device,
    Expect,
    Pool,
    Prediction,
    Session,
    SignIn,
    SrpExchange,
    State,
    User,
    absent,
    equal,
    fails,
    matches,
    present,
    put,
    succeeds,
    unknown,
)

USER_FLOWS = frozenset(
    {"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH"}
)
ADMIN_FLOWS = frozenset(
    {
        "USER_SRP_AUTH",
        "REFRESH_TOKEN_AUTH",
        "REFRESH_TOKEN",
        "CUSTOM_AUTH",
        "ADMIN_NO_SRP_AUTH",
        "ADMIN_USER_PASSWORD_AUTH",
        "USER_AUTH",
    }
)
REFRESH_FLOWS = frozenset({"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})
LEGACY_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})
#: §4 [BC]: a client without ExplicitAuthFlows allows these.
DEFAULT_FLOWS = frozenset({"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"})

#: flow -> (the ALLOW_ value that enables it, the refusal's text, the text's fact) (§4, §12.3).
FLOW_REFUSALS = {
    "USER_SRP_AUTH": (
        "ALLOW_USER_SRP_AUTH",
        "USER_SRP_AUTH is not enabled for the client.",
        facts.FLOW_TEXT_SRP,
    ),
    "USER_PASSWORD_AUTH": (
        "ALLOW_USER_PASSWORD_AUTH",
        "USER_PASSWORD_AUTH flow not enabled for this client",
        facts.FLOW_TEXT_USER_PASSWORD,
    ),
    "ADMIN_USER_PASSWORD_AUTH": (
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "Auth flow not enabled for this client",
        facts.FLOW_TEXT_ADMIN,
    ),
    "ADMIN_NO_SRP_AUTH": (
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "Auth flow not enabled for this client",
        facts.FLOW_TEXT_ADMIN,
    ),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH", None, facts.FLOW_TEXT_REFRESH),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH", None, facts.FLOW_TEXT_REFRESH),
    "CUSTOM_AUTH": (
        "ALLOW_CUSTOM_AUTH",
        "CUSTOM_AUTH is not enabled for the client.",
        facts.FLOW_TEXT_CUSTOM,
    ),
    "USER_AUTH": ("ALLOW_USER_AUTH", None, facts.FLOW_TEXT_REFRESH),
}

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def allowed_flows(client: Client) -> frozenset[str]:
    """The ALLOW_ values a client's ExplicitAuthFlows amount to (§4)."""
    flows = frozenset(client.explicit_auth_flows or ())
    if not flows:
        return DEFAULT_FLOWS
    legacy = flows & LEGACY_FLOWS
    if legacy:
        # §4 (verified, MOTO-V): legacy lists implicitly allow SRP and refresh.
        allowed = {"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"}
        if "ADMIN_NO_SRP_AUTH" in legacy:
            allowed.add("ALLOW_ADMIN_USER_PASSWORD_AUTH")
        if "USER_PASSWORD_AUTH" in legacy:
            allowed.add("ALLOW_USER_PASSWORD_AUTH")
        return frozenset(allowed)
    return flows


def flow_refusal(client: Client, flow: str) -> Prediction | None:
    """InvalidParameterException when the client does not enable ``flow`` (§4, §12.3); None when it does."""
    needed, message, message_fact = FLOW_REFUSALS[flow]
    flows = frozenset(client.explicit_auth_flows or ())
    if flows & LEGACY_FLOWS and flow in ("CUSTOM_AUTH", "USER_AUTH"):
        return unknown("whether a legacy flow list allows this flow is UNVERIFIED")
    if needed in allowed_flows(client):
        return None
    return fails(
        "InvalidParameterException",
        message,
        facts.FLOW_NOT_ENABLED,
        f"{flow} is not enabled on the client",
        message_fact=message_fact,
    )


# ---------------------------------------------------------------------------------------- learning


def learn(
    state: State,
    body: Mapping[str, Any],
    *,
    pool: Pool,
    client: Client,
    username: str,
    admin: bool,
    device_key: str | None,
    simulated: bool = False,
) -> State:
    """Record what a sign-in step handed out: a PASSWORD_VERIFIER block, a session, or tokens."""
    state = replace(state, created=())
    challenge = body.get("ChallengeName")
    parameters = body.get("ChallengeParameters") or {}
    if challenge == "PASSWORD_VERIFIER":
        handle, state = state.next_handle("challenge")
        exchange = SrpExchange(
            handle=handle,
            secret_block=str(parameters.get("SECRET_BLOCK", f"<block of {handle}>")),
            pool_id=pool.pool_id,
            client_id=client.client_id,
            username=username,
            user_id_for_srp=str(parameters.get("USER_ID_FOR_SRP", username)),
            admin=admin,
            device_key=device_key,
            simulated=simulated,
        )
        return replace(state, exchanges=put(state.exchanges, handle, exchange))
    if isinstance(challenge, str):
        handle, state = state.next_handle("session")
        session = Session(
            handle=handle,
            token=str(body.get("Session") or f"<{handle}>"),
            challenge=challenge,
            pool_id=pool.pool_id,
            client_id=client.client_id,
            username=username,
            admin=admin,
            device_key=device_key if device_key else parameters.get("DEVICE_KEY"),
            secret_block=parameters.get("SECRET_BLOCK"),
        )
        return replace(state, sessions=put(state.sessions, handle, session))
    result = body.get("AuthenticationResult")
    if not isinstance(result, Mapping):
        return state
    handle, state = state.next_handle("signin")
    metadata = (
        result.get("NewDeviceMetadata") if isinstance(result.get("NewDeviceMetadata"), Mapping) else None
    )
    user = state.user(pool.pool_id, username)
    access = str(result.get("AccessToken", f"<access token of {handle}>"))
    sign_in = SignIn(
        handle=handle,
        pool_id=pool.pool_id,
        client_id=client.client_id,
        username=username,
        access_token=access,
        refresh_token=result.get("RefreshToken"),
        id_token=result.get("IdToken"),
        device_key=metadata.get("DeviceKey") if metadata else device_key,
        access_tokens=(access,),
        after_sign_out=bool(user and user.signed_out_once),
    )
    state = replace(state, sign_ins=put(state.sign_ins, handle, sign_in))
    if metadata and metadata.get("DeviceKey"):
        device = Device(
            key=str(metadata["DeviceKey"]),
            pool_id=pool.pool_id,
            username=username,
            group_key=str(metadata.get("DeviceGroupKey", "")),
            issued_to=handle,
        )
        state = replace(
            state, devices=put(state.devices, device.key, device), created=(*state.created, device.key)
        )
    return state


def learning(
    state: State,
    fallback: Mapping[str, Any] | None,
    *,
    pool: Pool,
    client: Client,
    username: str,
    admin: bool,
    device_key: str | None,
    simulated: bool = False,
) -> NextState:
    """The transition of a sign-in step: learn from the endpoint's successful answer.

    Predicting only (no answer), the state learns from ``fallback``, the body the prediction
    implies (placeholders where AWS generates values). With ``fallback=None`` the step is one the
    oracle predicts is refused, but should the endpoint answer with a challenge anyway (where AWS's
    order of checks is UNVERIFIED) the state follows that answer.
    """

    def then(answer: Answer | None) -> State:
        if answer is not None and answer.ok:
            body: Mapping[str, Any] = answer.body
        elif fallback is None:
            return state
        else:
            body = fallback
        return learn(
            state,
            body,
            pool=pool,
            client=client,
            username=username,
            admin=admin,
            device_key=device_key,
            simulated=simulated,
        )

    return then


def challenge_follows(
    state: State,
    body: Mapping[str, Any],
    fact: Fact,
    why: str,
    expects: list[Expect],
    *,
    pool: Pool,
    client: Client,
    user: User,
    admin: bool,
    device_key: str | None,
) -> Transition:
    """A sign-in step AWS answers with a challenge: the prediction of its members, and the state
    learned from the answer (or, predicting only, from ``body``, the challenge with placeholders)."""
    return Transition(
        succeeds(fact, why, *expects),
        learning(
            state, body, pool=pool, client=client, username=user.username, admin=admin, device_key=device_key
        ),
        ((user.pool_id, user.username),),
    )


# ----------------------------------------------------------------------------------------- results


def token_expects(
    pool: Pool,
    client: Client,
    *,
    responding: bool,
    admin: bool,
    device_key: str | None,
    new_sign_in: bool = True,
) -> list[Expect]:
    result = "$.AuthenticationResult"
    expects = [
        present(f"{result}.AccessToken", facts.TOKENS_RESULT),
        present(f"{result}.IdToken", facts.TOKENS_RESULT),
        equal(f"{result}.TokenType", "Bearer", facts.TOKENS_RESULT, "token-type"),
        absent("$.ChallengeName", facts.COMPLETED_NO_CHALLENGE),
        absent("$.Session", facts.COMPLETED_NO_CHALLENGE),
        equal(
            "$.ChallengeParameters",
            {},
            facts.COMPLETED_NO_CHALLENGE if responding else facts.INITIATE_EMPTY_PARAMETERS,
            "empty-challenge-parameters",
        ),
    ]
    if "AccessTokenValidity" not in client.settings:
        expects.append(equal(f"{result}.ExpiresIn", 3600, facts.TOKENS_EXPIRES_IN, "expires-in"))
    if new_sign_in:
        expects.append(present(f"{result}.RefreshToken", facts.TOKENS_RESULT))
    else:
        expects.append(absent(f"{result}.RefreshToken", facts.REFRESH_NO_NEW_REFRESH_TOKEN))
    if pool.tracks_devices and new_sign_in and device_key is None:
        metadata_fact = facts.ADMIN_DEVICE_METADATA if admin else facts.NEW_DEVICE_METADATA
        expects += [
            matches(
                f"{result}.NewDeviceMetadata.DeviceKey",
                rf"{pool_region(pool)}_{UUID}",
                facts.DEVICE_KEY_FORMAT if not admin else metadata_fact,
            ),
            matches(
                f"{result}.NewDeviceMetadata.DeviceGroupKey",
                r"-[0-9A-Za-z]{8}",
                facts.DEVICE_GROUP_KEY_FORMAT if not admin else metadata_fact,
            ),
        ]
    else:
        expects.append(absent(f"{result}.NewDeviceMetadata", facts.NEW_DEVICE_METADATA))
    return expects


def pool_region(pool: Pool) -> str:
    return pool.pool_id.split("_", 1)[0]


def placeholder_tokens(pool: Pool, device_key: str | None, *, new_sign_in: bool = True) -> dict[str, Any]:
    result: dict[str, Any] = {"AccessToken": "<access token>", "IdToken": "<id token>", "TokenType": "Bearer"}
    if new_sign_in:
        result["RefreshToken"] = "<refresh token>"
    if pool.tracks_devices and new_sign_in and device_key is None:
        result["NewDeviceMetadata"] = {
            "DeviceKey": f"{pool_region(pool)}_<new device>",
            "DeviceGroupKey": "<group>",
        }
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def pool_and_client(state: State, call: Call, *, admin: bool) -> tuple[Pool, Client] | Transition:
    """The pool and app client a sign-in step names, or AWS's refusal of an unknown one (§7).

    The admin operations name the pool (UserPoolId) and answer for it first.
    """
    pool_id = None
    if admin:
        pool = pool_or_refusal(state, call.param("UserPoolId"))
        if isinstance(pool, Prediction):
            return refuse(state, pool)
        pool_id = pool.pool_id
    client = client_or_refusal(state, call.param("ClientId"), pool_id)
    if isinstance(client, Prediction):
        return refuse(state, client)
    return state.pools[client.pool_id], client


def wrong_password(state: State, user: User, fact: Any = facts.INCORRECT_PASSWORD) -> Transition:
    counted = with_user(state, replace(user, failed_attempts=user.failed_attempts + 1))
    return Transition(
        fails("NotAuthorizedException", INCORRECT, fact, "the password is wrong"),
        lambda _answer: counted,
        ((user.pool_id, user.username),),
    )


def disabled(state: State, user: User, *, password_right: bool) -> Transition:
    """A disabled user is refused (§6); with a wrong password too, but which text wins is UNVERIFIED."""
    if password_right:
        prediction = fails(
            "NotAuthorizedException", "User is disabled.", facts.USER_DISABLED, "the user is disabled"
        )
    else:
        prediction = fails(
            "NotAuthorizedException",
            None,
            facts.USER_DISABLED,
            "the user is disabled and the password is wrong",
            message_fact=facts.DISABLED_BEFORE_PASSWORD,
        )
    return refuse(state, prediction, user)
