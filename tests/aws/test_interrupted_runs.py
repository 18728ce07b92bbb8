"""Interrupted rehearsals leave nothing the janitor cannot find, and the janitor touches nothing else.

Five ``pytest --endpoint=aws`` runs against the AWS stand-in are stopped by SIGINT or SIGTERM at
seeded random points (one of them by two signals in a row, which must end it at once); then one
janitor run. No pool with the harness's tags is left, and the pools the harness did not create are
all there, unchanged.

Run: ``pytest tests/aws/test_interrupted_runs.py -q``.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time

from aws_support import ACCOUNT, ROOT, aws_environment, pool_names, pytest_command

from conformance.janitor import main as janitor
from conformance.lifecycle import harness_pools
from conformance.reference.standin import FOREIGN_POOLS

SEED = 20261130
RUNS = 5
#: Modules whose tests create pools, users and clients all along; long enough (about 20 s here) that
#: every signal lands while tests run.
SUBSET = ("conformance/suite/test_users.py", "conformance/suite/test_auth_initiate.py")
#: Seconds after the run's first line about the endpoint (its tests are about to start) before the signal.
DELAY = (0.2, 3.0)
#: How long a run may take to end after its signal(s): the clean-up of one test and the reaping.
GRACE = 30.0


def _stopped_run(env: dict, reports: str, signum: int, delay: float, *, twice: bool) -> tuple[int, float]:
    """One run stopped by ``signum`` after ``delay`` s of tests (twice: a second one 0.1 s later);
    returns its exit code and the seconds it took to end after the last signal."""
    process = subprocess.Popen(
        pytest_command(
            *SUBSET, "--endpoint=aws", f"--aws-account={ACCOUNT}", f"--reports-dir={reports}", "-q"
        ),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("conformance: aws"):
                break
        time.sleep(delay)
        process.send_signal(signum)
        if twice:
            time.sleep(0.1)
            process.send_signal(signum)
        signalled = time.monotonic()
        process.communicate(timeout=GRACE)
        return process.returncode, time.monotonic() - signalled
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_interrupted_runs_then_the_janitor_leave_only_the_foreign_pools(stand_in, cognito, tmp_path, capsys):
    foreign = {
        pool_id: cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"].get("UserPoolTags", {})
        for pool_id, name in pool_names(cognito).items()
        if name in {n for n, _ in FOREIGN_POOLS}
    }
    assert len(foreign) == len(FOREIGN_POOLS)
    chosen = random.Random(SEED)
    env = aws_environment(stand_in)
    for number in range(RUNS):
        signum = chosen.choice([signal.SIGINT, signal.SIGTERM])
        twice = number == RUNS - 1
        code, ended_after = _stopped_run(
            env, str(tmp_path / f"run{number}"), signum, chosen.uniform(*DELAY), twice=twice
        )
        assert code == 2, f"run {number} ({signal.Signals(signum).name}) ended with {code}"
        if twice:
            assert ended_after < 5, f"a second signal must end the run at once (took {ended_after:.1f} s)"
    assert janitor(["--aws-account", ACCOUNT, "--older-than", "0s"]) == 0
    assert "janitor: deleted" in capsys.readouterr().out
    assert harness_pools(cognito) == []
    left = pool_names(cognito)
    assert set(left) == set(foreign), (
        f"pools left besides the foreign ones: {sorted(set(left) - set(foreign))}"
    )
    for pool_id, tags in foreign.items():
        assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"].get("UserPoolTags", {}) == tags
