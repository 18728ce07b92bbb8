"""The reference's message outbox: every e-mail and SMS the reference would have delivered.

AWS delivers sign-up, attribute-verification, password-reset, invitation and MFA/OTP codes by
e-mail (SES or Cognito's own sender) or SMS (SNS); a test against AWS reads them from a real
mailbox. The reference delivers nothing: it appends each message here instead, so a test can read
the code a user would have received, in-process (``ReferenceApp.outbox``) or over HTTP
(``GET /reference-api/outbox?poolId=..&username=..``). The destination is the unmasked address the
message went to; ``CodeDeliveryDetails`` carries the masked form (facts:users.code-delivery-details).

Standard library only: the outbox sits beside the reference's state and imports nothing of it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: Why a message was sent. One name per code-bearing flow, shared by the endpoint connectors and the
#: suite's ``outbox`` fixture.
PURPOSES = (
    "sign-up",  # SignUp / ResendConfirmationCode: the code ConfirmSignUp takes
    "password-reset",  # ForgotPassword / AdminResetUserPassword: the code ConfirmForgotPassword takes
    "attribute-verification",  # GetUserAttributeVerificationCode / attribute updates: VerifyUserAttribute
    "invitation",  # AdminCreateUser: the temporary password (never a code to compare)
    "mfa",  # SMS_MFA / EMAIL_OTP challenges at sign-in
    "otp",  # choice-based sign-in's passwordless EMAIL_OTP / SMS_OTP
)

#: The channels a message goes by: ``DeliveryMedium`` in ``CodeDeliveryDetails``.
CHANNELS = ("EMAIL", "SMS")


@dataclass(frozen=True)
class Message:
    """One delivered message: what a user would find in their inbox or on their phone."""

    user_pool_id: str
    username: str
    channel: str
    destination: str
    purpose: str
    code: str
    sent_at: float
    #: the attribute the message verifies (``email`` / ``phone_number``), when it verifies one.
    attribute: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Outbox:
    """Messages in the order they were sent; nothing is ever delivered anywhere else."""

    def __init__(self) -> None:
        self._messages: list[Message] = []

    def deliver(
        self,
        *,
        user_pool_id: str,
        username: str,
        channel: str,
        destination: str,
        purpose: str,
        code: str,
        sent_at: float,
        attribute: str | None = None,
    ) -> Message:
        if purpose not in PURPOSES:
            raise ValueError(f"unknown message purpose {purpose!r}; known: {', '.join(PURPOSES)}")
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; known: {', '.join(CHANNELS)}")
        message = Message(
            user_pool_id=user_pool_id,
            username=username,
            channel=channel,
            destination=destination,
            purpose=purpose,
            code=code,
            sent_at=sent_at,
            attribute=attribute,
        )
        self._messages.append(message)
        return message

    def messages(self, user_pool_id: str, username: str | None = None) -> list[Message]:
        """The messages sent in one pool (to one user when ``username`` is given), oldest first."""
        return [
            message
            for message in self._messages
            if message.user_pool_id == user_pool_id and (username is None or message.username == username)
        ]

    def forget_pool(self, user_pool_id: str) -> None:
        """Drop a deleted pool's messages, so a long run's outbox holds only live pools'."""
        self._messages = [message for message in self._messages if message.user_pool_id != user_pool_id]

    def __len__(self) -> int:
        return len(self._messages)
