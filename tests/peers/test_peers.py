"""The peer suite's runner, record and judging, without the network.

A stand-in for moto's sdist (same layout, a handful of tests that call the endpoint with plain boto3)
is put in the cache, so ``run_peer_suite`` runs end to end against a reference server in a child
process: selection by marker, the out-of-scope tests left out, the child's environment, JUnit read
back, the verdicts against an expectations file, and ``peers.json``.

Run: ``pytest tests/peers -q``.
"""

from __future__ import annotations

import io
import json
import tarfile
import textwrap
from pathlib import Path

import pytest

from conformance.peers import (
    OUT_OF_SCOPE,
    PeerExpectationsError,
    PeerTest,
    find_peer_runs,
    judge,
    load_expected_failures,
    load_peer_run,
    run_peer_suite,
    selection,
)
from conformance.peers.expectations import ExpectedFailure, default_path
from conformance.peers.runner import peer_environment, read_junit
from conformance.peers.source import extract_tests, moto_version
from conformance.reference.child import served

_TESTS = textwrap.dedent(
    """
    import os
    import boto3
    import pytest


    def _client():
        return boto3.client("cognito-idp", "us-west-2")


    @pytest.mark.aws_verified
    def test_creates_a_pool():
        # Unmocked, against the endpoint under test: the pool is there.
        assert os.environ["MOTO_TEST_ALLOW_AWS_REQUEST"] == "true"
        pool = _client().create_user_pool(PoolName="peer")["UserPool"]
        assert "_" in pool["Id"]


    @pytest.mark.aws_verified
    def test_expected_to_fail():
        _client().create_resource_server(UserPoolId="us-west-2_nothere1", Identifier="https://api", Name="api")


    @pytest.mark.aws_verified
    def test_fails_with_a_token_in_its_message():
        token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWhlcmU"
        assert token == "something else"


    @pytest.mark.aws_verified
    def test_user_authentication_flow_mfa_on():
        raise AssertionError("out of scope without --iam-endpoint: must not run")


    def test_not_verified_against_aws():
        raise AssertionError("not aws_verified: must not run")
    """
)


def _fake_sdist(cache: Path, version: str) -> Path:
    root = f"moto-{version}"
    files = {
        "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--color=yes"\nmarkers = ["aws_verified: run against AWS"]\n',
        "tests/__init__.py": "",
        "tests/conftest.py": "",
        "tests/markers.py": "",
        "tests/test_cognitoidp/__init__.py": "",
        "tests/test_cognitoidp/test_cognitoidp.py": _TESTS,
        "tests/test_other/test_ignored.py": "raise SystemExit('not extracted')\n",
    }
    path = cache / "sdist" / f"{root}.tar.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{root}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    _fake_sdist(cache, moto_version())
    return cache


def test_extraction_takes_only_the_cognito_tests_and_what_they_import(cache: Path, tmp_path: Path) -> None:
    root = extract_tests(cache / "sdist" / f"moto-{moto_version()}.tar.gz", tmp_path / "x")
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert "tests/test_cognitoidp/test_cognitoidp.py" in files
    assert "tests/test_other/test_ignored.py" not in files
    assert "pyproject.toml" in files


def test_selection_leaves_out_the_tests_that_need_iam_unless_given() -> None:
    args, left_out = selection(with_iam=False)
    assert left_out == OUT_OF_SCOPE and set(left_out) == {
        "test_user_authentication_flow_mfa_on",
        "test_user_authentication_flow_mfa_optional",
        "test_initiate_mfa_auth_USER_PASSWORD_AUTH_with_FORCE_CHANGE_PASSWORD_status",
    }
    assert args[:3] == ["tests/test_cognitoidp/test_cognitoidp.py", "-m", "aws_verified"]
    assert args.count("--deselect") == 3
    args, left_out = selection(with_iam=True)
    assert left_out == {} and "--deselect" not in args


def test_the_child_reaches_no_aws_and_drops_ambient_credentials(monkeypatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "secret")
    env = peer_environment("http://127.0.0.1:1", None)
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    assert (
        env["AWS_ENDPOINT_URL"] == env["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] == "http://127.0.0.1:1"
    )
    assert env["MOTO_TEST_ALLOW_AWS_REQUEST"] == "true" and env["AWS_ACCESS_KEY_ID"] == "testing"
    env = peer_environment("http://127.0.0.1:1", "http://127.0.0.1:2")
    assert env["AWS_ENDPOINT_URL_IAM"] == env["AWS_ENDPOINT_URL_STS"] == env["AWS_ENDPOINT_URL"]


def test_judging_marks_known_unexpected_vanished_and_missing() -> None:
    tests = [
        PeerTest("a", "pass"),
        PeerTest("b", "fail", "boom"),
        PeerTest("c", "error", "set-up"),
        PeerTest("d", "pass"),
        PeerTest("e", "skipped"),
    ]
    expected = {
        name: ExpectedFailure(name, "why (facts:tokens.access-groups)") for name in ("b", "d", "y", "z")
    }
    missing = judge(tests, expected, {"y": "needs IAM"})
    assert [t.verdict for t in tests] == ["pass", "known", "unexpected", "vanished", "skipped"]
    # "y" was left out of scope, so its expected failure is not missing; "z" is.
    assert missing == ["z"]


def test_expectations_must_cite_a_known_fact(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text('[[failure]]\ntest = "t"\nreason = "no citation"\n', encoding="utf-8")
    with pytest.raises(PeerExpectationsError, match="must cite AWS"):
        load_expected_failures(path)
    path.write_text('[[failure]]\ntest = "t"\nreason = "x (facts:tokens.no-such-fact)"\n', encoding="utf-8")
    with pytest.raises(PeerExpectationsError, match="unknown facts"):
        load_expected_failures(path)
    path.write_text(
        '[[failure]]\ntest = "t"\nreason = "x (facts:tokens.access-groups)"\n' * 2, encoding="utf-8"
    )
    with pytest.raises(PeerExpectationsError, match="twice"):
        load_expected_failures(path)


@pytest.mark.parametrize("implementation", ["reference", "moto", "cognito-local"])
def test_the_packaged_expectations_load(implementation: str) -> None:
    path = default_path(implementation)
    assert path is not None
    for entry in load_expected_failures(path).values():
        assert entry.test.startswith("test_")


def test_junit_reading_keeps_the_first_line_redacted(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(
        '<testsuites><testsuite><testcase classname="m" name="t1" time="0.5"/>'
        '<testcase classname="m" name="t2" time="0.1"><failure message="AssertionError: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl&#10;second line">tb</failure></testcase>'
        '<testcase classname="m" name="t3"><skipped message="why"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    tests = read_junit(path)
    assert [(t.name, t.outcome) for t in tests] == [("t1", "pass"), ("t2", "fail"), ("t3", "skipped")]
    assert "eyJ" not in tests[1].reason and "second line" not in tests[1].reason


def test_a_run_against_the_reference_server_end_to_end(cache: Path, tmp_path: Path) -> None:
    expectations = tmp_path / "expected.toml"
    expectations.write_text(
        '[[failure]]\ntest = "test_expected_to_fail"\n'
        'reason = "the reference does not model resource servers (facts:protocol.shape-model)"\n',
        encoding="utf-8",
    )
    out = tmp_path / "peers" / "reference-server"
    with served() as url:
        run = run_peer_suite(url, out, cache=cache, expectations=expectations, timeout=120)
    assert run.implementation == "reference" and run.label == "reference-server"
    verdicts = {t.name: t.verdict for t in run.tests}
    assert verdicts == {
        "test_creates_a_pool": "pass",
        "test_expected_to_fail": "known",
        "test_fails_with_a_token_in_its_message": "unexpected",
    }
    assert run.status == "fail" and "test_fails_with_a_token_in_its_message" in run.status_reason
    failing = next(t for t in run.tests if t.name == "test_expected_to_fail")
    assert "ReferenceUnsupportedOperation" in failing.reason and "CreateResourceServer" in failing.reason
    assert all("eyJhbGci" not in t.reason for t in run.tests)
    assert set(run.out_of_scope) == set(OUT_OF_SCOPE)
    recorded = json.loads((out / "peers.json").read_text(encoding="utf-8"))
    assert recorded["format"] == "cognito-conformance/peers/1" and recorded["counts"]["known"] == 1
    assert load_peer_run(out).tests == run.tests
    assert [r.label for r in find_peer_runs([tmp_path])] == ["reference-server"]


def test_a_missing_sdist_is_an_error_not_a_pass(tmp_path: Path, monkeypatch) -> None:
    from conformance.peers import runner, source

    def refuse(version: str, cache: Path, *, timeout: float = 300) -> Path:
        raise source.PeerSourceError(f"pip download moto=={version} failed: no network")

    monkeypatch.setattr(source, "download_sdist", refuse)
    with served() as url:
        run = runner.run_peer_suite(url, tmp_path / "out", cache=tmp_path / "empty")
    assert run.status == "error" and "no network" in run.status_reason and not run.tests
