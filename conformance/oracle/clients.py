"""App clients (docs/facts.md §9, §12.3, §12.5)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.oracle import facts
from conformance.oracle.core import Transition, client_or_refusal, pool_or_refusal, refuse, unchanged
from conformance.oracle.model import (
    Answer,
    Call,
    Client,
    Prediction,
    State,
    absent,
    at_most_items,
    equal,
    frozen,
    matches,
    present,
    put,
    same_items,
    succeeds,
)

CLIENT_ID = r"[a-z0-9]{26}"


def _client_members(client: Client, path: str, *, described: bool) -> list[Any]:
    expects = [
        equal(f"{path}.ClientName", client.name, facts.CLIENT_ECHO, "echo"),
        equal(f"{path}.UserPoolId", client.pool_id, facts.CLIENT_ECHO, "echo"),
    ]
    if client.explicit_auth_flows is None:
        expects.append(absent(f"{path}.ExplicitAuthFlows", facts.NO_IMPLICIT_FLOWS))
    else:
        expects.append(
            # Verbatim, legacy values included (§12.3); the order AWS keeps is not documented.
            same_items(
                f"{path}.ExplicitAuthFlows",
                None,
                frozenset(client.explicit_auth_flows),
                facts.LEGACY_FLOWS_VERBATIM,
                "echo",
            )
        )
    if client.secret is None:
        expects.append(absent(f"{path}.ClientSecret", facts.CLIENT_SECRET_ONLY_WHEN_GENERATED))
    else:
        expects.append(present(f"{path}.ClientSecret", facts.CLIENT_SECRET_ONLY_WHEN_GENERATED))
    if described:
        # §12.5 (verified): what AWS returns for a client created (or updated) without these settings.
        for member, value in (
            ("AuthSessionValidity", 3),
            ("RefreshTokenValidity", 30),
            ("EnableTokenRevocation", True),
        ):
            if member not in client.settings:
                expects.append(equal(f"{path}.{member}", value, facts.CLIENT_DEFAULTS, "default"))
        if "PreventUserExistenceErrors" not in client.settings:
            expects.append(absent(f"{path}.PreventUserExistenceErrors", facts.CLIENT_DEFAULTS))
    return expects


def _client_from(call: Call, client_id: str, secret: str | None) -> Client:
    flows = call.param("ExplicitAuthFlows")
    return Client(
        client_id=client_id,
        pool_id=call.param("UserPoolId"),
        name=call.param("ClientName", ""),
        explicit_auth_flows=tuple(flows) if flows else None,
        secret=secret,
        prevent_user_existence_errors=call.param("PreventUserExistenceErrors") == "ENABLED",
        settings=frozen({k: v for k, v in call.params.items() if k not in ("UserPoolId", "ClientId")}),
    )


def create_user_pool_client(state: State, call: Call) -> Transition:
    """CreateUserPoolClient: a 26-character id; a secret only when generated; flows stored verbatim (§9, §12.5)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    sketch = _client_from(call, "<new client>", "<secret>" if call.param("GenerateSecret") else None)
    expects = [
        matches("$.UserPoolClient.ClientId", CLIENT_ID, facts.CLIENT_ID_FORMAT),
        *_client_members(sketch, "$.UserPoolClient", described=False),
    ]

    def then(answer: Answer | None) -> State:
        client_id = answer.member("UserPoolClient", "ClientId") if answer else None
        secret = answer.member("UserPoolClient", "ClientSecret") if answer else sketch.secret
        handle, after = state.next_handle("client")
        client = replace(sketch, client_id=str(client_id or f"<{handle}>"), secret=secret)
        return replace(
            after, clients=put(after.clients, client.client_id, client), created=(client.client_id,)
        )

    return Transition(succeeds(facts.CLIENT_ECHO, "CreateUserPoolClient creates the client", *expects), then)


def describe_user_pool_client(state: State, call: Call) -> Transition:
    """DescribeUserPoolClient: the client as created or updated, with AWS's defaults (§12.5)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    client = client_or_refusal(state, call.param("ClientId"), pool.pool_id)
    if isinstance(client, Prediction):
        return refuse(state, client)
    expects = _client_members(client, "$.UserPoolClient", described=True)
    expects.append(equal("$.UserPoolClient.ClientId", client.client_id, facts.CLIENT_ECHO, "echo"))
    return Transition(succeeds(facts.CLIENT_ECHO, "the client is described", *expects), unchanged(state))


def update_user_pool_client(state: State, call: Call) -> Transition:
    """UpdateUserPoolClient: the new settings replace all others (§9 [DG]); the id and secret stay."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    client = client_or_refusal(state, call.param("ClientId"), pool.pool_id)
    if isinstance(client, Prediction):
        return refuse(state, client)
    updated = _client_from(call, client.client_id, client.secret)
    if not call.param("ClientName"):
        updated = replace(updated, name=client.name)
    expects = _client_members(updated, "$.UserPoolClient", described=False)

    def then(_answer: Answer | None) -> State:
        return replace(state, clients=put(state.clients, client.client_id, updated))

    return Transition(
        succeeds(facts.UPDATE_CLIENT_RESETS, "UpdateUserPoolClient replaces the settings", *expects), then
    )


def delete_user_pool_client(state: State, call: Call) -> Transition:
    """DeleteUserPoolClient: an empty answer, and the client is unknown from then on (§9; facts:clients.delete-client)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    client = client_or_refusal(state, call.param("ClientId"), pool.pool_id)
    if isinstance(client, Prediction):
        return refuse(state, client)

    def then(_answer: Answer | None) -> State:
        remaining = {key: value for key, value in state.clients.items() if key != client.client_id}
        return replace(state, clients=frozen(remaining))

    return Transition(succeeds(facts.DELETE_CLIENT, "the app client is deleted"), then)


def list_user_pool_clients(state: State, call: Call) -> Transition:
    """ListUserPoolClients: a page of at most MaxResults client descriptions (§9; facts:clients.list-clients); the
    machine checks that the pages together hold exactly the pool's live clients."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    expects = [present("$.UserPoolClients", facts.LIST_CLIENTS)]
    limit = call.param("MaxResults")
    if isinstance(limit, int):
        expects.append(at_most_items("$.UserPoolClients", limit, facts.LIST_CLIENTS))
    return Transition(
        succeeds(facts.LIST_CLIENTS, "a page of the pool's app clients", *expects), unchanged(state)
    )


def live_client_names(state: State, pool_id: str) -> dict[str, str]:
    """ClientId -> ClientName of every client of ``pool_id`` the model holds: what a complete
    ListUserPoolClients listing must hold, no more and no less."""
    return {c.client_id: c.name for c in state.clients.values() if c.pool_id == pool_id}


def known_client(
    state: State, pool_id: str, client_id: str, secret: str | None = None, **params: Any
) -> State:
    """Teach the oracle an app client a fixture created with ``params``."""
    call = Call("CreateUserPoolClient", frozen({"UserPoolId": pool_id, **params}))
    client = _client_from(call, client_id, secret)
    return replace(state, clients=put(state.clients, client_id, client))
