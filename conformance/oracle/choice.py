"""Choice-based sign-in, the operations of its own area: GetUserAuthFactors (facts ``choice.auth-factors*``).

The USER_AUTH sign-in itself is predicted in :mod:`conformance.oracle.auth.choice` (the auth area's
operations carry it); what a user may choose there and what GetUserAuthFactors lists rest on the same
pool policy, so both use its ``password_only``.
"""

from __future__ import annotations

from conformance.expect import equal, same_items
from conformance.facts import fact
from conformance.oracle import facts
from conformance.oracle.auth.choice import password_only
from conformance.oracle.core import Transition, refuse, unchanged, weaken
from conformance.oracle.model import Call, Prediction, State, succeeds
from conformance.oracle.tokens import authorize

AUTH_FACTORS = fact("choice.auth-factors")
AUTH_FACTORS_CONTENT = fact("choice.auth-factors-content")


def get_user_auth_factors(state: State, call: Call) -> Transition:
    """GetUserAuthFactors: the token's user and the factors it can sign in with; an invalid, revoked or
    deleted user's token is NotAuthorizedException (facts:choice.auth-factors, choice.auth-factors-content;
    the refusals §6, §7, §12.4)."""
    found = authorize(state, call.param("AccessToken"))
    if isinstance(found, Prediction):
        return refuse(state, found)
    sign_in, user = found
    expects = [equal("$.Username", user.username, AUTH_FACTORS, "echo")]
    pool = state.pools.get(user.pool_id)
    if pool is not None and password_only(pool) and user.password:
        # A password-only pool offers no one-time code: the user's one factor is the password.
        expects.append(
            same_items(
                "$.ConfiguredUserAuthFactors",
                None,
                frozenset({"PASSWORD"}),
                AUTH_FACTORS_CONTENT,
                "choice.factors",
            )
        )
    prediction = succeeds(AUTH_FACTORS, "the access token is valid", *expects)
    if sign_in.after_sign_out:
        prediction = weaken(prediction, facts.SIGN_OUT_AFTERMATH)
    return Transition(prediction, unchanged(state), ((user.pool_id, user.username),))
