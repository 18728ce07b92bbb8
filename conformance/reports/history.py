"""The history file: one compact summary line per run, and what changed since an endpoint's last run.

``history.jsonl`` is appended to at the end of every run (by the plugin, through :func:`append_run`)
and is small enough to keep in a CI cache or commit: per run it holds the date, the endpoint and
its version, the harness and model versions, the outcome counts per operation and the divergence
ids, never expected or actual values (those may carry data from the endpoint; the ids are hashes
of ``Operation check path``, conformance.divergence.Divergence.fingerprint).
"""

from __future__ import annotations

import fcntl
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.records import OUTCOMES, SUMMARY_FILE, Run, load_run

#: Bumped when a summary's fields change meaning, so old lines can still be told apart.
HISTORY_SCHEMA = 1


def pass_share(counts: dict[str, int]) -> float:
    """Share of checks that passed, in [0, 1].

    Every results line counts, unsupported ones included: an emulator that implements an operation
    it skipped before should see its share rise, and one that drops an operation should see it fall.
    """
    total = sum(counts.values())
    return round(counts.get("pass", 0) / total, 4) if total else 0.0


def summarize_run(run: Run) -> dict[str, Any]:
    """The compact history record of one run (no expected/actual values, no evidence)."""
    counts = run.counts()
    specs = run.info.get("specs") or {}
    divergences = run.divergence_index()
    # A divergence id reported only on a results line (no divergences.jsonl record) still counts.
    ids = set(divergences) | {str(i) for r in run.results for i in (r.get("divergence_ids") or [])}
    return {
        "schema": HISTORY_SCHEMA,
        "run_id": run.run_id,
        "date": datetime.fromtimestamp(run.finished, UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z"),
        "started": run.started,
        "endpoint": run.endpoint,
        "endpoint_version": run.endpoint_version,
        # A partial run (interrupted, or a subset of the suite) did not reach what it did not report:
        # it is drawn in the trend but never compared for new and fixed divergences.
        "status": run.status,
        "partial": run.partial,
        "harness_version": run.info.get("harness_version", ""),
        "botocore_version": run.info.get("botocore_version", ""),
        "model_sha256": specs.get("model_sha256", ""),
        "counts": counts,
        "pass_share": pass_share(counts),
        "operations": run.counts_by_operation(),
        "divergence_ids": sorted(ids),
        "known_divergence_ids": sorted(i for i, d in divergences.items() if d.get("known")),
        # Labels let the page name a *fixed* divergence, whose details are no longer in any current run.
        "divergence_labels": {
            i: f"{d.get('operation', '?')} {d.get('check', '?')} {d.get('path', '')}".strip()
            for i, d in sorted(divergences.items())
        },
    }


def read_history(history: Path) -> list[dict[str, Any]]:
    """Every summary in the history file, oldest first (missing file: no history yet)."""
    if not history.is_file():
        return []
    records = []
    for number, line in enumerate(history.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ValueError(f"{history}:{number}: not JSON: {error.msg}") from error
    return sorted(records, key=lambda r: (r.get("started", 0), r.get("run_id", "")))


def append_run(run_dir: Path, history: Path) -> dict[str, Any]:
    """Append the summary of the run in ``run_dir`` to ``history`` and return it.

    Appending the same run twice is a no-op (the existing line is returned), so a re-run of the
    report step in CI does not count a run twice in the trend.

    Args:
        run_dir: the folder the run wrote ``run.json`` and its JSON Lines into.
        history: the history file (created, with its folder, when missing).

    Returns:
        The summary record of the run.
    """
    summary = summarize_run(load_run(run_dir))
    history.parent.mkdir(parents=True, exist_ok=True)
    with history.open("a+", encoding="utf-8") as handle:
        # Two runs (e.g. two endpoints in parallel CI jobs on one runner) may finish together.
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        for line in handle.read().splitlines():
            if line.strip():
                existing = json.loads(line)
                if existing.get("run_id") == summary["run_id"]:
                    return existing
        handle.seek(0, 2)
        handle.write(json.dumps(summary, sort_keys=True, separators=(",", ":")) + "\n")
    return summary


def merge_history(history: list[dict[str, Any]], runs: list[Run]) -> list[dict[str, Any]]:
    """History plus the summaries of ``runs`` not yet in it, oldest first (deduplicated by run id)."""
    by_id: dict[str, dict[str, Any]] = {}
    for record in history:
        # The same run may be in several history files (one per reports folder); keep one.
        if "run_id" in record:
            by_id.setdefault(record["run_id"], record)
    for run in runs:
        by_id.setdefault(run.run_id, summarize_run(run))
    return sorted(by_id.values(), key=lambda r: (r.get("started", 0), r.get("run_id", "")))


def changes_since_previous(summaries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per endpoint, the divergences new and fixed in its latest complete run against the complete run before.

    Partial runs (``"partial": true``: interrupted, or a subset of the suite) are left out: a
    divergence a run did not reach is not fixed, and one a subset happened to meet first is not new.
    History lines written before runs were marked count as complete.

    Returns:
        ``{endpoint: {"run_id", "previous_run_id", "new": [ids], "fixed": [ids], "labels": {id: label}}}``;
        ``previous_run_id`` is None (and nothing is new or fixed) for an endpoint with one complete run;
        an endpoint with no complete run is left out.
    """
    per_endpoint: dict[str, list[dict[str, Any]]] = {}
    for record in summaries:
        if record.get("partial"):
            continue
        per_endpoint.setdefault(record.get("endpoint", "?"), []).append(record)
    changes = {}
    for endpoint, records in per_endpoint.items():
        latest = records[-1]
        previous = records[-2] if len(records) > 1 else None
        labels = {**(previous or {}).get("divergence_labels", {}), **latest.get("divergence_labels", {})}
        now = set(latest.get("divergence_ids", []))
        before = set(previous.get("divergence_ids", [])) if previous else now
        changes[endpoint] = {
            "run_id": latest.get("run_id"),
            "previous_run_id": previous.get("run_id") if previous else None,
            "new": sorted(now - before),
            "fixed": sorted(before - now),
            "labels": labels,
        }
    return changes


def summary_record(run: Run) -> dict[str, Any]:
    """The machine-readable summary of one run (see :func:`summary_line`)."""
    counts = run.counts()
    divergences = run.divergence_index()
    hard = run.hard_divergence_ids()
    return {
        "run_id": run.run_id,
        "endpoint": run.endpoint,
        "endpoint_version": run.endpoint_version,
        "status": run.status,
        "status_reason": run.info.get("status_reason") or "",
        "partial": run.partial,
        "checks": sum(counts.values()),
        **{outcome: counts[outcome] for outcome in OUTCOMES},
        "pass_share": pass_share(counts),
        "divergences": len(divergences),
        "hard_divergences": len(hard),
        "hypothesis_seed": run.info.get("hypothesis_seed"),
        "duration_s": round(run.finished - run.started, 3) if run.info else None,
        # What judged the run: the harness, and the service model its schemas were generated from.
        "harness_version": run.info.get("harness_version", ""),
        "model_botocore_version": (run.info.get("specs") or {}).get("botocore_version", ""),
    }


def summary_line(run_dir: Path) -> str:
    """One line of JSON summing up the run in ``run_dir``, for CI logs and ``summary.json``.

    ``status`` is the run's (:attr:`conformance.records.Run.status`): ``interrupted`` when it did not
    reach its end, ``insufficient`` when too little was answered to judge, ``fail`` when it has a
    harness error or an unexpected divergence on a verified or documented fact, else ``pass``.
    """
    return json.dumps(summary_record(load_run(run_dir)), sort_keys=False, separators=(",", ":"))


def write_summary(run_dir: Path) -> str:
    """Write :func:`summary_line` to ``run_dir/summary.json`` and return it."""
    line = summary_line(run_dir)
    (run_dir / SUMMARY_FILE).write_text(line + "\n", encoding="utf-8")
    return line
