"""The one value every check produces when an endpoint differs from what AWS does.

A check never asserts directly: it builds :class:`Divergence` values, and the plugin decides
(from the endpoint's expectations file) whether each is known, and renders all of them in one
fixed, labelled block. Equality goes by :meth:`Divergence.key` so that Hypothesis keeps the same
failure while shrinking and the expectations file can name it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from conformance.redact import preview, redact

if TYPE_CHECKING:
    from conformance.wire import Exchange


_LIST_INDEX = re.compile(r"\[\d+\]")


def divergence_key(operation: str, check: str, path: str) -> str:
    """``Operation check path`` with list positions as ``[*]`` (see :meth:`Divergence.key`)."""
    return f"{operation} {check} {_LIST_INDEX.sub('[*]', path)}"


class Confidence(StrEnum):
    """How sure we are of the AWS fact a check rests on; one meaning per word (docs/facts.md).

    The catalogue checks each word against the kinds of its sources
    (:func:`conformance.facts.confidence_problems`): a word is only as strong as the evidence behind it.
    """

    #: AWS-authored code or tests that run against real pools, a test run against AWS by its
    #: maintainers (moto's ``aws_verified``), or an exchange recorded from AWS.
    VERIFIED = "verified"
    #: AWS documentation, the API reference or the service model say it.
    DOCUMENTED = "documented"
    #: several independent real captures (not mocks, not emulators) agree; a GitHub issue capture is
    #: at most this.
    LIKELY = "likely"
    #: one capture, a generated text, or reasoning: reported, never a hard failure.
    UNVERIFIED = "unverified"

    @property
    def is_hard(self) -> bool:
        """Whether a divergence at this confidence fails a run."""
        return self is not Confidence.UNVERIFIED


class CheckKind(StrEnum):
    """The kind of check, the column of the compatibility matrix."""

    WIRE = "wire"
    SHAPE = "shape"
    ERRORS = "errors"
    SEMANTICS = "semantics"
    TOKENS = "tokens"
    SRP_DEVICES = "srp-devices"


class Outcome(StrEnum):
    """How a check ended. Unsupported is counted apart from divergent everywhere."""

    PASS = "pass"
    DIVERGENCE = "divergence"
    EXPECTED_DIVERGENCE = "expected-divergence"
    UNSUPPORTED = "unsupported"
    HARNESS_ERROR = "harness-error"


@dataclass(frozen=True)
class Divergence:
    """One observed difference between an endpoint and AWS.

    Attributes:
        operation: the Cognito operation (PascalCase, as in the model), e.g. ``AdminInitiateAuth``.
        check: the check's name, e.g. ``error.code`` or ``schema.additional-property``.
        path: JSON path into the exchange, e.g. ``$.UserPool.Id`` or ``$.__type``.
        expected: what AWS returns (or a description of the constraint).
        actual: what the endpoint returned.
        confidence: how sure the fact is.
        source: where the fact comes from, e.g. ``docs/facts.md §9 [CLI create-user-pool]``.
        kind: the kind of check.
        evidence: the raw wire exchange that showed it, when there was one.
        note: a sentence of context (what the test did before this step).
    """

    operation: str
    check: str
    path: str
    expected: Any
    actual: Any
    confidence: Confidence
    source: str
    kind: CheckKind
    evidence: Exchange | None = field(default=None, compare=False, repr=False)
    note: str = field(default="", compare=False)

    def key(self) -> str:
        """The identity an expectations file uses: ``Operation check path``.

        List positions become ``[*]``: where an item sits in a list depends on what else the endpoint
        holds (pools from earlier runs), and the same wrong member in every item is one divergence.
        """
        return divergence_key(self.operation, self.check, self.path)

    def fingerprint(self) -> str:
        """A short stable id for reports and history (same key, same id)."""
        return hashlib.sha256(self.key().encode()).hexdigest()[:12]

    def render(self, *, endpoint: str = "", reproducer: str = "", expected_reason: str | None = None) -> str:
        """The fixed, labelled text block shown in a pytest failure (secrets redacted)."""
        expected = redact(self.expected)
        actual = redact(self.actual)
        lines = [
            f"Divergence            : {self.check} ({self.kind}, {self.confidence})",
            f"Endpoint              : {endpoint}",
            f"Operation             : {self.operation}",
            f"Path                  : {self.path}",
            f"AWS does              : {_compact(expected)}",
            f"Endpoint returned     : {_compact(actual)}",
            f"Source                : {self.source}",
        ]
        if self.note:
            lines.append(f"Context               : {self.note}")
        if self.evidence is not None:
            lines.append(f"Wire                  : {wire_summary(self.evidence)}")
        if expected_reason is not None:
            lines.append(f"Known divergence      : {expected_reason}")
        if reproducer:
            lines.append("Reproduce with        :")
            lines.extend("    " + line for line in reproducer.splitlines())
        lines.append(f"Expectation key       : {self.key()}")
        return "\n".join(lines)


class DivergenceFound(AssertionError):
    """Raised by a stateful machine at the step where an unexpected divergence appeared.

    Hypothesis shrinks on it; the plugin reports the divergences it carries, with the calls of the
    (minimal) example that raised it as the reproducer.
    """

    def __init__(self, divergences: list[Divergence]) -> None:
        super().__init__("; ".join(d.key() for d in divergences))
        self.divergences = divergences


_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


def get_path(value: Any, path: str) -> tuple[bool, Any]:
    """Follow a ``$.A.B[0].C`` path; returns (found, value)."""
    current = value
    for key, index in _PATH_PART.findall(path[1:] if path.startswith("$") else path):
        if key:
            if not isinstance(current, dict) or key not in current:
                return False, None
            current = current[key]
        else:
            i = int(index)
            if not isinstance(current, list) or i >= len(current):
                return False, None
            current = current[i]
    return True, current


#: How much of a response body the ``Wire`` line shows.
WIRE_PREVIEW = 300


def wire_summary(exchange: Exchange) -> str:
    """One line for an exchange: status, content type, size, and the start of the body.

    The body is shown as it came (not re-encoded), redacted by value and form *before* it is cut: cut
    first, a token's header and claims would survive without the signature that makes it recognisable.
    """
    content_type = exchange.header("content-type") or "-"
    body = preview(exchange.response_body, WIRE_PREVIEW)
    return f"HTTP {exchange.status} {content_type} {len(exchange.response_body)} bytes: {body}"


def _compact(value: Any, limit: int = 400) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
