"""``python -m conformance.clientflows run --endpoint URL --out DIR``: the client flows against one endpoint.

Writes ``DIR/client-flows.json`` and prints one line per flow. Exit status: 0 when every failure is a
known one and no known one vanished, 1 otherwise, 2 when the flows cannot run (no node, no npm
packages, an endpoint that is not a URL, a setup call refused).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.clientflows.catalogue import CLIENTS
from conformance.clientflows.expectations import ExpectationError
from conformance.clientflows.provision import SetupError
from conformance.clientflows.records import write_run
from conformance.clientflows.runner import ClientFlowsUnavailable, run_client_flows
from conformance.endpoints import EndpointError, parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.clientflows", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the client flows against one endpoint")
    run.add_argument("--endpoint", required=True, help="an HTTP endpoint, e.g. http://127.0.0.1:9229")
    run.add_argument("--out", type=Path, required=True, help="the folder to write client-flows.json to")
    run.add_argument(
        "--client", action="append", choices=sorted(CLIENTS), help="only these clients (repeatable)"
    )
    args = parser.parse_args(argv)

    try:
        endpoint = parse(args.endpoint)
        endpoint.start()
        try:
            result = run_client_flows(endpoint, args.client)
        finally:
            endpoint.stop()
    except (EndpointError, ClientFlowsUnavailable, SetupError, ExpectationError) as error:
        print(f"client flows: {error}", file=sys.stderr)
        return 2
    path = write_run(result, args.out)
    print(f"client flows against {result.endpoint} ({result.url}): {result.status}")
    for flow in result.results:
        detail = f" - {flow.error}" if flow.error else ""
        print(f"  {flow.verdict:<10} {flow.outcome:<13} {flow.flow}{detail}")
    print(f"record: {path}")
    return 0 if result.status == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
