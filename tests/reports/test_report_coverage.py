"""The seed-surface coverage summary: a view of a run's results lines.

Run: ``pytest tests/reports/test_report_coverage.py``.
"""

from __future__ import annotations

import json

from conformance.reports.coverage import coverage_from_results, coverage_of_run


def _record(test_id, operation, kind, outcome="pass"):
    return {"test_id": test_id, "operation": operation, "kind": kind, "outcome": outcome}


def test_coverage_sorts_results_into_schema_scenario_errors_and_machine():
    results = [
        _record("test_machines.py::test_user_lifecycle_machine", "ListUsers", "semantics"),
        _record("test_machines.py::test_user_lifecycle_machine", "ListUsers", "shape"),
        _record("test_users.py::test_list_users_filter", "ListUsers", "semantics"),
        _record("test_users.py::test_list_users_limit_too_big", "ListUsers", "errors"),
        _record("test_users.py::test_admin_get_user", "AdminGetUser", "wire"),
        _record("test_devices.py::test_get_device", "GetDevice", "srp-devices", "unsupported"),
    ]
    coverage = coverage_from_results(results, ["ListUsers", "AdminGetUser", "GetDevice"])
    by_op = {op.operation: op for op in coverage.operations}
    assert by_op["ListUsers"].complete
    assert by_op["AdminGetUser"].missing() == ("schema", "scenario", "errors", "machine")
    assert by_op["GetDevice"].missing() == (
        "schema",
        "scenario",
        "errors",
        "machine",
    )  # unsupported: no count
    assert coverage.counts() == {
        "operations": 3,
        "schema": 1,
        "scenario": 1,
        "errors": 1,
        "machine": 1,
        "complete": 1,
    }
    assert not coverage.complete


def test_an_operation_whose_errors_were_never_judged_is_not_covered():
    """Issue 13: successes alone do not cover an operation; an errors test must have judged it too."""
    results = [
        _record("test_machines.py::test_pool_machine", "CreateUserPool", "semantics"),
        _record("test_pools.py::test_create_user_pool", "CreateUserPool", "shape"),
        _record("test_pools.py::test_create_user_pool", "CreateUserPool", "semantics"),
    ]
    [operation] = coverage_from_results(results, ["CreateUserPool"]).operations
    assert not operation.complete and operation.missing() == ("errors",)
    refused = _record(
        "test_pools.py::test_create_user_pool_refuses_invalid_parameters", "CreateUserPool", "errors"
    )
    [operation] = coverage_from_results([*results, refused], ["CreateUserPool"]).operations
    assert operation.complete and operation.tests["errors"] == (refused["test_id"],)


def test_coverage_of_a_run_reads_results_jsonl(tmp_path):
    (tmp_path / "results.jsonl").write_text(json.dumps(_record("test_x.py::t", "ListUsers", "shape")) + "\n")
    coverage = coverage_of_run(tmp_path, ["ListUsers"])
    assert coverage.operations[0].schema and not coverage.operations[0].machine
    assert coverage_of_run(tmp_path / "missing", ["ListUsers"]).counts()["schema"] == 0


def test_every_area_is_judged_and_printed_with_what_its_operations_lack():
    """Issue 15: each area's operations show as exercised by schema, scenario, errors and machine checks."""
    from conformance.areas import AREAS
    from conformance.reports.coverage import coverage_by_area
    from conformance.reports.terminal import area_coverage_lines

    results = [
        _record("test_groups.py::test_create_group", "CreateGroup", "shape"),
        _record("test_groups.py::test_create_group", "CreateGroup", "semantics"),
        _record("test_groups.py::test_create_group_twice", "CreateGroup", "errors"),
        _record("test_machines.py::test_groups_machine", "CreateGroup", "semantics"),
    ]
    areas = {found.area: found for found in coverage_by_area(results)}
    assert set(areas) == set(AREAS)
    groups = areas["groups"].counts()
    assert groups["complete"] == 1 and groups["operations"] == len(AREAS["groups"][1])
    lines = area_coverage_lines(results)
    [line] = [line for line in lines if line.startswith(f"  {AREAS['groups'][0]} (")]
    assert "all four 1" in line and "GetGroup (schema, scenario, errors, machine)" in line
    assert "CreateGroup (" not in line
    assert area_coverage_lines([]) == []
