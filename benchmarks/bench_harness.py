"""The harness's overhead per call: raw boto3 vs. the conformance client (capture + wire + schema checks).

Both sides call the same in-process moto; the goal is at most 1.2x the raw call.

    python benchmarks/bench_harness.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import statistics
import time

from conformance.calls import Cognito
from conformance.checks import Recorder
from conformance.endpoints import parse


def _median_us(fn, calls: int) -> float:
    for _ in range(50):  # warm caches (validators, shapes) before measuring
        fn()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()

    endpoint = parse("moto")
    endpoint.start()
    try:
        raw = endpoint.make_client()
        pool_id = raw.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        client_id = raw.create_user_pool_client(UserPoolId=pool_id, ClientName="bench")["UserPoolClient"][
            "ClientId"
        ]
        raw.admin_create_user(UserPoolId=pool_id, Username="bench-user")

        cognito = Cognito(endpoint)
        recorder = Recorder("moto", "bench")
        cognito.observer = recorder.observe

        cases = {
            "DescribeUserPool": (
                lambda: raw.describe_user_pool(UserPoolId=pool_id),
                lambda: cognito.describe_user_pool(UserPoolId=pool_id),
            ),
            "DescribeUserPoolClient": (
                lambda: raw.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
                lambda: cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
            ),
            "AdminGetUser": (
                lambda: raw.admin_get_user(UserPoolId=pool_id, Username="bench-user"),
                lambda: cognito.admin_get_user(UserPoolId=pool_id, Username="bench-user"),
            ),
        }
        print(f"{'operation':<24}{'raw boto3 (us)':>16}{'harness (us)':>16}{'ratio':>8}")
        for name, (plain, checked) in cases.items():
            base = _median_us(plain, args.calls)
            cognito.log.clear()
            harnessed = _median_us(lambda call=checked: (call(), cognito.log.clear()), args.calls)
            print(f"{name:<24}{base:>16.0f}{harnessed:>16.0f}{harnessed / base:>8.2f}")
    finally:
        endpoint.stop()


if __name__ == "__main__":
    main()
