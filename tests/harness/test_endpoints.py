"""Endpoint resolution: kinds, sources, and the one-line usage errors (exit code 4).

Run: ``pytest tests/harness/test_endpoints.py``.
"""

from __future__ import annotations

import socket

import pytest

from conformance import endpoints
from conformance.endpoints import EndpointError, parse

TARGET = "test_user_pools.py::test_describe_unknown_user_pool_is_resource_not_found"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("spec", "kind", "label"),
    [
        ("moto", "moto", "moto"),
        ("moto-server", "moto-server", "moto-server"),
        ("moto-server:port=5123", "moto-server", "moto-server"),
        ("reference", "reference", "reference"),
        ("http://127.0.0.1:9229", "url", "http://127.0.0.1:9229"),
        ("https://cognito.example.test:8443/", "url", "https://cognito.example.test:8443"),
        ("miniature:wrong-error-code", "miniature", "miniature:wrong-error-code"),
    ],
)
def test_parse_known_kinds(spec, kind, label):
    endpoint = parse(spec)
    assert (endpoint.kind, endpoint.label) == (kind, label)


def test_moto_server_port_option_is_kept():
    assert parse("moto-server:port=5123").requested_port == 5123


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty endpoint"),
        ("localstack", "unknown endpoint kind 'localstack'; known kinds: moto, moto-server"),
        ("moto:fast", "endpoint 'moto' takes no arguments"),
        ("moto-server:port=abc", "malformed endpoint 'moto-server:port=abc'"),
        ("moto-server:host=0.0.0.0", "moto-server takes only port=N"),
        ("http://", "malformed endpoint URL 'http://'"),
        ("ftp://127.0.0.1:21", "malformed endpoint URL"),
        ("http://127.0.0.1:99x", "the port is not a number"),
        ("http://127.0.0.1:9229/prefix", "served at the root path"),
        ("miniature:nope", "unknown miniature 'nope'; known miniatures:"),
        ("aws", "refuses to start without --aws-account"),
    ],
)
def test_parse_rejects_with_one_clear_line(spec, message):
    with pytest.raises(EndpointError) as error:
        parse(spec)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_aws_account_must_be_twelve_digits():
    with pytest.raises(EndpointError, match="12-digit"):
        parse("aws", aws_account="12345")


def test_aws_refuses_a_different_account(monkeypatch):
    # Exercised only through its refusal: the identity lookup is replaced, nothing leaves the machine.
    monkeypatch.setattr(endpoints, "caller_account", lambda region: "111111111111")
    endpoint = parse("aws", aws_account="222222222222", region="eu-west-1")
    with pytest.raises(EndpointError, match="belong to account 111111111111, not --aws-account=222222222222"):
        endpoint.start()


def test_aws_starts_when_the_account_matches(monkeypatch):
    monkeypatch.setattr(endpoints, "caller_account", lambda region: "222222222222")
    endpoint = parse("aws", aws_account="222222222222", region="eu-west-1")
    endpoint.start()
    assert endpoint.url is None and endpoint.region == "eu-west-1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--endpoint=bogus"],
            "ERROR: unknown endpoint kind 'bogus'; known kinds: moto, moto-server, reference",
        ),
        (
            ["--endpoint=http://127.0.0.1:{port}"],
            "ERROR: endpoint http://127.0.0.1:{port} does not answer within 3 s",
        ),
        (["--endpoint=http//nohost"], "ERROR: unknown endpoint kind 'http//nohost'"),
        (["--endpoint=aws"], "ERROR: endpoint 'aws' refuses to start without --aws-account"),
    ],
    ids=["unknown-kind", "closed-port", "malformed", "aws-without-account"],
)
def test_bad_endpoint_is_a_usage_error_without_traceback(run_suite, args, message):
    port = _closed_port()
    result, _ = run_suite(*(a.format(port=port) for a in args), target=TARGET)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message.format(port=port) + "*"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_header_names_the_endpoint_and_where_it_came_from(run_suite, monkeypatch):
    result, _ = run_suite("--endpoint=moto", target=TARGET)
    result.stdout.fnmatch_lines(["conformance: endpoint=moto (from option)*"])
    monkeypatch.setenv("CONFORMANCE_ENDPOINT", "moto")
    result, _ = run_suite(target=TARGET)
    result.stdout.fnmatch_lines(["conformance: endpoint=moto (from env)*"])
    monkeypatch.delenv("CONFORMANCE_ENDPOINT")
    result, _ = run_suite("-o", "conformance_endpoint=moto", target=TARGET)
    result.stdout.fnmatch_lines(["conformance: endpoint=moto (from ini)*"])
    result, _ = run_suite(target=TARGET)
    result.stdout.fnmatch_lines(["conformance: endpoint=moto (from default)*"])


def test_option_wins_over_environment(run_suite, monkeypatch):
    monkeypatch.setenv("CONFORMANCE_ENDPOINT", "bogus")
    result, _ = run_suite("--endpoint=moto", target=TARGET)
    result.stdout.fnmatch_lines(["conformance: endpoint=moto (from option)*"])


def test_moto_server_is_started_and_stopped_by_the_harness(run_suite):
    result, reports = run_suite("--endpoint=moto-server", target=TARGET)
    result.stdout.fnmatch_lines(["conformance: moto-server (http://127.0.0.1:*"])
    url = result.stdout.str().split("(http://", 1)[1].split(";", 1)[0]
    host, port = url.split(":")
    with pytest.raises(OSError):  # the harness stopped its server at the end
        socket.create_connection((host, int(port)), timeout=1).close()
