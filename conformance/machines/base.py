"""What every Cognito state machine shares: predict, call, compare, learn, at each step.

A machine holds the endpoint (through the conformance client) and the oracle's state. Each rule
calls :meth:`CognitoMachine.perform`, which asks the oracle for its prediction, sends the call,
records every difference on the test's ``check`` recorder as a divergence carrying the
prediction's fact, lets the oracle learn from the answer, and stops the example at the first hard
divergence the endpoint's expectations do not list (``check.raise_if_unexpected``), so that
Hypothesis shrinks the run to the minimal sequence of calls. Each example starts with a clean
recorder and call log, so after shrinking the log is the minimal reproducer.

Machines are built inside the test from the fixtures (the Schemathesis pattern)::

    chosen = profiles.profile(name)
    run = MachineRun(cognito, check, budget=chosen.budget, shrink_seconds=chosen.shrink_seconds)
    run_state_machine_as_test(lambda: UserLifecycle(run, pool_id, client), settings=...)
    run.finish()

Shrinking is bounded: once ``shrink_seconds`` have passed since the first failing example, every
new example ends before its first call (:meth:`MachineRun.admit`), so Hypothesis ends with the
smallest failure found so far, and the run says so (:attr:`MachineRun.shrink_note`).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Container
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from hypothesis import currently_in_test_context
from hypothesis.control import current_build_context
from hypothesis.errors import Flaky
from hypothesis.stateful import RuleBasedStateMachine

from conformance.calls import BudgetSpent, HarnessError, Unsupported
from conformance.checks import DivergenceFound
from conformance.divergence import CheckKind, Divergence
from conformance.expect import ABSENT, PRESENT
from conformance.expectations import is_implementation_wide
from conformance.oracle import Answer, Call, Proof, State, Verdict, describe_call, observe, predict
from conformance.oracle.model import frozen
from conformance.profiles import Budget

if TYPE_CHECKING:
    from conformance.calls import Cognito, Response
    from conformance.checks import Recorder
    from conformance.crypto.srp import UserSrpClient
    from conformance.flows import AppClient
    from conformance.oracle import Prediction


class _EveryDivergence:
    """Expectations that list every divergence (``key in EVERY_DIVERGENCE`` is always true)."""

    def __contains__(self, item: object) -> bool:
        return True


EVERY_DIVERGENCE: Container[str] = _EveryDivergence()


@dataclass
class MachineRun:
    """One test's run of a machine across all its examples: counts, and every divergence seen."""

    cognito: Cognito
    check: Recorder
    budget: Budget = field(default_factory=Budget)
    steps: int = 0
    calls: int = 0
    examples: int = 0
    #: operations (``Operation`` or ``Operation:AuthFlow``) the endpoint does not implement: rules
    #: that need one skip it, and the run reports them (the rest of the machine still runs).
    unsupported: dict[str, Unsupported] = field(default_factory=dict)
    #: where a replayed recording stood when the current example began, and when the first failing
    #: one did (endpoints/replay.py): the final replay Hypothesis makes to report it reads the same
    #: recorded answers again.
    example_start: Any = None
    failing_start: Any = None
    #: the call refused because the test's or the run's time budget ran out, once it has been.
    budget_spent: BudgetSpent | None = None
    seen: dict[str, Divergence] = field(default_factory=dict)
    #: the calls that made the test's pool and clients (before the machine ran): every example's
    #: reproducer starts with them, so that the script runs against a fresh endpoint.
    setup_calls: list[Any] = field(default_factory=list)
    #: the machine of the latest example (after a failure: the minimal one), for its oracle state.
    latest: CognitoMachine | None = None
    started: float = field(default_factory=time.perf_counter)
    #: how long shrinking may go on after the first failing example (None: as long as Hypothesis likes).
    shrink_seconds: float | None = None
    #: when the first example failed (``time.perf_counter()``), None while none has.
    first_failure: float | None = None
    #: whether examples were ended unrun because the shrink budget ran out, and after how many seconds.
    shrink_cut_short: bool = False
    shrink_cut_after: float = 0.0
    #: whether the run explores as if every divergence were listed (``--update-expectations``:
    #: :meth:`list_everything`); the test's own expectations are kept aside meanwhile.
    lists_everything: bool = False
    _listed: Container[str] | None = None

    def list_everything(self) -> None:
        """Before the first example of a run that rewrites the expectations: every divergence is listed.

        An example stops at its first unlisted hard divergence (and at an unreadable answer), and
        stopping changes what Hypothesis explores: a stopped example draws fewer steps, and a
        derandomized (``ci``) run generates each later example from what the earlier ones drew. So
        which divergences a run meets depends on which ones stop it, that is on the file. A run
        that wrote the file from stopped examples would meet others once its entries are listed
        and nothing stops. While rewriting, nothing stops: the run meets what the next run, with
        every divergence listed, will meet, and :meth:`finish` hands all of them to the recorder
        (the test still fails on those the file does not list yet). :meth:`end` restores the list.
        """
        if self.lists_everything and self._listed is None:
            self._listed, self.check.expected = self.check.expected, EVERY_DIVERGENCE

    def end(self) -> None:
        """After the last example, whatever ended the run: the test's own expectations again."""
        if self._listed is not None:
            self.check.expected, self._listed = self._listed, None

    def failed(self) -> None:
        """An example stopped on an unexpected divergence: the shrink budget starts at the first one."""
        if self.first_failure is None:
            self.first_failure = time.perf_counter()
            self.failing_start = self.example_start

    def admit(self) -> None:
        """At the start of an example: end it (before any call) once the shrink budget is spent.

        Hypothesis keeps the smallest failing example it has and ends the run soon, with that
        one. The example ends as an overrun (as if it had run out of choices), not a rejection:
        Hypothesis remembers what each earlier example drew, and an example that is rejected
        before drawing what an earlier one with the same choices drew reads to it as flaky data
        generation; overruns are left out of that record. The final replay that reports the
        failure (and fills the call log the reproducer is made of) is always admitted.
        """
        endpoint = self.cognito.endpoint
        if endpoint.replays_in_order and currently_in_test_context():
            # A recording answers in the order it was made: the final replay of the failing example
            # must start where that example started (shrinking is off for such endpoints, _run).
            if current_build_context().is_final and self.failing_start is not None:
                endpoint.rewind_replay(self.failing_start)
            self.example_start = endpoint.replay_position()
        if self.budget_spent is not None and currently_in_test_context():
            # The test's time budget ran out: no example may call again (see CognitoMachine.perform).
            current_build_context().data.mark_overrun()
        if self.first_failure is None or self.shrink_seconds is None or not currently_in_test_context():
            return
        waited = time.perf_counter() - self.first_failure
        context = current_build_context()
        if waited < self.shrink_seconds or context.is_final:
            return
        if not self.shrink_cut_short:
            self.shrink_cut_short = True
            self.shrink_cut_after = waited
        context.data.mark_overrun()

    @property
    def shrink_note(self) -> str:
        """``shrinking cut short after N s ...`` when it was, else the empty string."""
        if not self.shrink_cut_short:
            return ""
        return (
            f"shrinking cut short after {self.shrink_cut_after:.0f} s "
            f"(shrink budget {self.shrink_seconds:g} s): the reproducer is the smallest failing "
            "example found by then"
        )

    def annotate(self, error: BaseException) -> None:
        """Add the shrink note to the exception that ends the run (shown with its traceback)."""
        if self.shrink_cut_short:
            error.add_note(self.shrink_note)

    def flaky_divergences(self, flaky: Flaky) -> list[Divergence] | None:
        """The unexpected hard divergences behind a flaky run; None when a failure was not a divergence.

        Hypothesis calls a run flaky when replaying its failing example does not fail the same way.
        Against an endpoint whose answers change from call to call (a chaos endpoint, a service
        under load) that is the endpoint's doing: each failure a ``FlakyFailure`` holds is a
        divergence the endpoint showed once, and so is each divergence that stopped an example
        (``seen``; a ``FlakyReplay`` or ``FlakyStrategyDefinition``, where the replay drew
        differently because the answers steer the draws, holds no failure). A failure that is not a
        divergence (a fault of the harness) gives None: the run stays the harness error it is.
        """
        found: dict[str, Divergence] = {}
        for failure in _failures(flaky):
            if isinstance(failure, DivergenceFound):
                for divergence in failure.divergences:
                    found.setdefault(divergence.key(), divergence)
            elif not isinstance(failure, Flaky):
                # A nested Flaky (FlakyStrategyDefinition: the replay drew differently) is the
                # endpoint's changing answers again, not a failure of its own.
                return None
        for key, divergence in self.seen.items():
            found.setdefault(key, divergence)
        return [d for d in found.values() if d.confidence.is_hard and d.key() not in self.check.expected]

    def distinct_divergences(self, group: BaseExceptionGroup) -> list[Divergence] | None:
        """The unexpected hard divergences behind several distinct failures; None when one is not a divergence.

        Hypothesis reports each distinct minimal failure it found in one exception group. When every
        one of them stopped on a divergence, the run found those divergences (the answers steer
        which rules fail where: a chaos endpoint's rewrites can stop two rules differently); a
        failure that is not a divergence keeps the run the harness error it is.
        """
        found: dict[str, Divergence] = {}
        for failure in _failures(group):
            if not isinstance(failure, DivergenceFound):
                return None
            for divergence in failure.divergences:
                found.setdefault(divergence.key(), divergence)
        return [d for d in found.values() if d.confidence.is_hard and d.key() not in self.check.expected]

    def finish_failed(self) -> None:
        """After a run that stopped on an unexpected divergence: keep the known ones of every example.

        The failure shows the minimal example; divergences the expectations list that earlier
        examples showed are still observed (otherwise they would read as "no longer happens").
        """
        for key, divergence in self.seen.items():
            if key in self.check.expected:
                self.check.add(divergence)

    def finish(self) -> None:
        """After a run with no unexpected divergence: the recorder reports all divergences seen.

        Each example starts afresh (so that a failure shows only the minimal example); known and
        UNVERIFIED divergences of earlier examples must still reach the report and the
        expectations check.
        """
        for divergence in self.seen.values():
            self.check.add(divergence)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def steps_per_second(self) -> float:
        return self.steps / self.elapsed if self.elapsed > 0 else 0.0


def _failures(error: BaseException) -> list[BaseException]:
    """The exceptions an exception group holds, nested groups opened; any other exception: itself."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _failures(inner)]
    return [error]


#: A value that names itself in a key: an enum-like word (``CONFIRMED``, ``NotAuthorizedException``).
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


def _shown(value: Any) -> str:
    """A value as a machine key shows it: stable across runs (no ids, names or dates in it)."""
    if value is None or isinstance(value, bool | int):
        return json.dumps(value)
    if value in (ABSENT, PRESENT):
        return str(value)
    if isinstance(value, str):
        if value.startswith("success (HTTP"):
            return "success"
        code = value.split(" (HTTP", 1)[0]
        if " (HTTP" in value and _WORD.fullmatch(code):
            return code  # an error shown as "<code> (HTTP 400): <message>": the code
        return (
            value
            if _WORD.fullmatch(value) and (value.isupper() or value.endswith("Exception"))
            else "a string"
        )
    if isinstance(value, list | tuple) and all(isinstance(v, str) and _WORD.fullmatch(v) for v in value):
        return "[" + ",".join(value) + "]"  # member names, e.g. the keys of ChallengeParameters
    names: dict[type, str] = {list: "a list", tuple: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def qualified(divergence: Divergence) -> Divergence:
    """``divergence`` with the expected and returned codes or values in its path (and so its key).

    ``AdminInitiateAuth error.code $.__type`` alone would let one known entry swallow every other
    wrong code at that step; ``... $.__type expected NotAuthorizedException returned
    UserNotFoundException`` names one difference. A message check names the error code it was
    judged under (messages hold request values, which change from run to run).
    """
    if is_implementation_wide(divergence.check):
        # Identifier formats and the like belong to the implementation-wide layer, keyed by check and path.
        return divergence
    if divergence.check == "error.message":
        code = divergence.evidence.error_type() if divergence.evidence is not None else None
        detail = f"of {code}" if code else ""
    elif divergence.check == "page-size":
        # How many items came back over the limit depends on how many the example had made.
        detail = "expected at most MaxResults returned more"
    elif divergence.expected == ABSENT and isinstance(divergence.actual, list | tuple):
        # A member AWS leaves out: that it is there is the difference. Its items depend on the steps
        # before (flows kept from an earlier update), so the key would change with the example.
        detail = f"expected {ABSENT} returned a list"
    else:
        detail = f"expected {_shown(divergence.expected)} returned {_shown(divergence.actual)}"
    return replace(divergence, path=f"{divergence.path} {detail}".rstrip())


class CognitoMachine(RuleBasedStateMachine):
    """The base of the Cognito machines: the oracle and the endpoint, in step."""

    #: the column of the compatibility matrix this machine's semantic checks go to.
    kind = CheckKind.SEMANTICS

    def __init__(self, run: MachineRun, state: State) -> None:
        # First, before anything is counted, reset or called: the shrink budget may be spent.
        run.admit()
        super().__init__()
        self.run = run
        self.cognito = run.cognito
        self.check = run.check
        # A fresh example: the recorder and the reproducer only ever show this example.
        self.check.reset()
        self.cognito.log.clear()
        self.cognito.log.calls.extend(run.setup_calls)
        self.state = state
        self.prefix = f"m{secrets.token_hex(3)}"
        self.created_users: list[tuple[str, str]] = []
        self.number = 0
        run.examples += 1
        run.latest = self

    # -- one step ---------------------------------------------------------------------------------

    def password_sign_in(self, client: Any, parameters: dict[str, str], *, admin: bool) -> Response:
        """USER_PASSWORD_AUTH (InitiateAuth) or ADMIN_USER_PASSWORD_AUTH (AdminInitiateAuth) with these AuthParameters."""
        if admin:
            return self.perform(
                "AdminInitiateAuth",
                {
                    "UserPoolId": client.pool_id,
                    "ClientId": client.client_id,
                    "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                    "AuthParameters": parameters,
                },
            )
        return self.perform(
            "InitiateAuth",
            {"ClientId": client.client_id, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": parameters},
        )

    def perform(self, operation: str, params: dict[str, Any], proof: Proof | None = None) -> Response:
        """Predict, call, compare, learn; stop the example on an unexpected hard divergence."""
        feature = self.feature(operation, params)
        if self.skips(feature):
            # Known to be missing: the call is not made. The answer is "nothing", exactly as when it
            # was first found missing, so a replayed example sees the same states and draws.
            return self._nothing(operation, params)
        call = Call(operation, frozen(params), proof)
        prediction = predict(self.state, call)
        self.number += 1
        note = f"step {self.number}: {describe_call(call)}; the oracle predicted {prediction.describe()}"
        try:
            response = self.cognito.call(operation, params)
        except BudgetSpent as error:
            # The time budget ran out mid-example: end it as an overrun, as the shrink budget does.
            # Going on would answer the same draws differently from here on, which Hypothesis reports
            # as flaky; the test ends as unsupported with the budget named (suite/test_machines.py).
            self.run.budget_spent = error
            if currently_in_test_context():
                current_build_context().data.mark_overrun()
            raise
        except Unsupported as error:
            # Not a divergence: note it. The call changed nothing the oracle could learn, so the
            # state stays as it was and the rule goes on with an empty answer.
            self.run.unsupported[feature] = error
            return self._nothing(operation, params)
        except DivergenceFound:
            # The answer could not be read (Recorder.observe stops there): the example stops at this
            # step as at any unexpected divergence, and the run keeps what stopped it.
            self.keep_seen()
            self.run.failed()
            raise
        self.run.calls += 1
        self.compare(prediction, response, note)
        body = response.body if isinstance(response.body, dict) else {}
        self.state = observe(self.state, call, Answer(response.ok, frozen(body), response.error_code))
        self.stop_if_unexpected()
        return response

    @staticmethod
    def _nothing(operation: str, params: dict[str, Any]) -> Response:
        """The empty answer of a call the endpoint does not implement (``ok`` False, no body)."""
        from conformance.calls import Response

        return Response(operation, params, None, None)

    @staticmethod
    def feature(operation: str, params: dict[str, Any]) -> str:
        """What an endpoint may lack: the operation, or the operation with its AuthFlow (docs/emulators.md)."""
        flow = params.get("AuthFlow")
        return f"{operation}:{flow}" if flow else operation

    def skips(self, *features: str) -> bool:
        """Whether the endpoint lacks one of these (``Operation`` or ``Operation:AuthFlow``)."""
        return any(f in self.run.unsupported for f in features)

    def compare(self, prediction: Prediction, response: Response, note: str) -> None:
        """Record each difference between the prediction and the answer on the recorder.

        Each divergence's path carries the values compared (:func:`qualified`), so an expectations
        entry names one difference, not every difference at that member.
        """
        start = len(self.check.divergences)
        try:
            self._compare(prediction, response, note)
        finally:
            # Also when a comparison stops the machine (a hard divergence ends the step): the key
            # recorded must be the qualified one, whichever way the step ends.
            self.check.rewrite_since(start, qualified)

    def _compare(self, prediction: Prediction, response: Response, note: str) -> None:
        if prediction.verdict is Verdict.UNKNOWN:
            return
        if prediction.verdict is Verdict.ERROR:
            self.check.error(
                response,
                prediction.error_code or "",
                prediction.fact,
                message=prediction.message,
                message_fact=prediction.message_fact,
                note=note,
            )
            return
        if not self.check.succeeded(response, prediction.fact, note=note):
            return
        for expect in prediction.expects:
            self.check.expect(response, expect, kind=self.kind, note=note)

    def agree(
        self, agrees: bool, *, operation: str, check: str, path: str, expected: Any, actual: Any, fact: Any
    ) -> bool:
        """A check over several calls (e.g. the union of a listing's pages); stops like :meth:`perform`."""
        self.check.that(
            agrees,
            operation=operation,
            check=check,
            path=path,
            expected=expected,
            actual=actual,
            fact=fact,
            kind=self.kind,
            note=f"after step {self.number}",
        )
        self.stop_if_unexpected()
        return agrees

    def stop_if_unexpected(self) -> None:
        """Keep every divergence for the run's report; stop the example on an unexpected hard one."""
        self.keep_seen()
        try:
            self.check.raise_if_unexpected()
        except DivergenceFound:
            self.run.failed()
            raise

    def keep_seen(self) -> None:
        """Keep this example's divergences for the run's report (the recorder forgets them per example)."""
        for divergence in self.check.divergences:
            self.run.seen.setdefault(divergence.key(), divergence)

    def step_taken(self) -> None:
        self.run.steps += 1

    # -- helpers for rules ------------------------------------------------------------------------

    def new_username(self) -> str:
        return f"{self.prefix}-u{len(self.created_users) + 1}"

    def can_create_user(self) -> bool:
        return len(self.created_users) < self.run.budget.max_users

    def teardown(self) -> None:
        """Delete this example's users, unobserved and left out of the reproducer."""
        logged = len(self.cognito.log.calls)
        observer, self.cognito.observer = self.cognito.observer, None
        try:
            for pool_id, username in self.created_users:
                known = self.state.users.get((pool_id, username))
                if known is not None and known.deleted and known.in_sync:
                    continue  # the example deleted it itself
                try:
                    self.cognito.admin_delete_user(UserPoolId=pool_id, Username=username)
                except (Unsupported, HarnessError):
                    pass
        finally:
            self.cognito.observer = observer
            del self.cognito.log.calls[logged:]

    def paginate(
        self,
        operation: str,
        params: dict[str, Any],
        items: str,
        token: str = "PaginationToken",
        max_pages: int = 40,
    ) -> list[Any] | None:
        """Every item of a listing, page after page to exhaustion; None when a page failed."""
        collected: list[Any] = []
        next_token = None
        for _ in range(max_pages):
            page_params = dict(params)
            if next_token:
                page_params[token] = next_token
            response = self.perform(operation, page_params)
            if not response.ok or not isinstance(response.body, dict):
                return None
            collected.extend(response.body.get(items) or [])
            next_token = response.body.get(token)
            if not next_token:
                return collected
        return collected

    # -- the reproducer: values computed from secrets are recomputed by the script -------------------

    def annotate_hash(self, client: AppClient, member: str, parameters: dict[str, Any]) -> None:
        """The script recomputes SECRET_HASH in ``member`` rather than print it."""
        if "SECRET_HASH" in parameters:
            rest = {k: v for k, v in parameters.items() if k != "SECRET_HASH"}
            template, values = client.hash_expression(parameters["USERNAME"], first=1)
            self.cognito.log.annotate(params={member: (f"dict({{0}}{template})", (rest, *values))})

    def annotate_srp_start(
        self, srp: UserSrpClient, client: AppClient, pool_id: str, password: str, parameters: dict[str, Any]
    ) -> None:
        """The script makes its own SRP client with the same password and sends its SRP_A."""
        name = self.cognito.log.name(srp, "srp")
        rest = {k: v for k, v in parameters.items() if k not in ("SRP_A", "SECRET_HASH")}
        template, values = (
            client.hash_expression(parameters["USERNAME"], first=1)
            if "SECRET_HASH" in parameters
            else ("", ())
        )
        self.cognito.log.annotate(
            setup=[(f"{name} = UserSrpClient({{0}}, {{1}})", (pool_id, password))],
            params={"AuthParameters": (f"dict({{0}}, SRP_A={name}.srp_a_hex(){template})", (rest, *values))},
        )

    def annotate_srp_answer(
        self,
        srp: UserSrpClient,
        client: AppClient,
        challenge: dict[str, Any],
        extra: dict[str, Any],
        timestamp: str | None,
    ) -> None:
        """The script answers PASSWORD_VERIFIER from the challenge it received (TIMESTAMP as sent, if given)."""
        name = self.cognito.log.name(srp, "srp")
        username = challenge.get("USER_ID_FOR_SRP", "")
        template, values = client.hash_expression(username, first=3)
        stamp = ", timestamp={2}" if timestamp else ""
        self.cognito.log.annotate(
            params={
                "ChallengeResponses": (
                    f"dict({name}.answer_password_verifier({{0}}{stamp}), **{{1}}{template})",
                    (challenge, extra, timestamp, *values),
                )
            }
        )
