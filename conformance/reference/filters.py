"""The ListUsers filter grammar (docs/facts.md §9).

``AttributeName Filter-Type "AttributeValue"`` with ``=`` (exact) or ``^=`` (prefix), spaces around
the operator optional (both ``email^="x"`` [CLI] and ``given_name = "Jon"`` [DG] are accepted),
backslash-escaped quotes inside the value, one attribute only, an empty filter meaning everyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conformance.reference.errors import invalid_parameter

_FILTER = re.compile(r'\s*([\w:]+)\s*(\^=|=)\s*"((?:[^"\\]|\\.)*)"\s*')

#: Searchable attributes [BC ListUsers Filter doc; DG].
SEARCHABLE = frozenset(
    {
        "username",
        "email",
        "phone_number",
        "name",
        "given_name",
        "family_name",
        "preferred_username",
        "cognito:user_status",
        "status",
        "sub",
    }
)
#: Case-sensitive per the model docs: username and status; cognito:user_status is documented
#: case-insensitive. For the others the docs conflict (§9: UNVERIFIED); the reference picks
#: case-insensitive, as the DG's "All searches are case-insensitive" says.
CASE_SENSITIVE = frozenset({"username", "status"})


@dataclass(frozen=True)
class UserFilter:
    """A parsed ListUsers filter."""

    attribute: str
    prefix: bool
    value: str

    def matches(self, candidate: str | None) -> bool:
        if candidate is None:
            return False
        wanted = self.value
        if self.attribute not in CASE_SENSITIVE:
            candidate, wanted = candidate.lower(), wanted.lower()
        return candidate.startswith(wanted) if self.prefix else candidate == wanted


def parse_filter(text: str | None) -> UserFilter | None:
    """Parse a ListUsers ``Filter``.

    Args:
        text: the filter string; None or blank means no filter.

    Returns:
        The parsed filter, or None for "all users".

    Raises:
        CognitoError: InvalidParameterException "Error while parsing filter." (§9, settled in
            §12.6) for a syntax error; for an attribute that is not searchable the text is
            UNVERIFIED and the reference uses moto's "Invalid search attribute: <name>".
    """
    if text is None or not text.strip():
        return None
    match = _FILTER.fullmatch(text)
    if match is None:
        raise invalid_parameter("Error while parsing filter.")
    attribute, operator, raw_value = match.groups()
    if attribute not in SEARCHABLE:
        raise invalid_parameter(f"Invalid search attribute: {attribute}")
    value = re.sub(r"\\(.)", r"\1", raw_value)
    return UserFilter(attribute, operator == "^=", value)
