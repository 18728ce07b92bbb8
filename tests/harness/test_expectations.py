"""Expectations: known divergences pass with their reason; unexpected and vanished ones fail.

Run: ``pytest tests/harness/test_expectations.py``.
"""

from __future__ import annotations

import pytest

from conformance.divergence import CheckKind, Confidence, Divergence
from conformance.expectations import Expectations, ExpectationsError, judge, normalize_test_id

TARGET = "test_pools.py::test_describe_unknown_user_pool_is_resource_not_found"


def _divergence(check: str, confidence: Confidence = Confidence.DOCUMENTED) -> Divergence:
    return Divergence("DescribeUserPool", check, "$.__type", "A", "B", confidence, "§7 [x]", CheckKind.ERRORS)


def test_judge_sorts_unexpected_known_vanished_and_soft():
    observed = [
        _divergence("error.code"),
        _divergence("error.message"),
        _divergence("soft", Confidence.UNVERIFIED),
    ]
    expected = {
        "DescribeUserPool error.message $.__type": "reason one",
        "DescribeUserPool gone $.x": "reason two",
    }
    verdict = judge(observed, expected)
    assert [d.check for d in verdict.unexpected] == ["error.code"]
    assert [(d.check, r) for d, r in verdict.known] == [("error.message", "reason one")]
    assert verdict.vanished == [("DescribeUserPool gone $.x", "reason two")]
    assert [d.check for d in verdict.soft] == ["soft"]
    assert verdict.failed


def test_unverified_divergences_never_fail():
    verdict = judge([_divergence("x", Confidence.UNVERIFIED)], {})
    assert not verdict.failed and len(verdict.soft) == 1


def test_aws_ignores_expectations():
    verdict = judge(
        [_divergence("error.code")], {"DescribeUserPool error.code $.__type": "r"}, use_expectations=False
    )
    assert verdict.unexpected and not verdict.known and not verdict.vanished


def test_test_ids_do_not_depend_on_the_rootdir():
    assert normalize_test_id("a/b/conformance/suite/test_x.py::test_y[p-1]") == "test_x.py::test_y[p-1]"


def test_an_entry_without_reason_is_refused(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text('[[divergence]]\ntest = "t.py::t"\nkey = "Op check $"\nreason = ""\n')
    with pytest.raises(ExpectationsError, match="has no reason"):
        Expectations.load(path)


def test_round_trip_of_the_file_format(tmp_path):
    path = tmp_path / "e.toml"
    expectations = Expectations(
        path, {"t.py::t": {_divergence("error.code").key(): 'quoted "reason" (facts:pools.unknown-pool)'}}
    )
    expectations.entries["other.py::t"] = {"Op c $": "kept (facts:pools.unknown-pool)"}
    expectations.write({"t.py::t": [_divergence("error.code")]}, keep={"other.py::t"}, header="header line")
    assert Expectations.load(path).entries == {
        "t.py::t": {"DescribeUserPool error.code $.__type": 'quoted "reason" (facts:pools.unknown-pool)'},
        "other.py::t": {"Op c $": "kept (facts:pools.unknown-pool)"},
    }


def test_update_then_known_then_vanished(run_suite, tmp_path):
    """The whole cycle on a miniature whose unknown-pool error code is wrong."""
    file = tmp_path / "miniature.toml"
    wrong = ["--endpoint=miniature:wrong-error-code", f"--expectations={file}"]

    # 1. unexpected: fails, and says how to record it
    result, _ = run_suite(*wrong[:1], target=TARGET)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "Divergence            : error.code (errors, documented)",
            "Expectation key       : DescribeUserPool error.code $.__type",
        ]
    )

    # 2. --update-expectations writes the entry with an empty reason, which a later run refuses
    result, _ = run_suite(*wrong, "--update-expectations", target=TARGET)
    assert 'key = "DescribeUserPool error.code $.__type"' in file.read_text()
    result, _ = run_suite(*wrong, target=TARGET)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: *has no reason*"])

    # 3. with a reason: the divergence is known and the run passes
    file.write_text(
        file.read_text().replace(
            'reason = ""', 'reason = "this miniature answers with the wrong code (facts:pools.unknown-pool)"'
        )
    )
    result, reports = run_suite(*wrong, target=TARGET)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert '"known": true' in (reports / "divergences.jsonl").read_text().replace(
        '"known":true', '"known": true'
    )

    # 4. against an endpoint without that divergence: the entry has vanished, and the run fails
    result, _ = run_suite("--endpoint=reference", f"--expectations={file}", target=TARGET)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "Expected divergence no longer happens",
            "Expectation key       : DescribeUserPool error.code $.__type",
        ]
    )
    assert "Divergence            :" not in result.stdout.str()  # the faithful endpoint shows nothing else
