"""The run's record: the one module that writes and reads the JSON Lines every report is built from.

Files under the reports folder, rewritten by each run:

- ``results.jsonl``: one line per (test, operation, kind of check) outcome (fields: :data:`RESULT_FIELDS`);
- ``divergences.jsonl``: one line per divergence (redacted), with its reproducer (:data:`DIVERGENCE_FIELDS`);
- ``run.json``: who, what and when of the run, with the outcome counts. Written when the run starts,
  with ``status`` ``running``, and again when it ends, with its final status (:data:`RUN_STATUSES`). A
  run killed before its end leaves ``running``, which every reader shows as ``interrupted``
  (:attr:`Run.status`): a record never passes for a complete run it was not.

Writing (:class:`RunRecord`, :func:`result_record`, :func:`divergence_record`) and reading
(:func:`load_runs`, :func:`load_run`, :class:`Run`) sit together so that the file names and field
lists have one owner. Every report (the terminal summary, the matrix page, the history file, Allure)
reads through here, so a report can be rebuilt later, elsewhere, from a CI artifact. Runs against
several endpoints may share one folder or have one folder each (``reports/runs/<run_id>/``); lines
are grouped by their ``run_id`` either way.

Set-up calls (the fixtures' pools, clients and users) are recorded once per run under the test id
``setup::<Operation>`` (:func:`setup_test_id`), not under each test that used the fixture.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.divergence import Outcome
from conformance.redact import redact
from conformance.wire import EVIDENCE_BODY_BYTES, capped

if TYPE_CHECKING:
    from conformance.divergence import Divergence

#: The outcomes a results line can carry (conformance.divergence.Outcome), in the order reports show them.
OUTCOMES: tuple[str, ...] = tuple(str(outcome) for outcome in Outcome)
#: The kinds of check (conformance.divergence.CheckKind), the matrix's sub-rows, in display order.
KINDS: tuple[str, ...] = ("shape", "errors", "semantics", "tokens", "srp-devices", "wire")

RESULTS_FILE = "results.jsonl"
DIVERGENCES_FILE = "divergences.jsonl"
RUN_FILE = "run.json"
SUMMARY_FILE = "summary.json"


def worker_file(name: str, worker: str) -> str:
    """A pytest-xdist worker's own record file: ``results.gw0.jsonl`` for ``results.jsonl``.

    Named apart (not ``results.jsonl`` in a sub-folder) so that no reader searching a reports folder
    for run files (:func:`load_runs`) ever counts a worker's lines next to the merged ones.
    """
    stem, dot, suffix = name.partition(".")
    return f"{stem}.{worker}{dot}{suffix}"


#: ``run.json``'s ``status``: ``running`` until the run ends; then ``pass`` or ``fail`` (the test
#: verdict), ``insufficient`` (too little was answered to judge: see the plugin's
#: ``--max-unsupported-share``) or ``interrupted`` (stopped by a signal or Ctrl-C).
RUNNING = "running"
INTERRUPTED = "interrupted"
INSUFFICIENT = "insufficient"
RUN_STATUSES: tuple[str, ...] = (RUNNING, "pass", "fail", INSUFFICIENT, INTERRUPTED)

#: The members of a ``results.jsonl`` line.
RESULT_FIELDS: tuple[str, ...] = (
    "run_id",
    "endpoint",
    "endpoint_version",
    "test_id",
    "operation",
    "kind",
    "outcome",
    "divergence_ids",
    "confidence",
    "source",
    "duration_ms",
    "message",
)
#: The members of a ``divergences.jsonl`` line.
DIVERGENCE_FIELDS: tuple[str, ...] = (
    "id",
    "run_id",
    "endpoint",
    "test_id",
    "operation",
    "check",
    "kind",
    "path",
    "expected",
    "actual",
    "confidence",
    "source",
    "note",
    "known",
    "known_reason",
    "evidence",
    "reproducer",
)

#: Members of a line that carry what an endpoint sent (or text made from it), each capped at
#: EVIDENCE_BODY_BYTES once redacted; the evidence (two capped bodies and their headers) at four times that.
_CAPPED_MEMBERS = ("expected", "actual", "note", "message", "reproducer", "known_reason")
_EVIDENCE_BYTES = 4 * EVIDENCE_BODY_BYTES


def _bounded(line: dict[str, Any]) -> dict[str, Any]:
    """A redacted line with every member that holds endpoint data capped (conformance.wire.capped)."""
    line = {k: capped(v) if k in _CAPPED_MEMBERS else v for k, v in line.items()}
    if line.get("evidence") is not None:
        line["evidence"] = capped(line["evidence"], _EVIDENCE_BYTES)
    return line


#: The test id prefix of the run-level set-up record.
SETUP_PREFIX = "setup::"


def setup_test_id(operation: str) -> str:
    """``setup::CreateUserPool``: where the automatic checks of the fixtures' set-up calls are recorded."""
    return f"{SETUP_PREFIX}{operation}"


def is_setup_test_id(test_id: str) -> bool:
    return test_id.startswith(SETUP_PREFIX)


def new_run_id(endpoint_label: str) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in endpoint_label)
    return f"{stamp}-{safe}-{secrets.token_hex(3)}"


def run_tag(run_id: str) -> str:
    """The short, random part of a run id (6 hex digits), put in the names of what the run creates."""
    return run_id.rsplit("-", 1)[-1]


# --- writing ------------------------------------------------------------------------------------


def result_record(
    *,
    test_id: str,
    operation: str,
    kind: str,
    outcome: Outcome | str,
    divergence_ids: list[str],
    confidence: str,
    source: str,
    duration_ms: float,
    message: str = "",
) -> dict[str, Any]:
    """One ``results.jsonl`` line without the run's own members (:meth:`RunRecord.write` adds them)."""
    return {
        "test_id": test_id,
        "operation": operation,
        "kind": kind,
        "outcome": str(outcome),
        "divergence_ids": divergence_ids,
        "confidence": confidence,
        "source": source,
        "duration_ms": round(duration_ms, 3),
        "message": message,
    }


def divergence_record(
    divergence: Divergence, *, test_id: str, expected_reason: str | None, reproducer: str
) -> dict[str, Any]:
    """One ``divergences.jsonl`` line without the run's own members (not yet redacted: the writer does it)."""
    return {
        "id": divergence.fingerprint(),
        "test_id": test_id,
        "operation": divergence.operation,
        "check": divergence.check,
        "kind": str(divergence.kind),
        "path": divergence.path,
        "expected": divergence.expected,
        "actual": divergence.actual,
        "confidence": str(divergence.confidence),
        "source": divergence.source,
        "note": divergence.note,
        "known": expected_reason is not None,
        "known_reason": expected_reason,
        "evidence": divergence.evidence.to_json() if divergence.evidence is not None else None,
        "reproducer": reproducer,
    }


@dataclass
class Records:
    """The lines one test (or the set-up record) adds to the run: assembled once, redacted once."""

    results: list[dict[str, Any]] = field(default_factory=list)
    divergences: list[dict[str, Any]] = field(default_factory=list)

    def redacted(self) -> Records:
        return Records(redact(self.results), redact(self.divergences))


@dataclass
class RunRecord:
    """Appends the run's JSON Lines as tests finish and keeps the result lines for the end-of-run views."""

    directory: Path
    run_id: str
    endpoint: str
    endpoint_version: str
    started: float = field(default_factory=time.time)
    #: the result lines of this run, as written (the terminal summary and seed coverage read them).
    results: list[dict[str, Any]] = field(default_factory=list)

    #: what run.json says of the run besides its counts (whole_suite, endpoint source...), from the start.
    meta: dict[str, Any] = field(default_factory=dict)
    #: a pytest-xdist worker's id (``gw0``): its lines go to its own files (:func:`worker_file`), and the
    #: controller writes run.json and merges them (:meth:`merge_workers`). "" for a serial run.
    worker: str = ""

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._results = (self.directory / self._name(RESULTS_FILE)).open("w", encoding="utf-8")
        self._divergences = (self.directory / self._name(DIVERGENCES_FILE)).open("w", encoding="utf-8")
        if self.worker:
            return  # run.json and summary.json are the controller's
        # Written now, not only at the end: a run that never reaches its end must not leave the
        # previous run's run.json behind to speak for it.
        (self.directory / SUMMARY_FILE).unlink(missing_ok=True)
        self._write_info({"status": RUNNING, "counts": self.counts()})

    def _name(self, name: str) -> str:
        return worker_file(name, self.worker) if self.worker else name

    def write(self, records: Records) -> None:
        """Write lines assembled by :func:`result_record` and :func:`divergence_record` (redacted already).

        Each line is capped after redaction (:func:`_bounded`) and flushed at once, so the artifacts
        stay bounded whatever the endpoint sends, and a killed run leaves every finished test on disk.
        """
        run = {"run_id": self.run_id, "endpoint": self.endpoint}
        for line in records.results:
            line = _bounded({**run, "endpoint_version": self.endpoint_version, **line})
            self.results.append(line)
            self._results.write(json.dumps(line, sort_keys=True) + "\n")
        for line in records.divergences:
            self._divergences.write(json.dumps(_bounded({**run, **line}), sort_keys=True, default=str) + "\n")
        self._results.flush()
        self._divergences.flush()

    def merge_workers(self, workers: list[str]) -> None:
        """Append the lines the pytest-xdist workers wrote (run id and caps already theirs), then delete
        their files: the merged ``results.jsonl`` and ``divergences.jsonl`` are the run's only record.

        A worker killed mid-write may leave a last line cut short; every complete line is kept.
        """
        for worker in workers:
            results = self.directory / worker_file(RESULTS_FILE, worker)
            divergences = self.directory / worker_file(DIVERGENCES_FILE, worker)
            for line in _complete_lines(results):
                self.results.append(line)
                self._results.write(json.dumps(line, sort_keys=True) + "\n")
            for line in _complete_lines(divergences):
                self._divergences.write(json.dumps(line, sort_keys=True, default=str) + "\n")
            self._results.flush()
            self._divergences.flush()
            results.unlink(missing_ok=True)
            divergences.unlink(missing_ok=True)

    def counts(self) -> dict[str, int]:
        counter = Counter(str(r["outcome"]) for r in self.results)
        return {outcome: counter.get(outcome, 0) for outcome in OUTCOMES}

    def _write_info(self, members: dict[str, Any]) -> dict[str, Any]:
        run = {
            "run_id": self.run_id,
            "started": self.started,
            "endpoint": self.endpoint,
            "endpoint_version": self.endpoint_version,
            **self.meta,
            **members,
        }
        # Replaced whole (written aside, then renamed), so that a reader never sees half a file.
        path = self.directory / RUN_FILE
        partial = path.with_name(path.name + ".part")
        partial.write_text(json.dumps(redact(run), indent=2, sort_keys=True) + "\n")
        partial.replace(path)
        return run

    def close(self, meta: dict[str, Any], *, status: str, reason: str = "") -> dict[str, Any]:
        """Finish ``run.json`` with the run's final ``status`` (:data:`RUN_STATUSES`) and why, if not pass."""
        self._results.close()
        self._divergences.close()
        self.meta.update(meta)
        if self.worker:
            return {"run_id": self.run_id, "worker": self.worker, "status": status}
        return self._write_info(
            {"finished": time.time(), "counts": self.counts(), "status": status, "status_reason": reason}
        )


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Run:
    """One pytest run against one endpoint, as read back from its files.

    Attributes:
        run_id: the harness's id for the run, e.g. ``20261126T031500Z-moto-1a2b``.
        endpoint: the endpoint's name (``moto``, ``moto-server``, ``cognito-local``, ``reference``, ``aws``).
        info: the run's ``run.json`` (empty when the run left none, e.g. it was interrupted).
        results: the results lines of this run, one per (test, operation) outcome.
        divergences: the divergence records of this run.
    """

    run_id: str
    endpoint: str
    info: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    divergences: list[dict[str, Any]] = field(default_factory=list)

    @property
    def endpoint_version(self) -> str:
        """The endpoint's version as the harness found it, or ``""`` when unknown."""
        if self.info.get("endpoint_version"):
            return str(self.info["endpoint_version"])
        return next((str(r["endpoint_version"]) for r in self.results if r.get("endpoint_version")), "")

    @property
    def status(self) -> str:
        """``pass``, ``fail``, ``insufficient`` or ``interrupted`` (:data:`RUN_STATUSES`).

        A run whose ``run.json`` still says ``running``, or that left none, did not reach its end: it
        is ``interrupted``. A ``run.json`` of an older harness (no ``status``, but finished) is read
        as ``pass`` or ``fail`` from its results.
        """
        status = self.info.get("status")
        if not self.info or status == RUNNING:
            return INTERRUPTED
        if status in RUN_STATUSES:
            return str(status)
        index = self.divergence_index()
        failed = bool(self.hard_divergence_ids()) or any(is_hard_result(r, index) for r in self.results)
        return "fail" if failed or self.counts()["harness-error"] else "pass"

    @property
    def interrupted(self) -> bool:
        return self.status == INTERRUPTED

    @property
    def partial(self) -> bool:
        """Whether the run is not a whole-suite run to its end: interrupted, or a subset of the suite.

        Divergences "fixed" or "new" are only meaningful between two complete runs: a partial run
        did not reach what it did not report.
        """
        return self.interrupted or self.info.get("whole_suite") is False

    @property
    def started(self) -> float:
        """Start time (epoch seconds); falls back to the time encoded in the run id so runs still sort."""
        if isinstance(self.info.get("started"), (int, float)):
            return float(self.info["started"])
        return _epoch_from_run_id(self.run_id)

    @property
    def finished(self) -> float:
        """End time (epoch seconds), or the start time when the run did not record one."""
        value = self.info.get("finished")
        return float(value) if isinstance(value, (int, float)) else self.started

    def counts(self) -> dict[str, int]:
        """Outcome counts over the results lines (one line is one check of one operation)."""
        counter = Counter(r.get("outcome", "harness-error") for r in self.results)
        return {outcome: counter.get(outcome, 0) for outcome in OUTCOMES}

    def counts_by_operation(self) -> dict[str, dict[str, int]]:
        """Outcome counts per operation; only outcomes that occurred are listed, to keep history compact."""
        per_operation: dict[str, Counter[str]] = {}
        for record in self.results:
            per_operation.setdefault(record.get("operation") or "?", Counter())[
                record.get("outcome", "harness-error")
            ] += 1
        return {op: dict(sorted(counter.items())) for op, counter in sorted(per_operation.items())}

    def hard_divergence_ids(self) -> set[str]:
        """Ids of the divergences that fail the run (see :func:`is_hard_result`)."""
        index = self.divergence_index()
        hard = {i for i, d in index.items() if not d.get("known") and d.get("confidence") != "unverified"}
        for result in self.results:
            if is_hard_result(result, index):
                hard |= {str(i) for i in result.get("divergence_ids") or [] if str(i) not in index}
        return hard

    def divergence_index(self) -> dict[str, dict[str, Any]]:
        """Divergence records by id (a divergence seen by several tests is one id; the first record wins)."""
        index: dict[str, dict[str, Any]] = {}
        for record in self.divergences:
            index.setdefault(str(record.get("id")), record)
        return index


def is_hard_result(result: dict[str, Any], index: dict[str, dict[str, Any]]) -> bool:
    """Whether a results line fails the run: an unexpected divergence on a verified or documented fact.

    The line's own ``confidence`` is the test's fact; each divergence carries its own, and that one
    decides (a test on a documented fact may find a divergence on an UNVERIFIED one, which is
    reported, never a hard failure). Without divergence records the line's confidence is used.
    """
    if result.get("outcome") != "divergence":
        return False
    records = [index[str(i)] for i in result.get("divergence_ids") or [] if str(i) in index]
    if records:
        return any(not r.get("known") and r.get("confidence") != "unverified" for r in records)
    return result.get("confidence") != "unverified"


def _epoch_from_run_id(run_id: str) -> float:
    from datetime import UTC, datetime

    try:
        return datetime.strptime(run_id.split("-", 1)[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return 0.0


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSON Lines file; blank lines are skipped.

    Raises:
        ValueError: a line is not a JSON object, naming the file and line (a truncated artifact
            should be noticed, not silently half-reported).
    """
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not JSON: {error.msg}") from error
        if not isinstance(record, dict):
            raise ValueError(f"{path}:{number}: expected a JSON object, got {type(record).__name__}")
        records.append(record)
    return records


def remove_worker_files(directory: Path) -> None:
    """Delete the worker files an earlier pytest-xdist run left (killed before its controller merged them)."""
    for name in (RESULTS_FILE, DIVERGENCES_FILE):
        stem, _, suffix = name.partition(".")
        for path in directory.glob(f"{stem}.gw*.{suffix}"):
            path.unlink(missing_ok=True)


def _complete_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a worker's file; a line cut short (a killed worker) is left out."""
    if not path.is_file():
        return []
    lines = []
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            line = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(line, dict):
            lines.append(line)
    return lines


def _run_folders(inputs: list[Path]) -> list[Path]:
    """The folders holding run files, from folders (searched recursively) or the files themselves."""
    folders: list[Path] = []
    for path in inputs:
        if path.is_file():
            candidates = [path.parent]
        elif path.is_dir():
            names = (RESULTS_FILE, DIVERGENCES_FILE, RUN_FILE)
            candidates = sorted({p.parent for name in names for p in path.rglob(name)})
        else:
            raise FileNotFoundError(f"no such run file or folder: {path}")
        for folder in candidates:
            if folder not in folders:
                folders.append(folder)
    return folders


def load_runs(inputs: list[Path] | Path) -> list[Run]:
    """Every run found under the given folders or files, oldest first.

    Args:
        inputs: run folders, folders holding run folders (e.g. ``reports/``), or individual
            ``results.jsonl`` / ``divergences.jsonl`` / ``run.json`` files (their folder is read).

    Returns:
        The runs, one per ``run_id``, sorted by start time then id.
    """
    paths = [inputs] if isinstance(inputs, Path) else list(inputs)
    runs: dict[str, Run] = {}

    def run_for(record: dict[str, Any], folder: Path) -> Run:
        # A line without a run id belongs to the folder's run.json; fall back to the folder name.
        run_id = str(record.get("run_id") or folder.name)
        run = runs.get(run_id)
        if run is None:
            run = runs[run_id] = Run(run_id=run_id, endpoint=str(record.get("endpoint") or "?"))
        return run

    for folder in _run_folders(paths):
        info_path = folder / RUN_FILE
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else None
        if info is not None:
            run = run_for(info, folder)
            run.info = info
            run.endpoint = str(info.get("endpoint") or run.endpoint)
        default = info or {}
        if (folder / RESULTS_FILE).is_file():
            for record in read_jsonl(folder / RESULTS_FILE):
                run_for({**default, **record}, folder).results.append(record)
        if (folder / DIVERGENCES_FILE).is_file():
            for record in read_jsonl(folder / DIVERGENCES_FILE):
                run_for({**default, **record}, folder).divergences.append(record)
    return sorted(runs.values(), key=lambda run: (run.started, run.run_id))


def load_run(run_dir: Path) -> Run:
    """The single run in ``run_dir``.

    Raises:
        ValueError: the folder holds no run, or several (then a caller must say which one it means).
    """
    # Only this folder's own files: a shared ``reports/`` folder also holds ``runs/<run_id>/`` below it.
    own_files = [run_dir / name for name in (RUN_FILE, RESULTS_FILE, DIVERGENCES_FILE)]
    runs = load_runs([path for path in own_files if path.is_file()][:1])
    if not runs:
        raise ValueError(f"{run_dir}: no {RUN_FILE}, {RESULTS_FILE} or {DIVERGENCES_FILE} found")
    if len(runs) > 1:
        # A shared folder holds several runs; the one its run.json names is the current one.
        info_path = run_dir / RUN_FILE
        if info_path.is_file():
            run_id = json.loads(info_path.read_text(encoding="utf-8")).get("run_id")
            for run in runs:
                if run.run_id == run_id:
                    return run
        raise ValueError(f"{run_dir}: holds {len(runs)} runs and no run.json saying which is current")
    return runs[0]
