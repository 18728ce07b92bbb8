"""Access tokens, sign-out and revocation: GetUser, GlobalSignOut, AdminUserGlobalSignOut, RevokeToken and
GetTokensFromRefreshToken (docs/facts.md §6, §7, §12.4; ``tokens.revoke-token*``, ``tokens.get-tokens-*``)."""

from __future__ import annotations

from dataclasses import replace

from conformance.expect import (
    absent,
    attributes,
    equal,
    present,
)
from conformance.facts import fact
from conformance.oracle import facts
from conformance.oracle.auth.refresh import refresh
from conformance.oracle.core import Transition, pool_or_refusal, refuse, unchanged, user_not_found, weaken
from conformance.oracle.model import (
    Answer,
    Call,
    Prediction,
    SignIn,
    State,
    User,
    Verdict,
    fails,
    frozen,
    put,
    succeeds,
    unknown,
)

REVOKE = fact("tokens.revoke-token")
REVOKE_WRONG_CLIENT = fact("tokens.revoke-token-wrong-client")
REVOKE_DISABLED = fact("tokens.revoke-token-disabled")
REVOKE_TYPE = fact("tokens.revoke-token-type")
GET_TOKENS = fact("tokens.get-tokens-from-refresh")
GET_TOKENS_INVALID = fact("tokens.get-tokens-from-refresh-invalid")
GET_TOKENS_REVOKED = fact("tokens.get-tokens-from-refresh-revoked")


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


def _revoked(state: State, sign_in: SignIn) -> State:
    """RevokeToken: the refresh token and every access token generated with it (§6 [BC])."""
    revoked = replace(
        sign_in,
        access_revoked=True,
        refresh_revoked=True,
        revoked_by=sign_in.revoked_by or "revoke-token",
    )
    return replace(state, sign_ins=put(state.sign_ins, sign_in.handle, revoked))


def revoke_token(state: State, call: Call) -> Transition:
    """RevokeToken: revoke one sign-in's refresh token and its access tokens; others untouched (§6)."""
    client = state.clients.get(call.param("ClientId"))
    if client is None or client.secret is not None:
        # An unknown client, or the ClientSecret check: only the reference models those (UNVERIFIED texts).
        return refuse(state, unknown("RevokeToken through a client the model does not judge"))
    if client.settings.get("EnableTokenRevocation") is False:
        return refuse(
            state,
            fails("UnsupportedOperationException", None, REVOKE_DISABLED, "the client has revocation off"),
        )
    token = call.param("Token")
    sign_in = state.sign_in_by_refresh_token(token)
    if sign_in is None:
        if state.sign_in_by_access_token(token) is not None:
            return refuse(
                state,
                fails("UnsupportedTokenTypeException", None, REVOKE_TYPE, "an access token is not revocable"),
            )
        return refuse(state, unknown("a token the model never handed out"))
    if sign_in.uncertain:
        return refuse(state, unknown("tokens of a family an UNVERIFIED rule decides about"))
    if sign_in.client_id != client.client_id:
        return refuse(
            state,
            fails("UnauthorizedException", None, REVOKE_WRONG_CLIENT, "another client issued the token"),
        )
    user = state.user(sign_in.pool_id, sign_in.username)

    def revoke(_answer: Answer | None) -> State:
        return _revoked(state, sign_in)

    if user is None or not user.in_sync or not user.enabled or sign_in.refresh_revoked:
        # Revoking a token of a deleted or disabled user, or one already revoked: what AWS answers is
        # UNVERIFIED (RFC 7009 says success); should it succeed, the token is revoked all the same.
        return Transition(unknown("revoking a token AWS may already refuse"), revoke)
    prediction = succeeds(REVOKE, "the refresh token is revoked", equal("$", {}, REVOKE, "empty"))
    if sign_in.after_sign_out:
        prediction = weaken(prediction, facts.SIGN_OUT_AFTERMATH)
    return Transition(prediction, revoke, ((user.pool_id, user.username),))


def get_tokens_from_refresh_token(state: State, call: Call) -> Transition:
    """GetTokensFromRefreshToken: REFRESH_TOKEN_AUTH's rules, answered without challenge members (§4, §6).

    Without rotation, new ID and access tokens and no refresh token (facts:tokens.get-tokens-from-
    refresh); an unknown token is "Invalid Refresh Token." (UNVERIFIED text); a revoked one is
    NotAuthorizedException (facts:tokens.get-tokens-from-refresh-revoked).
    """
    client = state.clients.get(call.param("ClientId"))
    if client is None or client.secret is not None:
        return refuse(state, unknown("GetTokensFromRefreshToken through a client the model does not judge"))
    flows = client.explicit_auth_flows
    rotation = client.settings.get("RefreshTokenRotation") or {}
    if rotation.get("Feature") == "ENABLED" or (
        flows is not None and "ALLOW_REFRESH_TOKEN_AUTH" not in flows
    ):
        # Rotation and a client without ALLOW_REFRESH_TOKEN_AUTH are judged by the suite's scenarios.
        return refuse(state, unknown("a rotating client, or one without ALLOW_REFRESH_TOKEN_AUTH"))
    pool = state.pools.get(client.pool_id)
    token = call.param("RefreshToken")
    if state.sign_in_by_refresh_token(token) is None:
        return refuse(
            state,
            fails(
                "NotAuthorizedException",
                "Invalid Refresh Token.",
                GET_TOKENS_INVALID,
                "the refresh token is unknown",
            ),
        )
    if pool is None:
        return refuse(state, unknown("a pool the model does not know"))
    base = refresh(state, pool, client, {"REFRESH_TOKEN": token})
    prediction = base.prediction
    if prediction.verdict is Verdict.ERROR:
        # The refusals are REFRESH_TOKEN_AUTH's; their texts here are UNVERIFIED, so only the code counts.
        revoked = prediction.fact is facts.REFRESH_REVOKED
        prediction = replace(
            prediction,
            fact=GET_TOKENS_REVOKED if revoked else prediction.fact,
            message=None,
            message_fact=None,
        )
    elif prediction.verdict is Verdict.SUCCESS:
        result = "$.AuthenticationResult"
        success = succeeds(
            GET_TOKENS,
            "new ID and access tokens, no refresh token",
            present(f"{result}.AccessToken", GET_TOKENS),
            present(f"{result}.IdToken", GET_TOKENS),
            absent(f"{result}.RefreshToken", GET_TOKENS),
        )
        # REFRESH_TOKEN_AUTH's success may rest on an UNVERIFIED rule (after a sign-out, a re-enabled user).
        prediction = weaken(success, prediction.fact)
    return Transition(prediction, base.then, base.users)
