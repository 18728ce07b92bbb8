"""Expectations hygiene: reasons that cite the step's fact, machine keys that name the values compared,
and divergences judged even when their test ends unsupported.

Run: ``pytest tests/harness/test_expectations_hygiene.py -q``.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from conformance.divergence import CheckKind, Confidence, Divergence
from conformance.expectations import (
    EXPECTATIONS_DIR,
    Expectations,
    ExpectationsError,
    cited_facts,
    judge,
    reason_problem,
)
from conformance.facts import catalogue
from conformance.machines.base import qualified


@pytest.mark.parametrize(
    "reason",
    ["TODO", "todo: write it", "known", "Known.", "explored; no record in the last run", "TBD", "?", "-"],
)
def test_placeholder_reasons_are_refused(tmp_path: Path, reason: str) -> None:
    path = tmp_path / "e.toml"
    path.write_text(f'[[divergence]]\ntest = "t.py::t"\nkey = "Op check $"\nreason = "{reason}"\n')
    with pytest.raises(ExpectationsError, match="placeholder"):
        Expectations.load(path)


def test_a_reason_must_cite_a_catalogue_fact(tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_text('[[divergence]]\ntest = "t.py::t"\nkey = "Op check $"\nreason = "moto differs"\n')
    with pytest.raises(ExpectationsError, match="cites no fact"):
        Expectations.load(path)
    path.write_text('[[divergence]]\ntest = "t.py::t"\nkey = "Op check $"\nreason = "x (facts:pools.nope)"\n')
    with pytest.raises(ExpectationsError, match="not in the catalogue: pools.nope"):
        Expectations.load(path)
    path.write_text(
        '[[divergence]]\ntest = "t.py::t"\nkey = "Op check $"\n'
        'reason = "moto answers X; AWS: Y (facts:pools.unknown-pool)"\n'
    )
    assert Expectations.load(path).entries == {
        "t.py::t": {"Op check $": "moto answers X; AWS: Y (facts:pools.unknown-pool)"}
    }


def test_while_updating_an_empty_reason_is_kept_for_a_person_to_write(tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_text('[[divergence]]\ntest = "t.py::t"\nkey = "Op check $"\nreason = ""\n')
    assert Expectations.load(path, allow_missing_reasons=True).entries == {"t.py::t": {"Op check $": ""}}


def _shipped() -> list[tuple[str, str, str]]:
    """(file, entry, reason) of every entry of every shipped expectations file."""
    rows = []
    for file in sorted(EXPECTATIONS_DIR.glob("*.toml")):
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        for entry in data.get("everywhere", []):
            rows.append((file.name, f"everywhere {entry['check']} {entry['path']}", entry["reason"]))
        for entry in data.get("divergence", []):
            rows.append((file.name, f"{entry['test']} / {entry['key']}", entry["reason"]))
    return rows


def test_every_shipped_reason_cites_a_catalogue_fact() -> None:
    problems = [f"{f}: {e}: {p}" for f, e, r in _shipped() if (p := reason_problem(r))]
    assert not problems, "\n".join(problems)


def test_no_expectation_rests_on_an_unverified_fact() -> None:
    """A known divergence must be one that would fail: a fact the third pass withdrew or downgraded
    to unverified is only reported, so an entry citing it hides nothing and misleads the reader."""
    facts = catalogue()
    soft = [
        f"{f}: {e}: facts:{i}"
        for f, e, r in _shipped()
        for i in cited_facts(r)[:1]
        if not facts[i].confidence.is_hard
    ]
    assert not soft, "\n".join(soft)


def _code_divergence(expected: str, actual: str, check: str = "error.code") -> Divergence:
    return Divergence(
        "AdminInitiateAuth",
        check,
        "$.__type",
        expected,
        actual,
        Confidence.LIKELY,
        "facts:x",
        CheckKind.ERRORS,
    )


def test_machine_keys_carry_the_expected_and_returned_codes() -> None:
    wrong_code = qualified(_code_divergence("NotAuthorizedException", "UserNotFoundException"))
    success = qualified(_code_divergence("NotAuthorizedException", "success (HTTP 200)"))
    failed = qualified(
        _code_divergence("success (HTTP 200)", "InvalidParameterException (HTTP 400): no", "outcome.success")
    )
    assert wrong_code.key() == (
        "AdminInitiateAuth error.code $.__type expected NotAuthorizedException returned UserNotFoundException"
    )
    assert success.key().endswith("expected NotAuthorizedException returned success")
    assert failed.key().endswith("expected success returned InvalidParameterException")
    # One known entry no longer swallows an unrelated wrong code at the same step.
    verdict = judge([success], {wrong_code.key(): "moto answers ... (facts:auth.prevent-existence)"})
    assert verdict.unexpected == [success]


def test_machine_keys_stay_stable_across_runs() -> None:
    # Request values (usernames, ids, dates) never enter a key: a run's names are its own.
    one = qualified(_code_divergence("m1a2-u1", "m9z8-u1", check="value"))
    two = qualified(_code_divergence("m3b4-u1", "m7y6-u1", check="value"))
    assert one.key() == two.key() == "AdminInitiateAuth value $.__type expected a string returned a string"
    keys = qualified(_code_divergence(["SALT", "SRP_B"], ["SALT"], check="keys"))  # type: ignore[arg-type]
    assert keys.key().endswith("expected [SALT,SRP_B] returned [SALT]")


#: A test of our own that meets a divergence, then an operation the endpoint does not implement.
DIVERGES_THEN_UNSUPPORTED = """
from conformance.calls import Unsupported
from conformance.facts import fact


def test_diverges_then_unsupported(cognito, check):
    cognito.list_user_pools(MaxResults=10)
    check.that(
        False,
        operation="ListUserPools",
        check="value",
        path="$.UserPools",
        expected="AWS's answer",
        actual="another",
        fact=fact("pools.list-user-pools"),
    )
    raise Unsupported("ListDevices", "not implemented here")


def test_answered(cognito):
    cognito.list_user_pools(MaxResults=10)
"""


def test_a_divergence_before_an_unsupported_step_is_judged(pytester: pytest.Pytester) -> None:
    """run.json's verdict and pytest's exit status agree when a test ends unsupported."""
    pytester.makepyfile(test_mixed=DIVERGES_THEN_UNSUPPORTED)
    reports = pytester.path / "reports"
    args = ["--endpoint=reference", f"--reports-dir={reports}", "-p", "no:cacheprovider", "test_mixed.py"]

    # Unexpected: the test fails, and the record says the same.
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    result.stdout.fnmatch_lines(["*Expectation key       : ListUserPools value $.UserPools*"])
    assert json.loads((reports / "run.json").read_text())["status"] == "fail"
    (record,) = [json.loads(line) for line in (reports / "divergences.jsonl").read_text().splitlines()]
    assert record["known"] is False

    # Known: the test is reported unsupported (skipped), the run passes, the record names the reason.
    file = pytester.path / "expectations.toml"
    reason = "this endpoint lists other pools (facts:pools.list-user-pools)"
    file.write_text(
        f'[[divergence]]\ntest = "test_mixed.py::test_diverges_then_unsupported"\n'
        f'key = "ListUserPools value $.UserPools"\nreason = "{reason}"\n'
    )
    result = pytester.runpytest_subprocess(*args, f"--expectations={file}")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.assert_outcomes(skipped=1, passed=1)
    assert json.loads((reports / "run.json").read_text())["status"] == "pass"
    (record,) = [json.loads(line) for line in (reports / "divergences.jsonl").read_text().splitlines()]
    assert record["known"] is True and record["known_reason"] == reason


def test_shipped_machine_entries_name_the_values_compared() -> None:
    loose = []
    for file in sorted(EXPECTATIONS_DIR.glob("*.toml")):
        for entry in tomllib.loads(file.read_text(encoding="utf-8")).get("divergence", []):
            if entry["test"].startswith("test_machines.py::"):
                key = entry["key"]
                if not (" expected " in key and " returned " in key) and " of " not in key:
                    loose.append(f"{file.name}: {entry['test']} / {key}")
    assert not loose, "machine keys without the values compared:\n" + "\n".join(loose)


DIVERGES_THEN_SKIPS = """
import pytest

from conformance.facts import fact


def test_diverges_then_skips(cognito, check):
    cognito.list_user_pools(MaxResults=10)
    check.that(
        False,
        operation="ListUserPools",
        check="value",
        path="$.UserPools",
        expected="AWS's answer",
        actual="another",
        fact=fact("pools.list-user-pools"),
    )
    pytest.skip("the endpoint's clock cannot be advanced")
"""


def test_a_divergence_before_a_skip_is_judged(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_skips=DIVERGES_THEN_SKIPS)
    reports = pytester.path / "reports"
    result = pytester.runpytest_subprocess(
        "--endpoint=reference", f"--reports-dir={reports}", "-p", "no:cacheprovider", "test_skips.py"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    assert json.loads((reports / "run.json").read_text())["status"] == "fail"
