"""Endpoint resolution: kinds, sources, the one registry of kinds, and the one-line usage errors (exit code 4).

Run: ``pytest tests/harness/test_endpoints.py``.
"""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

import conformance
from conformance import endpoints
from conformance.endpoints import EndpointError, parse
from conformance.endpoints import aws as aws_endpoint
from conformance.endpoints.base import Endpoint

TARGET = "test_pools.py::test_describe_unknown_user_pool_is_resource_not_found"


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
        ("miniature:wrong-error-code", "reference", "miniature:wrong-error-code"),
        ("reference:miniature=wrong-error-code", "reference", "miniature:wrong-error-code"),
    ],
)
def test_parse_known_kinds(spec, kind, label):
    endpoint = parse(spec)
    assert (endpoint.kind, endpoint.label) == (kind, label)


def test_a_miniature_is_the_reference_with_one_break():
    short, long = parse("miniature:wrong-error-code"), parse("reference:miniature=wrong-error-code")
    assert type(short) is type(long) is type(parse("reference"))
    assert short.miniature is long.miniature and short.implementation == short.flavor == long.flavor


def test_only_aws_retries_throttling_and_skips_expectations():
    local = [
        parse(spec)
        for spec in ("moto", "moto-server", "reference", "http://127.0.0.1:1", "miniature:no-request-id")
    ]
    assert not any(e.retries_throttling for e in local) and all(e.uses_expectations for e in local)
    aws = parse("aws", aws_account="222222222222")
    assert aws.retries_throttling and not aws.uses_expectations


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
        ("reference:miniature=nope", "unknown miniature 'nope'; known miniatures:"),
        ("reference:fast=1", "reference takes only miniature=NAME"),
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
    monkeypatch.setattr(aws_endpoint, "caller_account", lambda sts: "111111111111")
    endpoint = parse("aws", aws_account="222222222222", region="eu-west-1")
    with pytest.raises(EndpointError, match="belong to account 111111111111, not --aws-account=222222222222"):
        endpoint.start()


def test_aws_starts_when_the_account_matches(monkeypatch):
    monkeypatch.setattr(aws_endpoint, "caller_account", lambda sts: "222222222222")
    endpoint = parse("aws", aws_account="222222222222", region="eu-west-1")
    endpoint.start()
    assert endpoint.url is None and endpoint.region == "eu-west-1"


@pytest.fixture
def environment_credentials(monkeypatch):
    """AWS credentials in the environment only: no profile, no config file, no instance role."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTKEY01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
    return "AKIAENVIRONMENTKEY01"


def test_aws_signs_with_the_credentials_it_checked(monkeypatch, environment_credentials):
    """One session: the STS account check and the Cognito client use the same credentials, and they
    are the environment's, never the dummies local targets get."""
    checked = []

    def caller_account(sts):
        checked.append(sts._request_signer._credentials.get_frozen_credentials().access_key)
        return "222222222222"

    monkeypatch.setattr(aws_endpoint, "caller_account", caller_account)
    endpoint = parse("aws", aws_account="222222222222", region="eu-west-1")
    endpoint.start()
    client = endpoint.make_client()
    access_key = client._request_signer._credentials.get_frozen_credentials().access_key
    assert checked == [access_key] == [environment_credentials]
    assert client.meta.region_name == "eu-west-1"
    local = parse("moto").make_client()
    assert local._request_signer._credentials.get_frozen_credentials().access_key == "testing"


def test_caller_account_reads_sts_and_refuses_without_credentials(environment_credentials):
    sts = boto3.session.Session(region_name="eu-west-1").client("sts")
    with Stubber(sts) as stub:
        stub.add_response(
            "get_caller_identity",
            {"Account": "222222222222", "UserId": "AIDAEXAMPLE", "Arn": "arn:aws:iam::222222222222:user/me"},
        )
        stub.add_client_error("get_caller_identity", "InvalidClientTokenId", http_status_code=403)
        assert aws_endpoint.caller_account(sts) == "222222222222"
        with pytest.raises(EndpointError, match=r"no usable AWS credentials \(ClientError\)"):
            aws_endpoint.caller_account(sts)


class _Echo(Endpoint):
    """A throwaway kind: the whole of what adding one takes is this class and one registry entry."""

    @classmethod
    def connect(cls, spec, arg, *, region, aws_account):
        return cls(spec, kind="echo", label=f"echo-{arg or 'plain'}", implementation="echo", region=region)


def test_adding_a_kind_is_one_class_and_one_registry_entry(monkeypatch):
    monkeypatch.setitem(
        endpoints.CONNECTORS,
        "echo",
        endpoints.Connector("echo", "echo[:NAME]", "answers what it is asked", _Echo.connect),
    )
    endpoint = parse("echo:hi", region="eu-west-1")
    assert isinstance(endpoint, _Echo) and endpoint.label == "echo-hi" and endpoint.region == "eu-west-1"
    assert "echo" in endpoints.KINDS and endpoints.KINDS[-1] == "echo"
    assert "echo[:NAME] - answers what it is asked" in endpoints.help_text()
    assert "| `echo[:NAME]` | answers what it is asked |" in endpoints.docs_table().splitlines()
    with pytest.raises(EndpointError, match=r"known kinds: .*, echo$"):
        parse("nope")
    monkeypatch.undo()
    assert "echo" not in endpoints.KINDS


def test_docs_table_is_generated_from_the_registry():
    docs = Path(conformance.__file__).parent.parent / "docs" / "endpoints.md"
    table = "".join(line for line in docs.read_text().splitlines(keepends=True) if line.startswith("|"))
    assert table == endpoints.docs_table(), (
        "docs/endpoints.md is out of date: paste the output of "
        "python -c 'from conformance.endpoints import docs_table; print(docs_table(), end=\"\")'"
    )


def _imports(package: Path, prefix: str) -> set[str]:
    """Every conformance module a package's files import (module level or not)."""
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith(prefix)}


def test_endpoints_and_the_reference_have_no_import_cycle():
    root = Path(conformance.__file__).parent
    assert "conformance.reference" in _imports(root / "endpoints", "conformance.reference")
    assert not _imports(root / "reference", "conformance.endpoints"), (
        "the reference must not import endpoints"
    )


def test_a_run_loads_only_the_kind_it_names():
    """A moto run must not import the reference (it changes how moto's stateful machines explore)."""
    probe = (
        "import sys; import conformance.plugin; from conformance.endpoints import parse; "
        "parse('moto'); print(sorted(m for m in sys.modules if m.startswith('conformance.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "conformance.endpoints.moto" in loaded
    assert "conformance.reference" not in loaded and "conformance.endpoints.reference" not in loaded


def test_kind_modules_import_only_the_base_module():
    root = Path(conformance.__file__).parent / "endpoints"
    for path in root.glob("*.py"):
        if path.name in ("__init__.py", "base.py"):
            continue
        tree = ast.parse(path.read_text())
        ours = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("conformance.endpoints")
        }
        assert ours == {"conformance.endpoints.base"}, f"{path.name} imports {ours}"


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
