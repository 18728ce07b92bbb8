"""Allure labels, steps and environment from inside a test run, and Allure's own report generator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.reports.allure import (
    ALLURE_BIN,
    api_area,
    environment_info,
    generate_report,
    listener_active,
    read_properties,
    strip_analytics,
    write_properties,
)

ROOT = Path(__file__).resolve().parents[2]
ALLURE = ROOT / ALLURE_BIN

#: A test file run under pytester: what the plugin will do for each conformance test.
LABELLED_TEST = """
import os
from pathlib import Path
from conformance.reports.allure import attach_exchange, label_test, write_environment

EXCHANGE = {
    "operation": "AdminInitiateAuth",
    "url": "http://127.0.0.1:5000/",
    "request": {"headers": {"X-Amz-Target": "AWSCognitoIdentityProviderService.AdminInitiateAuth"},
                "body": {"AuthParameters": {"USERNAME": "alice", "PASSWORD": "Hunter2-secret!"}}},
    "response": {"status": 200, "headers": {}, "body": {"AuthenticationResult": {"AccessToken": "abc.def.ghi"}}},
    "elapsed_ms": 3.5,
    "retries": 0,
}

def test_labelled(request):
    label_test(operation="AdminInitiateAuth", kind="tokens", confidence="verified", area=None,
               endpoint=os.environ.get("TEST_ENDPOINT", "moto"))
    attach_exchange(EXCHANGE)
    results = request.config.getoption("allure_report_dir", None)
    write_environment(Path(results) if results else None,
                      {"endpoint": os.environ.get("TEST_ENDPOINT", "moto"), "botocore.version": "1.44.8",
                       "hypothesis.seed": 42})
"""


@pytest.fixture
def labelled_run(pytester):
    pytester.makepyfile(test_labelled=LABELLED_TEST)

    def run(*args: str):
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)

    return run


def _results(folder: Path) -> tuple[dict, dict[str, str]]:
    (result_file,) = folder.glob("*-result.json")
    result = json.loads(result_file.read_text())
    attachments = {p.name: p.read_text() for p in folder.glob("*-attachment*")}
    return result, attachments


def test_labels_steps_and_environment_with_alluredir(labelled_run, pytester):
    outcome = labelled_run("--alluredir=allure-results")
    outcome.assert_outcomes(passed=1)
    folder = pytester.path / "allure-results"
    result, attachments = _results(folder)
    labels = {label["name"]: label["value"] for label in result["labels"]}
    assert labels["epic"] == "Sign-in and challenges"
    assert labels["feature"] == "AdminInitiateAuth"
    assert labels["story"] == "tokens"
    assert labels["severity"] == "critical"
    assert labels["parentSuite"] == "moto"
    assert {"name": "endpoint", "value": "'moto'"} in result["parameters"]
    (step,) = result["steps"]
    assert step["name"] == "AdminInitiateAuth → HTTP 200"
    assert [a["name"] for a in step["attachments"]] == ["request", "response"]
    request = json.loads(attachments[step["attachments"][0]["source"]])
    assert request["body"]["AuthParameters"]["PASSWORD"] == "<redacted:PASSWORD>"
    assert "Hunter2-secret!" not in "".join(attachments.values())
    assert "abc.def.ghi" not in "".join(attachments.values())
    assert (folder / "environment.properties").read_text() == (
        "endpoints=moto\nmoto.botocore.version=1.44.8\nmoto.hypothesis.seed=42\n"
    )


def test_everything_is_a_no_op_without_alluredir(labelled_run, pytester):
    labelled_run().assert_outcomes(passed=1)
    assert not list(pytester.path.rglob("*-result.json"))
    assert not list(pytester.path.rglob("environment.properties"))
    assert listener_active() is False  # this session runs without --alluredir


@pytest.mark.parametrize(
    ("operation", "area"),
    [
        ("AdminListDevices", "Devices"),
        ("AdminAddUserToGroup", "Groups"),
        ("SetUserPoolMfaConfig", "MFA"),
        ("CreateUserPoolClient", "App clients"),
        ("RespondToAuthChallenge", "Sign-in and challenges"),
        ("GlobalSignOut", "Tokens and sign-out"),
        ("ChangePassword", "Sign-up and password recovery"),
        ("AssociateSoftwareToken", "MFA"),
        ("DescribeUserPool", "User pools"),
        ("AdminCreateUser", "Users"),
        ("Frobnicate", "Other"),
    ],
)
def test_api_area(operation, area):
    assert api_area(operation) == area


def test_environment_properties_are_escaped_and_read_back(tmp_path):
    values = {"a key=1": "line\nbreak", "seed": "7", "path": "C:\\x=y"}
    path = write_properties(tmp_path / "environment.properties", values)
    assert path.read_text() == "a\\ key\\=1=line\\nbreak\npath=C:\\\\x=y\nseed=7\n"
    assert read_properties(path) == values


def test_two_endpoints_share_one_environment_file(pytester):
    # Two runs into one results folder (one Allure report for both): neither overwrites the other.
    pytester.makepyfile(
        test_env="""
from pathlib import Path
from conformance.reports.allure import write_environment

def test_env(request):
    results = Path(request.config.getoption("allure_report_dir"))
    write_environment(results, {"endpoint": "moto", "endpoint.version": "moto 5.2.5"})
    write_environment(results, {"endpoint": "cognito-local", "endpoint.version": "cognito-local 5.3.0"})
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--alluredir=res").assert_outcomes(passed=1)
    assert read_properties(pytester.path / "res" / "environment.properties") == {
        "endpoints": "cognito-local,moto",
        "moto.endpoint.version": "moto 5.2.5",
        "cognito-local.endpoint.version": "cognito-local 5.3.0",
    }


def test_environment_info_from_run_json():
    run = json.loads((Path(__file__).parent / "fixtures/runs/20261125T030000Z-moto-2/run.json").read_text())
    info = environment_info(run)
    assert info["endpoint"] == "moto" and info["endpoint.version"] == "moto 5.2.5"
    assert info["botocore.version"] == "1.44.8" and info["specs.model_sha256"].startswith("9c1f")
    assert info["hypothesis.seed"] == "1236"


needs_allure = pytest.mark.skipif(
    not ALLURE.exists() or shutil.which("node") is None, reason="npm ci --prefix tools/npm not run"
)


@pytest.mark.needs_node
@needs_allure
def test_generate_report_offline_single_file(labelled_run, pytester, tmp_path):
    labelled_run("--alluredir=allure-results").assert_outcomes(passed=1)
    index = generate_report(
        pytester.path / "allure-results",
        tmp_path / "allure-report",
        allure_bin=ALLURE,
        history=tmp_path / "allure-history.jsonl",
    )
    assert index.stat().st_size > 100_000
    summary = json.loads((index.parent / "summary.json").read_text())
    assert summary["stats"]["total"] == 1 and summary["stats"]["passed"] == 1
    assert summary["meta"]["singleFile"] is True
    assert (tmp_path / "allure-history.jsonl").is_file()
    # Allure's analytics tag is cut out: opening the report contacts no one.
    html = index.read_text()
    assert "googletagmanager" not in html and "gtag(" not in html
    assert "allureReportData" in html  # and the report's data is still there


@pytest.mark.needs_node
@needs_allure
def test_generate_report_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Allure results"):
        generate_report(tmp_path / "none", tmp_path / "out", allure_bin=ALLURE)
    with pytest.raises(FileNotFoundError, match="npm ci"):
        generate_report(tmp_path, tmp_path / "out", allure_bin=tmp_path / "no-allure")


@pytest.mark.needs_node
@needs_allure
def test_one_command_builds_both_reports(labelled_run, tmp_path, monkeypatch):
    # The "done when": after runs against two endpoints, one command builds both reports.
    reports = tmp_path / "reports"
    shutil.copytree(Path(__file__).parent / "fixtures" / "runs", reports / "runs")
    for endpoint in ("moto", "cognito-local"):
        monkeypatch.setenv("TEST_ENDPOINT", endpoint)
        labelled_run(f"--alluredir={reports / 'allure-results'}").assert_outcomes(passed=1)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.reports",
            "build",
            "--reports",
            str(reports),
            "--allure-bin",
            str(ALLURE),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert (reports / "matrix" / "index.html").is_file()
    assert (reports / "allure-report" / "index.html").is_file()
    # The same test against two endpoints is two results, not one retried (the endpoint parameter).
    stats = json.loads((reports / "allure-report" / "summary.json").read_text())["stats"]
    assert stats["total"] == 2 and stats.get("retries", 0) == 0


def test_strip_analytics_refuses_a_tag_it_cannot_cut(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(
        '<body><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
        "<script>\n window.dataLayer = []; gtag('config', 'G-1');</script><div id=app></div></body>"
    )
    strip_analytics(page)
    assert page.read_text() == "<body><div id=app></div></body>"
    page.write_text('<script src="https://www.googletagmanager.com/gtm.js?id=G-2"></script>')
    with pytest.raises(RuntimeError, match="analytics tag changed form"):
        strip_analytics(page)
