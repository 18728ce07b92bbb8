"""The matrix page's "Client flows" section: built from client-flow records, seen in headless Chromium.

The browser test skips when Chromium is absent, unless CONFORMANCE_REQUIRE_CHROMIUM=1 (CI).

Run: ``pytest tests/clientflows/test_clientflows_matrix.py -q``.
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from clientflows_support import INJECTED, fixture_runs

from conformance.clientflows import FLOWS
from conformance.reports import build_matrix
from conformance.reports.browser import broken_links, find_chromium, load_page
from conformance.reports.matrix import client_flows_section, render_matrix

FIXTURE_SUITE_RUNS = Path(__file__).parents[1] / "reports" / "fixtures" / "runs"


class _FlowCells(HTMLParser):
    """(endpoint, flow) -> (status, text) of the client-flow table's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], tuple[str, str]] = {}
        self._flow: str | None = None
        self._cell: tuple[str, str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self._flow = a.get("data-flow")
        elif tag == "td" and "data-flow-status" in a and self._flow:
            self._cell = (a["data-flow-endpoint"], self._flow, a["data-flow-status"])
            self._text = []

    def handle_data(self, data):
        if self._cell:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell:
            endpoint, flow, status = self._cell
            self.cells[(endpoint, flow)] = (status, " ".join("".join(self._text).split()))
            self._cell = None


def test_the_section_has_a_row_per_flow_and_a_column_per_endpoint():
    section = client_flows_section(fixture_runs())
    assert section is not None
    assert [c["endpoint"] for c in section["columns"]] == ["emu-a", "emu-b"]
    assert [r["flow"] for r in section["rows"]] == [f.id for f in FLOWS]
    shown = {(d["endpoint"], d["flow"]): d for d in section["details"]}
    # Failures, known ones and vanished expectations have details; passes and blocked flows do not.
    assert set(shown) == {
        ("emu-a", "acij.sign-in-srp"),
        ("emu-a", "amplify.refresh"),
        ("emu-a", "jwt-verify.id-token"),
    }
    assert shown[("emu-a", "acij.sign-in-srp")]["reason"].endswith("(facts:auth.user-id-for-srp)")
    assert shown[("emu-a", "amplify.refresh")]["fact"].startswith("tokens.get-tokens-from-refresh: ")


def test_without_client_flow_records_the_page_has_no_section():
    assert client_flows_section([]) is None
    from conformance.records import load_runs

    page = render_matrix(load_runs([FIXTURE_SUITE_RUNS]), [])
    assert 'id="client-flows"' not in page


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CONFORMANCE_REQUIRE_CHROMIUM") == "1":
            pytest.fail("CONFORMANCE_REQUIRE_CHROMIUM=1 but no chromium (apt-get install -y chromium)")
        pytest.skip("chromium not installed")
    return binary


@pytest.fixture
def page(flow_runs_dir: Path) -> Path:
    # The suite's fixture runs give the page its main table; the client-flow records sit beside them.
    shutil.copytree(FIXTURE_SUITE_RUNS, flow_runs_dir / "runs")
    return build_matrix([flow_runs_dir], flow_runs_dir / "matrix" / "index.html")


def test_client_flows_section_in_chromium(chromium, page):
    target = "flow-emu-a-amplify-refresh"
    loaded = load_page(page.as_uri() + "#" + target, chromium=chromium)

    assert loaded.console == [], "the page logged to the console"
    assert broken_links(loaded.dom, page.parent) == []

    seen = _FlowCells()
    seen.feed(loaded.dom)
    assert len(seen.cells) == 2 * len(FLOWS)
    assert seen.cells[("emu-a", "acij.sign-in-srp")] == ("known", "known failure")
    assert seen.cells[("emu-a", "amplify.refresh")] == ("divergent", "fails")
    assert seen.cells[("emu-a", "jwt-verify.id-token")] == ("divergent", "passes: expected to fail")
    assert seen.cells[("emu-a", "acij.refresh")] == ("none", "not reached")
    assert seen.cells[("emu-b", "amplify.refresh")] == ("pass", "pass")
    assert 'href="#client-flows"' in loaded.dom

    # Following a cell's link opens the flow's details (the page's script ran), and the client's
    # error text, untrusted, is shown as text.
    opened = re.search(rf'<details[^>]*id="{target}"[^>]*>', loaded.dom)
    assert opened and "open" in opened.group(0)
    assert "&lt;script&gt;alert('flow')" in loaded.dom and INJECTED not in loaded.dom
