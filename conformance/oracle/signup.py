"""Sign-up and password recovery: the status a user goes through and which password signs in (the
catalogue's ``signup`` facts, docs/facts.md; §7, §8).

The oracle cannot see a delivered code: the client says in ``Call.proof.delivered_code`` whether the
ConfirmationCode it sends is the one the endpoint delivered. Whatever the facts leave open (code
lifetimes, a code never requested, what AdminConfirmSignUp verifies) is predicted as unknown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.expect import equal, present
from conformance.oracle import facts
from conformance.oracle.core import (
    INCORRECT,
    Transition,
    client_or_refusal,
    pool_or_refusal,
    refuse,
    unchanged,
    user_not_found,
    with_user,
)
from conformance.oracle.model import (
    Answer,
    Call,
    Client,
    Prediction,
    State,
    User,
    fails,
    frozen,
    succeeds,
    unknown,
)
from conformance.oracle.tokens import authorize

_MISMATCH = "Invalid verification code provided, please try again."


def _open(state: State, reason: str, user: User) -> Transition:
    """An answer the facts leave open for a call that may change ``user``: if the endpoint accepts it,
    the model can no longer tell the user's state, so it stops predicting for them."""

    def then(answer: Answer | None) -> State:
        if answer is None or not answer.ok:
            return state
        return with_user(state, replace(user, in_sync=False))

    return Transition(unknown(reason), then, ((user.pool_id, user.username),))


def _client(state: State, call: Call) -> Client | Transition:
    client = client_or_refusal(state, call.param("ClientId"))
    if isinstance(client, Prediction):
        return refuse(state, client)
    if client.secret is not None:
        # SecretHash on these operations is checked as at sign-in; not modelled here.
        return refuse(state, unknown("a secret client's SecretHash on a code operation is not modelled"))
    return client


def _email_verified(user: User) -> bool:
    return str(user.attributes.get("email_verified", "")).lower() == "true"


def _auto_verifies_email(state: State, pool_id: str) -> bool:
    pool = state.pools.get(pool_id)
    return pool is not None and "email" in (pool.settings.get("AutoVerifiedAttributes") or ())


def _unknown_user_code_request(state: State, client: Client) -> Transition:
    if client.prevent_user_existence_errors:
        return Transition(
            succeeds(
                facts.PREVENT_FORGOT,
                "a simulated delivery for an unknown user",
                present("$.CodeDeliveryDetails.DeliveryMedium", facts.PREVENT_FORGOT),
            ),
            unchanged(state),
        )
    return refuse(state, fails("UserNotFoundException", None, facts.SIGNUP_UNKNOWN_USER, "no such user"))


def sign_up(state: State, call: Call) -> Transition:
    """SignUp: a new UNCONFIRMED user; a code goes to an e-mail the pool verifies (§8)."""
    client = _client(state, call)
    if isinstance(client, Transition):
        return client
    username = call.param("Username")
    if state.user(client.pool_id, username) is not None:
        return refuse(
            state,
            fails(
                "UsernameExistsException",
                "User already exists",
                facts.USERNAME_EXISTS_SIGN_UP,
                "the username is taken",
            ),
        )
    given = {a["Name"]: a["Value"] for a in call.param("UserAttributes") or []}
    delivers = _auto_verifies_email(state, client.pool_id) and "email" in given
    expects: list[Any] = [
        equal("$.UserConfirmed", False, facts.SIGN_UP),
        present("$.UserSub", facts.SIGN_UP),
    ]
    if delivers:
        expects += [
            equal("$.CodeDeliveryDetails.DeliveryMedium", "EMAIL", facts.SIGN_UP_DELIVERY),
            equal("$.CodeDeliveryDetails.AttributeName", "email", facts.SIGN_UP_DELIVERY),
        ]
    user = User(
        pool_id=client.pool_id,
        username=username,
        status="UNCONFIRMED",
        password=call.param("Password", ""),
        attributes=frozen(given),
        sign_up_code=delivers,
    )

    def then(answer: Answer | None) -> State:
        sub = answer.member("UserSub") if answer else None
        return with_user(
            replace(state, created=(username,)), replace(user, sub=sub or f"<sub of {username}>")
        )

    return Transition(
        succeeds(facts.SIGN_UP, "the user signs up, unconfirmed", *expects),
        then,
        ((client.pool_id, username),),
    )


def _confirmed(user: User, *, verified: bool) -> User:
    attributes = dict(user.attributes)
    if verified and "email" in attributes:
        attributes["email_verified"] = "true"
    return replace(
        user,
        status="CONFIRMED",
        sign_up_code=False,
        attributes=frozen(attributes),
        verification_unknown=not verified and "email" in attributes,
    )


def confirm_sign_up(state: State, call: Call) -> Transition:
    """ConfirmSignUp: the delivered code confirms the user and the e-mail it went to; another code is
    CodeMismatchException (§7, §8; facts:signup.confirm-with-code, facts:signup.code-mismatch)."""
    client = _client(state, call)
    if isinstance(client, Transition):
        return client
    user = state.user(client.pool_id, call.param("Username"))
    if user is None:
        if client.prevent_user_existence_errors:
            return refuse(state, unknown("ConfirmSignUp of an unknown user with existence errors hidden"))
        return refuse(state, fails("UserNotFoundException", None, facts.SIGNUP_UNKNOWN_USER, "no such user"))
    if not user.in_sync:
        return refuse(state, unknown("the model lost track of this user"), user)
    if user.status == "CONFIRMED":
        return refuse(
            state,
            fails(
                "NotAuthorizedException",
                "User cannot be confirmed. Current status is CONFIRMED",
                facts.ALREADY_CONFIRMED,
                "the user is confirmed already",
            ),
            user,
        )
    proof = call.proof.delivered_code if call.proof else None
    if user.status != "UNCONFIRMED" or not user.sign_up_code or proof is None:
        return _open(state, "no delivered sign-up code to judge this one by", user)
    if not proof:
        return refuse(
            state,
            fails("CodeMismatchException", _MISMATCH, facts.CODE_MISMATCH, "the code was not sent"),
            user,
        )
    return Transition(
        succeeds(
            facts.CONFIRM_WITH_CODE,
            "the delivered code confirms the user",
            equal("$", {}, facts.CONFIRM_WITH_CODE, "empty"),
        ),
        lambda _answer: with_user(state, _confirmed(user, verified=True)),
        ((user.pool_id, user.username),),
    )


def resend_confirmation_code(state: State, call: Call) -> Transition:
    """ResendConfirmationCode: a new code for an UNCONFIRMED user, at most five an hour; a confirmed user
    is refused (§7; facts:signup.resend-new-code, facts:signup.resend-limit, facts:signup.resend-confirmed)."""
    client = _client(state, call)
    if isinstance(client, Transition):
        return client
    user = state.user(client.pool_id, call.param("Username"))
    if user is None:
        return _unknown_user_code_request(state, client)
    if not user.in_sync:
        return _open(state, "the model lost track of this user", user)
    if user.status == "CONFIRMED":
        return refuse(
            state,
            fails(
                "InvalidParameterException",
                "User is already confirmed.",
                facts.RESEND_CONFIRMED,
                "the user is confirmed already",
            ),
            user,
        )
    if user.status != "UNCONFIRMED":
        return _open(state, f"ResendConfirmationCode of a {user.status} user is not modelled", user)
    if user.resends >= 5:
        return refuse(
            state,
            fails(
                "LimitExceededException",
                "Attempt limit exceeded, please try after some time.",
                facts.RESEND_LIMIT,
                "five resends this hour already",
            ),
            user,
        )
    expects = [
        equal("$.CodeDeliveryDetails.DeliveryMedium", "EMAIL", facts.RESEND_NEW_CODE),
        equal("$.CodeDeliveryDetails.AttributeName", "email", facts.RESEND_NEW_CODE),
    ]
    if "email" not in user.attributes:
        return _open(state, "where a user without an e-mail gets the code is not modelled", user)
    resent = replace(user, sign_up_code=True, resends=user.resends + 1)
    return Transition(
        succeeds(facts.RESEND_NEW_CODE, "a new code is sent", *expects),
        lambda _answer: with_user(state, resent),
        ((user.pool_id, user.username),),
    )


def _admin_user(state: State, call: Call) -> User | Prediction:
    pool = pool_or_refusal(state, call.param("UserPoolId"))
    if isinstance(pool, Prediction):
        return pool
    user = state.user(pool.pool_id, call.param("Username"))
    return user_not_found() if user is None else user


def admin_confirm_sign_up(state: State, call: Call) -> Transition:
    """AdminConfirmSignUp: an UNCONFIRMED user becomes CONFIRMED; a confirmed one is refused (§7, §8)."""
    user = _admin_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    if not user.in_sync:
        return refuse(state, unknown("the model lost track of this user"), user)
    if user.status == "CONFIRMED":
        return refuse(
            state,
            fails(
                "NotAuthorizedException",
                "User cannot be confirmed. Current status is CONFIRMED",
                facts.ALREADY_CONFIRMED,
                "the user is confirmed already",
            ),
            user,
        )
    if user.status != "UNCONFIRMED":
        return _open(state, f"AdminConfirmSignUp of a {user.status} user is not modelled", user)
    return Transition(
        succeeds(facts.ADMIN_CONFIRM, "the user is confirmed", equal("$", {}, facts.ADMIN_CONFIRM, "empty")),
        lambda _answer: with_user(state, _confirmed(user, verified=False)),
        ((user.pool_id, user.username),),
    )


def forgot_password(state: State, call: Call) -> Transition:
    """ForgotPassword: a reset code to the user's verified e-mail (the only channel this model gives
    users); none verified is InvalidParameterException (§7, §8; facts:signup.forgot-password)."""
    client = _client(state, call)
    if isinstance(client, Transition):
        return client
    user = state.user(client.pool_id, call.param("Username"))
    if user is None:
        return _unknown_user_code_request(state, client)
    if not user.in_sync or user.verification_unknown or "phone_number" in user.attributes:
        return _open(state, "the user's verified channels are not known", user)
    if user.status not in ("CONFIRMED", "RESET_REQUIRED"):
        return _open(state, f"ForgotPassword of a {user.status} user is not modelled", user)
    if not _email_verified(user):
        return refuse(
            state,
            fails(
                "InvalidParameterException", None, facts.NO_VERIFIED_CHANNEL, "no verified e-mail or phone"
            ),
            user,
        )
    return Transition(
        succeeds(
            facts.FORGOT_PASSWORD,
            "a reset code goes to the verified e-mail",
            equal("$.CodeDeliveryDetails.DeliveryMedium", "EMAIL", facts.FORGOT_DELIVERY),
            equal("$.CodeDeliveryDetails.AttributeName", "email", facts.FORGOT_DELIVERY),
        ),
        lambda _answer: with_user(state, replace(user, reset_code=True)),
        ((user.pool_id, user.username),),
    )


def confirm_forgot_password(state: State, call: Call) -> Transition:
    """ConfirmForgotPassword: the delivered code sets the new password and makes the user CONFIRMED;
    another code is CodeMismatchException (§7, §8; facts:signup.forgot-password, facts:signup.code-mismatch)."""
    client = _client(state, call)
    if isinstance(client, Transition):
        return client
    user = state.user(client.pool_id, call.param("Username"))
    if user is None:
        if client.prevent_user_existence_errors:
            return refuse(
                state, fails("CodeMismatchException", None, facts.PREVENT_CONFIRM, "existence errors hidden")
            )
        return refuse(state, fails("UserNotFoundException", None, facts.SIGNUP_UNKNOWN_USER, "no such user"))
    proof = call.proof.delivered_code if call.proof else None
    if not user.in_sync or not user.enabled or not user.reset_code or proof is None:
        # A code never requested (or used already) answers ExpiredCodeException only by an UNVERIFIED text.
        return _open(state, "no delivered reset code to judge this one by", user)
    if not proof:
        return refuse(
            state,
            fails("CodeMismatchException", _MISMATCH, facts.CODE_MISMATCH, "the code was not sent"),
            user,
        )
    fact = facts.RESET_REQUIRED_RECOVERY if user.status == "RESET_REQUIRED" else facts.FORGOT_PASSWORD
    recovered = replace(
        user, password=call.param("Password", ""), status="CONFIRMED", reset_code=False, failed_attempts=0
    )
    return Transition(
        succeeds(fact, "the new password is set", equal("$", {}, fact, "empty")),
        lambda _answer: with_user(state, recovered),
        ((user.pool_id, user.username),),
    )


def admin_reset_user_password(state: State, call: Call) -> Transition:
    """AdminResetUserPassword: the user is RESET_REQUIRED and a reset code goes to a verified e-mail (§8)."""
    user = _admin_user(state, call)
    if isinstance(user, Prediction):
        return refuse(state, user)
    if not user.in_sync or user.verification_unknown or user.status != "CONFIRMED":
        return _open(state, "a reset of this user is not modelled", user)
    reset = replace(user, status="RESET_REQUIRED", reset_code=_email_verified(user))
    return Transition(
        succeeds(
            facts.RESET_REQUIRED,
            "the user must reset the password",
            equal("$", {}, facts.RESET_REQUIRED, "empty"),
        ),
        lambda _answer: with_user(state, reset),
        ((user.pool_id, user.username),),
    )


def change_password(state: State, call: Call) -> Transition:
    """ChangePassword: the right previous password sets the new one; a wrong one is NotAuthorizedException (§7)."""
    found = authorize(state, call.param("AccessToken"))
    if isinstance(found, Prediction):
        return refuse(state, found)
    _, user = found
    if not user.in_sync or user.status != "CONFIRMED" or not user.enabled:
        return _open(state, "ChangePassword of this user is not modelled", user)
    if call.param("PreviousPassword") != user.password:
        return refuse(
            state,
            fails(
                "NotAuthorizedException",
                INCORRECT,
                facts.CHANGE_PASSWORD_WRONG,
                "the previous password is wrong",
            ),
            user,
        )
    changed = replace(user, password=call.param("ProposedPassword", ""))
    return Transition(
        succeeds(
            facts.CHANGE_PASSWORD, "the password is changed", equal("$", {}, facts.CHANGE_PASSWORD, "empty")
        ),
        lambda _answer: with_user(state, changed),
        ((user.pool_id, user.username),),
    )


def delete_user(state: State, call: Call) -> Transition:
    """DeleteUser: the access token's user is gone (§8; facts:signup.delete-user)."""
    found = authorize(state, call.param("AccessToken"))
    if isinstance(found, Prediction):
        return refuse(state, found)
    _, user = found
    if not user.in_sync:
        return _open(state, "the model lost track of this user", user)
    return Transition(
        succeeds(facts.DELETE_USER, "the user is deleted", equal("$", {}, facts.DELETE_USER, "empty")),
        lambda _answer: with_user(state, replace(user, deleted=True)),
        ((user.pool_id, user.username),),
    )
