"""Groups: CreateGroup to DeleteGroup, memberships, and the group claims of a member's tokens.

Facts: ``groups.*`` in the catalogue (docs/facts.md, "Groups"). A group belongs to one pool and is
named uniquely in it; its members are users of that pool. Memberships are kept by ``sub`` rather
than by username: a user deleted and created again under the same name is a new user, in no group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conformance.reference.errors import CognitoError, resource_not_found
from conformance.reference.service.common import ServiceBase, aws_timestamp
from conformance.reference.state import Pool, User

#: The largest Limit the group lists accept (QueryLimitType in the service model, facts:groups.list-limit).
MAX_LIMIT = 60


@dataclass
class Group:
    """A group of a pool (GroupType) and the subs of its members."""

    name: str
    pool_id: str
    created: float
    modified: float
    description: str | None = None
    role_arn: str | None = None
    precedence: int | None = None
    members: set[str] = field(default_factory=set)


def _precedence_key(group: Group) -> tuple[int, int]:
    # facts:groups.precedence: a lower value takes precedence over higher and null values.
    return (1, 0) if group.precedence is None else (0, group.precedence)


class GroupsMixin(ServiceBase):
    """The group operations; ``group_claims`` gives the token claims of a user's groups."""

    OPERATIONS: tuple[str, ...] = (
        "CreateGroup",
        "GetGroup",
        "ListGroups",
        "UpdateGroup",
        "DeleteGroup",
        "AdminAddUserToGroup",
        "AdminRemoveUserFromGroup",
        "AdminListGroupsForUser",
        "ListUsersInGroup",
    )

    def reset(self) -> None:
        super().reset()
        #: pool id -> group name -> Group. Kept beside the pools so a deleted pool's groups go unseen
        #: (every lookup starts from an existing pool; pool ids are never reused).
        self.groups: dict[str, dict[str, Group]] = {}

    def _pool_groups(self, pool: Pool) -> dict[str, Group]:
        return self.groups.setdefault(pool.pool_id, {})

    def _group(self, pool: Pool, name: str) -> Group:
        found = self._pool_groups(pool).get(name)
        if found is None:
            # facts:groups.unknown-group: ResourceNotFoundException; the text is UNVERIFIED.
            raise resource_not_found("Group not found.")
        return found

    @staticmethod
    def group_record(group: Group) -> dict[str, Any]:
        """A GroupType: the optional members only when set (facts:groups.group-type)."""
        record: dict[str, Any] = {"GroupName": group.name, "UserPoolId": group.pool_id}
        if group.description is not None:
            record["Description"] = group.description
        if group.role_arn is not None:
            record["RoleArn"] = group.role_arn
        if group.precedence is not None:
            record["Precedence"] = group.precedence
        record["LastModifiedDate"] = aws_timestamp(group.modified)
        record["CreationDate"] = aws_timestamp(group.created)
        return record

    def groups_of(self, pool: Pool, user: User) -> list[Group]:
        """The user's groups, in precedence order (lowest value first, null last, then by name)."""
        mine = [g for g in self._pool_groups(pool).values() if user.sub in g.members]
        return sorted(mine, key=lambda g: (_precedence_key(g), g.name))

    def group_claims(self, pool: Pool, user: User, *, roles: bool) -> dict[str, Any]:
        """``cognito:groups`` for a member of any group; with ``roles``, the ID token's role claims.

        facts:groups.token-claims: both tokens list the groups; the ID token also lists the groups'
        roles (``cognito:roles``) and the preferred one (``cognito:preferred_role``), the role of the
        group of lowest precedence, left out when groups of that same precedence name other roles
        (facts:groups.precedence). The order of ``cognito:groups`` is UNVERIFIED; the reference
        lists them in precedence order.
        """
        mine = self.groups_of(pool, user)
        if not mine:
            return {}
        claims: dict[str, Any] = {"cognito:groups": [g.name for g in mine]}
        if not roles:
            return claims
        arns = list(dict.fromkeys(g.role_arn for g in mine if g.role_arn))
        if arns:
            claims["cognito:roles"] = arns
            ranked = [g for g in mine if g.role_arn]
            best = _precedence_key(ranked[0])
            tied = {g.role_arn for g in ranked if _precedence_key(g) == best}
            if len(tied) == 1 and best[0] == 0:
                claims["cognito:preferred_role"] = ranked[0].role_arn
        return claims

    @staticmethod
    def _settings(req: dict[str, Any]) -> dict[str, Any]:
        precedence = req.get("Precedence")
        if precedence is not None and precedence < 0:
            # The service model's PrecedenceType has min 0 (the schema check refuses it before us).
            raise CognitoError("InvalidParameterException", "Precedence must be 0 or more.")
        return {
            "description": req.get("Description"),
            "role_arn": req.get("RoleArn"),
            "precedence": precedence,
        }

    def create_group(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        groups = self._pool_groups(pool)
        name = req["GroupName"]
        if name in groups:
            # facts:groups.group-exists; the text is UNVERIFIED.
            raise CognitoError("GroupExistsException", "A group with the name already exists.")
        now = self.clock.now()
        group = Group(name=name, pool_id=pool.pool_id, created=now, modified=now, **self._settings(req))
        groups[name] = group
        return {"Group": self.group_record(group)}

    def get_group(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        return {"Group": self.group_record(self._group(pool, req["GroupName"]))}

    def _list_page(
        self, scope: tuple[Any, ...], items: list[Any], req: dict[str, Any]
    ) -> tuple[list[Any], str | None]:
        # The default page size is UNVERIFIED; the reference uses the largest Limit (60), as ListUsers.
        return self._page(scope, items, req.get("NextToken"), self.page_size(req.get("Limit"), MAX_LIMIT))

    def list_groups(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        # The listing order is UNVERIFIED; the reference lists groups in creation order.
        page, token = self._list_page(("groups", pool.pool_id), list(self._pool_groups(pool).values()), req)
        result: dict[str, Any] = {"Groups": [self.group_record(g) for g in page]}
        if token:
            result["NextToken"] = token
        return result

    def update_group(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        group = self._group(pool, req["GroupName"])
        # facts:groups.update-keeps-unset: a member the request leaves out keeps its value.
        for key, value in self._settings(req).items():
            if value is not None:
                setattr(group, key, value)
        group.modified = self.clock.now()
        return {"Group": self.group_record(group)}

    def delete_group(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        group = self._group(pool, req["GroupName"])
        del self._pool_groups(pool)[group.name]
        return {}

    def _member_and_group(self, req: dict[str, Any]) -> tuple[Pool, User, Group]:
        pool = self.pool(req["UserPoolId"])
        # facts:groups.unknown-user: an unknown user is UserNotFoundException; the user is looked up
        # before the group (UNVERIFIED order when both are unknown).
        user = self.admin_user(pool, req["Username"])
        return pool, user, self._group(pool, req["GroupName"])

    def admin_add_user_to_group(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user, group = self._member_and_group(req)
        # Adding a member twice is not an error (facts:groups.add-idempotent).
        group.members.add(user.sub)
        return {}

    def admin_remove_user_from_group(self, req: dict[str, Any]) -> dict[str, Any]:
        _, user, group = self._member_and_group(req)
        group.members.discard(user.sub)
        return {}

    def admin_list_groups_for_user(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        user = self.admin_user(pool, req["Username"])
        page, token = self._list_page(
            ("user-groups", pool.pool_id, user.sub), self.groups_of(pool, user), req
        )
        result: dict[str, Any] = {"Groups": [self.group_record(g) for g in page]}
        if token:
            result["NextToken"] = token
        return result

    def list_users_in_group(self, req: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool(req["UserPoolId"])
        group = self._group(pool, req["GroupName"])
        members = [u for u in pool.users.values() if u.sub in group.members]
        page, token = self._list_page(("group-users", pool.pool_id, group.name), members, req)
        result: dict[str, Any] = {"Users": [self.user_record(u) for u in page]}
        if token:
            result["NextToken"] = token
        return result
