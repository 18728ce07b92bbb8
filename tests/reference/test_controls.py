"""The test controls (``/reference-api``), the clocks, reset, and the app's name and version.

Run: ``pytest tests/reference/test_controls.py -q``.
"""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD, in_process_client

from conformance.reference import ReferenceApp, create_app
from conformance.reference.clock import ManualClock, OffsetClock


def test_confirmation_code_and_clock_controls_over_wsgi() -> None:
    app = create_app(clock=OffsetClock())
    cognito = in_process_client(app)
    pool_id = cognito.create_user_pool(PoolName="w")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    cognito.sign_up(ClientId=client_id, Username="zed", Password=PASSWORD)

    def wsgi(method: str, path: str, query: str = "") -> tuple[str, Any]:
        seen: dict[str, str] = {}
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "wsgi.input": io.BytesIO(),
        }
        body = b"".join(app(environ, lambda status, headers: seen.setdefault("status", status)))
        return seen["status"], json.loads(body)

    status, body = wsgi("GET", "/reference-api/confirmation-code", f"poolId={pool_id}&username=zed")
    assert status.startswith("200")
    cognito.confirm_sign_up(ClientId=client_id, Username="zed", ConfirmationCode=body["code"])
    before = app.clock.now()
    status, body = wsgi("POST", "/reference-api/clock/advance", "seconds=3600")
    assert status.startswith("200") and body["now"] >= before + 3600
    assert wsgi("POST", "/reference-api/clock/advance", "seconds=-1")[0].startswith("400")
    frozen = create_app()
    seen: dict[str, str] = {}
    frozen(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/reference-api/clock/advance",
            "QUERY_STRING": "seconds=1",
            "wsgi.input": io.BytesIO(),
        },
        lambda status, headers: seen.setdefault("status", status),
    )
    assert seen["status"].startswith("404")


def test_clocks() -> None:
    manual = ManualClock(start=100.0)
    assert manual.now() == 100.0 and manual.advance(5) == 105.0
    with pytest.raises(ValueError):
        manual.advance(-1)
    offset = OffsetClock()
    first = offset.now()
    offset.advance(60)
    assert offset.now() - first >= 60 and abs(first - time.time()) < 5


def test_reset_forgets_everything(app: ReferenceApp, cognito: Any, pool_id: str) -> None:
    app.reset()
    with pytest.raises(ClientError) as caught:
        cognito.describe_user_pool(UserPoolId=pool_id)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_reference_app_version_and_name(app: ReferenceApp) -> None:
    assert app.version and app.name == "cognito-conformance-reference"
