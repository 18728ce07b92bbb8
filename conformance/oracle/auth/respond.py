"""RespondToAuthChallenge and AdminRespondToAuthChallenge: the challenge answers (§1, §2, §3, §8, §12)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from conformance.crypto.srp import SrpRejected, parse_cognito_timestamp
from conformance.oracle import facts
from conformance.oracle.auth.choice import select_challenge
from conformance.oracle.auth.common import (
    challenge_follows,
    disabled,
    pool_and_client,
    wrong_password,
)
from conformance.oracle.auth.complete import after_password, finish, finish_with_device
from conformance.oracle.core import INCORRECT, Transition, params_of, refuse, secret_hash_refusal, with_user
from conformance.oracle.mfa import spend_code, used_code
from conformance.oracle.model import (
    Call,
    Client,
    Pool,
    Session,
    State,
    User,
    equal,
    fails,
    has_keys,
    present,
    put,
    unknown,
)


def respond_to_auth_challenge(state: State, call: Call) -> Transition:
    """RespondToAuthChallenge: answer the challenge a sign-in step returned (§1, §2, §3)."""
    return _respond(state, call, admin=False)


def admin_respond_to_auth_challenge(state: State, call: Call) -> Transition:
    """AdminRespondToAuthChallenge: the same, server side, naming the pool (§1, §3 [BC]; SRPH admin flow)."""
    return _respond(state, call, admin=True)


def _respond(state: State, call: Call, *, admin: bool) -> Transition:
    found = pool_and_client(state, call, admin=admin)
    if isinstance(found, Transition):
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
                # The code is likely; no real capture shows this text for a forged Session (§13).
                message_fact=facts.SESSION_GARBAGE_TEXT,
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
        return finish(
            with_user(spent, confirmed),
            pool,
            client,
            confirmed,
            device_key=session.device_key,
            admin=admin,
            responding=True,
        )
    if name == "SOFTWARE_TOKEN_MFA":
        return _software_token(state, spent, pool, client, user, session, responses, admin=admin)
    if name == "SELECT_CHALLENGE":
        return select_challenge(state, spent, pool, client, user, responses, admin=admin)
    if name == "DEVICE_SRP_AUTH":
        return _device_srp_auth(spent, pool, client, user, session, responses, admin=admin)
    if name == "DEVICE_PASSWORD_VERIFIER":
        return _device_password_verifier(state, spent, call, pool, client, user, session, admin=admin)
    return refuse(state, unknown(f"{name} is not modelled"), user)


def _password_verifier(
    state: State, call: Call, pool: Pool, client: Client, responses: Mapping[str, Any], *, admin: bool
) -> Transition:
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
        return wrong_password(spent, user, facts.SRP_PADDED_DAY)
    proof = call.proof
    right = proof is not None and not proof.forged and proof.password == user.password
    if not user.enabled:
        return disabled(spent, user, password_right=right)
    if not right:
        return wrong_password(spent, user, facts.SRP_BAD_PROOF)
    return after_password(
        spent, pool, client, user, device_key=responses.get("DEVICE_KEY"), admin=admin, responding=True
    )


def _device_srp_auth(
    state: State,
    pool: Pool,
    client: Client,
    user: User,
    session: Session,
    responses: Mapping[str, Any],
    *,
    admin: bool,
) -> Transition:
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
    return challenge_follows(
        state,
        body,
        facts.DEVICE_PASSWORD_VERIFIER_PARAMETERS,
        "the device's SRP challenge follows",
        expects,
        pool=pool,
        client=client,
        user=user,
        admin=admin,
        device_key=device.key,
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
) -> Transition:
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
    return finish_with_device(spent, pool, client, user, device, admin=admin)


def _software_token(
    state: State,
    spent: State,
    pool: Pool,
    client: Client,
    user: User,
    session: Session,
    responses: Mapping[str, Any],
    *,
    admin: bool,
) -> Transition:
    """SOFTWARE_TOKEN_MFA answered with a code of the user's authenticator (oracle/mfa.py): a code
    accepted before is expired, and the session stays open; a fresh one completes the sign-in."""
    code = str(responses.get("SOFTWARE_TOKEN_MFA_CODE", ""))
    refusal = used_code(user, code)
    if refusal is not None:
        return refuse(state, refusal, user)
    if not user.enabled:
        return refuse(state, unknown("a disabled user answering SOFTWARE_TOKEN_MFA is not documented"), user)
    answered = spend_code(user, code)
    return finish(
        with_user(spent, answered),
        pool,
        client,
        answered,
        device_key=session.device_key,
        admin=admin,
        responding=True,
        mfa_done=True,
    )
