"""The oracle's vocabulary: frozen state, calls, answers and predictions.

Everything here is a frozen value. A transition never mutates a state: it returns a new one
(``dataclasses.replace`` and :func:`put`), so a machine can keep the state before a call, ask for
the prediction, and then learn from the endpoint's answer (docs/facts.md is the only source of
what AWS does; this module only names things).

Secrets (passwords, client secrets, tokens, sessions, device verifiers) are fields with
``repr=False``: ``describe_state`` and Hypothesis's printed programs never show them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from conformance.divergence import Confidence

# The vocabulary of expected members lives in conformance.expect (shared with the per-test recorder
# and the token checks); it is re-exported here so the oracle's modules and users keep one import.
from conformance.expect import (  # noqa: F401
    Expect,
    Rule,
    absent,
    at_most_items,
    attributes,
    equal,
    has_keys,
    judge_member,
    keys,
    matches,
    present,
    same_items,
    subset_items,
)
from conformance.facts import Fact

K = TypeVar("K")
V = TypeVar("V")

EMPTY: Mapping[Any, Any] = MappingProxyType({})


def put(mapping: Mapping[K, V], key: K, value: V) -> Mapping[K, V]:
    """A copy of ``mapping`` with ``key`` set: the frozen way to update a table of the state."""
    updated = dict(mapping)
    updated[key] = value
    return MappingProxyType(updated)


def frozen(mapping: Mapping[K, V] | None = None) -> Mapping[K, V]:
    """A read-only copy of ``mapping``."""
    return MappingProxyType(dict(mapping or {}))


# --------------------------------------------------------------------------------------------- state


@dataclass(frozen=True)
class Pool:
    """A user pool the oracle knows (§9)."""

    pool_id: str
    name: str
    #: DeviceConfiguration as sent; None when device tracking is off (§2 [BC DeviceConfigurationType]).
    device_configuration: Mapping[str, bool] | None = None
    #: the settings as last sent by CreateUserPool / UpdateUserPool (UpdateUserPool resets the rest, §9).
    settings: Mapping[str, Any] = field(default_factory=lambda: EMPTY)

    @property
    def tracks_devices(self) -> bool:
        return self.device_configuration is not None

    @property
    def remembers_only_on_prompt(self) -> bool:
        """DeviceOnlyRememberedOnUserPrompt (§2 [BC]): ConfirmDevice leaves the device not remembered."""
        return bool((self.device_configuration or {}).get("DeviceOnlyRememberedOnUserPrompt", False))


@dataclass(frozen=True)
class Client:
    """An app client the oracle knows (§4, §9, §12.5)."""

    client_id: str
    pool_id: str
    name: str
    #: ExplicitAuthFlows as sent (None: unset, §4 [BC] implicit ALLOW_REFRESH/SRP/CUSTOM).
    explicit_auth_flows: tuple[str, ...] | None = None
    secret: str | None = field(default=None, repr=False)
    prevent_user_existence_errors: bool = False
    settings: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class User:
    """A user (§8). ``in_sync`` turns False when the endpoint's answer left the model unable to tell."""

    pool_id: str
    username: str
    status: str
    enabled: bool = True
    password: str = field(default="", repr=False)
    attributes: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    sub: str | None = None
    deleted: bool = False
    #: consecutive failed password attempts (§3 lockout after five).
    failed_attempts: int = 0
    in_sync: bool = True
    #: GlobalSignOut / AdminUserGlobalSignOut happened: §6 says sign-ins right after it are sometimes
    #: refused too (mechanism UNVERIFIED), so predictions about later sign-ins carry no weight.
    signed_out_once: bool = False
    #: a sign-up confirmation code was delivered and not yet used (facts:signup.confirm-with-code).
    sign_up_code: bool = False
    #: a password-reset code was delivered and not yet used (facts:signup.forgot-password).
    reset_code: bool = False
    #: ResendConfirmationCode requests so far (the machine's clock does not move: all in one hour).
    resends: int = 0
    #: AdminConfirmSignUp confirmed the user: whether that verified their e-mail is not known, so the
    #: channel ForgotPassword would use is not predicted.
    verification_unknown: bool = False
    #: MFA (oracle/mfa.py): the factors turned on, the preferred one, whether a software token is
    #: associated and not yet verified, verified, and the TOTP codes already accepted (each answers once).
    mfa_enabled: tuple[str, ...] = ()
    mfa_preferred: str | None = None
    totp_pending: bool = False
    totp_verified: bool = False
    totp_used: frozenset[str] = field(default=frozenset(), repr=False)


@dataclass(frozen=True)
class SrpExchange:
    """A PASSWORD_VERIFIER challenge handed out (its state travels in SECRET_BLOCK, §1, §12.2)."""

    handle: str
    secret_block: str = field(repr=False)
    pool_id: str = ""
    client_id: str = ""
    username: str = ""
    #: USER_ID_FOR_SRP as the endpoint sent it.
    user_id_for_srp: str = ""
    admin: bool = False
    device_key: str | None = None
    simulated: bool = False
    used: bool = False


@dataclass(frozen=True)
class Session:
    """A challenge session (§3): single use, per challenge."""

    handle: str
    token: str = field(repr=False)
    challenge: str = ""
    pool_id: str = ""
    client_id: str = ""
    username: str = ""
    admin: bool = False
    device_key: str | None = None
    #: for DEVICE_PASSWORD_VERIFIER: the SECRET_BLOCK that came with it.
    secret_block: str | None = field(default=None, repr=False)
    used: bool = False


@dataclass(frozen=True)
class SignIn:
    """The tokens of one completed sign-in (and those its refresh token produced later)."""

    handle: str
    pool_id: str
    client_id: str
    username: str
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    id_token: str | None = field(default=None, repr=False)
    device_key: str | None = None
    access_revoked: bool = False
    refresh_revoked: bool = False
    #: every access token issued in this sign-in's family (refreshes add theirs).
    access_tokens: tuple[str, ...] = field(default=(), repr=False)
    #: what revoked the access tokens: "sign-out", "disable" or "revoke-token".
    revoked_by: str | None = None
    #: the sign-in came after a global sign-out of the same user (§6: sometimes refused as well).
    after_sign_out: bool = False
    #: nothing is predicted about these tokens any more (an UNVERIFIED rule decides their fate).
    uncertain: bool = False


@dataclass(frozen=True)
class Device:
    """A device key issued in NewDeviceMetadata (§2)."""

    key: str
    pool_id: str
    username: str
    group_key: str = ""
    confirmed: bool = False
    remembered: bool = False
    forgotten: bool = False
    name: str | None = None
    #: base64 PasswordVerifier sent with ConfirmDevice: what a DEVICE_PASSWORD_VERIFIER proof must match.
    verifier: str | None = field(default=None, repr=False)
    #: the sign-in that received this key (ConfirmDevice must use its access token, §12.1).
    issued_to: str | None = None


@dataclass(frozen=True)
class Group:
    """A group of a pool (facts:groups.*) and the usernames of its members."""

    pool_id: str
    name: str
    members: frozenset[str] = frozenset()
    #: created again after a DeleteGroup of the same name: whether the old members come back is
    #: UNVERIFIED, so what is predicted about its members rests on an unverified fact.
    recreated: bool = False
    #: the optional GroupType members set by CreateGroup or UpdateGroup (None: never set).
    description: str | None = None
    precedence: int | None = None
    #: the members (``Description``, ``Precedence``) whose value survived an UpdateGroup that left
    #: them out: that they are kept is UNVERIFIED (facts:groups.update-keeps-unset).
    kept: frozenset[str] = frozenset()
    #: the members whose value the last UpdateGroup naming them set (facts:groups.update-group).
    updated: frozenset[str] = frozenset()


@dataclass(frozen=True)
class State:
    """Everything the oracle knows: pools, clients, users, challenges, sign-ins and devices."""

    region: str = "us-east-1"
    pools: Mapping[str, Pool] = field(default_factory=lambda: EMPTY)
    clients: Mapping[str, Client] = field(default_factory=lambda: EMPTY)
    #: (pool id, username) -> user.
    users: Mapping[tuple[str, str], User] = field(default_factory=lambda: EMPTY)
    #: handle -> PASSWORD_VERIFIER challenge handed out.
    exchanges: Mapping[str, SrpExchange] = field(default_factory=lambda: EMPTY)
    #: handle -> session (the handle, not the secret token, is what machines and reports name).
    sessions: Mapping[str, Session] = field(default_factory=lambda: EMPTY)
    sign_ins: Mapping[str, SignIn] = field(default_factory=lambda: EMPTY)
    devices: Mapping[str, Device] = field(default_factory=lambda: EMPTY)
    #: (pool id, group name) -> group; a deleted group is gone from the table.
    groups: Mapping[tuple[str, str], Group] = field(default_factory=lambda: EMPTY)
    #: (pool id, group name) of every group deleted (to tell a re-created one).
    deleted_groups: frozenset[tuple[str, str]] = frozenset()
    counter: int = 0
    #: handles and device keys the last call created (for machines to put into their bundles).
    created: tuple[str, ...] = ()

    def next_handle(self, prefix: str) -> tuple[str, State]:
        """A fresh handle (``session3``) and the state that has used it up."""
        handle = f"{prefix}{self.counter + 1}"
        return handle, replace(self, counter=self.counter + 1, created=(*self.created, handle))

    def user(self, pool_id: str, username: str | None) -> User | None:
        """The live user a name designates (deleted users are unknown to the service)."""
        if not username:
            return None
        found = self.users.get((pool_id, username))
        if found is None:
            for candidate in self.users.values():
                if candidate.pool_id == pool_id and candidate.sub == username and not candidate.deleted:
                    return candidate
            return None
        return None if found.deleted else found

    def exchange_by_block(self, secret_block: str | None) -> SrpExchange | None:
        for exchange in self.exchanges.values():
            if secret_block and exchange.secret_block == secret_block:
                return exchange
        return None

    def session_by_token(self, token: str | None) -> Session | None:
        for session in self.sessions.values():
            if token and session.token == token:
                return session
        return None

    def sign_in_by_access_token(self, token: str | None) -> SignIn | None:
        for sign_in in self.sign_ins.values():
            if token and token in sign_in.access_tokens:
                return sign_in
        return None

    def sign_in_by_refresh_token(self, token: str | None) -> SignIn | None:
        for sign_in in self.sign_ins.values():
            if token and sign_in.refresh_token == token:
                return sign_in
        return None


# --------------------------------------------------------------------------------------------- calls


@dataclass(frozen=True)
class Proof:
    """What a client proved in an SRP answer; the oracle cannot recompute an SRP signature.

    Attributes:
        password: the password the PASSWORD_VERIFIER signature was computed with.
        device_verifier: the PasswordVerifier (base64) of the device secret a DEVICE_PASSWORD_VERIFIER
            signature was computed with.
        forged: the signature was altered after computing it.
        delivered_code: ConfirmSignUp / ConfirmForgotPassword: the code is the delivered one.
    """

    password: str | None = field(default=None, repr=False)
    device_verifier: str | None = field(default=None, repr=False)
    forged: bool = False
    #: the ConfirmationCode sent is the one the endpoint delivered (read from its outbox): True, a code
    #: that surely is not (False), or None when the client cannot tell.
    delivered_code: bool | None = None


@dataclass(frozen=True)
class Call:
    """One request: the operation (PascalCase, as in the model) and its parameters."""

    operation: str
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY, repr=False)
    proof: Proof | None = None

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass(frozen=True)
class Answer:
    """What the endpoint answered, reduced to what the oracle learns from (no HTTP, no boto3)."""

    ok: bool
    body: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    error_code: str | None = None

    def member(self, *path: str) -> Any:
        value: Any = self.body
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                return None
            value = value[key]
        return value


# ----------------------------------------------------------------------------------------- predictions


class Verdict(StrEnum):
    SUCCESS = "success"
    ERROR = "error"
    #: the oracle cannot tell (an UNVERIFIED rule, or a user the model lost track of).
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Prediction:
    """What AWS answers to a call in a state, with the fact each part rests on.

    Attributes:
        verdict: success, error, or unknown.
        fact: the fact behind the verdict (and the error code).
        reason: one sentence, readable like the AWS docs it encodes.
        expects: for a success, the members whose values are determined.
        error_code: for an error, the ``__type``.
        message: for an error, the message (a string or a full-match pattern) when known.
        message_fact: the fact behind the message when it is weaker than ``fact``.
    """

    verdict: Verdict
    fact: Fact
    reason: str
    expects: tuple[Expect, ...] = ()
    error_code: str | None = None
    message: str | re.Pattern[str] | None = None
    message_fact: Fact | None = None

    @property
    def confidence(self) -> Confidence:
        return self.fact.confidence

    @property
    def source(self) -> str:
        return self.fact.cite()

    def describe(self) -> str:
        """One line for reports: ``error NotAuthorizedException 'User is disabled.' (§6 ..., documented)``."""
        if self.verdict is Verdict.ERROR:
            text = f"error {self.error_code}"
            if self.message is not None:
                shown = self.message.pattern if isinstance(self.message, re.Pattern) else self.message
                text += f" {shown!r}"
        elif self.verdict is Verdict.SUCCESS:
            text = "success"
            if self.expects:
                text += " with " + "; ".join(e.describe() for e in self.expects)
        else:
            text = "unknown"
        return f"{text} -- {self.reason} ({self.fact.cite()}, {self.confidence})"


#: Not an AWS fact: what a prediction rests on when the oracle does not model the step (nothing is judged).
UNKNOWN_FACT = Fact("oracle.unpredicted", "the oracle does not predict this step", Confidence.UNVERIFIED)


def succeeds(fact: Fact, reason: str, *expects: Expect) -> Prediction:
    return Prediction(Verdict.SUCCESS, fact, reason, tuple(expects))


def fails(
    code: str,
    message: str | re.Pattern[str] | None,
    fact: Fact,
    reason: str,
    *,
    message_fact: Fact | None = None,
) -> Prediction:
    return Prediction(
        Verdict.ERROR, fact, reason, error_code=code, message=message, message_fact=message_fact
    )


def unknown(reason: str) -> Prediction:
    return Prediction(Verdict.UNKNOWN, UNKNOWN_FACT, reason)
