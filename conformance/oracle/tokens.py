"""Access tokens and sign-out: GetUser, GlobalSignOut, AdminUserGlobalSignOut (docs/facts.md §6, §7, §12.4)."""

from __future__ import annotations

from dataclasses import replace

from conformance.expect import (
    attributes,
    equal,
)
from conformance.oracle import facts
from conformance.oracle.core import Transition, pool_or_refusal, refuse, unchanged, user_not_found, weaken
from conformance.oracle.model import (
    Call,
    Prediction,
    SignIn,
    State,
    User,
    fails,
    frozen,
    succeeds,
    unknown,
)


def authorize(state: State, token: str | None) -> tuple[SignIn, User] | Prediction:
    """Who an access token speaks for, or the documented refusal (§6, §7, §12.4)."""
    sign_in = state.sign_in_by_access_token(token)
    if sign_in is None:
        return fails(
            "NotAuthorizedException",
            "Invalid Access Token",
            facts.INVALID_ACCESS_TOKEN,
            "the token is not an access token",
        )
    if sign_in.uncertain:
        return unknown("tokens of a family an UNVERIFIED rule decides about")
    user = state.user(sign_in.pool_id, sign_in.username)
    if user is None:
        if sign_in.access_revoked:
            # Revoked, then its user deleted: which of the two texts AWS reports is UNVERIFIED.
            return fails(
                "NotAuthorizedException",
                None,
                facts.DELETED_USER_TOKEN,
                "the token was revoked and its user deleted",
                message_fact=facts.REVOKED_THEN_DELETED_TEXT,
            )
        return fails(
            "NotAuthorizedException", "Invalid Access Token", facts.DELETED_USER_TOKEN, "the user was deleted"
        )
    if not user.in_sync:
        return unknown("the model lost track of this user")
    if sign_in.access_revoked:
        if sign_in.revoked_by == "disable":
            refusal = fails(
                "NotAuthorizedException",
                "Access Token has been revoked",
                facts.DISABLE_REVOKES_ACCESS,
                "AdminDisableUser revoked the user's access tokens",
                message_fact=facts.DISABLED_ACCESS_TEXT,
            )
        else:
            refusal = fails(
                "NotAuthorizedException",
                "Access Token has been revoked",
                facts.ACCESS_REVOKED,
                "the token was revoked",
            )
        return weaken(refusal, facts.SIGN_OUT_AFTERMATH) if sign_in.after_sign_out else refusal
    return sign_in, user


def _authorized(state: State, call: Call) -> tuple[SignIn, User] | Transition:
    found = authorize(state, call.param("AccessToken"))
    if isinstance(found, Prediction):
        return refuse(state, found)
    return found


def get_user(state: State, call: Call) -> Transition:
    """GetUser: the token's user, with sub among the attributes (§8)."""
    found = _authorized(state, call)
    if isinstance(found, Transition):
        return found
    sign_in, user = found
    prediction = succeeds(
        facts.GET_USER,
        "the access token is valid",
        equal("$.Username", user.username, facts.GET_USER, "echo"),
        attributes("$.UserAttributes", {"sub": user.sub, **user.attributes}, facts.GET_USER),
    )
    if sign_in.after_sign_out:
        prediction = weaken(prediction, facts.SIGN_OUT_AFTERMATH)
    return Transition(prediction, unchanged(state), ((user.pool_id, user.username),))


def sign_out(state: State, user: User) -> State:
    """Every access and refresh token the user holds is revoked (§6 [BC])."""
    sign_ins = dict(state.sign_ins)
    for handle, sign_in in state.sign_ins.items():
        if sign_in.pool_id == user.pool_id and sign_in.username == user.username:
            sign_ins[handle] = replace(
                sign_in,
                access_revoked=True,
                refresh_revoked=True,
                revoked_by=sign_in.revoked_by or "sign-out",
            )
    users = dict(state.users)
    users[(user.pool_id, user.username)] = replace(user, signed_out_once=True)
    return replace(state, sign_ins=frozen(sign_ins), users=frozen(users))


def global_sign_out(state: State, call: Call) -> Transition:
    """GlobalSignOut: revoke all of the caller's tokens; no output (§6 [BC; CLI])."""
    found = _authorized(state, call)
    if isinstance(found, Transition):
        return found
    sign_in, user = found
    prediction = succeeds(
        facts.GLOBAL_SIGN_OUT,
        "the user is signed out everywhere",
        equal("$", {}, facts.GLOBAL_SIGN_OUT, "empty"),
    )
    if sign_in.after_sign_out:
        prediction = weaken(prediction, facts.SIGN_OUT_AFTERMATH)
    return Transition(prediction, lambda _answer: sign_out(state, user), ((user.pool_id, user.username),))


def admin_user_global_sign_out(state: State, call: Call) -> Transition:
    """AdminUserGlobalSignOut: the same for a named user (§6)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    user = state.user(pool.pool_id, call.param("Username"))
    if user is None:
        return refuse(state, user_not_found())
    return Transition(
        succeeds(
            facts.GLOBAL_SIGN_OUT,
            "the user is signed out everywhere",
            equal("$", {}, facts.GLOBAL_SIGN_OUT, "empty"),
        ),
        lambda _answer: sign_out(state, user),
        ((user.pool_id, user.username),),
    )
