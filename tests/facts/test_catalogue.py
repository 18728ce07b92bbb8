"""The catalogue of AWS facts: well formed, one entry per id, and docs/facts.md rendered from it.

Run: ``pytest tests/facts -q``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.areas import AREAS
from conformance.divergence import Confidence
from conformance.facts import CatalogueError, Fact, Source, areas, catalogue, fact
from conformance.facts.loader import ID_PATTERN, _fact
from conformance.facts.render import render

ROOT = Path(__file__).resolve().parents[2]


def test_one_catalogue_file_per_area_plus_protocol() -> None:
    assert {area for area, _ in areas()} == {*AREAS, "protocol"}


def test_every_fact_is_well_formed() -> None:
    facts = catalogue()
    assert facts
    for fact_id, item in facts.items():
        assert item.id == fact_id and ID_PATTERN.match(fact_id), fact_id
        assert item.area == fact_id.split(".", 1)[0], fact_id
        assert item.statement.strip(), fact_id
        assert item.confidence in set(Confidence), fact_id
        assert item.sources, fact_id
        assert all(s.title and s.url.startswith("https://") for s in item.sources), fact_id
        assert item.message is None or item.code, f"{fact_id}: a message without an error code"


def test_ids_are_unique_across_files() -> None:
    # catalogue() would raise on a duplicate; count the raw tables too, so a duplicate cannot hide.
    raw = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "conformance/facts/catalogue").glob("*.toml")
    )
    ids = re.findall(r'^id = "([^"]+)"$', raw, flags=re.M)
    assert len(ids) == len(set(ids)) == len(catalogue())


def test_docs_facts_md_is_the_rendering_of_the_catalogue() -> None:
    committed = (ROOT / "docs/facts.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/facts.md is stale: python -m conformance.facts render > docs/facts.md"


def test_render_command_prints_the_rendering() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "conformance.facts", "render"], capture_output=True, text=True, check=True
    )
    assert done.stdout == render()


def test_cite_names_the_id_and_the_first_source() -> None:
    item = fact("pools.id-format")
    assert item.cite() == f"facts:pools.id-format [{item.sources[0].title} {item.sources[0].url}]"
    assert str(item) == item.cite()


def test_unknown_id_names_close_ids() -> None:
    with pytest.raises(KeyError, match="pools.id-format"):
        fact("pools.id-formt")


def test_facts_are_hashable_values() -> None:
    assert fact("pools.id-format") == fact("pools.id-format")
    assert len({fact("pools.id-format"), fact("pools.id-format"), fact("pools.arn-format")}) == 2


def test_a_fact_outside_the_catalogue_cites_its_id_and_statement() -> None:
    # Not an AWS fact (the oracle's "not predicted", a test's own): no source to name.
    assert Fact("oracle.unpredicted", "not predicted").cite() == "oracle.unpredicted: not predicted"


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        (
            {"id": "pools.x", "statement": "s", "confidence": "documented", "sources": []},
            "at least one source",
        ),
        (
            {
                "id": "pools.x",
                "statement": "s",
                "confidence": "sure",
                "sources": [{"title": "t", "kind": "aws-test", "url": "https://a"}],
            },
            "confidence",
        ),
        (
            {
                "id": "pools.x",
                "statement": "s",
                "confidence": "verified",
                "sources": [{"title": "t", "kind": "aws-test", "url": "http://a"}],
            },
            "https",
        ),
        (
            {
                "id": "users.x",
                "statement": "s",
                "confidence": "verified",
                "sources": [{"title": "t", "kind": "aws-test", "url": "https://a"}],
            },
            "starts with 'pools.'",
        ),
        (
            {
                "id": "pools.X_y",
                "statement": "s",
                "confidence": "verified",
                "sources": [{"title": "t", "kind": "aws-test", "url": "https://a"}],
            },
            "id must look like",
        ),
        (
            {
                "id": "pools.x",
                "statement": "s",
                "confidence": "documented",
                "sources": [{"title": "t", "kind": "blog", "url": "https://a"}],
            },
            "a source's kind is one of",
        ),
        (
            {
                "id": "pools.x",
                "statement": "s",
                "confidence": "documented",
                "sources": [{"title": "t", "url": "https://a"}],
            },
            "kind = ...",
        ),
    ],
)
def test_malformed_entries_are_refused(entry: dict, complaint: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(complaint)):
        _fact("pools", "pools.toml", entry)


def test_source_renders_title_and_url() -> None:
    assert str(Source("t", "https://example.org")) == "t https://example.org"
