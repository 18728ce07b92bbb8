"""Groups and memberships: CreateGroup to DeleteGroup, GetGroup and UpdateGroup, the three listings,
and cognito:groups in the tokens.

The oracle (conformance/oracle/groups.py) predicts each call; after every listing and sign-in the
machine compares the whole (all pages, the token's claim) with what the oracle's state holds.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, multiple, precondition, rule

from conformance.calls import HarnessError, Unsupported
from conformance.crypto.tokens import MalformedToken, decode_unverified
from conformance.divergence import CheckKind
from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import State
from conformance.oracle.groups import groups_claim, groups_listing, members_listing, pool_groups

#: Two names, so that rules meet the same groups again (created, deleted, created anew).
NAMES = ("g1", "g2")
GROUP_NAMES = st.sampled_from(NAMES)
#: What UpdateGroup sets; None leaves the member out of the request (it keeps its value).
DESCRIPTIONS = st.none() | st.sampled_from(["first", "second"])
PRECEDENCES = st.none() | st.integers(min_value=0, max_value=3)


class GroupsAndMemberships(CognitoMachine):
    """Users joining and leaving groups that come and go; every listing and token agrees with the oracle."""

    kind = CheckKind.SEMANTICS
    users = Bundle("users")

    def __init__(self, run: MachineRun, state: State, pool_id: str, client: AppClient) -> None:
        super().__init__(run, state)
        self.pool_id = pool_id
        self.client = client

    def group(self, name: str) -> str:
        """This example's name for a group (examples share the pool, so each has its own groups)."""
        return f"{self.prefix}-{name}"

    @initialize(target=users)
    def admin_create_user_to_begin(self):
        """Every example starts with a confirmed user in group g1, so that a sign-in has a claim to check."""
        username = self.admin_create_user()
        if isinstance(username, str):
            self.create_group("g1")
            self.admin_add_user_to_group(username, "g1")
        return username

    @precondition(lambda self: self.can_create_user())
    @rule(target=users)
    def admin_create_user(self):
        self.step_taken()
        username = self.new_username()
        self.created_users.append((self.pool_id, username))
        created = self.perform(
            "AdminCreateUser",
            {
                "UserPoolId": self.pool_id,
                "Username": username,
                "TemporaryPassword": new_password(),
                "MessageAction": "SUPPRESS",
            },
        )
        if not created.ok:
            return multiple()
        self.perform(
            "AdminSetUserPassword",
            {"UserPoolId": self.pool_id, "Username": username, "Password": new_password(), "Permanent": True},
        )
        return username

    @rule(name=GROUP_NAMES)
    def create_group(self, name: str):
        self.step_taken()
        self.perform("CreateGroup", {"UserPoolId": self.pool_id, "GroupName": self.group(name)})

    @rule(name=GROUP_NAMES)
    def delete_group(self, name: str):
        self.step_taken()
        self.perform("DeleteGroup", {"UserPoolId": self.pool_id, "GroupName": self.group(name)})

    @rule(name=GROUP_NAMES)
    def get_group(self, name: str):
        """GetGroup: the group as created and updated; a deleted group is ResourceNotFoundException."""
        self.step_taken()
        self.perform("GetGroup", {"UserPoolId": self.pool_id, "GroupName": self.group(name)})

    @rule(name=GROUP_NAMES, description=DESCRIPTIONS, precedence=PRECEDENCES)
    def update_group(self, name: str, description: str | None, precedence: int | None):
        """UpdateGroup: what is given changes, what is left out keeps its value (GetGroup shows both)."""
        self.step_taken()
        params: dict[str, Any] = {"UserPoolId": self.pool_id, "GroupName": self.group(name)}
        if description is not None:
            params["Description"] = description
        if precedence is not None:
            params["Precedence"] = precedence
        self.perform("UpdateGroup", params)

    @rule()
    def list_groups(self):
        """ListGroups one group a page, to exhaustion: this example's groups among them are exactly its live
        groups (facts:groups.list-groups)."""
        self.step_taken()
        listed = self.paginate(
            "ListGroups", {"UserPoolId": self.pool_id, "Limit": 1}, "Groups", token="NextToken"
        )
        if listed is None:
            return
        # The pool is shared by the examples: groups another example left behind are not this one's.
        mine = [
            n for n in _names(listed, "GroupName") if isinstance(n, str) and n.startswith(f"{self.prefix}-")
        ]
        names, fact = pool_groups(self.state, self.pool_id)
        self._agree_union("ListGroups", "$.Groups", mine, names, fact)

    @rule(user=users, name=GROUP_NAMES)
    def admin_add_user_to_group(self, user: str, name: str):
        self.step_taken()
        self.perform(
            "AdminAddUserToGroup",
            {"UserPoolId": self.pool_id, "Username": user, "GroupName": self.group(name)},
        )

    @rule(user=users, name=GROUP_NAMES)
    def admin_remove_user_from_group(self, user: str, name: str):
        self.step_taken()
        self.perform(
            "AdminRemoveUserFromGroup",
            {"UserPoolId": self.pool_id, "Username": user, "GroupName": self.group(name)},
        )

    @rule(user=users)
    def admin_delete_user(self, user: str):
        """A deleted user leaves every listing; memberships of a name not in the pool are UserNotFound."""
        self.step_taken()
        self.perform("AdminDeleteUser", {"UserPoolId": self.pool_id, "Username": user})

    @rule(name=GROUP_NAMES)
    def list_users_in_group(self, name: str):
        """ListUsersInGroup to exhaustion: the union is exactly the group's members (facts:groups.membership)."""
        self.step_taken()
        group = self.group(name)
        expected = members_listing(self.state, self.pool_id, group)
        listed = self.paginate(
            "ListUsersInGroup", {"UserPoolId": self.pool_id, "GroupName": group}, "Users", token="NextToken"
        )
        if listed is None or expected is None:
            return
        self._agree_union("ListUsersInGroup", "$.Users", _names(listed, "Username"), *expected)

    @rule(user=users)
    def admin_list_groups_for_user(self, user: str):
        """AdminListGroupsForUser to exhaustion: the union is exactly the user's groups."""
        self.step_taken()
        expected = groups_listing(self.state, self.pool_id, user)
        listed = self.paginate(
            "AdminListGroupsForUser",
            {"UserPoolId": self.pool_id, "Username": user},
            "Groups",
            token="NextToken",
        )
        if listed is None or expected is None:
            return
        self._agree_union("AdminListGroupsForUser", "$.Groups", _names(listed, "GroupName"), *expected)

    @rule(user=users)
    def initiate_auth(self, user: str):
        """A sign-in: the access token's cognito:groups names exactly the user's groups (facts:groups.token-claims)."""
        self.step_taken()
        known = self.state.user(self.pool_id, user)
        expected = groups_claim(self.state, self.pool_id, user)
        parameters = self.client.auth_parameters(user, PASSWORD=known.password if known else new_password())
        response = self.password_sign_in(self.client, parameters, admin=False)
        if not response.ok or expected is None or not isinstance(response.body, dict):
            return
        token = (response.body.get("AuthenticationResult") or {}).get("AccessToken")
        try:
            _, claims = decode_unverified(token)
        except MalformedToken:
            return  # the token checks of the suite report a malformed token; nothing to compare here
        names, fact = expected
        claim = claims.get("cognito:groups")
        actual = sorted(claim) if isinstance(claim, list) else claim
        returned = (
            "none" if claim is None else (f"{len(claim)} names" if isinstance(claim, list) else "a non-list")
        )
        self.agree(
            (claim is None and not names) or (isinstance(claim, list) and set(claim) == names),
            operation="InitiateAuth",
            check="claims.groups",
            # The counts, not the names (they change from run to run), name the difference in the key.
            path=f"$.AuthenticationResult.AccessToken cognito:groups expected {len(names)} names returned {returned}",
            expected=sorted(names) if names else None,
            actual=actual,
            fact=fact,
        )

    def teardown(self) -> None:
        """Delete this example's users, then its groups (unobserved), so that the pool's listing stays short."""
        super().teardown()
        logged = len(self.cognito.log.calls)
        observer, self.cognito.observer = self.cognito.observer, None
        try:
            # Every name the example may have used: a group the oracle lost track of goes too.
            for name in NAMES:
                try:
                    self.cognito.delete_group(UserPoolId=self.pool_id, GroupName=self.group(name))
                except (Unsupported, HarnessError):
                    pass
        finally:
            self.cognito.observer = observer
            del self.cognito.log.calls[logged:]

    def _agree_union(
        self, operation: str, path: str, names: list[Any], expected: frozenset[str], fact
    ) -> None:
        self.agree(
            len(names) == len(set(names)) and set(names) == expected,
            operation=operation,
            check="pagination.union",
            # The counts, not the names (they change from run to run), name the difference in the key.
            path=f"{path} expected {len(expected)} items returned {len(names)} items",
            expected=sorted(expected),
            actual=sorted(str(n) for n in names),
            fact=fact,
        )


def _names(items: list[Any], key: str) -> list[Any]:
    return [item.get(key) for item in items if isinstance(item, dict)]
