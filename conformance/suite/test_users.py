"""Users: AdminGetUser, AdminCreateUser, enable/disable/delete, and ListUsers filters and pages (sign-up
and password recovery: test_signup.py).

Facts: docs/facts.md §6 (disable revokes), §7 (errors), §8 (status, attributes), §9 and §12.6 (ListUsers).

Run a subset: ``pytest conformance/suite/test_users.py -k "filter and email" --endpoint=moto``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import pytest

from conformance import flows
from conformance.facts import Fact, fact

pytestmark = pytest.mark.kind("semantics")

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

GET_USER = fact("users.get-user")
NO_MFA_MEMBERS = fact("users.no-mfa-members")
CREATED_USER = fact("users.created-user")
USER_EXISTS_ADMIN = fact("users.user-exists-admin")
SET_PASSWORD = fact("users.set-password")
DISABLED_LISTED = fact("users.disabled-listed")
DISABLE_REVOKES = fact("users.disable-revokes")
DISABLED_REFRESH = fact("users.disabled-refresh")
ENABLED_AGAIN = fact("users.enabled-again")
DELETED = fact("users.deleted")
UNKNOWN_USER = fact("auth.unknown-user-legacy")
UNKNOWN_POOL = fact("pools.unknown-pool")
CASE_SENSITIVE = fact("users.case-sensitive")
FILTER = fact("users.filter")
FILTER_STATUS = fact("users.filter-status")
FILTER_PARSE = fact("users.filter-parse")
FILTER_CUSTOM = fact("users.filter-custom")
PAGES = fact("users.pages")
LIMIT_TOO_BIG = fact("users.limit-too-big")
LIST_ITEMS = fact("users.list-items")
ATTRIBUTES_TO_GET = fact("users.attributes-to-get")
ATTRIBUTE_MISSING = fact("users.attribute-missing")
ATTRIBUTES_TO_GET_SUB = fact("users.attributes-to-get-sub")


def list_all(cognito, check, pool_id: str, *, fact: Fact, max_pages: int = 20, **params):
    """ListUsers following PaginationToken to the end; ``(responses, usernames)`` or None when a page fails."""
    responses: list[Any] = []
    names: list[Any] = []
    token = None
    for _ in range(max_pages):
        page = cognito.list_users(
            UserPoolId=pool_id, **params, **({"PaginationToken": token} if token else {})
        )
        if not check.succeeded(page, fact):
            return None
        responses.append(page)
        users = check.read(page, "$.Users", list, default=[], items=dict)
        names.extend(check.read(page, f"$.Users[{i}].Username", str) for i in range(len(users)))
        token = check.read(page, "$.PaginationToken", str, default=None)
        if not token:
            return responses, names
    check.that(
        False,
        operation="ListUsers",
        check="pagination.ends",
        path="$.PaginationToken",
        expected=f"no PaginationToken within {max_pages} pages",
        actual="still a PaginationToken",
        fact=PAGES,
        evidence=responses[-1].exchange,
    )
    return None


def check_listed(check, listed, expected: set[str], fact: Fact, *, what: str) -> bool:
    """The users a (filtered) listing returned are exactly ``expected``."""
    responses, names = listed
    return check.that(
        sorted(names) == sorted(expected),
        operation="ListUsers",
        check="filter.matches",
        path="$.Users[*].Username",
        expected=sorted(expected),
        actual=sorted(names),
        fact=fact,
        evidence=responses[-1].exchange,
        note=what,
    )


# --- AdminGetUser, AdminCreateUser -----------------------------------------------------------------


@pytest.mark.fact(GET_USER)
def test_admin_get_user_returns_documented_members(cognito, check, user_pool, make_user):
    """§8: AdminGetUser of a confirmed user: Username, sub, CONFIRMED, Enabled, dates, and no MFA members."""
    user = make_user(user_pool, attributes={"email": "get@example.com"})
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if not check.succeeded(described, GET_USER):
        return
    check.equal(described, "$.Username", user.username, GET_USER, check="echo")
    check.equal(described, "$.UserStatus", "CONFIRMED", GET_USER, check="status")
    check.equal(described, "$.Enabled", True, GET_USER)
    check.present(described, "$.UserCreateDate", GET_USER)
    check.present(described, "$.UserLastModifiedDate", GET_USER)
    attributes = {
        a.get("Name"): a.get("Value")
        for a in check.read(described, "$.UserAttributes", list, default=[], items=dict)
    }
    check.that(
        isinstance(attributes.get("sub"), str) and re.fullmatch(UUID, attributes["sub"]) is not None,
        operation=described.operation,
        check="format",
        path="$.UserAttributes[sub]",
        expected="a UUID",
        actual=attributes.get("sub", "<absent>"),
        fact=GET_USER,
        evidence=described.exchange,
    )
    check.that(
        attributes.get("email") == "get@example.com",
        operation=described.operation,
        check="value",
        path="$.UserAttributes[email]",
        expected="get@example.com",
        actual=attributes.get("email", "<absent>"),
        fact=GET_USER,
        evidence=described.exchange,
    )
    check.absent(described, "$.UserMFASettingList", NO_MFA_MEMBERS)
    check.absent(described, "$.PreferredMfaSetting", NO_MFA_MEMBERS)


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_USER)
def test_admin_get_user_of_unknown_user_is_not_found(cognito, check, user_pool):
    """§7: AdminGetUser of an unknown user: UserNotFoundException "User does not exist."."""
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=flows.new_username("ghost"))
    check.error(described, "UserNotFoundException", UNKNOWN_USER, message="User does not exist.")


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_admin_get_user_in_unknown_pool_is_resource_not_found(cognito, check, endpoint):
    """§7: AdminGetUser in an unknown pool: ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    described = cognito.admin_get_user(UserPoolId=pool_id, Username="nobody")
    check.error(
        described, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(CASE_SENSITIVE)
def test_usernames_are_case_sensitive_by_default(cognito, check, user_pool, make_user):
    """§8: without UsernameConfiguration usernames are case-sensitive: the upper-cased name is another (unknown) user."""
    user = make_user(user_pool, username=f"case-{secrets.token_hex(4)}")
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username.upper())
    check.error(described, "UserNotFoundException", CASE_SENSITIVE, message="User does not exist.")


@pytest.mark.fact(CREATED_USER)
def test_admin_create_user_starts_in_force_change_password(cognito, check, user_pool):
    """§8: AdminCreateUser answers a User that is Enabled, FORCE_CHANGE_PASSWORD, with dates and a sub."""
    username = flows.new_username()
    created = cognito.admin_create_user(
        UserPoolId=user_pool,
        Username=username,
        TemporaryPassword=flows.new_password(),
        MessageAction="SUPPRESS",
    )
    if not check.succeeded(created, CREATED_USER):
        return
    check.equal(created, "$.User.Username", username, CREATED_USER, check="echo")
    check.equal(created, "$.User.UserStatus", "FORCE_CHANGE_PASSWORD", CREATED_USER, check="status")
    check.equal(created, "$.User.Enabled", True, CREATED_USER)
    check.present(created, "$.User.UserCreateDate", CREATED_USER)
    check.present(created, "$.User.UserLastModifiedDate", CREATED_USER)
    names = [a.get("Name") for a in check.read(created, "$.User.Attributes", list, default=[], items=dict)]
    check.that(
        "sub" in names,
        operation=created.operation,
        check="member.present",
        path="$.User.Attributes[sub]",
        expected="<present>",
        actual=names,
        fact=CREATED_USER,
        evidence=created.exchange,
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(USER_EXISTS_ADMIN)
def test_admin_create_user_twice_is_username_exists(cognito, check, user_pool, make_user):
    """§7: AdminCreateUser with a taken username: UsernameExistsException "User account already exists"."""
    user = make_user(user_pool)
    again = cognito.admin_create_user(
        UserPoolId=user_pool,
        Username=user.username,
        TemporaryPassword=flows.new_password(),
        MessageAction="SUPPRESS",
    )
    check.error(again, "UsernameExistsException", USER_EXISTS_ADMIN, message="User account already exists")


@pytest.mark.fact(SET_PASSWORD)
def test_admin_set_temporary_password_requires_change(cognito, check, user_pool, make_user):
    """§8: AdminSetUserPassword with Permanent=false puts a CONFIRMED user back in FORCE_CHANGE_PASSWORD."""
    user = make_user(user_pool)
    reset = cognito.admin_set_user_password(
        UserPoolId=user_pool, Username=user.username, Password=flows.new_password(), Permanent=False
    )
    if not check.succeeded(reset, SET_PASSWORD):
        return
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(described, SET_PASSWORD):
        check.equal(described, "$.UserStatus", "FORCE_CHANGE_PASSWORD", SET_PASSWORD, check="status")


SET_PASSWORD_POLICY = fact("users.set-password-policy")


@pytest.mark.kind("errors")
@pytest.mark.parametrize("case", ["short-password", "unknown-user"])
@pytest.mark.fact(SET_PASSWORD_POLICY)
def test_admin_set_user_password_refusals(cognito, check, user_pool, make_user, case):
    """AdminSetUserPassword: a password shorter than the policy's minimum is InvalidPasswordException
    "Password did not conform with policy: Password not long enough"; an unknown user is
    UserNotFoundException "User does not exist." (API reference; §7)."""
    if case == "short-password":
        user = make_user(user_pool)
        answer = cognito.admin_set_user_password(
            UserPoolId=user_pool, Username=user.username, Password="Ab1!cde", Permanent=True
        )
        check.error(
            answer,
            "InvalidPasswordException",
            SET_PASSWORD_POLICY,
            message="Password did not conform with policy: Password not long enough",
            message_fact=fact("users.policy-text-create"),
        )
    else:
        answer = cognito.admin_set_user_password(
            UserPoolId=user_pool,
            Username=flows.new_username("ghost"),
            Password="Aa1!" + "x" * 12,
            Permanent=True,
        )
        check.error(
            answer,
            "UserNotFoundException",
            SET_PASSWORD_POLICY,
            message="User does not exist.",
            message_fact=UNKNOWN_USER,
        )


# --- disable, enable, delete -----------------------------------------------------------------------


@pytest.mark.fact(DISABLE_REVOKES)
def test_admin_disable_user_revokes_access_and_keeps_user_listed(
    cognito, check, user_pool, make_app_client, make_user
):
    """§6, §8: a disabled user shows Enabled=false, is still listed, their access token is revoked, refresh "User is disabled."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    result = flows.tokens(flows.password_sign_in(cognito, client, user))
    if not check.succeeded(
        cognito.admin_disable_user(UserPoolId=user_pool, Username=user.username), DISABLED_LISTED
    ):
        return
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(described, DISABLED_LISTED):
        check.equal(described, "$.Enabled", False, DISABLED_LISTED)
    listed = list_all(cognito, check, user_pool, fact=DISABLED_LISTED)
    if listed is not None:
        check_listed(check, listed, {user.username}, DISABLED_LISTED, what="ListUsers after AdminDisableUser")
    if result is None:
        return
    check.error(
        cognito.get_user(AccessToken=result["AccessToken"]), "NotAuthorizedException", DISABLE_REVOKES
    )
    refreshed = flows.refresh_sign_in(cognito, client, result["RefreshToken"])
    check.error(refreshed, "NotAuthorizedException", DISABLED_REFRESH, message="User is disabled.")


@pytest.mark.fact(ENABLED_AGAIN)
def test_admin_enable_user_lets_the_user_sign_in_again(cognito, check, user_pool, make_app_client, make_user):
    """§8: AdminEnableUser after AdminDisableUser: Enabled=true and sign-in succeeds."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    if not check.succeeded(
        cognito.admin_disable_user(UserPoolId=user_pool, Username=user.username), ENABLED_AGAIN
    ):
        return
    if not check.succeeded(
        cognito.admin_enable_user(UserPoolId=user_pool, Username=user.username), ENABLED_AGAIN
    ):
        return
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(described, ENABLED_AGAIN):
        check.equal(described, "$.Enabled", True, ENABLED_AGAIN)
    check.succeeded(flows.password_sign_in(cognito, client, user), ENABLED_AGAIN)


@pytest.mark.fact(DELETED)
def test_admin_delete_user_removes_the_user_and_frees_the_name(cognito, check, user_pool, make_user):
    """§8: after AdminDeleteUser the user is not found, and the username can be used again."""
    user = make_user(user_pool)
    if not check.succeeded(cognito.admin_delete_user(UserPoolId=user_pool, Username=user.username), DELETED):
        return
    gone = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    check.error(gone, "UserNotFoundException", UNKNOWN_USER, message="User does not exist.")
    again = cognito.admin_create_user(
        UserPoolId=user_pool,
        Username=user.username,
        TemporaryPassword=flows.new_password(),
        MessageAction="SUPPRESS",
    )
    check.succeeded(again, DELETED)


# --- ListUsers filters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterCase:
    """Three users A, B, C; ``=`` on A's value finds ``equal``; ``^=`` on ``prefix`` finds ``prefixed``."""

    attribute: str
    equal: frozenset[str]
    prefixed: frozenset[str]


FILTER_CASES = {
    "username": FilterCase("username", frozenset("A"), frozenset("AB")),
    "email": FilterCase("email", frozenset("A"), frozenset("AB")),
    "phone_number": FilterCase("phone_number", frozenset("A"), frozenset("AB")),
    "name": FilterCase("name", frozenset("A"), frozenset("AB")),
    "given_name": FilterCase("given_name", frozenset("A"), frozenset("AB")),
    "family_name": FilterCase("family_name", frozenset("A"), frozenset("AB")),
    "preferred_username": FilterCase("preferred_username", frozenset("A"), frozenset("AB")),
    "sub": FilterCase("sub", frozenset("A"), frozenset("A")),
    "cognito:user_status": FilterCase("cognito:user_status", frozenset("C"), frozenset("AB")),
    "status": FilterCase("status", frozenset("C"), frozenset("AB")),
}


def filter_users(tag: str, attribute: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Usernames and attributes for users A, B, C: A and B share a prefix, C does not."""
    digits = str(int(tag, 16) % 10**5).zfill(5)
    values = {
        "email": (f"ann{tag}@example.com", f"ann{tag}b@example.com", f"bob{tag}@example.com"),
        "phone_number": (f"+1555{digits}01", f"+1555{digits}02", f"+1444{digits}03"),
    }
    names = {"A": f"ann-{tag}", "B": f"ann-{tag}-b", "C": f"bob-{tag}"}
    users = {}
    for index, label in enumerate("ABC"):
        if attribute in values:
            attributes = {attribute: values[attribute][index]}
        elif attribute in ("name", "given_name", "family_name", "preferred_username"):
            attributes = {attribute: (f"Ann{tag}", f"Ann{tag}a", f"Bob{tag}")[index]}
        else:
            attributes = {}
        users[label] = (names[label], attributes)
    return users


def filter_values(attribute: str, tag: str, made: dict[str, flows.TestUser]) -> tuple[str, str]:
    """The ``=`` value and the ``^=`` prefix for ``attribute``."""
    digits = str(int(tag, 16) % 10**5).zfill(5)
    return {
        "username": (made["A"].username, f"ann-{tag}"),
        "email": (f"ann{tag}@example.com", f"ann{tag}"),
        "phone_number": (f"+1555{digits}01", f"+1555{digits}"),
        "sub": (made["A"].sub or "", (made["A"].sub or "")[:13]),
        "cognito:user_status": ("FORCE_CHANGE_PASSWORD", "CONF"),
        "status": ("Disabled", "Ena"),
    }.get(attribute, (f"Ann{tag}", f"Ann{tag}"))


@pytest.mark.parametrize("operator", ["=", "^="], ids=["equals", "starts-with"])
@pytest.mark.parametrize("attribute", list(FILTER_CASES))
@pytest.mark.fact(FILTER)
def test_list_users_filter(cognito, check, user_pool, make_user, attribute, operator):
    """§9: ``attribute = "v"`` finds exactly the users whose value is v; ``attribute ^= "p"`` those whose value starts with p."""
    case = FILTER_CASES[attribute]
    tag = secrets.token_hex(3)
    made: dict[str, flows.TestUser] = {}
    for label, (username, attributes) in filter_users(tag, attribute).items():
        # cognito:user_status: C stays FORCE_CHANGE_PASSWORD, A and B are CONFIRMED.
        confirmed = not (attribute == "cognito:user_status" and label == "C")
        made[label] = make_user(user_pool, username=username, attributes=attributes, confirmed=confirmed)
    if attribute == "status":
        disabled = cognito.admin_disable_user(UserPoolId=user_pool, Username=made["C"].username)
        if not check.succeeded(disabled, FILTER, note="disabling user C"):
            return
    if attribute == "sub" and not made["A"].sub:
        pytest.skip("AdminCreateUser returned no sub to filter on")
    exact, prefix = filter_values(attribute, tag, made)
    expression = f'{attribute} = "{exact}"' if operator == "=" else f'{attribute} ^= "{prefix}"'
    wanted = case.equal if operator == "=" else case.prefixed
    fact = FILTER_STATUS if attribute == "status" else FILTER
    listed = list_all(cognito, check, user_pool, fact=fact, Filter=expression)
    if listed is not None:
        check_listed(
            check, listed, {made[label].username for label in wanted}, fact, what=f"Filter {expression}"
        )


@pytest.mark.kind("errors")
@pytest.mark.fact(FILTER_PARSE)
def test_list_users_with_unparsable_filter_is_invalid(cognito, check, user_pool):
    """§9, §12.6: a filter that does not parse: InvalidParameterException "Error while parsing filter."."""
    refused = cognito.list_users(UserPoolId=user_pool, Filter='email "no operator"')
    check.error(refused, "InvalidParameterException", FILTER_PARSE, message="Error while parsing filter.")


@pytest.mark.kind("errors")
@pytest.mark.fact(FILTER_CUSTOM)
def test_list_users_filter_on_custom_attribute_is_invalid(cognito, check, user_pool):
    """§9: custom attributes are not searchable: InvalidParameterException (text UNVERIFIED, not checked)."""
    refused = cognito.list_users(UserPoolId=user_pool, Filter='custom:team = "blue"')
    check.error(refused, "InvalidParameterException", FILTER_CUSTOM)


# --- ListUsers pages and attributes ----------------------------------------------------------------


@pytest.mark.fact(PAGES)
def test_list_users_pages_to_exhaustion(cognito, check, user_pool, make_user):
    """§9: with Limit=2, following PaginationToken lists every user exactly once, no page larger than Limit."""
    made = {make_user(user_pool).username for _ in range(5)}
    listed = list_all(cognito, check, user_pool, fact=PAGES, Limit=2)
    if listed is None:
        return
    responses, names = listed
    for index, page in enumerate(responses):
        size = len(check.read(page, "$.Users", list, default=[]))
        # §12.6: a page may be shorter than Limit (settled), never longer.
        check.that(
            size <= 2,
            operation="ListUsers",
            check="page.limit",
            path="$.Users",
            expected="at most 2 users (Limit)",
            actual=f"{size} users on page {index + 1}",
            fact=PAGES,
            evidence=page.exchange,
        )
    check.that(
        len(names) == len(set(names)),
        operation="ListUsers",
        check="pagination.no-duplicates",
        path="$.Users[*].Username",
        expected="each user once",
        actual=sorted(names),
        fact=PAGES,
        evidence=responses[-1].exchange,
    )
    check_listed(check, listed, made, PAGES, what="all pages with Limit=2")


@pytest.mark.fact(LIST_ITEMS)
def test_list_users_items_have_documented_members(cognito, check, user_pool, make_user):
    """§9: each listed user has Username, Attributes, UserCreateDate, UserLastModifiedDate, Enabled, UserStatus."""
    make_user(user_pool)
    listed = cognito.list_users(UserPoolId=user_pool)
    if not check.succeeded(listed, LIST_ITEMS):
        return
    if not check.present(listed, "$.Users[0]", LIST_ITEMS):
        return
    for member in (
        "Username",
        "Attributes",
        "UserCreateDate",
        "UserLastModifiedDate",
        "Enabled",
        "UserStatus",
    ):
        check.present(listed, f"$.Users[0].{member}", LIST_ITEMS)


@pytest.mark.kind("errors")
@pytest.mark.fact(LIMIT_TOO_BIG)
def test_list_users_limit_over_60_is_invalid(cognito, check, user_pool):
    """§9, §12.6: Limit=100: InvalidParameterException "1 validation error detected: Value '100' at 'limit' ..."."""
    refused = cognito.call("ListUsers", {"UserPoolId": user_pool, "Limit": 100}, invalid_request=True)
    check.error(
        refused,
        "InvalidParameterException",
        LIMIT_TOO_BIG,
        message="1 validation error detected: Value '100' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 60",
    )


@pytest.mark.fact(ATTRIBUTES_TO_GET)
def test_list_users_returns_only_attributes_to_get(cognito, check, user_pool, make_user):
    """§9: AttributesToGet=["email"] returns each user with the email attribute only."""
    for index in range(2):
        make_user(user_pool, attributes={"email": f"get{index}@example.com", "given_name": f"G{index}"})
    listed = cognito.list_users(UserPoolId=user_pool, AttributesToGet=["email"])
    if not check.succeeded(listed, ATTRIBUTES_TO_GET):
        return
    for index, user in enumerate(check.read(listed, "$.Users", list, default=[], items=dict)):
        names = sorted(a.get("Name") for a in user.get("Attributes", []))
        check.that(
            names == ["email"],
            operation="ListUsers",
            check="attributes-to-get",
            path=f"$.Users[{index}].Attributes",
            expected=["email"],
            actual=names,
            fact=ATTRIBUTES_TO_GET,
            evidence=listed.exchange,
        )


@pytest.mark.kind("errors")
@pytest.mark.fact(ATTRIBUTE_MISSING)
def test_list_users_attributes_to_get_missing_on_a_user_is_invalid(cognito, check, user_pool, make_user):
    """§12.6: AttributesToGet naming an attribute a listed user lacks: "One or more requested attributes do not exist."."""
    make_user(user_pool, attributes={"given_name": "Has"})
    make_user(user_pool)
    refused = cognito.list_users(UserPoolId=user_pool, AttributesToGet=["given_name"])
    check.error(
        refused,
        "InvalidParameterException",
        ATTRIBUTE_MISSING,
        message="One or more requested attributes do not exist.",
    )


@pytest.mark.fact(ATTRIBUTES_TO_GET_SUB)
def test_list_users_attributes_to_get_sub_answers_only_sub(cognito, check, user_pool, make_user):
    """§13: AttributesToGet=["sub"] answers the users, each with its sub attribute only.

    An earlier reading had AWS refuse it; that rested on a request that also named a custom attribute
    (facts:users.attributes-sub, withdrawn).
    """
    make_user(user_pool, attributes={"given_name": "Sub"})
    listed = cognito.list_users(UserPoolId=user_pool, AttributesToGet=["sub"])
    if not check.succeeded(listed, ATTRIBUTES_TO_GET_SUB):
        return
    for index, user in enumerate(listed.body.get("Users", [])):
        names = sorted(a.get("Name") for a in user.get("Attributes", []))
        check.that(
            names == ["sub"],
            operation="ListUsers",
            check="attributes-to-get",
            path=f"$.Users[{index}].Attributes",
            expected=["sub"],
            actual=names,
            fact=ATTRIBUTES_TO_GET_SUB,
            evidence=listed.exchange,
        )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_list_users_in_unknown_pool_is_resource_not_found(cognito, check, endpoint):
    """§7: ListUsers of an unknown pool: ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    refused = cognito.list_users(UserPoolId=pool_id)
    check.error(
        refused, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )


# --- the password policy at creation ----------------------------------------------------------------

TEMPORARY_PASSWORD_POLICY = fact("users.temporary-password-policy")
SIGN_UP_POLICY = fact("users.sign-up-policy")
POLICY_TEXT_CREATE = fact("users.policy-text-create")
#: Seven characters of all four classes: only the default minimum length (8) is broken.
SHORT_PASSWORD = "Ab1!cde"


@pytest.mark.kind("errors")
@pytest.mark.parametrize("operation", ["AdminCreateUser", "SignUp"])
@pytest.mark.fact(TEMPORARY_PASSWORD_POLICY)
def test_password_policy_applies_to_temporary_passwords_and_sign_up(
    cognito, check, user_pool, make_app_client, operation
):
    """§7, §8: a TemporaryPassword (AdminCreateUser) or a SignUp password shorter than the policy's
    minimum is InvalidPasswordException "Password did not conform with policy: Password not long enough"."""
    username = flows.new_username("policy")
    if operation == "AdminCreateUser":
        answer = cognito.admin_create_user(
            UserPoolId=user_pool,
            Username=username,
            TemporaryPassword=SHORT_PASSWORD,
            MessageAction="SUPPRESS",
        )
        fact_ = TEMPORARY_PASSWORD_POLICY
    else:
        client = make_app_client(user_pool)
        answer, _ = flows.sign_up(cognito, client, username=username, password=SHORT_PASSWORD)
        fact_ = SIGN_UP_POLICY
    check.error(
        answer,
        "InvalidPasswordException",
        fact_,
        message="Password did not conform with policy: Password not long enough",
        message_fact=POLICY_TEXT_CREATE,
    )
