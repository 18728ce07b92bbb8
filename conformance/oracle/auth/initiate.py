"""InitiateAuth and AdminInitiateAuth: the first step of a sign-in (docs/facts.md §1, §4, §6, §7, §12)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.oracle import facts
from conformance.oracle.auth.choice import user_auth
from conformance.oracle.auth.common import (
    ADMIN_FLOWS,
    REFRESH_FLOWS,
    USER_FLOWS,
    UUID,
    challenge_follows,
    disabled,
    flow_refusal,
    learning,
    pool_and_client,
    wrong_password,
)
from conformance.oracle.auth.complete import after_password
from conformance.oracle.auth.refresh import refresh
from conformance.oracle.core import INCORRECT, Transition, params_of, refuse, secret_hash_refusal
from conformance.oracle.model import (
    Call,
    Client,
    Pool,
    State,
    User,
    absent,
    equal,
    fails,
    has_keys,
    matches,
    succeeds,
    unknown,
)


def initiate_auth(state: State, call: Call) -> Transition:
    """InitiateAuth: start a sign-in with an app client (§1, §4, §7)."""
    return _initiate(state, call, admin=False)


def admin_initiate_auth(state: State, call: Call) -> Transition:
    """AdminInitiateAuth: the same, server side, naming the pool (§4)."""
    return _initiate(state, call, admin=True)


def _initiate(state: State, call: Call, *, admin: bool) -> Transition:
    found = pool_and_client(state, call, admin=admin)
    if isinstance(found, Transition):
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
        return refresh(state, pool, client, parameters)
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
        return user_auth(state, pool, client, parameters, admin=admin)
    return _sign_in(state, pool, client, parameters, srp=flow == "USER_SRP_AUTH", admin=admin)


def _sign_in(
    state: State,
    pool: Pool,
    client: Client,
    parameters: Mapping[str, Any],
    *,
    srp: bool,
    admin: bool,
) -> Transition:
    """USER_SRP_AUTH or a password flow: the user, SECRET_HASH, then SRP's first step or the password."""
    typed = parameters.get("USERNAME")
    user = state.user(pool.pool_id, typed)
    hash_refusal = secret_hash_refusal(
        client, parameters.get("SECRET_HASH"), [typed, user.username if user else None]
    )
    if hash_refusal is not None:
        return refuse(state, hash_refusal, user)
    if user is None:
        return _unknown_user(state, pool, client, typed, srp=srp, admin=admin)
    if not user.in_sync:
        return refuse(state, unknown("the model lost track of this user"), user)
    if user.failed_attempts >= 5:
        return refuse(state, unknown("the user may be locked out (timing, §3)"), user)
    if srp:
        return _srp_start(state, pool, client, user, parameters.get("DEVICE_KEY"), admin=admin)
    right = parameters.get("PASSWORD") == user.password
    if user.status in ("UNCONFIRMED", "RESET_REQUIRED"):
        return _status_refusal(state, client, user, password_right=right)
    if not user.enabled:
        return disabled(state, user, password_right=right)
    if not right:
        return wrong_password(state, user)
    return after_password(
        state,
        pool,
        client,
        user,
        device_key=parameters.get("DEVICE_KEY"),
        admin=admin,
        responding=False,
    )


def _status_refusal(state: State, client: Client, user: User, *, password_right: bool) -> Transition:
    """A password sign-in of a user who must confirm or reset first (§7, §8).

    UNCONFIRMED is refused whatever the password (facts:auth.unconfirmed); RESET_REQUIRED with the
    right password is PasswordResetRequiredException (facts:auth.reset-required). A disabled user,
    a wrong password for RESET_REQUIRED, or existence errors hidden leave the answer open.
    """
    if not user.enabled:
        return refuse(state, unknown("which of the status and the disabled account wins is not known"), user)
    if user.status == "UNCONFIRMED":
        return refuse(
            state,
            fails("UserNotConfirmedException", "User is not confirmed.", facts.UNCONFIRMED, "not confirmed"),
            user,
        )
    if not password_right or client.prevent_user_existence_errors:
        return refuse(state, unknown("a RESET_REQUIRED sign-in here is not modelled"), user)
    return refuse(
        state,
        fails(
            "PasswordResetRequiredException",
            "Password reset required for the user",
            facts.RESET_REQUIRED,
            "the password must be reset",
        ),
        user,
    )


def _unknown_user(
    state: State, pool: Pool, client: Client, typed: Any, *, srp: bool, admin: bool
) -> Transition:
    """A user that does not exist: UserNotFound, or with PreventUserExistenceErrors what an existing one gets (§1, §7)."""
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
                    UUID,
                    facts.UNKNOWN_USER_PREVENTED,
                    "simulated-id",
                ),
            ]
            body = {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {}}
            return Transition(
                succeeds(
                    facts.UNKNOWN_USER_PREVENTED, "an unknown user gets a simulated challenge", *expects
                ),
                learning(
                    state,
                    body,
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
            fails("NotAuthorizedException", INCORRECT, facts.UNKNOWN_USER_PREVENTED, "the user is unknown"),
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


def _srp_start(
    state: State, pool: Pool, client: Client, user: User, device_key: str | None, *, admin: bool
) -> Transition:
    """USER_SRP_AUTH's first step: PASSWORD_VERIFIER with the SRP parameters (§1, §12.2)."""
    if not user.enabled:
        # Whether AWS refuses a disabled user here or at the verifier is UNVERIFIED: should the
        # endpoint answer with the challenge and refuse only at the verifier, follow it.
        return Transition(
            fails(
                "NotAuthorizedException",
                "User is disabled.",
                facts.DISABLED_SRP_STEP,
                "the user is disabled",
            ),
            learning(
                state,
                None,
                pool=pool,
                client=client,
                username=user.username,
                admin=admin,
                device_key=None,
            ),
            ((user.pool_id, user.username),),
        )
    expects = [
        equal("$.ChallengeName", "PASSWORD_VERIFIER", facts.PASSWORD_VERIFIER_PARAMETERS, "challenge"),
        has_keys(
            "$.ChallengeParameters",
            frozenset({"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}),
            facts.PASSWORD_VERIFIER_PARAMETERS,
        ),
        # That it carries USER_ID_FOR_SRP is verified; that its value is the username is one
        # third-party measurement (§13: unverified), reported only.
        equal("$.ChallengeParameters.USER_ID_FOR_SRP", user.username, facts.USER_ID_FOR_SRP),
        absent("$.Session", facts.PASSWORD_VERIFIER_NO_SESSION),
        absent("$.AuthenticationResult", facts.PASSWORD_VERIFIER_PARAMETERS),
    ]
    body = {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {"USER_ID_FOR_SRP": user.username},
    }
    return challenge_follows(
        state,
        body,
        facts.PASSWORD_VERIFIER_PARAMETERS,
        "USER_SRP_AUTH answers with PASSWORD_VERIFIER",
        expects,
        pool=pool,
        client=client,
        user=user,
        admin=admin,
        device_key=device_key,
    )
