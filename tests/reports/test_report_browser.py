"""The matrix page as a user sees it: loaded in real headless Chromium (Debian's ``chromium``).

Skipped when Chromium is absent, unless CONFORMANCE_REQUIRE_CHROMIUM=1 (CI sets it): then a
missing browser fails, so the check cannot silently stop running.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conformance.reports import build_matrix
from conformance.reports.browser import broken_links, find_chromium, load_page, screenshot


def require_chromium() -> str:
    """The Chromium to use; skips without one, or fails when CONFORMANCE_REQUIRE_CHROMIUM=1."""
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CONFORMANCE_REQUIRE_CHROMIUM") == "1":
            pytest.fail("CONFORMANCE_REQUIRE_CHROMIUM=1 but no chromium (apt-get install -y chromium)")
        pytest.skip("chromium not installed")
    return binary


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


def test_missing_chromium_skips_or_fails_when_required(monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CONFORMANCE_REQUIRE_CHROMIUM", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_chromium()
    monkeypatch.setenv("CONFORMANCE_REQUIRE_CHROMIUM", "1")
    with pytest.raises(pytest.fail.Exception, match="CONFORMANCE_REQUIRE_CHROMIUM=1"):
        require_chromium()


@pytest.fixture
def page(runs_dir, history_file, tmp_path) -> Path:
    return build_matrix([runs_dir], tmp_path / "reports" / "matrix" / "index.html", history_file)


class _Cells(HTMLParser):
    """Collects the matrix cells' (endpoint, operation, kind) -> (status, text), and trend points."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str, str], tuple[str, str]] = {}
        self.points: dict[str, list[str]] = {}
        self._row: tuple[str, str] | None = None
        self._cell: tuple[str, str, str, str] | None = None
        self._series: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-operation" in a:
            self._row = (a["data-operation"], a["data-kind"])
        elif tag == "td" and "data-status" in a and self._row:
            self._cell = (a["data-endpoint"], *self._row, a["data-status"])
            self._text = []
        elif tag == "g" and "data-endpoint" in a:
            self._series = a["data-endpoint"]
        elif tag == "circle" and self._series:
            self.points.setdefault(self._series, []).append(a["data-run"])

    def handle_data(self, data):
        if self._cell:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell:
            endpoint, operation, kind, status = self._cell
            self.cells[(endpoint, operation, kind)] = (status, " ".join("".join(self._text).split()))
            self._cell = None
        elif tag == "g":
            self._series = None


def test_matrix_page_in_chromium(chromium, page, ids):
    target = f"div-moto-{ids.user_exists_message}"
    loaded = load_page(page.as_uri() + "#" + target, chromium=chromium)

    assert loaded.console == [], "the page logged to the console"
    assert broken_links(loaded.dom, page.parent) == []

    seen = _Cells()
    seen.feed(loaded.dom)
    assert seen.cells[("moto", "AdminCreateUser", "errors")] == ("unverified", "divergent (1, unverified)")
    assert seen.cells[("moto", "AdminCreateUser", "semantics")] == ("known", "known (1)")
    assert seen.cells[("cognito-local", "CreateUserPool", "shape")] == ("divergent", "divergent (1)")
    assert seen.cells[("cognito-local", "ConfirmDevice", "srp-devices")] == ("unsupported", "unsupported")
    assert seen.cells[("moto", "ListDevices", "srp-devices")] == ("pass", "pass")
    assert len(seen.cells) == 2 * 9

    # The trend: every run of each endpoint, the history's older moto run included.
    assert seen.points == {
        "moto": ["20261110T030000Z-moto-0", ids.moto_1, ids.moto_2],
        "cognito-local": [ids.local_1, ids.local_2],
    }

    # Following a link to a divergence opens its details (the page's script ran).
    opened = re.search(rf'<details[^>]*id="{target}"[^>]*>', loaded.dom)
    assert opened and "open" in opened.group(0)
    assert "&lt;script&gt;alert" in loaded.dom and "<script>alert" not in loaded.dom


def test_following_a_cell_link_opens_its_divergences(chromium, page, ids):
    loaded = load_page(page.as_uri() + "#cell-cognito-local-createuserpool-shape", chromium=chromium)
    opened = re.search(rf'<details[^>]*id="div-cognito-local-{ids.pool_extra_member}"[^>]*>', loaded.dom)
    assert opened and "open" in opened.group(0)


def test_console_errors_and_broken_links_are_caught(chromium, tmp_path):
    # The checks above can fail: a page that throws, and one with a dangling link.
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><body><a href="#nowhere">x</a><a href="missing.html">y</a>'
        "<script>console.error('boom'); notAFunction();</script></body></html>"
    )
    loaded = load_page(bad.as_uri(), chromium=chromium)
    assert any("boom" in m for m in loaded.console)
    assert any("notAFunction is not defined" in m for m in loaded.console)
    assert broken_links(loaded.dom, tmp_path) == [
        "<a> #nowhere: no element with that id",
        "<a> missing.html: no such file next to the page",
    ]


def test_screenshot(chromium, page, tmp_path):
    shot = screenshot(page.as_uri(), tmp_path / "shot.png", width=800, height=600, chromium=chromium)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


ALLURE = Path(__file__).resolve().parents[2] / "tools/npm/node_modules/.bin/allure"


@pytest.mark.needs_node
@pytest.mark.skipif(not ALLURE.exists(), reason="npm ci --prefix tools/npm not run")
def test_allure_report_renders_offline_in_chromium(chromium, pytester, tmp_path):
    # Allure's single-file report opens from file:// with no server and no network.
    from conformance.reports.allure import generate_report

    pytester.makepyfile(test_shown="def test_shown_in_allure():\n    pass\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--alluredir=res").assert_outcomes(passed=1)
    index = generate_report(pytester.path / "res", tmp_path / "allure-report", allure_bin=ALLURE)
    loaded = load_page(index.as_uri(), chromium=chromium, wait_ms=10_000)
    assert loaded.console == []
    # Rendered by the report's scripts from its inlined data (the tree shows the test's module).
    assert re.search(r">\s*test_shown\s*<", loaded.dom) and "Powered by" in loaded.dom
    assert not re.search(r"<script[^>]+src=\"https?:", loaded.dom)  # nothing fetched from a network
