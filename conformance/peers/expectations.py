"""The peer tests an implementation is known to fail, each with a reason that cites AWS.

``conformance/peers/expectations/<implementation>.toml``, one file per implementation (as for the
main suite, one file serves every transport of it)::

    [[failure]]
    test = "test_group_in_access_token"
    reason = "the reference does not model groups; AWS puts cognito:groups in the access token (facts:tokens.access-groups)"

A reason must cite at least one fact of the catalogue (``facts:<id>``) that exists: an exception to
evidence from AWS is itself justified by what AWS does.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from conformance.facts import catalogue

_CITATION = re.compile(r"facts:([a-z0-9][a-z0-9.-]*[a-z0-9])")


class PeerExpectationsError(Exception):
    """An expectations file that cannot be used (bad shape, a reason that cites no known fact)."""


@dataclass(frozen=True)
class ExpectedFailure:
    """A peer test known to fail on an implementation, and why."""

    test: str
    reason: str


def default_path(implementation: str) -> Path | None:
    """The packaged file for ``implementation``, or None when it has none."""
    path = resources.files("conformance.peers").joinpath("expectations", f"{implementation}.toml")
    return Path(str(path)) if path.is_file() else None


def load_expected_failures(path: Path | None) -> dict[str, ExpectedFailure]:
    """The expected failures in ``path`` by test name; none for ``None``.

    Raises:
        PeerExpectationsError: the file is malformed, names a test twice, or a reason cites no fact
            of the catalogue.
    """
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PeerExpectationsError(f"{path}: {error}") from error
    unknown_keys = set(data) - {"failure"}
    if unknown_keys:
        raise PeerExpectationsError(f"{path}: unknown tables {sorted(unknown_keys)}")
    facts = catalogue()
    expected: dict[str, ExpectedFailure] = {}
    for number, entry in enumerate(data.get("failure", []), start=1):
        where = f"{path}: failure #{number}"
        if not isinstance(entry, dict) or set(entry) != {"test", "reason"}:
            raise PeerExpectationsError(f"{where}: needs exactly 'test' and 'reason'")
        test, reason = entry["test"], entry["reason"]
        if not isinstance(test, str) or not isinstance(reason, str) or not test.strip():
            raise PeerExpectationsError(f"{where}: 'test' and 'reason' must be text")
        cited = _CITATION.findall(reason)
        if not cited:
            raise PeerExpectationsError(f"{where} ({test}): the reason must cite AWS as facts:<id>")
        missing = [fact_id for fact_id in cited if fact_id not in facts]
        if missing:
            raise PeerExpectationsError(f"{where} ({test}): cites unknown facts {missing}")
        if test in expected:
            raise PeerExpectationsError(f"{where}: {test} is listed twice")
        expected[test] = ExpectedFailure(test, reason)
    return expected
