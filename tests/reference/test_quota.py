"""Quota mode: Cognito's per-category request rates, and the category of each request (§11).

Run: ``pytest tests/reference/test_quota.py -q``.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from reference_support import in_process_client

from conformance.reference import ReferenceApp, create_app
from conformance.reference.clock import ManualClock
from conformance.reference.quota import QuotaLimiter


def error_code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return caught.value.response["Error"]["Code"]


def test_quota_mode_throttles_per_category(clock: ManualClock) -> None:
    cognito = in_process_client(create_app(clock=clock, quota=True))
    pool_id = cognito.create_user_pool(PoolName="q")["UserPool"]["Id"]
    for _ in range(15):  # UserPoolRead: 15 RPS (§11.1)
        cognito.describe_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as caught:
        cognito.list_user_pools(MaxResults=1)
    assert error_code(caught) == "TooManyRequestsException"
    assert caught.value.response["Error"]["Message"] == "Rate exceeded"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # Another category is unaffected.
    with pytest.raises(ClientError) as other:
        cognito.admin_get_user(UserPoolId=pool_id, Username="nobody")
    assert error_code(other) == "UserNotFoundException"
    clock.advance(1.0)
    cognito.describe_user_pool(UserPoolId=pool_id)


def test_quota_mode_caps_client_reads_per_pool(clock: ManualClock) -> None:
    cognito = in_process_client(create_app(clock=clock, quota=True))
    pools = [cognito.create_user_pool(PoolName=f"q{i}")["UserPool"]["Id"] for i in range(2)]
    clients = [
        cognito.create_user_pool_client(UserPoolId=p, ClientName="c")["UserPoolClient"]["ClientId"]
        for p in pools
    ]
    clock.advance(1.0)
    for _ in range(5):
        cognito.describe_user_pool_client(UserPoolId=pools[0], ClientId=clients[0])
    with pytest.raises(ClientError) as caught:
        cognito.describe_user_pool_client(UserPoolId=pools[0], ClientId=clients[0])
    assert error_code(caught) == "TooManyRequestsException"
    cognito.describe_user_pool_client(UserPoolId=pools[1], ClientId=clients[1])


def test_quota_is_off_by_default(app: ReferenceApp, cognito: Any) -> None:
    pool_id = cognito.create_user_pool(PoolName="q")["UserPool"]["Id"]
    for _ in range(40):
        cognito.describe_user_pool(UserPoolId=pool_id)


def test_new_password_answers_count_as_account_recovery() -> None:
    assert (
        QuotaLimiter.category("RespondToAuthChallenge", {"ChallengeName": "NEW_PASSWORD_REQUIRED"})
        == "UserAccountRecovery"
    )
    assert (
        QuotaLimiter.category("RespondToAuthChallenge", {"ChallengeName": "PASSWORD_VERIFIER"})
        == "UserAuthentication"
    )
