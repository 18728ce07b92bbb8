"""Expectations in two layers: implementation-wide entries by check and path, behaviour per test.

Run: ``pytest tests/harness/test_expectations_layers.py``.
"""

from __future__ import annotations

import tomllib

import pytest

from conformance.divergence import CheckKind, Confidence, Divergence
from conformance.expectations import (
    EXPECTATIONS_DIR,
    Expectations,
    ExpectationsError,
    TestExpectations,
    WideEntry,
    is_implementation_wide,
)

WIRE = WideEntry("wire.content-type", "headers.Content-Type", frozenset({"DescribeUserPool"}), "json")


def _divergence(operation: str, check: str, path: str) -> Divergence:
    return Divergence(operation, check, path, "A", "B", Confidence.DOCUMENTED, "facts:x", CheckKind.WIRE)


def test_a_wide_entry_covers_its_check_and_path_on_its_operations_in_any_test():
    expectations = Expectations(None, wide=[WIRE])
    for test in ("a.py::t", "b.py::u"):
        verdict = expectations.judge(test, [_divergence("DescribeUserPool", "wire.content-type", WIRE.path)])
        assert [reason for _, reason in verdict.known] == ["json"] and not verdict.failed
    # another operation, another check or another path is not covered
    for divergence in (
        _divergence("ListUsers", "wire.content-type", WIRE.path),
        _divergence("DescribeUserPool", "wire.request-id", WIRE.path),
        _divergence("DescribeUserPool", "wire.content-type", "headers.Other"),
    ):
        assert expectations.judge("a.py::t", [divergence]).unexpected == [divergence]


def test_any_operation_and_list_positions():
    entry = WideEntry("schema.additional-property", "$.UserPools[*].Arn", frozenset({"*"}), "extra member")
    expected = TestExpectations({}, (entry,))
    assert _divergence("ListUserPools", "schema.additional-property", "$.UserPools[3].Arn") in expected
    assert "AnyOperation schema.additional-property $.UserPools[*].Arn" in expected
    assert "AnyOperation schema.additional-property $.UserPools[*].Id" not in expected


def test_a_wide_entry_vanishes_only_when_its_operations_ran_without_it():
    expectations = Expectations(None, wide=[WIRE])
    expectations.judge("a.py::t", [], operations=["ListUsers"])
    assert expectations.vanished_wide() == []  # DescribeUserPool never ran: nothing to judge
    expectations.judge("a.py::u", [], operations=["DescribeUserPool"])
    assert expectations.vanished_wide() == [WIRE]
    expectations.judge("a.py::v", [_divergence("DescribeUserPool", "wire.content-type", WIRE.path)])
    assert expectations.vanished_wide() == []


def test_entries_for_one_transport_apply_to_it_only(tmp_path):
    path = tmp_path / "moto.toml"
    path.write_text(
        '[[everywhere]]\ncheck = "wire.request-id"\npath = "headers.x-amzn-RequestId"\noperations = ["*"]\n'
        'reason = "server only (facts:protocol.wire-request-id)"\nonly = "moto-server"\n\n'
        '[[divergence]]\ntest = "t.py::t"\nkey = "Op error.code $.__type"\nreason = "both (facts:pools.unknown-pool)"\n'
    )
    server = Expectations.load(path, transport="moto-server")
    in_process = Expectations.load(path, transport="moto")
    key = "Op wire.request-id headers.x-amzn-RequestId"
    assert key in server.for_test("t.py::t") and key not in in_process.for_test("t.py::t")
    assert "Op error.code $.__type" in in_process.for_test("t.py::t")


def test_update_writes_wide_findings_to_the_first_layer_and_keeps_reasons(tmp_path):
    path = tmp_path / "e.toml"
    expectations = Expectations(path, wide=[WIRE], transport="moto")
    observed = {
        "a.py::t": [
            _divergence("DescribeUserPool", "wire.content-type", WIRE.path),
            _divergence("ListUsers", "wire.content-type", WIRE.path),
            _divergence("ListUsers", "error.code", "$.__type"),
        ]
    }
    for test, divergences in observed.items():
        expectations.judge(test, divergences)
    expectations.write(observed, keep=set(), header="h")
    data = tomllib.loads(path.read_text())
    assert data["everywhere"] == [
        {
            "check": "wire.content-type",
            "path": "headers.Content-Type",
            "operations": ["DescribeUserPool", "ListUsers"],
            "reason": "json",
        }
    ]
    assert data["divergence"] == [{"test": "a.py::t", "key": "ListUsers error.code $.__type", "reason": ""}]


def test_a_wide_entry_without_reason_or_operations_is_refused(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('[[everywhere]]\ncheck = "wire.x"\npath = "h"\noperations = ["*"]\nreason = " "\n')
    with pytest.raises(ExpectationsError, match="has no reason"):
        Expectations.load(path)
    path.write_text('[[everywhere]]\ncheck = "wire.x"\npath = "h"\nreason = "r"\n')
    with pytest.raises(ExpectationsError, match="needs 'operations'"):
        Expectations.load(path)


def test_one_file_per_implementation_and_wide_checks_only_in_the_wide_layer():
    """moto in-process and moto server share moto.toml; the per-test layer holds behaviour only."""
    files = sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.toml"))
    assert "moto-server" not in files and "moto" in files
    for name in files:
        data = tomllib.loads((EXPECTATIONS_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        for entry in data.get("divergence", []):
            check = entry["key"].split(" ")[1]
            assert not is_implementation_wide(check), (name, entry["test"], entry["key"])
        Expectations.load(EXPECTATIONS_DIR / f"{name}.toml")  # every entry has a reason


def test_the_run_session_fails_a_vanished_wide_entry_only_on_a_whole_suite_run(tmp_path):
    """The session's end-of-run judgement: a whole-suite run reports a wide entry it never met."""
    from conformance.endpoints import parse
    from conformance.session import RunSession

    file = tmp_path / "moto.toml"
    file.write_text(
        '[[everywhere]]\ncheck = "wire.content-type"\npath = "headers.Content-Type"\n'
        'operations = ["DescribeUserPool"]\nreason = "json on errors (facts:protocol.wire-error-content-type)"\n'
    )
    run = RunSession.create(parse("moto"), "option", tmp_path / "reports")
    run.load_expectations(str(file), updating=False)
    run._judge("test_pools.py::t", [], ["DescribeUserPool"])
    assert run.vanished_wide() == []  # a subset (or an unknown one): not judged
    run.whole_suite = True
    (block,) = run.vanished_wide()
    assert block.startswith("Expected divergence no longer happens")
    assert "everywhere: wire.content-type headers.Content-Type on DescribeUserPool" in block
    assert run.finish_run().failed
