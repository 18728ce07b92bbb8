"""The errors the reference answers with, in AWS's awsJson1_1 error shape (docs/facts.md §7, §10)."""

from __future__ import annotations


class CognitoError(Exception):
    """An error response: ``{"__type": code, "message": message}`` with an HTTP status.

    Args:
        code: the exception name as AWS sends it in ``__type`` (e.g. ``NotAuthorizedException``).
        message: the ``message`` text; AWS's exact wording where the facts file has it.
        status: the HTTP status; 400 for every client error, NotAuthorizedException included
            (docs/facts.md §7: the Smithy ``httpError: 403`` never reaches the wire).
    """

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def not_authorized(message: str) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


def invalid_parameter(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


def resource_not_found(message: str) -> CognitoError:
    return CognitoError("ResourceNotFoundException", message)


def user_not_found() -> CognitoError:
    # docs/facts.md §7: "User does not exist." for Admin* ops and LEGACY InitiateAuth.
    return CognitoError("UserNotFoundException", "User does not exist.")


def pool_not_found(pool_id: str) -> CognitoError:
    # docs/facts.md §7 [3P:32394350676 real-AWS snapshot].
    return resource_not_found(f"User pool {pool_id} does not exist.")


def client_not_found(client_id: str) -> CognitoError:
    # docs/facts.md §7 [3P:12010190822].
    return resource_not_found(f"User pool client {client_id} does not exist.")


def device_not_found() -> CognitoError:
    # docs/facts.md §2 and §12.1 (settled): clients match this exact text.
    return resource_not_found("Device does not exist.")


INCORRECT_CREDENTIALS = "Incorrect username or password."
