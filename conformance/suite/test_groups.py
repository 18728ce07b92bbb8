"""Groups: CreateGroup to DeleteGroup, memberships, precedence, and the group claims of a member's tokens.

Facts: ``groups.*`` in the catalogue (docs/facts.md, "Groups"); the access-token claim is also
``tokens.access-groups`` (moto's AWS-verified ``test_group_in_access_token``).

Run a subset: ``pytest conformance/suite/test_groups.py -k token --endpoint=reference``.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from conformance import flows
from conformance.crypto.tokens import MalformedToken, decode_unverified
from conformance.divergence import CheckKind
from conformance.facts import fact

pytestmark = pytest.mark.kind("semantics")

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
#: IAM role ARNs for groups; Cognito stores a group's RoleArn without assuming it.
ROLE_A = "arn:aws:iam::123456789012:role/conformance-group-a"
ROLE_B = "arn:aws:iam::123456789012:role/conformance-group-b"

CREATE = fact("groups.create-group")
GROUP_TYPE = fact("groups.group-type")
GROUP_EXISTS = fact("groups.group-exists")
UNKNOWN_GROUP = fact("groups.unknown-group")
UNKNOWN_USER = fact("groups.unknown-user")
LIST_GROUPS = fact("groups.list-groups")
UPDATE = fact("groups.update-group")
UPDATE_KEEPS = fact("groups.update-keeps-unset")
DELETE = fact("groups.delete-group")
MEMBERSHIP = fact("groups.membership")
ADD_TWICE = fact("groups.add-idempotent")
PRECEDENCE = fact("groups.precedence")
TOKEN_CLAIMS = fact("groups.token-claims")
ACCESS_GROUPS = fact("groups.access-token-groups")
UNKNOWN_POOL = fact("pools.unknown-pool")
SIGN_IN = fact("auth.tokens-issued")


def group_name(prefix: str = "group") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def make_group(cognito, check, pool_id: str, **params: Any) -> str | None:
    """CreateGroup; the group's name, or None when the pool refused it (the divergence is recorded)."""
    name = params.pop("GroupName", None) or group_name()
    created = cognito.create_group(UserPoolId=pool_id, GroupName=name, **params)
    return name if check.succeeded(created, CREATE, note="creating the group the test needs") else None


def names_in(check, response, path: str, key: str) -> list[Any]:
    """The ``key`` of every item of the list at ``path`` (``Groups[].GroupName``, ``Users[].Username``)."""
    return [item.get(key) for item in check.read(response, path, list, default=[], items=dict)]


def claims_of(check, response, member: str) -> dict[str, Any] | None:
    """The claims of the sign-in's ``member`` token (not verified here: test_tokens.py verifies)."""
    token = (flows.tokens(response) or {}).get(member)
    try:
        return decode_unverified(token)[1]
    except MalformedToken as error:
        check.that(
            False,
            operation=response.operation,
            check="token.malformed",
            path=f"$.AuthenticationResult.{member}",
            expected="a compact JWT",
            actual=str(error),
            fact=TOKEN_CLAIMS,
            kind=CheckKind.TOKENS,
            evidence=response.exchange,
        )
        return None


def listed(check, response, path: str, key: str, expected: list[Any], fact_) -> bool:
    """The items at ``path`` are, by ``key``, exactly ``expected`` (in any order)."""
    actual = names_in(check, response, path, key)
    return check.that(
        sorted(map(str, actual)) == sorted(expected),
        operation=response.operation,
        check="list.items",
        path=f"{path}[].{key}",
        expected=sorted(expected),
        actual=actual,
        fact=fact_,
        evidence=response.exchange,
    )


# --- CreateGroup, GetGroup, UpdateGroup, DeleteGroup ---------------------------------------------


@pytest.mark.fact(CREATE)
def test_create_and_get_group_answer_the_group(cognito, check, user_pool):
    """CreateGroup and GetGroup answer the GroupType: the names echoed, the settings sent, both dates."""
    name = group_name()
    settings = {"Description": "conformance group", "Precedence": 3, "RoleArn": ROLE_A}
    created = cognito.create_group(UserPoolId=user_pool, GroupName=name, **settings)
    if not check.succeeded(created, CREATE):
        return
    got = cognito.get_group(UserPoolId=user_pool, GroupName=name)
    if not check.succeeded(got, CREATE):
        return
    for answer in (created, got):
        check.equal(answer, "$.Group.GroupName", name, CREATE, check="echo")
        check.equal(answer, "$.Group.UserPoolId", user_pool, CREATE, check="echo")
        for member, value in settings.items():
            check.equal(answer, f"$.Group.{member}", value, CREATE)
        check.present(answer, "$.Group.CreationDate", CREATE)
        check.present(answer, "$.Group.LastModifiedDate", CREATE)


@pytest.mark.fact(GROUP_TYPE)
def test_group_without_settings_has_no_optional_members(cognito, check, user_pool):
    """A group created with a name only: no Description, RoleArn or Precedence in its GroupType."""
    name = make_group(cognito, check, user_pool)
    if name is None:
        return
    got = cognito.get_group(UserPoolId=user_pool, GroupName=name)
    if check.succeeded(got, CREATE):
        for member in ("Description", "RoleArn", "Precedence"):
            check.absent(got, f"$.Group.{member}", GROUP_TYPE)


@pytest.mark.kind("errors")
@pytest.mark.fact(GROUP_EXISTS)
def test_create_group_twice_is_group_exists(cognito, check, user_pool):
    """CreateGroup with a name the pool already has: GroupExistsException."""
    name = make_group(cognito, check, user_pool)
    if name is None:
        return
    again = cognito.create_group(UserPoolId=user_pool, GroupName=name)
    check.error(again, "GroupExistsException", GROUP_EXISTS)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_create_group_in_unknown_pool_is_resource_not_found(cognito, check, endpoint):
    """CreateGroup in an unknown pool: ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    created = cognito.create_group(UserPoolId=pool_id, GroupName=group_name())
    check.error(
        created, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_list_groups_in_unknown_pool_is_resource_not_found(cognito, check, endpoint):
    """ListGroups in an unknown pool: ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    listed = cognito.list_groups(UserPoolId=pool_id)
    check.error(
        listed, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_GROUP)
def test_operations_on_an_unknown_group_are_resource_not_found(cognito, check, user_pool):
    """GetGroup, UpdateGroup, DeleteGroup and ListUsersInGroup of a group the pool lacks: ResourceNotFoundException."""
    ghost = {"UserPoolId": user_pool, "GroupName": group_name("ghost")}
    for answer in (
        cognito.get_group(**ghost),
        cognito.update_group(**ghost, Description="nothing"),
        cognito.delete_group(**ghost),
        cognito.list_users_in_group(**ghost),
    ):
        check.error(answer, "ResourceNotFoundException", UNKNOWN_GROUP)


@pytest.mark.fact(UPDATE)
def test_update_group_changes_what_it_is_given(cognito, check, user_pool):
    """UpdateGroup answers the updated group, and GetGroup reads it; a member left out keeps its value."""
    name = make_group(cognito, check, user_pool, Description="before", Precedence=7, RoleArn=ROLE_A)
    if name is None:
        return
    updated = cognito.update_group(UserPoolId=user_pool, GroupName=name, Description="after", Precedence=2)
    if not check.succeeded(updated, UPDATE):
        return
    check.equal(updated, "$.Group.Description", "after", UPDATE)
    check.equal(updated, "$.Group.Precedence", 2, UPDATE)
    got = cognito.get_group(UserPoolId=user_pool, GroupName=name)
    if check.succeeded(got, UPDATE):
        check.equal(got, "$.Group.Description", "after", UPDATE)
        check.equal(got, "$.Group.Precedence", 2, UPDATE)
        check.equal(got, "$.Group.RoleArn", ROLE_A, UPDATE_KEEPS)


@pytest.mark.fact(DELETE)
def test_deleted_group_is_not_found(cognito, check, user_pool):
    """DeleteGroup, then GetGroup of that name: ResourceNotFoundException."""
    name = make_group(cognito, check, user_pool)
    if name is None:
        return
    deleted = cognito.delete_group(UserPoolId=user_pool, GroupName=name)
    if not check.succeeded(deleted, DELETE):
        return
    check.error(cognito.get_group(UserPoolId=user_pool, GroupName=name), "ResourceNotFoundException", DELETE)


# --- ListGroups ----------------------------------------------------------------------------------


@pytest.mark.fact(LIST_GROUPS)
def test_list_groups_pages_through_every_group(cognito, check, user_pool):
    """ListGroups with Limit=2 over three groups: pages of at most two, NextToken to the end, all three."""
    made = [make_group(cognito, check, user_pool) for _ in range(3)]
    if None in made:
        return
    seen: list[Any] = []
    token = None
    for _ in range(5):
        page = cognito.list_groups(UserPoolId=user_pool, Limit=2, **({"NextToken": token} if token else {}))
        if not check.succeeded(page, LIST_GROUPS):
            return
        names = names_in(check, page, "$.Groups", "GroupName")
        check.that(
            len(names) <= 2,
            operation=page.operation,
            check="page.limit",
            path="$.Groups",
            expected="at most 2 groups",
            actual=len(names),
            fact=LIST_GROUPS,
            evidence=page.exchange,
        )
        seen += names
        token = check.read(page, "$.NextToken", str, default=None)
        if not token:
            break
    check.that(
        sorted(map(str, seen)) == sorted(map(str, made)),
        operation="ListGroups",
        check="list.items",
        path="$.Groups[].GroupName",
        expected=sorted(str(n) for n in made),
        actual=sorted(str(n) for n in seen),
        fact=LIST_GROUPS,
    )


# --- memberships ---------------------------------------------------------------------------------


@pytest.mark.fact(MEMBERSHIP)
def test_membership_is_listed_both_ways_until_removed(cognito, check, user_pool, make_user):
    """AdminAddUserToGroup: AdminListGroupsForUser and ListUsersInGroup list it; AdminRemoveUserFromGroup undoes it."""
    user = make_user(user_pool)
    name = make_group(cognito, check, user_pool)
    if name is None:
        return
    member = {"UserPoolId": user_pool, "Username": user.username, "GroupName": name}
    if not check.succeeded(cognito.admin_add_user_to_group(**member), MEMBERSHIP):
        return
    for expected_groups, expected_users in (([name], [user.username]), ([], [])):
        of_user = cognito.admin_list_groups_for_user(UserPoolId=user_pool, Username=user.username)
        if check.succeeded(of_user, MEMBERSHIP):
            listed(check, of_user, "$.Groups", "GroupName", expected_groups, MEMBERSHIP)
        in_group = cognito.list_users_in_group(UserPoolId=user_pool, GroupName=name)
        if check.succeeded(in_group, MEMBERSHIP):
            listed(check, in_group, "$.Users", "Username", expected_users, MEMBERSHIP)
        if expected_users and not check.succeeded(cognito.admin_remove_user_from_group(**member), MEMBERSHIP):
            return


@pytest.mark.fact(ADD_TWICE)
def test_adding_a_member_twice_keeps_one_membership(cognito, check, user_pool, make_user):
    """AdminAddUserToGroup twice: both succeed and ListUsersInGroup lists the user once."""
    user = make_user(user_pool)
    name = make_group(cognito, check, user_pool)
    if name is None:
        return
    member = {"UserPoolId": user_pool, "Username": user.username, "GroupName": name}
    if not check.succeeded(cognito.admin_add_user_to_group(**member), MEMBERSHIP):
        return
    if not check.succeeded(cognito.admin_add_user_to_group(**member), ADD_TWICE):
        return
    in_group = cognito.list_users_in_group(UserPoolId=user_pool, GroupName=name)
    if check.succeeded(in_group, MEMBERSHIP):
        listed(check, in_group, "$.Users", "Username", [user.username], ADD_TWICE)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_USER)
def test_membership_of_an_unknown_user_is_user_not_found(cognito, check, user_pool):
    """AdminAddUserToGroup, AdminRemoveUserFromGroup and AdminListGroupsForUser of an unknown user: UserNotFoundException."""
    name = make_group(cognito, check, user_pool)
    if name is None:
        return
    ghost = {"UserPoolId": user_pool, "Username": flows.new_username("ghost")}
    for answer in (
        cognito.admin_add_user_to_group(**ghost, GroupName=name),
        cognito.admin_remove_user_from_group(**ghost, GroupName=name),
        cognito.admin_list_groups_for_user(**ghost),
    ):
        check.error(answer, "UserNotFoundException", UNKNOWN_USER)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_GROUP)
def test_membership_of_an_unknown_group_is_resource_not_found(cognito, check, user_pool, make_user):
    """AdminAddUserToGroup and AdminRemoveUserFromGroup naming a group the pool lacks: ResourceNotFoundException."""
    user = make_user(user_pool)
    ghost = {"UserPoolId": user_pool, "Username": user.username, "GroupName": group_name("ghost")}
    for answer in (cognito.admin_add_user_to_group(**ghost), cognito.admin_remove_user_from_group(**ghost)):
        check.error(answer, "ResourceNotFoundException", UNKNOWN_GROUP)


# --- the group claims of tokens ------------------------------------------------------------------


def _claim_check(check, response, member: str, claim: str, expected: Any, fact_, *, as_set: bool = False):
    claims = claims_of(check, response, member)
    if claims is None:
        return
    actual = claims.get(claim, "<absent>")
    agrees = (
        sorted(actual) == sorted(expected)
        if as_set and isinstance(actual, list) and isinstance(expected, list)
        else actual == expected
    )
    kind = "access" if member == "AccessToken" else "id"
    check.that(
        agrees,
        operation=response.operation,
        check=f"token.{kind}.{claim.removeprefix('cognito:').replace('_', '-')}",
        path=f"$.AuthenticationResult.{member}#{claim}",
        expected=expected,
        actual=actual,
        fact=fact_,
        kind=CheckKind.TOKENS,
        evidence=response.exchange,
    )


@pytest.mark.kind("tokens")
@pytest.mark.fact(ACCESS_GROUPS)
def test_tokens_of_a_group_member_carry_cognito_groups(cognito, check, user_pool, make_app_client, make_user):
    """After AdminAddUserToGroup, the access and ID tokens of a sign-in carry ``cognito:groups == [group]``."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    name = make_group(cognito, check, user_pool)
    if name is None:
        return
    added = cognito.admin_add_user_to_group(UserPoolId=user_pool, Username=user.username, GroupName=name)
    if not check.succeeded(added, MEMBERSHIP):
        return
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN):
        return
    _claim_check(check, response, "AccessToken", "cognito:groups", [name], ACCESS_GROUPS)
    _claim_check(check, response, "IdToken", "cognito:groups", [name], TOKEN_CLAIMS)
    # A group without a RoleArn gives no role claims.
    _claim_check(check, response, "IdToken", "cognito:roles", "<absent>", TOKEN_CLAIMS)


@pytest.mark.kind("tokens")
@pytest.mark.fact(PRECEDENCE)
def test_preferred_role_is_the_role_of_the_lowest_precedence(
    cognito, check, user_pool, make_app_client, make_user
):
    """In two groups with roles, the ID token lists both roles and prefers the group of lower Precedence."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    # Created in the opposite order of their precedence, so creation order cannot pass for precedence.
    late = make_group(cognito, check, user_pool, Precedence=9, RoleArn=ROLE_B)
    early = make_group(cognito, check, user_pool, Precedence=1, RoleArn=ROLE_A)
    if late is None or early is None:
        return
    for name in (late, early):
        added = cognito.admin_add_user_to_group(UserPoolId=user_pool, Username=user.username, GroupName=name)
        if not check.succeeded(added, MEMBERSHIP):
            return
    response = flows.password_sign_in(cognito, client, user)
    if not check.succeeded(response, SIGN_IN):
        return
    _claim_check(check, response, "IdToken", "cognito:groups", [early, late], TOKEN_CLAIMS, as_set=True)
    _claim_check(check, response, "IdToken", "cognito:roles", [ROLE_A, ROLE_B], TOKEN_CLAIMS, as_set=True)
    _claim_check(check, response, "IdToken", "cognito:preferred_role", ROLE_A, PRECEDENCE)
