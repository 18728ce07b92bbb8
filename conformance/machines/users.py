"""The user lifecycle: create, set passwords, read, update and delete attributes, disable, enable,
delete, sign in, list (§6-§9; facts:attributes.*)."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, precondition, rule

from conformance.flows import AppClient, new_password
from conformance.machines.base import CognitoMachine, MachineRun
from conformance.oracle import State
from conformance.oracle import facts as F
from conformance.oracle.users import listing

GIVEN_NAMES = ("Ana", "Bo", "Bea")


class UserLifecycle(CognitoMachine):
    """Users of one pool, through every Admin* lifecycle operation and ListUsers (§8, §9)."""

    users = Bundle("users")

    def __init__(self, run: MachineRun, state: State, pool_id: str, client: AppClient) -> None:
        super().__init__(run, state)
        self.pool_id = pool_id
        self.client = client

    def _user(self, username: str):
        return self.state.user(self.pool_id, username)

    @initialize(target=users)
    def admin_create_users_to_begin(self):
        """Every example starts with two users unlike in every searchable way, so filters select."""
        first = self.admin_create_user(GIVEN_NAMES[0], True)
        second = self.admin_create_user(GIVEN_NAMES[1], False)
        return multiple(*[u for u in (first, second) if isinstance(u, str)])

    @precondition(lambda self: self.can_create_user())
    @rule(target=users, given_name=st.sampled_from(GIVEN_NAMES), with_email=st.booleans())
    def admin_create_user(self, given_name: str, with_email: bool):
        self.step_taken()
        username = self.new_username()
        attributes = [{"Name": "given_name", "Value": given_name}]
        if with_email:
            attributes.append({"Name": "email", "Value": f"{username}@example.com"})
        self.created_users.append((self.pool_id, username))
        created = self.perform(
            "AdminCreateUser",
            {
                "UserPoolId": self.pool_id,
                "Username": username,
                "TemporaryPassword": new_password(),
                "MessageAction": "SUPPRESS",
                "UserAttributes": attributes,
            },
        )
        return username if created.ok else multiple()

    @rule(user=users)
    def admin_create_user_with_a_taken_name(self, user: str):
        self.step_taken()
        self.perform(
            "AdminCreateUser",
            {
                "UserPoolId": self.pool_id,
                "Username": user,
                "TemporaryPassword": new_password(),
                "MessageAction": "SUPPRESS",
            },
        )

    @rule(user=users, permanent=st.booleans())
    def admin_set_user_password(self, user: str, permanent: bool):
        self.step_taken()
        self.perform(
            "AdminSetUserPassword",
            {
                "UserPoolId": self.pool_id,
                "Username": user,
                "Password": new_password(),
                "Permanent": permanent,
            },
        )

    @rule(user=users)
    def admin_get_user(self, user: str):
        self.step_taken()
        self.perform("AdminGetUser", {"UserPoolId": self.pool_id, "Username": user})

    @rule(user=users)
    def admin_disable_user(self, user: str):
        self.step_taken()
        self.perform("AdminDisableUser", {"UserPoolId": self.pool_id, "Username": user})

    @rule(user=users)
    def admin_enable_user(self, user: str):
        self.step_taken()
        self.perform("AdminEnableUser", {"UserPoolId": self.pool_id, "Username": user})

    @rule(user=users)
    def admin_delete_user(self, user: str):
        self.step_taken()
        self.perform("AdminDeleteUser", {"UserPoolId": self.pool_id, "Username": user})

    @rule(
        user=users,
        change=st.sampled_from(["given_name", "family_name", "blank", "email", "email-verified"]),
        given_name=st.sampled_from(GIVEN_NAMES),
    )
    def admin_update_user_attributes(self, user: str, change: str, given_name: str):
        """Write, delete (blank value) or change the e-mail, marked verified or not (facts:attributes.*)."""
        self.step_taken()
        attributes = {
            "given_name": [{"Name": "given_name", "Value": given_name}],
            "family_name": [{"Name": "family_name", "Value": f"{given_name}son"}],
            "blank": [{"Name": "given_name", "Value": ""}],
            "email": [{"Name": "email", "Value": f"{user}-new@example.com"}],
            "email-verified": [
                {"Name": "email", "Value": f"{user}-checked@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        }[change]
        self.perform(
            "AdminUpdateUserAttributes",
            {"UserPoolId": self.pool_id, "Username": user, "UserAttributes": attributes},
        )

    @rule(user=users, name=st.sampled_from(["given_name", "family_name"]))
    def admin_delete_user_attributes(self, user: str, name: str):
        self.step_taken()
        self.perform(
            "AdminDeleteUserAttributes",
            {"UserPoolId": self.pool_id, "Username": user, "UserAttributeNames": [name]},
        )

    @rule(user=users, right_password=st.booleans(), admin=st.booleans())
    def initiate_auth(self, user: str, right_password: bool, admin: bool):
        """A password sign-in: the status, the enabled flag and the password decide (§7, §8)."""
        self.step_taken()
        known = self._user(user)
        if known is not None and known.failed_attempts >= 3:
            right_password = True  # stay clear of the lockout (§3), whose timing the oracle can't see
        password = known.password if known is not None and right_password else new_password()
        parameters = self.client.auth_parameters(user, PASSWORD=password)
        self.password_sign_in(self.client, parameters, admin=admin)

    @rule(
        user=users,
        attribute=st.sampled_from(
            [
                "",
                "username=",
                "username^=",
                "email=",
                "email^=",
                "given_name=",
                "given_name^=",
                "sub=",
                "cognito:user_status=",
                "status=",
            ]
        ),
        limit=st.integers(min_value=1, max_value=3),
        attributes_to_get=st.booleans(),
    )
    def list_users(self, user: str, attribute: str, limit: int, attributes_to_get: bool):
        """ListUsers to exhaustion: each page at most Limit, the union exactly what the filter selects (§9)."""
        self.step_taken()
        known = self.state.users.get((self.pool_id, user))
        given = known.attributes.get("given_name", "Ana") if known else "Ana"
        values = {
            "username=": user,
            "username^=": self.prefix,
            "email=": f"{user}@example.com",
            "email^=": self.prefix,
            "given_name=": given,
            "given_name^=": given[:1],
            "sub=": (known.sub if known else None) or "00000000-0000-4000-8000-000000000000",
            "cognito:user_status=": known.status if known else "CONFIRMED",
            "status=": "Enabled" if known is None or known.enabled else "Disabled",
        }
        params: dict = {"UserPoolId": self.pool_id, "Limit": limit}
        if attribute:
            name, op = attribute.rstrip("^="), "^=" if attribute.endswith("^=") else "="
            params["Filter"] = f'{name} {op} "{values[attribute]}"'
        if attributes_to_get:
            params["AttributesToGet"] = ["given_name"]
        expected = listing(self.state, self.pool_id, params.get("Filter"))
        listed = self.paginate("ListUsers", params, "Users")
        if listed is None or expected is None:
            return
        names = [item.get("Username") for item in listed if isinstance(item, dict)]
        selected, fact = expected
        self.agree(
            len(names) == len(set(names)),
            operation="ListUsers",
            check="pagination.no-duplicates",
            path="$.Users",
            expected="each user once",
            actual=sorted(names),
            fact=F.LIST_USERS_NO_DUPLICATES,
        )
        self.agree(
            set(names) == set(selected),
            operation="ListUsers",
            check="pagination.union",
            path="$.Users",
            expected=sorted(selected),
            actual=sorted(set(names)),
            fact=fact,
        )

    @invariant()
    def disabled_users_hold_no_live_access_tokens(self):
        """§6 [BC]: AdminDisableUser revokes all access tokens, so the model must show none live."""
        for sign_in in self.state.sign_ins.values():
            user = self.state.users.get((sign_in.pool_id, sign_in.username))
            if user is not None and not user.enabled and user.in_sync:
                assert sign_in.access_revoked, f"{sign_in.handle} of disabled {user.username} is live"
