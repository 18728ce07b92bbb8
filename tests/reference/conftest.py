"""Fixtures for the reference endpoint's unit tests: boto3 clients answered in-process, no sockets.

Run: ``/tmp/venv/bin/pytest tests/reference -q`` (``-k srp``, ``-k device``... for a subset).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from reference_support import PASSWORD, in_process_client

from conformance.reference import ReferenceApp, create_app
from conformance.reference.clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_760_000_000.0)


@pytest.fixture
def app(clock: ManualClock) -> ReferenceApp:
    return create_app(clock=clock)


@pytest.fixture
def cognito(app: ReferenceApp) -> Any:
    return in_process_client(app)


@pytest.fixture
def pool_id(cognito: Any) -> str:
    return cognito.create_user_pool(PoolName="reference-unit")["UserPool"]["Id"]


@pytest.fixture
def make_client(cognito: Any, pool_id: str) -> Callable[..., dict[str, Any]]:
    def make(**settings: Any) -> dict[str, Any]:
        settings.setdefault(
            "ExplicitAuthFlows",
            [
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
                "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            ],
        )
        return cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="unit", **settings)[
            "UserPoolClient"
        ]

    return make


@pytest.fixture
def client_id(make_client: Callable[..., dict[str, Any]]) -> str:
    return make_client()["ClientId"]


@pytest.fixture
def confirmed_user(cognito: Any, pool_id: str) -> str:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="alice",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    return "alice"
