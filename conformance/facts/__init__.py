"""The AWS facts the checks rest on, as a catalogue kept in the repository.

Every check compares what an endpoint did with what AWS does; what AWS does is a :class:`Fact`
with a stable id (``pools.id-format``), one or two plain sentences, a confidence and the public
sources that say so. The facts live as data in ``catalogue/<area>.toml`` (one file per API area of
:mod:`conformance.areas`, plus ``protocol.toml`` for what holds for every operation) so that a
fact is stated once, read by people in ``docs/facts.md`` and looked up by code::

    from conformance.facts import fact

    POOL_ID = fact("pools.id-format")

This package is a value layer: it imports only :mod:`conformance.divergence` (for
:class:`~conformance.divergence.Confidence`) and the standard library, so the oracle, the reference
and the harness can all depend on it.
"""

from __future__ import annotations

from conformance.facts.loader import CatalogueError, areas, catalogue, fact
from conformance.facts.model import SUPPORTS, Fact, Source, SourceKind, confidence_problems

__all__ = [
    "SUPPORTS",
    "CatalogueError",
    "Fact",
    "Source",
    "SourceKind",
    "areas",
    "catalogue",
    "confidence_problems",
    "fact",
]
