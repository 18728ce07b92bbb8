"""Users: create, set a password, read, disable, enable, delete, list (docs/facts.md §6, §7, §8, §9)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from conformance.expect import (
    absent,
    at_most_items,
    attributes,
    equal,
    present,
    subset_items,
)
from conformance.facts import Fact
from conformance.oracle import facts
from conformance.oracle.core import Transition, pool_or_refusal, refuse, unchanged, user_not_found, with_user
from conformance.oracle.model import (
    Answer,
    Call,
    Prediction,
    State,
    User,
    fails,
    frozen,
    succeeds,
    unknown,
)

#: §9 [BC ListUsers; DG]: the attributes a Filter may name.
SEARCHABLE = (
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
)
_FILTER = re.compile(r'\s*(?P<attribute>[\w:]+)\s*(?P<op>\^?=)\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*')


@dataclass(frozen=True)
class UserFilter:
    """A parsed ListUsers filter: ``attribute = "value"`` or ``attribute ^= "value"`` (§9)."""

    attribute: str
    prefix: bool
    value: str

    @classmethod
    def parse(cls, text: str | None) -> UserFilter | None:
        if not text:
            return None
        match = _FILTER.fullmatch(text)
        if match is None:
            raise ValueError(f"not a filter: {text!r}")
        value = re.sub(r"\\(.)", r"\1", match["value"])
        return cls(match["attribute"], match["op"] == "^=", value)

    def selects(self, user: User) -> bool:
        actual = filter_value(user, self.attribute)
        if actual is None:
            return False
        return actual.startswith(self.value) if self.prefix else actual == self.value


def filter_value(user: User, attribute: str) -> str | None:
    """What a filter on ``attribute`` compares for ``user`` (§9, §8 StatusType Enabled|Disabled)."""
    if attribute == "username":
        return user.username
    if attribute == "cognito:user_status":
        return user.status
    if attribute == "status":
        return "Enabled" if user.enabled else "Disabled"
    if attribute == "sub":
        return user.sub
    return user.attributes.get(attribute)


def _user_record_expects(user: User, path: str, attributes_key: str, fact: Fact) -> list:
    wanted: dict[str, str | None] = {"sub": user.sub}
    wanted.update(user.attributes)
    return [
        equal(f"{path}.Username", user.username, fact, "echo"),
        equal(f"{path}.UserStatus", user.status, fact, "status"),
        equal(f"{path}.Enabled", user.enabled, fact, "enabled"),
        attributes(f"{path}.{attributes_key}", wanted, fact),
        present(f"{path}.UserCreateDate", fact),
        present(f"{path}.UserLastModifiedDate", fact),
    ]


def admin_create_user(state: State, call: Call) -> Transition:
    """AdminCreateUser: a new user in FORCE_CHANGE_PASSWORD, enabled, with a sub (§8 [BC; CLI])."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    username = call.param("Username")
    if state.user(pool.pool_id, username) is not None:
        return refuse(
            state,
            fails(
                "UsernameExistsException",
                "User account already exists",
                facts.USERNAME_EXISTS,
                "the username is taken",
            ),
        )
    given = {a["Name"]: a["Value"] for a in call.param("UserAttributes") or []}
    user = User(
        pool_id=pool.pool_id,
        username=username,
        status="FORCE_CHANGE_PASSWORD",
        password=call.param("TemporaryPassword", ""),
        attributes=frozen(given),
    )
    expects = _user_record_expects(user, "$.User", "Attributes", facts.ADMIN_CREATE_USER)

    def then(answer: Answer | None) -> State:
        sub = None
        for attribute in (answer.member("User", "Attributes") if answer else None) or []:
            if isinstance(attribute, dict) and attribute.get("Name") == "sub":
                sub = attribute.get("Value")
        return with_user(
            replace(state, created=(username,)), replace(user, sub=sub or f"<sub of {username}>")
        )

    return Transition(
        succeeds(facts.ADMIN_CREATE_USER, "the user is created", *expects), then, ((pool.pool_id, username),)
    )


def _existing_user(state: State, call: Call) -> User | Prediction:
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return pool
    user = state.user(pool.pool_id, call.param("Username"))
    return user_not_found() if user is None else user


def admin_set_user_password(state: State, call: Call) -> Transition:
    """AdminSetUserPassword: Permanent makes the user CONFIRMED, otherwise FORCE_CHANGE_PASSWORD (§8)."""
    user = _existing_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    permanent = bool(call.param("Permanent", False))
    updated = replace(
        user,
        password=call.param("Password", ""),
        status="CONFIRMED" if permanent else "FORCE_CHANGE_PASSWORD",
    )
    return Transition(
        succeeds(facts.SET_PASSWORD, "the password is set", equal("$", {}, facts.SET_PASSWORD, "empty")),
        lambda _answer: with_user(state, updated),
        ((user.pool_id, user.username),),
    )


def admin_get_user(state: State, call: Call) -> Transition:
    """AdminGetUser: the user's record; no MFA members for a user without MFA (§8)."""
    user = _existing_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    if not user.in_sync:
        return refuse(state, unknown("the model lost track of this user"))
    expects = _user_record_expects(user, "$", "UserAttributes", facts.ADMIN_GET_USER)
    if not user.mfa_enabled:
        expects += [
            absent("$.UserMFASettingList", facts.NO_MFA_MEMBERS),
            absent("$.PreferredMfaSetting", facts.NO_MFA_MEMBERS),
        ]
    return Transition(succeeds(facts.ADMIN_GET_USER, "the user is returned", *expects), unchanged(state))


def _revoke(state: State, user: User, *, access: bool, refresh: bool, reason: str) -> State:
    sign_ins = dict(state.sign_ins)
    for handle, sign_in in state.sign_ins.items():
        if sign_in.pool_id == user.pool_id and sign_in.username == user.username:
            sign_ins[handle] = replace(
                sign_in,
                access_revoked=sign_in.access_revoked or access,
                refresh_revoked=sign_in.refresh_revoked or refresh,
                revoked_by=sign_in.revoked_by or reason,
            )
    return replace(state, sign_ins=frozen(sign_ins))


def admin_disable_user(state: State, call: Call) -> Transition:
    """AdminDisableUser: the user can't sign in, and their access tokens are revoked (§6, §8 [BC])."""
    user = _existing_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)

    def then(_answer: Answer | None) -> State:
        after = with_user(state, replace(user, enabled=False))
        return _revoke(after, user, access=True, refresh=False, reason="disable")

    return Transition(
        succeeds(facts.DISABLE_USER, "the user is disabled", equal("$", {}, facts.DISABLE_USER, "empty")),
        then,
        ((user.pool_id, user.username),),
    )


def admin_enable_user(state: State, call: Call) -> Transition:
    """AdminEnableUser: the user may sign in again (§8 [BC])."""
    user = _existing_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    return Transition(
        succeeds(facts.DISABLE_USER, "the user is enabled", equal("$", {}, facts.DISABLE_USER, "empty")),
        lambda _answer: with_user(state, replace(user, enabled=True)),
        ((user.pool_id, user.username),),
    )


def admin_delete_user(state: State, call: Call) -> Transition:
    """AdminDeleteUser: the user is gone; the name may be used again (§8 [DG])."""
    user = _existing_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    return Transition(
        succeeds(facts.DELETED_USER, "the user is deleted", equal("$", {}, facts.DELETED_USER, "empty")),
        lambda _answer: with_user(state, replace(user, deleted=True)),
        ((user.pool_id, user.username),),
    )


def listing(state: State, pool_id: str, filter_text: str | None) -> tuple[frozenset[str], Fact] | None:
    """The usernames a complete ListUsers listing with this filter returns, or None when unknowable.

    Unknowable when a user of the pool is out of sync (the model cannot tell whether it exists).
    """
    users = [u for u in state.users.values() if u.pool_id == pool_id and not u.deleted]
    if any(not u.in_sync for u in users):
        return None
    parsed = UserFilter.parse(filter_text)
    fact = facts.LIST_USERS_FILTER
    if parsed is not None and parsed.attribute == "status":
        fact = facts.LIST_USERS_STATUS_VALUES
    selected = frozenset(u.username for u in users if parsed is None or parsed.selects(u))
    return selected, fact


def list_users(state: State, call: Call) -> Transition:
    """ListUsers: one page of the users the filter selects, never more than Limit (§9, §12.6)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    wanted = call.param("AttributesToGet")
    known = listing(state, pool.pool_id, call.param("Filter"))
    expects = [present("$.Users", facts.LIST_USERS_ITEM)]
    limit = call.param("Limit")
    if isinstance(limit, int) and limit > 0:
        expects.append(at_most_items("$.Users", limit, facts.LIST_USERS_PAGE_LIMIT))
    if known is not None:
        selected, fact = known
        if wanted:
            users = [state.user(pool.pool_id, name) for name in selected]
            # Every user has a sub; naming it is accepted (§13, facts:users.attributes-to-get-sub).
            if any(
                u is not None and any(a != "sub" and a not in u.attributes for a in wanted) for u in users
            ):
                # §12.6 (likely): an error only if a user *on the page* lacks one; which page is open.
                return refuse(state, unknown("a listed user lacks a requested attribute"))
        expects.append(subset_items("$.Users", "Username", selected, fact))
    return Transition(
        succeeds(facts.LIST_USERS_FILTER, "a page of the selected users", *expects), unchanged(state)
    )
