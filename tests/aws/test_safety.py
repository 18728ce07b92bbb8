"""Safety on a shared account: what the harness creates is tagged and deleted, a run refuses to start
over a leak, and the janitor deletes the harness's leftovers and nothing else.

Run: ``pytest tests/aws/test_safety.py -q``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from aws_support import ACCOUNT, aws_environment, pool_names, run_pytest

from conformance import __version__
from conformance.endpoints import parse
from conformance.janitor import main as janitor
from conformance.janitor import parse_duration
from conformance.lifecycle import TAG_CREATED, TAG_RUN, TAG_VERSION, harness_pools
from conformance.reference.standin import FOREIGN_POOLS
from conformance.session import RunSession


@pytest.fixture
def run(aws_env, tmp_path: Path) -> RunSession:
    endpoint = parse("aws", aws_account=ACCOUNT)
    session = RunSession.create(endpoint, "option", tmp_path)
    session.start()
    return session


def _foreign(client) -> dict[str, str]:
    names = {name for name, _ in FOREIGN_POOLS}
    return {pool_id: name for pool_id, name in pool_names(client).items() if name in names}


def test_a_pool_the_run_creates_is_tagged_unprotected_and_reaped(run, cognito):
    run.protect_account(max_harness_pools=100)
    client = run.endpoint.make_client()
    created = client.create_user_pool(PoolName=run.name("pool", "tagged"))["UserPool"]
    described = cognito.describe_user_pool(UserPoolId=created["Id"])["UserPool"]
    tags = described["UserPoolTags"]
    assert tags[TAG_RUN] == run.run_id and tags[TAG_VERSION] == __version__
    assert (
        abs(time.mktime(time.strptime(tags[TAG_CREATED], "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(time.gmtime()))
        < 60
    )
    assert described["DeletionProtection"] == "INACTIVE"
    assert described["Name"].startswith(f"cc-{run.tag}-pool-")
    # A test's own tags are kept, next to the harness's.
    own = client.create_user_pool(PoolName=run.name("pool", "own"), UserPoolTags={"mine": "yes"})["UserPool"]
    assert cognito.describe_user_pool(UserPoolId=own["Id"])["UserPool"]["UserPoolTags"]["mine"] == "yes"
    # One deleted by its test is forgotten; the other is reaped at the run's end.
    client.delete_user_pool(UserPoolId=own["Id"])
    assert run.live_pools == {created["Id"]}
    foreign = _foreign(cognito)
    assert run.reap() == 1
    assert created["Id"] not in pool_names(cognito) and _foreign(cognito) == foreign


def test_local_endpoints_are_left_untagged(tmp_path):
    session = RunSession.create(parse("reference"), "option", tmp_path)
    session.start()
    hooks = list(session.endpoint.client_hooks)
    session.protect_account(max_harness_pools=0)
    assert session.endpoint.client_hooks == hooks and session.reap() == 0


def test_the_leak_alarm_refuses_a_run_over_the_limit(stand_in, cognito, tmp_path):
    """Two pools left by a run that was killed: a limit of one refuses to start, one line, exit 4."""
    leaked = [
        cognito.create_user_pool(
            PoolName=f"cc-abcdef-pool-leaked-{n}",
            UserPoolTags={TAG_RUN: "20260101T000000Z-aws-abcdef", TAG_CREATED: "2026-01-01T00:00:00Z"},
        )["UserPool"]["Id"]
        for n in range(2)
    ]
    try:
        result = run_pytest(
            aws_environment(stand_in),
            "conformance/suite/test_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
            "--endpoint=aws",
            f"--aws-account={ACCOUNT}",
            "--aws-max-harness-pools=1",
            f"--reports-dir={tmp_path}",
        )
        assert result.returncode == 4, result.stdout + result.stderr
        (line,) = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
        assert "holds 2 user pools left by earlier runs" in line and "python -m conformance.janitor" in line
    finally:
        for pool_id in leaked:
            cognito.delete_user_pool(UserPoolId=pool_id)


def test_the_janitor_deletes_old_harness_pools_only(cognito, capsys):
    foreign = _foreign(cognito)
    old = cognito.create_user_pool(
        PoolName="cc-123456-pool-old",
        UserPoolTags={TAG_RUN: "20260101T000000Z-aws-123456", TAG_CREATED: "2026-01-01T00:00:00Z"},
    )["UserPool"]["Id"]
    young = cognito.create_user_pool(
        PoolName="cc-654321-pool-young",
        UserPoolTags={TAG_RUN: "r-654321", TAG_CREATED: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
    )["UserPool"]["Id"]
    untagged = cognito.create_user_pool(PoolName="cc-777777-pool-named-like-ours")["UserPool"]["Id"]
    try:
        assert janitor(["--aws-account", ACCOUNT, "--dry-run"]) == 0
        assert f"would delete {old}" in capsys.readouterr().out
        assert old in pool_names(cognito)
        assert janitor(["--aws-account", ACCOUNT, "--older-than", "2h"]) == 0
        out = capsys.readouterr().out
        assert f"deleted {old}" in out and young not in out
        assert {young, untagged} <= set(pool_names(cognito)) and old not in pool_names(cognito)
        assert _foreign(cognito) == foreign
        assert janitor(["--aws-account", ACCOUNT, "--older-than", "0s"]) == 0
        assert young not in pool_names(cognito) and untagged in pool_names(cognito)
        assert _foreign(cognito) == foreign
        assert harness_pools(cognito) == []
    finally:
        cognito.delete_user_pool(UserPoolId=untagged)


def test_the_janitor_refuses_another_account_with_exit_4(aws_env, capsys):
    assert janitor(["--aws-account", "999999999999"]) == 4
    assert "belong to account" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86400)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_a_bad_duration_is_exit_4(aws_env, capsys):
    assert janitor(["--aws-account", ACCOUNT, "--older-than", "soon"]) == 4
    assert "not a duration" in capsys.readouterr().err
