"""The official client, amazon-cognito-identity-js, signs in against the reference over HTTP.

ACIJ runs its own SRP, ConfirmDevice, device SRP, refresh and sign-out code (docs/facts.md §1,
§2, §4, §6) against a reference served on 127.0.0.1 in a thread of this process, so the test can
also see which challenges the exchange went through. Needs node and ``tools/npm/node_modules``;
skips without them unless CONFORMANCE_REQUIRE_NODE=1.

Run: ``pytest tests/reference/test_official_client.py -q``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import boto3
import pytest
from reference_support import PASSWORD

from conformance.reference import ReferenceApp
from conformance.reference.__main__ import _KeepAliveHandler, _ThreadingWSGIServer

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LIBRARY = REPO / "tools" / "npm" / "node_modules" / "amazon-cognito-identity-js"


class ChallengeRecordingApp(ReferenceApp):
    """Remembers each operation and the challenge it answered with."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.steps: list[tuple[str, str | None]] = []

    def dispatch(
        self, target: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        status, response_headers, payload = super().dispatch(target, body, headers)
        self.steps.append((target.rsplit(".", 1)[-1], json.loads(payload).get("ChallengeName")))
        return status, response_headers, payload


@pytest.fixture
def served_app() -> Iterator[tuple[str, ChallengeRecordingApp]]:
    app = ChallengeRecordingApp()
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_KeepAliveHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", app
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (LIBRARY / "package.json").is_file():
        message = (
            "node or tools/npm/node_modules/amazon-cognito-identity-js is missing (npm ci --prefix tools/npm)"
        )
        if os.environ.get("CONFORMANCE_REQUIRE_NODE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return node


@pytest.mark.needs_node
def test_official_client_srp_device_refresh_and_sign_out(
    served_app: tuple[str, ChallengeRecordingApp],
) -> None:
    node = _node()
    url, app = served_app
    cognito = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool_id = cognito.create_user_pool(
        PoolName="acij", DeviceConfiguration={"DeviceOnlyRememberedOnUserPrompt": True}
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="acij")["UserPoolClient"][
        "ClientId"
    ]
    cognito.admin_create_user(UserPoolId=pool_id, Username="acij-user", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username="acij-user", Password=PASSWORD, Permanent=True
    )
    app.steps.clear()
    completed = subprocess.run(
        [node, str(HERE / "node" / "official_client.js"), url, pool_id, client_id, "acij-user", PASSWORD],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COGNITO_JS_DIR": str(LIBRARY)},
        check=False,
    )
    observed = json.loads(completed.stdout or "{}")
    assert completed.returncode == 0, observed.get("error") or completed.stderr[-2000:]
    assert observed["userConfirmationNecessary"] is True  # an opt-in pool (§2 [BC])
    assert observed["sameDeviceKey"] and observed["secondDeviceKeyClaim"] == observed["deviceKey"]
    assert observed["refreshed"] and observed["refreshedOriginJti"]
    assert observed["listedDevices"] == [observed["deviceKey"]]
    assert observed["refreshAfterSignOut"] == "NotAuthorizedException: Refresh Token has been revoked"
    challenges = [challenge for _, challenge in app.steps if challenge]
    assert challenges == [
        "PASSWORD_VERIFIER",
        "PASSWORD_VERIFIER",
        "DEVICE_SRP_AUTH",
        "DEVICE_PASSWORD_VERIFIER",
    ]
    assert [op for op, _ in app.steps].count("ConfirmDevice") == 1
