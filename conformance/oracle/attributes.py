"""Attributes: AdminUpdateUserAttributes and AdminDeleteUserAttributes, and what AdminGetUser then shows
(docs/facts.md, "Attributes and verification").

The oracle predicts for the attributes of a pool's default schema in a pool that auto-verifies
nothing (the machines' pool): a new e-mail is unverified unless the request marks it verified
(facts:attributes.change-unverifies), a blank value deletes (facts:attributes.blank-deletes). An
attribute outside the standard ones it knows makes it say "unknown" rather than guess.
"""

from __future__ import annotations

from dataclasses import replace

from conformance.expect import equal
from conformance.oracle import facts
from conformance.oracle.core import Transition, pool_or_refusal, refuse, user_not_found, with_user
from conformance.oracle.model import Call, Prediction, State, User, frozen, succeeds, unknown

#: The standard attributes the predictions cover: plain strings, mutable, not required, no alias.
PLAIN = ("given_name", "family_name", "middle_name", "nickname", "locale", "zoneinfo")
#: The verifiable attributes and their flags.
VERIFIABLE = {"email": "email_verified"}


def _known_user(state: State, call: Call) -> User | Prediction:
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return pool
    if pool.settings.get("AutoVerifiedAttributes") or pool.settings.get("AliasAttributes"):
        return unknown("the pool verifies or aliases attributes, which these predictions leave out")
    user = state.user(pool.pool_id, call.param("Username"))
    if user is None:
        return user_not_found()
    if not user.in_sync:
        return unknown("the model lost track of this user")
    return user


def admin_update_user_attributes(state: State, call: Call) -> Transition:
    """AdminUpdateUserAttributes: the values written, a blank one deleted, a changed e-mail unverified
    unless marked verified in the same request; the answer is empty (§8 attributes;
    facts:attributes.admin-update, facts:attributes.blank-deletes, facts:attributes.change-unverifies)."""
    user = _known_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    values = {a.get("Name"): a.get("Value", "") for a in call.param("UserAttributes") or []}
    flags = set(VERIFIABLE.values())
    if any(name not in PLAIN and name not in VERIFIABLE and name not in flags for name in values):
        return refuse(state, unknown("an attribute outside the ones the oracle models"))
    after = dict(user.attributes)
    for name, value in values.items():
        if name in flags:
            continue
        if value == "":
            after.pop(name, None)
            if name in VERIFIABLE:
                # A flag about a deleted value: whether it stays is UNVERIFIED, so not predicted.
                return refuse(state, unknown("the verification flag of a deleted e-mail"))
        elif name in VERIFIABLE:
            flag = VERIFIABLE[name]
            if value != user.attributes.get(name):
                after[name] = value
                after[flag] = "true" if str(values.get(flag, "")).lower() == "true" else "false"
        else:
            after[name] = value
    for flag in flags & set(values):
        if values[flag] == "" or not after.get("email"):
            return refuse(state, unknown("a verification flag without a value to verify"))
        after[flag] = str(values[flag]).lower()
    fact = facts.ATTRIBUTES_ADMIN_UPDATE
    return Transition(
        succeeds(fact, "the attributes are written", equal("$", {}, fact, "empty")),
        lambda _answer: with_user(state, replace(user, attributes=frozen(after))),
        ((user.pool_id, user.username),),
    )


def admin_delete_user_attributes(state: State, call: Call) -> Transition:
    """AdminDeleteUserAttributes: the named attributes are gone; the answer is empty (§8 attributes;
    facts:attributes.admin-delete)."""
    user = _known_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    names = list(call.param("UserAttributeNames") or [])
    if any(name not in PLAIN for name in names):
        return refuse(state, unknown("an attribute outside the ones the oracle models"))
    if any(name not in user.attributes for name in names):
        # Whether AWS refuses the deletion of an attribute the user does not hold is not established.
        return refuse(state, unknown("deleting an attribute the user does not hold"))
    after = {k: v for k, v in user.attributes.items() if k not in names}
    fact = facts.ATTRIBUTES_ADMIN_DELETE
    return Transition(
        succeeds(fact, "the attributes are deleted", equal("$", {}, fact, "empty")),
        lambda _answer: with_user(state, replace(user, attributes=frozen(after))),
        ((user.pool_id, user.username),),
    )
