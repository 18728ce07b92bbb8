"""The life of a run around its tests: its id and names, the sweep of leftovers, its time budgets,
the workers of a parallel run, its verdict and its record's end.

A mixin of :class:`conformance.session.RunSession` (whose fields it reads): the session judges
tests; this is what a run does before the first test, between tests and after the last one.
"""

from __future__ import annotations

import base64
import pickle
import re
import time
from collections.abc import Iterable
from typing import Any

import botocore

from conformance import __version__, specs
from conformance.calls import Cognito, HarnessError, Unsupported
from conformance.endpoints import EndpointError
from conformance.expectations import ExpectationsError
from conformance.outcomes import DEFAULT_TEST_TIMEOUT, parse_call_timeout
from conformance.records import run_tag

#: The prefix of every name the harness gives (``cc-<run tag>-pool-...``): the sweep's mark.
NAME_PREFIX = "cc"
#: A harness pool's name: the prefix, then the tag of the run that made it (6 hex digits), or the
#: ``m``-tag of the Hypothesis machine that made it (conformance/machines/base.py).
HARNESS_POOL = re.compile(rf"^{NAME_PREFIX}-(m?[0-9a-f]{{6}})-")


class RunLifecycle:
    """Before, between and after the tests of a run (mixed into :class:`~conformance.session.RunSession`)."""

    #: Set by RunSession (its default: True); declared here for the type checker.
    _workers_whole_suite: bool

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
