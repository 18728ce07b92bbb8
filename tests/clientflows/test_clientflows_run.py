"""The client flows driven for real: AWS's clients in Node against the reference served over HTTP.

Needs node and ``tools/npm/node_modules``; skips without them unless CONFORMANCE_REQUIRE_NODE=1.
The reference must pass every flow; the one exception, Amplify's refresh with
GetTokensFromRefreshToken, is an entry in conformance/clientflows/expectations/reference.toml.

Run: ``pytest tests/clientflows/test_clientflows_run.py -q``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
from collections.abc import Iterator

import pytest
from clientflows_support import require_node

from conformance.clientflows import FLOWS, RECORD_FILE
from conformance.clientflows.runner import ClientFlowsUnavailable, run_client_flows
from conformance.endpoints import parse
from conformance.reference.child import served

pytestmark = pytest.mark.needs_node


@pytest.fixture(scope="module")
def reference_url() -> Iterator[str]:
    require_node()
    with served("--manual-clock") as url:
        yield url


@pytest.fixture
def endpoint(reference_url):
    endpoint = parse(reference_url)
    endpoint.start()
    yield endpoint
    endpoint.stop()


def test_the_reference_passes_every_client_flow(endpoint):
    run = run_client_flows(endpoint)
    outcomes = {r.flow: (r.outcome, r.verdict, r.error) for r in run.results}
    assert [r.flow for r in run.results] == [f.id for f in FLOWS]
    assert run.status == "pass", outcomes
    gaps = {flow: o for flow, o in outcomes.items() if o[0] != "pass"}
    # Until the reference implements GetTokensFromRefreshToken, Amplify's refresh is its one known gap;
    # when it does, the entry vanishes and this run fails until the entry is removed.
    assert set(gaps) <= {"amplify.refresh"}, gaps
    for flow, (_, verdict, error) in gaps.items():
        assert verdict == "known" and "GetTokensFromRefreshToken" in error, (flow, error)
    assert set(run.clients) == {"aws-amplify", "amazon-cognito-identity-js", "aws-jwt-verify"}


def test_an_endpoint_that_serves_no_key_set_fails_the_verifier_flows_with_the_reason(endpoint, monkeypatch):
    def no_key_set(pool_id, issuer=None):
        raise urllib.error.HTTPError(
            f"{endpoint.url}/{pool_id}/.well-known/jwks.json", 404, "Not Found", {}, None
        )

    monkeypatch.setattr(endpoint, "jwks", no_key_set)
    run = run_client_flows(endpoint, ["jwt-verify"])
    assert [(r.flow, r.outcome, r.verdict) for r in run.results] == [
        ("jwt-verify.id-token", "fail", "unexpected"),
        ("jwt-verify.access-token", "fail", "unexpected"),
    ]
    assert all("no key set" in r.error and "HTTP Error 404" in r.error for r in run.results)
    assert run.status == "fail"


def test_a_token_from_another_issuer_is_refused_by_the_verifier(endpoint, monkeypatch):
    # The reference's tokens name AWS's issuer for the pool; the same tokens checked as another
    # pool's must be refused by aws-jwt-verify with its own error text, and counted as a failure.
    from conformance.clientflows import provision as provision_module

    real = provision_module.Provisioned.script_input

    def other_pool(self, client, url):
        payload = real(self, client, url)
        payload["userPoolId"] = "us-east-1_AAAAAAAAA"
        return payload

    monkeypatch.setattr(provision_module.Provisioned, "script_input", other_pool)
    run = run_client_flows(endpoint, ["jwt-verify"])
    assert all(r.outcome == "fail" for r in run.results)
    assert all("issuer not configured" in r.error for r in run.results), [r.error for r in run.results]


def test_missing_npm_packages_are_a_usage_error(endpoint, monkeypatch, tmp_path):
    monkeypatch.setenv("CONFORMANCE_NPM_DIR", str(tmp_path))
    with pytest.raises(ClientFlowsUnavailable, match="npm ci --prefix tools/npm"):
        run_client_flows(endpoint)


def test_the_command_writes_the_record_and_exits_by_the_verdict(reference_url, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.clientflows",
            "run",
            "--endpoint",
            reference_url,
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((tmp_path / RECORD_FILE).read_text())
    assert record["endpoint"] == "reference-server" and record["status"] == "pass"
    assert "client flows against reference-server" in done.stdout


def test_an_endpoint_without_a_url_is_refused_with_exit_status_2(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.clientflows",
            "run",
            "--endpoint",
            "reference",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "has no URL" in done.stderr
    assert not (tmp_path / RECORD_FILE).exists()
