"""Every report names the harness version and the service model its schemas were generated from.

run.json (written by the run), the summary line and summary.json, the matrix page and Allure's
environment: a reader of any of them can tell what judged the endpoint, and a difference between two
reports that comes from a new harness or a new botocore model is not taken for the endpoint's.
"""

from __future__ import annotations

import json

from conformance.records import load_run
from conformance.reports import build_matrix, summary_line
from conformance.reports.allure import environment_info


def test_summary_line_names_harness_and_model(runs_dir, ids):
    summary = json.loads(summary_line(runs_dir / ids.moto_2))
    assert summary["harness_version"] == "0.1.0"
    assert summary["model_botocore_version"] == "1.44.8"


def test_matrix_page_names_harness_and_model(runs_dir, history_file, tmp_path):
    page = build_matrix([runs_dir], tmp_path / "matrix" / "index.html", history_file).read_text()
    assert "harness 0.1.0 · model 1.44.8 (9c1f00000000)" in page


def test_allure_environment_names_harness_model_and_summary(runs_dir, ids):
    run = load_run(runs_dir / ids.moto_2)
    info = environment_info(run.info, {"errors": 2})
    assert info["harness.version"] == "0.1.0"
    assert info["specs.botocore_version"] == "1.44.8" and info["specs.model_sha256"].startswith("9c1f")
    assert info["summary.pass_share"] == "66.7% of 9 checks"
    assert info["summary.expected-divergence"] == "1" and info["summary.divergences.errors"] == "2"
