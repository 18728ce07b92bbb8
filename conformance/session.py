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

import base64
import pickle
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore

from conformance import __version__, specs
from conformance.calls import Cognito, HarnessError, Response, Unsupported
from conformance.checks import DivergenceFound, Recorder, get_path
from conformance.divergence import CheckKind, Divergence, Outcome
from conformance.endpoints import Endpoint, EndpointError
from conformance.expectations import Expectations, ExpectationsError, TestVerdict, judge, normalize_test_id
from conformance.facts import fact
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
    parse_call_timeout,
)
from conformance.records import (
    Records,
    RunRecord,
    divergence_record,
    new_run_id,
    result_record,
    run_tag,
    setup_test_id,
)
from conformance.redact import redact_text

#: What a failed set-up step rests on: these operations succeed on AWS with the parameters the fixtures send.
SETUP_FACT = fact("pools.setup")
#: The option that rewrites an expectations file, named in the "no longer happens" advice.
UPDATE_OPTION = "--update-expectations"
#: The prefix of every name the harness gives (``cc-<run tag>-pool-...``): the sweep's mark.
NAME_PREFIX = "cc"
#: A harness pool's name: the prefix, then the tag of the run that made it (6 hex digits), or the
#: ``m``-tag of the Hypothesis machine that made it (conformance/machines/base.py).
HARNESS_POOL = re.compile(rf"^{NAME_PREFIX}-(m?[0-9a-f]{{6}})-")


@dataclass
class RunSession:
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

    @property
    def tag(self) -> str:
        """The short part of the run id that the names of this run's pools carry."""
        return run_tag(self.run_id)

    def name(self, kind: str, unique: str) -> str:
        """A name for something the run creates: ``cc-<tag>-<kind>-<unique>``, known as this run's."""
        return f"{NAME_PREFIX}-{self.tag}-{kind}-{unique}"

    def begin(self) -> None:
        """The run has started: write ``run.json`` with status ``running`` (records.py says why)."""
        self.run_record()

    def sweep(self) -> int:
        """Delete the user pools earlier runs left behind on a local endpoint; returns how many.

        A run stopped by a signal or killed never reaches its fixtures' clean-up, and a long-lived
        local server (moto-server, cognito-local, the reference server) then keeps its pools for
        good. Only pools named by the harness (:data:`HARNESS_POOL`) with another run's tag are
        deleted; never on AWS (``Endpoint.local``), where the account may be shared with other
        runs in progress. Calls here are not under test: no observer, nothing recorded.

        Never in a pytest-xdist worker: the other workers' pools carry the same run tag only if the
        endpoint is theirs alone; on a shared server a worker would delete pools in use. The
        controller sweeps once, before any test runs (:meth:`begin_controller`).
        """
        if not self.endpoint.local or self.worker:
            return 0
        cognito = self.client()
        observer, cognito.observer = cognito.observer, None
        swept, token = 0, None
        try:
            leftovers = []
            for _ in range(100):  # 60 pools a page: far more than any leftover count
                params: dict[str, Any] = {"MaxResults": 60}
                if token:
                    params["NextToken"] = token
                answer = cognito.list_user_pools(**params)
                if not answer.ok or not isinstance(answer.body, dict):
                    break  # an endpoint that cannot list pools has nothing the harness can sweep
                for pool in answer.body.get("UserPools") or []:
                    match = HARNESS_POOL.match(str(pool.get("Name", ""))) if isinstance(pool, dict) else None
                    if match and match.group(1) != self.tag and pool.get("Id"):
                        leftovers.append(str(pool["Id"]))
                token = answer.body.get("NextToken")
                if not token:
                    break
            for pool_id in leftovers:
                if cognito.delete_user_pool(UserPoolId=pool_id).ok:
                    swept += 1
        except (Unsupported, HarnessError):
            pass  # not answered: nothing to sweep, and the suite will say what is unsupported
        finally:
            cognito.observer = observer
            cognito.log.clear()
        self.swept = swept
        return swept

    def start(self) -> None:
        if not self.started:
            self.started = True
            if self.run_timeout > 0:
                self._run_deadline = time.monotonic() + self.run_timeout
            self.endpoint.start()

    # --- time budgets ---------------------------------------------------------------------------------

    def set_budgets(
        self, *, call_timeout: str | None, test_timeout: float | None, run_timeout: float
    ) -> None:
        """Apply ``--call-timeout`` (to the endpoint's clients), ``--test-timeout`` and ``--run-timeout``.

        Without ``--test-timeout``, a test has :data:`DEFAULT_TEST_TIMEOUT`, except on an endpoint whose
        expiry tests sleep in real time (AWS: minutes per test, on purpose), where only the run's
        budget applies.
        """
        if call_timeout:
            self.endpoint.call_timeout = parse_call_timeout(call_timeout)
        if test_timeout is None:
            test_timeout = 0.0 if self.endpoint.waits_in_real_time else DEFAULT_TEST_TIMEOUT
        self.test_timeout, self.run_timeout = test_timeout, run_timeout

    def run_budget_spent(self) -> bool:
        """Whether the run's time budget ran out: the tests still to run are skipped ("run time budget")."""
        return self._run_deadline is not None and time.monotonic() > self._run_deadline

    def begin_test(self, cognito: Cognito) -> None:
        """Start a test's clock: no call of the test is sent once its budget or the run's is spent.

        A test over budget ends at its next call with :class:`conformance.calls.NoAnswer` (unsupported,
        with the budget named), so it is classified rather than hung, at most one call timeout late.
        """
        deadlines = [(self._run_deadline, "run time budget")] if self._run_deadline is not None else []
        if self.test_timeout > 0:
            deadlines.append((time.monotonic() + self.test_timeout, "test time budget"))
        cognito.deadline = min(deadlines) if deadlines else None

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

    def begin_controller(self, override: str | None) -> str:
        """The controller's start of a ``-n N`` run, before any worker runs a test; returns a note.

        Each worker starts its own endpoint (in-process ones are per process). A server the user named
        by URL is shared: the controller reaches it to learn which implementation answers (for the
        expectations it judges the set-up record and the wide entries with) and sweeps it once.
        """
        note = "each worker has its own endpoint, nothing to sweep"
        try:
            if self.endpoint.url is not None:
                self.start()
                note = f"swept {self.sweep()} leftover pools"
            self.load_expectations(override, updating=False)
        except (EndpointError, ExpectationsError) as error:
            # The workers meet the same error at their start and report it as a usage error.
            note = f"not swept ({error})"
        self.begin()
        return note

    def worker_state(self) -> str:
        """What a worker knows at its end that the run's judgement needs, for the controller.

        The set-up record (divergences by key, with their reproducers), the wide entries met and the
        operations called (:meth:`vanished_wide` needs all workers' together), the soft count and
        whether the worker collected the whole suite. Pickled: the controller runs the same code.
        """
        state = {
            "setup": self.setup.operations,
            "wide_met": self.expectations._wide_met,
            "operations_called": self.expectations._operations_called,
            "soft": self.soft,
            "whole_suite": self.whole_suite,
            "recorded": self.record is not None,
            "endpoint_version": self.endpoint.version,
        }
        return base64.b64encode(pickle.dumps(state)).decode("ascii")

    def absorb_worker(self, encoded: str) -> bool:
        """Merge one worker's :meth:`worker_state`; returns whether the worker recorded anything."""
        state = pickle.loads(base64.b64decode(encoded))
        self.workers_reported += 1
        for operation, theirs in state["setup"].items():
            mine = self._setup_entry(operation)
            mine.calls += theirs.calls
            mine.duration_ms += theirs.duration_ms
            for key, divergence in theirs.divergences.items():
                if key not in mine.divergences:  # first worker to report it wins, as the first test does
                    mine.divergences[key] = divergence
                    mine.reproducers[key] = theirs.reproducers.get(key, "")
                    mine.first_met[key] = theirs.first_met.get(key, "")
        # Expectations' own record of what the run met: a wide entry vanished only if no worker met it.
        self.expectations._wide_met |= state["wide_met"]
        self.expectations._operations_called |= state["operations_called"]
        self.soft += state["soft"]
        self._workers_whole_suite = self._workers_whole_suite and state["whole_suite"]
        if state["recorded"] and self.endpoint.version in ("", "unknown"):
            self.endpoint.version = state["endpoint_version"]
        return bool(state["recorded"])

    def merge_workers(self) -> None:
        """The controller's end of a ``-n N`` run: the workers' lines into the one record, before
        :meth:`finish_run` judges the merged set-up record and the wide entries."""
        record = self.run_record()
        record.endpoint_version = self.endpoint.version
        record.merge_workers(self.workers)
        # Whole suite only if every worker reported and each collected the whole suite.
        self.whole_suite = self.workers_reported == len(self.workers) > 0 and self._workers_whole_suite
        record.meta["whole_suite"] = self.whole_suite

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
            if error.operation not in recorder.operations:
                recorder.operations.append(
                    error.operation
                )  # the call that was not answered is never observed
            return self._outcome(
                OutcomeKind.UNSUPPORTED,
                recorder,
                info,
                report="skipped",
                text=redact_text(f"unsupported by {self.endpoint.label}: {error}"),
                forced=Outcome.UNSUPPORTED,
                message=str(error),
                duration_s=duration_s,
            )
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

    def meta(self, hypothesis_seed: object) -> dict[str, Any]:
        """What ``run.json`` says of the harness besides the counts."""
        manifest = specs.manifest()
        return {
            "endpoint_source": self.source,
            "harness_version": __version__,
            "botocore_version": botocore.__version__,
            "specs": {
                "botocore_version": manifest.get("botocore_version"),
                "model_sha256": manifest.get("model_sha256"),
            },
            "hypothesis_seed": hypothesis_seed,
        }

    def insufficient(self, max_unsupported_share: float, seed_operations: Iterable[str]) -> str:
        """Why the run cannot be judged (too little was answered), or "" when it can.

        A run in which an endpoint answers nothing passes every check it reaches, vacuously: each
        unanswered call is "unsupported", which is not a failure. The run is insufficient when more
        than ``max_unsupported_share`` of its result lines are unsupported, or when more than that
        share of the seed operations it called (the 2016-07-28 surface, conformance/specs) were
        never answered at all. The seed rule is a share, not "any": moto leaves AdminListDevices
        unimplemented and cognito-local three seed operations, and their runs are still worth judging.
        The shares are weighed on a whole-suite run only: they were measured on the whole suite, and
        a subset (the device tests on an emulator without devices, one test of an unimplemented
        operation) may rightly be mostly unsupported. A subset in which nothing at all was answered
        is insufficient all the same.
        """
        results = self.record.results if self.record is not None else []
        if not results:
            return ""
        if not self.whole_suite:
            if all(r.get("outcome") == "unsupported" for r in results):
                return f"all {len(results)} checks unsupported: nothing was answered"
            return ""
        reasons = []
        unsupported = sum(1 for r in results if r.get("outcome") == "unsupported")
        share = unsupported / len(results)
        if share > max_unsupported_share:
            reasons.append(
                f"{unsupported} of {len(results)} checks unsupported ({share:.0%}, more than the "
                f"--max-unsupported-share of {max_unsupported_share:.0%})"
            )
        seeds = set(seed_operations)
        outcomes: dict[str, set[str]] = {}
        for r in results:
            if r.get("operation") in seeds:
                outcomes.setdefault(str(r["operation"]), set()).add(str(r.get("outcome")))
        silent = sorted(op for op, seen in outcomes.items() if seen == {"unsupported"})
        if outcomes and len(silent) / len(outcomes) > max_unsupported_share:
            reasons.append(
                f"{len(silent)} of the {len(outcomes)} seed operations called never answered: "
                + ", ".join(silent)
            )
        return "; ".join(reasons)

    def close(self, meta: dict[str, Any], *, status: str, reason: str = "") -> dict[str, Any] | None:
        """Stop the endpoint and finish the record with the run's status (:data:`conformance.records.RUN_STATUSES`);
        returns the run's ``run.json`` (None if nothing ran)."""
        self.endpoint.stop()
        if self.record is None:
            return None
        self.status, self.status_reason = status, reason
        meta = {**meta, "whole_suite": self.whole_suite, "swept_pools": self.swept}
        return self.record.close(meta, status=status, reason=reason)
