"""The matrix page's "Peer suite (moto's AWS-verified tests)" section: test x endpoint.

Built from ``peers.json`` records (``conformance.peers``) found under the inputs, beside the suite
runs; checked as data and as a user sees it in headless Chromium (skipped without Chromium unless
CONFORMANCE_REQUIRE_CHROMIUM=1, as the other browser tests).

Run: ``pytest tests/reports/test_report_peers.py -q``.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_report_browser import require_chromium

from conformance.peers import PeerRun, PeerTest
from conformance.reports import build_matrix
from conformance.reports.browser import broken_links, load_page
from conformance.reports.matrix import peer_suite_section

INJECTION = "<script>alert('peer')</script>"


def _run(label: str, started: float, verdicts: dict[str, tuple[str, str]], status: str = "pass") -> PeerRun:
    tests = []
    for name, (outcome, verdict) in verdicts.items():
        tests.append(
            PeerTest(
                name=name,
                outcome=outcome,
                reason=f"ClientError: {INJECTION}" if outcome == "fail" else "",
                verdict=verdict,
                expected_reason="reason (facts:tokens.access-groups)" if verdict == "known" else "",
            )
        )
    return PeerRun(
        endpoint=f"http://127.0.0.1/{label}",
        label=label,
        implementation=label.removesuffix("-server"),
        moto_version="5.2.5",
        started=started,
        status=status,
        tests=tests,
        out_of_scope={"test_user_authentication_flow_mfa_on": "needs IAM"},
    )


@pytest.fixture
def peer_runs(runs_dir: Path) -> list[PeerRun]:
    peers = runs_dir.parent / "peers"
    runs = [
        # An older reference run that the newer one replaces in the column.
        _run("reference-server", 1.0, {"test_a": ("fail", "unexpected")}, status="fail"),
        _run("reference-server", 2.0, {"test_a": ("pass", "pass"), "test_b": ("fail", "known")}),
        _run("moto-server", 2.0, {"test_a": ("pass", "pass"), "test_b": ("pass", "vanished")}, status="fail"),
        _run("cognito-local", 2.0, {"test_a": ("fail", "unexpected"), "test_b": ("skipped", "skipped")}),
    ]
    for number, run in enumerate(runs):
        run.write(peers / f"{run.label}-{number}")
    return runs


def test_the_section_takes_each_endpoints_latest_run(peer_runs) -> None:
    section = peer_suite_section(peer_runs)
    assert [c["endpoint"] for c in section["columns"]] == ["moto-server", "cognito-local", "reference-server"]
    verdicts = {(r["test"], c["endpoint"]): c["verdict"] for r in section["rows"] for c in r["cells"]}
    assert verdicts == {
        ("test_a", "moto-server"): "pass",
        ("test_a", "cognito-local"): "unexpected",
        ("test_a", "reference-server"): "pass",
        ("test_b", "moto-server"): "vanished",
        ("test_b", "cognito-local"): "skipped",
        ("test_b", "reference-server"): "known",
    }
    reference = section["columns"][-1]
    assert (reference["passed"], reference["total"], reference["known"]) == (1, 2, 1)
    assert section["out_of_scope"] == [("test_user_authentication_flow_mfa_on", "needs IAM")]
    assert peer_suite_section([]) == {"columns": [], "rows": [], "out_of_scope": []}


class _PeerCells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], str] = {}
        self._test: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-peer-test" in a:
            self._test = a["data-peer-test"]
        elif tag == "td" and "data-verdict" in a and self._test:
            self.cells[(self._test, a["data-peer-endpoint"])] = a["data-verdict"]


def test_the_peer_section_in_chromium(runs_dir: Path, history_file: Path, peer_runs, tmp_path: Path) -> None:
    chromium = require_chromium()
    page = build_matrix([runs_dir.parent], tmp_path / "reports" / "matrix" / "index.html", history_file)
    loaded = load_page(page.as_uri() + "#peer-suite", chromium=chromium)
    assert loaded.console == [], "the page logged to the console"
    assert broken_links(loaded.dom, page.parent) == []
    seen = _PeerCells()
    seen.feed(loaded.dom)
    assert seen.cells == {
        ("test_a", "moto-server"): "pass",
        ("test_a", "cognito-local"): "unexpected",
        ("test_a", "reference-server"): "pass",
        ("test_b", "moto-server"): "vanished",
        ("test_b", "cognito-local"): "skipped",
        ("test_b", "reference-server"): "known",
    }
    assert "Peer suite (moto's AWS-verified tests)" in loaded.dom or "Peer suite (moto&#39;s" in loaded.dom
    # A failure's text came from an endpoint: escaped, never run.
    assert "&lt;script&gt;alert('peer')" in loaded.dom and INJECTION not in loaded.dom
    assert "reason (facts:tokens.access-groups)" in loaded.dom


def test_without_peer_runs_the_section_says_so(runs_dir: Path, history_file: Path, tmp_path: Path) -> None:
    page = build_matrix([runs_dir], tmp_path / "matrix.html", history_file)
    assert "No peer-suite run under the inputs." in page.read_text(encoding="utf-8")
