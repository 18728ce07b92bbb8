"""``docs/facts.md``: the catalogue rendered for people, grouped by area."""

from __future__ import annotations

from conformance.facts.loader import areas, catalogue

HEADER = """\
# AWS facts

Every check of the conformance suite rests on one of these facts about Amazon Cognito user pools
(`cognito-idp`). A divergence's `Source` line names the fact's id and its first source.

Confidence: **verified** facts come from tests or code run against AWS, **documented** ones from
AWS documentation, the service model or real captures; a divergence from either fails a run.
**unverified** facts are reported and never fail.

This file is generated from `conformance/facts/catalogue/*.toml`: edit the catalogue, then run
`python -m conformance.facts render > docs/facts.md` (a test keeps the two in step).
"""


def _escape(text: str) -> str:
    # Statements quote AWS's texts, which may hold characters Markdown would read as markup.
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("_", r"\_").replace("*", r"\*")


def render() -> str:
    """The Markdown of ``docs/facts.md``."""
    facts = catalogue()
    lines = [HEADER]
    for area, title in areas():
        mine = sorted((f for f in facts.values() if f.area == area), key=lambda f: f.id)
        lines.append(f"## {title} (`{area}`)\n")
        for fact in mine:
            lines.append(f"### `{fact.id}`\n")
            lines.append(f"{_escape(fact.statement)}\n")
            lines.append(f"- Confidence: {fact.confidence.value}")
            if fact.code:
                error = f"`{fact.code}`" + (f' "{_escape(fact.message)}"' if fact.message else "")
                lines.append(f"- Error: {error}")
            links = "; ".join(f"[{_escape(s.title)}]({s.url})" for s in fact.sources)
            lines.append(f"- Sources: {links}\n")
    return "\n".join(lines).rstrip("\n") + "\n"
