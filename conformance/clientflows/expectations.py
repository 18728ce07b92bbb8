"""Known client-flow failures, per implementation: ``expectations/<implementation>.toml``.

Each entry names a flow, a fragment of the client's error text, and a reason that cites the fact of
the step that failed (``facts:<id>``)::

    [[flow]]
    id = "acij.sign-in-srp"
    error = "UserNotFoundException: User does not exist."
    reason = "moto 5.2.5 refuses ... (facts:auth.srp-then-new-password)"

A failure is *known* only when its entry's ``error`` fragment is in the client's error text, so an
entry cannot swallow a different failure of the same flow. An entry whose flow passes has
*vanished*: the run fails until the entry is removed, so the list never outlives what it describes.
An implementation without a file (``unknown``, AWS) has no known failures.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from conformance.clientflows.catalogue import flow_by_id
from conformance.clientflows.records import FlowResult
from conformance.facts import fact

_CITATION = re.compile(r"facts:([a-z0-9-]+\.[a-z0-9-]+)")


class ExpectationError(ValueError):
    """A malformed expectations file: named with the entry at fault."""


@dataclass(frozen=True)
class KnownFailure:
    flow: str
    error: str
    reason: str


def _file_name(implementation: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", implementation.lower()) + ".toml"


def parse_expectations(text: str, source: str = "<text>") -> dict[str, KnownFailure]:
    """The entries of one file, keyed by flow id.

    Raises:
        ExpectationError: an entry with an unknown flow, no error fragment, a reason citing no fact
            or an unknown fact, or a flow listed twice.
    """
    data = tomllib.loads(text)
    known: dict[str, KnownFailure] = {}
    for number, entry in enumerate(data.get("flow", []), start=1):
        where = f"{source} entry {number}"
        flow_id = str(entry.get("id", ""))
        try:
            flow_by_id(flow_id)
        except KeyError as error:
            raise ExpectationError(f"{where}: {error.args[0]}") from None
        fragment = str(entry.get("error", "")).strip()
        if not fragment:
            raise ExpectationError(f"{where} ({flow_id}): no `error` fragment of the client's error text")
        reason = str(entry.get("reason", "")).strip()
        cited = _CITATION.findall(reason)
        if not cited:
            raise ExpectationError(f"{where} ({flow_id}): the reason cites no fact (facts:<id>)")
        for fact_id in cited:
            try:
                fact(fact_id)
            except KeyError as error:
                raise ExpectationError(f"{where} ({flow_id}): {error}") from None
        if flow_id in known:
            raise ExpectationError(f"{where}: {flow_id} is listed twice")
        known[flow_id] = KnownFailure(flow_id, fragment, reason)
    return known


def load_expectations(implementation: str) -> dict[str, KnownFailure]:
    """The known client-flow failures of ``implementation`` (empty when it has no file)."""
    name = _file_name(implementation)
    path = resources.files("conformance.clientflows").joinpath("expectations", name)
    if not path.is_file():
        return {}
    return parse_expectations(path.read_text("utf-8"), f"conformance/clientflows/expectations/{name}")


def judge(results: list[FlowResult], known: dict[str, KnownFailure]) -> list[FlowResult]:
    """Set each result's verdict (and reason) from ``known``; returns ``results``."""
    for result in results:
        entry = known.get(result.flow)
        if result.outcome == "pass":
            result.verdict = "vanished" if entry else "pass"
        elif result.outcome == "not-reached":
            result.verdict = "blocked"
        elif entry and result.outcome == "fail" and entry.error in result.error:
            result.verdict = "known"
        else:
            result.verdict = "unexpected"
        if entry:
            result.reason = entry.reason
    return results
