"""The peer suite's record: ``peers.json``, one per run, and how a run is judged.

A test's outcome is what pytest said (``pass``, ``fail``, ``error`` in set-up or tear-down,
``skipped``), with the failure's first line as its reason. Its verdict puts it against the endpoint's
expected failures, as the main suite does: ``pass``, ``known`` (failed, and expected to),
``unexpected`` (failed, not expected), ``vanished`` (expected to fail, but passed) or ``skipped``.
A run passes when no test is unexpected or vanished and no expected failure names a test the run did
not have.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conformance.peers.expectations import ExpectedFailure

#: The file a peer run writes in its output folder.
PEERS_FILE = "peers.json"
#: The record's format; a reader refuses another.
FORMAT = "cognito-conformance/peers/1"

OUTCOMES = ("pass", "fail", "error", "skipped")
VERDICTS = ("pass", "known", "unexpected", "vanished", "skipped")


@dataclass
class PeerTest:
    """One peer test's result on one endpoint."""

    name: str
    outcome: str
    reason: str = ""
    seconds: float = 0.0
    verdict: str = ""
    expected_reason: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome in ("fail", "error")


@dataclass
class PeerRun:
    """One run of the peer suite against one endpoint.

    Attributes:
        status: ``pass``, ``fail`` (an unexpected or vanished result) or ``error`` (the peer suite
            itself could not run: no sdist, pytest could not collect, a time-out).
        vanished: expected failures naming a test the run did not have.
    """

    endpoint: str
    label: str
    implementation: str
    moto_version: str
    started: float
    seconds: float = 0.0
    status: str = "error"
    status_reason: str = ""
    tests: list[PeerTest] = field(default_factory=list)
    out_of_scope: dict[str, str] = field(default_factory=dict)
    vanished: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        for test in self.tests:
            counts[test.verdict] = counts.get(test.verdict, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["format"] = FORMAT
        data["counts"] = self.counts()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PeerRun:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a peer-suite record ({data.get('format')!r}, expected {FORMAT!r})")
        fields = {k: v for k, v in data.items() if k not in ("format", "counts", "tests")}
        return cls(**fields, tests=[PeerTest(**t) for t in data.get("tests", [])])

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / PEERS_FILE
        path.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return path


def judge(
    tests: list[PeerTest], expected: dict[str, ExpectedFailure], out_of_scope: dict[str, str] | None = None
) -> list[str]:
    """Set each test's verdict against ``expected``; returns the expected names the run did not have.

    An expected failure of a test the run left out of scope (``out_of_scope``, e.g. the tests that need
    IAM when no IAM endpoint was given) is not missing: the run did not try it.
    """
    for test in tests:
        entry = expected.get(test.name)
        test.expected_reason = entry.reason if entry else ""
        if test.outcome == "skipped":
            test.verdict = "skipped"
        elif test.failed:
            test.verdict = "known" if entry else "unexpected"
        else:
            test.verdict = "vanished" if entry else "pass"
    ran = {test.name for test in tests}
    skipped = set(out_of_scope or {})
    return sorted(name for name in expected if name not in ran and name not in skipped)


def verdict_status(run: PeerRun) -> tuple[str, str]:
    """The run's status and a one-line reason, from its judged tests."""
    bad = [t.name for t in run.tests if t.verdict in ("unexpected", "vanished")]
    if bad or run.vanished:
        parts = []
        if bad:
            parts.append("unexpected results: " + ", ".join(bad))
        if run.vanished:
            parts.append("expected failures of tests that did not run: " + ", ".join(run.vanished))
        return "fail", "; ".join(parts)
    if not run.tests:
        return "error", "no peer test ran"
    return "pass", "every result as expected"


def load_peer_run(path: Path) -> PeerRun:
    """The run recorded in ``path`` (a ``peers.json`` or the folder that holds one)."""
    if path.is_dir():
        path = path / PEERS_FILE
    return PeerRun.from_json(json.loads(path.read_text(encoding="utf-8")))


def find_peer_runs(inputs: list[Path]) -> list[PeerRun]:
    """Every peer run recorded in or under ``inputs``, in path order.

    Raises:
        ValueError: a ``peers.json`` that is not a peer-suite record (a report must not drop a run
            silently).
    """
    runs: list[PeerRun] = []
    seen: set[Path] = set()
    for root in inputs:
        paths = [root] if root.is_file() else sorted(root.rglob(PEERS_FILE)) if root.is_dir() else []
        for path in paths:
            if path.name != PEERS_FILE or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            runs.append(load_peer_run(path))
    return runs
