"""User pools (docs/facts.md §2, §9); app clients are in :mod:`conformance.oracle.clients`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.expect import (
    absent,
    at_most_items,
    equal,
    matches,
    present,
)
from conformance.oracle import facts
from conformance.oracle.core import Transition, pool_or_refusal, refuse, unchanged
from conformance.oracle.model import (
    Answer,
    Call,
    Pool,
    Prediction,
    State,
    frozen,
    put,
    succeeds,
)

#: §9 [CLI; BC]: {region}_{9 characters [0-9A-Za-z]}.
POOL_ID = r"{region}_[0-9A-Za-z]{{9}}"


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


def known_pool(
    state: State, pool_id: str, name: str, device_configuration: Any = None, settings: Any = None
) -> State:
    """Teach the oracle a pool a fixture created (its creation was checked there), with the settings it
    was created with where a prediction depends on them (AutoVerifiedAttributes: SignUp's delivery)."""
    pool = Pool(
        pool_id,
        name,
        frozen(device_configuration) if device_configuration else None,
        frozen(settings) if settings else frozen(),
    )
    return replace(state, pools=put(state.pools, pool_id, pool))
