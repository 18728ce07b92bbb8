"""Loading the catalogue: ``catalogue/<area>.toml`` read through :mod:`importlib.resources`.

Reading through ``importlib.resources`` keeps the catalogue working from an installed wheel
(``pyproject.toml`` lists the files as package data), not only from a checkout.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any, cast

from conformance.divergence import Confidence
from conformance.facts.model import Fact, Source, SourceKind, confidence_problems

#: ``<area>.<slug>``: lower-case words joined by hyphens, e.g. ``auth.session-expired``.
ID_PATTERN = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")

_ENTRY_KEYS = {"id", "statement", "confidence", "sources", "code", "message"}


class CatalogueError(ValueError):
    """A catalogue file breaks the format (duplicate id, missing source, unknown confidence...)."""


def _files() -> list[Any]:
    folder = resources.files("conformance.facts") / "catalogue"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def _source(where: str, raw: Any) -> Source:
    if not isinstance(raw, dict) or set(raw) != {"title", "kind", "url"}:
        raise CatalogueError(f"{where}: a source is {{title = ..., kind = ..., url = ...}}, got {raw!r}")
    title, url = raw["title"], raw["url"]
    try:
        kind = SourceKind(raw["kind"])
    except ValueError:
        allowed = ", ".join(k.value for k in SourceKind)
        raise CatalogueError(f"{where}: a source's kind is one of {allowed}, got {raw['kind']!r}") from None
    if not (isinstance(title, str) and title.strip()):
        raise CatalogueError(f"{where}: a source needs a title")
    if not (isinstance(url, str) and url.startswith("https://")):
        raise CatalogueError(f"{where}: a source URL must be https, got {url!r}")
    return Source(title, url, kind)


def _fact(area: str, file_name: str, raw: Any) -> Fact:
    where = f"{file_name} entry {raw.get('id', '?') if isinstance(raw, dict) else '?'}"
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: an entry is a table")
    if unknown := set(raw) - _ENTRY_KEYS:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")
    fact_id = raw.get("id", "")
    if not isinstance(fact_id, str) or not ID_PATTERN.match(fact_id):
        raise CatalogueError(f"{where}: id must look like '<area>.<words-with-hyphens>'")
    if fact_id.split(".", 1)[0] != area:
        raise CatalogueError(f"{where}: an id in {file_name} starts with '{area}.'")
    statement = raw.get("statement", "")
    if not isinstance(statement, str) or not statement.strip():
        raise CatalogueError(f"{where}: a statement is required")
    try:
        confidence = Confidence(cast(str, raw.get("confidence")))
    except ValueError:
        allowed = ", ".join(c.value for c in Confidence)
        raise CatalogueError(f"{where}: confidence must be one of {allowed}") from None
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        raise CatalogueError(f"{where}: at least one source is required")
    for key in ("code", "message"):
        if key in raw and not (isinstance(raw[key], str) and raw[key]):
            raise CatalogueError(f"{where}: {key} must be a non-empty string")
    made = Fact(
        id=fact_id,
        statement=statement.strip(),
        confidence=confidence,
        sources=tuple(_source(where, s) for s in sources),
        area=area,
        code=raw.get("code"),
        message=raw.get("message"),
    )
    # A confidence word stronger than its sources would make a hard check of a guess.
    if problems := confidence_problems(made):
        raise CatalogueError(f"{where}: {'; '.join(problems)}")
    return made


@cache
def _load() -> tuple[dict[str, Fact], tuple[tuple[str, str], ...]]:
    facts: dict[str, Fact] = {}
    titles: list[tuple[int, str, str]] = []
    for file in _files():
        area = file.name.removesuffix(".toml")
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        if data.get("area") != area:
            raise CatalogueError(f"{file.name}: 'area' must be {area!r}")
        titles.append((int(data.get("order", 99)), area, str(data.get("title", area))))
        for raw in data.get("fact", []):
            fact_ = _fact(area, file.name, raw)
            if fact_.id in facts:
                raise CatalogueError(f"{file.name}: duplicate id {fact_.id}")
            facts[fact_.id] = fact_
    return facts, tuple((area, title) for _, area, title in sorted(titles))


def catalogue() -> dict[str, Fact]:
    """Every fact by id (a fresh dict; the facts themselves are immutable)."""
    return dict(_load()[0])


def areas() -> tuple[tuple[str, str], ...]:
    """``(area, title)`` of each catalogue file, in the order the rendering shows them."""
    return _load()[1]


def fact(fact_id: str) -> Fact:
    """The catalogue's fact ``fact_id``; a :class:`KeyError` naming close ids when there is none."""
    facts = _load()[0]
    try:
        return facts[fact_id]
    except KeyError:
        close = difflib.get_close_matches(fact_id, facts, n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no fact {fact_id!r} in the catalogue{hint}") from None
