"""The reference's message outbox (reference/outbox.py): what it would have e-mailed or texted.

Run: ``pytest tests/reference/test_reference_outbox.py -q``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from reference_support import PASSWORD

from conformance.reference import ReferenceApp
from conformance.reference.outbox import Outbox


def _email_pool(cognito: Any) -> tuple[str, str]:
    pool_id = cognito.create_user_pool(PoolName="p", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    return pool_id, client_id


def test_sign_up_puts_the_confirmation_code_in_the_outbox(app: ReferenceApp, cognito: Any) -> None:
    pool_id, client_id = _email_pool(cognito)
    attributes = [{"Name": "email", "Value": "dora@example.com"}]
    cognito.sign_up(ClientId=client_id, Username="dora", Password=PASSWORD, UserAttributes=attributes)
    [message] = app.outbox_messages(pool_id, "dora")
    assert message["purpose"] == "sign-up" and message["channel"] == "EMAIL"
    assert message["destination"] == "dora@example.com" and message["attribute"] == "email"
    assert message["code"] == app.confirmation_code(pool_id, "dora")
    cognito.resend_confirmation_code(ClientId=client_id, Username="dora")
    assert [m["purpose"] for m in app.outbox_messages(pool_id, "dora")] == ["sign-up", "sign-up"]
    cognito.confirm_sign_up(
        ClientId=client_id, Username="dora", ConfirmationCode=app.outbox_messages(pool_id, "dora")[-1]["code"]
    )
    assert cognito.admin_get_user(UserPoolId=pool_id, Username="dora")["UserStatus"] == "CONFIRMED"


def test_no_delivery_means_no_message(app: ReferenceApp, cognito: Any, pool_id: str, client_id: str) -> None:
    """A pool that verifies nothing reports no CodeDeliveryDetails, and so sends nothing."""
    cognito.sign_up(ClientId=client_id, Username="ed", Password=PASSWORD)
    assert app.outbox_messages(pool_id, "ed") == []


def test_outbox_over_http_and_forgotten_with_the_pool(app: ReferenceApp, cognito: Any) -> None:
    pool_id, client_id = _email_pool(cognito)
    attributes = [{"Name": "email", "Value": "fay@example.com"}]
    cognito.sign_up(ClientId=client_id, Username="fay", Password=PASSWORD, UserAttributes=attributes)
    status, _, body = app.get(f"/reference-api/outbox?poolId={pool_id}&username=fay")
    assert status == 200 and [m["username"] for m in json.loads(body)["messages"]] == ["fay"]
    cognito.delete_user_pool(UserPoolId=pool_id)
    assert app.outbox_messages(pool_id) == []


def test_outbox_refuses_an_unknown_purpose() -> None:
    with pytest.raises(ValueError, match="purpose"):
        Outbox().deliver(
            user_pool_id="p",
            username="u",
            channel="EMAIL",
            destination="d",
            purpose="spam",
            code="1",
            sent_at=0,
        )
