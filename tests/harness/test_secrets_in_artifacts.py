"""No secret of a run reaches any artifact, even with every report and every local variable shown.

One subprocess run of part of the suite against the reference (sign-in and tokens: passwords, SRP
material, tokens, sessions) with ``-rA --showlocals``, JUnit and Allure, plus two harness errors
whose frames hold a password and a token in local variables (and the password in the exception's
text). The run writes every secret it registered to a file (a plugin of this test, never of the
harness); each one, and anything shaped like a token (``eyJ`` and base64url), is then looked for in
everything the run left: stdout, stderr, the JUnit file, the Allure results and attachments, and the
reports folder (results.jsonl, divergences.jsonl, run.json).

Run: ``pytest tests/harness/test_secrets_in_artifacts.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness.conftest import SUITE

#: A token or the start of one: the base64url of ``{"`` and what follows it.
TOKEN_START = re.compile(r"eyJ[A-Za-z0-9_-]")

#: Written into the run's folder and loaded with ``-p``: the run's registered secrets, at its end.
DUMP_PLUGIN = """
import json
from pathlib import Path

from conformance import redact


def pytest_unconfigure(config):
    Path("secrets.json").write_text(json.dumps(sorted(redact.registered())))
"""

#: Harness errors (exceptions out of a test body): pytest shows their frames' locals with --showlocals.
HARNESS_ERRORS = """
from conformance import flows, redact


def test_harness_error_with_a_password_in_a_local(cognito, user_pool, make_user):
    password = flows.new_password()
    make_user(user_pool, password=password)
    redact.register(password)
    raise RuntimeError(f"the harness could not go on with {password}")


def test_harness_error_with_a_token_in_a_local(cognito, user_pool, make_app_client, make_user):
    client = make_app_client(user_pool, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    user = make_user(user_pool)
    answer = flows.password_sign_in(cognito, client, user)
    access_token = answer["AuthenticationResult"]["AccessToken"]
    raise RuntimeError("the harness broke after signing in")
"""


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Run once for the module (a subprocess run takes a while); returns what the tests look at."""
    folder = tmp_path_factory.mktemp("secrets-run")
    (folder / "secretdump.py").write_text(DUMP_PLUGIN)
    (folder / "test_harness_errors.py").write_text(HARNESS_ERRORS)
    reports, allure_dir, junit = folder / "reports", folder / "allure-results", folder / "junit.xml"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(SUITE / "test_auth_initiate.py"),
            str(SUITE / "test_tokens.py"),
            str(folder / "test_harness_errors.py"),
            "--endpoint=reference",
            f"--reports-dir={reports}",
            f"--alluredir={allure_dir}",
            f"--junitxml={junit}",
            "-rA",
            "--showlocals",
            "-p",
            "secretdump",
            "-p",
            "no:cacheprovider",
            f"--rootdir={folder}",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(folder)},
    )
    files = {
        path: path.read_text(encoding="utf-8", errors="replace")
        for base in (reports, allure_dir)
        for path in base.rglob("*")
        if path.is_file()
    }
    files[junit] = junit.read_text(encoding="utf-8")
    return {
        "returncode": completed.returncode,
        "stdout": completed.stdout,
        "stderr": completed.stderr,
        "files": files,
        "secrets": json.loads((folder / "secrets.json").read_text()),
        "reports": reports,
        "allure": allure_dir,
    }


def _texts(artifacts: dict[str, object]) -> dict[str, str]:
    files: dict[Path, str] = artifacts["files"]  # type: ignore[assignment]
    return {
        "stdout": artifacts["stdout"],  # type: ignore[dict-item]
        "stderr": artifacts["stderr"],  # type: ignore[dict-item]
        **{str(path): text for path, text in files.items()},
    }


def test_the_run_made_secrets_and_every_artifact(artifacts):
    """The search below means something: the run registered secrets and wrote every kind of artifact."""
    secrets: list[str] = artifacts["secrets"]  # type: ignore[assignment]
    assert len(secrets) >= 20, secrets
    assert any(s.startswith("eyJ") for s in secrets), "the run should have registered tokens"
    names = {path.name for path in artifacts["files"]}  # type: ignore[union-attr]
    assert {"results.jsonl", "run.json", "junit.xml"} <= names
    assert any(name.endswith("-result.json") for name in names)
    assert any(name.endswith("-attachment.json") for name in names)
    # the two harness errors failed, with their locals shown (redacted), and the suite's tests passed
    stdout: str = artifacts["stdout"]  # type: ignore[assignment]
    assert "2 failed" in stdout, stdout[-2000:]
    assert "password = " in stdout and "access_token = " in stdout


def test_no_registered_secret_in_any_artifact(artifacts):
    secrets: list[str] = artifacts["secrets"]  # type: ignore[assignment]
    leaks = [
        f"{where}: a registered secret of {len(secret)} characters"
        for where, text in _texts(artifacts).items()
        for secret in secrets
        if secret in text
    ]
    assert not leaks, "\n".join(leaks)


def test_nothing_token_shaped_in_any_artifact(artifacts):
    leaks = [
        f"{where}: a token's start at character {m.start()}"
        for where, text in _texts(artifacts).items()
        for m in TOKEN_START.finditer(text)
    ]
    assert not leaks, "\n".join(leaks[:20])


def test_allure_status_of_a_harness_error_is_redacted(artifacts):
    """allure-pytest takes a failure's message from the exception itself, not from pytest's report."""
    secrets: list[str] = artifacts["secrets"]  # type: ignore[assignment]
    results = [
        json.loads(text)
        for path, text in artifacts["files"].items()  # type: ignore[union-attr]
        if path.name.endswith("-result.json")
    ]
    broken = [r for r in results if r["name"] == "test_harness_error_with_a_password_in_a_local"]
    assert broken, [r["name"] for r in results]
    message = broken[0]["statusDetails"]["message"]
    assert "the harness could not go on with <redacted>" in message
    assert not any(secret in json.dumps(broken[0]) for secret in secrets)
