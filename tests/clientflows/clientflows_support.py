"""Shared by the client-flow tests: node (skip or fail as CI asks) and fixture records of two endpoints."""

from __future__ import annotations

import os
import shutil

import pytest

from conformance.clientflows import FLOWS
from conformance.clientflows.expectations import judge, parse_expectations
from conformance.clientflows.records import ClientFlowRun, FlowResult
from conformance.clientflows.runner import npm_dir


def require_node() -> str:
    """node's path, with the npm packages installed; skips without them, fails when
    CONFORMANCE_REQUIRE_NODE=1 (CI), so the flows cannot silently stop running."""
    node = shutil.which("node")
    missing = [
        package
        for package in ("aws-amplify", "aws-jwt-verify", "amazon-cognito-identity-js")
        if not (npm_dir() / "node_modules" / package / "package.json").is_file()
    ]
    if node is None or missing:
        message = (
            "node is not on PATH"
            if node is None
            else f"npm packages missing: {missing} (npm ci --prefix tools/npm)"
        )
        if os.environ.get("CONFORMANCE_REQUIRE_NODE") == "1":
            pytest.fail(f"{message} (CONFORMANCE_REQUIRE_NODE=1)")
        pytest.skip(message)
    assert node is not None
    return node


#: An error text that tries to inject markup into the page: it must be shown escaped.
INJECTED = "NotAuthorizedException: <script>alert('flow')</script>"

_KNOWN = """
[[flow]]
id = "acij.sign-in-srp"
error = "User does not exist."
reason = "fixture: USER_ID_FOR_SRP is the sub (facts:auth.user-id-for-srp)"

[[flow]]
id = "jwt-verify.id-token"
error = "Invalid Cognito User Pool ID"
reason = "fixture: pool id form (facts:pools.id-format)"
"""


def fixture_runs() -> list[ClientFlowRun]:
    """Two judged runs: ``emu-a`` with a known failure, an unexpected one (its error text an injection
    attempt) and a vanished expectation; ``emu-b`` passing every flow."""
    failing = {"acij.sign-in-srp": "UserNotFoundException: User does not exist.", "amplify.refresh": INJECTED}
    results = []
    for flow in FLOWS:
        if flow.id in failing:
            results.append(FlowResult(flow.id, flow.client, "fail", error=failing[flow.id]))
        elif flow.client == "acij":
            results.append(
                FlowResult(flow.id, flow.client, "not-reached", error="not reached: acij.sign-in-srp failed")
            )
        else:
            results.append(FlowResult(flow.id, flow.client, "pass"))
    emu_a = ClientFlowRun("emu-a", "emu", "http://127.0.0.1:1", 100.0, {"aws-amplify": "6.22.1"}, results)
    judge(emu_a.results, parse_expectations(_KNOWN))
    emu_b = ClientFlowRun(
        "emu-b", "emu", "http://127.0.0.1:2", 100.0, {}, [FlowResult(f.id, f.client, "pass") for f in FLOWS]
    )
    return [emu_a, emu_b]
