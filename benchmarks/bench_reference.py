"""Median in-process latency of two typical calls: the reference endpoint vs in-process moto.

Both run through boto3 in the same process: the reference behind a ``before-send`` hook that
calls ``app.dispatch`` (no sockets), moto inside ``moto.mock_aws()``. The calls are
``admin_get_user`` and ``initiate_auth`` with ``USER_PASSWORD_AUTH``.

Usage: ``python benchmarks/bench_reference.py [--calls 300] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from conformance.reference import create_app

PASSWORD = "Bench-Passw0rd!"


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        data, self._data = self._data, b""
        return data


def _client(endpoint_url: str | None = None) -> Any:
    return boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def _reference_client() -> Any:
    app = create_app()
    client = _client("https://cognito-idp.reference.invalid")

    def before_send(request: Any, **_: Any) -> AWSResponse:
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        body = request.body or b""
        status, response_headers, payload = app.dispatch(
            headers.get("X-Amz-Target", ""), body if isinstance(body, bytes) else body.encode(), headers
        )
        return AWSResponse(request.url, status, response_headers, _RawBody(payload))

    client.meta.events.register("before-send.cognito-idp", before_send)
    return client


def _setup(cognito: Any) -> tuple[str, str]:
    pool_id = cognito.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="bench",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="bench-user", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username="bench-user", Password=PASSWORD, Permanent=True
    )
    return pool_id, client_id


def _median_ms(call: Callable[[], Any], calls: int) -> float:
    for _ in range(min(20, calls)):
        call()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _measure(cognito: Any, calls: int) -> dict[str, float]:
    pool_id, client_id = _setup(cognito)
    return {
        "admin_get_user": _median_ms(
            lambda: cognito.admin_get_user(UserPoolId=pool_id, Username="bench-user"), calls
        ),
        "initiate_auth USER_PASSWORD_AUTH": _median_ms(
            lambda: cognito.initiate_auth(
                ClientId=client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": "bench-user", "PASSWORD": PASSWORD},
            ),
            calls,
        ),
    }


def run(calls: int) -> dict[str, dict[str, float]]:
    """Median milliseconds per call for each target and operation."""
    results = {"reference": _measure(_reference_client(), calls)}
    import moto

    # moto reads fake credentials from the environment inside mock_aws.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with moto.mock_aws():
        results["moto"] = _measure(_client(), calls)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--calls", type=int, default=300, help="timed calls per operation (after 20 warm-up calls)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results = run(args.calls)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"median ms per call over {args.calls} calls (boto3, in-process)")
    print(f"{'operation':<36}{'reference':>12}{'moto':>12}")
    for operation in results["reference"]:
        print(f"{operation:<36}{results['reference'][operation]:>12.3f}{results['moto'][operation]:>12.3f}")


if __name__ == "__main__":
    main()
