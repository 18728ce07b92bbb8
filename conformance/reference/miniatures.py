"""Deliberately wrong references: proof that every kind of check can fail.

Each miniature is the reference with exactly one behaviour broken, after bowtie's ``miniatures``.
``pytest --endpoint=miniature:NAME`` (or ``--endpoint=reference:miniature=NAME``) runs the suite
against it, and the self-tests assert that the suite reports the divergence with the check named in
``detects``. This module is data only: what is broken and how. ``conformance.endpoints.reference``
builds the endpoint from it: behaviour-level breaks (``hooks``) override one hook of the reference
service; response-level breaks (``mutate``) rewrite the raw answer before botocore parses it
(``before-parse``), so the harness sees exactly what a wrong server would have sent.

Adding a miniature is one registration: ``@miniature(...)`` on a response mutation, or one
``behaviour(...)`` call naming the hook it replaces.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.crypto.srp import N_HEX
from conformance.reference.service import CognitoService

#: (operation, response_dict) -> None; edits status_code / headers / body in place.
Mutation = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class Miniature:
    name: str
    #: what is broken, in one sentence.
    broken: str
    #: the check (Divergence.check, or an outcome) the suite must report on it.
    detects: str
    #: a test (file::name) that must report it.
    test: str
    #: a response-level break (rewrites the raw answer), or None.
    mutate: Mutation | None = None
    #: a behaviour-level break: reference service hook name -> replacement method.
    hooks: dict[str, Callable[..., Any]] | None = None
    #: the check rests on an UNVERIFIED fact: the suite reports it without failing the run.
    soft: bool = False


MINIATURES: dict[str, Miniature] = {}


def miniature(
    name: str, broken: str, detects: str, test: str, *, soft: bool = False
) -> Callable[[Mutation], Mutation]:
    """Register the decorated response mutation as a miniature."""

    def register(mutate: Mutation) -> Mutation:
        MINIATURES[name] = Miniature(name, broken, detects, test, mutate=mutate, soft=soft)
        return mutate

    return register


def _set_header(response: dict[str, Any], name: str, value: str | None) -> None:
    headers = response["headers"]
    for key in [k for k in headers if k.lower() == name.lower()]:
        del headers[key]
    if value is not None:
        headers[name] = value


def _json(response: dict[str, Any]) -> Any:
    try:
        return json.loads(response["body"] or b"{}")
    except ValueError:
        return None


def _put_json(response: dict[str, Any], body: Any) -> None:
    response["body"] = json.dumps(body).encode()


@miniature(
    "wrong-content-type",
    "answers with Content-Type application/json",
    "wire.content-type",
    "test_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _wrong_content_type(operation: str, response: dict[str, Any]) -> None:
    _set_header(response, "Content-Type", "application/json")


@miniature(
    "no-request-id",
    "sends no x-amzn-RequestId header",
    "wire.request-id",
    "test_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _no_request_id(operation: str, response: dict[str, Any]) -> None:
    _set_header(response, "x-amzn-RequestId", None)


@miniature(
    "not-authorized-as-403",
    "answers client errors with HTTP 403",
    "wire.error-status",
    "test_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _error_403(operation: str, response: dict[str, Any]) -> None:
    if response["status_code"] == 400:
        response["status_code"] = 403


@miniature(
    "error-without-type",
    "error bodies carry no __type",
    "wire.error-body",
    "test_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _error_without_type(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if response["status_code"] >= 400 and isinstance(body, dict):
        body.pop("__type", None)
        _put_json(response, body)


@miniature(
    "error-header-missing",
    "errors lack the x-amzn-ErrorType header",
    "wire.error-header",
    "test_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _error_header_missing(operation: str, response: dict[str, Any]) -> None:
    if response["status_code"] >= 400:
        _set_header(response, "x-amzn-ErrorType", None)


@miniature(
    "timestamps-as-strings",
    "renders timestamps as ISO 8601 strings",
    "wire.timestamp",
    "test_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _timestamps_as_strings(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if isinstance(body, dict) and isinstance(body.get("UserPool"), dict):
        body["UserPool"]["CreationDate"] = "2026-01-01T00:00:00Z"
        _put_json(response, body)


@miniature(
    "pool-id-wrong-format",
    "gives user pools ids without the region prefix",
    "format",
    "test_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _pool_id_wrong_format(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation == "CreateUserPool" and isinstance(body, dict) and "UserPool" in body:
        body["UserPool"]["Id"] = body["UserPool"]["Id"].split("_", 1)[-1]
        _put_json(response, body)


@miniature(
    "secret-without-generate",
    "returns a ClientSecret for clients created without GenerateSecret",
    "member.absent",
    "test_clients.py::test_client_without_generate_secret_has_no_secret",
)
def _secret_without_generate(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation in ("CreateUserPoolClient", "DescribeUserPoolClient") and isinstance(body, dict):
        client = body.get("UserPoolClient")
        if isinstance(client, dict) and "ClientSecret" not in client:
            client["ClientSecret"] = "x" * 51
            _put_json(response, body)


@miniature(
    "wrong-error-code",
    "answers unknown pools with InvalidParameterException",
    "error.code",
    "test_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _wrong_error_code(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if isinstance(body, dict) and str(body.get("__type", "")).endswith("ResourceNotFoundException"):
        body["__type"] = "InvalidParameterException"
        _set_header(response, "x-amzn-ErrorType", "InvalidParameterException:")
        _put_json(response, body)


@miniature(
    "wrong-error-message",
    "words the unknown-pool message differently",
    "error.message",
    "test_pools.py::test_describe_unknown_user_pool_is_resource_not_found",
)
def _wrong_error_message(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if isinstance(body, dict) and str(body.get("__type", "")).endswith("ResourceNotFoundException"):
        body["message"] = "Pool not found"
        _put_json(response, body)


@miniature(
    "extra-member",
    "adds an undocumented member to DescribeUserPool",
    "schema.additional-property",
    "test_pools.py::test_describe_user_pool_returns_documented_defaults",
)
def _extra_member(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation == "DescribeUserPool" and isinstance(body, dict) and "UserPool" in body:
        body["UserPool"]["InternalShard"] = "a"
        _put_json(response, body)


@miniature(
    "pagination-truncated",
    "ends ListUserPools after the first page (no NextToken)",
    "pagination.complete",
    "test_pools.py::test_list_user_pools_pages_to_exhaustion",
)
def _pagination_truncated(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation == "ListUserPools" and isinstance(body, dict) and "NextToken" in body:
        del body["NextToken"]
        _put_json(response, body)


@miniature(
    "describe-client-unimplemented",
    "answers DescribeUserPoolClient with an HTML 500 page",
    "unsupported",
    "test_clients.py::test_describe_user_pool_client_returns_what_was_created",
)
def _describe_client_unimplemented(operation: str, response: dict[str, Any]) -> None:
    if operation == "DescribeUserPoolClient":
        response["status_code"] = 500
        _set_header(response, "Content-Type", "text/html")
        response["body"] = b"<html><body>Not yet implemented</body></html>"


@miniature(
    "client-list-full-objects",
    "lists app clients as whole UserPoolClientType objects instead of UserPoolClientDescription items",
    "list.items",
    "test_clients.py::test_list_user_pool_clients_pages_to_exhaustion",
)
def _client_list_full_objects(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation == "ListUserPoolClients" and isinstance(body, dict):
        for item in body.get("UserPoolClients") or []:
            item["AllowedOAuthFlowsUserPoolClient"] = False
        _put_json(response, body)


@miniature(
    "deletes-protected-pool",
    "answers DeleteUserPool with success when the pool's deletion protection refuses it",
    "error.code",
    "test_pools.py::test_delete_of_a_protected_pool_is_refused_and_the_pool_stays",
)
def _deletes_protected_pool(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if (
        operation == "DeleteUserPool"
        and isinstance(body, dict)
        and "InvalidParameter" in str(body.get("__type"))
    ):
        response["status_code"] = 200
        _set_header(response, "x-amzn-ErrorType", None)
        _put_json(response, {})


def behaviour(
    name: str, broken: str, detects: str, test: str, *, soft: bool = False, **hooks: Callable[..., Any]
) -> None:
    """Register a reference whose service overrides one hook (conformance.reference.service.HOOKS)."""
    MINIATURES[name] = Miniature(name, broken, detects, test, hooks=hooks, soft=soft)


def _accept_any_password(self: Any, user: Any, password: str) -> bool:
    return user.password is not None


def _do_nothing(self: Any, *args: Any, **kwargs: Any) -> None:
    return None


def _rotate_refresh_token(self: Any) -> bool:
    return True


def _ignore_filter(self: Any, users: list[Any], user_filter: Any) -> list[Any]:
    return users


def _ignore_limit(self: Any, limit: int | None, default: int) -> int:
    return default


def _without(claim: str, hook: str) -> Callable[..., dict[str, Any]]:
    def claims(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        out = dict(getattr(CognitoService, hook)(self, *args, **kwargs))
        out.pop(claim, None)
        return out

    return claims


def _drop_member(operation: str, member: str) -> Callable[..., dict[str, Any]]:
    def shape_result(self: Any, op: str, result: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in result.items() if k != member} if op == operation else result

    return shape_result


def _no_flow_rules(self: Any, client: Any, flow: str) -> str | None:
    return None


behaviour(
    "accepts-wrong-password",
    "signs users in whatever password they give",
    "error.code",
    "test_auth_admin.py::test_admin_sign_in_with_wrong_password_is_incorrect",
    password_matches=_accept_any_password,
)
behaviour(
    "srp-signature-not-verified",
    "accepts any PASSWORD_CLAIM_SIGNATURE",
    "error.code",
    "test_auth_challenges.py::test_password_verifier_with_forged_signature_is_incorrect",
    verify_password_claim=_do_nothing,
)
behaviour(
    "device-proof-not-verified",
    "accepts any DEVICE_PASSWORD_VERIFIER signature",
    "error.code",
    "test_devices.py::test_wrong_device_proof_is_not_authorized",
    verify_device_claim=_do_nothing,
)
behaviour(
    "disabled-user-signs-in",
    "lets disabled users sign in",
    "error.code",
    "test_auth_initiate.py::test_disabled_user_is_refused",
    ensure_enabled=_do_nothing,
)
behaviour(
    "sign-out-revokes-nothing",
    "answers GlobalSignOut without revoking any token",
    "error.code",
    "test_tokens_sign_out.py::test_global_sign_out_revokes_every_earlier_token_of_the_user",
    global_sign_out_user=_do_nothing,
)
behaviour(
    "forgotten-device-usable",
    "keeps forgotten devices",
    "error.code",
    "test_devices.py::test_forgotten_device_does_not_exist",
    forget_device_record=_do_nothing,
)
behaviour(
    "session-reusable",
    "lets a challenge session be answered twice",
    "error.code",
    "test_auth_challenges.py::test_session_used_twice_is_refused",
    consume_session=_do_nothing,
)
behaviour(
    "refresh-rotates-refresh-token",
    "returns a new refresh token on REFRESH_TOKEN_AUTH",
    "no-rotation",
    "test_auth_initiate.py::test_refresh_returns_new_tokens_without_refresh_token",
    refresh_issues_refresh_token=_rotate_refresh_token,
)
behaviour(
    "list-users-filter-ignored",
    "ignores the ListUsers Filter",
    "filter.matches",
    "test_users.py::test_list_users_filter",
    filter_users=_ignore_filter,
)
behaviour(
    "page-larger-than-limit",
    "returns up to 60 items whatever Limit asks",
    "page.limit",
    "test_users.py::test_list_users_pages_to_exhaustion",
    page_size=_ignore_limit,
)
behaviour(
    "access-token-without-client-id",
    "issues access tokens without the client_id claim",
    "token.access.claim-present",
    "test_tokens.py::test_sign_in_tokens_verify_and_carry_aws_claims",
    access_token_claims=_without("client_id", "access_token_claims"),
)
behaviour(
    "id-token-without-aud",
    "issues ID tokens without the aud claim",
    "token.id.claim-present",
    "test_tokens.py::test_sign_in_tokens_verify_and_carry_aws_claims",
    id_token_claims=_without("aud", "id_token_claims"),
)
behaviour(
    "secret-hash-not-checked",
    "signs in secret clients without checking SECRET_HASH",
    "error.code",
    "test_auth_initiate.py::test_secret_client_with_wrong_secret_hash_is_refused",
    check_secret_hash=_do_nothing,
)
behaviour(
    "auth-flows-not-enforced",
    "allows every auth flow whatever ExplicitAuthFlows says",
    "error.code",
    "test_auth_admin.py::test_admin_flow_not_enabled_on_default_client",
    flow_error=_no_flow_rules,
)
behaviour(
    "id-token-without-email",
    "issues ID tokens without the email claim of a user who has an email",
    "token.id.email-claim",
    "test_tokens.py::test_tokens_carry_every_claim_aws_issues",
    id_token_claims=_without("email", "id_token_claims"),
)
behaviour(
    "access-token-without-event-id",
    "issues access tokens without the event_id claim",
    "token.access.claim-complete",
    "test_tokens.py::test_tokens_carry_every_claim_aws_issues",
    soft=True,
    access_token_claims=_without("event_id", "access_token_claims"),
)
behaviour(
    "admin-get-user-without-status",
    "drops UserStatus from AdminGetUser",
    "status",
    "test_users.py::test_admin_get_user_returns_documented_members",
    shape_result=_drop_member("AdminGetUser", "UserStatus"),
)

behaviour(
    "tokens-without-groups",
    "issues access tokens without the cognito:groups claim of a user in a group",
    "token.access.groups",
    "test_groups.py::test_tokens_of_a_group_member_carry_cognito_groups",
    access_token_claims=_without("cognito:groups", "access_token_claims"),
)


behaviour(
    "reset-keeps-old-password",
    "accepts ConfirmForgotPassword but leaves the old password in place",
    "outcome.success",
    "test_signup.py::test_forgot_password_then_confirm_sets_the_new_password",
    set_recovered_password=_do_nothing,
)
behaviour(
    "reset-code-reusable",
    "accepts a password-reset or sign-up code again after it was used",
    "outcome.refused",
    "test_signup.py::test_confirm_forgot_password_twice_with_one_code_is_refused",
    soft=True,
    spend_code=_do_nothing,
)


def _any_totp_code(self: Any, secret: str, code: str) -> int | None:
    return int(self.clock.now() // 30)


def _totp_codes_reusable(self: Any, user: Any, step: int) -> bool:
    return True


behaviour(
    "totp-accepts-any-code",
    "accepts any six digits as the code of a software token",
    "error.code",
    "test_mfa.py::test_verify_software_token_with_a_wrong_code_is_refused",
    totp_step=_any_totp_code,
)
behaviour(
    "totp-code-reused",
    "accepts a TOTP code that was already used",
    "error.code",
    "test_mfa.py::test_a_used_software_token_code_is_expired",
    totp_code_fresh=_totp_codes_reusable,
)


def _preferred_role_of_highest_precedence(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The reference lists cognito:roles in precedence order: the last is the group of the highest value.
    out = dict(CognitoService.id_token_claims(self, *args, **kwargs))
    if out.get("cognito:roles"):
        out["cognito:preferred_role"] = out["cognito:roles"][-1]
    return out


behaviour(
    "preferred-role-ignores-precedence",
    "puts the role of the group of the highest Precedence value in cognito:preferred_role",
    "token.id.preferred-role",
    "test_groups.py::test_preferred_role_is_the_role_of_the_lowest_precedence",
    id_token_claims=_preferred_role_of_highest_precedence,
)


def _default_lifetime(self: Any, client: Any, kind: str, default_value: int, default_unit: str) -> int:
    return default_value * {"hours": 3600, "days": 86400}[default_unit]


def _same_refresh_token(self: Any, submitted: str) -> str:
    return submitted


behaviour(
    "token-lifetime-ignored",
    "issues tokens lasting the default whatever the client's validity settings",
    "claims.lifetime",
    "test_tokens_revoke.py::test_token_lifetimes_follow_the_client_settings",
    token_lifetime=_default_lifetime,
)
behaviour(
    "rotation-keeps-refresh-token",
    "answers a rotating GetTokensFromRefreshToken with the refresh token it was given",
    "rotation.new-token",
    "test_tokens_revoke.py::test_rotation_answers_a_new_refresh_token_and_retires_the_old_one",
    rotated_refresh_token=_same_refresh_token,
)
behaviour(
    "revoke-token-revokes-nothing",
    "answers RevokeToken without revoking anything",
    "error.code",
    "test_tokens_revoke.py::test_revoke_token_revokes_that_sign_in_only",
    revoke_families=_do_nothing,
)
behaviour(
    "machine-tokens-without-groups",
    "issues access tokens without cognito:groups (found by the groups machine)",
    "claims.groups",
    "test_machines.py::test_groups_and_memberships_machine",
    access_token_claims=_without("cognito:groups", "access_token_claims"),
)


@miniature(
    "group-members-not-listed",
    "answers ListUsersInGroup with no users whoever is in the group",
    "list.items",
    "test_groups.py::test_membership_is_listed_both_ways_until_removed",
)
def _group_members_not_listed(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation == "ListUsersInGroup" and response["status_code"] == 200 and isinstance(body, dict):
        _put_json(response, {**body, "Users": []})


def _always_mutable(self: Any, entry: dict[str, Any]) -> bool:
    return True


def _stays_verified(self: Any, attribute: str, marked: bool) -> str:
    return "true"


behaviour(
    "email-change-stays-verified",
    "keeps email_verified true when an administrator changes a verified email",
    "attribute.value",
    "test_attributes.py::test_admin_email_change_leaves_the_new_email_unverified",
    verified_after_change=_stays_verified,
)
behaviour(
    "immutable-attribute-writable",
    "lets an update change an attribute whose schema says Mutable false",
    "error.code",
    "test_attributes.py::test_immutable_attributes_cannot_be_changed",
    soft=True,
    attribute_is_mutable=_always_mutable,
)
behaviour(
    "attribute-code-not-sent",
    "announces a verification code for a changed email but never sends it",
    "outbox.code",
    "test_attributes.py::test_user_email_change_sends_a_code_and_verify_user_attribute_verifies",
    send_attribute_code=_do_nothing,
)
behaviour(
    "id-token-without-given-name",
    "leaves given_name out of the ID token",
    "token.id.attribute",
    "test_attributes.py::test_id_token_after_a_refresh_carries_the_updated_attributes",
    id_token_claims=_without("given_name", "id_token_claims"),
)


@miniature(
    "custom-attributes-not-described",
    "leaves custom attributes out of DescribeUserPool's SchemaAttributes",
    "schema.attribute",
    "test_attributes.py::test_added_custom_attribute_is_in_the_schema_and_users_can_hold_it",
)
def _custom_attributes_not_described(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    pool = body.get("UserPool") if operation == "DescribeUserPool" and isinstance(body, dict) else None
    if isinstance(pool, dict) and isinstance(pool.get("SchemaAttributes"), list):
        pool["SchemaAttributes"] = [
            a for a in pool["SchemaAttributes"] if not str(a.get("Name", "")).startswith("custom:")
        ]
        _put_json(response, body)


# --- set-up divergences (conformance/session.py) ------------------------------------------------
# An emulator whose user-pool answers carry `null` and empty-string members breaks the schema of
# the call every test's fixture makes first. The suite must report that once, as the set-up
# divergence setup::CreateUserPool, and judge every other test on its own calls
# (tests/harness/test_setup_attribution.py).


@miniature(
    "null-members-in-create-user-pool",
    "answers CreateUserPool and DescribeUserPool with null and empty-string members",
    "schema.type",
    "test_pools.py::test_describe_user_pool_returns_documented_defaults",
)
def _null_members_in_create_user_pool(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation in ("CreateUserPool", "DescribeUserPool") and isinstance(body, dict):
        pool = body.get("UserPool")
        if isinstance(pool, dict):
            # Members AWS leaves out when unset, sent as JSON null (structure and string) and as "".
            pool.update(SmsConfiguration=None, SmsAuthenticationMessage=None, EmailVerificationSubject="")
            _put_json(response, body)


@miniature(
    "pool-id-not-a-string",
    'answers CreateUserPool with a number for the pool id ("Id": 5)',
    "schema.type",
    "test_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format",
)
def _pool_id_not_a_string(operation: str, response: dict[str, Any]) -> None:
    # A wrongly typed member of the set-up answer every test needs: the tests that need a pool are
    # blocked by the divergence in CreateUserPool, none ends in a TypeError
    # (tests/harness/test_setup_typed_members.py).
    body = _json(response)
    if operation == "CreateUserPool" and isinstance(body, dict) and isinstance(body.get("UserPool"), dict):
        body["UserPool"]["Id"] = 5
        _put_json(response, body)


# --- refusals an endpoint forgets (issue 13: the checks that missed real divergences) ---------------
# Each turns one refusal of the reference into a success, as an endpoint that never checks that
# input would answer. The answer body is the least a client would read; the check that must report
# the break is the refusal's own (error.code), not the shape of the made-up answer.


def _accepting(
    operations: tuple[str, ...], fragment: str, answer: Callable[[str], dict[str, Any]]
) -> Mutation:
    """A mutation that answers ``operations``' errors whose code or message holds ``fragment`` with success."""

    def mutate(operation: str, response: dict[str, Any]) -> None:
        body = _json(response)
        if operation not in operations or response["status_code"] < 400 or not isinstance(body, dict):
            return
        if fragment in str(body.get("message", "")) or fragment in str(body.get("__type", "")):
            response["status_code"] = 200
            _set_header(response, "x-amzn-ErrorType", None)
            _put_json(response, answer(operation))

    return mutate


def accepting(
    name: str,
    broken: str,
    detects: str,
    test: str,
    mutate: Mutation,
    *,
    soft: bool = False,
) -> None:
    """Register a response-level miniature built by :func:`_accepting`."""
    MINIATURES[name] = Miniature(name, broken, detects, test, mutate=mutate, soft=soft)


_SOME_USER = {"Username": "someone", "UserAttributes": [{"Name": "sub", "Value": "0" * 8}]}
_SOME_TOKENS = {
    "ChallengeParameters": {},
    "AuthenticationResult": {
        "AccessToken": "a.b.c",
        "IdToken": "a.b.c",
        "ExpiresIn": 3600,
        "TokenType": "Bearer",
    },
}
_accept_any_access_token = _accepting(("GetUser",), "Invalid Access Token", lambda op: dict(_SOME_USER))
_accept_any_refresh_token = _accepting(
    ("InitiateAuth",), "Invalid Refresh Token", lambda op: dict(_SOME_TOKENS)
)

accepting(
    "get-user-accepts-any-token",
    "answers GetUser whatever access token it is given (never-issued or altered)",
    "error.code",
    "test_tokens_refused.py::test_access_token_not_issued_by_the_pool_is_refused",
    _accept_any_access_token,
)
accepting(
    "deleted-user-token-works",
    "keeps answering GetUser with the token of a deleted user",
    "error.code",
    "test_tokens_refused.py::test_tokens_of_a_deleted_user_are_refused",
    _accept_any_access_token,
)
accepting(
    "refresh-accepts-altered-token",
    "refreshes with a refresh token one of whose characters was altered",
    "error.code",
    "test_tokens_refused.py::test_altered_refresh_token_is_refused",
    _accept_any_refresh_token,
)
accepting(
    "refresh-token-at-any-client",
    "refreshes a refresh token at any client of the pool",
    "error.code",
    "test_tokens_refused.py::test_refresh_token_of_another_client_is_refused",
    _accept_any_refresh_token,
    soft=True,
)
accepting(
    "mixed-flows-accepted",
    "accepts ExplicitAuthFlows mixing legacy and ALLOW_ values",
    "error.code",
    "test_clients.py::test_mixed_legacy_and_allow_flows_are_refused",
    _accepting(
        ("CreateUserPoolClient", "UpdateUserPoolClient"),
        "Legacy and ALLOW_",
        lambda op: {"UserPoolClient": {}},
    ),
)
accepting(
    "update-unknown-client-accepted",
    "answers UpdateUserPoolClient for an unknown pool or client with success",
    "error.code",
    "test_clients.py::test_update_user_pool_client_of_unknown_pool_or_client_is_refused",
    _accepting(("UpdateUserPoolClient",), "ResourceNotFoundException", lambda op: {"UserPoolClient": {}}),
)
accepting(
    "create-pool-accepts-invalid-parameters",
    "creates user pools whatever invalid parameters they are given",
    "error.code",
    "test_pools.py::test_create_user_pool_refuses_invalid_parameters",
    _accepting(("CreateUserPool",), "InvalidParameterException", lambda op: {"UserPool": {}}),
)
accepting(
    "creation-ignores-password-policy",
    "lets SignUp and AdminCreateUser set passwords that break the pool's policy",
    "error.code",
    "test_users.py::test_password_policy_applies_to_temporary_passwords_and_sign_up",
    _accepting(
        ("SignUp", "AdminCreateUser"),
        "InvalidPasswordException",
        lambda op: (
            {"UserConfirmed": False, "UserSub": "0" * 8}
            if op == "SignUp"
            else {"User": {"Username": "someone", "Enabled": True, "UserStatus": "FORCE_CHANGE_PASSWORD"}}
        ),
    ),
)

accepting(
    "any-confirmation-code",
    "confirms a signed-up user whatever confirmation code is sent",
    "error.code",
    "test_signup.py::test_confirm_sign_up_with_a_wrong_code_is_code_mismatch",
    _accepting(("ConfirmSignUp",), "CodeMismatchException", lambda op: {}),
)


def _srp_challenge(response: dict[str, Any]) -> dict[str, Any] | None:
    body = _json(response)
    if isinstance(body, dict) and body.get("ChallengeName") == "PASSWORD_VERIFIER":
        return body
    return None


@miniature(
    "srp-b-outside-the-group",
    "sends SRP_B = N, not an element of the 3072-bit group",
    "srp.b-group-element",
    "test_auth_initiate.py::test_srp_challenge_values_are_plausible",
)
def _srp_b_outside_the_group(operation: str, response: dict[str, Any]) -> None:
    body = _srp_challenge(response)
    if body is not None:
        body["ChallengeParameters"]["SRP_B"] = N_HEX.lower()
        _put_json(response, body)


@miniature(
    "secret-block-is-the-session",
    "sends the challenge's Session again as its SECRET_BLOCK",
    "srp.secret-block-not-session",
    "test_auth_initiate.py::test_srp_challenge_values_are_plausible",
)
def _secret_block_is_the_session(operation: str, response: dict[str, Any]) -> None:
    body = _srp_challenge(response)
    if body is not None:
        session = "c2Vzc2lvbi1vZi10aGUtbWluaWF0dXJlLXRoYXQtc2hvdWxkLW5vdC1iZS10aGUtc2VjcmV0LWJsb2Nr"
        body["Session"] = session
        body["ChallengeParameters"]["SECRET_BLOCK"] = session
        _put_json(response, body)


@miniature(
    "no-device-metadata-without-srp",
    "returns NewDeviceMetadata only after an SRP sign-in, not after a password sign-in",
    "member.present",
    "test_devices.py::test_password_sign_in_on_a_tracking_pool_returns_new_device_metadata",
)
def _no_device_metadata_without_srp(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation in ("InitiateAuth", "AdminInitiateAuth") and isinstance(body, dict):
        result = body.get("AuthenticationResult")
        if isinstance(result, dict) and result.pop("NewDeviceMetadata", None) is not None:
            _put_json(response, body)


accepting(
    "unknown-pool-described",
    "answers DescribeUserPool and UpdateUserPool of an unknown pool with success",
    "error.code",
    "test_pools.py::test_pool_operations_on_unknown_pool_are_resource_not_found",
    _accepting(
        ("DescribeUserPool", "UpdateUserPool"),
        "ResourceNotFoundException",
        lambda op: {"UserPool": {}} if op == "DescribeUserPool" else {},
    ),
)
accepting(
    "unknown-device-key-found",
    "answers GetDevice and AdminGetDevice of a key never issued with a device",
    "error.code",
    "test_devices.py::test_get_device_of_unknown_key_is_not_found",
    _accepting(
        ("GetDevice", "AdminGetDevice"),
        "Device does not exist.",
        lambda op: {"Device": {"DeviceKey": "us-east-1_00000000-0000-4000-8000-000000000000"}},
    ),
)


@miniature(
    "forget-device-answers-something",
    "answers ForgetDevice and AdminForgetDevice with a body instead of nothing",
    "empty-output",
    "test_devices.py::test_forget_device_answers_nothing",
)
def _forget_device_answers_something(operation: str, response: dict[str, Any]) -> None:
    if operation in ("ForgetDevice", "AdminForgetDevice") and response["status_code"] == 200:
        _put_json(response, {"Forgotten": True})


behaviour(
    "lite-pool-allows-passwordless",
    "lets a LITE pool allow EMAIL_OTP as a first factor and its clients ALLOW_USER_AUTH",
    "error.code",
    "test_choice.py::test_lite_pool_refuses_passwordless_first_factors",
    choice_needs_essentials=lambda self, tier: False,
)
behaviour(
    "otp-accepted-twice",
    "accepts an EMAIL_OTP / SMS_OTP code and its Session again after they signed the user in",
    "error.code",
    "test_choice.py::test_email_otp_signs_in_once_after_a_wrong_code",
    spend_otp=_do_nothing,
)


@miniature(
    "email-otp-not-offered",
    "leaves EMAIL_OTP out of the AvailableChallenges of a user who can receive a code by e-mail",
    "choice.available",
    "test_choice.py::test_user_auth_without_preference_offers_a_choice",
    soft=True,
)
def _email_otp_not_offered(operation: str, response: dict[str, Any]) -> None:
    body = _json(response)
    if operation in ("InitiateAuth", "AdminInitiateAuth") and isinstance(body, dict):
        if isinstance(body.get("AvailableChallenges"), list):
            body["AvailableChallenges"] = [c for c in body["AvailableChallenges"] if c != "EMAIL_OTP"]
            _put_json(response, body)
