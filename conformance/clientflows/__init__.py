"""Client flows: the clients AWS publishes, driven from Node against an endpoint, as judges of its protocol.

The suite judges an endpoint by what our own oracle predicts; a client flow judges it by whether
AWS's own code works against it. Each flow is one named step of one client (Amplify JS v6,
amazon-cognito-identity-js, aws-jwt-verify), listed in :data:`~conformance.clientflows.catalogue.FLOWS`
with the fact it rests on. Python sets up the pool, client and users with boto3 against the
endpoint (:mod:`~conformance.clientflows.provision`); a Node script per client drives the flows and
prints JSON (``node/``); the results are judged against the endpoint's known client-flow failures
(:mod:`~conformance.clientflows.expectations`) and written as one record file
(:mod:`~conformance.clientflows.records`), which the compatibility matrix shows as its own section.

Run: ``python -m conformance.clientflows run --endpoint http://127.0.0.1:PORT --out DIR``.
"""

from __future__ import annotations

from conformance.clientflows.catalogue import CLIENTS, FLOWS, ClientFlow, flow_by_id
from conformance.clientflows.records import RECORD_FILE, ClientFlowRun, FlowResult, load_client_flow_runs

__all__ = [
    "CLIENTS",
    "FLOWS",
    "RECORD_FILE",
    "ClientFlow",
    "ClientFlowRun",
    "FlowResult",
    "flow_by_id",
    "load_client_flow_runs",
]
