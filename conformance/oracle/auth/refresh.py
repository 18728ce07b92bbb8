"""REFRESH_TOKEN_AUTH: new ID and access tokens from a refresh token (§4, §6, §12.2, §12.4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from conformance.oracle import facts
from conformance.oracle.auth.common import token_expects
from conformance.oracle.core import Transition, refuse, secret_hash_refusal, weaken
from conformance.oracle.model import (
    Answer,
    Client,
    Pool,
    SignIn,
    State,
    fails,
    frozen,
    put,
    succeeds,
    unknown,
)


def refresh(state: State, pool: Pool, client: Client, parameters: Mapping[str, Any]) -> Transition:
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
    expects = token_expects(
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

    return Transition(success, then, ((user.pool_id, user.username),))


def known_refresh_families(state: State) -> Mapping[str, SignIn]:
    """The sign-ins whose refresh tokens the oracle can judge."""
    return frozen({h: s for h, s in state.sign_ins.items() if s.refresh_token and not s.uncertain})
