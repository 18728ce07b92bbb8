"""Password policy checks (docs/facts.md §7, §8)."""

from __future__ import annotations

from typing import Any

from conformance.reference.errors import CognitoError

#: [DG user-pool-settings-policies] the special characters, and "The space character is also
#: treated as a special character" (§8).
SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")

DEFAULT_POLICY: dict[str, Any] = {
    # docs/facts.md §8 [CLI create-user-pool] and §12.7 [TFAWS]: the default policy.
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}


def check_password(password: str, policy: dict[str, Any], *, replacing: bool = False) -> None:
    """Raise InvalidPasswordException for the first rule ``password`` breaks.

    The order length → uppercase → lowercase → numeric → symbol, one message at a time, is what
    the observed messages imply (§8; the exact order is UNVERIFIED).

    Args:
        password: the candidate password.
        policy: the pool's PasswordPolicy.
        replacing: the password replaces one (NEW_PASSWORD_REQUIRED, ConfirmForgotPassword,
            ChangePassword), which AWS refuses in other words than SignUp's and AdminCreateUser's.

    Raises:
        CognitoError: InvalidPasswordException with AWS's text.
    """

    def _invalid(reason: str) -> CognitoError:
        if replacing:
            # facts:auth.policy-text-change
            return CognitoError("InvalidPasswordException", f"Password does not conform to policy: {reason}")
        # facts:auth.policy-text-create (AdminSetUserPassword's text is not observed apart from these)
        return CognitoError("InvalidPasswordException", f"Password did not conform with policy: {reason}")

    if len(password) < int(policy.get("MinimumLength", 8)):
        raise _invalid("Password not long enough")
    if policy.get("RequireUppercase") and not any("A" <= c <= "Z" for c in password):
        raise _invalid("Password must have uppercase characters")
    if policy.get("RequireLowercase") and not any("a" <= c <= "z" for c in password):
        raise _invalid("Password must have lowercase characters")
    if policy.get("RequireNumbers") and not any("0" <= c <= "9" for c in password):
        raise _invalid("Password must have numeric characters")
    if policy.get("RequireSymbols") and not any(c in SYMBOLS for c in password):
        raise _invalid("Password must have symbol characters")
