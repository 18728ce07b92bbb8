"""User pools and app clients: create, describe, update, list, delete (§2, §9, §12.3, §12.5)."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule

from conformance.calls import HarnessError, Unsupported
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import State, live_client_names, live_pool_ids
from conformance.oracle import facts as F

#: ExplicitAuthFlows a client may be created or updated with (None: unset) (§4, §12.3, §12.5).
FLOW_SETS = (
    None,
    ("ADMIN_NO_SRP_AUTH",),
    ("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
    ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
)
DEVICE_CONFIGURATIONS = (
    None,
    {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False},
    {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True},
)
MAX_POOLS = 2


class PoolsAndClients(CognitoMachine):
    """Pools (device tracking on or off) and their app clients (flows, secrets), created and changed."""

    pools = Bundle("pools")
    clients = Bundle("clients")

    def __init__(self, run: MachineRun, state: State) -> None:
        super().__init__(run, state)
        self.created_pools: list[str] = []
        #: every client's pool, kept after DeleteUserPoolClient so the deleted client can still be named.
        self.client_pools: dict[str, str] = {}

    @initialize(target=pools)
    def create_user_pool_to_begin(self):
        """Every example starts with a pool of its own."""
        return self.create_user_pool(None)

    @precondition(lambda self: len(self.created_pools) < MAX_POOLS)
    @rule(target=pools, device_configuration=st.sampled_from(DEVICE_CONFIGURATIONS))
    def create_user_pool(self, device_configuration):
        self.step_taken()
        params = {"PoolName": f"cc-{self.prefix}-pool{len(self.created_pools) + 1}"}
        if device_configuration:
            params["DeviceConfiguration"] = dict(device_configuration)
        created = self.perform("CreateUserPool", params)
        pool_ids = [p for p in self.state.created if p in self.state.pools]
        self.created_pools += pool_ids
        return multiple(*pool_ids) if created.ok else multiple()

    @rule(pool=pools)
    def describe_user_pool(self, pool: str):
        self.step_taken()
        self.perform("DescribeUserPool", {"UserPoolId": pool})

    @rule(pool=pools, device_configuration=st.sampled_from(DEVICE_CONFIGURATIONS))
    def update_user_pool(self, pool: str, device_configuration):
        """UpdateUserPool resets what it omits (§9): DeviceConfiguration included."""
        self.step_taken()
        params: dict = {"UserPoolId": pool}
        if device_configuration:
            params["DeviceConfiguration"] = dict(device_configuration)
        self.perform("UpdateUserPool", params)

    @rule(pool=pools)
    def delete_user_pool(self, pool: str):
        self.step_taken()
        self.perform("DeleteUserPool", {"UserPoolId": pool})

    @rule(max_results=st.sampled_from([7, 60]))
    def list_user_pools(self, max_results: int):
        """ListUserPools to exhaustion: every live pool of the example, each once (§9)."""
        self.step_taken()
        listed = self.paginate("ListUserPools", {"MaxResults": max_results}, "UserPools", token="NextToken")
        if listed is None:
            return
        ids = [p.get("Id") for p in listed if isinstance(p, dict)]
        mine = live_pool_ids(self.state)
        self.agree(
            len(ids) == len(set(ids)),
            operation="ListUserPools",
            check="pagination.no-duplicates",
            path="$.UserPools",
            expected="each pool once",
            actual=sorted(ids),
            fact=F.LIST_USER_POOLS,
        )
        self.agree(
            mine <= set(ids),
            operation="ListUserPools",
            check="pagination.union",
            path="$.UserPools",
            expected=f"includes {sorted(mine)}",
            actual=sorted(mine - set(ids)) or sorted(ids),
            fact=F.LIST_USER_POOLS,
        )

    @rule(target=clients, pool=pools, flows=st.sampled_from(FLOW_SETS), generate_secret=st.booleans())
    def create_user_pool_client(self, pool: str, flows, generate_secret: bool):
        self.step_taken()
        params: dict = {
            "UserPoolId": pool,
            "ClientName": f"{self.prefix}-client",
            "GenerateSecret": generate_secret,
        }
        if flows:
            params["ExplicitAuthFlows"] = list(flows)
        response = self.perform("CreateUserPoolClient", params)
        created = [c for c in self.state.created if c in self.state.clients]
        self.client_pools.update({c: pool for c in created})
        return multiple(*created) if response.ok else multiple()

    @rule(client=clients)
    def describe_user_pool_client(self, client: str):
        self.step_taken()
        self.perform("DescribeUserPoolClient", {"UserPoolId": self.client_pools[client], "ClientId": client})

    @rule(client=clients, flows=st.sampled_from(FLOW_SETS))
    def update_user_pool_client(self, client: str, flows):
        """UpdateUserPoolClient replaces every setting it is given and resets the others (§9)."""
        self.step_taken()
        known = self.state.clients.get(client)
        params: dict = {"UserPoolId": self.client_pools[client], "ClientId": client}
        if known is not None:
            params["ClientName"] = known.name
        if flows:
            params["ExplicitAuthFlows"] = list(flows)
        self.perform("UpdateUserPoolClient", params)

    @rule(client=clients)
    def delete_user_pool_client(self, client: str):
        """DeleteUserPoolClient; the oracle then refuses every later use of the client as unknown."""
        self.step_taken()
        self.perform("DeleteUserPoolClient", {"UserPoolId": self.client_pools[client], "ClientId": client})

    @rule(pool=pools, max_results=st.sampled_from([1, 60]))
    def list_user_pool_clients(self, pool: str, max_results: int):
        """ListUserPoolClients to exhaustion: exactly the pool's live clients, each once, by name."""
        self.step_taken()
        listed = self.paginate(
            "ListUserPoolClients",
            {"UserPoolId": pool, "MaxResults": max_results},
            "UserPoolClients",
            token="NextToken",
        )
        if listed is None:
            return
        found = {c.get("ClientId"): c.get("ClientName") for c in listed if isinstance(c, dict)}
        expected = live_client_names(self.state, pool)
        self.agree(
            len(found) == len(listed),
            operation="ListUserPoolClients",
            check="pagination.no-duplicates",
            path="$.UserPoolClients",
            expected="each client once",
            actual=sorted(str(c.get("ClientId")) for c in listed if isinstance(c, dict)),
            fact=F.LIST_CLIENTS,
        )
        self.agree(
            found == expected,
            operation="ListUserPoolClients",
            check="pagination.union",
            path="$.UserPoolClients",
            expected=sorted(expected.items()),
            actual=sorted((str(k), str(v)) for k, v in found.items()),
            fact=F.LIST_CLIENTS,
        )

    @invariant()
    def clients_belong_to_known_pools(self):
        """Every client the model holds names a pool the model knows."""
        for client in self.state.clients.values():
            assert client.pool_id in self.state.pools, f"{client.client_id} has no pool"

    def teardown(self) -> None:
        """Delete this example's pools, unobserved and left out of the reproducer."""
        logged = len(self.cognito.log.calls)
        observer, self.cognito.observer = self.cognito.observer, None
        try:
            for pool_id in self.created_pools:
                try:
                    self.cognito.delete_user_pool(UserPoolId=pool_id)
                except (Unsupported, HarnessError):
                    pass
        finally:
            self.cognito.observer = observer
            del self.cognito.log.calls[logged:]
