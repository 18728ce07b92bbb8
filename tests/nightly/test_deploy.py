"""The IAM role template and the GitHub Actions workflows: what they allow and run.

Both are linted by ``.ci/lint-deploy`` (cfn-lint, actionlint); these tests check what a linter cannot:
that the role allows exactly what the suite signs, and that the nightly runs in the order it must.
"""

from __future__ import annotations

from pathlib import Path

import botocore.session
import pytest
import yaml

import conformance
from conformance import profiles
from conformance.areas import AREAS

cfn_yaml = pytest.importorskip("cfnlint.decode.cfn_yaml", reason="cfn-lint comes with the dev extra")

REPO = Path(conformance.__file__).resolve().parent.parent
#: The tag every pool the harness creates on AWS carries (conformance/lifecycle.py ``TAG_RUN``).
HARNESS_TAG = "cognito-conformance:run-id"


def _statements() -> dict[str, dict]:
    template = cfn_yaml.load(str(REPO / "deploy" / "iam-role.yaml"))
    policy = template["Resources"]["NightlyRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    return {statement["Sid"]: statement for statement in policy["Statement"]}


def _actions(statement: dict) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def test_the_role_allows_exactly_the_operations_the_suite_signs() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    signed = {
        f"cognito-idp:{operation}"
        for _, operations in AREAS.values()
        for operation in operations
        if model.operation_model(operation).auth_type != "none"
    }
    allowed = set().union(*(_actions(s) for s in _statements().values()))
    # TagResource: the pools are created with their tags; sts: the account check before any call.
    assert allowed == signed | {"cognito-idp:TagResource", "sts:GetCallerIdentity"}


def test_changes_and_deletions_need_the_harness_tag_and_creation_gives_it() -> None:
    statements = _statements()
    deleting = statements["ChangeOrDeleteOnlyHarnessPools"]
    assert {"cognito-idp:DeleteUserPool", "cognito-idp:UpdateUserPool"} <= _actions(deleting)
    assert deleting["Condition"] == {"Null": {f"aws:ResourceTag/{HARNESS_TAG}": "false"}}
    creating = statements["CreateTaggedPools"]
    assert creating["Condition"] == {"Null": {f"aws:RequestTag/{HARNESS_TAG}": "false"}}
    for sid, statement in statements.items():
        if sid not in ("WhoAmI", "ListPools", "CreateTaggedPools"):
            assert ":userpool/" in str(statement["Resource"]), f"{sid} is not limited to the account's pools"


def _workflow(name: str) -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def test_ci_runs_the_ci_script_on_pushes_and_pull_requests() -> None:
    workflow = _workflow("ci.yml")
    assert set(workflow[True]) == {"push", "pull_request"}  # YAML reads the key "on" as True
    runs = [step.get("run", "") for step in workflow["jobs"]["ci"]["steps"]]
    assert any("bash .ci/run" in run for run in runs)
    replay = next(step for step in workflow["jobs"]["ci"]["steps"] if "EXAMPLES_FROM_GITHUB" in str(step))
    assert replay["env"][profiles.EXAMPLES_FROM_GITHUB_ENV] == "${{ github.repository }}"


def test_the_nightly_assumes_the_role_cleans_first_then_runs_the_budget_profile_recorded() -> None:
    workflow = _workflow("nightly-aws.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    assert workflow["permissions"]["id-token"] == "write"
    steps = workflow["jobs"]["aws"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    runs = [step.get("run", "") for step in steps]
    credentials = steps[
        uses.index(next(u for u in uses if u.startswith("aws-actions/configure-aws-credentials")))
    ]
    assert credentials["with"]["role-to-assume"] == "${{ vars.CONFORMANCE_AWS_ROLE_ARN }}"
    janitor = next(i for i, run in enumerate(runs) if "python -m conformance.janitor" in run)
    suite = next(i for i, run in enumerate(runs) if "pytest --endpoint=aws" in run)
    assert uses.index(credentials["uses"]) < janitor < suite
    assert "--hypothesis-profile=aws-budget" in runs[suite] and "--record=" in runs[suite]
    uploaded = {
        step["with"]["name"] for step in steps if step.get("uses", "").startswith("actions/upload-artifact")
    }
    assert {"reports-aws", "recording-aws", profiles.EXAMPLES_ARTIFACT} <= uploaded
    assert workflow["env"][profiles.EXAMPLES_DIR_ENV] == ".hypothesis/examples"


def test_an_example_database_only_when_the_environment_asks(tmp_path: Path) -> None:
    from hypothesis.database import DirectoryBasedExampleDatabase, MultiplexedDatabase

    assert profiles.example_database({}) is None
    local = profiles.example_database({profiles.EXAMPLES_DIR_ENV: str(tmp_path)})
    assert isinstance(local, DirectoryBasedExampleDatabase)
    both = profiles.example_database(
        {profiles.EXAMPLES_DIR_ENV: str(tmp_path), profiles.EXAMPLES_FROM_GITHUB_ENV: "owner/repo"}
    )
    assert isinstance(both, MultiplexedDatabase)
