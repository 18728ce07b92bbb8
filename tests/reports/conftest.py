"""Fixture runs: two endpoints (moto, cognito-local), two runs each, and a history with an older run.

The runs hold every outcome: passes, unexpected divergences (verified and UNVERIFIED), expected
ones, unsupported operations and a harness error; moto's second run fixes one divergence and gains
one, cognito-local's fixes one and gains an expected one.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
RUNS = FIXTURES / "runs"
HISTORY = FIXTURES / "history.jsonl"

#: The fixture runs' ids.
MOTO_1 = "20261120T030000Z-moto-1"
MOTO_2 = "20261125T030000Z-moto-2"
LOCAL_1 = "20261120T031000Z-cognito-local-3"
LOCAL_2 = "20261125T031000Z-cognito-local-4"


def divergence_id(key: str) -> str:
    """A divergence id as the harness makes it (conformance.divergence.Divergence.fingerprint)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


#: Divergences of the fixture runs, by what happens to them between an endpoint's two runs.
DIVERGENCES = SimpleNamespace(
    moto_1=MOTO_1,
    moto_2=MOTO_2,
    local_1=LOCAL_1,
    local_2=LOCAL_2,
    # moto: run 1 only (fixed in run 2), verified.
    pool_missing_member=divergence_id("DescribeUserPool schema.missing-member $.UserPool.DeletionProtection"),
    # moto: both runs, expected for moto.
    user_status=divergence_id("AdminCreateUser user.status $.User.UserStatus"),
    # moto: run 2 only (new), on an UNVERIFIED fact; its "actual" is an HTML injection attempt.
    user_exists_message=divergence_id("AdminCreateUser error.message $.message"),
    # cognito-local: both runs, verified.
    pool_extra_member=divergence_id(
        "CreateUserPool schema.additional-property $.UserPool.UsernameAttributes"
    ),
    # cognito-local: run 2 only (new), expected for cognito-local.
    issuer_claim=divergence_id("InitiateAuth token.claim $.IdToken.payload.iss"),
    # cognito-local: run 1 only (fixed in run 2), verified.
    user_exists_code=divergence_id("AdminCreateUser error.code $.__type"),
)


@pytest.fixture
def ids() -> SimpleNamespace:
    """The fixture runs' run ids and divergence ids (see DIVERGENCES)."""
    return DIVERGENCES


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture runs (``runs/<run_id>/``)."""
    target = tmp_path / "reports" / "runs"
    shutil.copytree(RUNS, target)
    return target


@pytest.fixture
def history_file(tmp_path: Path) -> Path:
    """A writable copy of the fixture history (one older moto run, 2026-11-10)."""
    target = tmp_path / "reports" / "history.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(HISTORY, target)
    return target
