"""RespondToAuthChallenge and AdminRespondToAuthChallenge: NEW_PASSWORD_REQUIRED, PASSWORD_VERIFIER, sessions.

Facts: docs/facts.md §1 (the SRP proof, TIMESTAMP), §3 (challenges, sessions), §8 (FORCE_CHANGE_PASSWORD),
§12.2 (TIMESTAMP forms), §12.4 (session texts). The device challenges are in the device tests.

Run a subset: ``pytest conformance/suite/test_auth_challenges.py -k session --endpoint=reference``.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from conformance import flows
from conformance.crypto.srp import UserSrpClient, cognito_timestamp
from conformance.facts import Fact, fact

pytestmark = pytest.mark.kind("semantics")

PASSWORD_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
ADMIN_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
#: §3: sessions last three minutes by default; a little more, so that the session has certainly expired.
SESSION_LIFETIME_S = 3 * 60

NEW_PASSWORD_CHALLENGE = fact("auth.new-password-challenge")
NEW_PASSWORD_PARAMETERS = fact("auth.new-password-parameters")
SESSION_ISSUED = fact("auth.session-issued")
COMPLETION = fact("auth.completion")
NO_CHALLENGE_ON_SUCCESS = fact("auth.no-challenge-on-success")
CONFIRMED_AFTER_NEW_PASSWORD = fact("auth.new-password-challenge")
TEMPORARY_PASSWORD_REUSED = fact("auth.temporary-password-reused")
ADMIN_NEW_PASSWORD = fact("auth.admin-new-password")
SRP_THEN_NEW_PASSWORD = fact("auth.srp-then-new-password")
POLICY = fact("auth.policy")
POLICY_TEXT_CHANGE = fact("auth.policy-text-change")
SESSION_TWICE = fact("auth.session-twice")
SESSION_GARBAGE = fact("auth.session-garbage")
SESSION_GARBAGE_TEXT = fact("auth.session-garbage-text")
SESSION_EXPIRED = fact("auth.session-expired")
SESSION_VALIDITY_SETTING = fact("auth.session-validity-setting")
VERIFIER_RIGHT = fact("auth.verifier-right")
VERIFIER_WITHOUT_SESSION = fact("auth.verifier-without-session")
VERIFIER_WRONG = fact("auth.verifier-wrong")
SRP_CHALLENGE = fact("auth.srp-challenge")
USER_ID_FOR_SRP = fact("auth.user-id-for-srp")
PADDED_DAY = fact("auth.padded-day")
PADDED_DAY_INFERRED = fact("auth.padded-day-inferred")
WRONG_WEEKDAY = fact("auth.wrong-weekday")
MALFORMED_TIMESTAMP = fact("auth.malformed-timestamp")
ANSWER_NEEDS_SECRET_HASH = fact("auth.answer-needs-secret-hash")
SECRET_HASH_OK = fact("auth.secret-hash-ok")
ANSWER_SECRET_HASH_TEXT = fact("auth.answer-secret-hash-text")

INCORRECT = "Incorrect username or password."


def start_new_password_challenge(cognito, check, client, user, *, admin: bool = False):
    """Sign a FORCE_CHANGE_PASSWORD user in with a password flow; the NEW_PASSWORD_REQUIRED response or None."""
    challenge = flows.password_sign_in(cognito, client, user, admin=admin)
    if not check.succeeded(challenge, NEW_PASSWORD_CHALLENGE, note="signing in with the temporary password"):
        return None
    if not check.equal(
        challenge, "$.ChallengeName", "NEW_PASSWORD_REQUIRED", NEW_PASSWORD_CHALLENGE, check="challenge-name"
    ):
        return None
    if not check.present(challenge, "$.Session", SESSION_ISSUED):
        return None
    return challenge


def check_completed(check, response, fact: Fact) -> bool:
    """A challenge answer that ends the sign-in (§3): tokens, ``ChallengeParameters == {}``, no new challenge."""
    if not check.succeeded(response, fact):
        return False
    check.present(response, "$.AuthenticationResult.AccessToken", fact)
    check.present(response, "$.AuthenticationResult.RefreshToken", fact)
    check.equal(response, "$.ChallengeParameters", {}, COMPLETION, check="empty-map")
    check.absent(response, "$.ChallengeName", NO_CHALLENGE_ON_SUCCESS)
    check.absent(response, "$.Session", NO_CHALLENGE_ON_SUCCESS)
    return True


def typed_username(user: flows.TestUser):
    """A tamper that answers with the typed username in USERNAME (the proof still uses USER_ID_FOR_SRP).

    In a pool without aliases USER_ID_FOR_SRP is the username (§12.2 [MINI-1758]), so on AWS this is
    the same answer; it keeps the proof checks below independent of how an endpoint resolves USERNAME
    (a wrong USER_ID_FOR_SRP is reported by the right-password test).
    """

    def tamper(responses: dict[str, str]) -> dict[str, str]:
        return {**responses, "USERNAME": user.username}

    return tamper


def forge_signature(responses: dict[str, str]) -> dict[str, str]:
    """The same answer with one bit of PASSWORD_CLAIM_SIGNATURE flipped (a forged proof)."""
    signature = bytearray(base64.b64decode(responses["PASSWORD_CLAIM_SIGNATURE"]))
    signature[0] ^= 0x01
    return {**responses, "PASSWORD_CLAIM_SIGNATURE": base64.b64encode(bytes(signature)).decode()}


# --- NEW_PASSWORD_REQUIRED -------------------------------------------------------------------------


@pytest.mark.fact(SESSION_ISSUED)
def test_new_password_required_challenge_parameters(cognito, check, user_pool, make_app_client, make_user):
    """§3: the challenge carries USER_ID_FOR_SRP, and requiredAttributes/userAttributes as JSON *strings*."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, confirmed=False)
    challenge = start_new_password_challenge(cognito, check, client, user)
    if challenge is None:
        return
    session = check.read(challenge, "$.Session", str, default="")
    check.that(
        20 <= len(session) <= 2048,
        operation=challenge.operation,
        check="session.length",
        path="$.Session",
        expected="20..2048 characters",
        actual=f"{len(session)} characters",
        fact=SESSION_ISSUED,
        evidence=challenge.exchange,
    )
    parameters = check.read(challenge, "$.ChallengeParameters", dict, default={})
    check.present(challenge, "$.ChallengeParameters.USER_ID_FOR_SRP", NEW_PASSWORD_PARAMETERS)
    # That its value is the username rests on one third-party measurement (§13): reported only.
    check.equal(challenge, "$.ChallengeParameters.USER_ID_FOR_SRP", user.username, USER_ID_FOR_SRP)
    for name, kind in (("requiredAttributes", list), ("userAttributes", dict)):
        raw = parameters.get(name)
        try:
            decoded = json.loads(raw) if isinstance(raw, str) else None
        except ValueError:
            decoded = None
        check.that(
            isinstance(decoded, kind),
            operation=challenge.operation,
            check="json-string",
            path=f"$.ChallengeParameters.{name}",
            expected=f"a JSON {kind.__name__} encoded as a string",
            actual=raw if raw is not None else "<absent>",
            fact=NEW_PASSWORD_PARAMETERS,
            evidence=challenge.exchange,
        )
    check.equal(
        challenge, "$.ChallengeParameters.requiredAttributes", "[]", NEW_PASSWORD_PARAMETERS, check="value"
    )


@pytest.mark.fact(NEW_PASSWORD_CHALLENGE)
def test_new_password_answer_returns_tokens_and_confirms_user(
    cognito, check, user_pool, make_app_client, make_user
):
    """§3, §8: NEW_PASSWORD ends the sign-in (tokens, empty ChallengeParameters), the user is CONFIRMED, the password works."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, confirmed=False)
    challenge = start_new_password_challenge(cognito, check, client, user)
    if challenge is None:
        return
    answer = flows.answer_new_password(cognito, client, user, challenge)
    if not check_completed(check, answer, NEW_PASSWORD_CHALLENGE):
        return
    described = cognito.admin_get_user(UserPoolId=user_pool, Username=user.username)
    if check.succeeded(described, CONFIRMED_AFTER_NEW_PASSWORD):
        check.equal(described, "$.UserStatus", "CONFIRMED", CONFIRMED_AFTER_NEW_PASSWORD, check="status")
    check.succeeded(flows.password_sign_in(cognito, client, user), CONFIRMED_AFTER_NEW_PASSWORD)


@pytest.mark.fact(TEMPORARY_PASSWORD_REUSED)
def test_new_password_may_equal_temporary_password(cognito, check, user_pool, make_app_client, make_user):
    """§8: answering NEW_PASSWORD_REQUIRED with the temporary password itself is accepted (verified against AWS)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, confirmed=False)
    challenge = start_new_password_challenge(cognito, check, client, user)
    if challenge is None:
        return
    answer = flows.answer_new_password(cognito, client, user, challenge, new_password=user.password)
    check_completed(check, answer, TEMPORARY_PASSWORD_REUSED)


@pytest.mark.fact(ADMIN_NEW_PASSWORD)
def test_admin_new_password_answer_on_legacy_client(cognito, check, user_pool, make_app_client, make_user):
    """Appendix A.2: ADMIN_NO_SRP_AUTH on a legacy client -> NEW_PASSWORD_REQUIRED -> AdminRespondToAuthChallenge -> tokens."""
    client = make_app_client(user_pool, ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"])
    user = make_user(user_pool, confirmed=False)
    challenge = cognito.admin_initiate_auth(
        UserPoolId=user_pool,
        ClientId=client.client_id,
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters=client.auth_parameters(user.username, PASSWORD=user.password),
    )
    if not check.succeeded(challenge, ADMIN_NEW_PASSWORD):
        return
    if not check.equal(
        challenge, "$.ChallengeName", "NEW_PASSWORD_REQUIRED", ADMIN_NEW_PASSWORD, check="challenge-name"
    ):
        return
    answer = flows.answer_new_password(cognito, client, user, challenge, admin=True)
    check_completed(check, answer, ADMIN_NEW_PASSWORD)


@pytest.mark.kind("srp-devices")
@pytest.mark.parametrize("admin", [False, True], ids=["respond", "admin-respond"])
@pytest.mark.fact(SRP_THEN_NEW_PASSWORD)
def test_srp_sign_in_of_force_change_user_asks_for_new_password(
    cognito, check, user_pool, make_app_client, make_user, admin
):
    """Appendix A.1: SRP with the temporary password -> PASSWORD_VERIFIER -> NEW_PASSWORD_REQUIRED + Session -> tokens."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS if admin else PASSWORD_FLOWS)
    user = make_user(user_pool, confirmed=False)
    flow = flows.srp_sign_in(cognito, client, user, admin=admin)
    if not check.succeeded(flow.challenge, SRP_THEN_NEW_PASSWORD) or flow.answer is None:
        return
    if not check.succeeded(flow.answer, SRP_THEN_NEW_PASSWORD):
        return
    if not check.equal(
        flow.answer, "$.ChallengeName", "NEW_PASSWORD_REQUIRED", SRP_THEN_NEW_PASSWORD, check="challenge-name"
    ):
        return
    if not check.present(flow.answer, "$.Session", SRP_THEN_NEW_PASSWORD):
        return
    answer = flows.answer_new_password(cognito, client, user, flow.answer, admin=admin)
    check_completed(check, answer, SRP_THEN_NEW_PASSWORD)


@pytest.mark.kind("errors")
@pytest.mark.fact(POLICY)
def test_new_password_breaking_policy_is_invalid_password(
    cognito, check, user_pool, make_app_client, make_user
):
    """§7: a NEW_PASSWORD shorter than the pool's 8: InvalidPasswordException "...: Password not long enough"."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, confirmed=False)
    challenge = start_new_password_challenge(cognito, check, client, user)
    if challenge is None:
        return
    short = "Aa1!" + "b" * 3  # 7 characters: only the length rule is broken
    refused = flows.answer_new_password(cognito, client, user, challenge, new_password=short)
    check.error(
        refused,
        "InvalidPasswordException",
        POLICY,
        # A replacement password is refused in other words than SignUp's (facts:auth.policy-text-change).
        message="Password does not conform to policy: Password not long enough",
        message_fact=POLICY_TEXT_CHANGE,
    )


# --- sessions --------------------------------------------------------------------------------------


@pytest.mark.kind("errors")
@pytest.mark.parametrize("admin", [False, True], ids=["respond", "admin-respond"])
@pytest.mark.fact(SESSION_TWICE)
def test_session_used_twice_is_refused(cognito, check, user_pool, make_app_client, make_user, admin):
    """§3: a session that already succeeded: "Invalid session for the user, session can only be used once."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS if admin else PASSWORD_FLOWS)
    user = make_user(user_pool, confirmed=False)
    challenge = start_new_password_challenge(cognito, check, client, user, admin=admin)
    if challenge is None:
        return
    first = flows.answer_new_password(cognito, client, user, challenge, admin=admin)
    if not check.succeeded(first, NEW_PASSWORD_CHALLENGE):
        return
    replayed = flows.answer_new_password(cognito, client, user, challenge, admin=admin)
    check.error(
        replayed,
        "NotAuthorizedException",
        SESSION_TWICE,
        message="Invalid session for the user, session can only be used once.",
    )


@pytest.mark.kind("errors")
@pytest.mark.fact(SESSION_GARBAGE)
def test_garbage_session_is_invalid(cognito, check, user_pool, make_app_client, make_user):
    """§3, §13: a session the endpoint never issued: NotAuthorizedException (the message is reported only)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool, confirmed=False)
    challenge = start_new_password_challenge(cognito, check, client, user)
    if challenge is None:
        return
    forged = "AYABe" + "Q" * 60  # the shape of a real session (§3), never issued
    refused = flows.answer_new_password(cognito, client, user, challenge, session=forged)
    check.error(
        refused,
        "NotAuthorizedException",
        SESSION_GARBAGE,
        message="Invalid session for the user.",
        message_fact=SESSION_GARBAGE_TEXT,
    )


def wait_past(endpoint, seconds: float) -> None:
    """Let ``seconds`` pass on the endpoint: move its clock, sleep on AWS, or skip the test."""
    if not endpoint.let_time_pass(seconds):
        pytest.skip("the endpoint's clock cannot be advanced")


@pytest.mark.kind("errors")
@pytest.mark.parametrize("admin", [False, True], ids=["respond", "admin-respond"])
@pytest.mark.fact(SESSION_EXPIRED)
def test_expired_session_is_refused(cognito, check, endpoint, user_pool, make_app_client, make_user, admin):
    """§3: after the default three minutes: "Invalid session for the user, session is expired."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS if admin else PASSWORD_FLOWS)
    user = make_user(user_pool, confirmed=False)
    challenge = start_new_password_challenge(cognito, check, client, user, admin=admin)
    if challenge is None:
        return
    wait_past(endpoint, SESSION_LIFETIME_S + 10)
    refused = flows.answer_new_password(cognito, client, user, challenge, admin=admin)
    check.error(
        refused,
        "NotAuthorizedException",
        SESSION_EXPIRED,
        message="Invalid session for the user, session is expired.",
    )


@pytest.mark.fact(SESSION_VALIDITY_SETTING)
def test_session_lasts_as_long_as_the_client_says(
    cognito, check, endpoint, user_pool, make_app_client, make_user
):
    """§3: with AuthSessionValidity=5 (minutes) a session is still good after the default three minutes."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS, AuthSessionValidity=5)
    user = make_user(user_pool, confirmed=False)
    challenge = start_new_password_challenge(cognito, check, client, user)
    if challenge is None:
        return
    wait_past(endpoint, SESSION_LIFETIME_S + 10)
    answer = flows.answer_new_password(cognito, client, user, challenge)
    check.succeeded(answer, SESSION_VALIDITY_SETTING)


# --- PASSWORD_VERIFIER -----------------------------------------------------------------------------


@pytest.mark.kind("srp-devices")
@pytest.mark.parametrize("admin", [False, True], ids=["respond", "admin-respond"])
@pytest.mark.fact(VERIFIER_RIGHT)
def test_password_verifier_with_right_password_returns_tokens(
    cognito, check, user_pool, make_app_client, make_user, admin
):
    """§1, §3: the right SRP proof ends the sign-in with tokens and ``ChallengeParameters == {}``."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS if admin else PASSWORD_FLOWS)
    user = make_user(user_pool)
    flow = flows.srp_sign_in(cognito, client, user, admin=admin)
    # The challenge is the step before the one this test is about: judged by its own fact.
    if check.succeeded(flow.challenge, SRP_CHALLENGE) and flow.answer is not None:
        check_completed(check, flow.answer, VERIFIER_RIGHT)


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(VERIFIER_WITHOUT_SESSION)
def test_password_verifier_answer_needs_no_session(cognito, check, user_pool, make_app_client, make_user):
    """§1: AWS accepts the PASSWORD_VERIFIER answer without a Session (the state travels in SECRET_BLOCK)."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    srp = UserSrpClient(user_pool, user.password)
    challenge = cognito.initiate_auth(
        ClientId=client.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=client.auth_parameters(user.username, SRP_A=srp.srp_a_hex()),
    )
    if not check.succeeded(challenge, SRP_CHALLENGE):
        return
    responses = srp.answer_password_verifier(
        check.read(challenge, "$.ChallengeParameters", dict, default={}, items=str)
    )
    answer = cognito.respond_to_auth_challenge(
        ClientId=client.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )
    check_completed(check, answer, VERIFIER_WITHOUT_SESSION)


@pytest.mark.kind("srp-devices")
@pytest.mark.parametrize("admin", [False, True], ids=["respond", "admin-respond"])
@pytest.mark.fact(VERIFIER_WRONG)
def test_password_verifier_with_wrong_password_is_incorrect(
    cognito, check, user_pool, make_app_client, make_user, admin
):
    """§1: a proof computed from a wrong password: NotAuthorizedException "Incorrect username or password."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS if admin else PASSWORD_FLOWS)
    user = make_user(user_pool)
    flow = flows.srp_sign_in(
        cognito, client, user, admin=admin, password=flows.new_password(), tamper=typed_username(user)
    )
    # The challenge itself is plain USER_SRP_AUTH; only the answer is tampered with.
    if check.succeeded(flow.challenge, SRP_CHALLENGE) and flow.answer is not None:
        check.error(flow.answer, "NotAuthorizedException", VERIFIER_WRONG, message=INCORRECT)


@pytest.mark.kind("srp-devices")
@pytest.mark.parametrize("admin", [False, True], ids=["respond", "admin-respond"])
@pytest.mark.fact(VERIFIER_WRONG)
def test_password_verifier_with_forged_signature_is_incorrect(
    cognito, check, user_pool, make_app_client, make_user, admin
):
    """§1: the right password but one flipped bit in PASSWORD_CLAIM_SIGNATURE: "Incorrect username or password."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=ADMIN_FLOWS if admin else PASSWORD_FLOWS)
    user = make_user(user_pool)
    flow = flows.srp_sign_in(
        cognito, client, user, admin=admin, tamper=lambda r: forge_signature(typed_username(user)(r))
    )
    # The challenge itself is plain USER_SRP_AUTH; only the answer is tampered with.
    if check.succeeded(flow.challenge, SRP_CHALLENGE) and flow.answer is not None:
        check.error(flow.answer, "NotAuthorizedException", VERIFIER_WRONG, message=INCORRECT)


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(PADDED_DAY)
def test_password_verifier_with_zero_padded_day_is_incorrect(
    cognito, check, user_pool, make_app_client, make_user
):
    """§12.2: a TIMESTAMP with a zero-padded day ("Apr 05"), correctly signed, is refused as a bad proof.

    Only days 1-9 can be zero-padded; on other days the test sends a leading zero on the two-digit
    day, which is an inference (UNVERIFIED, reported but never failing).
    """
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    now = datetime.now(UTC)
    canonical = cognito_timestamp(now)
    padded = canonical.replace(f" {now.day} ", f" 0{now.day} ", 1)
    fact = PADDED_DAY if now.day < 10 else PADDED_DAY_INFERRED
    flow = flows.srp_sign_in(cognito, client, user, timestamp=padded, tamper=typed_username(user))
    # The challenge itself is plain USER_SRP_AUTH; only the answer is tampered with.
    if check.succeeded(flow.challenge, SRP_CHALLENGE) and flow.answer is not None:
        check.error(flow.answer, "NotAuthorizedException", fact, message=INCORRECT)


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(WRONG_WEEKDAY)
def test_password_verifier_with_wrong_weekday_is_incorrect(
    cognito, check, user_pool, make_app_client, make_user
):
    """§12.2: a TIMESTAMP whose weekday does not match its date, correctly signed, is refused as a bad proof."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    canonical = cognito_timestamp()
    weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    today = canonical[:3]
    wrong = weekdays[(weekdays.index(today) + 1) % 7] + canonical[3:]
    flow = flows.srp_sign_in(cognito, client, user, timestamp=wrong, tamper=typed_username(user))
    # The challenge itself is plain USER_SRP_AUTH; only the answer is tampered with.
    if check.succeeded(flow.challenge, SRP_CHALLENGE) and flow.answer is not None:
        check.error(flow.answer, "NotAuthorizedException", WRONG_WEEKDAY, message=INCORRECT)


@pytest.mark.kind("srp-devices")
@pytest.mark.fact(MALFORMED_TIMESTAMP)
def test_password_verifier_with_malformed_timestamp_is_invalid(
    cognito, check, user_pool, make_app_client, make_user
):
    """§12.2: a TIMESTAMP that does not parse (a ``+05:30`` zone): "TIMESTAMP format should be EEE MMM d ..."."""
    client = make_app_client(user_pool, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)
    malformed = cognito_timestamp().replace(" UTC ", " +05:30 ")
    flow = flows.srp_sign_in(cognito, client, user, timestamp=malformed, tamper=typed_username(user))
    # The challenge itself is plain USER_SRP_AUTH; only the answer is tampered with.
    if check.succeeded(flow.challenge, SRP_CHALLENGE) and flow.answer is not None:
        check.error(
            flow.answer,
            "InvalidParameterException",
            MALFORMED_TIMESTAMP,
            message="TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        )


@pytest.mark.kind("errors")
@pytest.mark.fact(ANSWER_NEEDS_SECRET_HASH)
def test_password_verifier_answer_of_secret_client_needs_secret_hash(
    cognito, check, user_pool, make_app_client, make_user
):
    """§1, §3: a secret client's PASSWORD_VERIFIER answer without SECRET_HASH is refused (NotAuthorizedException)."""
    client = make_app_client(user_pool, GenerateSecret=True, ExplicitAuthFlows=PASSWORD_FLOWS)
    user = make_user(user_pool)

    def drop_secret_hash(responses: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in typed_username(user)(responses).items() if k != "SECRET_HASH"}

    flow = flows.srp_sign_in(cognito, client, user, tamper=drop_secret_hash)
    # The challenge, with SECRET_HASH, is what a secret client is accepted with; only the answer lacks it.
    if check.succeeded(flow.challenge, SECRET_HASH_OK) and flow.answer is not None:
        check.error(
            flow.answer,
            "NotAuthorizedException",
            ANSWER_NEEDS_SECRET_HASH,
            message=f"Client {client.client_id} is configured with secret but SECRET_HASH was not received",
            message_fact=ANSWER_SECRET_HASH_TEXT,
        )
