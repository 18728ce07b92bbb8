"""Run the client flows against one endpoint: set up, drive each client's Node script, judge, record."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from conformance.clientflows.catalogue import CLIENTS, flows_of
from conformance.clientflows.expectations import judge, load_expectations
from conformance.clientflows.provision import provision, teardown
from conformance.clientflows.records import ClientFlowRun, FlowResult

NODE_DIR = Path(__file__).resolve().parent / "node"
#: How long one client's script may take (Amplify's seven steps take about 5 s on the CI machine).
SCRIPT_SECONDS = 60.0


class ClientFlowsUnavailable(RuntimeError):
    """Node or the npm packages are missing: the flows cannot run at all (a usage error, not a result)."""


def npm_dir() -> Path:
    """Where the npm packages are: ``CONFORMANCE_NPM_DIR``, else the checkout's ``tools/npm``."""
    configured = os.environ.get("CONFORMANCE_NPM_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "tools" / "npm"


def client_versions(clients: list[str]) -> dict[str, str]:
    """npm package -> installed version; raises :class:`ClientFlowsUnavailable` for a missing one."""
    versions = {}
    for name in clients:
        package = CLIENTS[name].package
        manifest = npm_dir() / "node_modules" / package / "package.json"
        if not manifest.is_file():
            raise ClientFlowsUnavailable(
                f"{package} is not installed under {npm_dir()}: run `npm ci --prefix tools/npm`"
            )
        versions[package] = str(json.loads(manifest.read_text(encoding="utf-8")).get("version", "?"))
    return versions


def run_script(client: str, payload: dict, node: str) -> list[FlowResult]:
    """Drive one client's script; a script that breaks gives every one of its flows ``harness-error``."""
    flows = flows_of(client)
    env = {**os.environ, "CLIENTFLOWS_NPM_DIR": str(npm_dir())}
    try:
        done = subprocess.run(
            [node, str(NODE_DIR / CLIENTS[client].script)],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=SCRIPT_SECONDS,
            env=env,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        answer = json.loads(lines[-1]) if lines else {"error": f"no output; stderr: {done.stderr[-500:]}"}
    except subprocess.TimeoutExpired:
        answer = {"error": f"the script did not finish within {SCRIPT_SECONDS:.0f} s"}
    except ValueError as error:
        answer = {"error": f"the script printed no JSON ({error})"}
    if "results" not in answer:
        reason = f"{CLIENTS[client].script} failed: {answer.get('error', answer)}"
        return [FlowResult(flow.id, client, "harness-error", error=reason) for flow in flows]
    by_id = {str(r.get("flow")): r for r in answer["results"] if isinstance(r, dict)}
    results = []
    for flow in flows:
        record = by_id.get(flow.id)
        if record is None:
            results.append(
                FlowResult(flow.id, client, "harness-error", error="the script did not report this flow")
            )
        elif record.get("ok"):
            results.append(FlowResult(flow.id, client, "pass", observed=dict(record.get("observed") or {})))
        else:
            outcome = "fail" if record.get("reached", True) else "not-reached"
            results.append(FlowResult(flow.id, client, outcome, error=str(record.get("error", ""))))
    return results


def run_client_flows(endpoint, clients: list[str] | None = None) -> ClientFlowRun:
    """Run ``clients``' flows (all by default) against a started HTTP ``endpoint``; the judged run.

    Raises:
        ClientFlowsUnavailable: no node, no npm packages, or an endpoint without a URL.
        conformance.clientflows.provision.SetupError: the endpoint refused a setup call.
    """
    clients = list(clients or CLIENTS)
    if not endpoint.url:
        raise ClientFlowsUnavailable(
            f"endpoint {endpoint.spec!r} has no URL: the clients run in Node and need an HTTP endpoint"
        )
    node = shutil.which("node")
    if node is None:
        raise ClientFlowsUnavailable("node is not on PATH: the clients run in Node")
    run = ClientFlowRun(
        endpoint=endpoint.label,
        implementation=endpoint.implementation,
        url=endpoint.url,
        started=time.time(),
        clients=client_versions(clients),
    )
    provisioned = provision(endpoint, clients)
    try:
        for client in clients:
            run.results.extend(run_script(client, provisioned.script_input(client, endpoint.url), node))
    finally:
        teardown(endpoint, provisioned.pool_id)
    judge(run.results, load_expectations(endpoint.implementation))
    return run
