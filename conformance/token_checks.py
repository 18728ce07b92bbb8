"""The claims AWS issues in a sign-in's tokens, as small named checks (docs/facts.md §5).

:func:`check_token_claims` compares the verified claims of one sign-in (and optionally of the
sign-in before a refresh) with what AWS issues and returns a
:class:`~conformance.divergence.Divergence` per difference, each resting on a
:class:`~conformance.checks.Fact` with its real confidence; UNVERIFIED facts never fail a run.

Each check is a function registered with :func:`claim_check` under the names it may report;
:data:`CHECK_NAMES` is derived from those registrations, and the project's tests make every one
of them fail at least once. Verifying the tokens themselves (signature, key set, decoding) is
:mod:`conformance.crypto.tokens`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance import facts
from conformance.crypto.tokens import ALGORITHM, API_SCOPE, aws_issuer
from conformance.divergence import CheckKind, Divergence
from conformance.expect import ABSENT, PRESENT
from conformance.facts import Fact

if TYPE_CHECKING:
    from conformance.wire import Exchange

#: Where the tokens sit in a sign-in's answer; every path a claim check reports starts here.
ROOT = "$.AuthenticationResult"


# Claims every token of a type carries, with the fact behind each.
ACCESS_CLAIMS: dict[str, Fact] = {
    "sub": facts.fact("tokens.access-claims"),
    "token_use": facts.fact("tokens.access-claims"),
    "scope": facts.fact("tokens.access-scope"),
    "auth_time": facts.fact("tokens.access-claims"),
    "iss": facts.fact("tokens.access-claims"),
    "exp": facts.fact("tokens.access-claims"),
    "iat": facts.fact("tokens.access-claims"),
    "jti": facts.fact("tokens.claim-jti"),
    "origin_jti": facts.fact("tokens.claim-origin-jti"),
    "client_id": facts.fact("tokens.access-client-id"),
    "username": facts.fact("tokens.access-username"),
}
ID_CLAIMS: dict[str, Fact] = {
    "sub": facts.fact("tokens.id-claims"),
    "aud": facts.fact("tokens.id-claims"),
    "token_use": facts.fact("tokens.id-claims"),
    "auth_time": facts.fact("tokens.id-claims"),
    "iss": facts.fact("tokens.id-claims"),
    "cognito:username": facts.fact("tokens.id-cognito-username"),
    "exp": facts.fact("tokens.id-claims"),
    "iat": facts.fact("tokens.id-claims"),
    "jti": facts.fact("tokens.claim-jti"),
    "origin_jti": facts.fact("tokens.claim-origin-jti"),
}
# Claims an access token must not carry.
ACCESS_FORBIDDEN: dict[str, Fact] = {
    "aud": facts.fact("tokens.access-no-aud"),
    "email": facts.fact("tokens.access-no-email"),
}


@dataclass(frozen=True)
class SignInTokens:
    """What the claim checks look at: one sign-in's verified tokens and what they should say.

    Attributes:
        id_claims: the verified ID token claims, or None if no ID token was issued.
        access_claims: the verified access token claims, or None.
        client_id: the app client id.
        issuer: the ``iss`` AWS writes for the pool.
        username: the user's internal username (``sub`` in an email-username pool).
        auth_result: the AuthenticationResult the tokens came in.
        access_validity_s: the client's access-token validity in seconds.
        id_validity_s: the client's ID-token validity in seconds.
        expect_device_key: the device key the access token must carry after device sign-in.
        previous: ``(id_claims, access_claims)`` of the sign-in before a refresh.
        id_header: the ID token's JOSE header, when the caller has it.
        access_header: the access token's JOSE header.
    """

    id_claims: Mapping[str, Any] | None
    access_claims: Mapping[str, Any] | None
    client_id: str
    issuer: str
    username: str
    auth_result: Mapping[str, Any]
    access_validity_s: int = 3600
    id_validity_s: int = 3600
    expect_device_key: str | None = None
    previous: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None] | None = None
    id_header: Mapping[str, Any] | None = None
    access_header: Mapping[str, Any] | None = None

    def claims(self, kind: str) -> Mapping[str, Any] | None:
        return self.id_claims if kind == "id" else self.access_claims


@dataclass(frozen=True)
class Miss:
    """One way a sign-in breaks a claim check (the check function yields these)."""

    check: str
    path: str
    expected: Any
    actual: Any
    fact: Fact

    def divergence(self, operation: str, evidence: Exchange | None) -> Divergence:
        """This miss as the run records it: a token divergence of ``operation``, cited to its fact."""
        return Divergence(
            operation=operation,
            check=self.check,
            path=self.path,
            expected=self.expected,
            actual=self.actual,
            confidence=self.fact.confidence,
            source=self.fact.cite(),
            kind=CheckKind.TOKENS,
            evidence=evidence,
        )


ClaimCheckFunction = Callable[[SignInTokens], Iterable[Miss]]


@dataclass(frozen=True)
class ClaimCheck:
    """A registered claim check: its function and every check name it may report."""

    function: ClaimCheckFunction
    names: frozenset[str]


#: Every claim check, in the order they run (and their divergences are listed).
CLAIM_CHECKS: list[ClaimCheck] = []


def claim_check(*names: str) -> Callable[[ClaimCheckFunction], ClaimCheckFunction]:
    """Register a claim check that may report each of ``names`` (and no other)."""

    def register(function: ClaimCheckFunction) -> ClaimCheckFunction:
        CLAIM_CHECKS.append(ClaimCheck(function, frozenset(names)))
        return function

    return register


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _lifetime(claims: Mapping[str, Any]) -> Any:
    exp, iat = claims.get("exp"), claims.get("iat")
    if isinstance(exp, int | float) and isinstance(iat, int | float):
        return exp - iat
    return ABSENT


def _token_path(kind: str) -> str:
    return f"{ROOT}.{'IdToken' if kind == 'id' else 'AccessToken'}"


def _common_checks(kind: str, required: Mapping[str, Fact]) -> ClaimCheckFunction:
    """What every token of ``kind`` carries: its claims, token_use, iss, lifetime, UUID jti."""
    prefix = f"token.{kind}"

    def run(tokens: SignInTokens) -> Iterable[Miss]:
        claims = tokens.claims(kind)
        if claims is None:
            return
        path = _token_path(kind)
        for name, fact in required.items():
            if name not in claims:
                yield Miss(f"{prefix}.claim-present", f"{path}.{name}", PRESENT, ABSENT, fact)
        if "token_use" in claims and claims["token_use"] != kind:
            fact = facts.fact(f"tokens.{kind}-claims")
            yield Miss(f"{prefix}.token_use", f"{path}.token_use", kind, claims["token_use"], fact)
        if "iss" in claims and claims["iss"] != tokens.issuer:
            fact = facts.fact("tokens.claim-iss")
            yield Miss(f"{prefix}.iss", f"{path}.iss", tokens.issuer, claims["iss"], fact)
        validity = tokens.id_validity_s if kind == "id" else tokens.access_validity_s
        if "exp" in claims and "iat" in claims and _lifetime(claims) != validity:
            fact = facts.fact("tokens.claim-lifetime")
            yield Miss(f"{prefix}.lifetime", f"{path}.exp", validity, _lifetime(claims), fact)
        for name in ("jti", "origin_jti"):
            if name in claims and not _is_uuid(claims[name]):
                fact = facts.fact("tokens.jti-uuid")
                yield Miss(f"{prefix}.{name}-uuid", f"{path}.{name}", "a UUID", claims[name], fact)

    run.__name__ = f"{kind}_common"
    return run


def _common_names(kind: str) -> tuple[str, ...]:
    return tuple(
        f"token.{kind}.{name}"
        for name in ("claim-present", "token_use", "iss", "lifetime", "jti-uuid", "origin_jti-uuid")
    )


access_common = claim_check(*_common_names("access"))(_common_checks("access", ACCESS_CLAIMS))


@claim_check(
    "token.access.claim-absent",
    "token.access.client_id",
    "token.access.username",
    "token.access.scope",
    "token.access.cognito:groups-list",
    "token.access.device_key",
)
def access_claims(tokens: SignInTokens) -> Iterable[Miss]:
    """The access token: no aud or email; the client, the internal username, the API scope."""
    claims = tokens.access_claims
    if claims is None:
        return
    path = _token_path("access")
    for name, fact in ACCESS_FORBIDDEN.items():
        if name in claims:
            yield Miss("token.access.claim-absent", f"{path}.{name}", ABSENT, claims.get(name), fact)
    if "client_id" in claims and claims["client_id"] != tokens.client_id:
        fact = facts.fact("tokens.access-client-id-value")
        yield Miss("token.access.client_id", f"{path}.client_id", tokens.client_id, claims["client_id"], fact)
    if "username" in claims and claims["username"] != tokens.username:
        fact = facts.fact("tokens.access-username-value")
        yield Miss("token.access.username", f"{path}.username", tokens.username, claims["username"], fact)
    if "scope" in claims and claims["scope"] != API_SCOPE:
        fact = facts.fact("tokens.access-scope")
        yield Miss("token.access.scope", f"{path}.scope", API_SCOPE, claims["scope"], fact)
    if "cognito:groups" in claims:
        groups = claims["cognito:groups"]
        if not (isinstance(groups, list) and all(isinstance(group, str) for group in groups)):
            fact = facts.fact("tokens.access-groups")
            yield Miss(
                "token.access.cognito:groups-list",
                f"{path}.cognito:groups",
                "a list of group names",
                groups,
                fact,
            )
    if tokens.expect_device_key is not None and claims.get("device_key") != tokens.expect_device_key:
        fact = facts.fact("devices.device-key-claim")
        actual = claims.get("device_key", ABSENT)
        yield Miss("token.access.device_key", f"{path}.device_key", tokens.expect_device_key, actual, fact)


id_common = claim_check(*_common_names("id"))(_common_checks("id", ID_CLAIMS))


@claim_check(
    "token.id.aud",
    "token.id.cognito:username",
    "token.id.email_verified-boolean",
    "token.id.custom-attribute-string",
)
def id_claims(tokens: SignInTokens) -> Iterable[Miss]:
    """The ID token: the client as aud, the internal username, JSON-typed attributes."""
    claims = tokens.id_claims
    if claims is None:
        return
    path = _token_path("id")
    if "aud" in claims and claims["aud"] != tokens.client_id:
        fact = facts.fact("tokens.id-aud-value")
        yield Miss("token.id.aud", f"{path}.aud", tokens.client_id, claims["aud"], fact)
    if "cognito:username" in claims and claims["cognito:username"] != tokens.username:
        fact = facts.fact("tokens.id-cognito-username-value")
        actual = claims["cognito:username"]
        yield Miss("token.id.cognito:username", f"{path}.cognito:username", tokens.username, actual, fact)
    if "email_verified" in claims and not isinstance(claims["email_verified"], bool):
        fact = facts.fact("tokens.id-email-verified")
        actual = claims["email_verified"]
        yield Miss(
            "token.id.email_verified-boolean", f"{path}.email_verified", "a JSON boolean", actual, fact
        )
    for name, value in claims.items():
        if name.startswith("custom:") and not isinstance(value, str):
            fact = facts.fact("tokens.id-custom-attributes")
            yield Miss("token.id.custom-attribute-string", f"{path}.{name}", "a string", value, fact)


_SHARED: tuple[tuple[str, Fact], ...] = (
    ("sub", facts.fact("tokens.pair-sub")),
    ("origin_jti", facts.fact("tokens.pair-origin-jti")),
    ("auth_time", facts.fact("tokens.pair-auth-time")),
)


@claim_check(
    "token.pair.sub-shared",
    "token.pair.origin_jti-shared",
    "token.pair.auth_time-shared",
    "token.pair.jti-distinct",
)
def pair(tokens: SignInTokens) -> Iterable[Miss]:
    """The ID and access tokens of one sign-in: one user, one family, one time, two jti."""
    id_token, access = tokens.id_claims, tokens.access_claims
    if id_token is None or access is None:
        return
    for name, fact in _SHARED:
        if name in id_token and name in access and id_token[name] != access[name]:
            yield Miss(
                f"token.pair.{name}-shared", f"{ROOT}.IdToken.{name}", access[name], id_token[name], fact
            )
    if "jti" in id_token and "jti" in access and id_token["jti"] == access["jti"]:
        fact = facts.fact("tokens.jti-distinct")
        expected = "different from the access token's jti"
        yield Miss("token.pair.jti-distinct", f"{ROOT}.IdToken.jti", expected, id_token["jti"], fact)


@claim_check(
    *(
        f"token.refresh.{kind}.{name}"
        for kind in ("id", "access")
        for name in ("auth_time-kept", "origin_jti-kept", "jti-new")
    )
)
def refresh(tokens: SignInTokens) -> Iterable[Miss]:
    """A refresh keeps auth_time and origin_jti and issues new jti values (§5, §4)."""
    if tokens.previous is None:
        return
    for kind, before in zip(("id", "access"), tokens.previous, strict=True):
        after = tokens.claims(kind)
        if before is None or after is None:
            continue
        path, prefix = _token_path(kind), f"token.refresh.{kind}"
        if "auth_time" in before and "auth_time" in after and after["auth_time"] != before["auth_time"]:
            fact = facts.fact("tokens.refresh-auth-time")
            yield Miss(
                f"{prefix}.auth_time-kept", f"{path}.auth_time", before["auth_time"], after["auth_time"], fact
            )
        if "origin_jti" in before and "origin_jti" in after and after["origin_jti"] != before["origin_jti"]:
            fact = facts.fact("tokens.refresh-origin-jti")
            actual = after["origin_jti"]
            yield Miss(f"{prefix}.origin_jti-kept", f"{path}.origin_jti", before["origin_jti"], actual, fact)
        if "jti" in before and "jti" in after and after["jti"] == before["jti"]:
            fact = facts.fact("tokens.jti-distinct")
            expected = "different from the previous token's jti"
            yield Miss(f"{prefix}.jti-new", f"{path}.jti", expected, after["jti"], fact)


@claim_check("token.header.id.alg", "token.header.access.alg", "token.header.kid-distinct")
def headers(tokens: SignInTokens) -> Iterable[Miss]:
    """The JOSE headers: RS256, and a different key for each token type."""
    for kind, header in (("id", tokens.id_header), ("access", tokens.access_header)):
        if header is not None and header.get("alg") != ALGORITHM:
            fact = facts.fact("tokens.header")
            path = f"{_token_path(kind)}.header.alg"
            yield Miss(f"token.header.{kind}.alg", path, ALGORITHM, header.get("alg", ABSENT), fact)
    id_header, access_header = tokens.id_header, tokens.access_header
    if (
        id_header is not None
        and access_header is not None
        and id_header.get("kid") == access_header.get("kid")
    ):
        fact = facts.fact("tokens.different-keys")
        expected = "different from the access token's kid"
        yield Miss(
            "token.header.kid-distinct",
            f"{ROOT}.IdToken.header.kid",
            expected,
            id_header.get("kid", ABSENT),
            fact,
        )


@claim_check("token.result.TokenType", "token.result.ExpiresIn", "token.result.ExpiresIn-matches-token")
def result(tokens: SignInTokens) -> Iterable[Miss]:
    """The AuthenticationResult around the tokens: Bearer, and ExpiresIn the access token's lifetime."""
    token_type = tokens.auth_result.get("TokenType", ABSENT)
    if token_type != "Bearer":
        fact = facts.fact("tokens.result-token-type")
        yield Miss("token.result.TokenType", f"{ROOT}.TokenType", "Bearer", token_type, fact)
    expires_in = tokens.auth_result.get("ExpiresIn", ABSENT)
    if expires_in != tokens.access_validity_s:
        fact = facts.fact("tokens.result-expires-in")
        yield Miss("token.result.ExpiresIn", f"{ROOT}.ExpiresIn", tokens.access_validity_s, expires_in, fact)
    if tokens.access_claims is not None and isinstance(expires_in, int | float):
        lifetime = _lifetime(tokens.access_claims)
        if lifetime != ABSENT and lifetime != expires_in:
            fact = facts.fact("tokens.result-expires-in-matches")
            yield Miss(
                "token.result.ExpiresIn-matches-token", f"{ROOT}.ExpiresIn", lifetime, expires_in, fact
            )


#: Every check name :func:`check_token_claims` can report, from the registrations above.
CHECK_NAMES: frozenset[str] = frozenset().union(*(check.names for check in CLAIM_CHECKS))


def check_token_claims(
    *,
    operation: str,
    id_claims: Mapping[str, Any] | None,
    access_claims: Mapping[str, Any] | None,
    client_id: str,
    user_pool_id: str,
    region: str,
    username: str,
    auth_result: Mapping[str, Any],
    access_validity_s: int = 3600,
    id_validity_s: int = 3600,
    expect_device_key: str | None = None,
    previous: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None] | None = None,
    id_header: Mapping[str, Any] | None = None,
    access_header: Mapping[str, Any] | None = None,
    evidence: Exchange | None = None,
) -> list[Divergence]:
    """Compare one sign-in's tokens with what AWS issues (docs/facts.md §5).

    Args:
        operation: the operation whose answer carried the tokens (the divergences name it).
        id_claims, access_claims, client_id, username, auth_result, access_validity_s,
            id_validity_s, expect_device_key, previous, id_header, access_header: see
            :class:`SignInTokens`.
        user_pool_id: the pool id, and region: the pool's region (together, the expected ``iss``).
        evidence: the exchange that carried the tokens.

    Returns:
        One divergence (kind ``tokens``) per failed check; empty when everything matches.

    Raises:
        ValueError: a check reported a name it was not registered with (the self-tests rely on
            :data:`CHECK_NAMES` being complete).
    """
    tokens = SignInTokens(
        id_claims=id_claims,
        access_claims=access_claims,
        client_id=client_id,
        issuer=aws_issuer(region, user_pool_id),
        username=username,
        auth_result=auth_result,
        access_validity_s=access_validity_s,
        id_validity_s=id_validity_s,
        expect_device_key=expect_device_key,
        previous=previous,
        id_header=id_header,
        access_header=access_header,
    )
    found: list[Divergence] = []
    for check in CLAIM_CHECKS:
        for miss in check.function(tokens):
            if miss.check not in check.names:
                raise ValueError(
                    f"claim check {check.function.__name__} reported unregistered {miss.check!r}"
                )
            found.append(miss.divergence(operation, evidence))
    return found


# --- completeness: claims AWS adds that the checks above do not require ---------------------------
# Kept apart from CLAIM_CHECKS: these need to know the user (an email claim is owed only to a user
# who has an email), and the access token's event_id rests on an UNVERIFIED fact, so a missing one
# is reported without failing a run.

#: Claims every access token from an API sign-in carries beyond ACCESS_CLAIMS.
ACCESS_COMPLETE: dict[str, Fact] = {"event_id": facts.fact("tokens.access-event-id")}
#: Claims the ID token of a user with an email carries, with the fact behind each.
ID_EMAIL_CLAIMS: dict[str, Fact] = {
    "email": facts.fact("tokens.id-email"),
    "email_verified": facts.fact("tokens.id-email-verified-present"),
}
#: The check names :func:`check_claims_complete` reports.
COMPLETENESS_CHECKS: frozenset[str] = frozenset(
    {"token.access.claim-complete", "token.id.email-claim", "token.id.email-value"}
)


def check_claims_complete(
    *,
    operation: str,
    id_claims: Mapping[str, Any] | None,
    access_claims: Mapping[str, Any] | None,
    email: str | None,
    evidence: Exchange | None = None,
) -> list[Divergence]:
    """The claims a sign-in's tokens owe beyond :data:`ACCESS_CLAIMS` / :data:`ID_CLAIMS` (§5).

    Args:
        operation: the operation whose answer carried the tokens.
        id_claims, access_claims: the verified claims (None: that token is not judged).
        email: the user's email attribute, or None when the user has none (then the ID token owes
            no email claims).
        evidence: the exchange that carried the tokens.
    """
    misses: list[Miss] = []
    if access_claims is not None:
        path = _token_path("access")
        for name, fact in ACCESS_COMPLETE.items():
            if name not in access_claims:
                misses.append(Miss("token.access.claim-complete", f"{path}.{name}", PRESENT, ABSENT, fact))
    if id_claims is not None and email is not None:
        path = _token_path("id")
        for name, fact in ID_EMAIL_CLAIMS.items():
            if name not in id_claims:
                misses.append(Miss("token.id.email-claim", f"{path}.{name}", PRESENT, ABSENT, fact))
        if "email" in id_claims and id_claims["email"] != email:
            fact = ID_EMAIL_CLAIMS["email"]
            misses.append(Miss("token.id.email-value", f"{path}.email", email, id_claims["email"], fact))
    return [miss.divergence(operation, evidence) for miss in misses]
