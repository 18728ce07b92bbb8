"""Credentials on the ``aws`` path: any failure at the start is one line and exit code 4, before a test.

The runs are real ``pytest --endpoint=aws`` runs in child processes, pointed at the AWS stand-in only
through boto3's configuration, as a CI runner is pointed at AWS.

Run: ``pytest tests/aws/test_credentials.py -q``.
"""

from __future__ import annotations

import urllib.request

from aws_support import ACCOUNT, aws_environment, run_pytest

from conformance.endpoints import parse
from conformance.endpoints.aws import AwsEndpoint

SUBSET = "conformance/suite/test_pools.py::test_describe_unknown_user_pool_is_resource_not_found"


def _usage_error(result) -> str:
    """The run's one error line; asserts the exit code is 4 and that no test ran."""
    assert result.returncode == 4, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, result.stderr
    assert "passed" not in result.stdout and "failed" not in result.stdout
    return errors[0]


def test_the_right_key_and_account_run(stand_in, tmp_path):
    result = run_pytest(
        aws_environment(stand_in),
        SUBSET,
        "--endpoint=aws",
        f"--aws-account={ACCOUNT}",
        f"--reports-dir={tmp_path}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_a_wrong_secret_key_stops_the_run_at_start(stand_in, tmp_path):
    env = aws_environment(stand_in, secret="a-wrong-secret-key")
    result = run_pytest(
        env, SUBSET, "--endpoint=aws", f"--aws-account={ACCOUNT}", f"--reports-dir={tmp_path}"
    )
    line = _usage_error(result)
    assert "no usable AWS credentials" in line and "SignatureDoesNotMatch" in line
    assert "a-wrong-secret-key" not in result.stdout + result.stderr


def test_an_unknown_key_stops_the_run_at_start(stand_in, tmp_path):
    env = aws_environment(stand_in, key="AKIANOTKNOWNHERE0000")
    result = run_pytest(
        env, SUBSET, "--endpoint=aws", f"--aws-account={ACCOUNT}", f"--reports-dir={tmp_path}"
    )
    assert "InvalidClientTokenId" in _usage_error(result)


def test_the_right_key_for_another_account_stops_the_run_at_start(stand_in, tmp_path):
    result = run_pytest(
        aws_environment(stand_in),
        SUBSET,
        "--endpoint=aws",
        "--aws-account=999999999999",
        f"--reports-dir={tmp_path}",
    )
    line = _usage_error(result)
    assert f"belong to account {ACCOUNT}, not --aws-account=999999999999" in line


def test_no_credentials_at_all_stop_the_run_at_start(stand_in, tmp_path):
    env = aws_environment(stand_in)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    result = run_pytest(
        env, SUBSET, "--endpoint=aws", f"--aws-account={ACCOUNT}", f"--reports-dir={tmp_path}"
    )
    assert "NoCredentialsError" in _usage_error(result)


def test_a_profile_that_does_not_exist_stops_the_run_at_start(stand_in, tmp_path):
    result = run_pytest(
        aws_environment(stand_in),
        SUBSET,
        "--endpoint=aws",
        f"--aws-account={ACCOUNT}",
        "--aws-profile=no-such-profile",
        f"--reports-dir={tmp_path}",
    )
    assert "no-such-profile" in _usage_error(result)


def test_a_profile_is_for_aws_only(tmp_path):
    result = run_pytest(
        {**aws_environment("http://127.0.0.1:1")}, SUBSET, "--aws-profile=p", f"--reports-dir={tmp_path}"
    )
    assert "--aws-profile is for --endpoint=aws only" in _usage_error(result)


def test_a_profile_gives_the_credentials_and_the_region(stand_in, tmp_path, monkeypatch):
    """``--aws-profile``: the shared files' profile signs, and its region is the run's."""
    (tmp_path / "credentials").write_text(
        "[rehearsal]\naws_access_key_id = {}\naws_secret_access_key = {}\n".format(
            *(aws_environment(stand_in)[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"))
        )
    )
    (tmp_path / "config").write_text("[profile rehearsal]\nregion = eu-west-1\n")
    env = aws_environment(stand_in)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_DEFAULT_REGION"]
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"), AWS_CONFIG_FILE=str(tmp_path / "config")
    )
    for name, value in env.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    endpoint = parse("aws", aws_account=ACCOUNT, aws_profile="rehearsal", region_from_chain=True)
    assert endpoint.region == "eu-west-1"
    endpoint.start()
    assert endpoint.make_client().meta.region_name == "eu-west-1"
    # An explicit --aws-region wins over the profile's.
    explicit = parse(
        "aws", region="ap-south-1", aws_account=ACCOUNT, aws_profile="rehearsal", region_from_chain=False
    )
    assert explicit.region == "ap-south-1"


def test_key_sets_are_fetched_where_boto3_sends_cognito_calls(monkeypatch, stand_in, cognito):
    """The issuer names AWS; with boto3's endpoint override set, the key set comes from the override."""
    endpoint = AwsEndpoint(region="us-east-1", aws_account=ACCOUNT)
    pool_id = cognito.list_user_pools(MaxResults=60)["UserPools"][0]["Id"]
    asked: list[str] = []
    real = urllib.request.urlopen

    def urlopen(request, timeout):
        asked.append(request.full_url)
        return real(request, timeout=timeout)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    keys = endpoint.jwks(pool_id, f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}")
    assert asked == [f"{stand_in}/{pool_id}/.well-known/jwks.json"]
    assert keys["keys"]


def test_without_an_override_the_key_set_comes_from_the_issuer(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    endpoint = AwsEndpoint(region="eu-west-1", aws_account=ACCOUNT)
    assert endpoint.cognito_url() == "https://cognito-idp.eu-west-1.amazonaws.com"
