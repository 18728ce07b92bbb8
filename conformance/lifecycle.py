"""The life of a run around its tests: its id and names, the sweep of leftovers, its time budgets,
the workers of a parallel run, its verdict and its record's end.

A mixin of :class:`conformance.session.RunSession` (whose fields it reads): the session judges
tests; this is what a run does before the first test, between tests and after the last one.
"""

from __future__ import annotations

import base64
import calendar
import json
import pickle
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import botocore
from botocore.exceptions import BotoCoreError, ClientError

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
#: The UserPoolTags every pool the harness creates on an endpoint that is not its own (AWS) carries:
#: the run, when, and which harness. On a shared account they are the only mark the janitor and the
#: leak alarm trust; a name can be anyone's.
TAG_RUN = "cognito-conformance:run-id"
TAG_CREATED = "cognito-conformance:created-at"
TAG_VERSION = "cognito-conformance:harness-version"
#: Pauses before retrying a throttled call the harness makes for itself (listing, tidying), in seconds.
HOUSEKEEPING_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0)


def pool_tags(run_id: str, now: float | None = None) -> dict[str, str]:
    """The UserPoolTags of a pool made by the run ``run_id`` (created-at in ISO 8601, UTC)."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now))
    return {TAG_RUN: run_id, TAG_CREATED: stamp, TAG_VERSION: __version__}


@dataclass(frozen=True)
class HarnessPool:
    """A pool that carries the harness's tags, as the account lists it."""

    pool_id: str
    name: str
    run_id: str
    #: epoch seconds of its created-at tag (None if the tag does not parse: then it counts as old).
    created_at: float | None

    def age(self, now: float | None = None) -> float:
        """Seconds since it was created (infinite when unknown: an unreadable stamp is never young)."""
        if self.created_at is None:
            return float("inf")
        return (time.time() if now is None else now) - self.created_at


def housekeeping(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """One call the harness makes for itself on a raw boto3 client, retried only when throttled."""
    method: Callable[..., dict[str, Any]] = getattr(client, operation)
    for pause in (*HOUSEKEEPING_PAUSES, None):
        try:
            return method(**params)
        except ClientError as error:
            if pause is None or error.response.get("Error", {}).get("Code") != "TooManyRequestsException":
                raise
            time.sleep(pause)
    raise AssertionError("unreachable")  # the last pause is None: the loop returns or raises


def harness_pools(client: Any) -> list[HarnessPool]:
    """Every pool of the account (the client's Region) that carries the harness's tags.

    ListUserPools does not return tags, so each candidate is described. Only pools with a harness name
    (:data:`HARNESS_POOL`) are candidates: the harness names every pool it makes so, and describing
    every pool of a shared account would spend its read quota (15 per second, docs/facts.md). The name
    only narrows the search; the tag :data:`TAG_RUN` decides: a pool named like the harness's without
    it is not the harness's.
    """
    found, token = [], None
    while True:
        page = housekeeping(
            client, "list_user_pools", MaxResults=60, **({"NextToken": token} if token else {})
        )
        for pool in page.get("UserPools") or []:
            if not HARNESS_POOL.match(str(pool.get("Name", ""))):
                continue
            try:
                described = housekeeping(client, "describe_user_pool", UserPoolId=pool["Id"])["UserPool"]
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    continue  # deleted meanwhile (another run's end)
                raise
            tags = described.get("UserPoolTags") or {}
            if TAG_RUN in tags:
                found.append(
                    HarnessPool(
                        pool["Id"], str(pool.get("Name", "")), tags[TAG_RUN], _epoch(tags.get(TAG_CREATED))
                    )
                )
        token = page.get("NextToken")
        if not token:
            return found


def _epoch(stamp: str | None) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


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

    @property
    def live_pools(self) -> set[str]:
        """The pools this run created on an endpoint that is not its own and has not deleted yet."""
        return vars(self).setdefault("_live_pools", set())

    def protect_account(self, max_harness_pools: int) -> None:
        """On an endpoint that is not the harness's own (AWS): mark and remember every pool the run makes,
        and refuse to start when the account already holds too many harness pools (a leak alarm).

        Every CreateUserPool of the run carries :func:`pool_tags` and ``DeletionProtection=INACTIVE``
        (unless the test sets it), so that the run, the janitor and an operator can delete it; every
        pool created is remembered until deleted, and :meth:`reap` deletes what the tests did not.
        Raises EndpointError (one line, exit code 4) when more than ``max_harness_pools`` pools of other
        runs are in the account: runs that were killed left them, and the janitor must run first.
        """
        if not self.endpoint.guards_account:
            # Local endpoints are swept by name (:meth:`sweep`) and their answers stay untagged; a replay
            # answers only what it recorded.
            return
        self.endpoint.client_hooks.append(self._mark_client)
        try:
            pools = harness_pools(self.endpoint.make_client())
        except (ClientError, BotoCoreError) as error:
            raise EndpointError(
                f"cannot list the account's user pools ({type(error).__name__}: {error})"
            ) from None
        leaked = [pool for pool in pools if pool.run_id != self.run_id]
        if len(leaked) > max_harness_pools:
            raise EndpointError(
                f"refusing to start: the account holds {len(leaked)} user pools left by earlier runs of this "
                f"harness (more than --aws-max-harness-pools={max_harness_pools}); delete them first with "
                "python -m conformance.janitor --aws-account <id>"
            )

    def _mark_client(self, client: Any) -> None:
        events = client.meta.events
        events.register("before-parameter-build.cognito-idp.CreateUserPool", self._tag_new_pool)
        events.register("after-call.cognito-idp.CreateUserPool", self._pool_created)
        events.register("before-call.cognito-idp.DeleteUserPool", self._pool_deleting)
        events.register("after-call.cognito-idp.DeleteUserPool", self._pool_deleted)

    def _tag_new_pool(self, params: dict[str, Any], **_: Any) -> None:
        tags = params.get("UserPoolTags")
        params["UserPoolTags"] = {**(tags if isinstance(tags, dict) else {}), **pool_tags(self.run_id)}
        params.setdefault("DeletionProtection", "INACTIVE")

    def _pool_created(self, parsed: Any, **_: Any) -> None:
        pool = parsed.get("UserPool") if isinstance(parsed, dict) else None
        if isinstance(pool, dict) and isinstance(pool.get("Id"), str):
            self.live_pools.add(pool["Id"])

    @staticmethod
    def _pool_deleting(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        body = params.get("body") if isinstance(params, dict) else None
        context["conformance_pool"] = _pool_id_of(body)

    def _pool_deleted(self, http_response: Any, context: dict[str, Any], **_: Any) -> None:
        if getattr(http_response, "status_code", 0) == 200:
            self.live_pools.discard(context.get("conformance_pool") or "")

    def reap(self) -> int:
        """Delete the pools this run made and its tests did not (a test stopped by a signal, a failed
        clean-up); returns how many. Only on an endpoint that is not the harness's own; never a pool
        the run did not create."""
        if self.endpoint.local or not self.live_pools:
            return 0
        client, reaped = self.endpoint.make_client(), 0
        for pool_id in sorted(self.live_pools):
            try:
                housekeeping(client, "delete_user_pool", UserPoolId=pool_id)
                reaped += 1
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    self.live_pools.discard(pool_id)
            except BotoCoreError:
                pass  # no answer: the janitor will find it by its tags
        return reaped

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
        self.reap()
        self.endpoint.stop()
        if self.record is None:
            return None
        self.status, self.status_reason = status, reason
        meta = {**meta, "whole_suite": self.whole_suite, "swept_pools": self.swept}
        return self.record.close(meta, status=status, reason=reason)


def _pool_id_of(body: Any) -> str:
    """The UserPoolId of a serialized DeleteUserPool request (awsJson1_1: a JSON body)."""
    try:
        value = json.loads(body or b"{}").get("UserPoolId")
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""
