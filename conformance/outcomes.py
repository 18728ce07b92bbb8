"""The values a run's judgement is made of: how a test ended, what it produced, the run-level set-up record.

Plain values and small functions, without pytest and without the session's state: the session
(``conformance/session.py``) builds them, the plugin maps them onto pytest's report, the reports read
their records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from conformance.calls import Response
from conformance.checks import DivergenceFound, Recorder
from conformance.divergence import CheckKind, Divergence, Outcome
from conformance.endpoints import DEFAULT_CALL_TIMEOUT
from conformance.expectations import TestVerdict
from conformance.facts import Fact
from conformance.records import Records, setup_test_id

if TYPE_CHECKING:
    from conformance.wire import Exchange


class Blocked(Exception):
    """A set-up call's answer cannot be used (no pool id): the test cannot run, and it is not its fault.

    The divergence that blocked it is recorded once for the run under ``setup::<Operation>``.
    """

    def __init__(self, operation: str) -> None:
        super().__init__(
            f"blocked by a divergence in {operation} (reported once for the run, as {setup_test_id(operation)})"
        )
        self.operation = operation


class OutcomeKind(StrEnum):
    """How a test ended, as the session judged it."""

    PASS = "pass"
    DIVERGENCE = "divergence"
    KNOWN = "known"
    UNSUPPORTED = "unsupported"
    HARNESS_ERROR = "harness-error"
    #: skipped by a fixture: blocked by a set-up divergence, or an explicit skip.
    SKIPPED = "skipped"


@dataclass(frozen=True)
class TestInfo:
    """What the session needs to know of a test (read from its markers by the plugin)."""

    test_id: str
    kind: str = str(CheckKind.SEMANTICS)
    source: str = ""
    confidence: str = "documented"
    #: a stateful machine run under a randomized Hypothesis profile: it need not reach every path.
    randomized_machine: bool = False


@dataclass
class TestOutcome:
    """One test's judgement: pytest's report is set from it, and the records are written from it.

    Attributes:
        kind: how the test ended.
        verdict: the divergences weighed against the expectations (None when the test was not judged).
        report: what pytest's report becomes: ``"failed"``, ``"skipped"``, or None to keep pytest's own.
        text: the failure text (``report == "failed"``) or the skip reason (``"skipped"``).
        sections: extra report sections (known divergences, UNVERIFIED ones, paths not reached).
        records: the results and divergence lines of the test, redacted.
        operations: the operations the test called or checked (Allure labels).
        exchanges: every exchange of the test, set-up calls included (Allure steps).
    """

    kind: OutcomeKind
    verdict: TestVerdict | None = None
    report: str | None = None
    text: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)
    records: Records = field(default_factory=Records)
    operations: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass
class SetupOperation:
    """The set-up calls of one operation in the run: divergences by key, each with where it was met first."""

    operation: str
    calls: int = 0
    duration_ms: float = 0.0
    divergences: dict[str, Divergence] = field(default_factory=dict)
    reproducers: dict[str, str] = field(default_factory=dict)
    first_met: dict[str, str] = field(default_factory=dict)


@dataclass
class SetupOutcome:
    """The run-level set-up record, judged once (:meth:`RunSession.finish_run`)."""

    operations: dict[str, SetupOperation] = field(default_factory=dict)
    verdicts: dict[str, TestVerdict] = field(default_factory=dict)
    #: the failure text (unexpected divergences, listed ones that no longer happen), or "".
    failure: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.failure)


#: A test's and a run's time budgets (seconds) unless ``--test-timeout`` / ``--run-timeout`` say otherwise.
DEFAULT_TEST_TIMEOUT = 60.0
DEFAULT_RUN_TIMEOUT = 30 * 60.0


def parse_call_timeout(text: str) -> tuple[float, float]:
    """``--call-timeout``: ``READ`` or ``CONNECT,READ`` seconds, as (connect, read).

    A single number bounds the read and, when smaller than the default connect timeout, the connect
    too (a quick read bound with a slower connect would not be quick).

    Raises:
        ValueError: not one or two positive numbers.
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"--call-timeout must be READ or CONNECT,READ seconds (got {text!r})") from None
    if len(values) not in (1, 2) or any(v <= 0 for v in values):
        raise ValueError(f"--call-timeout must be READ or CONNECT,READ seconds (got {text!r})")
    if len(values) == 1:
        return min(DEFAULT_CALL_TIMEOUT[0], values[0]), values[0]
    return values[0], values[1]


def fact_of(args: tuple[Any, ...]) -> tuple[str, str]:
    """``(source, confidence)`` of a test's ``fact`` marker, which carries the catalogue :class:`Fact` the
    test rests on (``@pytest.mark.fact(POOL_ID)``). No marker: no source, ``documented``."""
    if not args:
        return "", "documented"
    stated: Fact = args[0]
    return stated.cite(), str(stated.confidence)


def line_outcome(mine: list[Divergence], verdict: TestVerdict | None) -> Outcome:
    """The outcome of one results line from the divergences it holds."""
    if verdict is not None and any(d in verdict.unexpected or d in verdict.soft for d in mine):
        return Outcome.DIVERGENCE
    if mine:
        return Outcome.EXPECTED_DIVERGENCE
    return Outcome.PASS


def first_met_in(entry: SetupOperation, verdict: TestVerdict) -> str:
    tests = {entry.first_met[d.key()] for d in verdict.unexpected if d.key() in entry.first_met}
    return ", ".join(sorted(tests)) or "this run"


def answer_divergences(label: str, response: Response) -> list[Divergence]:
    """The wire and schema divergences of one answer (as its set-up call recorded them)."""
    probe = Recorder(label, setup_test_id(response.operation))
    try:
        probe.observe(response)
    except DivergenceFound:
        pass  # an unreadable body: its divergence is recorded all the same
    return probe.divergences


def covers(path: str, needs: str) -> bool:
    """Whether a divergence at ``path`` is at ``needs`` or at a member that holds it."""
    return needs == path or needs.startswith((f"{path}.", f"{path}["))
