"""One way to say "expect X at path P because of fact F", and one way to judge it.

The oracle's predictions (:mod:`conformance.oracle`) and the per-test recorder's ``equal``/
``present``/``absent``/``matches`` (:mod:`conformance.checks`) build :class:`Expect` values and
judge them with :func:`judge_member`, so a member compared in a test and the same member compared
by a stateful machine agree by construction.

This module imports only :mod:`conformance.divergence`: the oracle must stay free of the harness,
and the recorder module imports this one. ``Fact`` is named for type checking only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from conformance.divergence import CheckKind, get_path

if TYPE_CHECKING:
    from conformance.facts import Fact

#: How an absent member is shown in a report's "Endpoint returned".
ABSENT = "<absent>"
#: How "any value" is shown in a report's "AWS does".
PRESENT = "<present>"


class Rule(StrEnum):
    """How an expected member is compared."""

    EQUAL = "equal"
    PRESENT = "present"
    ABSENT = "absent"
    MATCHES = "matches"
    #: a list whose items, read at ``item_key``, form exactly this set (order is not guaranteed, §9).
    SAME_ITEMS = "same-items"
    #: a list whose items, read at ``item_key``, all belong to this set (one page of a listing).
    SUBSET_ITEMS = "subset-items"
    #: a list of at most ``value`` items (a page never exceeds Limit, §9 [BC QueryLimitType]).
    AT_MOST_ITEMS = "at-most-items"
    #: a JSON object with exactly these keys.
    KEYS = "keys"
    #: a JSON object holding at least these keys.
    HAS_KEYS = "has-keys"
    #: a list of ``{Name, Value}`` holding these names (with these values where a value is given).
    ATTRIBUTES = "attributes"


@dataclass(frozen=True)
class Expect:
    """One member of an answer whose value AWS determines, and the fact that says so."""

    path: str
    rule: Rule
    fact: Fact
    value: Any = None
    check: str = "value"
    #: for SAME_ITEMS: the key of each item that identifies it (e.g. ``Username``).
    item_key: str | None = None
    kind: CheckKind | None = None

    def describe(self) -> str:
        if self.rule is Rule.EQUAL:
            return f"{self.path} == {self.value!r}"
        if self.rule is Rule.MATCHES:
            return f"{self.path} ~ /{self.value}/"
        if self.rule is Rule.SAME_ITEMS:
            return f"{self.path}[*].{self.item_key} == {sorted(self.value)!r}"
        if self.rule is Rule.SUBSET_ITEMS:
            return f"{self.path}[*].{self.item_key} in {sorted(self.value)!r}"
        if self.rule is Rule.AT_MOST_ITEMS:
            return f"len({self.path}) <= {self.value}"
        if self.rule is Rule.KEYS:
            return f"keys of {self.path} == {sorted(self.value)!r}"
        if self.rule is Rule.HAS_KEYS:
            return f"keys of {self.path} include {sorted(self.value)!r}"
        if self.rule is Rule.ATTRIBUTES:
            shown = {k: (PRESENT if v is None else v) for k, v in dict(self.value).items()}
            return f"{self.path} includes {shown!r}"
        return f"{self.path} {self.rule}"

    def judge(self, document: Any) -> tuple[bool, Any, Any]:
        """Judge this expectation on a whole JSON document (the member is read at :attr:`path`)."""
        found, actual = get_path(document, self.path)
        return judge_member(self, found, actual)


def equal(path: str, value: Any, fact: Fact, check: str = "value") -> Expect:
    return Expect(path, Rule.EQUAL, fact, value, check)


def present(path: str, fact: Fact, check: str = "member.present") -> Expect:
    return Expect(path, Rule.PRESENT, fact, check=check)


def absent(path: str, fact: Fact, check: str = "member.absent") -> Expect:
    return Expect(path, Rule.ABSENT, fact, check=check)


def matches(path: str, pattern: str, fact: Fact, check: str = "format") -> Expect:
    return Expect(path, Rule.MATCHES, fact, pattern, check)


def same_items(
    path: str, item_key: str | None, values: frozenset[str], fact: Fact, check: str = "items"
) -> Expect:
    return Expect(path, Rule.SAME_ITEMS, fact, values, check, item_key)


def keys(path: str, names: frozenset[str], fact: Fact, check: str = "keys") -> Expect:
    return Expect(path, Rule.KEYS, fact, names, check)


def subset_items(
    path: str, item_key: str, values: frozenset[str], fact: Fact, check: str = "items"
) -> Expect:
    return Expect(path, Rule.SUBSET_ITEMS, fact, values, check, item_key)


def at_most_items(path: str, limit: int, fact: Fact, check: str = "page-size") -> Expect:
    return Expect(path, Rule.AT_MOST_ITEMS, fact, limit, check)


def has_keys(path: str, names: frozenset[str], fact: Fact, check: str = "keys") -> Expect:
    return Expect(path, Rule.HAS_KEYS, fact, names, check)


def attributes(path: str, wanted: Mapping[str, str | None], fact: Fact, check: str = "attributes") -> Expect:
    """``wanted``: name -> value, or None where only the attribute's presence is determined."""
    # A read-only copy: an Expect is a frozen value, and a caller's dict may change afterwards.
    return Expect(path, Rule.ATTRIBUTES, fact, MappingProxyType(dict(wanted)), check)


def judge_member(expect: Expect, found: bool, actual: Any) -> tuple[bool, Any, Any]:
    """Compare one member of an answer with what is expected of it.

    Returns:
        (agrees, expected as shown in a report, actual as shown in a report).
    """
    shown_actual = actual if found else ABSENT
    rule = expect.rule
    if rule is Rule.EQUAL:
        # JSON equality: True is not 1, and 1.0 is not 1 on the wire a client parses.
        same = found and actual == expect.value and type(actual) is type(expect.value)
        return same, expect.value, shown_actual
    if rule is Rule.PRESENT:
        return found and actual is not None, PRESENT, shown_actual
    if rule is Rule.ABSENT:
        return not found, ABSENT, shown_actual
    if rule is Rule.MATCHES:
        ok = found and isinstance(actual, str) and re.fullmatch(expect.value, actual) is not None
        return ok, f"/{expect.value}/", shown_actual
    if rule in (Rule.SAME_ITEMS, Rule.SUBSET_ITEMS):
        if not found or not isinstance(actual, list):
            return False, sorted(expect.value), shown_actual
        names = [item.get(expect.item_key) if isinstance(item, Mapping) else item for item in actual]
        if rule is Rule.SAME_ITEMS:
            ok = len(names) == len(set(names)) and set(names) == set(expect.value)
            return ok, sorted(expect.value), names
        extra = sorted(str(n) for n in names if n not in expect.value)
        return not extra, f"only items of {sorted(expect.value)}", extra or names
    if rule is Rule.AT_MOST_ITEMS:
        ok = found and isinstance(actual, list) and len(actual) <= expect.value
        return ok, f"at most {expect.value} items", len(actual) if isinstance(actual, list) else shown_actual
    if rule in (Rule.KEYS, Rule.HAS_KEYS):
        if not found or not isinstance(actual, Mapping):
            return False, sorted(expect.value), shown_actual
        have = set(actual)
        ok = have == set(expect.value) if rule is Rule.KEYS else set(expect.value) <= have
        return ok, sorted(expect.value), sorted(have)
    if rule is Rule.ATTRIBUTES:
        if not found or not isinstance(actual, list):
            return False, dict(expect.value), shown_actual
        attributes = {a.get("Name"): a.get("Value") for a in actual if isinstance(a, Mapping)}
        wrong = {
            name: attributes.get(name, ABSENT)
            for name, value in expect.value.items()
            if name not in attributes or (value is not None and attributes[name] != value)
        }
        shown = {k: (PRESENT if v is None else v) for k, v in expect.value.items()}
        return not wrong, shown, wrong or attributes
    raise ValueError(f"unknown rule {rule}")
