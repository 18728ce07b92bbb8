"""App clients: create, describe, update, list, delete (docs/facts.md §9, §12.3, §12.5).

Run a subset: ``pytest conformance/suite/test_clients.py -k secret --endpoint=moto``.
"""

from __future__ import annotations

import pytest

from conformance.facts import fact
from conformance.fixtures import unique_name

pytestmark = pytest.mark.kind("semantics")

CLIENT_ID = fact("clients.id-format")
SECRET_ONLY_WHEN_GENERATED = fact("clients.secret-only-when-generated")
SECRET_FORM = fact("clients.secret-form")
CLIENT_DEFAULTS = fact("clients.client-defaults")
NO_IMPLICIT_FLOWS = fact("clients.no-implicit-flows")
LEGACY_FLOWS_VERBATIM = fact("clients.legacy-flows-verbatim")
UPDATE_RESETS = fact("clients.update-resets")
UNKNOWN_CLIENT = fact("clients.unknown-client")
UNKNOWN_POOL = fact("pools.unknown-pool")
SECRET_AND_GENERATE = fact("clients.secret-and-generate")
DELETE_CLIENT = fact("clients.delete-client")
LIST_CLIENTS = fact("clients.list-clients")
SECRET_AND_GENERATE_TEXT = fact("clients.secret-and-generate-text")
#: What a failed pool creation rests on (the fixture's set-up step, not the client facts under test).
POOL_SETUP = fact("pools.setup")


@pytest.fixture
def pool_id(make_user_pool, check):
    created = make_user_pool()
    if not check.succeeded(created, POOL_SETUP, note="creating the pool the client belongs to"):
        # The session records the failure once for the run and blocks the test (set-up, not its fault).
        pytest.skip("could not create a user pool")
    return created.body["UserPool"]["Id"]


@pytest.mark.fact(CLIENT_ID)
def test_create_user_pool_client_returns_id_in_aws_format(cognito, check, pool_id):
    """§9: ClientId is 26 characters of ``[a-z0-9]``; the response echoes ClientName and UserPoolId."""
    name = unique_name("client")
    created = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=name)
    if not check.succeeded(created, CLIENT_ID):
        return
    check.matches(created, "$.UserPoolClient.ClientId", r"[a-z0-9]{26}", CLIENT_ID)
    check.equal(created, "$.UserPoolClient.ClientName", name, CLIENT_ID, check="echo")
    check.equal(created, "$.UserPoolClient.UserPoolId", pool_id, CLIENT_ID, check="echo")
    check.present(created, "$.UserPoolClient.CreationDate", CLIENT_ID)
    check.present(created, "$.UserPoolClient.LastModifiedDate", CLIENT_ID)


@pytest.mark.fact(SECRET_ONLY_WHEN_GENERATED)
def test_client_without_generate_secret_has_no_secret(cognito, check, pool_id):
    """§9: ClientSecret is present only when GenerateSecret=true (create and describe)."""
    created = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=unique_name("client"))
    if not check.succeeded(created, SECRET_ONLY_WHEN_GENERATED):
        return
    check.absent(created, "$.UserPoolClient.ClientSecret", SECRET_ONLY_WHEN_GENERATED)
    described = cognito.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=check.read(created, "$.UserPoolClient.ClientId", str)
    )
    if check.succeeded(described, SECRET_ONLY_WHEN_GENERATED):
        check.absent(described, "$.UserPoolClient.ClientSecret", SECRET_ONLY_WHEN_GENERATED)


@pytest.mark.fact(SECRET_ONLY_WHEN_GENERATED)
def test_client_with_generate_secret_returns_secret(cognito, check, pool_id):
    """§9: GenerateSecret=true gives a ClientSecret in create and describe."""
    created = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=unique_name("client"), GenerateSecret=True
    )
    if not check.succeeded(created, SECRET_ONLY_WHEN_GENERATED):
        return
    if check.present(created, "$.UserPoolClient.ClientSecret", SECRET_ONLY_WHEN_GENERATED):
        check.matches(created, "$.UserPoolClient.ClientSecret", r"[\w+]{24,64}", SECRET_FORM)
    described = cognito.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=check.read(created, "$.UserPoolClient.ClientId", str)
    )
    if check.succeeded(described, SECRET_ONLY_WHEN_GENERATED):
        check.equal(
            described,
            "$.UserPoolClient.ClientSecret",
            check.read(created, "$.UserPoolClient.ClientSecret", str, default=None),
            SECRET_ONLY_WHEN_GENERATED,
            check="echo",
        )


@pytest.mark.fact(CLIENT_DEFAULTS)
def test_describe_user_pool_client_returns_what_was_created(cognito, check, pool_id):
    """§12.5: a client created with a name and ``ADMIN_NO_SRP_AUTH`` describes with AWS's settled defaults."""
    created = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=unique_name("client"), ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]
    )
    if not check.succeeded(created, CLIENT_DEFAULTS):
        return
    described = cognito.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=check.read(created, "$.UserPoolClient.ClientId", str)
    )
    if not check.succeeded(described, CLIENT_DEFAULTS):
        return
    client = "$.UserPoolClient"
    check.equal(
        described, f"{client}.ExplicitAuthFlows", ["ADMIN_NO_SRP_AUTH"], LEGACY_FLOWS_VERBATIM, check="echo"
    )
    check.equal(described, f"{client}.AuthSessionValidity", 3, CLIENT_DEFAULTS, check="default")
    check.equal(described, f"{client}.RefreshTokenValidity", 30, CLIENT_DEFAULTS, check="default")
    check.equal(described, f"{client}.EnableTokenRevocation", True, CLIENT_DEFAULTS, check="default")
    check.equal(
        described,
        f"{client}.EnablePropagateAdditionalUserContextData",
        False,
        CLIENT_DEFAULTS,
        check="default",
    )
    check.equal(
        described, f"{client}.AllowedOAuthFlowsUserPoolClient", False, CLIENT_DEFAULTS, check="default"
    )
    for member in (
        "AccessTokenValidity",
        "IdTokenValidity",
        "PreventUserExistenceErrors",
        "TokenValidityUnits",
        "ClientSecret",
    ):
        check.absent(described, f"{client}.{member}", CLIENT_DEFAULTS)


@pytest.mark.fact(NO_IMPLICIT_FLOWS)
def test_client_created_without_flows_lists_none(cognito, check, pool_id):
    """§12.5: without ExplicitAuthFlows, describe returns none (the implicit defaults are not materialised)."""
    created = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=unique_name("client"))
    if not check.succeeded(created, NO_IMPLICIT_FLOWS):
        return
    described = cognito.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=check.read(created, "$.UserPoolClient.ClientId", str)
    )
    if check.succeeded(described, NO_IMPLICIT_FLOWS):
        check.absent(described, "$.UserPoolClient.ExplicitAuthFlows", NO_IMPLICIT_FLOWS)


@pytest.mark.fact(UPDATE_RESETS)
def test_update_user_pool_client_resets_omitted_settings(cognito, check, pool_id):
    """§9: UpdateUserPoolClient resets what the request omits (here RefreshTokenValidity back to 30)."""
    created = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=unique_name("client"), RefreshTokenValidity=10
    )
    if not check.succeeded(created, UPDATE_RESETS):
        return
    client_id = check.read(created, "$.UserPoolClient.ClientId", str)
    renamed = unique_name("renamed")
    updated = cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, ClientName=renamed)
    if not check.succeeded(updated, UPDATE_RESETS):
        return
    check.equal(updated, "$.UserPoolClient.ClientName", renamed, UPDATE_RESETS, check="update.applied")
    described = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    if check.succeeded(described, UPDATE_RESETS):
        check.equal(
            described,
            "$.UserPoolClient.RefreshTokenValidity",
            30,
            UPDATE_RESETS,
            check="update.resets-omitted",
        )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_CLIENT)
def test_describe_unknown_client_is_resource_not_found(cognito, check, pool_id):
    """§7: an unknown ClientId gives ResourceNotFoundException "User pool client <clientId> does not exist."."""
    client_id = "0" * 26
    described = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    check.error(
        described,
        "ResourceNotFoundException",
        UNKNOWN_CLIENT,
        message=f"User pool client {client_id} does not exist.",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_POOL)
def test_create_client_in_unknown_pool_is_resource_not_found(cognito, check, endpoint):
    """§7: a client in an unknown pool gives ResourceNotFoundException "User pool <poolId> does not exist."."""
    pool_id = f"{endpoint.region}_NoSuchPl0"
    created = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=unique_name("client"))
    check.error(
        created, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {pool_id} does not exist."
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(SECRET_AND_GENERATE)
def test_custom_secret_with_generate_secret_is_invalid(cognito, check, pool_id):
    """§9: a custom ClientSecret together with GenerateSecret=true is an InvalidParameterException."""
    created = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName=unique_name("client"), GenerateSecret=True, ClientSecret="s" * 32
    )
    check.error(created, "InvalidParameterException", SECRET_AND_GENERATE)


MIXED_FLOWS = fact("clients.mixed-flows-refused")
MIXED_FLOWS_TEXT = fact("clients.mixed-flows-text")


@pytest.mark.kind("errors")
@pytest.mark.parametrize("operation", ["create", "update"])
@pytest.mark.fact(MIXED_FLOWS)
def test_mixed_legacy_and_allow_flows_are_refused(cognito, check, pool_id, operation):
    """§4: legacy ExplicitAuthFlows values can't be combined with ALLOW_ ones, at create or update."""
    mixed = ["ADMIN_NO_SRP_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    if operation == "create":
        answer = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName=unique_name("client"), ExplicitAuthFlows=mixed
        )
    else:
        created = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=unique_name("client"))
        if not check.succeeded(created, CLIENT_ID, note="creating the client to update"):
            return
        answer = cognito.update_user_pool_client(
            UserPoolId=pool_id, ClientId=created.body["UserPoolClient"]["ClientId"], ExplicitAuthFlows=mixed
        )
    # The text is not known (§12.3): only the code is checked.
    check.error(answer, "InvalidParameterException", MIXED_FLOWS, note=MIXED_FLOWS_TEXT.statement)


@pytest.mark.kind("errors")
@pytest.mark.parametrize("unknown", ["pool", "client"])
@pytest.mark.fact(UNKNOWN_CLIENT)
def test_update_user_pool_client_of_unknown_pool_or_client_is_refused(
    cognito, check, endpoint, pool_id, unknown
):
    """§7: UpdateUserPoolClient in an unknown pool, or of an unknown client, is ResourceNotFoundException."""
    if unknown == "pool":
        missing_pool = f"{endpoint.region}_NoSuchPl0"
        answer = cognito.update_user_pool_client(UserPoolId=missing_pool, ClientId="0" * 26)
        check.error(
            answer,
            "ResourceNotFoundException",
            UNKNOWN_POOL,
            message=f"User pool {missing_pool} does not exist.",
        )
    else:
        client_id = "0" * 26
        answer = cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
        check.error(
            answer,
            "ResourceNotFoundException",
            UNKNOWN_CLIENT,
            message=f"User pool client {client_id} does not exist.",
        )


@pytest.mark.fact(DELETE_CLIENT)
def test_delete_user_pool_client_removes_the_client(cognito, check, pool_id):
    """DeleteUserPoolClient answers an empty result; the client is then unknown to
    DescribeUserPoolClient and to a second DeleteUserPoolClient (API reference)."""
    created = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=unique_name("client"))
    if not check.succeeded(created, DELETE_CLIENT, note="creating the client to delete"):
        return
    client_id = check.read(created, "$.UserPoolClient.ClientId", str)
    if client_id is None:
        return
    deleted = cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    if not check.succeeded(deleted, DELETE_CLIENT):
        return
    check.equal(deleted, "$", {}, DELETE_CLIENT, check="empty-result")
    gone = f"User pool client {client_id} does not exist."
    described = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    check.error(
        described, "ResourceNotFoundException", DELETE_CLIENT, message=gone, message_fact=UNKNOWN_CLIENT
    )
    again = cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    check.error(again, "ResourceNotFoundException", DELETE_CLIENT, message=gone, message_fact=UNKNOWN_CLIENT)


@pytest.mark.fact(LIST_CLIENTS)
def test_list_user_pool_clients_pages_to_exhaustion(cognito, check, pool_id):
    """ListUserPoolClients with MaxResults=1, following NextToken: each page within the limit, every
    client once, each item a UserPoolClientDescription (ClientId, UserPoolId, ClientName)."""
    mine: dict[str, str] = {}
    for _ in range(3):
        name = unique_name("client")
        created = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName=name)
        client_id = check.read(created, "$.UserPoolClient.ClientId", str) if created.ok else None
        if client_id is None:
            check.succeeded(created, LIST_CLIENTS, note="creating the clients to list")
            return
        mine[client_id] = name
    seen: list[dict] = []
    token = None
    for _ in range(20):  # bounded: a server that never stops paging is a divergence, not a hang
        page = cognito.list_user_pool_clients(
            UserPoolId=pool_id, MaxResults=1, **({"NextToken": token} if token else {})
        )
        if not check.succeeded(page, LIST_CLIENTS):
            return
        items = check.read(page, "$.UserPoolClients", list, default=[], items=dict)
        check.that(
            len(items) <= 1,
            operation="ListUserPoolClients",
            check="pagination.page-size",
            path="$.UserPoolClients",
            expected="at most MaxResults (1) items",
            actual=len(items),
            fact=LIST_CLIENTS,
            evidence=page.exchange,
        )
        seen.extend(items)
        token = check.read(page, "$.NextToken", str, default=None)
        if not token:
            break
    listed = {str(item.get("ClientId")): item for item in seen}
    check.that(
        sorted(listed) == sorted(mine) and len(seen) == len(mine),
        operation="ListUserPoolClients",
        check="pagination.complete",
        path="$.UserPoolClients[*].ClientId",
        expected=sorted(mine),
        actual=sorted(str(item.get("ClientId")) for item in seen),
        fact=LIST_CLIENTS,
        note="three clients created, then listed with MaxResults=1 following NextToken to the end",
    )
    for client_id, item in listed.items():
        if client_id in mine:
            check.that(
                item == {"ClientId": client_id, "UserPoolId": pool_id, "ClientName": mine[client_id]},
                operation="ListUserPoolClients",
                check="list.items",
                path="$.UserPoolClients[*]",
                expected={"ClientId": client_id, "UserPoolId": pool_id, "ClientName": mine[client_id]},
                actual=item,
                fact=LIST_CLIENTS,
            )


@pytest.mark.kind("errors")
@pytest.mark.parametrize("operation", ["ListUserPoolClients", "DeleteUserPoolClient"])
@pytest.mark.fact(UNKNOWN_POOL)
def test_client_operations_in_unknown_pool_are_resource_not_found(cognito, check, endpoint, operation):
    """ListUserPoolClients and DeleteUserPoolClient in an unknown pool: ResourceNotFoundException
    "User pool <poolId> does not exist." (§7)."""
    missing_pool = f"{endpoint.region}_NoSuchPl0"
    params = {"UserPoolId": missing_pool, "MaxResults": 10}
    if operation == "DeleteUserPoolClient":
        params = {"UserPoolId": missing_pool, "ClientId": "0" * 26}
    answer = cognito.call(operation, params)
    check.error(
        answer, "ResourceNotFoundException", UNKNOWN_POOL, message=f"User pool {missing_pool} does not exist."
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(UNKNOWN_CLIENT)
def test_delete_unknown_client_is_resource_not_found(cognito, check, pool_id):
    """DeleteUserPoolClient of a client the pool does not have: ResourceNotFoundException (§7)."""
    client_id = "0" * 26
    answer = cognito.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    check.error(
        answer,
        "ResourceNotFoundException",
        UNKNOWN_CLIENT,
        message=f"User pool client {client_id} does not exist.",
    )
