"""The pytest plugin: the only module with pytest hooks.

Registered through the ``pytest11`` entry point, so ``--endpoint`` works wherever the package is
installed. Configuration is resolved here, once, with its source shown in the header
(option, then the ``CONFORMANCE_ENDPOINT`` environment variable, then the ``conformance_endpoint``
ini key, then the default), as pytest-django does for ``--ds``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from conformance import __version__, redact
from conformance.calls import Cognito, HarnessError, Response, Unsupported
from conformance.checks import DivergenceFound, Fact, Recorder
from conformance.divergence import CheckKind, Divergence, Outcome
from conformance.endpoints import Endpoint, EndpointError, help_text, parse
from conformance.expectations import Expectations, ExpectationsError, Verdict, judge, normalize_test_id
from conformance.flows import AppClient, TestUser, create_app_client, create_user
from conformance.redact import redact_text
from conformance.results import RunRecord, new_run_id, summary_table

ENDPOINT_OPTION = "--endpoint"
ENDPOINT_ENV = "CONFORMANCE_ENDPOINT"
ENDPOINT_INI = "conformance_endpoint"
DEFAULT_ENDPOINT = "moto"
AWS_ACCOUNT_OPTION = "--aws-account"
AWS_REGION_OPTION = "--aws-region"
EXPECTATIONS_OPTION = "--expectations"
UPDATE_OPTION = "--update-expectations"
REPORTS_OPTION = "--reports-dir"
REPORTS_INI = "conformance_reports_dir"

#: What a failed set-up step rests on: these operations succeed on AWS with the parameters the fixtures send.
SETUP_FACT = Fact("§8, §9", "[BC; CLI create-user-pool, create-user-pool-client, admin-create-user]")

# Hypothesis profiles, chosen with --hypothesis-profile. Without one, conformance runs use ``ci``:
# derandomized, so a run's divergences (and the expectations files that list them) are the same
# run after run; ``nightly`` explores more; ``aws-budget`` bounds calls and users on real AWS
# (aws-behaviour.md §11: request quotas, monthly active users). The stateful machines size
# themselves per profile (conformance/machines/base.py PROFILES).
settings.register_profile(
    "ci",
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("nightly", max_examples=1000, deadline=None)
settings.register_profile(
    "aws-budget",
    max_examples=4,
    stateful_step_count=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
DEFAULT_HYPOTHESIS_PROFILE = "ci"

HARNESS_KEY = pytest.StashKey["Harness"]()
RECORDER_KEY = pytest.StashKey[Recorder]()


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
        help="for --endpoint=aws: the region (default: $AWS_REGION, then $AWS_DEFAULT_REGION)",
    )
    group.addoption(
        EXPECTATIONS_OPTION,
        dest="conformance_expectations",
        default=None,
        help="expectations file to use instead of conformance/expectations/<endpoint>.toml",
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


@dataclass
class Harness:
    """Session state: the endpoint, its expectations, the run record."""

    config: pytest.Config
    endpoint: Endpoint
    source: str
    expectations: Expectations
    use_expectations: bool
    reports_dir: Path
    started: bool = False
    cognito: Cognito | None = None
    record: RunRecord | None = None
    observed: dict[str, list[Divergence]] = field(default_factory=dict)
    completed: set[str] = field(default_factory=set)
    soft: int = 0
    failures: list[str] = field(default_factory=list)

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.endpoint.start()

    def client(self) -> Cognito:
        if self.cognito is None:
            self.start()
            self.cognito = Cognito(self.endpoint)
        return self.cognito

    def run_record(self) -> RunRecord:
        if self.record is None:
            self.record = RunRecord(
                self.reports_dir, new_run_id(self.endpoint.label), self.endpoint.label, self.endpoint.version
            )
        return self.record


#: Members the model marks sensitive that reports keep readable: identifiers a reader needs to follow a
#: divergence (the harness makes throwaway ones, they are not secrets), and maps whose secret entries
#: (PASSWORD, SRP_A, SECRET_HASH, ...) are redacted one by one so that the rest stays as evidence.
READABLE_SENSITIVE_MEMBERS = frozenset(
    {"Username", "ClientId", "Value", "AuthParameters", "ChallengeResponses"}
)


def _register_sensitive_members() -> None:
    try:
        from conformance import specs
    except ImportError:
        return
    redact.register_keys(specs.sensitive_member_names() - READABLE_SENSITIVE_MEMBERS)


def pytest_configure(config: pytest.Config) -> None:
    _register_sensitive_members()
    if not config.getoption("hypothesis_profile", default=None):
        settings.load_profile(DEFAULT_HYPOTHESIS_PROFILE)
    spec, source = option_with_source(
        config, "conformance_endpoint", ENDPOINT_ENV, ENDPOINT_INI, DEFAULT_ENDPOINT
    )
    region = config.getoption("conformance_aws_region")
    if spec == "aws" and not region:
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    try:
        endpoint = parse(
            spec or DEFAULT_ENDPOINT, region=region, aws_account=config.getoption("conformance_aws_account")
        )
    except EndpointError as error:
        raise pytest.UsageError(str(error)) from None
    reports, _ = option_with_source(config, "conformance_reports", None, REPORTS_INI, "reports")
    harness = Harness(
        config=config,
        endpoint=endpoint,
        source=source,
        expectations=Expectations(None),
        use_expectations=endpoint.kind != "aws",
        reports_dir=Path(reports or "reports"),
    )
    config.stash[HARNESS_KEY] = harness
    # Registered here, not in an ini file, so the suite runs with --strict-markers wherever it is installed.
    config.addinivalue_line(
        "markers", "kind(name): the kind of check a test makes (shape, errors, semantics, ...)"
    )
    config.addinivalue_line("markers", "fact(source, confidence): the aws-behaviour.md fact a test rests on")
    config.addinivalue_line("markers", "operation(name): the Cognito operation a test is about")
    config.addinivalue_line(
        "markers", "stateful: a Hypothesis machine; what it reaches depends on the profile's exploration"
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    harness = session.config.stash[HARNESS_KEY]
    if not any(_uses_endpoint(item) for item in session.items):
        return  # the project's own tests: no endpoint to start
    try:
        # Started here, before any test runs, so that a wrong or silent endpoint is a usage error
        # (exit code 4) rather than a failure in every test.
        harness.start()
        if harness.use_expectations:
            harness.expectations = Expectations.for_endpoint(
                harness.endpoint.label,
                session.config.getoption("conformance_expectations"),
                updating=session.config.getoption("conformance_update"),
            )
    except (EndpointError, ExpectationsError) as error:
        harness.endpoint.stop()
        raise pytest.UsageError(str(error)) from None
    _announce(session, harness)


def _uses_endpoint(item: pytest.Item) -> bool:
    """Whether a test uses this plugin's endpoint fixtures (a parameter that happens to be called
    ``endpoint`` does not count)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for name in ("cognito", "check", "endpoint"):
        definitions = info.name2fixturedefs.get(name, ())
        if definitions and definitions[-1].func.__module__ == __name__:
            return True
    return False


def pytest_report_header(config: pytest.Config) -> list[str]:
    harness = config.stash[HARNESS_KEY]
    ep = harness.endpoint
    return [
        f"conformance: endpoint={ep.spec} (from {harness.source}), region {ep.region}, "
        f"reports={harness.reports_dir}/, harness {__version__}"
    ]


def _announce(session: pytest.Session, harness: Harness) -> None:
    """After start: what answered, and which expectations apply (the header is printed too early)."""
    if not harness.use_expectations:
        expectations = "none (aws is the reference)"
    elif harness.expectations.path is not None and harness.expectations.path.is_file():
        known = sum(len(v) for v in harness.expectations.entries.values())
        expectations = f"{harness.expectations.path} ({known} known divergences)"
    else:
        expectations = "none (every divergence is unexpected)"
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"conformance: {harness.endpoint.describe()}; expectations: {expectations}")


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def endpoint(request: pytest.FixtureRequest) -> Endpoint:
    """The endpoint under test (resolved from --endpoint)."""
    return request.config.stash[HARNESS_KEY].endpoint


@pytest.fixture
def check(request: pytest.FixtureRequest) -> Recorder:
    """The current test's divergence recorder."""
    return _recorder(request.node)


@pytest.fixture
def cognito(request: pytest.FixtureRequest) -> Iterator[Cognito]:
    """A cognito-idp client whose every call is checked and recorded for the current test."""
    harness = request.config.stash[HARNESS_KEY]
    client = harness.client()
    recorder = _recorder(request.node)
    client.log.clear()
    client.observer = recorder.observe
    yield client
    client.observer = None


@pytest.fixture
def make_user_pool(cognito: Cognito) -> Iterator[Callable[..., Response]]:
    """Create user pools that are deleted after the test: ``make_user_pool(PoolName=..., **params)``."""
    created: list[str] = []

    def make(**params: Any) -> Response:
        params.setdefault("PoolName", unique_name("pool"))
        response = cognito.create_user_pool(**params)
        if response.ok:
            created.append(response.body["UserPool"]["Id"])
        return response

    yield make
    observer, cognito.observer = cognito.observer, None  # clean-up is not under test
    try:
        for pool_id in created:
            try:
                cognito.delete_user_pool(UserPoolId=pool_id)
            except (Unsupported, HarnessError):
                pass
    finally:
        cognito.observer = observer


@pytest.fixture
def user_pool(make_user_pool: Callable[..., Response], check: Recorder) -> str:
    """A fresh user pool's id (a test that needs special settings calls ``make_user_pool``)."""
    created = make_user_pool()
    if not created.ok:
        check.succeeded(created, SETUP_FACT, note="creating the user pool the test needs")
        pytest.skip("the endpoint could not create a user pool")
    return created.body["UserPool"]["Id"]


@pytest.fixture
def make_app_client(cognito: Cognito, check: Recorder) -> Callable[..., AppClient]:
    """``make_app_client(pool_id, **CreateUserPoolClient params) -> AppClient``; skips the test if that fails."""

    def make(pool_id: str, **params: Any) -> AppClient:
        response, client = create_app_client(cognito, pool_id, **params)
        if client is None:
            check.succeeded(response, SETUP_FACT, note="creating the app client the test needs")
            pytest.skip("the endpoint could not create the app client")
        return client

    return make


@pytest.fixture
def make_user(cognito: Cognito, check: Recorder) -> Callable[..., TestUser]:
    """``make_user(pool_id, username=, password=, attributes=, confirmed=True) -> TestUser``; skips if that fails."""

    def make(pool_id: str, **params: Any) -> TestUser:
        response, user = create_user(cognito, pool_id, **params)
        if user is None:
            check.succeeded(response, SETUP_FACT, note="creating the user the test needs")
            pytest.skip("the endpoint could not create the user")
        return user

    return make


_counter = iter(range(1, 10**9))


def unique_name(prefix: str) -> str:
    """A name unique within the run and across runs against a shared endpoint."""
    return f"cc-{prefix}-{int(time.time() * 1000) % 10**8:08d}-{next(_counter)}"


def _recorder(item: pytest.Item) -> Recorder:
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        harness = item.config.stash[HARNESS_KEY]
        recorder = Recorder(harness.endpoint.label, normalize_test_id(item.nodeid))
        if harness.use_expectations:
            recorder.expected = harness.expectations.for_test(recorder.test_id)
        item.stash[RECORDER_KEY] = recorder
    return recorder


# --- outcomes -----------------------------------------------------------------------------------


def _test_kind(item: pytest.Item) -> str:
    marker = item.get_closest_marker("kind")
    return str(marker.args[0]) if marker and marker.args else str(CheckKind.SEMANTICS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None or report.when not in ("setup", "call"):
        return
    if report.when == "setup" and report.passed:
        return
    harness = item.config.stash[HARNESS_KEY]
    test_id = recorder.test_id
    excinfo = call.excinfo
    started = time.perf_counter()
    if excinfo is not None and excinfo.errisinstance(Unsupported):
        error = excinfo.value
        if error.operation not in recorder.operations:
            recorder.operations.append(error.operation)  # the call that was not answered is never observed
        report.outcome = "skipped"
        report.longrepr = (
            str(item.path),
            item.location[1] or 0,
            redact_text(f"unsupported by {harness.endpoint.label}: {error}"),
        )
        report.user_properties.append(("conformance_outcome", str(Outcome.UNSUPPORTED)))
        _write_results(harness, item, recorder, None, Outcome.UNSUPPORTED, str(error), call.duration)
        return
    # A fixture that skips because the endpoint failed a step has recorded why: judge it like a call.
    # A machine that stopped on a divergence has recorded it (for the minimal example): judge it too.
    skipped = excinfo is not None and excinfo.errisinstance((pytest.skip.Exception, DivergenceFound))
    hard = [d for d in recorder.divergences if d.confidence.is_hard]
    if recorder.harness_errors and hard and excinfo is None:
        # An invalid request built from an endpoint's wrong answer (an id in the wrong format sent
        # back) follows from that divergence: report the divergence, with the request problem as context.
        recorder.harness_errors.clear()
    if (excinfo is not None and not skipped) or recorder.harness_errors:
        reason = "; ".join(recorder.harness_errors) or (excinfo.exconly() if excinfo else "")
        if excinfo is not None and not excinfo.errisinstance(HarnessError) and not recorder.harness_errors:
            # An exception out of a test body is a harness problem (the suite never asserts on an
            # endpoint directly); keep pytest's traceback, record the outcome.
            _write_results(harness, item, recorder, None, Outcome.HARNESS_ERROR, reason, call.duration)
            return
        report.outcome = "failed"
        report.longrepr = f"harness error (not a divergence): {redact_text(reason)}"
        _write_results(harness, item, recorder, None, Outcome.HARNESS_ERROR, reason, call.duration)
        return
    if report.when != "call" and not skipped:
        return
    verdict = judge(
        recorder.divergences,
        harness.expectations.for_test(test_id),
        use_expectations=harness.use_expectations,
    )
    if verdict.vanished and item.get_closest_marker("stateful") and not settings.default.derandomize:
        # A randomized exploration need not reach every path a derandomized (ci) run reached: a
        # listed divergence it did not meet is reported, not failed. Under ci it must reappear.
        report.sections.append(
            (
                "conformance",
                "Not reached this run (randomized profile): " + ", ".join(k for k, _ in verdict.vanished),
            )
        )
        verdict.vanished = []
    harness.completed.add(test_id)
    if hard:
        harness.observed[test_id] = hard
    harness.soft += len(verdict.soft)
    if verdict.failed:
        report.outcome = "failed"
        report.longrepr = render_verdict(verdict, harness, item)
    elif verdict.soft or verdict.known:
        report.sections.append(("conformance", render_verdict(verdict, harness, item, failing_only=False)))
    _write_results(harness, item, recorder, verdict, None, "", call.duration + time.perf_counter() - started)


def render_verdict(
    verdict: Verdict, harness: Harness, item: pytest.Item, *, failing_only: bool = True
) -> str:
    """The failure text: one fixed block per divergence, then expectations that no longer hold."""
    ep = f"{harness.endpoint.label} (from {harness.source})"
    cognito = harness.cognito
    reproducer = cognito.log.script() if cognito is not None else ""
    blocks: list[str] = []
    for divergence in verdict.unexpected:
        blocks.append(divergence.render(endpoint=ep, reproducer=reproducer))
    for key, reason in verdict.vanished:
        blocks.append(
            "Expected divergence no longer happens\n"
            f"Expectation key       : {key}\n"
            f"Listed reason         : {reason}\n"
            f"Fix                   : remove it from {harness.expectations.path} "
            f"(or rerun with {UPDATE_OPTION})"
        )
    if not failing_only:
        for divergence in verdict.soft:
            blocks.append(divergence.render(endpoint=ep) + "\nNot failing           : the fact is UNVERIFIED")
        for divergence, reason in verdict.known:
            blocks.append(divergence.render(endpoint=ep, expected_reason=reason))
    return redact_text("\n\n".join(blocks))


def _write_results(
    harness: Harness,
    item: pytest.Item,
    recorder: Recorder,
    verdict: Verdict | None,
    forced: Outcome | None,
    message: str,
    duration_s: float,
) -> None:
    record = harness.run_record()
    test_id = recorder.test_id
    kind = _test_kind(item)
    reproducer = harness.cognito.log.script() if harness.cognito is not None and recorder.divergences else ""
    reasons = {d.key(): r for d, r in verdict.known} if verdict else {}
    for divergence in recorder.divergences:
        record.divergence(
            divergence.to_json(
                endpoint=harness.endpoint.label,
                test_id=test_id,
                expected_reason=reasons.get(divergence.key()),
            )
            | {"reproducer": reproducer}
        )
    _allure(item, recorder, kind)
    fact = item.get_closest_marker("fact")
    confidence = str(fact.args[1]) if fact and len(fact.args) > 1 else "documented"
    source = str(fact.args[0]) if fact and fact.args else ""
    operations = recorder.operations or ["-"]
    for operation in operations:
        kinds = {kind, str(CheckKind.WIRE), str(CheckKind.SHAPE)} if forced is None else {kind}
        for check_kind in sorted(kinds):
            mine = [d for d in recorder.divergences if d.operation == operation and str(d.kind) == check_kind]
            if forced is not None:
                outcome = forced
            elif verdict is not None and any(d in verdict.unexpected or d in verdict.soft for d in mine):
                outcome = Outcome.DIVERGENCE
            elif mine:
                outcome = Outcome.EXPECTED_DIVERGENCE
            else:
                outcome = Outcome.PASS
            record.result(
                test_id=test_id,
                operation=operation,
                kind=check_kind,
                outcome=outcome,
                divergence_ids=[d.fingerprint() for d in mine],
                confidence=confidence,
                source=source,
                duration_ms=duration_s * 1000.0,
                message=message,
            )


def _allure(item: pytest.Item, recorder: Recorder, kind: str) -> None:
    try:
        from conformance.reports import allure as allure_report
    except ImportError:
        return
    fact = item.get_closest_marker("fact")
    confidence = str(fact.args[1]) if fact and len(fact.args) > 1 else "documented"
    area = item.module.__name__.rsplit(".", 1)[-1].removeprefix("test_") if item.module else "cognito"
    for operation in recorder.operations:
        allure_report.label_test(
            operation=operation,
            kind=kind,
            confidence=confidence,
            area=area,
            endpoint=item.config.stash[HARNESS_KEY].endpoint.label,
        )
    for exchange in recorder.exchanges:
        allure_report.attach_exchange(exchange.to_json())


# --- end of run ---------------------------------------------------------------------------------


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    harness = session.config.stash.get(HARNESS_KEY, None)
    if harness is None:
        return
    harness.endpoint.stop()
    if harness.record is not None:
        meta = _run_meta(harness)
        run = harness.record.close(meta)
        allure_dir = getattr(session.config.option, "allure_report_dir", None)
        if allure_dir:
            try:
                from conformance.reports import allure as allure_report

                allure_report.write_environment(Path(allure_dir), allure_report.environment_info(run))
            except ImportError:
                pass
        try:
            from conformance.reports import history

            history.append_run(harness.reports_dir, harness.reports_dir / "history.jsonl")
        except ImportError:
            pass
    if (
        session.config.getoption("conformance_update")
        and harness.use_expectations
        and harness.expectations.path
    ):
        path = harness.expectations.write(
            harness.observed,
            keep=harness.expectations.tests() - harness.completed,
            header=(
                f"Known divergences of {harness.endpoint.label} ({harness.endpoint.version}) from AWS.\n"
                "Each entry: the test, the divergence key, and why (the AWS fact with its source, and what\n"
                "this endpoint does instead). Written by --update-expectations; reasons are written by hand."
            ),
        )
        harness.failures.append(f"expectations rewritten: {path} (write a reason for every new entry)")


def _run_meta(harness: Harness) -> dict[str, Any]:
    import botocore

    specs: dict[str, Any] = {}
    try:
        from conformance import specs as specs_module

        manifest = specs_module.manifest()
        specs = {
            "botocore_version": manifest.get("botocore_version"),
            "model_sha256": manifest.get("model_sha256"),
        }
    except (ImportError, OSError, ValueError):
        pass
    seed = harness.config.getoption("hypothesis_seed", default=None)
    return {
        "endpoint_source": harness.source,
        "harness_version": __version__,
        "botocore_version": botocore.__version__,
        "specs": specs,
        "hypothesis_seed": seed,
    }


def _write_seed_coverage(tr: Any, results: list[dict[str, Any]]) -> None:
    """The 2016-07-28 surface: which of its 24 operations schema, scenario and machine checks exercised."""
    try:
        from conformance.oracle.coverage import coverage_from_results
        from conformance.specs import seed_operations
    except ImportError:
        return
    coverage = coverage_from_results(results, seed_operations())
    counts = coverage.counts()
    if not (counts["schema"] or counts["scenario"] or counts["machine"]):
        return
    tr.write_line(
        f"seed surface (2016-07-28 release, {counts['operations']} operations): schema {counts['schema']}, "
        f"scenario {counts['scenario']}, machine {counts['machine']}; all three: {counts['complete']}"
    )
    for operation in coverage.incomplete():
        tr.write_line(f"  {operation.operation}: not exercised by {', '.join(operation.missing())} checks")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    harness = config.stash.get(HARNESS_KEY, None)
    if harness is None or harness.record is None:
        return
    tr = terminalreporter
    tr.section(f"conformance: {harness.endpoint.label}")
    for line in summary_table(harness.record.per_operation):
        tr.write_line(line)
    counts = harness.record.counts
    tr.write_line(
        f"checks: {counts.get('pass', 0)} pass, {counts.get('divergence', 0)} divergent, "
        f"{counts.get('expected-divergence', 0)} known, {counts.get('unsupported', 0)} unsupported, "
        f"{counts.get('harness-error', 0)} harness errors; {harness.soft} divergences on UNVERIFIED facts "
        "(reported, not failing)"
    )
    tr.write_line(f"reports: {harness.reports_dir}/results.jsonl, divergences.jsonl, run.json")
    _write_seed_coverage(tr, harness.record.results)
    try:
        from conformance.reports import history

        tr.write_line(history.summary_line(harness.reports_dir))
    except (ImportError, OSError, ValueError):
        pass
    for failure in harness.failures:
        tr.write_line(failure)
