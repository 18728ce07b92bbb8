"""Choice-based sign-in: USER_AUTH and the SELECT_CHALLENGE answer, as far as the machines drive them.

Facts: ``choice.*`` in the catalogue. The machines use password-only pools (the default
SignInPolicy), so the choice the oracle predicts is between PASSWORD and PASSWORD_SRP; a pool that
allows one-time codes, a preference other than PASSWORD, or an answer other than PASSWORD is a step
the oracle does not predict (``unknown``), never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.facts import fact
from conformance.oracle import facts
from conformance.oracle.auth.common import challenge_follows, disabled, wrong_password
from conformance.oracle.auth.complete import after_password
from conformance.oracle.core import Transition, refuse, secret_hash_refusal
from conformance.oracle.model import (
    Client,
    Pool,
    State,
    User,
    absent,
    equal,
    fails,
    present,
    same_items,
    unknown,
)

SELECT = fact("choice.user-auth-select")
AVAILABLE = fact("choice.available-challenges")
SELECT_ANSWER = fact("choice.select-answer")
PREFERRED = fact("choice.preferred-challenge")
#: What a user with a password may choose in a password-only pool (facts:choice.available-challenges).
PASSWORD_CHOICES = frozenset({"PASSWORD", "PASSWORD_SRP"})


def password_only(pool: Pool) -> bool:
    """The pool offers the password as its only first factor (facts:choice.first-factors)."""
    policy = (pool.settings.get("Policies") or {}).get("SignInPolicy") or {}
    return list(policy.get("AllowedFirstAuthFactors") or ["PASSWORD"]) == ["PASSWORD"]


def _signing_in(state: State, pool: Pool, client: Client, typed: Any, secret_hash: Any) -> Transition | User:
    """The user a USER_AUTH step names, or the refusal (or unknown) that step ends in."""
    user = state.user(pool.pool_id, typed)
    refusal = secret_hash_refusal(client, secret_hash, [typed, user.username if user else None])
    if refusal is not None:
        return refuse(state, refusal, user)
    if user is None:
        if client.prevent_user_existence_errors:
            return refuse(state, unknown("USER_AUTH for an unknown user with PreventUserExistenceErrors"))
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
    if user.status not in ("CONFIRMED", "FORCE_CHANGE_PASSWORD"):
        return refuse(state, unknown(f"USER_AUTH of a {user.status} user"), user)
    if not password_only(pool):
        return refuse(
            state, unknown("a pool allowing one-time codes (who can receive one is not modelled)"), user
        )
    return user


def user_auth(
    state: State, pool: Pool, client: Client, parameters: Mapping[str, Any], *, admin: bool
) -> Transition:
    """InitiateAuth / AdminInitiateAuth USER_AUTH (facts:choice.user-auth-select, choice.preferred-challenge)."""
    found = _signing_in(state, pool, client, parameters.get("USERNAME"), parameters.get("SECRET_HASH"))
    if isinstance(found, Transition):
        return found
    user = found
    preferred = parameters.get("PREFERRED_CHALLENGE")
    if not user.enabled:
        # The reference and the other flows refuse a disabled user before any password check.
        return disabled(
            state, user, password_right=preferred is None or parameters.get("PASSWORD") == user.password
        )
    if preferred == "PASSWORD":
        if parameters.get("PASSWORD") != user.password:
            return wrong_password(state, user)
        return after_password(state, pool, client, user, device_key=None, admin=admin, responding=False)
    if preferred is not None:
        return refuse(state, unknown(f"PREFERRED_CHALLENGE {preferred} is not predicted"), user)
    expects = [
        equal("$.ChallengeName", "SELECT_CHALLENGE", SELECT, "challenge"),
        present("$.Session", SELECT),
        absent("$.AuthenticationResult", SELECT),
        same_items("$.AvailableChallenges", None, PASSWORD_CHOICES, AVAILABLE, "choice.available"),
    ]
    body = {"ChallengeName": "SELECT_CHALLENGE", "AvailableChallenges": sorted(PASSWORD_CHOICES)}
    return challenge_follows(
        state,
        body,
        SELECT,
        "USER_AUTH without a preference offers a choice",
        expects,
        pool=pool,
        client=client,
        user=user,
        admin=admin,
        device_key=None,
    )


def select_challenge(
    state: State,
    spent: State,
    pool: Pool,
    client: Client,
    user: User,
    responses: Mapping[str, Any],
    *,
    admin: bool,
) -> Transition:
    """SELECT_CHALLENGE answered PASSWORD (facts:choice.select-answer); ``spent`` has the session used."""
    if responses.get("ANSWER") != "PASSWORD":
        return refuse(state, unknown(f"the answer {responses.get('ANSWER')!r} is not predicted"), user)
    if not user.enabled:
        return refuse(state, unknown("a disabled user answering SELECT_CHALLENGE is not documented"), user)
    if not password_only(pool):
        return refuse(state, unknown("a pool allowing one-time codes"), user)
    if responses.get("PASSWORD") != user.password:
        # The reference spends the session before it checks the password; AWS's order is UNVERIFIED.
        return wrong_password(spent, user)
    return after_password(spent, pool, client, user, device_key=None, admin=admin, responding=True)
