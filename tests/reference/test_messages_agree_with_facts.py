"""The reference's error codes and messages agree with the catalogue's error facts.

The reference keeps its own message strings: it is an executable statement of AWS's behaviour
written independently of the catalogue, so neither may become the other's implementation. This
test keeps the two from drifting apart, first by asking the reference (through boto3, as a client
would) and then by reading its sources for the texts no short request reaches.

Run: ``pytest tests/reference/test_messages_agree_with_facts.py -q``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from reference_support import PASSWORD

import conformance.crypto.srp
import conformance.reference
from conformance.facts import catalogue, fact

MISSING_POOL = "us-east-1_NoSuchPl0"
MISSING_CLIENT = "a" * 26


def refused(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


#: fact id -> (the request that should be refused as the fact says, the fact message's placeholders).
CASES: dict[str, tuple[Callable[[Any, str, str, str], Any], dict[str, Any]]] = {
    "pools.unknown-pool": (
        lambda cognito, pool, client, user: cognito.describe_user_pool(UserPoolId=MISSING_POOL),
        {"pool_id": MISSING_POOL},
    ),
    "clients.unknown-client": (
        lambda cognito, pool, client, user: cognito.describe_user_pool_client(
            UserPoolId=pool, ClientId=MISSING_CLIENT
        ),
        {"client_id": MISSING_CLIENT},
    ),
    "users.user-not-found": (
        lambda cognito, pool, client, user: cognito.admin_get_user(UserPoolId=pool, Username="nobody"),
        {},
    ),
    "users.user-exists-admin": (
        lambda cognito, pool, client, user: cognito.admin_create_user(
            UserPoolId=pool, Username=user, MessageAction="SUPPRESS"
        ),
        {},
    ),
    "users.already-confirmed": (
        lambda cognito, pool, client, user: cognito.admin_confirm_sign_up(UserPoolId=pool, Username=user),
        {},
    ),
    "users.filter-parse": (
        lambda cognito, pool, client, user: cognito.list_users(UserPoolId=pool, Filter="email"),
        {},
    ),
    "users.limit-too-big": (
        lambda cognito, pool, client, user: cognito.list_users(UserPoolId=pool, Limit=100),
        {"limit": 100},
    ),
    "auth.incorrect": (
        lambda cognito, pool, client, user: cognito.initiate_auth(
            ClientId=client,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD + "x"},
        ),
        {},
    ),
    "auth.unknown-user-legacy": (
        lambda cognito, pool, client, user: cognito.initiate_auth(
            ClientId=client,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "nobody", "PASSWORD": PASSWORD},
        ),
        {},
    ),
}


@pytest.mark.parametrize("fact_id", sorted(CASES))
def test_reference_answers_as_the_fact_says(
    fact_id: str, cognito: Any, pool_id: str, make_client: Callable[..., dict[str, Any]], confirmed_user: str
) -> None:
    client_id = make_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])[
        "ClientId"
    ]
    request, placeholders = CASES[fact_id]
    expected = fact(fact_id)
    assert expected.code and expected.message, f"{fact_id} is not an error fact with a message"
    code, message = refused(lambda: request(cognito, pool_id, client_id, confirmed_user))
    assert (code, message) == (expected.code, expected.message.format(**placeholders))


def _texts(paths: list[Path]) -> set[str]:
    """Every string literal of the files; an f-string's replacement fields become ``{}``."""
    texts: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                texts.add("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
    return texts


def _placeholders_blank(text: str) -> str:
    return re.sub(r"\{[^{}]*\}", "{}", text)


def test_every_catalogued_message_is_one_the_reference_can_answer() -> None:
    # The reference answers SRP proofs through conformance.crypto.srp, so its texts count as the reference's.
    sources = [
        *Path(conformance.reference.__file__).parent.rglob("*.py"),
        Path(conformance.crypto.srp.__file__),
    ]
    texts = _texts(sources)
    behavioural = set(CASES)  # generated texts (the model-validation form) are checked by asking, above
    missing = [
        f"{f.id}: {f.message!r}"
        for f in catalogue().values()
        if f.message
        and f.id not in behavioural
        and not any(_placeholders_blank(f.message) in text for text in texts)
    ]
    assert not missing, "catalogue messages the reference never answers:\n" + "\n".join(missing)
