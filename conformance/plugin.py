"""The pytest plugin: hooks, options and the header; nothing else.

Registered through the ``pytest11`` entry point, so ``--endpoint`` works wherever the package is
installed. Configuration is resolved here, once, with its source shown in the header
(option, then the ``CONFORMANCE_ENDPOINT`` environment variable, then the ``conformance_endpoint``
ini key, then the default), as pytest-django does for ``--ds``. The hooks map pytest onto a
pytest-free :class:`~conformance.session.RunSession`, which judges each test once and owns the
record; the fixtures live in ``conformance/fixtures.py``; the terminal summary and Allure are views
(``conformance/reports``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import settings
from hypothesis.errors import InvalidArgument

from conformance import __version__, fixtures, profiles, redact, specs
from conformance.areas import area_of_module, title_of
from conformance.budget import DEFAULT_MAX_MAU, Caps, Meter
from conformance.endpoints import EndpointError, help_text, parse
from conformance.expectations import ExpectationsError, normalize_test_id
from conformance.fixtures import RECORDER_KEY, SESSION_KEY
from conformance.outcomes import DEFAULT_RUN_TIMEOUT, DEFAULT_TEST_TIMEOUT, OutcomeKind, TestInfo, fact_of
from conformance.records import INSUFFICIENT, INTERRUPTED, remove_worker_files
from conformance.reports import allure as allure_report
from conformance.reports import history, terminal
from conformance.session import UPDATE_OPTION, RunSession

#: The conformance suite's folder: a run that collects all of its modules is a whole-suite run.
SUITE_DIR = Path(__file__).parent / "suite"
DESELECTED_KEY = pytest.StashKey[bool]()

ENDPOINT_OPTION = "--endpoint"
ENDPOINT_ENV = "CONFORMANCE_ENDPOINT"
ENDPOINT_INI = "conformance_endpoint"
DEFAULT_ENDPOINT = "moto"
AWS_ACCOUNT_OPTION = "--aws-account"
AWS_REGION_OPTION = "--aws-region"
AWS_PROFILE_OPTION = "--aws-profile"
AWS_MAX_HARNESS_POOLS_OPTION = "--aws-max-harness-pools"
#: The leak alarm's default: a run on aws refuses to start when the account already holds more harness
#: pools than this (runs interrupted hard, or killed, leave theirs for the janitor).
DEFAULT_AWS_MAX_HARNESS_POOLS = 10
EXPECTATIONS_OPTION = "--expectations"
REPORTS_OPTION = "--reports-dir"
CALL_TIMEOUT_OPTION = "--call-timeout"
TEST_TIMEOUT_OPTION = "--test-timeout"
RUN_TIMEOUT_OPTION = "--run-timeout"
REPORTS_INI = "conformance_reports_dir"
MAX_UNSUPPORTED_OPTION = "--max-unsupported-share"
PACING_OPTION = "--pacing"
RATE_SHARE_OPTION = "--aws-rate-share"
RECORD_OPTION = "--record"
#: The default share of unsupported checks (and of seed operations never answered) above which a
#: whole-suite run is insufficient. Measured on the whole suite: moto 5 of 997 checks and 1 of 24 seed
#: operations, cognito-local 5.3.0 10 of 299 and 3 of 14, the reference none; an endpoint answering
#: every request with an HTML 500 page 180 of 180 and 9 of 9. Half leaves room on both sides.
DEFAULT_MAX_UNSUPPORTED_SHARE = 0.5
#: The exit status of an insufficient run (pytest's own are 0-5): too little was answered to judge it.
EXIT_INSUFFICIENT = 6
PREVIOUS_SIGTERM_KEY = pytest.StashKey[Any]()
PREVIOUS_SIGINT_KEY = pytest.StashKey[Any]()
#: whether this run already gives the frozen objects back to the garbage collector at its end
_GC_FROZEN_KEY = pytest.StashKey[bool]()
#: pytest's own exit status of an interrupted run, also that of a run ended by a second signal.
EXIT_INTERRUPTED = int(pytest.ExitCode.INTERRUPTED)
#: What a run spends and keeps (conformance/pacing.py, budget.py, recording.py), where it was asked for.
PACER_KEY = pytest.StashKey[Any]()  # a conformance.pacing.Pacer, or None
METER_KEY = pytest.StashKey["Meter | None"]()
RECORDING_KEY = pytest.StashKey[Any]()  # a conformance.recording.Recording, or None
#: pytest-xdist: the controller's run id, handed to each worker (``workerinput``), and the worker's
#: state at its end, handed back (``workeroutput``; conformance/session.py ``worker_state``).
XDIST_RUN_ID = "conformance_run_id"
XDIST_STATE = "conformance_state"
MARKERS = (
    "kind(name): the kind of check a test makes (shape, errors, semantics, ...)",
    "fact(FACT): the catalogue fact (conformance.facts) a test rests on",
    "operation(name): the Cognito operation a test is about",
    "stateful: a Hypothesis machine; what it reaches depends on the profile's exploration",
)

# Hypothesis profiles (--hypothesis-profile), one table in conformance/profiles.py: ``ci`` (the
# default: derandomized, so a run's divergences and the expectations that list them are the same run
# after run), ``dev``, ``nightly`` and ``aws-budget``. Registered at import, as Hypothesis's own
# plugin registers its profiles, so that --hypothesis-profile can name them.
profiles.register()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "Cognito conformance")
    group.addoption(
        ENDPOINT_OPTION,
        dest="conformance_endpoint",
        default=None,
        help=f"{help_text()} Also $CONFORMANCE_ENDPOINT or the '{ENDPOINT_INI}' ini key.",
    )
    group.addoption(
        AWS_ACCOUNT_OPTION,
        dest="conformance_aws_account",
        default=None,
        help="for --endpoint=aws: the 12-digit account the credentials must belong to",
    )
    group.addoption(
        AWS_REGION_OPTION,
        dest="conformance_aws_region",
        default=None,
        help="for --endpoint=aws: the region (default: the credential chain's region, i.e. the "
        "profile's or $AWS_DEFAULT_REGION, then $AWS_REGION, then us-east-1)",
    )
    group.addoption(
        AWS_PROFILE_OPTION,
        dest="conformance_aws_profile",
        default=None,
        help="for --endpoint=aws: the named profile of the shared AWS config files (default: the "
        "standard chain: environment, $AWS_PROFILE, web identity, instance role)",
    )
    group.addoption(
        AWS_MAX_HARNESS_POOLS_OPTION,
        dest="conformance_aws_max_harness_pools",
        type=int,
        default=DEFAULT_AWS_MAX_HARNESS_POOLS,
        help="for --endpoint=aws: refuse to start when the account already holds more pools tagged by "
        f"this harness (leaked by earlier runs; run python -m conformance.janitor) (default "
        f"{DEFAULT_AWS_MAX_HARNESS_POOLS})",
    )
    group.addoption(
        EXPECTATIONS_OPTION,
        dest="conformance_expectations",
        default=None,
        help="expectations file to use instead of conformance/expectations/<implementation>.toml",
    )
    group.addoption(
        UPDATE_OPTION,
        dest="conformance_update",
        action="store_true",
        default=False,
        help="rewrite the endpoint's expectations file from this run (new entries need a reason)",
    )
    group.addoption(
        REPORTS_OPTION,
        dest="conformance_reports",
        default=None,
        help="where results.jsonl, divergences.jsonl and run.json go (default: reports/)",
    )
    group.addoption(
        MAX_UNSUPPORTED_OPTION,
        dest="conformance_max_unsupported",
        type=float,
        default=DEFAULT_MAX_UNSUPPORTED_SHARE,
        help=(
            "a whole-suite run ends with exit status 6 when more than this share of its checks, or of "
            "the seed operations it called, is unsupported (default "
            f"{DEFAULT_MAX_UNSUPPORTED_SHARE}); any run of which nothing is answered does too"
        ),
    )
    group.addoption(
        CALL_TIMEOUT_OPTION,
        dest="conformance_call_timeout",
        default=None,
        help="seconds each call may take: READ or CONNECT,READ (default 3,10); "
        "a call with no answer in time is 'unsupported'",
    )
    group.addoption(
        TEST_TIMEOUT_OPTION,
        dest="conformance_test_timeout",
        type=float,
        default=None,
        help=f"seconds a test may take before its next call is refused, 0 for none "
        f"(default {DEFAULT_TEST_TIMEOUT:g}; none on aws, whose expiry tests wait minutes)",
    )
    group.addoption(
        RUN_TIMEOUT_OPTION,
        dest="conformance_run_timeout",
        type=float,
        default=DEFAULT_RUN_TIMEOUT,
        help=f"seconds the run may take; then the remaining tests are skipped, 0 for none (default {DEFAULT_RUN_TIMEOUT:g})",
    )
    group.addoption(
        PACING_OPTION,
        dest="conformance_pacing",
        choices=("auto", "on", "off"),
        default="auto",
        help="pace calls under Cognito's request-rate quotas, shared by all workers "
        "(auto: on for --endpoint=aws only; on: any endpoint, for testing)",
    )
    group.addoption(
        RATE_SHARE_OPTION,
        dest="conformance_rate_share",
        type=float,
        default=None,
        help="paced runs: the share of each default request rate to use (default 0.5: half, the rest "
        "left to the account's other users)",
    )
    group.addoption(
        "--aws-max-mau",
        dest="conformance_max_mau",
        type=int,
        default=None,
        help=f"no new test starts once the run made this many users active (created or signed in; "
        f"default {DEFAULT_MAX_MAU} on aws, no cap elsewhere)",
    )
    group.addoption(
        "--aws-max-calls",
        dest="conformance_max_calls",
        type=int,
        default=None,
        help="no new test starts once the run sent this many calls (default on aws: the profile's)",
    )
    group.addoption(
        "--aws-max-pools",
        dest="conformance_max_pools",
        type=int,
        default=None,
        help="no new test starts once the run created this many user pools (default on aws: the profile's)",
    )
    group.addoption(
        RECORD_OPTION,
        dest="conformance_record",
        default=None,
        metavar="DIR",
        help="store every exchange, normalised and redacted, one file per test (replay with --endpoint=replay:DIR)",
    )
    parser.addini(ENDPOINT_INI, "default endpoint when neither --endpoint nor $CONFORMANCE_ENDPOINT is set")
    parser.addini(REPORTS_INI, "reports folder (default: reports)")


def option_with_source(
    config: pytest.Config, dest: str, env: str | None, ini: str | None, default: str | None
) -> tuple[str | None, str]:
    """Resolve a setting: option, then environment, then ini, then default; with where it came from."""
    value = config.getoption(dest)
    if value:
        return value, "option"
    if env and os.environ.get(env):
        return os.environ[env], "env"
    if ini and config.getini(ini):
        return str(config.getini(ini)), "ini"
    return default, "default"


#: Members the model marks sensitive that reports keep readable: identifiers a reader needs to follow a
#: divergence (the harness makes throwaway ones, they are not secrets), and maps whose secret entries
#: (PASSWORD, SRP_A, SECRET_HASH, ...) are redacted one by one so that the rest stays as evidence.
READABLE_SENSITIVE_MEMBERS = frozenset(
    {"Username", "ClientId", "Value", "AuthParameters", "ChallengeResponses"}
)


def _check_reports_dir(reports: Path) -> None:
    """A reports folder the run cannot write is a usage error now, not an INTERNALERROR after a test ran."""
    if reports.exists() and not reports.is_dir():
        raise pytest.UsageError(f"{REPORTS_OPTION}={reports}: not a folder")
    existing = reports
    while not existing.exists():  # the folder is made at the start; its nearest existing parent must allow it
        existing = existing.parent
    if not existing.is_dir():
        raise pytest.UsageError(f"{REPORTS_OPTION}={reports}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise pytest.UsageError(f"{REPORTS_OPTION}={reports}: {existing} is not writable")


def _check_hypothesis_profile(config: pytest.Config) -> None:
    """An unknown --hypothesis-profile is a usage error (Hypothesis's plugin would raise INTERNALERROR)."""
    name = config.getoption("hypothesis_profile", default=None)
    if not name:
        return
    try:
        settings.get_profile(name)
    except InvalidArgument:
        raise pytest.UsageError(
            f"--hypothesis-profile={name}: no such profile (conformance/profiles.py: "
            f"{', '.join(profiles.PROFILES)})"
        ) from None


def _interrupt_on_sigterm(config: pytest.Config) -> None:
    """SIGTERM ends the run as Ctrl-C does, so that run.json says ``interrupted``, the pools the run made
    are deleted (conformance/lifecycle.py ``reap``) and the endpoint stops; a second SIGINT or SIGTERM
    exits at once.

    pytest turns KeyboardInterrupt into exit status 2 and still runs the session-finish hooks; a
    plain SIGTERM would end the process without them. The clean-up after the first signal may take
    a while against AWS (a deletion per pool, paced); whoever sends a second signal wants out now,
    and what is left behind carries the run's tags for ``python -m conformance.janitor``. Only the
    main thread can install a handler.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    signals_seen: list[int] = []

    def interrupt(signum: int, frame: object) -> None:
        signals_seen.append(signum)
        if len(signals_seen) > 1:
            os.write(
                2, b"\nconformance: second signal, exiting now (leftovers: python -m conformance.janitor)\n"
            )
            os._exit(EXIT_INTERRUPTED)
        raise KeyboardInterrupt(f"stopped by signal {signal.Signals(signum).name}")

    config.stash[PREVIOUS_SIGTERM_KEY] = signal.signal(signal.SIGTERM, interrupt)
    config.stash[PREVIOUS_SIGINT_KEY] = signal.signal(signal.SIGINT, interrupt)


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(SESSION_KEY, None)
    if run is not None and not run.worker:
        # The buckets and counts of this run (conformance/pacing.py, budget.py): its figures are in run.json.
        shutil.rmtree(run.reports_dir / ".spending" / run.run_id, ignore_errors=True)
        with contextlib.suppress(OSError):  # other runs' folders, if any, stay
            (run.reports_dir / ".spending").rmdir()
    for key, signum in ((PREVIOUS_SIGTERM_KEY, signal.SIGTERM), (PREVIOUS_SIGINT_KEY, signal.SIGINT)):
        previous = config.stash.get(key, None)
        if previous is not None:
            signal.signal(signum, previous)


# First, before Hypothesis's plugin loads --hypothesis-profile: bad options are one line and exit
# status 4 before anything starts.
@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    _check_hypothesis_profile(config)
    # The fixtures are a plugin of their own (registered, not imported through ``pytest_plugins``: the
    # hooks here already import the module, which pytest would then warn it cannot rewrite).
    if not config.pluginmanager.is_registered(fixtures):
        config.pluginmanager.register(fixtures, "conformance.fixtures")
    redact.register_keys(specs.sensitive_member_names() - READABLE_SENSITIVE_MEMBERS)
    allure_report.redact_results()
    if not config.getoption("hypothesis_profile", default=None):
        settings.load_profile(profiles.DEFAULT_PROFILE)
    spec, source = option_with_source(
        config, "conformance_endpoint", ENDPOINT_ENV, ENDPOINT_INI, DEFAULT_ENDPOINT
    )
    region = config.getoption("conformance_aws_region")
    profile = config.getoption("conformance_aws_profile")
    options: dict[str, Any] = {}
    if spec == "aws":
        # The credential chain (and a profile's region) is the aws endpoint's to read.
        options = {"aws_profile": profile, "region_from_chain": not region}
    elif profile:
        raise pytest.UsageError(f"{AWS_PROFILE_OPTION} is for --endpoint=aws only")
    try:
        endpoint = parse(
            spec or DEFAULT_ENDPOINT,
            region=region,
            aws_account=config.getoption("conformance_aws_account"),
            **options,
        )
    except EndpointError as error:
        raise pytest.UsageError(str(error)) from None
    reports, _ = option_with_source(config, "conformance_reports", None, REPORTS_INI, "reports")
    _check_reports_dir(Path(reports or "reports"))
    share = config.getoption("conformance_max_unsupported")
    if not 0.0 <= share <= 1.0:
        raise pytest.UsageError(f"{MAX_UNSUPPORTED_OPTION}={share}: a share between 0 and 1")
    controller = not hasattr(config, "workerinput") and config.getoption("dist", default="no") != "no"
    if controller and config.getoption("conformance_update"):
        # Each worker sees a part of the suite: none can rewrite the file, and merging rewrites is not done.
        raise pytest.UsageError(f"{UPDATE_OPTION} cannot run under -n (pytest-xdist): run it without -n")
    run = RunSession.create(endpoint, source, Path(reports or "reports"))
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        # A pytest-xdist worker: one run, the controller's id; its lines go to its own files.
        run.worker = str(workerinput.get("workerid", "gw"))
        run.run_id = str(workerinput.get(XDIST_RUN_ID, run.run_id))
    run.controller = controller
    try:
        run.set_budgets(
            call_timeout=config.getoption("conformance_call_timeout"),
            test_timeout=config.getoption("conformance_test_timeout"),
            run_timeout=config.getoption("conformance_run_timeout"),
        )
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[SESSION_KEY] = run
    _configure_spending(config, run)
    _interrupt_on_sigterm(config)
    # Registered here, not in an ini file, so the suite runs with --strict-markers wherever it is installed.
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    _freeze_long_lived_objects(config)


def _freeze_long_lived_objects(config: pytest.Config) -> None:
    """Keep the objects that live as long as the run (modules, botocore's models, Hypothesis, the
    endpoint) out of the cyclic garbage collector's full passes, until the run ends.

    A run starts with some 120,000 objects tracked by the collector that are never freed; every full
    collection walks all of them (0.1 to 0.2 s each here), and a ``ci`` run makes several, the last ones
    at its end (pytest's and Hypothesis's own ``gc.collect()``). ``gc.freeze()`` moves what exists now to the permanent generation;
    anything the tests make is collected as before. Called again once the endpoint has started
    (:func:`pytest_collection_finish`). ``gc.unfreeze()`` at the end gives everything back to the
    collector, so a process that goes on (pytester's in-process runs) keeps nothing it would have freed.
    The cleanup is added before those of the plugins configured after this one, so it runs after them:
    their final collections still skip the frozen objects.
    """
    gc.freeze()
    if not config.stash.get(_GC_FROZEN_KEY, False):
        config.stash[_GC_FROZEN_KEY] = True
        config.add_cleanup(gc.unfreeze)


def _configure_spending(config: pytest.Config, run: RunSession) -> None:
    """Pacing, the budget meter and the recording the options ask for; on aws, pacing and the budget
    by default. Their shared state lives in a folder of the run, which every worker names alike."""
    endpoint = run.endpoint
    shared = run.reports_dir / ".spending" / run.run_id
    pacing = config.getoption("conformance_pacing")
    config.stash[PACER_KEY] = None
    if pacing == "on" or (pacing == "auto" and endpoint.retries_throttling):
        # Imported only for a paced run, like the recording below: in-process moto's derandomized
        # machines explore other paths in a process that merely imported it (as the endpoint kinds'
        # modules, conformance/endpoints/__init__.py; the cause is not understood yet).
        from conformance.pacing import DEFAULT_RATE_SHARE, Pacer

        share = config.getoption("conformance_rate_share")
        try:
            config.stash[PACER_KEY] = Pacer(
                shared / "pacing", endpoint.region, DEFAULT_RATE_SHARE if share is None else share
            )
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
    try:
        caps = Caps.for_run(
            *(config.getoption(f"conformance_max_{name}") for name in ("calls", "pools", "mau")),
            aws=endpoint.retries_throttling,
            profile=profiles.profile(config.getoption("hypothesis_profile", default=None)),
        )
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[METER_KEY] = Meter(shared, caps) if caps is not None else None
    record = config.getoption("conformance_record")
    config.stash[RECORDING_KEY] = None
    if record:
        from conformance.recording import Recording  # only when asked for: see the pacing above

        config.stash[RECORDING_KEY] = Recording(Path(record), test_id=normalize_test_id)


def _attach_spending(config: pytest.Config, run: RunSession) -> list[str]:
    """Hand the client its pacer and meters; returns the lines that state the run's plan."""
    cognito = run.client()
    pacer, meter, recording = (config.stash[key] for key in (PACER_KEY, METER_KEY, RECORDING_KEY))
    cognito.pacer = pacer
    cognito.meters = [m for m in (meter, recording) if m is not None]
    lines = [f"conformance: {pacer.describe()}"] if pacer is not None else []
    if meter is not None:
        lines.append(f"conformance: {meter.plan()}")
    if recording is not None:
        endpoint = run.endpoint
        recording.describe_endpoint(
            label=endpoint.label,
            implementation=endpoint.implementation,
            region=endpoint.region,
            uses_expectations=run.use_expectations,
        )
        lines.append(f"conformance: recording every exchange in {recording.directory}/")
    return lines


def pytest_collection_finish(session: pytest.Session) -> None:
    run = session.config.stash[SESSION_KEY]
    if not any(fixtures.uses_endpoint(item) for item in session.items):
        return  # the project's own tests: no endpoint to start
    try:
        # Started here, before any test runs, so that a wrong or silent endpoint is a usage error
        # (exit code 4) rather than a failure in every test.
        run.start()
        run.protect_account(session.config.getoption("conformance_aws_max_harness_pools"))
        run.load_expectations(
            session.config.getoption("conformance_expectations"),
            updating=session.config.getoption("conformance_update"),
        )
    except (EndpointError, ExpectationsError) as error:
        run.endpoint.stop()
        raise pytest.UsageError(str(error)) from None
    run.whole_suite = not session.config.stash.get(DESELECTED_KEY, False) and _whole_suite(session)
    fixtures.bind_names(run)
    plan = _attach_spending(session.config, run)
    swept = run.sweep()
    run.begin()
    _freeze_long_lived_objects(session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        # After start: what answered, and which expectations apply (the header is printed too early).
        reporter.write_line(
            f"conformance: {run.endpoint.describe()}; expectations: {run.describe_expectations()}; "
            f"run {run.run_id}; swept {swept} leftover pools"
        )
        for line in plan:
            reporter.write_line(line)


# --- pytest-xdist (-n N): one run, one record ------------------------------------------------------
# The controller owns the run id, run.json, the merged record, the set-up and wide judgement, history
# and the summary; each worker starts its own endpoint, writes its own lines (results.gw0.jsonl...) and
# hands back what the judgement needs. Serial runs never reach these hooks' work.


def pytest_sessionstart(session: pytest.Session) -> None:
    run = session.config.stash.get(SESSION_KEY, None)
    if run is not None and run.controller:
        # Before the workers start (xdist starts them in its own, later, sessionstart).
        remove_worker_files(run.reports_dir)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    run = node.config.stash[SESSION_KEY]
    node.workerinput[XDIST_RUN_ID] = run.run_id
    run.workers.append(str(node.workerinput["workerid"]))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """The first worker has collected, no test has run anywhere yet: the controller starts the run
    (run.json ``running``, the one sweep) when the conformance suite is what runs."""
    run = node.config.stash[SESSION_KEY]
    if run.record is not None or not any(_in_suite(node.config, nodeid) for nodeid in ids):
        return
    note = run.begin_controller(node.config.getoption("conformance_expectations"))
    reporter = node.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"conformance: {run.endpoint.label}; {len(run.workers)} workers (-n); run {run.run_id}; {note}"
        )
        pacer, meter = node.config.stash.get(PACER_KEY, None), node.config.stash.get(METER_KEY, None)
        for line in ([pacer.describe()] if pacer else []) + ([meter.plan()] if meter else []):
            reporter.write_line(f"conformance: {line}")


def _in_suite(config: pytest.Config, nodeid: str) -> bool:
    return (config.rootpath / nodeid.split("::", 1)[0]).resolve().is_relative_to(SUITE_DIR.resolve())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    run = node.config.stash[SESSION_KEY]
    state = getattr(node, "workeroutput", {}).get(XDIST_STATE)
    if state and run.absorb_worker(state) and run.record is None:
        run.begin()  # endpoint tests outside the suite: the run starts when a worker says it had one


def _close_recording(config: pytest.Config, run: RunSession) -> None:
    recording = config.stash.get(RECORDING_KEY, None)
    if recording is not None:
        recording.close(run.record.results if run.record is not None else [])


def _finish_worker(session: pytest.Session, run: RunSession) -> None:
    """A worker's end: close its files and endpoint, hand its state to the controller (no judgement)."""
    _close_recording(session.config, run)
    run.close({}, status="worker")
    session.config.workeroutput[XDIST_STATE] = run.worker_state()  # type: ignore[attr-defined]


def pytest_runtest_setup(item: pytest.Item) -> None:
    run = item.config.stash.get(SESSION_KEY, None)
    if run is not None and fixtures.uses_endpoint(item) and run.run_budget_spent():
        pytest.skip(f"run time budget ({run.run_timeout:g} s, {RUN_TIMEOUT_OPTION}) spent")
    meter = item.config.stash.get(METER_KEY, None)
    if meter is not None and fixtures.uses_endpoint(item) and (reason := meter.exhausted()):
        pytest.skip(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    """A recording files each call under the test in progress: its set-up, call and clean-up."""
    recording = item.config.stash.get(RECORDING_KEY, None)
    if recording is not None:
        recording.current = item.nodeid
    try:
        return (yield)
    finally:
        if recording is not None:
            recording.current = ""


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items:  # a subset: implementation-wide expectations are not judged
        items[0].config.stash[DESELECTED_KEY] = True


def _whole_suite(session: pytest.Session) -> bool:
    """Whether every module of the conformance suite was collected."""
    collected = {Path(item.path).name for item in session.items}
    return {path.name for path in SUITE_DIR.glob("test_*.py")} <= collected


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = config.stash[SESSION_KEY]
    ep = run.endpoint
    return [
        f"conformance: endpoint={ep.spec} (from {run.source}), region {ep.region}, "
        f"reports={run.reports_dir}/, harness {__version__}"
    ]


def _test_info(item: pytest.Item, test_id: str) -> TestInfo:
    kind = item.get_closest_marker("kind")
    fact = item.get_closest_marker("fact")
    source, confidence = fact_of(tuple(fact.args) if fact else ())
    return TestInfo(
        test_id=test_id,
        kind=str(kind.args[0]) if kind and kind.args else TestInfo.kind,
        source=source,
        confidence=confidence,
        randomized_machine=bool(item.get_closest_marker("stateful"))
        and not cast(settings, settings.default).derandomize,
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Map pytest's report onto :meth:`RunSession.finish_test` and its outcome back onto the report."""
    outcome: Any = yield
    report: pytest.TestReport = outcome.get_result()
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is not None or fixtures.uses_endpoint(item):
        # Before anything reads the report (terminal, JUnit, Allure's listener, which wraps this hook
        # from outside): a test that reached the endpoint may hold secrets in its traceback, its
        # locals (--showlocals) or its captured output.
        _redact_report(report)
    if recorder is None or report.when not in ("setup", "call") or (report.when == "setup" and report.passed):
        return
    excinfo = call.excinfo
    run, info = item.config.stash[SESSION_KEY], _test_info(item, recorder.test_id)
    result = run.finish_test(
        recorder,
        info,
        phase=report.when,
        error=excinfo.value if excinfo is not None else None,
        skipped=excinfo is not None and excinfo.errisinstance(pytest.skip.Exception),
        error_text=excinfo.exconly() if excinfo is not None else "",
        duration_s=call.duration,
    )
    if result is None:
        return
    if result.report == "skipped":
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, result.text)
    elif result.report == "failed":
        report.outcome = "failed"
        report.longrepr = result.text
    report.sections.extend(result.sections)
    if result.kind is OutcomeKind.UNSUPPORTED:
        report.user_properties.append(("conformance_outcome", str(result.kind)))
    module = getattr(item, "module", None)
    area = area_of_module(module.__name__) if module else None
    allure_report.show_outcome(
        result,
        kind=info.kind,
        confidence=info.confidence,
        area=title_of(area) if area else None,
        endpoint=run.endpoint.label,
    )


def _redact_report(report: pytest.TestReport) -> None:
    """Cut secrets out of a report's failure text and captured output.

    pytest's failure text is built from the frames (and with ``--showlocals`` their local variables,
    passwords included); it is rendered and redacted here, and kept as pytest's own (coloured) form
    when there is nothing to cut.
    """
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        path, line, reason = longrepr
        report.longrepr = (path, line, redact.redact_text(reason))
    elif longrepr is not None:
        text = str(longrepr)
        redacted = redact.redact_text(text)
        if redacted != text:
            report.longrepr = redacted
    report.sections = [(title, redact.redact_text(content)) for title, content in report.sections]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(SESSION_KEY, None)
    if run is None:
        return
    if run.worker:
        _finish_worker(session, run)
        return
    if run.controller and run.record is not None:
        run.merge_workers()
    if session.exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop or session.shouldfail:
        # Stopped part-way (a signal, Ctrl-C, -x, --maxfail): the run did not reach what it did not
        # report, so it is partial (no vanished wide entries, not compared for fixed divergences).
        run.whole_suite = False
    if run.record is not None or run.setup.operations:
        if run.finish_run().failed and session.exitstatus == pytest.ExitCode.OK:
            # The set-up record is judged once, here (conformance/session.py explains why): an
            # unexpected set-up divergence fails the run without failing each test that met it.
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    status, reason = _status(session, run)
    _close_recording(session.config, run)
    meta = run.meta(session.config.getoption("hypothesis_seed", default=None))
    meter = session.config.stash.get(METER_KEY, None)
    if meter is not None:
        # Every worker's calls are in the shared file: the run's figures, kept in run.json too.
        meta["budget"] = {**meter.figures(), "caps": meter.caps.describe()}
    info = run.close(meta, status=status, reason=reason)
    if info is not None:
        allure_dir = getattr(session.config.option, "allure_report_dir", None)
        if allure_dir:
            allure_report.write_environment(
                Path(allure_dir),
                allure_report.environment_info(info, allure_report.divergence_kinds(run.reports_dir)),
            )
        history.append_run(run.reports_dir, run.reports_dir / "history.jsonl")
        # The line ``python -m conformance.reports summary`` prints, kept for CI next to run.json.
        history.write_summary(run.reports_dir)
    if session.config.getoption("conformance_update"):
        path = run.write_expectations()
        if path is not None:
            run.notices.append(f"expectations rewritten: {path} (write a reason for every new entry)")


def _status(session: pytest.Session, run: RunSession) -> tuple[str, str]:
    """The run's final status for run.json, and why; sets the exit status of an insufficient run."""
    exitstatus = session.exitstatus
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        return INTERRUPTED, "stopped before its end (Ctrl-C or a signal)"
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        reason = run.insufficient(
            session.config.getoption("conformance_max_unsupported"), specs.seed_operations()
        )
        if reason:
            # An endpoint that answers nothing would otherwise pass: every unanswered call is
            # "unsupported", never a failure. The run's own exit status says it was not judged.
            session.exitstatus = EXIT_INSUFFICIENT
            return INSUFFICIENT, reason
    if exitstatus == pytest.ExitCode.OK:
        return "pass", ""
    return "fail", f"pytest exit status {int(exitstatus)}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash.get(SESSION_KEY, None)
    if run is not None and run.record is not None and not run.worker:
        terminalreporter.section(f"conformance: {run.endpoint.label}")
        for line in terminal.run_summary(run, specs.seed_operations()):
            terminalreporter.write_line(line)
        meter = config.stash.get(METER_KEY, None)
        if meter is not None:
            terminalreporter.write_line(meter.summary())
        if run.status == INSUFFICIENT:
            terminalreporter.write_line(
                f"INSUFFICIENT (exit status {EXIT_INSUFFICIENT}): {run.status_reason}", red=True
            )
