"""What every operation of the oracle shares: the transition type and the common refusals.

An operation is a function ``(state, call) -> Transition``. The transition holds the prediction and
``then(answer)``, which gives the next state: with ``answer=None`` the state the
prediction implies (generated values as placeholders), with the endpoint's answer the state that
has learned what the endpoint generated (ids, tokens, sessions, device keys).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from conformance.crypto.srp import secret_hash
from conformance.divergence import Confidence
from conformance.facts import Fact, fact
from conformance.oracle import facts
from conformance.oracle.model import (
    Answer,
    Call,
    Client,
    Pool,
    Prediction,
    State,
    User,
    fails,
    put,
)

NextState = Callable[[Answer | None], State]

INCORRECT = "Incorrect username or password."


@dataclass(frozen=True)
class Transition:
    """A prediction and how the state moves on.

    (Named apart from :class:`conformance.divergence.Outcome`, which says how a check ended.)

    Attributes:
        prediction: what AWS answers.
        then: the next state, given the endpoint's answer (or None to predict only).
        users: the users whose model is at stake: if the endpoint's answer contradicts a firm
            prediction, the oracle stops predicting for them (they go out of sync).
    """

    prediction: Prediction
    then: NextState
    users: tuple[tuple[str, str], ...] = ()


def unchanged(state: State) -> NextState:
    return lambda _answer: state


def refuse(state: State, prediction: Prediction, *users: User | None) -> Transition:
    """An error transition: the state does not move."""
    return Transition(prediction, unchanged(state), tuple((u.pool_id, u.username) for u in users if u))


def weaken(prediction: Prediction, fact: Fact) -> Prediction:
    """The same prediction resting on a weaker fact (e.g. a rule AWS applies only sometimes)."""
    if fact.confidence is not Confidence.UNVERIFIED:
        return prediction
    expects = tuple(replace(e, fact=fact) for e in prediction.expects)
    return replace(prediction, fact=fact, expects=expects, message_fact=fact)


def with_user(state: State, user: User) -> State:
    return replace(state, users=put(state.users, (user.pool_id, user.username), user))


def pool_or_refusal(state: State, pool_id: Any) -> Pool | Prediction:
    """The pool, or the documented refusal for an unknown one (§7)."""
    pool = state.pools.get(pool_id) if isinstance(pool_id, str) else None
    if pool is None or pool.settings.get("__deleted__"):
        return fails(
            "ResourceNotFoundException",
            f"User pool {pool_id} does not exist.",
            facts.UNKNOWN_POOL,
            "the pool does not exist",
        )
    return pool


def client_or_refusal(state: State, client_id: Any, pool_id: str | None = None) -> Client | Prediction:
    """The app client (in ``pool_id`` when given), or the documented refusal (§7)."""
    client = state.clients.get(client_id) if isinstance(client_id, str) else None
    if client is None or (pool_id is not None and client.pool_id != pool_id):
        return fails(
            "ResourceNotFoundException",
            f"User pool client {client_id} does not exist.",
            facts.UNKNOWN_CLIENT,
            "the app client does not exist",
        )
    return client


def refresh_secret_hash_text(client_id: str) -> re.Pattern[str]:
    """Either text real reports show for a refresh with a wrong SECRET_HASH (§13: accept either)."""
    quoted = re.escape(client_id)
    return re.compile(
        f"SecretHash does not match for the client: {quoted}|Unable to verify secret hash for client {quoted}"
    )


def secret_hash_refusal(
    client: Client, supplied: Any, usernames: list[str | None], *, refresh: bool = False
) -> Prediction | None:
    """A secret client needs SECRET_HASH over the username (§1, §12.2); None when it is right."""
    if client.secret is None:
        return None
    if not supplied:
        return fails(
            "NotAuthorizedException",
            f"Client {client.client_id} is configured with secret but SECRET_HASH was not received",
            facts.SECRET_HASH_MISSING,
            "the client has a secret and no SECRET_HASH was sent",
        )
    for name in usernames:
        if name and secret_hash(name, client.client_id, client.secret) == supplied:
            return None
    if refresh:
        return fails(
            "NotAuthorizedException",
            refresh_secret_hash_text(client.client_id),
            fact("auth.refresh-secret-hash-wrong"),
            "SECRET_HASH does not match on refresh",
        )
    return fails(
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {client.client_id}",
        facts.SECRET_HASH_WRONG,
        "SECRET_HASH does not match",
    )


def user_not_found() -> Prediction:
    return fails("UserNotFoundException", "User does not exist.", facts.USER_NOT_FOUND, "no such user")


def params_of(call: Call, name: str) -> Mapping[str, Any]:
    value = call.param(name)
    return value if isinstance(value, Mapping) else {}
