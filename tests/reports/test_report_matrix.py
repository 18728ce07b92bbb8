"""The matrix page built from the fixture runs: cells, details, trend, changes, escaping, links."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.reports import build_matrix, load_runs, read_history
from conformance.reports.browser import broken_links
from conformance.reports.matrix import build_cells, matrix_context, render_matrix

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def context(runs_dir, history_file):
    return matrix_context(load_runs([runs_dir]), read_history(history_file))


def _cell(context, endpoint, operation, kind):
    column = [c["endpoint"] for c in context["columns"]].index(endpoint)
    row = next(r for r in context["rows"] if (r["operation"], r["kind"]) == (operation, kind))
    return row["cells"][column]


def test_columns_are_each_endpoints_latest_run_in_the_issues_order(context, ids):
    assert [(c["endpoint"], c["run"].run_id) for c in context["columns"]] == [
        ("moto", ids.moto_2),
        ("cognito-local", ids.local_2),
    ]


@pytest.mark.parametrize(
    ("endpoint", "operation", "kind", "status", "label"),
    [
        ("moto", "DescribeUserPool", "shape", "pass", "pass"),
        ("moto", "AdminCreateUser", "errors", "unverified", "divergent (1, unverified)"),
        ("moto", "AdminCreateUser", "semantics", "known", "known (1)"),
        ("moto", "ConfirmDevice", "srp-devices", "unsupported", "unsupported"),
        ("cognito-local", "CreateUserPool", "shape", "divergent", "divergent (1)"),
        ("cognito-local", "InitiateAuth", "tokens", "known", "known (1)"),
        ("cognito-local", "ListDevices", "srp-devices", "harness-error", "harness error"),
    ],
)
def test_cells(context, endpoint, operation, kind, status, label):
    cell = _cell(context, endpoint, operation, kind)
    assert (cell.status, cell.label) == (status, label)


def test_a_cell_counts_distinct_divergences(runs_dir, ids):
    # Two tests reporting the same divergence make one divergence, not two.
    run = load_runs([runs_dir / ids.local_2])[0]
    extra = dict(next(r for r in run.results if r["operation"] == "CreateUserPool" and r["kind"] == "shape"))
    run.results.append({**extra, "test_id": "another::test"})
    cell = build_cells(run)[("CreateUserPool", "shape")]
    assert cell.counts["divergence"] == 2 and cell.label == "divergent (1)"


def test_a_referenced_divergence_without_record_is_still_shown(runs_dir, ids):
    run = load_runs([runs_dir / ids.local_2])[0]
    run.divergences.clear()
    cell = build_cells(run)[("CreateUserPool", "shape")]
    assert cell.status == "divergent" and cell.divergences[0]["id"] == ids.pool_extra_member


def test_trend_draws_history_and_input_runs_per_endpoint(context, ids):
    series = {s["endpoint"]: s for s in context["trend"]["series"]}
    assert [p["run_id"] for p in series["moto"]["points"]] == [
        "20261110T030000Z-moto-0",
        ids.moto_1,
        ids.moto_2,
    ]
    assert [p["share"] for p in series["moto"]["points"]] == [0.3333, 0.5556, 0.6667]
    assert [p["run_id"] for p in series["cognito-local"]["points"]] == [ids.local_1, ids.local_2]
    # Higher share is drawn higher (smaller y).
    ys = [p["y"] for p in series["moto"]["points"]]
    assert ys == sorted(ys, reverse=True)


def test_changes_since_previous_run_link_to_details(context, ids):
    moto = next(c for c in context["changes"] if c["endpoint"] == "moto")
    assert [d["id"] for d in moto["new"]] == [ids.user_exists_message]
    assert moto["new"][0]["anchor"] == f"div-moto-{ids.user_exists_message}"
    assert [d["label"] for d in moto["fixed"]] == [
        "DescribeUserPool schema.missing-member $.UserPool.DeletionProtection"
    ]


@pytest.fixture
def page(runs_dir, history_file, tmp_path) -> str:
    out = build_matrix([runs_dir], tmp_path / "reports" / "matrix" / "index.html", history_file)
    return out.read_text()


def test_page_shows_divergence_details(page, ids):
    details = page[page.index(f'id="div-moto-{ids.user_status}"') :]
    details = details[: details.index("</details>")]
    assert "FORCE_CHANGE_PASSWORD" in details and "CONFIRMED" in details  # expected, actual
    assert "docs/facts.md §6 [DOC]" in details  # source of the fact
    assert "moto confirms users created by an admin" in details  # why it is expected
    assert "client.admin_create_user(" in details  # reproducer
    assert "X-Amz-Target" in details  # evidence


def test_page_escapes_what_endpoints_return(page):
    # The fixture's "actual" is `</pre><script>alert('x')</script>`.
    assert "<script>alert" not in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # only the page's own


def test_page_is_self_contained_and_its_links_resolve(page):
    assert broken_links(page) == []
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)


def test_broken_links_finds_missing_anchors_and_network_fetches():
    html = '<a href="#here">ok</a><p id="here"></p><a href="#gone">x</a><script src="https://cdn.example/x.js"></script>'
    assert broken_links(html) == [
        "<a> #gone: no element with that id",
        "<script> https://cdn.example/x.js: leaves the page (needs a network or a server)",
    ]


def test_page_redacts_a_secret_missed_upstream(runs_dir, history_file, ids):
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
    divergences = runs_dir / ids.moto_2 / "divergences.jsonl"
    records = [json.loads(line) for line in divergences.read_text().splitlines()]
    records[0]["actual"] = {"AccessToken": token, "Note": f"token {token}"}
    divergences.write_text("".join(json.dumps(r) + "\n" for r in records))
    html = render_matrix(load_runs([runs_dir]), read_history(history_file))
    assert token not in html and "&lt;redacted:AccessToken&gt;" in html


def test_cli_matrix(runs_dir, history_file, tmp_path):
    out = tmp_path / "page" / "index.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.reports",
            "matrix",
            str(runs_dir),
            "--out",
            str(out),
            "--history",
            str(history_file),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert out.is_file() and "compatibility matrix" in out.read_text()
    done = subprocess.run(
        [sys.executable, "-m", "conformance.reports", "matrix", str(tmp_path / "empty"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 2 and "no such run file or folder" in done.stderr


def test_histories_under_the_inputs_are_merged(runs_dir, tmp_path, ids):
    # The plugin keeps a history.jsonl in each reports folder; runs in two of them are drawn once each.
    from conformance.reports import append_run

    for run_id in (ids.moto_1, ids.moto_2):
        append_run(runs_dir / run_id, runs_dir / ids.moto_2 / "history.jsonl")
    append_run(runs_dir / ids.moto_2, runs_dir / ids.local_2 / "history.jsonl")
    out = build_matrix([runs_dir], tmp_path / "index.html")
    assert out.read_text().count(f'data-run="{ids.moto_2}"') == 1
    assert out.read_text().count(f'data-run="{ids.moto_1}"') == 1


def test_page_shows_each_areas_coverage_per_endpoint(context, page):
    """Issue 15: the matrix shows, per area and endpoint, the operations each way of checking exercised."""
    from conformance.areas import AREAS

    assert [row["area"] for row in context["areas"]] == list(AREAS)
    for row in context["areas"]:
        assert [cell["endpoint"] for cell in row["cells"]] == [c["endpoint"] for c in context["columns"]]
        for cell in row["cells"]:
            assert cell["counts"]["operations"] == row["operations"]
            assert cell["complete"] == (not cell["lacking"])
    assert 'id="areas"' in page and "Coverage by area" in page
