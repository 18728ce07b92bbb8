"""Pacing under Cognito's request-rate quotas, and the retry of a throttled call against AWS."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from conformance import calls
from conformance.budget import Caps, Meter
from conformance.calls import Cognito
from conformance.endpoints.reference import ReferenceEndpoint
from conformance.pacing import (
    CATEGORIES,
    PER_POOL_CATEGORIES,
    PER_POOL_QUOTA,
    PER_POOL_RPS,
    RATE_QUOTAS,
    Pacer,
    category_of,
)


def test_the_rates_are_the_catalogue_s() -> None:
    for category, (rps, _) in CATEGORIES.items():
        assert (
            f"{category} {rps}" in RATE_QUOTAS.statement or f"{category} {rps} RPS" in RATE_QUOTAS.statement
        )
    for category in PER_POOL_CATEGORIES:
        assert category in PER_POOL_QUOTA.statement
    assert f"{PER_POOL_RPS} RPS" in PER_POOL_QUOTA.statement


def test_a_new_password_answer_counts_as_account_recovery() -> None:
    assert category_of("RespondToAuthChallenge", {"ChallengeName": "NEW_PASSWORD_REQUIRED"}) == (
        "UserAccountRecovery"
    )
    assert (
        category_of("RespondToAuthChallenge", {"ChallengeName": "PASSWORD_VERIFIER"}) == "UserAuthentication"
    )
    assert category_of("SomethingNew", {}) == "Unlisted"


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_calls_of_one_category_are_spaced_at_the_share_of_its_rate(tmp_path: Path) -> None:
    fake = FakeTime()
    pacer = Pacer(tmp_path, "us-east-1", 0.5, clock=fake.clock, sleep=fake.sleep)
    for _ in range(4):
        pacer("CreateUserPool", {})  # UserPoolUpdate: 15 RPS, paced at 7.5
    assert fake.slept == pytest.approx([1 / 7.5] * 3)
    # Another category has its own bucket: no wait.
    pacer("AdminGetUser", {})
    assert len(fake.slept) == 3


def test_workers_draw_from_the_same_buckets(tmp_path: Path) -> None:
    fake = FakeTime()
    first = Pacer(tmp_path, "us-east-1", 0.5, clock=fake.clock, sleep=fake.sleep)
    second = Pacer(tmp_path, "us-east-1", 0.5, clock=fake.clock, sleep=lambda s: None)
    first("ListUsers", {})
    assert second("ListUsers", {}) == pytest.approx(1 / 15)  # UserList 30 RPS, paced at 15
    # ... but not another Region's.
    assert Pacer(tmp_path, "eu-west-1", 0.5, clock=fake.clock)("ListUsers", {}) == 0


def test_client_operations_are_capped_per_pool(tmp_path: Path) -> None:
    fake = FakeTime()
    pacer = Pacer(tmp_path, "us-east-1", 1.0, clock=fake.clock, sleep=fake.sleep)
    buckets = pacer.buckets("DescribeUserPoolClient", {"UserPoolId": "us-east-1_abcdefghi"})
    assert [rate for _, rate in buckets] == [15, 5]
    for _ in range(3):
        pacer("DescribeUserPoolClient", {"UserPoolId": "us-east-1_abcdefghi"})
    assert fake.slept == pytest.approx([1 / 5] * 2)  # the pool's 5 RPS, not the category's 15
    assert pacer("DescribeUserPoolClient", {"UserPoolId": "us-east-1_other0000"}) == pytest.approx(
        0, abs=1e-9
    )


def test_a_share_outside_zero_to_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="aws-rate-share"):
        Pacer(tmp_path, "us-east-1", 0)


_WORKER = """
import json, sys, time
from conformance.pacing import Pacer
pacer = Pacer(sys.argv[1], "us-east-1", 0.5)
stamps = []
for _ in range(int(sys.argv[2])):
    pacer("DescribeUserPool", {})
    stamps.append(time.time())
print(json.dumps(stamps))
"""


def test_two_processes_together_stay_within_the_paced_rate(tmp_path: Path) -> None:
    # UserPoolRead: 15 RPS, paced at 7.5; two processes of 8 calls each take about 2 s together.
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tmp_path), "8"], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    stamps = sorted(t for worker in workers for t in json.loads(worker.communicate(timeout=60)[0]))
    busiest = max(sum(1 for t in stamps if start <= t < start + 1.0) for start in stamps)
    assert busiest <= 7.5 + 1, f"{busiest} calls within one second"
    assert stamps[-1] - stamps[0] >= 15 / 7.5 - 0.1


def _throttle_first(count: int):
    """A client hook answering the first ``count`` calls with AWS's throttling answer (facts:protocol.throttled)."""
    left = [count]

    def hook(client: Any) -> None:
        def before_send(request: Any, **_: Any) -> AWSResponse | None:
            if left[0] <= 0:
                return None
            left[0] -= 1
            body = b'{"__type":"TooManyRequestsException","message":"Rate exceeded"}'
            headers = {"content-type": "application/x-amz-json-1.1", "content-length": str(len(body))}
            return AWSResponse(request.url, 400, headers, _Raw(body))

        client.meta.events.register_first("before-send.cognito-idp", before_send)

    return hook


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        data, self._data = self._data, b""
        return data


@pytest.mark.parametrize("retries_throttling", [True, False])
def test_a_throttled_call_is_retried_and_counted_only_where_the_endpoint_is_aws(
    retries_throttling: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calls, "THROTTLE_PAUSES", (0.0, 0.0, 0.0, 0.0))
    endpoint = ReferenceEndpoint()
    endpoint.start()
    endpoint.retries_throttling = retries_throttling  # type: ignore[misc]
    endpoint.client_hooks.insert(0, _throttle_first(2))  # before the reference answers
    cognito = Cognito(endpoint)
    meter = Meter(tmp_path, Caps())
    cognito.meters.append(meter)
    paced: list[str] = []
    cognito.pacer = lambda operation, params: paced.append(operation)
    answer = cognito.list_user_pools(MaxResults=10)
    figures = meter.figures()
    if retries_throttling:
        assert answer.ok and answer.exchange.retries == 2
        assert paced == ["ListUserPools"] * 3  # every attempt waits for its slot
        assert figures["calls"] == 3 and figures["throttle_retries"] == 2
    else:
        # A local endpoint's throttle is an answer to check, sent once.
        assert answer.error_code == "TooManyRequestsException" and answer.exchange.retries == 0
        assert figures["calls"] == 1 and figures["throttle_retries"] == 0


def test_pacing_on_for_a_local_run_paces_its_calls(tmp_path: Path) -> None:
    from conformance import __file__ as package

    suite = Path(package).parent / "suite" / "test_pools.py"
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"{suite}::test_list_user_pools_pages_to_exhaustion",
            "--endpoint=reference",
            "--pacing=on",
            "--aws-rate-share=0.2",
            f"--reports-dir={tmp_path / 'reports'}",
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"paced at 20% of Cognito's default request rates in us-east-1", result.stdout)
    # The test creates pools and pages through them (UserPoolUpdate and UserPoolRead, 3 RPS each at 20%).
    assert time.monotonic() - started > 1.0
    assert not (tmp_path / "reports" / ".spending").exists()


def test_a_call_throttled_past_every_pause_ends_unanswered_not_divergent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calls, "THROTTLE_PAUSES", (0.0, 0.0))
    endpoint = ReferenceEndpoint()
    endpoint.start()
    endpoint.retries_throttling = True  # type: ignore[misc]
    endpoint.client_hooks.insert(0, _throttle_first(10))
    cognito = Cognito(endpoint)
    meter = Meter(tmp_path, Caps())
    cognito.meters.append(meter)
    with pytest.raises(calls.NoAnswer, match="still TooManyRequestsException after 2 retries"):
        cognito.list_user_pools(MaxResults=10)
    assert meter.figures()["calls"] == 3 and meter.figures()["throttle_retries"] == 2


def test_pacing_and_the_reference_quotas_agree_on_every_operation_the_harness_calls():
    # The two tables state the same AWS facts (facts:protocol.rate-quotas) on either side of the
    # oracle/reference line; an operation added to one and not the other would be paced in the wrong
    # bucket on AWS, or throttled differently by the stand-in.
    from conformance.areas import AREAS
    from conformance.pacing import CATEGORIES as PACED
    from conformance.reference.quota import CATEGORIES as ENFORCED

    paced = {op: (name, rate) for name, (rate, ops) in PACED.items() for op in ops}
    enforced = {op: (name, rate) for name, (rate, ops) in ENFORCED.items() for op in ops}
    operations = {op for _, ops in AREAS.values() for op in ops}
    disagree = {
        op: (paced.get(op), enforced.get(op)) for op in operations if paced.get(op) != enforced.get(op)
    }
    assert not disagree
