"""The value types of the catalogue: a :class:`Fact` and the :class:`Source` it rests on."""

from __future__ import annotations

from dataclasses import dataclass

from conformance.divergence import Confidence


@dataclass(frozen=True)
class Source:
    """A public text that states a fact: a short title and an https URL pinned where possible."""

    title: str
    url: str

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

    def __str__(self) -> str:
        # Code that formats a fact (a pytest marker argument, a log line) shows its citation.
        return self.cite()
