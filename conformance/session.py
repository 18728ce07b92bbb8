"""The run session: what a conformance run knows and decides, without pytest.

The plugin (``conformance/plugin.py``) maps pytest's hooks onto a :class:`RunSession`, the way
localstack-snapshot's plugin calls its ``SnapshotSession``: the endpoint and where it came from,
its expectations, the reports folder and the run's record live here, and
:meth:`RunSession.finish_test` judges a test once and returns a :class:`TestOutcome` holding the
verdict, the rendered text and the record lines, so that pytest's report, the JSON Lines, the
terminal summary and Allure all show the same judgement.

Set-up calls. The fixtures' pools, app clients and users are made by *set-up calls*
(:meth:`RunSession.setup_calls`). Their automatic checks (wire and schema, run on every call) are
not the test's: an emulator whose CreateUserPool answer has one wrong member would otherwise fail
every test that needs a pool, and hide what the emulator does with devices, tokens or sign-out.
They are kept once per run, per operation and divergence key, under the test id
``setup::<Operation>``, and judged once at the end of the run (:meth:`RunSession.finish_run`)
against the expectations entries with that test id. An unexpected set-up divergence therefore
fails the run exactly once, at its end, whichever test met it first (and however many did): the
terminal summary shows it with the reproducer of the first test that met it, and the plugin sets
the exit status. A set-up call whose answer cannot be used (no pool id) ends its test as skipped,
"blocked by a divergence in CreateUserPool" (:class:`Blocked`), never as that test's failure.
A test fails for the divergences of its own calls and of its explicit checks (``check.*``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from conformance.calls import Cognito, HarnessError, Response, Unsupported
from conformance.checks import DivergenceFound, Recorder, get_path
from conformance.divergence import CheckKind, Divergence, Outcome
from conformance.endpoints import Endpoint
from conformance.expectations import Expectations, TestVerdict, judge, normalize_test_id
from conformance.facts import fact
from conformance.lifecycle import RunLifecycle
from conformance.outcomes import (
    DEFAULT_RUN_TIMEOUT,
    DEFAULT_TEST_TIMEOUT,
    Blocked,
    OutcomeKind,
    SetupOperation,
    SetupOutcome,
    TestInfo,
    TestOutcome,
    answer_divergences,
    covers,
    first_met_in,
    line_outcome,
)
from conformance.records import (
    Records,
    RunRecord,
    divergence_record,
    new_run_id,
    result_record,
    setup_test_id,
)
from conformance.redact import redact_text

#: What a failed set-up step rests on: these operations succeed on AWS with the parameters the fixtures send.
SETUP_FACT = fact("pools.setup")
#: What a helper raises when it is handed a value of the wrong JSON type (a number where a string goes).
_READ_ERRORS = (TypeError, AttributeError, KeyError, ValueError, IndexError)
#: The divergences that say an answer had a member of the wrong JSON type (or none where one is needed).
_WRONG_TYPE_CHECKS = frozenset({"schema.type", "member.type", "wire.timestamp", "wire.body"})
#: The option that rewrites an expectations file, named in the "no longer happens" advice.
UPDATE_OPTION = "--update-expectations"


@dataclass
class RunSession(RunLifecycle):
    """Session state: the endpoint, its expectations, the run record, the set-up record."""

    endpoint: Endpoint
    source: str
    reports_dir: Path
    use_expectations: bool
    #: replaced by :meth:`load_expectations`; until then (and for aws) none.
    expectations: Expectations = field(default_factory=lambda: Expectations(None))
    started: bool = False
    cognito: Cognito | None = None
    record: RunRecord | None = None
    #: test id -> its hard divergences, and the tests that ran to the end (for --update-expectations).
    observed: dict[str, list[Divergence]] = field(default_factory=dict)
    completed: set[str] = field(default_factory=set)
    soft: int = 0
    setup: SetupOutcome = field(default_factory=SetupOutcome)
    #: lines for the end of the terminal summary (expectations rewritten, set-up failures).
    notices: list[str] = field(default_factory=list)
    #: whether this run is the whole suite (every suite module collected, nothing deselected): only then
    #: can an implementation-wide expectation be said to have vanished (a subset need not meet it).
    whole_suite: bool = False
    #: the run's id, known before anything starts (pool names carry its tag, :attr:`tag`).
    run_id: str = ""
    #: leftover harness pools of earlier runs deleted at the start (:meth:`sweep`).
    swept: int = 0
    #: the final status written to run.json by :meth:`close`, and why ("" until then).
    status: str = ""
    status_reason: str = ""
    #: the time budgets of a test and of the run, in seconds (``--test-timeout``, ``--run-timeout``;
    #: 0: none); the run's counts from :meth:`start`.
    test_timeout: float = DEFAULT_TEST_TIMEOUT
    run_timeout: float = DEFAULT_RUN_TIMEOUT
    _run_deadline: float | None = None
    #: pytest-xdist (``-n N``): this process's worker id (``gw0``), or "" when it is not a worker.
    worker: str = ""
    #: pytest-xdist: this process is the controller; the ids of its workers, and what each reported
    #: at its end (:meth:`worker_state`, merged by :meth:`absorb_worker`).
    controller: bool = False
    workers: list[str] = field(default_factory=list)
    workers_reported: int = 0
    _workers_whole_suite: bool = True

    @classmethod
    def create(cls, endpoint: Endpoint, source: str, reports_dir: Path) -> RunSession:
        use_expectations = endpoint.uses_expectations
        return cls(
            endpoint=endpoint,
            source=source,
            reports_dir=reports_dir,
            use_expectations=use_expectations,
            run_id=new_run_id(endpoint.label),
        )

    def start(self) -> None:
        if not self.started:
            self.started = True
            if self.run_timeout > 0:
                self._run_deadline = time.monotonic() + self.run_timeout
            self.endpoint.start()

    # --- time budgets ---------------------------------------------------------------------------------

    def client(self) -> Cognito:
        if self.cognito is None:
            self.start()
            self.cognito = Cognito(self.endpoint)
        return self.cognito

    def run_record(self) -> RunRecord:
        if self.record is None:
            self.record = RunRecord(
                self.reports_dir,
                self.run_id,
                self.endpoint.label,
                self.endpoint.version,
                meta={"endpoint_source": self.source, "whole_suite": self.whole_suite},
                worker=self.worker,
            )
        return self.record

    # --- pytest-xdist: workers record, the controller merges and judges the run ----------------------

    # --- the expectations: every call into conformance.expectations is in this block ----------------

    def load_expectations(self, override: str | None, *, updating: bool) -> None:
        """Read the endpoint's expectations (raises ExpectationsError); AWS has none: it is the reference."""
        if self.use_expectations:
            self.expectations = Expectations.for_endpoint(
                self.endpoint.flavor, override, transport=self.endpoint.label, updating=updating
            )

    @property
    def expectations_file(self) -> Path | None:
        return self.expectations.path

    def describe_expectations(self) -> str:
        if not self.use_expectations:
            return "none (aws is the reference)"
        path = self.expectations.path
        if path is not None and path.is_file():
            return f"{path} ({self.expectations.count()} known divergences)"
        return "none (every divergence is unexpected)"

    def new_recorder(self, nodeid: str) -> Recorder:
        """The recorder of one test, knowing its expected divergences (machines stop on the others)."""
        recorder = Recorder(self.endpoint.label, normalize_test_id(nodeid))
        if self.use_expectations:
            recorder.expected = self.expectations.for_test(recorder.test_id)
        return recorder

    def _judge(
        self, test_id: str, divergences: list[Divergence], operations: Iterable[str] = ()
    ) -> TestVerdict:
        if not self.use_expectations:
            return judge(divergences, {}, use_expectations=False)
        return self.expectations.judge(test_id, divergences, operations)

    def vanished_wide(self) -> list[str]:
        """Implementation-wide entries that a whole-suite run never met on the operations it called,
        rendered like a vanished per-test entry; [] for a partial run (a subset need not meet them)."""
        if not (self.use_expectations and self.whole_suite):
            return []
        return [
            "Expected divergence no longer happens\n"
            f"Expectation           : {entry.label}\n"
            f"Listed reason         : {entry.reason}\n"
            f"Fix                   : remove it from {self.expectations_file} (or rerun with {UPDATE_OPTION})"
            for entry in self.expectations.vanished_wide()
        ]

    def write_expectations(self) -> Path | None:
        """``--update-expectations``: rewrite the file from this run (tests that did not run keep their entries)."""
        if not (self.use_expectations and self.expectations.path):
            return None
        return self.expectations.write(
            self.observed,
            keep=self.expectations.tests() - self.completed,
            header=(
                f"Known divergences of {self.endpoint.flavor} ({self.endpoint.version}) from AWS, for every\n"
                "transport of it. [[everywhere]]: properties of the implementation that hold for every call\n"
                "(wire form, answer shape, identifier formats), by check and path, with the operations they\n"
                "were seen on. [[divergence]]: behaviour, per test. Each entry says why (the AWS fact with its\n"
                "source, and what the implementation does instead). Written by --update-expectations; reasons\n"
                "are written by hand."
            ),
        )

    # --- set-up calls -------------------------------------------------------------------------------

    @contextmanager
    def setup_calls(self, cognito: Cognito, recorder: Recorder) -> Iterator[list[Response]]:
        """Calls made inside are set-up calls: their automatic checks go to the run's set-up record.

        Yields the list of the set-up answers, in order. The test still sees the calls in its call
        log (reproducer) and its exchanges (Allure steps); a request the harness built wrongly is
        still the test's harness error.
        """
        previous = cognito.observer
        answers: list[Response] = []

        def observe(response: Response, *, invalid_request: bool = False) -> None:
            answers.append(response)
            probe = Recorder(self.endpoint.label, setup_test_id(response.operation))
            try:
                probe.observe(response, invalid_request=invalid_request)
                unreadable = False
            except DivergenceFound:
                # botocore could not read the answer (a member of the wrong JSON type): the probe has
                # recorded why; the fixture has nothing to go on.
                unreadable = True
            recorder.exchanges.extend(probe.exchanges)
            recorder.harness_errors.extend(probe.harness_errors)
            entry = self._setup_entry(response.operation)
            entry.calls += 1
            if response.exchange is not None:
                entry.duration_ms += response.exchange.elapsed_ms
            self._setup_met(entry, probe.divergences, recorder.test_id)
            if unreadable:
                raise Blocked(response.operation)

        cognito.observer = observe  # type: ignore[assignment]
        try:
            yield answers
        finally:
            cognito.observer = previous

    def blocked(
        self, response: Response, recorder: Recorder, *, needs: str, note: str
    ) -> Blocked | HarnessError:
        """The set-up answer is unusable (failed, or no usable ``needs`` member): record why once, block the test.

        A member of the wrong JSON type (``{"UserPool": {"Id": 5}}``, ``{"UserPool": []}``) is
        already a schema divergence of the answer; ``member.present`` is added only where none
        covers ``needs``. A successful answer in which the checks find nothing wrong, but which
        the fixture could not use, is the harness's own error, never a silent skip.

        Args:
            response: the set-up call's answer.
            recorder: the test's recorder (for the test that met it first).
            needs: the JSON path of the member the test cannot go on without, e.g. ``$.UserPool.Id``.
            note: what the set-up step was for.

        Returns:
            the exception for the fixture to raise.
        """
        probe = Recorder(self.endpoint.label, setup_test_id(response.operation))
        if probe.succeeded(response, SETUP_FACT, note=note):
            answer = answer_divergences(self.endpoint.label, response)
            if not any(covers(divergence.path, needs) for divergence in answer):
                found, value = get_path(response.body, needs)
                probe.that(
                    found and isinstance(value, str) and bool(value),
                    operation=response.operation,
                    check="member.present",
                    path=needs,
                    expected="<a non-empty id>",
                    actual=value if found else "<absent>",
                    fact=SETUP_FACT,
                    kind=CheckKind.SHAPE,
                    evidence=response.exchange,
                    note=note,
                )
            if not answer and not probe.divergences:
                return HarnessError(
                    f"{response.operation}: the harness could not use a set-up answer in which the checks "
                    f"find nothing wrong ({note}, needing {needs})"
                )
        self._setup_met(self._setup_entry(response.operation), probe.divergences, recorder.test_id)
        return Blocked(response.operation)

    @staticmethod
    def _wrong_types_met(recorder: Recorder) -> list[Divergence]:
        """The unexpected hard divergences of the test that say an answer had a member of the wrong type."""
        return [
            d
            for d in recorder.divergences
            if d.check in _WRONG_TYPE_CHECKS and d.confidence.is_hard and d.key() not in recorder.expected
        ]

    def _block_on_setup(self, recorder: Recorder, error: BaseException | None) -> Blocked:
        """Move the divergences a fixture met into the run's set-up record; the test is blocked by the first."""
        moved = recorder.take_divergences()
        for divergence in moved:
            self._setup_met(self._setup_entry(divergence.operation), [divergence], recorder.test_id)
        # The test's own lines are for what it checked; a call it never got past is the set-up's.
        operations = {divergence.operation for divergence in moved}
        recorder.operations[:] = [op for op in recorder.operations if op not in operations]
        return error if isinstance(error, Blocked) else Blocked(moved[0].operation)

    def _setup_entry(self, operation: str) -> SetupOperation:
        return self.setup.operations.setdefault(operation, SetupOperation(operation))

    def _setup_met(self, entry: SetupOperation, divergences: list[Divergence], test_id: str) -> None:
        new = [d for d in divergences if d.key() not in entry.divergences]
        if not new:
            return
        # Rendered once per set-up divergence, from the calls of the first test that met it.
        reproducer = self.cognito.log.script() if self.cognito is not None else ""
        for divergence in new:
            entry.divergences[divergence.key()] = divergence
            entry.reproducers[divergence.key()] = reproducer
            entry.first_met[divergence.key()] = test_id

    # --- judging a test -----------------------------------------------------------------------------

    def finish_test(
        self,
        recorder: Recorder,
        info: TestInfo,
        *,
        phase: str,
        error: BaseException | None,
        skipped: bool,
        error_text: str,
        duration_s: float,
    ) -> TestOutcome | None:
        """Judge a test once, after its set-up failed or its call ended; None when there is nothing to judge.

        Args:
            recorder: the test's recorder.
            info: the test's kind, fact and randomization.
            phase: ``"setup"`` or ``"call"``.
            error: the exception that ended the phase, if any.
            skipped: that exception is pytest's skip (a fixture or the test skipped).
            error_text: the exception as one line (pytest's ``exconly``).
            duration_s: how long the phase took.
        """
        started = time.perf_counter()
        if isinstance(error, Unsupported):
            # What the test met before the unanswered call is judged like any test's divergences, so
            # the run's record and pytest's exit status agree: a known one is recorded with its
            # reason, an unexpected hard one fails the test. Its listed entries did not "vanish": the
            # test never reached the rest (and, like a blocked test, its entries stay on a rewrite).
            verdict = self._judge(recorder.test_id, recorder.divergences, recorder.operations)
            verdict.vanished = []
            self.soft += len(verdict.soft)
            unsupported = redact_text(f"unsupported by {self.endpoint.label}: {error}")
            if verdict.failed:
                reproducer = self.cognito.log.script() if self.cognito is not None else ""
                return self._outcome(
                    OutcomeKind.DIVERGENCE,
                    recorder,
                    info,
                    report="failed",
                    text=self._render(verdict, reproducer) + f"\n(then {unsupported})",
                    verdict=verdict,
                    reproducer=reproducer,
                    message=str(error),
                    duration_s=duration_s,
                )
            if error.operation not in recorder.operations:
                # The call that was not answered is never observed; its line says unsupported.
                recorder.operations.append(error.operation)
            # Known or soft divergences met before the unanswered call are shown as a passing test's
            # are: their blocks and the reproducer travel with the outcome (terminal, Allure).
            shown: list[tuple[str, str]] = []
            reproducer = ""
            if verdict.known or verdict.soft:
                reproducer = self.cognito.log.script() if self.cognito is not None else ""
                shown = [("conformance", self._render(verdict, reproducer, failing_only=False))]
            return self._outcome(
                OutcomeKind.UNSUPPORTED,
                recorder,
                info,
                report="skipped",
                text=unsupported,
                verdict=verdict,
                forced=Outcome.UNSUPPORTED,
                sections=shown,
                reproducer=reproducer,
                message=str(error),
                duration_s=duration_s,
            )
        if (
            phase == "setup"
            and recorder.divergences
            and (skipped or isinstance(error, (Blocked, DivergenceFound)))
        ):
            # A fixture that stopped on a divergence of its own call (a check that the pool it makes was
            # created, failed): that divergence is a set-up divergence like those of the set-up helpers,
            # recorded once for the run, and the test, which never ran, is blocked rather than failed.
            error = self._block_on_setup(recorder, error)
        if (
            isinstance(error, _READ_ERRORS)
            and not recorder.harness_errors
            and (typed := self._wrong_types_met(recorder))
        ):
            # A shared helper (a flow, the SRP client) failed on a value the test took from an answer
            # whose member had the wrong JSON type: the answer is the divergence, and the exception only
            # its consequence. It is judged as stopped on that divergence (the suite reads its own
            # values through Recorder.read; this covers the helpers it passes answers to).
            error = DivergenceFound(typed)
        blocked = isinstance(error, Blocked)
        # A fixture that skips, a test blocked by a set-up divergence, and a machine that stopped on a
        # divergence (recorded for the minimal example) are judged like a call.
        stopped = skipped or blocked or isinstance(error, DivergenceFound)
        hard = [d for d in recorder.divergences if d.confidence.is_hard]
        if recorder.harness_errors and hard and error is None:
            # An invalid request built from an endpoint's wrong answer (an id in the wrong format sent
            # back) follows from that divergence: report the divergence, with the request problem as context.
            recorder.harness_errors.clear()
        if (error is not None and not stopped) or recorder.harness_errors:
            reason = "; ".join(recorder.harness_errors) or error_text
            if error is not None and not isinstance(error, HarnessError) and not recorder.harness_errors:
                # An exception out of a test body is a harness problem (the suite never asserts on an
                # endpoint directly); pytest's traceback is kept, the outcome recorded.
                report, text = None, ""
            else:
                report, text = "failed", f"harness error (not a divergence): {redact_text(reason)}"
            return self._outcome(
                OutcomeKind.HARNESS_ERROR,
                recorder,
                info,
                report=report,
                text=text,
                forced=Outcome.HARNESS_ERROR,
                message=reason,
                duration_s=duration_s,
            )
        if phase != "call" and not stopped:
            return None
        verdict = self._judge(recorder.test_id, recorder.divergences, recorder.operations)
        sections: list[tuple[str, str]] = []
        if blocked:
            # The test never reached what it checks: its listed divergences did not "vanish", and its
            # entries stay when the file is rewritten.
            verdict.vanished = []
        elif verdict.vanished and info.randomized_machine:
            # A randomized exploration need not reach every path a derandomized (ci) run reached: a
            # listed divergence it did not meet is reported, not failed. Under ci it must reappear.
            sections.append(
                (
                    "conformance",
                    "Not reached this run (randomized profile): " + ", ".join(k for k, _ in verdict.vanished),
                )
            )
            verdict.vanished = []
        if not blocked:
            self.completed.add(recorder.test_id)
            if hard:
                self.observed[recorder.test_id] = hard
        self.soft += len(verdict.soft)
        reproducer = self.cognito.log.script() if self.cognito is not None and recorder.divergences else ""
        report, text = None, ""
        if verdict.failed:
            kind, report, text = OutcomeKind.DIVERGENCE, "failed", self._render(verdict, reproducer)
        elif blocked:
            kind, report, text = OutcomeKind.SKIPPED, "skipped", str(error)
        elif skipped:
            kind = OutcomeKind.SKIPPED
        else:
            kind = OutcomeKind.KNOWN if verdict.known else OutcomeKind.PASS
        if not verdict.failed and (verdict.soft or verdict.known):
            sections.append(("conformance", self._render(verdict, reproducer, failing_only=False)))
        return self._outcome(
            kind,
            recorder,
            info,
            report=report,
            text=text,
            verdict=verdict,
            sections=sections,
            reproducer=reproducer,
            message=str(error) if blocked else "",
            duration_s=duration_s + time.perf_counter() - started,
        )

    def _outcome(
        self,
        kind: OutcomeKind,
        recorder: Recorder,
        info: TestInfo,
        *,
        report: str | None,
        text: str,
        duration_s: float,
        verdict: TestVerdict | None = None,
        forced: Outcome | None = None,
        sections: list[tuple[str, str]] | None = None,
        reproducer: str = "",
        message: str = "",
    ) -> TestOutcome:
        """Assemble the test's record lines (once), write them, and return the outcome."""
        records = Records()
        reasons = {d.key(): r for d, r in verdict.known} if verdict else {}
        for divergence in recorder.divergences:
            records.divergences.append(
                divergence_record(
                    divergence,
                    test_id=recorder.test_id,
                    expected_reason=reasons.get(divergence.key()),
                    reproducer=reproducer,
                )
            )
        operations = list(recorder.operations)
        if not operations and kind is not OutcomeKind.SKIPPED:
            operations = ["-"]  # a test that made no call still has an outcome (a blocked one has none)
        for operation in operations:
            kinds = {info.kind, str(CheckKind.WIRE), str(CheckKind.SHAPE)} if forced is None else {info.kind}
            for check_kind in sorted(kinds):
                mine = [
                    d for d in recorder.divergences if d.operation == operation and str(d.kind) == check_kind
                ]
                records.results.append(
                    result_record(
                        test_id=recorder.test_id,
                        operation=operation,
                        kind=check_kind,
                        outcome=forced or line_outcome(mine, verdict),
                        divergence_ids=[d.fingerprint() for d in mine],
                        confidence=info.confidence,
                        source=info.source,
                        duration_ms=duration_s * 1000.0,
                        message=message,
                    )
                )
        records = records.redacted()
        self.run_record().write(records)
        return TestOutcome(
            kind=kind,
            verdict=verdict,
            report=report,
            text=text,
            sections=sections or [],
            records=records,
            operations=list(recorder.operations),
            exchanges=list(recorder.exchanges),
        )

    def _render(
        self,
        verdict: TestVerdict,
        reproducer: str,
        *,
        failing_only: bool = True,
        reproducers: dict[str, str] | None = None,
    ) -> str:
        """The failure text: one fixed block per divergence, then expectations that no longer hold."""
        ep = f"{self.endpoint.label} (from {self.source})"
        blocks: list[str] = []
        for divergence in verdict.unexpected:
            script = (reproducers or {}).get(divergence.key(), reproducer)
            blocks.append(divergence.render(endpoint=ep, reproducer=script))
        for key, reason in verdict.vanished:
            blocks.append(
                "Expected divergence no longer happens\n"
                f"Expectation key       : {key}\n"
                f"Listed reason         : {reason}\n"
                f"Fix                   : remove it from {self.expectations_file} "
                f"(or rerun with {UPDATE_OPTION})"
            )
        if not failing_only:
            for divergence in verdict.soft:
                blocks.append(
                    divergence.render(endpoint=ep) + "\nNot failing           : the fact is UNVERIFIED"
                )
            for divergence, reason in verdict.known:
                blocks.append(divergence.render(endpoint=ep, expected_reason=reason))
        return redact_text("\n\n".join(blocks))

    # --- end of run ---------------------------------------------------------------------------------

    def finish_run(self) -> SetupOutcome:
        """Judge the run-level set-up record once and write its lines (before :meth:`close`)."""
        failures: list[str] = []
        for operation, entry in sorted(self.setup.operations.items()):
            test_id = setup_test_id(operation)
            divergences = list(entry.divergences.values())
            verdict = self._judge(test_id, divergences)
            self.setup.verdicts[operation] = verdict
            self.completed.add(test_id)
            hard = [d for d in divergences if d.confidence.is_hard]
            if hard:
                self.observed[test_id] = hard
            self.soft += len(verdict.soft)
            records = Records()
            reasons = {d.key(): r for d, r in verdict.known}
            for divergence in divergences:
                records.divergences.append(
                    divergence_record(
                        divergence,
                        test_id=test_id,
                        expected_reason=reasons.get(divergence.key()),
                        reproducer=entry.reproducers.get(divergence.key(), ""),
                    )
                )
            kinds = {str(CheckKind.WIRE), str(CheckKind.SHAPE)} | {str(d.kind) for d in divergences}
            for check_kind in sorted(kinds):
                mine = [d for d in divergences if str(d.kind) == check_kind]
                records.results.append(
                    result_record(
                        test_id=test_id,
                        operation=operation,
                        kind=check_kind,
                        outcome=line_outcome(mine, verdict),
                        divergence_ids=[d.fingerprint() for d in mine],
                        confidence=str(SETUP_FACT.confidence),
                        source=SETUP_FACT.cite(),
                        duration_ms=entry.duration_ms,
                        message=f"{entry.calls} set-up calls",
                    )
                )
            self.run_record().write(records.redacted())
            if verdict.failed:
                failures.append(f"{test_id} (first met in {first_met_in(entry, verdict)})")
                failures.append(self._render(verdict, "", reproducers=entry.reproducers))
        failures += self.vanished_wide()
        self.setup.failure = "\n\n".join(failures)
        return self.setup
