"""User pools: create, describe, update, list (docs/facts.md §8, §9, §12.7).

Run a subset: ``pytest conformance/suite/test_pools.py -k defaults --endpoint=moto``.
"""

from __future__ import annotations

import re

import pytest

from conformance.facts import fact
from conformance.fixtures import unique_name

pytestmark = pytest.mark.kind("semantics")

POOL_ID = fact("pools.id-format")
POOL_ARN = fact("pools.arn-format")
POOL_DEFAULTS_CLI = fact("pools.pool-defaults-cli")
POOL_DEFAULTS_TF = fact("pools.pool-defaults-tf")
DEVICE_CONFIG_NULL = fact("pools.device-config-null")
SCHEMA_DEFAULTS = fact("pools.schema-defaults")
DELETION_PROTECTION_DEFAULT = fact("pools.deletion-protection-default")
UNKNOWN_POOL = fact("pools.unknown-pool")
UPDATE_RESETS = fact("pools.update-resets")
MAX_RESULTS = fact("pools.max-results")
VALIDATION_TEXT = fact("pools.validation-text")
LIST_ITEMS = fact("pools.list-items")
PAGINATION = fact("pools.pagination")
DELETE_POOL = fact("pools.delete-pool")
DELETION_PROTECTION_REFUSES = fact("pools.deletion-protection-refuses")


@pytest.mark.fact(POOL_ID)
def test_create_user_pool_returns_id_and_arn_in_aws_format(check, endpoint, make_user_pool):
    """§9: Id is ``{region}_{9 chars [0-9A-Za-z]}``; Arn is ``arn:aws:cognito-idp:{region}:{account}:userpool/{Id}``."""
    name = unique_name("pool")
    created = make_user_pool(PoolName=name)
    if not check.succeeded(created, POOL_ID):
        return
    region = re.escape(endpoint.region)
    check.matches(created, "$.UserPool.Id", rf"{region}_[0-9A-Za-z]{{9}}", POOL_ID)
    pool_id = check.read(created, "$.UserPool.Id", str, default="")
    check.matches(
        created,
        "$.UserPool.Arn",
        rf"arn:aws:cognito-idp:{region}:\d{{12}}:userpool/{re.escape(pool_id)}",
        POOL_ARN,
    )
    check.equal(created, "$.UserPool.Name", name, POOL_ID, check="echo")


@pytest.mark.fact(POOL_DEFAULTS_CLI)
def test_describe_user_pool_returns_documented_defaults(cognito, check, make_user_pool):
    """§9 and §12.7: a pool created with only a name describes with AWS's defaults."""
    created = make_user_pool()
    if not check.succeeded(created, POOL_DEFAULTS_CLI):
        return
    described = cognito.describe_user_pool(UserPoolId=created.body["UserPool"]["Id"])
    if not check.succeeded(described, POOL_DEFAULTS_CLI):
        return
    pool = "$.UserPool"
    check.equal(described, f"{pool}.MfaConfiguration", "OFF", POOL_DEFAULTS_CLI, check="default")
    check.equal(described, f"{pool}.EstimatedNumberOfUsers", 0, POOL_DEFAULTS_CLI, check="default")
    policy = f"{pool}.Policies.PasswordPolicy"
    check.equal(described, f"{policy}.MinimumLength", 8, POOL_DEFAULTS_CLI, check="default")
    for flag in ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"):
        check.equal(described, f"{policy}.{flag}", True, POOL_DEFAULTS_CLI, check="default")
    check.equal(described, f"{policy}.TemporaryPasswordValidityDays", 7, POOL_DEFAULTS_TF, check="default")
    check.equal(
        described,
        f"{pool}.AdminCreateUserConfig.AllowAdminCreateUserOnly",
        False,
        POOL_DEFAULTS_CLI,
        check="default",
    )
    check.equal(described, f"{pool}.UserPoolTier", "ESSENTIALS", POOL_DEFAULTS_TF, check="default")
    check.equal(
        described,
        f"{pool}.EmailConfiguration.EmailSendingAccount",
        "COGNITO_DEFAULT",
        POOL_DEFAULTS_TF,
        check="default",
    )
    check.absent(described, f"{pool}.DeviceConfiguration", DEVICE_CONFIG_NULL)
    check.equal(
        described, f"{pool}.DeletionProtection", "INACTIVE", DELETION_PROTECTION_DEFAULT, check="default"
    )
    check.present(described, f"{pool}.CreationDate", POOL_DEFAULTS_CLI)
    check.present(described, f"{pool}.LastModifiedDate", POOL_DEFAULTS_CLI)
    check.equal(
        described,
        f"{pool}.SchemaAttributes[0]",
        {
            "Name": "sub",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": False,
            "Mutable": False,
            "Required": True,
            "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"},
        },
        SCHEMA_DEFAULTS,
        check="default",
    )
    # email_verified comes twelfth (after sub and the ten String attributes up to email), a Boolean.
    check.equal(
        described, f"{pool}.SchemaAttributes[11].Name", "email_verified", SCHEMA_DEFAULTS, check="default"
    )
    check.equal(
        described,
        f"{pool}.SchemaAttributes[11].AttributeDataType",
        "Boolean",
        SCHEMA_DEFAULTS,
        check="default",
    )


@pytest.mark.fact(UNKNOWN_POOL)
def test_describe_unknown_user_pool_is_resource_not_found(cognito, check, endpoint):
    """§7: an unknown pool id gives ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    described = cognito.describe_user_pool(UserPoolId=pool_id)
    check.error(
        described, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )


@pytest.mark.fact(UPDATE_RESETS)
def test_update_user_pool_resets_omitted_settings(cognito, check, make_user_pool):
    """§9: UpdateUserPool resets every parameter the request omits to its default."""
    created = make_user_pool(
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": False,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        },
        MfaConfiguration="OFF",
    )
    if not check.succeeded(created, UPDATE_RESETS):
        return
    pool_id = created.body["UserPool"]["Id"]
    updated = cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
    if not check.succeeded(updated, UPDATE_RESETS):
        return
    described = cognito.describe_user_pool(UserPoolId=pool_id)
    if not check.succeeded(described, UPDATE_RESETS):
        return
    check.equal(
        described, "$.UserPool.AutoVerifiedAttributes", ["email"], UPDATE_RESETS, check="update.applied"
    )
    check.equal(
        described,
        "$.UserPool.Policies.PasswordPolicy.MinimumLength",
        8,
        UPDATE_RESETS,
        check="update.resets-omitted",
    )
    check.equal(
        described,
        "$.UserPool.Policies.PasswordPolicy.RequireUppercase",
        True,
        UPDATE_RESETS,
        check="update.resets-omitted",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(MAX_RESULTS)
@pytest.mark.parametrize(
    ("max_results", "constraint"),
    [(0, "greater than or equal to 1"), (61, "less than or equal to 60")],
    ids=["zero", "above-60"],
)
def test_list_user_pools_max_results_out_of_range_is_invalid(
    cognito, check, make_user_pool, max_results, constraint
):
    """§9: MaxResults is 1..60; §7: outside it, InvalidParameterException in Coral's validation form."""
    make_user_pool()  # an endpoint that wrongly answers lists a pool, whatever it held before
    listed = cognito.call("ListUserPools", {"MaxResults": max_results}, invalid_request=True)
    check.error(
        listed,
        "InvalidParameterException",
        MAX_RESULTS,
        message=(
            f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy "
            f"constraint: Member must have value {constraint}"
        ),
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(MAX_RESULTS)
def test_list_user_pools_without_max_results_is_invalid(cognito, check, make_user_pool):
    """§9: MaxResults is required; without it, InvalidParameterException."""
    make_user_pool()  # an endpoint that wrongly answers lists a pool, whatever it held before
    listed = cognito.call("ListUserPools", {}, invalid_request=True)
    check.error(
        listed,
        "InvalidParameterException",
        MAX_RESULTS,
        message=(
            "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: "
            "Member must not be null"
        ),
        message_fact=VALIDATION_TEXT,
    )


@pytest.mark.fact(PAGINATION)
def test_list_user_pools_pages_to_exhaustion(cognito, check, make_user_pool):
    """§9: following NextToken with MaxResults=1 visits every pool once, each page within MaxResults."""
    mine = set()
    for _ in range(3):
        created = make_user_pool()
        if not check.succeeded(created, PAGINATION):
            return
        mine.add(created.body["UserPool"]["Id"])
    seen: list[str] = []
    token = None
    for _ in range(500):  # bounded: a server that never stops paging is a divergence, not a hang
        params = {"MaxResults": 1} | ({"NextToken": token} if token else {})
        page = cognito.list_user_pools(**params)
        if not check.succeeded(page, PAGINATION):
            return
        pools = check.read(page, "$.UserPools", list, default=[], items=dict)
        check.that(
            len(pools) <= 1,
            operation="ListUserPools",
            check="pagination.page-size",
            path="$.UserPools",
            expected="at most MaxResults (1) items",
            actual=len(pools),
            fact=PAGINATION,
            evidence=page.exchange,
        )
        seen.extend(p.get("Id") for p in pools)
        token = check.read(page, "$.NextToken", str, default=None)
        if not token:
            break
    check.that(
        mine <= set(seen),
        operation="ListUserPools",
        check="pagination.complete",
        path="$.UserPools[*].Id",
        expected=sorted(mine),
        actual=sorted(mine & set(seen)),
        fact=PAGINATION,
        note="three pools created, then listed with MaxResults=1 following NextToken to the end",
    )
    duplicates = sorted({i for i in seen if seen.count(i) > 1})
    check.that(
        not duplicates,
        operation="ListUserPools",
        check="pagination.no-duplicates",
        path="$.UserPools[*].Id",
        expected=[],
        actual=duplicates,
        fact=PAGINATION,
    )


@pytest.mark.fact(LIST_ITEMS)
def test_list_user_pools_items_have_documented_members(cognito, check, make_user_pool):
    """§9: ListUserPools items hold Id, Name, LambdaConfig, LastModifiedDate and CreationDate."""
    created = make_user_pool()
    if not check.succeeded(created, LIST_ITEMS):
        return
    pool_id = created.body["UserPool"]["Id"]
    token = None
    for _ in range(100):
        page = cognito.list_user_pools(MaxResults=60, **({"NextToken": token} if token else {}))
        if not check.succeeded(page, LIST_ITEMS):
            return
        for index, item in enumerate(check.read(page, "$.UserPools", list, default=[], items=dict)):
            if item.get("Id") == pool_id:
                for member in ("Id", "Name", "LambdaConfig", "LastModifiedDate", "CreationDate"):
                    check.present(page, f"$.UserPools[{index}].{member}", LIST_ITEMS)
                return
        token = check.read(page, "$.NextToken", str, default=None)
        if not token:
            break
    check.that(
        False,
        operation="ListUserPools",
        check="list.contains-created",
        path="$.UserPools[*].Id",
        expected=pool_id,
        actual="<not listed>",
        fact=LIST_ITEMS,
    )


USERNAME_AND_ALIAS = fact("pools.username-and-alias")
REQUIRED_CUSTOM = fact("pools.required-custom-attribute")

#: CreateUserPool requests AWS refuses with InvalidParameterException, and the fact behind each.
INVALID_POOLS = {
    "username-and-alias": (
        {"UsernameAttributes": ["email"], "AliasAttributes": ["preferred_username"]},
        USERNAME_AND_ALIAS,
        None,
    ),
    "required-custom-attribute": (
        {"Schema": [{"Name": "tier", "AttributeDataType": "String", "Required": True}]},
        REQUIRED_CUSTOM,
        "Required custom attributes are not supported currently.",
    ),
}


@pytest.mark.kind("errors")
@pytest.mark.parametrize("case", sorted(INVALID_POOLS))
@pytest.mark.fact(USERNAME_AND_ALIAS)
def test_create_user_pool_refuses_invalid_parameters(cognito, check, case):
    """§7, §8: CreateUserPool with settings that cannot go together is InvalidParameterException."""
    params, fact_, message = INVALID_POOLS[case]
    # Called directly, not through make_user_pool: the refusal is this test's own finding.
    answer = cognito.create_user_pool(PoolName=unique_name("pool"), **params)
    check.error(answer, "InvalidParameterException", fact_, message=message)
    if answer.ok and isinstance(answer.body, dict):
        pool_id = (answer.body.get("UserPool") or {}).get("Id")
        if isinstance(pool_id, str):
            cognito.delete_user_pool(UserPoolId=pool_id)  # an endpoint that accepted it keeps no pool


@pytest.mark.kind("errors")
@pytest.mark.parametrize("operation", ["DescribeUserPool", "UpdateUserPool", "DeleteUserPool"])
@pytest.mark.fact(UNKNOWN_POOL)
def test_pool_operations_on_unknown_pool_are_resource_not_found(cognito, check, endpoint, operation):
    """§7: DescribeUserPool, UpdateUserPool and DeleteUserPool of an unknown pool give
    ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    answer = cognito.call(operation, {"UserPoolId": pool_id})
    check.error(
        answer, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )


@pytest.mark.fact(DELETE_POOL)
def test_delete_user_pool_removes_the_pool(cognito, check, make_user_pool):
    """DeleteUserPool answers an empty result; the pool is then unknown to DescribeUserPool and to a
    second DeleteUserPool (API reference, DeleteUserPool)."""
    created = make_user_pool()
    if not check.succeeded(created, DELETE_POOL, note="creating the pool to delete"):
        return
    pool_id = created.body["UserPool"]["Id"]
    deleted = cognito.delete_user_pool(UserPoolId=pool_id)
    if not check.succeeded(deleted, DELETE_POOL):
        return
    check.equal(deleted, "$", {}, DELETE_POOL, check="empty-result")
    gone = f"User pool {pool_id} does not exist."
    described = cognito.describe_user_pool(UserPoolId=pool_id)
    check.error(described, "ResourceNotFoundException", DELETE_POOL, message=gone, message_fact=UNKNOWN_POOL)
    again = cognito.delete_user_pool(UserPoolId=pool_id)
    check.error(again, "ResourceNotFoundException", DELETE_POOL, message=gone, message_fact=UNKNOWN_POOL)


@pytest.mark.kind("errors")
@pytest.mark.fact(DELETION_PROTECTION_REFUSES)
def test_delete_of_a_protected_pool_is_refused_and_the_pool_stays(cognito, check, make_user_pool):
    """A pool with DeletionProtection ACTIVE: DeleteUserPool is InvalidParameterException and the pool
    stays (developer guide, deletion protection); the test then lifts the protection to clean up."""
    created = make_user_pool(DeletionProtection="ACTIVE")
    if not check.succeeded(created, DELETION_PROTECTION_REFUSES, note="creating a protected pool"):
        return
    pool_id = created.body["UserPool"]["Id"]
    try:
        refused = cognito.delete_user_pool(UserPoolId=pool_id)
        check.error(refused, "InvalidParameterException", DELETION_PROTECTION_REFUSES)
        described = cognito.describe_user_pool(UserPoolId=pool_id)
        check.succeeded(described, DELETION_PROTECTION_REFUSES, note="the protected pool is still there")
    finally:
        # UpdateUserPool resets what it omits (§9): this lifts the protection, so the fixture can delete it.
        cognito.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
