"""What a run may spend against AWS and what it spent: calls, pools, monthly active users, cost."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import conformance
from conformance import profiles
from conformance.budget import DEFAULT_MAX_MAU, ESSENTIALS_MAU_USD, MAU_PRICE, Caps, Meter, estimated_cost

SUITE = Path(conformance.__file__).parent / "suite"


@dataclass
class Answer:
    operation: str
    params: dict[str, Any]
    body: Any = field(default_factory=dict)
    ok: bool = True
    exchange: Any = None


def test_the_meter_counts_calls_pools_and_distinct_active_users(tmp_path: Path) -> None:
    meter = Meter(tmp_path, Caps())
    meter(Answer("CreateUserPool", {"PoolName": "p"}, {"UserPool": {"Id": "us-east-1_aaaaaaaaa"}}))
    meter(
        Answer(
            "CreateUserPoolClient",
            {"UserPoolId": "us-east-1_aaaaaaaaa"},
            {"UserPoolClient": {"ClientId": "c1", "UserPoolId": "us-east-1_aaaaaaaaa"}},
        )
    )
    meter(Answer("AdminCreateUser", {"UserPoolId": "us-east-1_aaaaaaaaa", "Username": "ann"}))
    # The same user signing in through the pool's client is the same MAU (facts:protocol.mau-billing).
    meter(Answer("InitiateAuth", {"ClientId": "c1", "AuthParameters": {"USERNAME": "ann"}}))
    meter(Answer("SignUp", {"ClientId": "c1", "Username": "bob"}))
    meter(Answer("AdminCreateUser", {"UserPoolId": "us-east-1_aaaaaaaaa", "Username": "cy"}, ok=False))
    figures = meter.figures()
    assert figures == {
        "calls": 6,
        "throttle_retries": 0,
        "pools": 1,
        "mau": 2,
        "estimated_cost_usd": estimated_cost(2),
    }
    assert estimated_cost(2) == pytest.approx(2 * ESSENTIALS_MAU_USD)
    assert "$0.015" in MAU_PRICE.statement


def test_a_cap_reached_says_which(tmp_path: Path) -> None:
    meter = Meter(tmp_path, Caps(max_calls=2))
    assert meter.exhausted() == ""
    meter(Answer("ListUserPools", {}))
    meter(Answer("ListUserPools", {}))
    assert meter.exhausted() == "budget: calls cap reached (2 of 2)"
    assert "calls at most 2, pools no cap, MAU no cap" in meter.plan()


def test_the_aws_budget_profile_caps_the_run() -> None:
    row = profiles.PROFILES["aws-budget"]
    assert row.max_calls and row.max_pools
    assert profiles.PROFILES["ci"].max_calls is None
    assert DEFAULT_MAX_MAU == 25


def test_a_run_over_budget_skips_the_rest_and_prints_its_figures(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(SUITE / "test_users.py"),
            "--endpoint=reference",
            "--aws-max-mau=2",
            f"--reports-dir={reports}",
            "-p",
            "no:cacheprovider",
            "-rs",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    out = result.stdout
    assert "conformance: budget: calls no cap, pools no cap, MAU at most 2" in out
    assert "budget: MAU cap reached (2 of 2)" in out
    assert "skipped" in out.splitlines()[-1]
    run = json.loads((reports / "run.json").read_text())
    budget = run["budget"]
    assert budget["mau"] == 2 and budget["calls"] > 0 and budget["pools"] >= 1
    assert f"budget: {budget['calls']} calls (0 throttling retries), {budget['pools']} pools, 2 MAU" in out
    assert not (reports / ".spending").exists()


def test_caps_on_aws_come_from_the_options_then_the_profile() -> None:
    row = profiles.PROFILES["aws-budget"]
    assert Caps.for_run(None, None, None, aws=True, profile=row) == Caps(row.max_calls, row.max_pools, 25)
    assert Caps.for_run(10, None, 3, aws=True, profile=row) == Caps(10, row.max_pools, 3)
    # Elsewhere a budget only when asked for.
    assert Caps.for_run(None, None, None, aws=False, profile=row) is None
    assert Caps.for_run(None, 5, None, aws=False, profile=row) == Caps(None, 5, None)
    with pytest.raises(ValueError, match="--aws-max-mau=-1"):
        Caps.for_run(None, None, -1, aws=True, profile=row)
