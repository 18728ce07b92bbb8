"""Reading runs back, the history file, and the one-line summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.reports import append_run, load_run, load_runs, read_history, summary_line, write_summary
from conformance.reports.history import changes_since_previous, merge_history, pass_share

ROOT = Path(__file__).resolve().parents[2]


def test_load_runs_groups_lines_by_run_oldest_first(runs_dir, ids):
    runs = load_runs([runs_dir])
    assert [r.run_id for r in runs] == [ids.moto_1, ids.local_1, ids.moto_2, ids.local_2]
    moto_2 = runs[2]
    assert moto_2.endpoint == "moto" and moto_2.endpoint_version == "moto 5.2.5"
    assert moto_2.counts() == {
        "pass": 6,
        "divergence": 1,
        "expected-divergence": 1,
        "unsupported": 1,
        "harness-error": 0,
    }
    assert set(moto_2.divergence_index()) == {ids.user_status, ids.user_exists_message}


def test_load_runs_from_one_shared_folder_and_from_files(runs_dir, tmp_path, ids):
    # Runs of several endpoints appended to the same files still come back as separate runs.
    shared = tmp_path / "shared"
    shared.mkdir()
    for name in ("results.jsonl", "divergences.jsonl"):
        with (shared / name).open("w") as out:
            for run_id in (ids.moto_2, ids.local_2):
                out.write((runs_dir / run_id / name).read_text())
    (shared / "run.json").write_text((runs_dir / ids.local_2 / "run.json").read_text())
    runs = load_runs([shared])
    assert {r.run_id: r.endpoint for r in runs} == {ids.moto_2: "moto", ids.local_2: "cognito-local"}
    # The folder's run.json names the current run.
    assert load_run(shared).run_id == ids.local_2
    assert [r.run_id for r in load_runs([runs_dir / ids.moto_1 / "results.jsonl"])] == [ids.moto_1]


def test_a_truncated_jsonl_line_is_an_error_naming_file_and_line(runs_dir, ids):
    results = runs_dir / ids.moto_1 / "results.jsonl"
    results.write_text(results.read_text() + '{"run_id": "cut of')
    with pytest.raises(ValueError, match=r"results\.jsonl:10: not JSON"):
        load_runs([runs_dir])


def test_missing_input_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_runs([tmp_path / "nope"])
    with pytest.raises(ValueError, match="no run.json"):
        load_run(tmp_path)


def test_append_run_writes_the_compact_summary_once(runs_dir, tmp_path, ids):
    history = tmp_path / "out" / "history.jsonl"
    summary = append_run(runs_dir / ids.moto_2, history)
    assert append_run(runs_dir / ids.moto_2, history) == summary  # idempotent: re-running CI adds nothing
    lines = history.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0]) == summary
    assert summary["date"] == "2026-11-25T03:00:42Z"
    assert summary["endpoint"] == "moto" and summary["endpoint_version"] == "moto 5.2.5"
    assert summary["harness_version"] == "0.1.0" and summary["botocore_version"] == "1.44.8"
    assert summary["model_sha256"].startswith("9c1f")
    assert summary["operations"]["AdminCreateUser"] == {"divergence": 1, "expected-divergence": 1}
    assert summary["divergence_ids"] == sorted([ids.user_status, ids.user_exists_message])
    assert summary["known_divergence_ids"] == [ids.user_status]
    assert summary["pass_share"] == pytest.approx(6 / 9, abs=1e-4)
    # Compact: no expected/actual values or evidence from the endpoint.
    assert "evidence" not in lines[0] and "expected" not in summary and "alert" not in lines[0]


def test_new_and_fixed_divergences_per_endpoint(runs_dir, tmp_path, ids):
    history = tmp_path / "history.jsonl"
    for run_id in (ids.moto_1, ids.local_1, ids.moto_2, ids.local_2):
        append_run(runs_dir / run_id, history)
    changes = changes_since_previous(read_history(history))
    assert changes["moto"]["previous_run_id"] == ids.moto_1
    assert changes["moto"]["new"] == [ids.user_exists_message]
    assert changes["moto"]["fixed"] == [ids.pool_missing_member]
    assert changes["moto"]["labels"][ids.pool_missing_member] == (
        "DescribeUserPool schema.missing-member $.UserPool.DeletionProtection"
    )
    assert changes["cognito-local"]["new"] == [ids.issuer_claim]
    assert changes["cognito-local"]["fixed"] == [ids.user_exists_code]


def test_an_endpoint_with_one_run_has_nothing_new_or_fixed(runs_dir, ids):
    changes = changes_since_previous(merge_history([], load_runs([runs_dir / ids.moto_1])))
    assert changes["moto"] == {**changes["moto"], "previous_run_id": None, "new": [], "fixed": []}


def test_merge_history_keeps_history_and_adds_unrecorded_runs(runs_dir, history_file, ids):
    merged = merge_history(read_history(history_file), load_runs([runs_dir]))
    assert [r["run_id"] for r in merged][:2] == ["20261110T030000Z-moto-0", ids.moto_1]
    assert len(merged) == 5


def test_pass_share_counts_unsupported_as_not_passing():
    assert pass_share({"pass": 3, "unsupported": 1}) == 0.75
    assert pass_share({}) == 0.0


@pytest.mark.parametrize(
    ("run", "status", "hard"),
    [
        ("moto_1", "fail", 1),  # a verified divergence
        ("moto_2", "pass", 0),  # only an expected one and one on an UNVERIFIED fact: never a failure
        ("local_1", "fail", 2),
        ("local_2", "fail", 1),  # a harness error fails too
    ],
)
def test_summary_line_is_one_line_of_json(runs_dir, ids, run, status, hard):
    line = summary_line(runs_dir / getattr(ids, run))
    assert "\n" not in line
    summary = json.loads(line)
    assert summary["status"] == status and summary["hard_divergences"] == hard
    assert summary["checks"] == 9 and summary["run_id"] == getattr(ids, run)


def test_summary_status_fails_on_an_unexpected_verified_divergence(runs_dir, ids):
    # The check can fail: make moto run 2's UNVERIFIED divergence a verified one.
    run_dir = runs_dir / ids.moto_2
    for name in ("results.jsonl", "divergences.jsonl"):
        path = run_dir / name
        path.write_text(path.read_text().replace('"confidence": "unverified"', '"confidence": "verified"'))
    assert json.loads(summary_line(run_dir))["status"] == "fail"


def test_write_summary_writes_summary_json(runs_dir, ids):
    line = write_summary(runs_dir / ids.moto_2)
    assert (runs_dir / ids.moto_2 / "summary.json").read_text() == line + "\n"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance.reports", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_cli_history_append_and_summary(runs_dir, tmp_path, ids):
    done = _cli("history-append", str(runs_dir / ids.moto_1), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["run_id"] == ids.moto_1
    assert (tmp_path / "reports" / "history.jsonl").is_file()  # the default history path
    done = _cli("summary", str(runs_dir / ids.moto_1), "--write", cwd=tmp_path)
    assert json.loads(done.stdout)["status"] == "fail"
    done = _cli("summary", str(tmp_path / "empty"), cwd=tmp_path)
    assert done.returncode == 2 and "error:" in done.stderr


def test_the_divergences_own_confidence_decides_not_the_tests(runs_dir, ids):
    # A test on a documented fact may find a divergence on an UNVERIFIED one: reported, not failing.
    results = runs_dir / ids.moto_2 / "results.jsonl"
    results.write_text(
        results.read_text().replace('"confidence": "unverified"', '"confidence": "documented"')
    )
    assert json.loads(summary_line(runs_dir / ids.moto_2))["status"] == "pass"
    from conformance.reports.matrix import build_cells

    cell = build_cells(load_run(runs_dir / ids.moto_2))[("AdminCreateUser", "errors")]
    assert cell.status == "unverified"
