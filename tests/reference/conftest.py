"""Fixtures for the reference endpoint's unit tests: boto3 clients answered in-process, no sockets.

Run: ``pytest tests/reference -q`` (``-k srp``, ``-k device``... for a subset).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from reference_support import PASSWORD, in_process_client, spec_problems

from conformance.reference import ReferenceApp
from conformance.reference.clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_760_000_000.0)


class RecordingApp(ReferenceApp):
    """The reference, remembering every API answer so each test's responses can be checked against specs/."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answers: list[tuple[str, int, bytes]] = []

    def dispatch(
        self, target: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        status, response_headers, payload = super().dispatch(target, body, headers)
        self.answers.append((target.rsplit(".", 1)[-1], status, payload))
        return status, response_headers, payload


@pytest.fixture
def app(clock: ManualClock) -> Iterator[ReferenceApp]:
    """A fresh reference whose every answer must match the committed specs/ schemas."""
    recording = RecordingApp(clock=clock)
    yield recording
    problems = [p for answer in recording.answers for p in spec_problems(*answer)]
    assert not problems, "responses that break specs/:\n" + "\n".join(problems)


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
