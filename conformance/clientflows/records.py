"""The client-flow record: one JSON file per run (``client-flows.json``), written by the runner and read
by the matrix.

A run is one endpoint; each result is one flow with the client's outcome and its verdict against
the endpoint's known client-flow failures:

- outcome: ``pass``, ``fail`` (the client's own error text is the evidence), ``not-reached`` (an
  earlier flow it needs failed) or ``harness-error`` (the client script itself broke);
- verdict: ``pass``, ``known`` (a failure the expectations name, with their reason), ``unexpected``
  (a failure they do not name), ``vanished`` (a flow the expectations say fails, and it passed),
  ``blocked`` (not reached: the flow that stopped it carries the verdict).

The run fails when any verdict is ``unexpected`` or ``vanished``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conformance.redact import redact

RECORD_FILE = "client-flows.json"
OUTCOMES = ("pass", "fail", "not-reached", "harness-error")
VERDICTS = ("pass", "known", "unexpected", "vanished", "blocked")
FAILING_VERDICTS = ("unexpected", "vanished")


@dataclass
class FlowResult:
    flow: str
    client: str
    outcome: str
    error: str = ""
    observed: dict[str, Any] = field(default_factory=dict)
    verdict: str = "pass"
    #: the expectation's reason, for ``known`` and ``vanished``.
    reason: str = ""


@dataclass
class ClientFlowRun:
    """One endpoint's client-flow results.

    Attributes:
        endpoint: the endpoint's report label (``moto-server``, ``cognito-local``, ``reference-server``...).
        implementation: which implementation answered (picks the expectations file).
        url: where the clients were pointed.
        started: seconds since the epoch.
        clients: npm package -> installed version.
        results: one per flow, in the catalogue's order.
    """

    endpoint: str
    implementation: str
    url: str
    started: float
    clients: dict[str, str] = field(default_factory=dict)
    results: list[FlowResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "fail" if any(r.verdict in FAILING_VERDICTS for r in self.results) else "pass"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClientFlowRun:
        results = [
            FlowResult(**{k: v for k, v in r.items() if k in FlowResult.__dataclass_fields__})
            for r in data.get("results", [])
        ]
        return cls(
            endpoint=str(data.get("endpoint", "?")),
            implementation=str(data.get("implementation", "unknown")),
            url=str(data.get("url", "")),
            started=float(data.get("started", 0)),
            clients=dict(data.get("clients") or {}),
            results=results,
        )


def write_run(run: ClientFlowRun, out: Path) -> Path:
    """Write ``run`` to ``out/client-flows.json`` (the folder is created); returns the file."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / RECORD_FILE
    # Error texts come from the clients and the endpoint: redacted like every other record.
    path.write_text(json.dumps(redact(run.to_json()), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_client_flow_runs(inputs: list[Path]) -> list[ClientFlowRun]:
    """Every client-flow record in or under ``inputs`` (files or folders), the latest per endpoint."""
    files: list[Path] = []
    for path in inputs:
        if path.is_file() and path.name == RECORD_FILE:
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(path.rglob(RECORD_FILE)))
    latest: dict[str, ClientFlowRun] = {}
    for file in files:
        run = ClientFlowRun.from_json(json.loads(file.read_text(encoding="utf-8")))
        if run.endpoint not in latest or run.started >= latest[run.endpoint].started:
            latest[run.endpoint] = run
    return list(latest.values())
