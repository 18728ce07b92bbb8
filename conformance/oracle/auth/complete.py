"""The end of a sign-in step once the password is right: a further challenge, or tokens (§2, §3, §5, §8, §12.1)."""

from __future__ import annotations

from dataclasses import replace

from conformance.oracle import facts
from conformance.oracle.auth.common import challenge_follows, learning, placeholder_tokens, token_expects
from conformance.oracle.core import Transition, refuse, weaken, with_user
from conformance.oracle.mfa import mfa_after_password
from conformance.oracle.model import (
    Client,
    Device,
    Pool,
    State,
    User,
    absent,
    equal,
    fails,
    has_keys,
    present,
    succeeds,
    unknown,
)


def finish(
    state: State,
    pool: Pool,
    client: Client,
    user: User,
    *,
    device_key: str | None,
    admin: bool,
    responding: bool,
    mfa_done: bool = False,
) -> Transition:
    """After the password: a remembered device's challenge, the second factor (oracle/mfa.py), or
    tokens (§2, §3, §5, §12.1). ``mfa_done``: the second factor was just answered."""
    at_stake = ((user.pool_id, user.username),)
    second = (
        None if mfa_done else _second_factor(state, pool, client, user, device_key=device_key, admin=admin)
    )
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
            return challenge_follows(
                state,
                body,
                facts.DEVICE_SRP_AUTH_FOLLOWS,
                "a remembered device proves itself next",
                expects,
                pool=pool,
                client=client,
                user=user,
                admin=admin,
                device_key=device_key,
            )
        if second is not None:
            return second
        prediction = succeeds(
            facts.NOT_REMEMBERED_SIGN_IN,
            "a confirmed, not remembered device signs in without device SRP",
            *token_expects(pool, client, responding=responding, admin=admin, device_key=device_key),
        )
        return Transition(
            weaken(prediction, facts.NOT_REMEMBERED_SIGN_IN),
            learning(
                state,
                placeholder_tokens(pool, device_key),
                pool=pool,
                client=client,
                username=user.username,
                admin=admin,
                device_key=device_key,
            ),
            at_stake,
        )
    if second is not None:
        return second
    prediction = succeeds(
        facts.TOKENS_RESULT,
        "the sign-in completes with tokens",
        *token_expects(
            pool,
            client,
            responding=responding,
            admin=admin,
            device_key=device_key if pool.tracks_devices else None,
        ),
    )
    used_key = device_key if pool.tracks_devices else None
    return Transition(
        prediction,
        learning(
            state,
            placeholder_tokens(pool, used_key),
            pool=pool,
            client=client,
            username=user.username,
            admin=admin,
            device_key=used_key,
        ),
        at_stake,
    )


def after_password(
    state: State,
    pool: Pool,
    client: Client,
    user: User,
    *,
    device_key: str | None,
    admin: bool,
    responding: bool,
) -> Transition:
    """The right password: NEW_PASSWORD_REQUIRED for a FORCE_CHANGE_PASSWORD user (§8), else finish."""
    state = with_user(state, replace(user, failed_attempts=0))
    if user.status == "FORCE_CHANGE_PASSWORD":
        expects = [
            equal("$.ChallengeName", "NEW_PASSWORD_REQUIRED", facts.FORCE_CHANGE_PASSWORD, "challenge"),
            present("$.Session", facts.FORCE_CHANGE_PASSWORD),
            equal("$.ChallengeParameters.USER_ID_FOR_SRP", user.username, facts.USER_ID_FOR_SRP),
            has_keys(
                "$.ChallengeParameters",
                frozenset({"USER_ID_FOR_SRP", "requiredAttributes", "userAttributes"}),
                facts.NEW_PASSWORD_PARAMETERS,
            ),
            absent("$.AuthenticationResult", facts.FORCE_CHANGE_PASSWORD),
        ]
        body = {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "<session>", "ChallengeParameters": {}}
        return challenge_follows(
            state,
            body,
            facts.FORCE_CHANGE_PASSWORD,
            "a temporary password must be replaced",
            expects,
            pool=pool,
            client=client,
            user=user,
            admin=admin,
            device_key=device_key,
        )
    if user.status != "CONFIRMED":
        return refuse(state, unknown(f"sign-in of a {user.status} user is not modelled"), user)
    return finish(state, pool, client, user, device_key=device_key, admin=admin, responding=responding)


def _second_factor(
    state: State, pool: Pool, client: Client, user: User, *, device_key: str | None, admin: bool
) -> Transition | None:
    return mfa_after_password(state, pool, client, user, device_key=device_key, admin=admin)


def finish_with_device(
    state: State, pool: Pool, client: Client, user: User, device: Device, *, admin: bool
) -> Transition:
    expects = token_expects(pool, client, responding=True, admin=admin, device_key=device.key)
    return Transition(
        succeeds(facts.DEVICE_SRP_AUTH_FOLLOWS, "the device proof completes the sign-in", *expects),
        learning(
            state,
            placeholder_tokens(pool, device.key),
            pool=pool,
            client=client,
            username=user.username,
            admin=admin,
            device_key=device.key,
        ),
        ((user.pool_id, user.username),),
    )
