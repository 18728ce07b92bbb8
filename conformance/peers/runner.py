"""Run moto's in-scope AWS-verified tests against one endpoint, in a child pytest, and record them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.endpoints.url import identify
from conformance.peers.expectations import default_path, load_expected_failures
from conformance.peers.results import PeerRun, PeerTest, judge, verdict_status
from conformance.peers.scope import selection
from conformance.peers.source import PeerSourceError, fetch_tests
from conformance.redact import redact_text

#: The region moto's tests name in every client they make.
REGION = "us-west-2"
#: At most this much of a failure's first line is kept.
REASON_CHARS = 400


def peer_environment(endpoint: str, iam_endpoint: str | None) -> dict[str, str]:
    """The child's environment: unmocked, every AWS service pointed at a local endpoint, dummy keys.

    ``AWS_ENDPOINT_URL`` (every service) is set too, to the IAM endpoint or else to the endpoint under
    test, so that a test reaching a service it was not given never reaches AWS; the ambient
    credentials, profile and config files are dropped for the same reason.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k not in ("MOTO_TEST_ALLOW_AWS_REQUEST", "TEST_SERVER_MODE")
    }
    env.update(
        {
            "MOTO_TEST_ALLOW_AWS_REQUEST": "true",
            "AWS_ENDPOINT_URL": iam_endpoint or endpoint,
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            # One attempt per call, as in the main suite: a retry would hide a refusal.
            "AWS_MAX_ATTEMPTS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if iam_endpoint:
        env["AWS_ENDPOINT_URL_IAM"] = iam_endpoint
        env["AWS_ENDPOINT_URL_STS"] = iam_endpoint
    return env


def _first_line(text: str | None) -> str:
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    line = redact_text(line)
    return line if len(line) <= REASON_CHARS else line[: REASON_CHARS - 3] + "..."


def read_junit(path: Path) -> list[PeerTest]:
    """The tests of a JUnit XML file written by pytest, with their outcomes and first lines."""
    tests: list[PeerTest] = []
    for case in ET.parse(path).iter("testcase"):
        name = case.get("name", "?")
        seconds = round(float(case.get("time") or 0), 3)
        outcome, reason = "pass", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "fail", "error": "error", "skipped": "skipped"}[child.tag]
                reason = _first_line(child.get("message") or child.text)
                # A failure in the call outranks a tear-down error reported beside it.
                if outcome == "fail":
                    break
        tests.append(PeerTest(name=name, outcome=outcome, reason=reason, seconds=seconds))
    return tests


def run_peer_suite(
    endpoint: str,
    out: Path,
    *,
    iam_endpoint: str | None = None,
    cache: Path | None = None,
    expectations: Path | None = None,
    timeout: float = 300,
) -> PeerRun:
    """Run the in-scope peer tests against ``endpoint`` (a URL), write ``out/peers.json``, return the run.

    Args:
        endpoint: the cognito-idp endpoint's URL.
        out: the folder for ``peers.json``, the JUnit XML and pytest's output.
        iam_endpoint: a URL serving IAM and STS (a moto server); brings in the tests that need them.
        cache: where moto's sdist is kept (default :func:`conformance.peers.source.default_cache`).
        expectations: the expected-failures file; default the packaged one of the implementation
            identified at ``endpoint``.
        timeout: seconds for the whole child pytest.
    """
    endpoint = endpoint.rstrip("/")
    implementation, label, _version = identify(endpoint)
    started = time.time()
    run = PeerRun(
        endpoint=endpoint,
        label=label,
        implementation=implementation,
        moto_version="",
        started=started,
    )
    out.mkdir(parents=True, exist_ok=True)
    try:
        expected = load_expected_failures(
            expectations if expectations is not None else default_path(implementation)
        )
        root, run.moto_version = fetch_tests(cache)
    except PeerSourceError as error:
        run.status, run.status_reason = "error", str(error)
        run.write(out)
        return run
    args, run.out_of_scope = selection(with_iam=iam_endpoint is not None)
    junit = (out / "junit.xml").resolve()
    junit.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "pytest",
        # This project's own pytest plugin must not load into moto's tests, nor a cache be written.
        "-p",
        "no:conformance",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-q",
        "-rN",
        f"--junitxml={junit}",
        *args,
    ]
    log = out / "pytest.log"
    try:
        with log.open("w", encoding="utf-8") as sink:
            done = subprocess.run(
                command,
                cwd=root,
                env=peer_environment(endpoint, iam_endpoint),
                stdout=sink,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        exit_code: int | None = done.returncode
    except subprocess.TimeoutExpired:
        exit_code = None
    run.seconds = round(time.time() - started, 2)
    if exit_code is None or exit_code not in (0, 1) or not junit.is_file():
        why = f"over {timeout:.0f} s" if exit_code is None else f"pytest exit code {exit_code}"
        run.status, run.status_reason = "error", f"the peer suite did not complete ({why}); see {log.name}"
        if junit.is_file():
            run.tests = read_junit(junit)
            run.vanished = judge(run.tests, expected, run.out_of_scope)
        run.write(out)
        return run
    run.tests = read_junit(junit)
    run.vanished = judge(run.tests, expected, run.out_of_scope)
    run.status, run.status_reason = verdict_status(run)
    run.write(out)
    return run
