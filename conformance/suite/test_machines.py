"""Stateful machines: the oracle predicts every step, the endpoint answers, differences are divergences.

Each test builds its pool and app clients once with the fixtures, teaches them to the oracle,
and runs one machine (conformance/machines) with ``run_state_machine_as_test``. A run that finds
an unexpected hard divergence is shrunk by Hypothesis to the minimal sequence of calls, and the
failure ends with that sequence as a runnable boto3 script ("Reproduce with").

Run a subset: ``pytest conformance/suite/test_machines.py -k devices --endpoint=reference``;
size a run with ``--hypothesis-profile=ci|dev|nightly|aws-budget`` (conformance/profiles.py). Shrinking
stops after the profile's shrink budget; the run then says "shrinking cut short after N s".
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import Phase, settings
from hypothesis.errors import Flaky, Unsatisfiable
from hypothesis.stateful import run_state_machine_as_test

from conformance import profiles
from conformance.checks import DivergenceFound
from conformance.facts import fact
from conformance.machines.attributes import AttributesAndVerification
from conformance.machines.auth import AuthenticationAndChallenges
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.machines.choice import ChoiceSignIn
from conformance.machines.devices import RememberedDevices
from conformance.machines.groups import GroupsAndMemberships
from conformance.machines.mfa import SoftwareTokenMfa
from conformance.machines.pools import PoolsAndClients
from conformance.machines.signup import SignUpAndRecovery
from conformance.machines.tokens import TokensAndRevocation
from conformance.machines.users import UserLifecycle
from conformance.oracle import State, describe_state, initial_state, known_client, known_pool

pytestmark = [pytest.mark.kind("semantics"), pytest.mark.stateful]

PASSWORD_FLOWS = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
SETUP = fact("pools.setup")
USER_LIFECYCLE = fact("users.lifecycle-model")
SIGN_IN = fact("auth.sign-in-model")
DEVICES = fact("devices.device-model")
REVOCATION = fact("tokens.revocation-model")
POOLS_AND_CLIENTS = fact("pools.pool-client-model")
GROUPS = fact("groups.group-model")
SIGN_UP_AND_RECOVERY = fact("signup.recovery-model")
MFA = fact("mfa.mfa-model")
CHOICE = fact("choice.user-auth-select")
USER_ATTRIBUTES = fact("attributes.update-user-attributes")


def _profile(request: pytest.FixtureRequest) -> profiles.Profile:
    """The profile of the run: --hypothesis-profile, else the default (``ci``); ``dev`` sizes for others."""
    return profiles.profile(request.config.getoption("hypothesis_profile", default=None))


def _run(
    request: pytest.FixtureRequest, cognito, check, factory: Callable[[MachineRun], CognitoMachine]
) -> MachineRun:
    """Run one machine under the current Hypothesis profile; raise Unsupported if the endpoint lacks an operation."""
    chosen = _profile(request)
    run = MachineRun(
        cognito,
        check,
        budget=chosen.budget,
        shrink_seconds=chosen.shrink_seconds,
        setup_calls=list(cognito.log.calls),
        # Rewriting the expectations: explore as the next run will, with every divergence listed.
        lists_everything=request.config.getoption("conformance_update", default=False),
    )
    machine_settings = profiles.machine_settings(chosen)
    if cognito.endpoint.replays_in_order:
        # A recording holds the examples it was made from; a shrunk example's calls were never recorded.
        machine_settings = settings(
            machine_settings,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            report_multiple_bugs=False,
        )
    run.list_everything()
    try:
        # This line's text seeds the derandomized (ci) runs: Hypothesis digests the factory's source.
        run_state_machine_as_test(lambda: factory(run), settings=machine_settings)
    except Unsatisfiable:
        # Every example ended as an overrun: the time budget ran out in the first one.
        if run.budget_spent is None:
            raise
    except Flaky as flaky:
        run.end()
        # The endpoint answered the same calls differently when Hypothesis replayed them, so no
        # minimal example can be shown; the divergences Hypothesis saw fail, and those that stopped
        # examples, are still reported, as divergences (a failure that is not one stays an error).
        unexpected = run.flaky_divergences(flaky)
        run.finish_failed()
        if not unexpected:
            raise
        for divergence in unexpected:
            check.add(divergence)
        found = DivergenceFound(unexpected)
        run.annotate(found)
        raise found from flaky
    except Exception as error:
        run.end()
        distinct = run.distinct_divergences(error) if isinstance(error, ExceptionGroup) else None
        if distinct:
            # Hypothesis found several distinct failures, each one stopped on a divergence: those are
            # the run's divergences (as a flaky run's are), not a fault of the harness.
            run.finish_failed()
            for divergence in distinct:
                check.add(divergence)
            found = DivergenceFound(distinct)
            run.annotate(found)
            raise found from error
        run.annotate(error)
        run.finish_failed()
        if run.latest is not None:
            # What the oracle believed when the minimal example stopped (no secrets: describe_state).
            request.node.add_report_section("call", "oracle state", describe_state(run.latest.state))
        raise
    finally:
        run.end()
        lacking = f"; not implemented here: {', '.join(sorted(run.unsupported))}" if run.unsupported else ""
        shrinking = f"; {run.shrink_note}" if run.shrink_cut_short else ""
        request.node.add_report_section(
            "call",
            "machine",
            f"{run.examples} examples, {run.steps} steps, {run.calls} calls in {run.elapsed:.2f} s "
            f"({run.steps_per_second():.1f} steps/s){lacking}{shrinking}",
        )
    if run.budget_spent is not None:
        # The examples before the budget ran out were judged; the rest was never explored.
        raise run.budget_spent
    if run.calls == 0 and run.unsupported:
        # Every rule needed something the endpoint lacks: nothing was checked.
        raise next(iter(run.unsupported.values()))
    run.finish()
    request.node.user_properties.append(("machine_steps_per_second", round(run.steps_per_second(), 2)))
    return run


def _pool(make_user_pool, check, **params) -> tuple[str, str]:
    created = make_user_pool(**params)
    if not check.succeeded(created, SETUP, note="creating the pool the machine uses"):
        pytest.skip("the endpoint could not create a user pool")
    body = created.body["UserPool"]
    return body["Id"], body["Name"]


def _oracle(endpoint, pool_id: str, name: str, device_configuration=None) -> State:
    return known_pool(initial_state(endpoint.region), pool_id, name, device_configuration)


@pytest.mark.fact(USER_LIFECYCLE)
def test_user_lifecycle_machine(request, cognito, check, endpoint, make_user_pool, make_app_client):
    """§8, §9: AdminCreateUser/SetUserPassword/GetUser/Disable/Enable/Delete, sign-in and ListUsers agree with the oracle."""
    pool_id, name = _pool(make_user_pool, check)
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    state = known_client(
        _oracle(endpoint, pool_id, name), pool_id, client.client_id, ExplicitAuthFlows=PASSWORD_FLOWS
    )
    _run(request, cognito, check, lambda run: UserLifecycle(run, state, pool_id, client))


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(SIGN_IN)
def test_authentication_and_challenges_machine(
    request, cognito, check, endpoint, make_user_pool, make_app_client
):
    """§1, §3, §4: every flow and challenge answer (right, wrong, forged, bad TIMESTAMP, replayed) agrees with the oracle."""
    pool_id, name = _pool(make_user_pool, check)
    public = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    secret = make_app_client(
        pool_id, ExplicitAuthFlows=PASSWORD_FLOWS, GenerateSecret=True, PreventUserExistenceErrors="ENABLED"
    )
    srp_only = make_app_client(pool_id, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    state = _oracle(endpoint, pool_id, name)
    state = known_client(state, pool_id, public.client_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    state = known_client(
        state,
        pool_id,
        secret.client_id,
        secret.secret,
        ExplicitAuthFlows=PASSWORD_FLOWS,
        GenerateSecret=True,
        PreventUserExistenceErrors="ENABLED",
    )
    state = known_client(
        state,
        pool_id,
        srp_only.client_id,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    clients = (public, secret, srp_only)
    _run(request, cognito, check, lambda run: AuthenticationAndChallenges(run, state, pool_id, clients))


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(DEVICES)
@pytest.mark.parametrize("remember_on_prompt", [False, True], ids=["always-remembered", "opt-in"])
def test_remembered_devices_machine(
    request, cognito, check, endpoint, make_user_pool, make_app_client, remember_on_prompt
):
    """§2, §12.1: ConfirmDevice, (Admin)Get/List/UpdateStatus/Forget and device sign-in agree with the oracle."""
    configuration = {
        "ChallengeRequiredOnNewDevice": False,
        "DeviceOnlyRememberedOnUserPrompt": remember_on_prompt,
    }
    pool_id, name = _pool(make_user_pool, check, DeviceConfiguration=configuration)
    # Device operations are absent from some emulators: find out before the machine runs (no shrinking).
    cognito.admin_list_devices(UserPoolId=pool_id, Username="nobody-here")
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    state = _oracle(endpoint, pool_id, name, configuration)
    state = known_client(state, pool_id, client.client_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    _run(request, cognito, check, lambda run: RememberedDevices(run, state, pool_id, client))


@pytest.mark.kind("tokens")
@pytest.mark.fact(REVOCATION)
def test_tokens_and_revocation_machine(request, cognito, check, endpoint, make_user_pool, make_app_client):
    """§4, §6: refresh, GlobalSignOut, AdminUserGlobalSignOut and AdminDisableUser revoke exactly what AWS revokes."""
    pool_id, name = _pool(make_user_pool, check)
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    state = known_client(
        _oracle(endpoint, pool_id, name), pool_id, client.client_id, ExplicitAuthFlows=PASSWORD_FLOWS
    )
    _run(request, cognito, check, lambda run: TokensAndRevocation(run, state, pool_id, client))


@pytest.mark.fact(GROUPS)
def test_groups_and_memberships_machine(request, cognito, check, endpoint, make_user_pool, make_app_client):
    """Create/Delete groups, add and remove members, list both ways and sign in: cognito:groups agrees with the oracle."""
    pool_id, name = _pool(make_user_pool, check)
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    state = known_client(
        _oracle(endpoint, pool_id, name), pool_id, client.client_id, ExplicitAuthFlows=PASSWORD_FLOWS
    )
    _run(request, cognito, check, lambda run: GroupsAndMemberships(run, state, pool_id, client))


@pytest.mark.fact(POOLS_AND_CLIENTS)
def test_pools_and_clients_machine(request, cognito, check, endpoint):
    """§9, §12.5: Create/Describe/Update/List user pools and their app clients agree with the oracle."""
    _run(request, cognito, check, lambda run: PoolsAndClients(run, initial_state(endpoint.region)))


@pytest.mark.fact(SIGN_UP_AND_RECOVERY)
def test_sign_up_and_recovery_machine(request, cognito, check, endpoint, make_user_pool, make_app_client):
    """signup: SignUp, ConfirmSignUp (delivered or made-up code), AdminConfirmSignUp, ForgotPassword,
    ConfirmForgotPassword, AdminResetUserPassword, ChangePassword, DeleteUser and sign-in agree with the
    oracle: each user's status, and which password signs in."""
    settings = {"AutoVerifiedAttributes": ["email"]}
    pool_id, name = _pool(make_user_pool, check, **settings)
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client = make_app_client(pool_id, ExplicitAuthFlows=flows)
    state = known_pool(initial_state(endpoint.region), pool_id, name, settings=settings)
    state = known_client(state, pool_id, client.client_id, ExplicitAuthFlows=flows)
    _run(request, cognito, check, lambda run: SignUpAndRecovery(run, state, pool_id, client, endpoint))


@pytest.mark.fact(MFA)
def test_software_token_mfa_machine(request, cognito, check, endpoint, make_user_pool, make_app_client):
    """§3, §8: software tokens, MFA preferences and SOFTWARE_TOKEN_MFA after the password agree with the oracle."""
    pool_id, name = _pool(make_user_pool, check)
    client = make_app_client(pool_id, ExplicitAuthFlows=PASSWORD_FLOWS)
    state = known_client(
        _oracle(endpoint, pool_id, name), pool_id, client.client_id, ExplicitAuthFlows=PASSWORD_FLOWS
    )
    _run(request, cognito, check, lambda run: SoftwareTokenMfa(run, state, pool_id, client))


@pytest.mark.fact(CHOICE)
def test_choice_sign_in_machine(request, cognito, check, endpoint, make_user_pool, make_app_client):
    """USER_AUTH with a preferred password or a choice answered with one, right or wrong, through both
    operations, and replayed SELECT_CHALLENGE sessions, agree with the oracle."""
    pool_id, name = _pool(make_user_pool, check)
    client = make_app_client(pool_id, ExplicitAuthFlows=["ALLOW_USER_AUTH"])
    state = known_client(
        _oracle(endpoint, pool_id, name), pool_id, client.client_id, ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )
    _run(request, cognito, check, lambda run: ChoiceSignIn(run, state, pool_id, client))


@pytest.mark.fact(USER_ATTRIBUTES)
def test_attributes_and_verification_machine(
    request, cognito, check, endpoint, make_user_pool, make_app_client
):
    """attributes: UpdateUserAttributes, DeleteUserAttributes, GetUserAttributeVerificationCode,
    VerifyUserAttribute (delivered or made-up code) and AddCustomAttributes agree with the oracle, and
    GetUser / AdminGetUser then show the attributes it predicts."""
    pool_id, name = _pool(make_user_pool, check)
    flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client = make_app_client(pool_id, ExplicitAuthFlows=flows)
    state = known_client(_oracle(endpoint, pool_id, name), pool_id, client.client_id, ExplicitAuthFlows=flows)
    # The custom attributes the pool's schema gained in earlier examples (it outlives them).
    added: set[str] = set()
    _run(
        request,
        cognito,
        check,
        lambda run: AttributesAndVerification(run, state, pool_id, client, endpoint, added),
    )
