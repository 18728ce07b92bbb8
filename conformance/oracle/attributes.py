"""Attributes: AdminUpdateUserAttributes and AdminDeleteUserAttributes, the user's own UpdateUserAttributes
and DeleteUserAttributes, GetUserAttributeVerificationCode and VerifyUserAttribute, AddCustomAttributes,
and what AdminGetUser and GetUser then show (docs/facts.md, "Attributes and verification").

The oracle predicts for the attributes of a pool's default schema in a pool that auto-verifies
nothing (the machines' pool): a new e-mail is unverified unless the request marks it verified
(facts:attributes.change-unverifies), a blank value deletes (facts:attributes.blank-deletes). An
attribute outside the standard ones it knows makes it say "unknown" rather than guess.

Two things the model has no field for live in the pool's settings under private keys (as
``__deleted__`` does): the custom attributes added to its schema, and the users holding an
e-mail verification code not yet used. The oracle cannot see a code: the client says in
``Call.proof.delivered_code`` whether the code it sends is the one the endpoint delivered.
"""

from __future__ import annotations

from dataclasses import replace

from conformance.expect import equal
from conformance.facts import fact
from conformance.oracle import facts
from conformance.oracle.core import Transition, pool_or_refusal, refuse, user_not_found, with_user
from conformance.oracle.model import (
    Answer,
    Call,
    Pool,
    Prediction,
    State,
    User,
    fails,
    frozen,
    put,
    succeeds,
    unknown,
)

#: The standard attributes the predictions cover: plain strings, mutable, not required, no alias.
PLAIN = ("given_name", "family_name", "middle_name", "nickname", "locale", "zoneinfo")
#: The verifiable attributes and their flags.
VERIFIABLE = {"email": "email_verified"}
#: The pool settings' private keys: the custom attributes of the schema ("custom:x"), and the users
#: with an unused e-mail verification code.
CUSTOM = "__custom_attributes__"
PENDING = "__attribute_codes__"

UPDATE = fact("attributes.update-user-attributes")
DELETE = fact("attributes.delete-user-attributes")
UNKNOWN_ATTRIBUTE = fact("attributes.unknown-attribute")
CHANGE_UNVERIFIES = fact("attributes.change-unverifies")
VERIFICATION_CODE = fact("attributes.verification-code")
VERIFY = fact("attributes.verify-user-attribute")
ADD_CUSTOM = fact("attributes.add-custom")
ADD_EXISTING = fact("attributes.add-custom-existing")
_MISMATCH = "Invalid verification code provided, please try again."


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
    unless marked verified in the same request, a custom attribute outside the schema refused; the
    answer is empty (§8 attributes; facts:attributes.admin-update, facts:attributes.blank-deletes,
    facts:attributes.change-unverifies, facts:attributes.unknown-attribute)."""
    user = _known_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    values = {a.get("Name"): a.get("Value", "") for a in call.param("UserAttributes") or []}
    flags = set(VERIFIABLE.values())
    custom = custom_attributes(state.pools[user.pool_id])
    outside = _outside_schema(values, custom)
    if outside is not None:
        return refuse(state, outside, user)
    if any(
        name not in PLAIN and name not in VERIFIABLE and name not in flags and name not in custom
        for name in values
    ):
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


# --- the schema's custom attributes and outstanding codes (private pool settings) ------------------


def custom_attributes(pool: Pool) -> frozenset[str]:
    return frozenset(pool.settings.get(CUSTOM) or ())


def with_custom_attributes(state: State, pool_id: str, names: frozenset[str] | set[str]) -> State:
    """Teach the oracle custom attributes ("custom:x") the pool's schema already holds (added earlier)."""
    pool = state.pools[pool_id]
    settings = {**pool.settings, CUSTOM: tuple(sorted(custom_attributes(pool) | set(names)))}
    return replace(state, pools=put(state.pools, pool_id, replace(pool, settings=frozen(settings))))


def _pending(state: State, user: User) -> bool:
    pool = state.pools.get(user.pool_id)
    return pool is not None and user.username in (pool.settings.get(PENDING) or ())


def _with_pending(state: State, user: User, pending: bool) -> State:
    pool = state.pools[user.pool_id]
    holders = set(pool.settings.get(PENDING) or ()) - {user.username}
    if pending:
        holders.add(user.username)
    settings = {**pool.settings, PENDING: tuple(sorted(holders))}
    return replace(state, pools=put(state.pools, pool.pool_id, replace(pool, settings=frozen(settings))))


def _outside_schema(values: dict, custom: frozenset[str]) -> Prediction | None:
    """The refusal of a custom attribute the pool's schema does not have (facts:attributes.unknown-attribute)."""
    if any(isinstance(n, str) and n.startswith("custom:") and n not in custom for n in values):
        return fails("InvalidParameterException", None, UNKNOWN_ATTRIBUTE, "not in the pool's schema")
    return None


def _open(state: State, reason: str, user: User) -> Transition:
    """An answer the facts leave open for a call that may change ``user``: if the endpoint accepts it,
    the model can no longer tell the user's attributes, so it stops predicting for them."""

    def then(answer: Answer | None) -> State:
        if answer is None or not answer.ok:
            return state
        return with_user(state, replace(user, in_sync=False))

    return Transition(unknown(reason), then, ((user.pool_id, user.username),))


def _token_user(state: State, call: Call) -> User | Transition:
    """The access token's user in a pool these predictions cover, or the transition that refuses."""
    # Imported here: oracle.tokens reaches this module's importers through the sign-in modules, and
    # importing it first from here would leave it half-initialised for them.
    from conformance.oracle.tokens import authorize

    found = authorize(state, call.param("AccessToken"))
    if isinstance(found, Prediction):
        return refuse(state, found)
    _, user = found
    pool = state.pools.get(user.pool_id)
    if pool is None or pool.settings.get("AutoVerifiedAttributes") or pool.settings.get("AliasAttributes"):
        return refuse(
            state, unknown("the pool verifies or aliases attributes, which these predictions leave out")
        )
    return user


# --- the user's own operations ----------------------------------------------------------------------


def update_user_attributes(state: State, call: Call) -> Transition:
    """UpdateUserAttributes: the values written, a blank one deleted, a new e-mail unverified and any
    code sent for the old one set aside; a custom attribute outside the schema is InvalidParameterException
    (§8 attributes; facts:attributes.update-user-attributes, facts:attributes.blank-deletes,
    facts:attributes.change-unverifies, facts:attributes.unknown-attribute)."""
    user = _token_user(state, call)
    if isinstance(user, Transition):
        return user
    pool = state.pools[user.pool_id]
    values = {a.get("Name"): a.get("Value", "") for a in call.param("UserAttributes") or []}
    custom = custom_attributes(pool)
    outside = _outside_schema(values, custom)
    if outside is not None:
        return refuse(state, outside, user)
    for name in values:
        if name not in PLAIN and name not in custom and name != "email":
            return refuse(state, unknown("an attribute outside the ones the oracle models"))
    after = dict(user.attributes)
    email_changed = False
    for name, value in values.items():
        if name == "email":
            if value == "" or value == user.attributes.get("email"):
                return _open(state, "deleting the e-mail, or writing the one it holds", user)
            after["email"] = value
            after["email_verified"] = "false"
            email_changed = True
        elif value == "":
            after.pop(name, None)
        else:
            after[name] = value
    fact_ = CHANGE_UNVERIFIES if email_changed else UPDATE
    pending = _pending(state, user) and not email_changed
    # Whether a code sent for the old e-mail still verifies the new one is not established: the model
    # forgets it, and a later VerifyUserAttribute with it is predicted as unknown.
    return Transition(
        succeeds(fact_, "the user's attributes are written"),
        lambda _answer: _with_pending(
            with_user(state, replace(user, attributes=frozen(after))), user, pending
        ),
        ((user.pool_id, user.username),),
    )


def delete_user_attributes(state: State, call: Call) -> Transition:
    """DeleteUserAttributes: the named attributes are gone; the answer is empty
    (§8 attributes; facts:attributes.delete-user-attributes)."""
    user = _token_user(state, call)
    if isinstance(user, Transition):
        return user
    custom = custom_attributes(state.pools[user.pool_id])
    names = list(call.param("UserAttributeNames") or [])
    if any(name not in PLAIN and name not in custom for name in names):
        return refuse(state, unknown("an attribute outside the ones the oracle models"))
    if any(name not in user.attributes for name in names):
        # Whether AWS refuses the deletion of an attribute the user does not hold is not established;
        # either way the user's attributes stay as they are, so the model keeps them.
        return refuse(state, unknown("deleting an attribute the user does not hold"), user)
    after = {k: v for k, v in user.attributes.items() if k not in names}
    return Transition(
        succeeds(DELETE, "the attributes are deleted", equal("$", {}, DELETE, "empty")),
        lambda _answer: with_user(state, replace(user, attributes=frozen(after))),
        ((user.pool_id, user.username),),
    )


def get_user_attribute_verification_code(state: State, call: Call) -> Transition:
    """GetUserAttributeVerificationCode for the e-mail: a code goes to it, the answer says EMAIL / email
    (§8 attributes; facts:attributes.verification-code)."""
    user = _token_user(state, call)
    if isinstance(user, Transition):
        return user
    if call.param("AttributeName") != "email" or not user.attributes.get("email"):
        # A code for another attribute, or for an e-mail the user does not have, is not established.
        return refuse(state, unknown("a code for an attribute the user does not hold, or not the e-mail"))
    prediction = succeeds(
        VERIFICATION_CODE,
        "a code is sent to the e-mail",
        equal("$.CodeDeliveryDetails.AttributeName", "email", VERIFICATION_CODE),
        equal("$.CodeDeliveryDetails.DeliveryMedium", "EMAIL", VERIFICATION_CODE),
    )
    return Transition(
        prediction, lambda _answer: _with_pending(state, user, True), ((user.pool_id, user.username),)
    )


def verify_user_attribute(state: State, call: Call) -> Transition:
    """VerifyUserAttribute: the delivered code verifies the e-mail (email_verified true) and the answer
    is empty; a code that surely is not it is CodeMismatchException (§8 attributes;
    facts:attributes.verify-user-attribute)."""
    user = _token_user(state, call)
    if isinstance(user, Transition):
        return user
    if call.param("AttributeName") != "email" or not user.attributes.get("email"):
        return _open(state, "verifying an attribute the user does not hold, or not the e-mail", user)
    delivered = call.proof.delivered_code if call.proof is not None else None
    if not _pending(state, user):
        # No unused code the model knows of (none asked for, used already, or sent for an older e-mail).
        if delivered is False:
            # Refused or not (which error is not established), a code never sent verifies nothing.
            return refuse(state, unknown("a made-up code with none outstanding"), user)
        return _open(state, "verifying without a code the model knows is outstanding", user)
    if delivered is False:
        return refuse(
            state, fails("CodeMismatchException", _MISMATCH, VERIFY, "the code is not the one sent"), user
        )
    if delivered is None:
        return _open(state, "a code the client cannot say was delivered", user)
    verified = replace(user, attributes=frozen({**user.attributes, "email_verified": "true"}))
    return Transition(
        succeeds(VERIFY, "the e-mail is verified", equal("$", {}, VERIFY, "empty")),
        # Whether a used code verifies again is not established: the model holds none outstanding.
        lambda _answer: _with_pending(with_user(state, verified), user, False),
        ((user.pool_id, user.username),),
    )


# --- the schema -------------------------------------------------------------------------------------


def add_custom_attributes(state: State, call: Call) -> Transition:
    """AddCustomAttributes: the attributes join the schema as custom:<Name>, the answer is empty; a name
    the schema already has is InvalidParameterException (§8 attributes; facts:attributes.add-custom,
    facts:attributes.add-custom-existing)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    entries = list(call.param("CustomAttributes") or [])
    if not entries or any(
        not isinstance(e, dict) or e.get("AttributeDataType", "String") != "String" for e in entries
    ):
        return refuse(state, unknown("custom attributes other than plain Strings"))
    names = {f"custom:{e.get('Name')}" for e in entries}
    if len(names) != len(entries):
        return refuse(state, unknown("the same name twice in one request"))
    if names & custom_attributes(pool):
        return refuse(
            state,
            fails("InvalidParameterException", None, ADD_EXISTING, "the schema already has the attribute"),
        )
    return Transition(
        succeeds(ADD_CUSTOM, "the attributes join the schema", equal("$", {}, ADD_CUSTOM, "empty")),
        lambda _answer: with_custom_attributes(state, pool.pool_id, names),
    )
