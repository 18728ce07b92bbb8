"""User pools and app clients (aws-behaviour.md §2, §9, §12.3, §12.5)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.oracle import facts
from conformance.oracle.core import Transition, client_or_refusal, pool_or_refusal, refuse, unchanged
from conformance.oracle.model import (
    Answer,
    Call,
    Client,
    Pool,
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

#: §9 [CLI; BC]: {region}_{9 characters [0-9A-Za-z]}.
POOL_ID = r"{region}_[0-9A-Za-z]{{9}}"
CLIENT_ID = r"[a-z0-9]{26}"


def _pool_members(pool: Pool, path: str) -> list[Any]:
    expects = [
        equal(f"{path}.Id", pool.pool_id, facts.POOL_ECHO, "echo"),
        equal(f"{path}.Name", pool.name, facts.POOL_ECHO, "echo"),
    ]
    if pool.device_configuration is None:
        expects.append(absent(f"{path}.DeviceConfiguration", facts.DEVICE_CONFIGURATION_NULL))
    else:
        expects.append(
            equal(
                f"{path}.DeviceConfiguration",
                dict(pool.device_configuration),
                facts.DEVICE_CONFIGURATION_ECHO,
                "echo",
            )
        )
    return expects


def create_user_pool(state: State, call: Call) -> Transition:
    """CreateUserPool: a new pool named as asked, device tracking only when configured (§2, §9)."""
    device_configuration = call.param("DeviceConfiguration")
    placeholder = Pool(
        "<new pool>",
        call.param("PoolName", ""),
        frozen(device_configuration) if device_configuration else None,
    )
    expects = [
        matches("$.UserPool.Id", POOL_ID.format(region=state.region), facts.POOL_ID_FORMAT),
        matches(
            "$.UserPool.Arn",
            rf"arn:aws:cognito-idp:{state.region}:\d{{12}}:userpool/{POOL_ID.format(region=state.region)}",
            facts.POOL_ARN,
        ),
        *[e for e in _pool_members(placeholder, "$.UserPool") if not e.path.endswith(".Id")],
    ]

    def then(answer: Answer | None) -> State:
        pool_id = answer.member("UserPool", "Id") if answer else None
        handle, after = state.next_handle("pool")
        pool = replace(placeholder, pool_id=str(pool_id or f"<{handle}>"), settings=frozen(dict(call.params)))
        return replace(after, pools=put(after.pools, pool.pool_id, pool), created=(pool.pool_id,))

    return Transition(succeeds(facts.POOL_ECHO, "CreateUserPool creates the pool", *expects), then)


def describe_user_pool(state: State, call: Call) -> Transition:
    """DescribeUserPool: the pool as last created or updated (§2, §9)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    return Transition(
        succeeds(facts.POOL_ECHO, "the pool is described", *_pool_members(pool, "$.UserPool")),
        unchanged(state),
    )


def update_user_pool(state: State, call: Call) -> Transition:
    """UpdateUserPool: every omitted setting goes back to its default (§9), DeviceConfiguration included."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    device_configuration = call.param("DeviceConfiguration")
    updated = replace(
        pool,
        device_configuration=frozen(device_configuration) if device_configuration else None,
        settings=frozen(dict(call.params)),
    )

    def then(_answer: Answer | None) -> State:
        return replace(state, pools=put(state.pools, pool.pool_id, updated))

    return Transition(succeeds(facts.UPDATE_POOL_RESETS, "UpdateUserPool replaces the settings"), then)


def delete_user_pool(state: State, call: Call) -> Transition:
    """DeleteUserPool: the pool no longer exists (§9, §11.3)."""
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return refuse(state, pool)
    gone = replace(pool, settings=frozen({**pool.settings, "__deleted__": True}))

    def then(_answer: Answer | None) -> State:
        return replace(state, pools=put(state.pools, pool.pool_id, gone))

    return Transition(succeeds(facts.POOL_ECHO, "the pool is deleted"), then)


def list_user_pools(state: State, call: Call) -> Transition:
    """ListUserPools: a page of at most MaxResults pools (§9 [BC]); machines check the union of pages."""
    limit = call.param("MaxResults")
    expects = [present("$.UserPools", facts.LIST_USER_POOLS)]
    if isinstance(limit, int):
        expects.append(at_most_items("$.UserPools", limit, facts.LIST_USER_POOLS))
    return Transition(
        succeeds(facts.LIST_USER_POOLS, "a page of the account's pools", *expects), unchanged(state)
    )


def live_pool_ids(state: State) -> frozenset[str]:
    """The pools a complete ListUserPools listing must include (others may exist in the account)."""
    return frozenset(p.pool_id for p in state.pools.values() if not p.settings.get("__deleted__"))


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


def known_pool(state: State, pool_id: str, name: str, device_configuration: Any = None) -> State:
    """Teach the oracle a pool a fixture created (its creation was checked there)."""
    pool = Pool(pool_id, name, frozen(device_configuration) if device_configuration else None)
    return replace(state, pools=put(state.pools, pool_id, pool))


def known_client(
    state: State, pool_id: str, client_id: str, secret: str | None = None, **params: Any
) -> State:
    """Teach the oracle an app client a fixture created with ``params``."""
    call = Call("CreateUserPoolClient", frozen({"UserPoolId": pool_id, **params}))
    client = _client_from(call, client_id, secret)
    return replace(state, clients=put(state.clients, client_id, client))
