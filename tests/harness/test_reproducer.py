""" "Reproduce with": the script in a divergence runs on its own and shows the same answer.

Run: ``pytest tests/harness/test_reproducer.py``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conformance.records import read_jsonl

# moto 5.2.5 answers a correct PASSWORD_VERIFIER (USERNAME = USER_ID_FOR_SRP, §1) with
# UserNotFoundException: a real divergence whose reproducer needs SRP recomputed in the script.
TARGET = "test_devices.py::test_sign_in_with_a_remembered_device_keeps_its_key"


def test_reproducer_runs_alone_and_reproduces(run_suite, tmp_path):
    none_known = tmp_path / "none.toml"  # moto's own file lists this divergence; here it must fail
    none_known.write_text("")
    result, reports = run_suite("--endpoint=moto", f"--expectations={none_known}", target=TARGET)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    records = [r for r in read_jsonl(reports / "divergences.jsonl") if r["check"] == "outcome.success"]
    assert records, "the moto divergence should be recorded"
    script = records[0]["reproducer"]
    assert "UserSrpClient(" in script and "answer_password_verifier(" in script
    assert "not shown>" not in script, "every secret-derived value is recomputed by the script"
    path = tmp_path / "repro.py"
    path.write_text(script)
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (
        "respond_to_auth_challenge {'Message': 'User does not exist.', 'Code': 'UserNotFoundException'}"
        in run.stdout
    )


def test_reproducer_prints_no_secret_of_the_run(run_suite):
    result, reports = run_suite("--endpoint=moto", target=TARGET, inprocess=True)
    from conformance import redact

    scripts = "\n".join(r["reproducer"] for r in read_jsonl(reports / "divergences.jsonl"))
    assert scripts
    for secret in redact._secrets:
        assert secret not in scripts
