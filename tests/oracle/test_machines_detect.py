"""Each machine reports a broken behaviour: the reference with one hook overridden, in process.

Every machine rests on the oracle's predictions; these tests show that a machine run against a
wrong endpoint stops with a :class:`~conformance.checks.DivergenceFound` naming the right check,
and that the shrunk example's call log is a boto3 script. The reference's hooks each carry one
behaviour (conformance/reference/service.py ``HOOK_BEHAVIOURS``).

Run: ``pytest tests/oracle/test_machines_detect.py -q``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from conformance.calls import Cognito
from conformance.checks import DivergenceFound, Recorder
from conformance.endpoints import parse
from conformance.endpoints.reference import install_reference
from conformance.flows import create_app_client
from conformance.machines.auth import AuthenticationAndChallenges
from conformance.machines.base import Budget, MachineRun
from conformance.machines.devices import RememberedDevices
from conformance.machines.pools import PoolsAndClients
from conformance.machines.tokens import TokensAndRevocation
from conformance.machines.users import UserLifecycle
from conformance.oracle import initial_state, known_client, known_pool
from conformance.reference import CognitoService, ReferenceApp
from conformance.reference.clock import OffsetClock

FLOWS = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
DEVICES = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}


class SignOutRevokesNothing(CognitoService):
    def global_sign_out_user(self, user: Any) -> None:
        return None


class WrongPasswordAccepted(CognitoService):
    def password_matches(self, user: Any, password: str) -> bool:
        return user.password is not None


class SignatureNotVerified(CognitoService):
    def verify_password_claim(self, exchange: Any, responses: Any, pool: Any) -> None:
        return None


class FilterIgnored(CognitoService):
    def filter_users(self, users: Any, user_filter: Any) -> Any:
        return users


class ForgottenDeviceStaysUsable(CognitoService):
    def forget_device_record(self, user: Any, device: Any) -> None:
        return None


class NameDropped(CognitoService):
    def shape_result(self, operation: str, result: dict[str, Any]) -> dict[str, Any]:
        if operation == "DescribeUserPool":
            result = {"UserPool": {k: v for k, v in result["UserPool"].items() if k != "Name"}}
        return result


def _endpoint(service: type[CognitoService]) -> Cognito:
    app_class = type(f"{service.__name__}App", (ReferenceApp,), {"service_class": service})
    endpoint = parse("reference")
    install_reference(endpoint, app_class(clock=OffsetClock()))
    return Cognito(endpoint)


def _machine(name: str, cognito: Cognito, run: MachineRun) -> Callable[[], Any]:
    if name == "pools":
        return lambda: PoolsAndClients(run, initial_state("us-east-1"))
    devices = DEVICES if name == "devices" else None
    params = {"PoolName": "detect"} | ({"DeviceConfiguration": devices} if devices else {})
    pool_id = cognito.create_user_pool(**params).body["UserPool"]["Id"]
    state = known_pool(initial_state("us-east-1"), pool_id, "detect", devices)
    _, client = create_app_client(cognito, pool_id, ExplicitAuthFlows=FLOWS)
    assert client is not None
    state = known_client(state, pool_id, client.client_id, ExplicitAuthFlows=FLOWS)
    if name == "users":
        return lambda: UserLifecycle(run, state, pool_id, client)
    if name == "tokens":
        return lambda: TokensAndRevocation(run, state, pool_id, client)
    if name == "devices":
        return lambda: RememberedDevices(run, state, pool_id, client)
    clients = (client, client, client)
    return lambda: AuthenticationAndChallenges(run, state, pool_id, clients)


@pytest.mark.parametrize(
    "service, machine, operation, check_name",
    [
        # A sign-out that revokes nothing shows at the first use of an old token: GetUser or a refresh.
        (SignOutRevokesNothing, "tokens", ("GetUser", "InitiateAuth"), "error.code"),
        (WrongPasswordAccepted, "users", ("InitiateAuth", "AdminInitiateAuth"), "error.code"),
        (
            SignatureNotVerified,
            "auth",
            ("RespondToAuthChallenge", "AdminRespondToAuthChallenge"),
            "error.code",
        ),
        (FilterIgnored, "users", ("ListUsers",), "items"),
        # A forgotten device that stays: still answered (error.code) or still listed (items).
        (ForgottenDeviceStaysUsable, "devices", None, ("error.code", "items")),
        (NameDropped, "pools", ("DescribeUserPool",), "echo"),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else None,
)
def test_machine_reports_the_broken_behaviour(service, machine, operation, check_name):
    cognito = _endpoint(service)
    recorder = Recorder("reference", "detect")
    cognito.observer = recorder.observe
    run = MachineRun(cognito, recorder, budget=Budget(max_users=3))
    factory = _machine(machine, cognito, run)
    run.setup_calls = list(cognito.log.calls)
    # Shrinking is Hypothesis's job (and the slow part): here only finding matters; see the next test.
    # Hypothesis mixes constants from the source of every loaded project module into what it draws
    # (hypothesis/internal/conjecture/providers.py), so the paths explored shift with what the process
    # imported before this test; enough examples find each break whatever ran first.
    quick = settings(
        phases=(Phase.explicit, Phase.generate),
        max_examples=150,
        stateful_step_count=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    with pytest.raises(DivergenceFound) as found:
        run_state_machine_as_test(factory, settings=quick)
    keys = [(d.operation, d.check) for d in found.value.divergences]
    names = check_name if isinstance(check_name, tuple) else (check_name,)
    assert any(c in names and (operation is None or o in operation) for o, c in keys), keys
    assert "boto3.client('cognito-idp'" in cognito.log.script()


def test_a_failing_run_shrinks_to_a_minimal_reproducer():
    """The pools machine against a DescribeUserPool without Name shrinks to create + describe."""
    cognito = _endpoint(NameDropped)
    recorder = Recorder("reference", "detect")
    cognito.observer = recorder.observe
    run = MachineRun(cognito, recorder)
    thorough = settings(
        max_examples=30,
        stateful_step_count=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    with pytest.raises(DivergenceFound) as found:
        run_state_machine_as_test(_machine("pools", cognito, run), settings=thorough)
    # A machine key carries the values compared (conformance.machines.base.qualified).
    assert (
        found.value.divergences[0].key()
        == "DescribeUserPool echo $.UserPool.Name expected a string returned <absent>"
    )
    script = cognito.log.script()
    methods = [entry.method for entry in cognito.log.calls]
    assert methods == ["create_user_pool", "describe_user_pool"], script
    assert "client.describe_user_pool(UserPoolId=r1['UserPool']['Id'])" in script


def test_shrinking_cut_short_is_reported():
    """With no shrink budget left, the run ends on the first failure found and says shrinking was cut short."""
    cognito = _endpoint(NameDropped)
    recorder = Recorder("reference", "detect")
    cognito.observer = recorder.observe
    run = MachineRun(cognito, recorder, shrink_seconds=0.0)
    factory = _machine("pools", cognito, run)
    run.setup_calls = list(cognito.log.calls)
    thorough = settings(
        max_examples=30,
        stateful_step_count=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    started = time.perf_counter()
    with pytest.raises(DivergenceFound) as found:
        run_state_machine_as_test(factory, settings=thorough)
    assert time.perf_counter() - started < 60
    assert run.shrink_cut_short
    assert run.shrink_note.startswith("shrinking cut short after ")
    run.annotate(found.value)
    assert run.shrink_note in found.value.__notes__
    # The final replay is admitted: the failure and its reproducer are the example found.
    # A machine key carries the values compared (conformance.machines.base.qualified).
    assert (
        found.value.divergences[0].key()
        == "DescribeUserPool echo $.UserPool.Name expected a string returned <absent>"
    )
    assert "client.describe_user_pool(" in cognito.log.script()


def test_a_run_that_shrinks_within_its_budget_is_not_cut_short():
    cognito = _endpoint(NameDropped)
    recorder = Recorder("reference", "detect")
    cognito.observer = recorder.observe
    run = MachineRun(cognito, recorder, shrink_seconds=600.0)
    quick = settings(
        max_examples=30,
        stateful_step_count=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    with pytest.raises(DivergenceFound):
        run_state_machine_as_test(_machine("pools", cognito, run), settings=quick)
    assert run.first_failure is not None
    assert not run.shrink_cut_short
    assert run.shrink_note == ""
