"""The run's record: JSON Lines that every report (summary table, matrix, Allure, history) is built from.

Files under the reports folder, rewritten by each run:
- ``results.jsonl``: one line per (test, operation) outcome;
- ``divergences.jsonl``: one line per divergence (redacted), with its reproducer;
- ``run.json``: who, what and when of the run, with the outcome counts.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.divergence import Outcome
from conformance.redact import redact


def new_run_id(endpoint_label: str) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in endpoint_label)
    return f"{stamp}-{safe}-{secrets.token_hex(2)}"


@dataclass
class RunRecord:
    """Appends the run's JSON Lines as tests finish and keeps counts for the summary table."""

    directory: Path
    run_id: str
    endpoint: str
    endpoint_version: str
    started: float = field(default_factory=time.time)
    counts: Counter[str] = field(default_factory=Counter)
    per_operation: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    #: the result records of this run, for summaries computed at the end (seed coverage).
    results: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._results = (self.directory / "results.jsonl").open("w", encoding="utf-8")
        self._divergences = (self.directory / "divergences.jsonl").open("w", encoding="utf-8")

    def result(
        self,
        *,
        test_id: str,
        operation: str,
        kind: str,
        outcome: Outcome,
        divergence_ids: list[str],
        confidence: str,
        source: str,
        duration_ms: float,
        message: str = "",
    ) -> None:
        self.counts[str(outcome)] += 1
        self.per_operation[operation or "-"][str(outcome)] += 1
        record = {
            "run_id": self.run_id,
            "endpoint": self.endpoint,
            "endpoint_version": self.endpoint_version,
            "test_id": test_id,
            "operation": operation,
            "kind": kind,
            "outcome": str(outcome),
            "divergence_ids": divergence_ids,
            "confidence": confidence,
            "source": source,
            "duration_ms": round(duration_ms, 3),
            "message": redact(message),
        }
        self.results.append(record)
        self._results.write(json.dumps(record, sort_keys=True) + "\n")

    def divergence(self, record: dict[str, Any]) -> None:
        record = dict(record, run_id=self.run_id)
        self._divergences.write(json.dumps(redact(record), sort_keys=True, default=str) + "\n")

    def close(self, meta: dict[str, Any]) -> dict[str, Any]:
        self._results.close()
        self._divergences.close()
        run = {
            "run_id": self.run_id,
            "started": self.started,
            "finished": time.time(),
            "endpoint": self.endpoint,
            "endpoint_version": self.endpoint_version,
            "counts": {str(o): self.counts.get(str(o), 0) for o in Outcome},
            **meta,
        }
        (self.directory / "run.json").write_text(json.dumps(redact(run), indent=2, sort_keys=True) + "\n")
        return run


def summary_table(per_operation: dict[str, Counter[str]]) -> list[str]:
    """The terminal summary: per operation, pass / divergent / known / unsupported / harness errors."""
    columns = [
        ("pass", Outcome.PASS),
        ("divergent", Outcome.DIVERGENCE),
        ("known", Outcome.EXPECTED_DIVERGENCE),
        ("unsupported", Outcome.UNSUPPORTED),
        ("harness", Outcome.HARNESS_ERROR),
    ]
    width = max([len("operation")] + [len(op) for op in per_operation])
    header = f"{'operation':<{width}}  " + "  ".join(f"{name:>11}" for name, _ in columns)
    lines = [header, "-" * len(header)]
    totals: Counter[str] = Counter()
    for operation in sorted(per_operation):
        counts = per_operation[operation]
        totals.update(counts)
        lines.append(
            f"{operation:<{width}}  " + "  ".join(f"{counts.get(str(o), 0):>11}" for _, o in columns)
        )
    lines.append("-" * len(header))
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{totals.get(str(o), 0):>11}" for _, o in columns))
    return lines


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines file written by a run."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
