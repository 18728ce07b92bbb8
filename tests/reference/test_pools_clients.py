"""User pools and app clients: defaults, update resets, ids (docs/facts.md §9, §12.5, §12.7).

Run: ``pytest tests/reference/test_pools_clients.py -q``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_pool_defaults(cognito: Any) -> None:
    pool = cognito.create_user_pool(PoolName="defaults")["UserPool"]
    assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool["Id"])
    assert pool["Arn"] == f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool['Id']}"
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 8,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 7,
    }
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["EstimatedNumberOfUsers"] == 0
    assert "DeviceConfiguration" not in pool
    names = [a["Name"] for a in pool["SchemaAttributes"]]
    assert names[:3] == ["sub", "name", "given_name"] and "updated_at" in names


def test_update_user_pool_resets_omitted_settings(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName="p",
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True},
        MfaConfiguration="OFF",
        Policies={"PasswordPolicy": {"MinimumLength": 12}},
    )["UserPool"]["Id"]
    cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert "DeviceConfiguration" not in pool
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert pool["AutoVerifiedAttributes"] == ["email"]


def test_deletion_protection_blocks_delete(cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="p", DeletionProtection="ACTIVE")["UserPool"]["Id"]
    with pytest.raises(ClientError) as caught:
        cognito.delete_user_pool(UserPoolId=pool_id)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    cognito.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    cognito.delete_user_pool(UserPoolId=pool_id)


def test_list_user_pools_pages_without_duplicates(cognito: Any) -> None:
    created = {cognito.create_user_pool(PoolName=f"p{i}")["UserPool"]["Id"] for i in range(5)}
    seen: list[str] = []
    token = None
    while True:
        page = cognito.list_user_pools(MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["UserPools"]) <= 2
        seen += [p["Id"] for p in page["UserPools"]]
        assert set(page["UserPools"][0]) == {"Id", "Name", "LambdaConfig", "LastModifiedDate", "CreationDate"}
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(created)


def test_api_created_client_shape(cognito: Any, pool_id: str) -> None:
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]
    )["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{26}", client["ClientId"])
    # §12.5 (settled): these defaults, and no PreventUserExistenceErrors / validity members echoed.
    assert client["AuthSessionValidity"] == 3 and client["RefreshTokenValidity"] == 30
    assert client["EnableTokenRevocation"] is True and client["AllowedOAuthFlowsUserPoolClient"] is False
    for absent in (
        "AccessTokenValidity",
        "IdTokenValidity",
        "PreventUserExistenceErrors",
        "TokenValidityUnits",
        "ClientSecret",
    ):
        assert absent not in client
    assert client["ExplicitAuthFlows"] == ["ADMIN_NO_SRP_AUTH"]


def test_generated_secret_and_update_reset(cognito: Any, pool_id: str) -> None:
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", GenerateSecret=True, PreventUserExistenceErrors="ENABLED"
    )["UserPoolClient"]
    assert re.fullmatch(r"[\w+]{24,64}", client["ClientSecret"])
    updated = cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client["ClientId"], ClientName="c2"
    )["UserPoolClient"]
    assert updated["ClientSecret"] == client["ClientSecret"]
    assert "PreventUserExistenceErrors" not in updated
    assert (
        cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])["UserPoolClient"][
            "ClientName"
        ]
        == "c2"
    )


def test_mixing_legacy_and_allow_flows_is_refused(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as caught:
        cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="c",
            ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"],
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_deleted_client_is_gone(cognito: Any, pool_id: str, client_id: str) -> None:
    cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as caught:
        cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert caught.value.response["Error"]["Message"] == f"User pool client {client_id} does not exist."
