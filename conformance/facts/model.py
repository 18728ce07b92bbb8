"""The value types of the catalogue: a :class:`Fact` and the :class:`Source` it rests on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conformance.divergence import Confidence


class SourceKind(StrEnum):
    """What a source is, which bounds the confidence it can carry (see :data:`SUPPORTS`)."""

    #: a test run against real AWS by its maintainers (moto's ``aws_verified``, terraform's acceptance
    #: tests, an SDK's integration tests against real pools).
    AWS_TEST = "aws-test"
    #: AWS-authored client code that works against real pools (Amplify, amazon-cognito-identity-js).
    AWS_CLIENT = "aws-client"
    #: AWS documentation: the developer guide, the API reference, the service model, the CLI examples.
    AWS_DOCS = "aws-docs"
    #: a third party's record of what AWS answered: a GitHub issue, a forum post, third-party code.
    CAPTURE = "capture"
    #: a page the reasoning starts from, which does not state the fact (for unverified facts).
    REASONING = "reasoning"
    #: cited once as a capture but not evidence of AWS: a mock's or an emulator's own test, a
    #: generated text. Kept, labelled, so nobody cites it as a capture again.
    NOT_EVIDENCE = "not-evidence"


#: The source kinds that can carry each confidence word. ``likely`` needs two of them (several
#: independent captures agree); the others need one.
SUPPORTS: dict[Confidence, frozenset[SourceKind]] = {
    Confidence.VERIFIED: frozenset({SourceKind.AWS_TEST, SourceKind.AWS_CLIENT}),
    Confidence.DOCUMENTED: frozenset({SourceKind.AWS_DOCS}),
    Confidence.LIKELY: frozenset(
        {SourceKind.CAPTURE, SourceKind.AWS_TEST, SourceKind.AWS_CLIENT, SourceKind.AWS_DOCS}
    ),
    Confidence.UNVERIFIED: frozenset(SourceKind),
}
#: How many supporting sources each word needs.
SUPPORT_COUNT: dict[Confidence, int] = {Confidence.LIKELY: 2}


@dataclass(frozen=True)
class Source:
    """A public text that states a fact: a short title, what kind of text it is, and an https URL."""

    title: str
    url: str
    kind: SourceKind = SourceKind.AWS_DOCS

    def __str__(self) -> str:
        return f"{self.title} {self.url}"


@dataclass(frozen=True)
class Fact:
    """An AWS fact a check rests on.

    Frozen and made of hashable parts, so facts compare by value and can key dictionaries; a
    divergence copies only :attr:`confidence` and :meth:`cite`, so its key does not depend on the
    catalogue.

    Attributes:
        id: the catalogue id, ``<area>.<slug>`` (``pools.id-format``).
        statement: what AWS does, in one or two plain sentences.
        confidence: how sure we are; UNVERIFIED facts are reported, never failing.
        sources: the public texts that say so, the strongest first.
        area: the API area (a key of :data:`conformance.areas.AREAS`) or ``protocol``.
        code: for an error fact, the error code AWS answers (``ResourceNotFoundException``).
        message: for an error fact, AWS's message, with ``{placeholders}`` for request values.
    """

    id: str
    statement: str = ""
    confidence: Confidence = Confidence.DOCUMENTED
    sources: tuple[Source, ...] = ()
    area: str = ""
    code: str | None = None
    message: str | None = None

    def cite(self) -> str:
        """The text a divergence's ``Source`` line shows: the catalogue id and the first source.

        A fact without sources is not in the catalogue (the oracle's "not predicted", a test's own
        fabricated fact): it cites its id and statement.
        """
        if not self.sources:
            return f"{self.id}: {self.statement}".strip()
        return f"facts:{self.id} [{self.sources[0]}]"

    def supporting(self) -> tuple[Source, ...]:
        """The sources whose kind can carry this fact's confidence word."""
        return tuple(s for s in self.sources if s.kind in SUPPORTS[self.confidence])

    def __str__(self) -> str:
        # Code that formats a fact (a pytest marker argument, a log line) shows its citation.
        return self.cite()


def confidence_problems(fact: Fact) -> list[str]:
    """Why ``fact``'s confidence word is stronger than its sources (empty when it is not).

    ``verified`` needs a test run against AWS or AWS's own client code, ``documented`` an AWS
    document, ``likely`` two sources of evidence (captures or better); a mock, an emulator, a
    generated text or a page that does not state the fact supports nothing above ``unverified``.
    """
    needed = SUPPORT_COUNT.get(fact.confidence, 1)
    have = len(fact.supporting())
    if have >= needed:
        return []
    kinds = ", ".join(sorted(k.value for k in SUPPORTS[fact.confidence]))
    return [f"{fact.id} is {fact.confidence} but has {have} source(s) of kind {kinds} (needs {needed})"]
