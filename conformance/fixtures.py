"""The suite's fixtures: the endpoint, the recorder, the client, and the set-up helpers.

Registered by the plugin (``pytest_plugins`` in ``conformance/plugin.py``), apart from the hooks, as
pytest-django keeps its ``fixtures.py``. The set-up helpers (``make_user_pool``, ``user_pool``,
``make_app_client``, ``make_user``) make their calls as *set-up calls*
(:meth:`conformance.session.RunSession.setup_calls`): the automatic checks of those calls are
recorded once for the run under ``setup::<Operation>``, not in every test that needed a pool, and a
set-up answer the test cannot use ends the test as blocked (skipped), not failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conformance import redact
from conformance.calls import Cognito, HarnessError, Response, Unsupported
from conformance.checks import Recorder
from conformance.endpoints import Endpoint
from conformance.flows import AppClient, TestUser, create_app_client, create_user
from conformance.session import RunSession

SESSION_KEY = pytest.StashKey[RunSession]()
RECORDER_KEY = pytest.StashKey[Recorder]()

#: The fixtures that talk to the endpoint: a test using one of them starts it.
ENDPOINT_FIXTURES = ("cognito", "check", "endpoint")


def run_session(config: pytest.Config) -> RunSession:
    return config.stash[SESSION_KEY]


def recorder_of(item: pytest.Item) -> Recorder:
    """The test's recorder, made on first use."""
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        recorder = run_session(item.config).new_recorder(item.nodeid)
        item.stash[RECORDER_KEY] = recorder
    return recorder


def uses_endpoint(item: pytest.Item) -> bool:
    """Whether a test uses these endpoint fixtures (a parameter that happens to be called ``endpoint`` does not count)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for name in ENDPOINT_FIXTURES:
        definitions = info.name2fixturedefs.get(name, ())
        if definitions and definitions[-1].func.__module__ == __name__:
            return True
    return False


_counter = iter(range(1, 10**9))
#: the session of the run in progress, whose tag the names carry (set by :func:`bind_names`).
_naming: RunSession | None = None


def bind_names(session: RunSession) -> None:
    """Name what the suite creates after this run (``cc-<tag>-pool-...``), so the next run can tell
    its leftovers from its own (:meth:`conformance.session.RunSession.sweep`)."""
    global _naming
    _naming = session


def unique_name(prefix: str) -> str:
    """A name unique within the run and across runs against a shared endpoint, carrying the run's tag."""
    unique = f"{int(time.time() * 1000) % 10**8:08d}-{next(_counter)}"
    if _naming is None:
        return f"cc-{prefix}-{unique}"
    return _naming.name(prefix, unique)


@pytest.fixture(scope="session")
def endpoint(request: pytest.FixtureRequest) -> Endpoint:
    """The endpoint under test (resolved from --endpoint)."""
    return run_session(request.config).endpoint


@pytest.fixture
def check(request: pytest.FixtureRequest) -> Recorder:
    """The current test's divergence recorder."""
    return recorder_of(request.node)


@pytest.fixture
def cognito(request: pytest.FixtureRequest) -> Iterator[Cognito]:
    """A cognito-idp client whose every call is checked and recorded for the current test."""
    session = run_session(request.config)
    client = session.client()
    session.begin_test(client)
    recorder = recorder_of(request.node)
    client.log.clear()
    client.observer = recorder.observe
    yield client
    client.observer = None


@pytest.fixture
def make_user_pool(request: pytest.FixtureRequest, cognito: Cognito) -> Iterator[Callable[..., Response]]:
    """Create user pools that are deleted after the test: ``make_user_pool(PoolName=..., **params)``.

    The call is a set-up call; the test's own checks on the answer (``check.*``) are still its own.
    A failed call is returned for the test to judge; a success with no usable pool id blocks the test.
    """
    session = run_session(request.config)
    recorder = recorder_of(request.node)
    created: list[str] = []

    def make(**params: Any) -> Response:
        params.setdefault("PoolName", unique_name("pool"))
        with session.setup_calls(cognito, recorder):
            response = cognito.create_user_pool(**params)
        pool_id = _pool_id(response)
        if pool_id:
            created.append(pool_id)
        elif response.ok:
            # A success without a usable id (absent, null, a number, a UserPool that is not an
            # object): the test would pass it on and fail on its own request, so it is blocked.
            raise session.blocked(
                response, recorder, needs="$.UserPool.Id", note="creating the user pool the test needs"
            )
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
def user_pool(request: pytest.FixtureRequest, make_user_pool: Callable[..., Response]) -> str:
    """A fresh user pool's id (a test that needs special settings calls ``make_user_pool``)."""
    created = make_user_pool()
    pool_id = _pool_id(created)
    if not pool_id:
        session = run_session(request.config)
        raise session.blocked(
            created,
            recorder_of(request.node),
            needs="$.UserPool.Id",
            note="creating the user pool the test needs",
        )
    return pool_id


@pytest.fixture
def make_app_client(request: pytest.FixtureRequest, cognito: Cognito) -> Callable[..., AppClient]:
    """``make_app_client(pool_id, **CreateUserPoolClient params) -> AppClient``; blocks the test if that fails."""
    session = run_session(request.config)
    recorder = recorder_of(request.node)

    def make(pool_id: str, **params: Any) -> AppClient:
        with session.setup_calls(cognito, recorder) as answers:
            try:
                response, client = create_app_client(cognito, pool_id, **params)
            except (KeyError, TypeError, AttributeError):
                # The answer had no usable UserPoolClient (a null or missing member): the set-up record
                # holds the schema divergence; anything else is the harness's own error.
                response, client = _unusable(answers, "UserPoolClient", "ClientId"), None
        if client is None or not client.client_id:
            raise session.blocked(
                response,
                recorder,
                needs="$.UserPoolClient.ClientId",
                note="creating the app client the test needs",
            )
        return client

    return make


@pytest.fixture
def make_user(request: pytest.FixtureRequest, cognito: Cognito) -> Callable[..., TestUser]:
    """``make_user(pool_id, username=, password=, attributes=, confirmed=True) -> TestUser``; blocks if that fails."""
    session = run_session(request.config)
    recorder = recorder_of(request.node)

    def make(pool_id: str, **params: Any) -> TestUser:
        with session.setup_calls(cognito, recorder) as answers:
            try:
                response, user = create_user(cognito, pool_id, **params)
            except (KeyError, TypeError, AttributeError):
                response, user = _unusable(answers, "User", "Username"), None
        if user is None:
            raise session.blocked(
                response, recorder, needs="$.User.Username", note="creating the user the test needs"
            )
        return user

    return make


def _pool_id(response: Response) -> str | None:
    """The new pool's id, or None when the answer has none to use."""
    if not response.ok:
        return None
    pool = response.body.get("UserPool") if isinstance(response.body, dict) else None
    pool_id = pool.get("Id") if isinstance(pool, dict) else None
    return pool_id if isinstance(pool_id, str) and pool_id else None


def _unusable(answers: list[Response], member: str, key: str) -> Response:
    """The set-up answer a helper could not read, after it raised on it; re-raises if the answer was fine.

    Only an answer whose ``member`` lacks a usable ``key`` blocks the test; a helper that fails on a
    good answer is a bug of the harness, and its exception goes on.
    """
    last = answers[-1] if answers else None
    body = last.body if last is not None else None
    value = body.get(member) if isinstance(body, dict) else None
    if (
        last is None
        or not last.ok
        or (isinstance(value, dict) and isinstance(value.get(key), str) and value[key])
    ):
        raise
    return last


class DeliveredCodes:
    """What an endpoint's message outbox says it sent: the codes a user would read in their inbox.

    AWS sends sign-up, verification, password-reset and MFA codes to real mailboxes; only an endpoint
    that publishes what it sent (the reference: reference/outbox.py) lets a test type the code back.
    Every code read here is registered as a secret, so no artifact prints it.
    """

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    def messages(self, user_pool_id: str, username: str) -> list[dict[str, Any]]:
        """Every message sent to one user, oldest first; skips the test where there is no outbox."""
        found = self.endpoint.delivered_messages(user_pool_id, username)
        if found is None:
            pytest.skip(
                f"{self.endpoint.label} exposes no message outbox: a delivered code cannot be read "
                "(the reference's is GET /reference-api/outbox)"
            )
        messages = [message for message in found if isinstance(message, dict)]
        redact.register(*(str(message.get("code") or "") for message in messages))
        return messages

    def latest(self, user_pool_id: str, username: str, purpose: str) -> dict[str, Any] | None:
        """The newest message of one purpose (``sign-up``, ``password-reset``, ``mfa``, ...), or None
        when none was sent: the test decides whether that is the divergence."""
        matching = [m for m in self.messages(user_pool_id, username) if m.get("purpose") == purpose]
        return matching[-1] if matching else None

    def code(self, user_pool_id: str, username: str, purpose: str) -> str | None:
        """The newest code of one purpose, or None when none was sent."""
        message = self.latest(user_pool_id, username, purpose)
        return str(message["code"]) if message and message.get("code") else None


@pytest.fixture
def outbox(endpoint: Endpoint) -> DeliveredCodes:
    """The endpoint's message outbox (:class:`DeliveredCodes`); a test that reads it skips, with the
    reason, on an endpoint that publishes none."""
    return DeliveredCodes(endpoint)
