"""Sign-in: InitiateAuth, AdminInitiateAuth and the challenge answers (aws-behaviour.md §1-§4, §6, §7, §12).

The order of the checks follows what AWS documents; where AWS's order is not known the prediction
says so (an UNVERIFIED fact) rather than guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from conformance.crypto.srp import SrpRejected, parse_cognito_timestamp
from conformance.expect import (
    Expect,
    absent,
    equal,
    has_keys,
    matches,
    present,
)
from conformance.oracle import facts
from conformance.oracle.core import (
    INCORRECT,
    Outcome,
    client_or_refusal,
    params_of,
    pool_or_refusal,
    refuse,
    secret_hash_refusal,
    weaken,
    with_user,
)
from conformance.oracle.model import (
    Answer,
    Call,
    Client,
    Device,
    Pool,
    Prediction,
    Session,
    SignIn,
    SrpExchange,
    State,
    User,
    fails,
    frozen,
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

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


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


def _learn(
    state: State,
    call: Call,
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


# ----------------------------------------------------------------------------------------- results


def _token_expects(
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
                rf"{pool_region(pool)}_{_UUID}",
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


def _placeholder_tokens(pool: Pool, device_key: str | None, *, new_sign_in: bool = True) -> dict[str, Any]:
    result: dict[str, Any] = {"AccessToken": "<access token>", "IdToken": "<id token>", "TokenType": "Bearer"}
    if new_sign_in:
        result["RefreshToken"] = "<refresh token>"
    if pool.tracks_devices and new_sign_in and device_key is None:
        result["NewDeviceMetadata"] = {
            "DeviceKey": f"{pool_region(pool)}_<new device>",
            "DeviceGroupKey": "<group>",
        }
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _finish(
    state: State,
    call: Call,
    pool: Pool,
    client: Client,
    user: User,
    *,
    device_key: str | None,
    admin: bool,
    responding: bool,
) -> Outcome:
    """After the password: a remembered device's challenge, or tokens (§2, §3, §5, §12.1)."""
    at_stake = ((user.pool_id, user.username),)
    if pool.tracks_devices and device_key:
        device = state.devices.get(device_key)
        if device is None or device.username != user.username or device.forgotten:
            fact = facts.FORGOTTEN_DEVICE_SIGN_IN if device is not None else facts.DEVICE_DOES_NOT_EXIST
            return refuse(
                state,
                fails(
                    "ResourceNotFoundException",
                    "Device does not exist.",
                    fact,
                    "the device key is unknown or forgotten",
                ),
                user,
            )
        if not device.confirmed:
            return refuse(state, unknown("a key that was never confirmed (UNVERIFIED, §2)"), user)
        if device.remembered:
            expects = [
                equal("$.ChallengeName", "DEVICE_SRP_AUTH", facts.DEVICE_SRP_AUTH_FOLLOWS, "challenge"),
                present("$.Session", facts.DEVICE_CHALLENGE_SESSION),
                absent("$.AuthenticationResult", facts.DEVICE_SRP_AUTH_FOLLOWS),
            ]
            body = {"ChallengeName": "DEVICE_SRP_AUTH", "Session": "<session>", "ChallengeParameters": {}}
            return Outcome(
                succeeds(facts.DEVICE_SRP_AUTH_FOLLOWS, "a remembered device proves itself next", *expects),
                lambda answer: _learn(
                    state,
                    call,
                    answer.body if answer else body,
                    pool=pool,
                    client=client,
                    username=user.username,
                    admin=admin,
                    device_key=device_key,
                ),
                at_stake,
            )
        prediction = succeeds(
            facts.NOT_REMEMBERED_SIGN_IN,
            "a confirmed, not remembered device signs in without device SRP",
            *_token_expects(pool, client, responding=responding, admin=admin, device_key=device_key),
        )
        return Outcome(
            weaken(prediction, facts.NOT_REMEMBERED_SIGN_IN),
            lambda answer: _learn(
                state,
                call,
                answer.body if answer else _placeholder_tokens(pool, device_key),
                pool=pool,
                client=client,
                username=user.username,
                admin=admin,
                device_key=device_key,
            ),
            at_stake,
        )
    prediction = succeeds(
        facts.TOKENS_RESULT,
        "the sign-in completes with tokens",
        *_token_expects(
            pool,
            client,
            responding=responding,
            admin=admin,
            device_key=device_key if pool.tracks_devices else None,
        ),
    )
    used_key = device_key if pool.tracks_devices else None
    return Outcome(
        prediction,
        lambda answer: _learn(
            state,
            call,
            answer.body if answer else _placeholder_tokens(pool, used_key),
            pool=pool,
            client=client,
            username=user.username,
            admin=admin,
            device_key=used_key,
        ),
        at_stake,
    )


def _after_password(
    state: State,
    call: Call,
    pool: Pool,
    client: Client,
    user: User,
    *,
    device_key: str | None,
    admin: bool,
    responding: bool,
) -> Outcome:
    """The right password: NEW_PASSWORD_REQUIRED for a FORCE_CHANGE_PASSWORD user (§8), else finish."""
    state = with_user(state, replace(user, failed_attempts=0))
    if user.status == "FORCE_CHANGE_PASSWORD":
        expects = [
            equal("$.ChallengeName", "NEW_PASSWORD_REQUIRED", facts.FORCE_CHANGE_PASSWORD, "challenge"),
            present("$.Session", facts.FORCE_CHANGE_PASSWORD),
            equal("$.ChallengeParameters.USER_ID_FOR_SRP", user.username, facts.NEW_PASSWORD_PARAMETERS),
            has_keys(
                "$.ChallengeParameters",
                frozenset({"requiredAttributes", "userAttributes"}),
                facts.NEW_PASSWORD_PARAMETERS,
            ),
            absent("$.AuthenticationResult", facts.FORCE_CHANGE_PASSWORD),
        ]
        body = {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "<session>", "ChallengeParameters": {}}
        return Outcome(
            succeeds(facts.FORCE_CHANGE_PASSWORD, "a temporary password must be replaced", *expects),
            lambda answer: _learn(
                state,
                call,
                answer.body if answer else body,
                pool=pool,
                client=client,
                username=user.username,
                admin=admin,
                device_key=device_key,
            ),
            ((user.pool_id, user.username),),
        )
    if user.status != "CONFIRMED":
        return refuse(state, unknown(f"sign-in of a {user.status} user is not modelled"), user)
    return _finish(state, call, pool, client, user, device_key=device_key, admin=admin, responding=responding)


def _wrong_password(state: State, user: User, fact: Any = facts.INCORRECT_PASSWORD) -> Outcome:
    counted = with_user(state, replace(user, failed_attempts=user.failed_attempts + 1))
    return Outcome(
        fails("NotAuthorizedException", INCORRECT, fact, "the password is wrong"),
        lambda _answer: counted,
        ((user.pool_id, user.username),),
    )


def _disabled(state: State, user: User, *, password_right: bool) -> Outcome:
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


# --------------------------------------------------------------------------------------- initiate


def initiate_auth(state: State, call: Call) -> Outcome:
    """InitiateAuth: start a sign-in with an app client (§1, §4, §7)."""
    return _initiate(state, call, admin=False)


def admin_initiate_auth(state: State, call: Call) -> Outcome:
    """AdminInitiateAuth: the same, server side, naming the pool (§4)."""
    return _initiate(state, call, admin=True)


def _pool_and_client(state: State, call: Call, *, admin: bool) -> tuple[Pool, Client] | Outcome:
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


def _initiate(state: State, call: Call, *, admin: bool) -> Outcome:
    found = _pool_and_client(state, call, admin=admin)
    if isinstance(found, Outcome):
        return found
    pool, client = found
    flow = call.param("AuthFlow")
    if flow not in (ADMIN_FLOWS if admin else USER_FLOWS):
        return refuse(
            state,
            fails(
                "InvalidParameterException",
                None,
                facts.FLOW_WRONG_OPERATION,
                f"{flow} is not a flow of this operation",
                message_fact=facts.FLOW_WRONG_OPERATION_TEXT,
            ),
        )
    refusal = flow_refusal(client, flow)
    if refusal is not None:
        return refuse(state, refusal)
    parameters = params_of(call, "AuthParameters")
    if flow in REFRESH_FLOWS:
        return _refresh(state, call, pool, client, parameters)
    if flow == "CUSTOM_AUTH":
        # §12.3 (settled): the machines' pools have no DefineAuthChallenge trigger.
        return refuse(
            state,
            fails(
                "InvalidParameterException",
                "Custom auth lambda trigger is not configured for the user pool.",
                facts.CUSTOM_AUTH_NO_TRIGGER,
                "CUSTOM_AUTH needs a Lambda trigger",
            ),
        )
    if flow == "USER_AUTH":
        return refuse(state, unknown("choice-based sign-in is not modelled"))
    typed = parameters.get("USERNAME")
    user = state.user(pool.pool_id, typed)
    hash_refusal = secret_hash_refusal(
        client, parameters.get("SECRET_HASH"), [typed, user.username if user else None]
    )
    if hash_refusal is not None:
        return refuse(state, hash_refusal, user)
    srp = flow == "USER_SRP_AUTH"
    if user is None:
        if client.prevent_user_existence_errors:
            if srp:
                # §1 [DG managing-errors]: a simulated challenge first, NotAuthorized at the verifier.
                expects = [
                    equal("$.ChallengeName", "PASSWORD_VERIFIER", facts.UNKNOWN_USER_PREVENTED, "challenge"),
                    has_keys(
                        "$.ChallengeParameters",
                        frozenset({"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP"}),
                        facts.UNKNOWN_USER_PREVENTED,
                    ),
                    matches(
                        "$.ChallengeParameters.USER_ID_FOR_SRP",
                        _UUID,
                        facts.UNKNOWN_USER_PREVENTED,
                        "simulated-id",
                    ),
                ]
                body = {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {}}
                return Outcome(
                    succeeds(
                        facts.UNKNOWN_USER_PREVENTED, "an unknown user gets a simulated challenge", *expects
                    ),
                    lambda answer: _learn(
                        state,
                        call,
                        answer.body if answer else body,
                        pool=pool,
                        client=client,
                        username=str(typed),
                        admin=admin,
                        device_key=None,
                        simulated=True,
                    ),
                )
            return refuse(
                state,
                fails(
                    "NotAuthorizedException", INCORRECT, facts.UNKNOWN_USER_PREVENTED, "the user is unknown"
                ),
            )
        return refuse(
            state,
            fails(
                "UserNotFoundException",
                "User does not exist.",
                facts.UNKNOWN_USER_LEGACY,
                "the user is unknown",
            ),
        )
    if not user.in_sync:
        return refuse(state, unknown("the model lost track of this user"), user)
    if user.failed_attempts >= 5:
        return refuse(state, unknown("the user may be locked out (timing, §3)"), user)
    if srp:
        if not user.enabled:
            # Whether AWS refuses a disabled user here or at the verifier is UNVERIFIED.
            def learn_if_challenged(answer: Answer | None) -> State:
                # Should the endpoint refuse only at the verifier (AWS's step is UNVERIFIED), follow it.
                if answer is None or not answer.ok:
                    return state
                return _learn(
                    state,
                    call,
                    answer.body,
                    pool=pool,
                    client=client,
                    username=user.username,
                    admin=admin,
                    device_key=None,
                )

            return Outcome(
                fails(
                    "NotAuthorizedException",
                    "User is disabled.",
                    facts.DISABLED_SRP_STEP,
                    "the user is disabled",
                ),
                learn_if_challenged,
                ((user.pool_id, user.username),),
            )
        expects = [
            equal("$.ChallengeName", "PASSWORD_VERIFIER", facts.PASSWORD_VERIFIER_PARAMETERS, "challenge"),
            has_keys(
                "$.ChallengeParameters",
                frozenset({"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}),
                facts.PASSWORD_VERIFIER_PARAMETERS,
            ),
            equal("$.ChallengeParameters.USER_ID_FOR_SRP", user.username, facts.PASSWORD_VERIFIER_PARAMETERS),
            absent("$.Session", facts.PASSWORD_VERIFIER_NO_SESSION),
            absent("$.AuthenticationResult", facts.PASSWORD_VERIFIER_PARAMETERS),
        ]
        body = {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {"USER_ID_FOR_SRP": user.username},
        }
        device_key = parameters.get("DEVICE_KEY")
        return Outcome(
            succeeds(
                facts.PASSWORD_VERIFIER_PARAMETERS, "USER_SRP_AUTH answers with PASSWORD_VERIFIER", *expects
            ),
            lambda answer: _learn(
                state,
                call,
                answer.body if answer else body,
                pool=pool,
                client=client,
                username=user.username,
                admin=admin,
                device_key=device_key,
            ),
            ((user.pool_id, user.username),),
        )
    right = parameters.get("PASSWORD") == user.password
    if not user.enabled:
        return _disabled(state, user, password_right=right)
    if not right:
        return _wrong_password(state, user)
    return _after_password(
        state,
        call,
        pool,
        client,
        user,
        device_key=parameters.get("DEVICE_KEY"),
        admin=admin,
        responding=False,
    )


# --------------------------------------------------------------------------------------- refresh


def _refresh(state: State, call: Call, pool: Pool, client: Client, parameters: Mapping[str, Any]) -> Outcome:
    """REFRESH_TOKEN_AUTH: new ID and access tokens, no new refresh token (§4, §6, §12.2, §12.4)."""
    sign_in = state.sign_in_by_refresh_token(parameters.get("REFRESH_TOKEN"))
    if sign_in is None:
        return refuse(
            state,
            fails(
                "NotAuthorizedException",
                "Invalid Refresh Token",
                facts.INVALID_REFRESH_TOKEN,
                "the refresh token is unknown",
            ),
        )
    if sign_in.client_id != client.client_id or sign_in.uncertain:
        return refuse(state, unknown("refresh through another client, or a token the model cannot judge"))
    user = state.user(sign_in.pool_id, sign_in.username)
    if user is None or not user.in_sync:
        return refuse(state, unknown("refresh for a deleted or untracked user is not documented"))
    hash_refusal = secret_hash_refusal(client, parameters.get("SECRET_HASH"), [user.username], refresh=True)
    if hash_refusal is not None:
        return refuse(state, hash_refusal, user)
    if sign_in.refresh_revoked:
        prediction = fails(
            "NotAuthorizedException",
            "Refresh Token has been revoked",
            facts.REFRESH_REVOKED,
            "the refresh token was revoked",
        )
    elif not user.enabled:
        prediction = fails(
            "NotAuthorizedException", "User is disabled.", facts.USER_DISABLED, "the user is disabled"
        )
    elif pool.tracks_devices and sign_in.device_key is not None:
        device = state.devices.get(sign_in.device_key)
        if (
            parameters.get("DEVICE_KEY") != sign_in.device_key
            or device is None
            or not device.confirmed
            or device.forgotten
        ):
            prediction = unknown("refresh without the sign-in's confirmed device key (3P only, §2)")
        else:
            prediction = None
    else:
        prediction = None
    if sign_in.after_sign_out and prediction is not None:
        prediction = weaken(prediction, facts.SIGN_OUT_AFTERMATH)
    if prediction is not None:
        return refuse(state, prediction, user)
    expects = _token_expects(
        pool, client, responding=False, admin=False, device_key=sign_in.device_key, new_sign_in=False
    )
    success = succeeds(
        facts.REFRESH_NO_NEW_REFRESH_TOKEN, "the refresh token gives new ID and access tokens", *expects
    )
    if sign_in.revoked_by == "disable":
        # The user was disabled and enabled again: what that leaves of the family is UNVERIFIED.
        success = weaken(success, facts.ENABLE_AFTER_DISABLE)
    if sign_in.after_sign_out:
        success = weaken(success, facts.SIGN_OUT_AFTERMATH)

    def then(answer: Answer | None) -> State:
        access = answer.member("AuthenticationResult", "AccessToken") if answer else None
        access = str(access or f"<access token {len(sign_in.access_tokens) + 1} of {sign_in.handle}>")
        refreshed = replace(
            sign_in,
            access_tokens=(*sign_in.access_tokens, access),
            uncertain=sign_in.uncertain or sign_in.revoked_by == "disable",
        )
        return replace(state, sign_ins=put(state.sign_ins, sign_in.handle, refreshed), created=())

    return Outcome(success, then, ((user.pool_id, user.username),))


# ------------------------------------------------------------------------------------- challenges


def respond_to_auth_challenge(state: State, call: Call) -> Outcome:
    """RespondToAuthChallenge: answer the challenge a sign-in step returned (§1, §2, §3)."""
    return _respond(state, call, admin=False)


def admin_respond_to_auth_challenge(state: State, call: Call) -> Outcome:
    """AdminRespondToAuthChallenge: the same, server side, naming the pool (§1, §3 [BC]; SRPH admin flow)."""
    return _respond(state, call, admin=True)


def _respond(state: State, call: Call, *, admin: bool) -> Outcome:
    found = _pool_and_client(state, call, admin=admin)
    if isinstance(found, Outcome):
        return found
    pool, client = found
    name = call.param("ChallengeName")
    responses = params_of(call, "ChallengeResponses")
    if name == "PASSWORD_VERIFIER":
        return _password_verifier(state, call, pool, client, responses, admin=admin)
    session = state.session_by_token(call.param("Session"))
    if session is None:
        return refuse(
            state,
            fails(
                "NotAuthorizedException",
                "Invalid session for the user.",
                facts.SESSION_GARBAGE,
                "the session is unknown",
            ),
        )
    user = state.user(pool.pool_id, session.username)
    if session.challenge != name or session.client_id != client.client_id or user is None or not user.in_sync:
        return refuse(
            state, unknown("a session of another challenge, client or user (UNVERIFIED text)"), user
        )
    if session.used:
        return refuse(
            state,
            fails(
                "NotAuthorizedException",
                "Invalid session for the user, session can only be used once.",
                facts.SESSION_SINGLE_USE,
                "the session was used already",
            ),
            user,
        )
    hash_refusal = secret_hash_refusal(
        client, responses.get("SECRET_HASH"), [responses.get("USERNAME"), user.username]
    )
    if hash_refusal is not None:
        return refuse(state, hash_refusal, user)
    spent = replace(state, sessions=put(state.sessions, session.handle, replace(session, used=True)))
    if name == "NEW_PASSWORD_REQUIRED":
        if not user.enabled:
            return refuse(
                state, unknown("a disabled user answering NEW_PASSWORD_REQUIRED is not documented"), user
            )
        # §8 (verified, MOTO-V): the answer makes the user CONFIRMED with the new password.
        confirmed = replace(user, status="CONFIRMED", password=str(responses.get("NEW_PASSWORD", "")))
        return _finish(
            with_user(spent, confirmed),
            call,
            pool,
            client,
            confirmed,
            device_key=session.device_key,
            admin=admin,
            responding=True,
        )
    if name == "DEVICE_SRP_AUTH":
        return _device_srp_auth(spent, call, pool, client, user, session, responses, admin=admin)
    if name == "DEVICE_PASSWORD_VERIFIER":
        return _device_password_verifier(state, spent, call, pool, client, user, session, admin=admin)
    return refuse(state, unknown(f"{name} is not modelled"), user)


def _password_verifier(
    state: State, call: Call, pool: Pool, client: Client, responses: Mapping[str, Any], *, admin: bool
) -> Outcome:
    """PASSWORD_VERIFIER: the SRP proof (§1, §12.2); no Session needed, the state is in SECRET_BLOCK."""
    exchange = state.exchange_by_block(responses.get("PASSWORD_CLAIM_SECRET_BLOCK"))
    if exchange is None or exchange.client_id != client.client_id or exchange.used:
        return refuse(
            state, unknown("a SECRET_BLOCK the oracle did not hand out, or one used already (UNVERIFIED)")
        )
    user = state.user(pool.pool_id, exchange.username)
    hash_refusal = secret_hash_refusal(
        client, responses.get("SECRET_HASH"), [responses.get("USERNAME"), exchange.user_id_for_srp]
    )
    if hash_refusal is not None:
        return refuse(state, hash_refusal, user)
    spent = replace(state, exchanges=put(state.exchanges, exchange.handle, replace(exchange, used=True)))
    if exchange.simulated:
        return refuse(
            spent,
            fails("NotAuthorizedException", INCORRECT, facts.UNKNOWN_USER_PREVENTED, "the user is unknown"),
        )
    if user is None or not user.in_sync:
        return refuse(spent, unknown("the user was deleted or is untracked"), user)
    try:
        parse_cognito_timestamp(str(responses.get("TIMESTAMP", "")))
    except SrpRejected as rejected:
        if rejected.reason == "malformed-timestamp":
            return refuse(
                spent,
                fails(
                    "InvalidParameterException",
                    "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
                    facts.SRP_MALFORMED_TIMESTAMP,
                    "the TIMESTAMP does not parse",
                ),
                user,
            )
        return _wrong_password(spent, user, facts.SRP_PADDED_DAY)
    proof = call.proof
    right = proof is not None and not proof.forged and proof.password == user.password
    if not user.enabled:
        return _disabled(spent, user, password_right=right)
    if not right:
        return _wrong_password(spent, user, facts.SRP_BAD_PROOF)
    return _after_password(
        spent, call, pool, client, user, device_key=responses.get("DEVICE_KEY"), admin=admin, responding=True
    )


def _device_srp_auth(
    state: State,
    call: Call,
    pool: Pool,
    client: Client,
    user: User,
    session: Session,
    responses: Mapping[str, Any],
    *,
    admin: bool,
) -> Outcome:
    """DEVICE_SRP_AUTH: SRP_A for the device; DEVICE_PASSWORD_VERIFIER follows (§2 steps 3-4, §12.1)."""
    device = state.devices.get(str(responses.get("DEVICE_KEY")))
    if device is None or device.key != session.device_key:
        return refuse(state, unknown("a device key other than the sign-in's (UNVERIFIED)"), user)
    if device.forgotten:
        return refuse(
            state,
            fails(
                "ResourceNotFoundException",
                "Device does not exist.",
                facts.FORGOTTEN_DEVICE_SIGN_IN,
                "the device was forgotten",
            ),
            user,
        )
    expects = [
        equal(
            "$.ChallengeName",
            "DEVICE_PASSWORD_VERIFIER",
            facts.DEVICE_PASSWORD_VERIFIER_PARAMETERS,
            "challenge",
        ),
        has_keys(
            "$.ChallengeParameters",
            frozenset({"SRP_B", "SALT", "SECRET_BLOCK", "USERNAME", "DEVICE_KEY"}),
            facts.DEVICE_PASSWORD_VERIFIER_PARAMETERS,
        ),
        equal("$.ChallengeParameters.DEVICE_KEY", device.key, facts.DEVICE_PASSWORD_VERIFIER_PARAMETERS),
        present("$.Session", facts.DEVICE_CHALLENGE_SESSION),
    ]
    body = {
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "Session": "<session>",
        "ChallengeParameters": {"DEVICE_KEY": device.key},
    }
    return Outcome(
        succeeds(facts.DEVICE_PASSWORD_VERIFIER_PARAMETERS, "the device's SRP challenge follows", *expects),
        lambda answer: _learn(
            state,
            call,
            answer.body if answer else body,
            pool=pool,
            client=client,
            username=user.username,
            admin=admin,
            device_key=device.key,
        ),
        ((user.pool_id, user.username),),
    )


def _device_password_verifier(
    before: State,
    spent: State,
    call: Call,
    pool: Pool,
    client: Client,
    user: User,
    session: Session,
    *,
    admin: bool,
) -> Outcome:
    """DEVICE_PASSWORD_VERIFIER: the device's proof; tokens, or the generic refusal (§2, §12.1)."""
    device = spent.devices.get(session.device_key or "")
    if device is None or device.forgotten:
        return refuse(before, unknown("the device went away during its own sign-in (UNVERIFIED)"), user)
    proof = call.proof
    if proof is None or proof.forged or proof.device_verifier != device.verifier:
        return refuse(
            before,
            fails("NotAuthorizedException", INCORRECT, facts.DEVICE_WRONG_PROOF, "the device proof is wrong"),
            user,
        )
    if not user.enabled:
        return refuse(before, unknown("a disabled user's device proof is not documented"), user)
    return _finish_with_device(spent, call, pool, client, user, device, admin=admin)


def _finish_with_device(
    state: State, call: Call, pool: Pool, client: Client, user: User, device: Device, *, admin: bool
) -> Outcome:
    expects = _token_expects(pool, client, responding=True, admin=admin, device_key=device.key)
    return Outcome(
        succeeds(facts.DEVICE_SRP_AUTH_FOLLOWS, "the device proof completes the sign-in", *expects),
        lambda answer: _learn(
            state,
            call,
            answer.body if answer else _placeholder_tokens(pool, device.key),
            pool=pool,
            client=client,
            username=user.username,
            admin=admin,
            device_key=device.key,
        ),
        ((user.pool_id, user.username),),
    )


def known_refresh_families(state: State) -> Mapping[str, SignIn]:
    """The sign-ins whose refresh tokens the oracle can judge."""
    return frozen({h: s for h, s in state.sign_ins.items() if s.refresh_token and not s.uncertain})
