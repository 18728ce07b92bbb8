"""Time to a reproducer: how long a machine takes from its start to the shrunk failing example.

For each break of ``tests/oracle/test_machines_detect.py`` (one reference hook overridden) and the
``refresh-rotates-refresh-token`` miniature's, run the machine that finds it, under the sizes of a
profile of ``conformance/profiles.py`` (``ci`` unless ``--profile``), in process and against the
reference served over HTTP by a child process, and print the seconds from the machine's start to
the exception carrying the shrunk reproducer, whether shrinking was cut short, and the number of
calls in the reproducer.

Usage: ``python benchmarks/bench_shrinking.py [--profile ci] [--only NAME] [--where in-process|server]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import socketserver
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from conformance.calls import Cognito
from conformance.checks import DivergenceFound, Recorder
from conformance.endpoints import Endpoint, parse
from conformance.endpoints.reference import install_reference
from conformance.flows import create_app_client
from conformance.machines.auth import AuthenticationAndChallenges
from conformance.machines.base import MachineRun
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


def _nothing(self: Any, *args: Any, **kwargs: Any) -> None:
    return None


def _name_dropped(self: Any, operation: str, result: dict[str, Any]) -> dict[str, Any]:
    if operation == "DescribeUserPool":
        result = {"UserPool": {k: v for k, v in result["UserPool"].items() if k != "Name"}}
    return result


#: break -> (the machine that finds it, the hooks of conformance/reference/service.py it overrides).
BREAKS: dict[str, tuple[str, dict[str, Callable[..., Any]]]] = {
    "sign-out-revokes-nothing": ("tokens", {"global_sign_out_user": _nothing}),
    "wrong-password-accepted": (
        "users",
        {"password_matches": lambda self, user, password: user.password is not None},
    ),
    "signature-not-verified": ("auth", {"verify_password_claim": _nothing}),
    "filter-ignored": ("users", {"filter_users": lambda self, users, user_filter: users}),
    "forgotten-device-usable": ("devices", {"forget_device_record": _nothing}),
    "name-dropped": ("pools", {"shape_result": _name_dropped}),
    "refresh-rotates-refresh-token": ("tokens", {"refresh_issues_refresh_token": lambda self: True}),
}


def _app(name: str) -> ReferenceApp:
    service = type(f"Broken{CognitoService.__name__}", (CognitoService,), dict(BREAKS[name][1]))
    app_class = type("BrokenApp", (ReferenceApp,), {"service_class": service})
    return app_class(clock=OffsetClock())


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        pass


def serve(name: str) -> None:
    """The child process: the broken reference on a free loopback port, like ``python -m conformance.reference``."""
    with make_server("127.0.0.1", 0, _app(name), server_class=_Server, handler_class=_Quiet) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


def _machine(name: str, cognito: Cognito, run: MachineRun) -> Callable[[], Any]:
    if name == "pools":
        return lambda: PoolsAndClients(run, initial_state("us-east-1"))
    devices = DEVICES if name == "devices" else None
    params = {"PoolName": "bench"} | ({"DeviceConfiguration": devices} if devices else {})
    pool_id = cognito.create_user_pool(**params).body["UserPool"]["Id"]
    state = known_pool(initial_state("us-east-1"), pool_id, "bench", devices)
    _, client = create_app_client(cognito, pool_id, ExplicitAuthFlows=FLOWS)
    assert client is not None
    state = known_client(state, pool_id, client.client_id, ExplicitAuthFlows=FLOWS)
    if name == "users":
        return lambda: UserLifecycle(run, state, pool_id, client)
    if name == "tokens":
        return lambda: TokensAndRevocation(run, state, pool_id, client)
    if name == "devices":
        return lambda: RememberedDevices(run, state, pool_id, client)
    return lambda: AuthenticationAndChallenges(run, state, pool_id, (client, client, client))


def _sizes(profile: str) -> tuple[int, int, Any, float | None]:
    """Examples, steps, user budget and shrink budget of a profile (before the profile table: no bound)."""
    try:
        from conformance.profiles import PROFILES
    except ImportError:
        from conformance.machines.base import PROFILES as SIZES  # the layout before conformance/profiles.py

        examples, steps, budget = SIZES[profile]
        return examples, steps, budget, None
    chosen = PROFILES[profile]
    return chosen.examples, chosen.steps, chosen.budget, chosen.shrink_seconds


def measure(name: str, endpoint: Endpoint, profile: str) -> dict[str, Any]:
    """Run the break's machine once; the seconds to the exception that carries the reproducer."""
    examples, steps, budget, shrink_seconds = _sizes(profile)
    cognito = Cognito(endpoint)
    recorder = Recorder(endpoint.label, "bench")
    cognito.observer = recorder.observe
    run = MachineRun(cognito, recorder, budget=budget)
    if shrink_seconds is not None and "shrink_seconds" in {f.name for f in dataclasses.fields(run)}:
        run.shrink_seconds = shrink_seconds
    factory = _machine(BREAKS[name][0], cognito, run)
    run.setup_calls = list(cognito.log.calls)
    # The settings of conformance/suite/test_machines.py under the profile (derandomized, no database).
    machine_settings = settings(
        max_examples=examples,
        stateful_step_count=steps,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    started = time.perf_counter()
    found = None
    try:
        run_state_machine_as_test(factory, settings=machine_settings)
    except DivergenceFound as error:
        found = "; ".join(d.key() for d in error.divergences)
    except Exception as error:  # a Flaky or harness error: reported as such, the bench goes on
        found = f"{type(error).__name__}: {error}".splitlines()[0]
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "found": found,
        "cut_short": getattr(run, "shrink_cut_short", False),
        "calls": len(cognito.log.calls) - len(run.setup_calls),
        "examples": run.examples,
    }


def in_process(name: str) -> Endpoint:
    endpoint = parse("reference")
    install_reference(endpoint, _app(name))
    return endpoint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="ci")
    parser.add_argument("--only", action="append", choices=sorted(BREAKS), help="a break (repeatable)")
    parser.add_argument("--where", choices=("in-process", "server"), action="append")
    parser.add_argument("--serve", choices=sorted(BREAKS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    wheres = args.where or ["in-process", "server"]
    print(f"profile {args.profile}")
    print(f"{'break':32} {'where':11} {'seconds':>8} {'cut short':>9} {'calls':>5} {'examples':>8}  found")
    for name in args.only or list(BREAKS):
        for where in wheres:
            child = None
            if where == "server":
                child = subprocess.Popen(
                    [sys.executable, __file__, "--serve", name], stdout=subprocess.PIPE, text=True
                )
                assert child.stdout is not None
                endpoint = parse(f"http://127.0.0.1:{child.stdout.readline().strip()}")
                endpoint.start()
            else:
                endpoint = in_process(name)
            try:
                row = measure(name, endpoint, args.profile)
            finally:
                if child is not None:
                    child.terminate()
                    child.wait()
            print(
                f"{name:32} {where:11} {row['seconds']:8.1f} {'yes' if row['cut_short'] else 'no':>9} "
                f"{row['calls']:5d} {row['examples']:8d}  {row['found'] or 'not found'}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
