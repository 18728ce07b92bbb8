"""Groups: create, read, update and delete a group, list the pool's groups, add and remove members, list
them both ways (facts ``groups.*``).

A group belongs to one pool and is named uniquely in it; its members are users of that pool. The
state keeps members by username (the machines never reuse a username), and a deleted user drops out
of every listing because :meth:`State.user` no longer knows it. What a sign-in's ``cognito:groups``
claim should hold is :func:`groups_claim`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conformance.expect import Expect, absent, at_most_items, equal, present, subset_items
from conformance.facts import Fact, fact
from conformance.oracle.core import Transition, pool_or_refusal, refuse, unchanged
from conformance.oracle.model import (
    Answer,
    Call,
    Group,
    Pool,
    Prediction,
    State,
    fails,
    frozen,
    put,
    succeeds,
    unknown,
)

CREATE_GROUP = fact("groups.create-group")
GROUP_TYPE = fact("groups.group-type")
LIST_GROUPS = fact("groups.list-groups")
UPDATE_GROUP = fact("groups.update-group")
KEEPS_UNSET = fact("groups.update-keeps-unset")
#: The optional GroupType members the oracle follows (RoleArn needs an IAM role: the machines set none).
OPTIONAL_MEMBERS = ("Description", "Precedence")
GROUP_EXISTS = fact("groups.group-exists")
UNKNOWN_GROUP = fact("groups.unknown-group")
UNKNOWN_USER = fact("groups.unknown-user")
DELETE_GROUP = fact("groups.delete-group")
MEMBERSHIP = fact("groups.membership")
ADD_TWICE = fact("groups.add-idempotent")
RECREATED_EMPTY = fact("groups.recreated-group-empty")
TOKEN_GROUPS = fact("groups.token-claims")
NO_GROUPS_CLAIM = fact("groups.no-groups-claim")


def _group(state: State, pool: Pool, name: object) -> Group | None:
    return state.groups.get((pool.pool_id, name)) if isinstance(name, str) else None


def _no_group(name: object) -> Prediction:
    # The text is UNVERIFIED (facts:groups.unknown-group states the code only).
    return fails("ResourceNotFoundException", None, UNKNOWN_GROUP, f"the pool has no group {name!r}")


def _no_user() -> Prediction:
    return fails("UserNotFoundException", None, UNKNOWN_USER, "the pool has no such user")


def _members(state: State, group: Group) -> frozenset[str]:
    """The group's members that still exist."""
    return frozenset(name for name in group.members if state.user(group.pool_id, name) is not None)


def _membership_fact(*groups: Group) -> Fact:
    """What a listing rests on: unverified when a re-created group is involved."""
    return RECREATED_EMPTY if any(g.recreated for g in groups) else MEMBERSHIP


def create_group(state: State, call: Call) -> Transition:
    """CreateGroup: a new group answered as a GroupType; a taken name is GroupExistsException
    (facts:groups.create-group, groups.group-exists; the refusal §7)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    name = call.param("GroupName")
    if _group(state, pool, name) is not None:
        return refuse(
            state, fails("GroupExistsException", None, GROUP_EXISTS, f"the pool already has a group {name!r}")
        )
    group = Group(
        pool.pool_id,
        name,
        recreated=(pool.pool_id, name) in state.deleted_groups,
        description=call.param("Description"),
        precedence=call.param("Precedence"),
    )
    prediction = succeeds(CREATE_GROUP, "the group is created", *_given(group, call, CREATE_GROUP))
    return Transition(
        prediction, lambda _answer: replace(state, groups=put(state.groups, (pool.pool_id, name), group))
    )


def _identity(group: Group, fact_: Fact) -> list[Expect]:
    return [
        equal("$.Group.GroupName", group.name, fact_, "echo"),
        equal("$.Group.UserPoolId", group.pool_id, fact_, "echo"),
        present("$.Group.CreationDate", fact_),
    ]


def _value(group: Group, member: str) -> object:
    return group.description if member == "Description" else group.precedence


def _given(group: Group, call: Call, fact_: Fact) -> list[Expect]:
    """The GroupType answered to a call that sets the members it names: those members echo it."""
    expects = _identity(group, fact_)
    for member in OPTIONAL_MEMBERS:
        if call.param(member) is not None:
            expects.append(equal(f"$.Group.{member}", call.param(member), fact_, "echo"))
    return expects


def _group_type(group: Group) -> list[Expect]:
    """The whole GroupType of the group as it stands: a member set has its value (as created, as
    updated, or kept over an update that left it out), a member never set is left out."""
    expects = _identity(group, CREATE_GROUP)
    for member in OPTIONAL_MEMBERS:
        value = _value(group, member)
        path = f"$.Group.{member}"
        if value is None:
            # That an unset member is left out, rather than answered null, is UNVERIFIED.
            expects.append(absent(path, GROUP_TYPE))
            continue
        if member in group.kept:
            fact_ = KEEPS_UNSET
        elif member in group.updated:
            fact_ = UPDATE_GROUP
        else:
            fact_ = CREATE_GROUP
        expects.append(equal(path, value, fact_, "value"))
    return expects


def get_group(state: State, call: Call) -> Transition:
    """GetGroup: the group's GroupType as created and updated; an unknown (or deleted) group is
    ResourceNotFoundException (facts:groups.create-group, groups.group-type, groups.update-group,
    groups.unknown-group; the refusal §7)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    group = _group(state, pool, call.param("GroupName"))
    if group is None:
        return refuse(state, _no_group(call.param("GroupName")))
    return Transition(succeeds(CREATE_GROUP, "the group as it stands", *_group_type(group)), unchanged(state))


def update_group(state: State, call: Call) -> Transition:
    """UpdateGroup: the members given change, those left out keep their value; an unknown group is
    ResourceNotFoundException (facts:groups.update-group, groups.update-keeps-unset, groups.unknown-group;
    the refusal §7)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    group = _group(state, pool, call.param("GroupName"))
    if group is None:
        return refuse(state, _no_group(call.param("GroupName")))
    given = frozenset(m for m in OPTIONAL_MEMBERS if call.param(m) is not None)
    left_out = frozenset(m for m in OPTIONAL_MEMBERS if m not in given and _value(group, m) is not None)
    updated = replace(
        group,
        description=call.param("Description") if "Description" in given else group.description,
        precedence=call.param("Precedence") if "Precedence" in given else group.precedence,
        kept=left_out,
        updated=group.updated | given,
    )
    # The answer is the group after the update: what was given echoes, what was kept is still there.
    expects = _given(updated, call, UPDATE_GROUP) + [
        equal(f"$.Group.{m}", _value(updated, m), KEEPS_UNSET, "value") for m in sorted(left_out)
    ]
    return Transition(
        succeeds(UPDATE_GROUP, "the group is updated", *expects), lambda _answer: _with_group(state, updated)
    )


def pool_groups(state: State, pool_id: str) -> tuple[frozenset[str], Fact]:
    """The names ListGroups lists for the pool (all its live groups), and the fact."""
    return frozenset(name for (p, name) in state.groups if p == pool_id), LIST_GROUPS


def list_groups(state: State, call: Call) -> Transition:
    """ListGroups: a page of the pool's groups, at most Limit of them (facts:groups.list-groups; §7).

    Which groups a page holds is left to the machine's union of all pages: the machines share a
    pool between examples, so a page may list groups this state never saw.
    """
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    expects = [present("$.Groups", LIST_GROUPS)]
    limit = call.param("Limit")
    if isinstance(limit, int) and limit > 0:
        expects.append(at_most_items("$.Groups", limit, LIST_GROUPS))
    return Transition(succeeds(LIST_GROUPS, "a page of the pool's groups", *expects), unchanged(state))


def delete_group(state: State, call: Call) -> Transition:
    """DeleteGroup: the group is gone; an unknown group is ResourceNotFoundException
    (facts:groups.delete-group, groups.unknown-group; the refusal §7)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    name = call.param("GroupName")
    if _group(state, pool, name) is None:
        return refuse(state, _no_group(name))

    def then(_answer: Answer | None) -> State:
        groups = {k: v for k, v in state.groups.items() if k != (pool.pool_id, name)}
        return replace(
            state,
            groups=frozen(groups),
            deleted_groups=state.deleted_groups | {(pool.pool_id, name)},
        )

    return Transition(succeeds(DELETE_GROUP, "the group is deleted"), then)


def _member_change(state: State, call: Call, change: Callable[[State, Group, str], Transition]) -> Transition:
    """AdminAddUserToGroup / AdminRemoveUserFromGroup: the user, then the group, must exist."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    user = state.user(pool.pool_id, call.param("Username"))
    group = _group(state, pool, call.param("GroupName"))
    if user is None and group is None:
        # Which of the two refusals AWS gives when both are unknown is UNVERIFIED.
        return refuse(state, unknown("neither the user nor the group exists"))
    if user is None:
        return refuse(state, _no_user())
    if group is None:
        return refuse(state, _no_group(call.param("GroupName")), user)
    if not user.in_sync:
        return refuse(state, unknown("the model lost track of this user"))
    return change(state, group, user.username)


def _with_group(state: State, group: Group) -> State:
    return replace(state, groups=put(state.groups, (group.pool_id, group.name), group))


def admin_add_user_to_group(state: State, call: Call) -> Transition:
    """AdminAddUserToGroup: the user becomes a member; adding a member again is not an error
    (facts:groups.membership, groups.add-idempotent; the refusals §7)."""

    def add(state: State, group: Group, username: str) -> Transition:
        fact_ = ADD_TWICE if username in group.members else MEMBERSHIP
        added = replace(group, members=group.members | {username})
        return Transition(
            succeeds(fact_, "the user is in the group", equal("$", {}, fact_, "empty")),
            lambda _answer: _with_group(state, added),
            ((group.pool_id, username),),
        )

    return _member_change(state, call, add)


def admin_remove_user_from_group(state: State, call: Call) -> Transition:
    """AdminRemoveUserFromGroup: the member leaves the group; a non-member is unpredicted
    (facts:groups.membership; the refusals §7)."""

    def remove(state: State, group: Group, username: str) -> Transition:
        removed = replace(group, members=group.members - {username})
        if username not in group.members:
            # Removing a user who is not a member: whether AWS answers success is UNVERIFIED.
            return Transition(
                unknown("the user is not a member"), lambda _answer: _with_group(state, removed)
            )
        return Transition(
            succeeds(MEMBERSHIP, "the user leaves the group", equal("$", {}, MEMBERSHIP, "empty")),
            lambda _answer: _with_group(state, removed),
            ((group.pool_id, username),),
        )

    return _member_change(state, call, remove)


def members_listing(state: State, pool_id: str, name: str) -> tuple[frozenset[str], Fact] | None:
    """The usernames ListUsersInGroup lists for the group, and the fact; None when unpredictable."""
    group = state.groups.get((pool_id, name))
    if group is None:
        return None
    members = _members(state, group)
    if any(not u.in_sync for u in (state.user(pool_id, m) for m in members) if u is not None):
        return None
    return members, _membership_fact(group)


def groups_listing(state: State, pool_id: str, username: str) -> tuple[frozenset[str], Fact] | None:
    """The group names AdminListGroupsForUser lists for the user, and the fact; None when unpredictable."""
    user = state.user(pool_id, username)
    if user is None or not user.in_sync:
        return None
    mine = [g for (p, _), g in state.groups.items() if p == pool_id and username in g.members]
    # A re-created group the user is not in could still list them if the memberships came back.
    involved = [g for (p, _), g in state.groups.items() if p == pool_id and (g.recreated or g in mine)]
    return frozenset(g.name for g in mine), _membership_fact(*involved)


def groups_claim(state: State, pool_id: str, username: str) -> tuple[frozenset[str], Fact] | None:
    """The group names a new sign-in's access token lists in ``cognito:groups``, and the fact.

    facts:groups.token-claims: the claim lists the user's groups (its order is UNVERIFIED, so a
    set); for a user in no group, facts:groups.no-groups-claim (UNVERIFIED): no names.
    """
    listed = groups_listing(state, pool_id, username)
    if listed is None:
        return None
    names, fact_ = listed
    if not names:
        return names, NO_GROUPS_CLAIM
    return names, TOKEN_GROUPS if fact_ is MEMBERSHIP else fact_


def list_users_in_group(state: State, call: Call) -> Transition:
    """ListUsersInGroup: a page of the group's members, UserType items (facts:groups.membership; §7)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    name = call.param("GroupName")
    if _group(state, pool, name) is None:
        return refuse(state, _no_group(name))
    expects = [present("$.Users", MEMBERSHIP)]
    listed = members_listing(state, pool.pool_id, name)
    if listed is not None:
        members, fact_ = listed
        expects.append(subset_items("$.Users", "Username", members, fact_))
    return Transition(succeeds(MEMBERSHIP, "a page of the group's members", *expects), unchanged(state))


def admin_list_groups_for_user(state: State, call: Call) -> Transition:
    """AdminListGroupsForUser: a page of the user's groups, GroupType items (facts:groups.membership; §7)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    username = call.param("Username")
    user = state.user(pool.pool_id, username)
    if user is None:
        return refuse(state, _no_user())
    if not user.in_sync:
        return refuse(state, unknown("the model lost track of this user"))
    expects = [present("$.Groups", MEMBERSHIP)]
    listed = groups_listing(state, pool.pool_id, username)
    if listed is not None:
        names, fact_ = listed
        expects.append(subset_items("$.Groups", "GroupName", names, fact_))
    return Transition(succeeds(MEMBERSHIP, "a page of the user's groups", *expects), unchanged(state))
