"""The compatibility matrix: a static HTML page of endpoints against operations and kinds of check.

The page needs no server and fetches nothing: CSS, JS and the trend chart (an SVG) are inlined, and
every divergence's details are in the page, reached by in-page links (``#cell-…``, ``#div-…``) that
work with JavaScript off too. Everything that came from a run is escaped by Jinja2's autoescaping,
since responses from an endpoint are untrusted text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from conformance.areas import AREAS
from conformance.clientflows import FLOWS, ClientFlowRun, load_client_flow_runs
from conformance.facts import fact
from conformance.peers.results import PeerRun, find_peer_runs
from conformance.records import KINDS, Run, is_hard_result, load_runs
from conformance.redact import redact, redact_text
from conformance.reports.coverage import coverage_by_area
from conformance.reports.history import changes_since_previous, merge_history, read_history

#: The endpoints' column order (the issue's order); endpoints not named here follow, sorted.
ENDPOINT_ORDER: tuple[str, ...] = ("moto", "moto-server", "cognito-local", "reference", "aws")

#: Colours of the trend lines, one per endpoint column, chosen to stay apart for colour-blind readers.
TREND_COLOURS: tuple[str, ...] = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#000000")


def slug(*parts: str) -> str:
    """An HTML id fragment from free text (operation and endpoint names are not guaranteed safe)."""
    return "-".join(re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") or "x" for part in parts)


@dataclass
class Cell:
    """One (endpoint, operation, kind) cell.

    Attributes:
        status: ``pass``, ``divergent`` (unexpected divergences), ``known`` (only expected ones),
            ``harness-error``, ``unsupported`` or ``none`` (nothing ran).
        counts: outcome counts of the results lines in the cell.
        divergences: the divergence records in the cell, one per id.
    """

    endpoint: str
    operation: str
    kind: str
    counts: dict[str, int] = field(default_factory=dict)
    divergences: list[dict[str, Any]] = field(default_factory=list)
    #: Unexpected divergences on verified or documented facts (the ones that fail a run).
    hard: int = 0

    @property
    def anchor(self) -> str:
        return "cell-" + slug(self.endpoint, self.operation, self.kind)

    @property
    def status(self) -> str:
        # An unexpected divergence outranks everything: it is what a reader has to act on.
        if self.hard:
            return "divergent"
        # Facts marked UNVERIFIED are never hard failures: shown apart from "divergent".
        if self.counts.get("divergence"):
            return "unverified"
        if self.counts.get("expected-divergence"):
            return "known"
        if self.counts.get("harness-error"):
            return "harness-error"
        if self.counts.get("pass"):
            return "pass"
        if self.counts.get("unsupported"):
            return "unsupported"
        return "none"

    @property
    def label(self) -> str:
        count = len(self.divergences) or self.counts.get("divergence", 0) + self.counts.get(
            "expected-divergence", 0
        )
        return {
            "divergent": f"divergent ({count})",
            "unverified": f"divergent ({count}, unverified)",
            "known": f"known ({count})",
            "harness-error": "harness error",
            "pass": "pass",
            "unsupported": "unsupported",
            "none": "—",
        }[self.status]


def _pretty(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def _divergence_view(record: dict[str, Any], endpoint: str) -> dict[str, Any]:
    # The harness redacts before writing; redacting again costs little and a page is an artifact
    # that gets shared, so a secret missed upstream (e.g. an older run's file) stops here too.
    record = redact(record)
    evidence = record.get("evidence") or None
    return {
        "id": str(record.get("id", "")),
        "anchor": "div-" + slug(endpoint, str(record.get("id", ""))),
        "operation": record.get("operation", ""),
        "check": record.get("check", ""),
        "path": record.get("path", ""),
        "kind": record.get("kind", ""),
        "confidence": record.get("confidence", ""),
        "source": record.get("source", ""),
        "note": record.get("note", ""),
        "known": bool(record.get("known")),
        "known_reason": record.get("known_reason") or "",
        "test_id": record.get("test_id", ""),
        "expected": _pretty(record.get("expected")),
        "actual": _pretty(record.get("actual")),
        "reproducer": record.get("reproducer") or "",
        "evidence": _pretty(evidence) if evidence else "",
    }


def build_cells(run: Run) -> dict[tuple[str, str], Cell]:
    """The cells of one run, keyed by (operation, kind)."""
    cells: dict[tuple[str, str], Cell] = {}
    index = run.divergence_index()
    for record in run.results:
        key = (record.get("operation") or "?", record.get("kind") or "?")
        cell = cells.setdefault(key, Cell(run.endpoint, *key))
        outcome = record.get("outcome", "harness-error")
        cell.counts[outcome] = cell.counts.get(outcome, 0) + 1
        if is_hard_result(record, index):
            cell.hard += 1
        for divergence_id in record.get("divergence_ids") or []:
            divergence = index.get(str(divergence_id))
            if divergence is None:
                # Referenced but not written out: still show it, without the details the run lacks.
                divergence = {
                    "id": str(divergence_id),
                    "operation": key[0],
                    "kind": key[1],
                    "check": "?",
                    "note": "no record in divergences.jsonl",
                }
            if all(d.get("id") != divergence.get("id") for d in cell.divergences):
                cell.divergences.append(divergence)
    return cells


def _kind_order(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), kind)


def _endpoint_order(endpoint: str) -> tuple[int, str]:
    return (ENDPOINT_ORDER.index(endpoint) if endpoint in ENDPOINT_ORDER else len(ENDPOINT_ORDER), endpoint)


def _trend_svg_data(summaries: list[dict[str, Any]], endpoints: list[str]) -> dict[str, Any]:
    """Coordinates of the trend chart: share of checks passing over time, one line per endpoint."""
    width, height, left, right, top, bottom = 720, 240, 48, 16, 16, 40
    times = [float(s.get("started", 0)) for s in summaries] or [0.0]
    t0, t1 = min(times), max(times)
    span = (t1 - t0) or 1.0

    def x_of(t: float) -> float:
        return (
            round(left + (t - t0) / span * (width - left - right), 1)
            if t1 > t0
            else left + (width - left - right) / 2
        )

    def y_of(share: float) -> float:
        return round(top + (1 - share) * (height - top - bottom), 1)

    series = []
    for number, endpoint in enumerate(endpoints):
        points = []
        for s in summaries:
            if s.get("endpoint") != endpoint:
                continue
            points.append(
                {
                    "x": x_of(float(s.get("started", 0))),
                    "y": y_of(float(s.get("pass_share", 0))),
                    "share": float(s.get("pass_share", 0)),
                    "date": s.get("date", ""),
                    "run_id": s.get("run_id", ""),
                    "version": s.get("endpoint_version", ""),
                }
            )
        if points:
            series.append(
                {
                    "endpoint": endpoint,
                    "colour": TREND_COLOURS[number % len(TREND_COLOURS)],
                    "points": points,
                    "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
                }
            )
    grid = [{"y": y_of(v / 4), "label": f"{v * 25}%"} for v in range(5)]
    ticks = []
    if summaries:
        for t in sorted({t0, t1}):
            anchor = "middle" if t1 == t0 else ("start" if t == t0 else "end")
            ticks.append(
                {
                    "x": x_of(t),
                    "anchor": anchor,
                    "label": datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M"),
                }
            )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "bottom": height - bottom,
        "grid": grid,
        "ticks": ticks,
        "series": series,
    }


#: What a peer test's verdict shows in its cell.
_PEER_LABELS = {
    "pass": "pass",
    "known": "known failure",
    "unexpected": "fails",
    "vanished": "passes (expected to fail)",
    "skipped": "skipped",
}


def peer_suite_section(peer_runs: list[PeerRun]) -> dict[str, Any]:
    """The "Peer suite (moto's AWS-verified tests)" section: test x endpoint, from ``peers.json`` records.

    The latest run of each endpoint fills its column. A cell's status is the test's verdict against the
    endpoint's expected peer failures (``conformance.peers``), with the failure's first line and, for
    a known failure, the reason that cites AWS.
    """
    latest: dict[str, PeerRun] = {}
    for run in sorted(peer_runs, key=lambda r: r.started):
        latest[run.label] = run
    endpoints = sorted(latest, key=_endpoint_order)
    names = sorted({test.name for run in latest.values() for test in run.tests})
    rows = []
    for name in names:
        cells = []
        for endpoint in endpoints:
            test = next((t for t in latest[endpoint].tests if t.name == name), None)
            verdict = test.verdict if test else "none"
            cells.append(
                {
                    "endpoint": endpoint,
                    "verdict": verdict,
                    "label": _PEER_LABELS.get(verdict, "—"),
                    "reason": redact(test.reason) if test else "",
                    "expected_reason": test.expected_reason if test else "",
                }
            )
        rows.append({"test": name, "cells": cells})
    columns = []
    for endpoint in endpoints:
        run = latest[endpoint]
        counts = run.counts()
        columns.append(
            {
                "endpoint": endpoint,
                "status": run.status,
                "status_reason": run.status_reason,
                "moto_version": run.moto_version,
                "passed": counts["pass"],
                "total": len(run.tests),
                "known": counts["known"],
                "vanished": run.vanished,
            }
        )
    out_of_scope: dict[str, str] = {}
    for run in latest.values():
        out_of_scope.update(run.out_of_scope)
    return {"columns": columns, "rows": rows, "out_of_scope": sorted(out_of_scope.items())}


def matrix_context(
    runs: list[Run], history: list[dict[str, Any]], peer_runs: list[PeerRun] | None = None
) -> dict[str, Any]:
    """Everything the page shows, as plain data (the template only lays it out).

    Args:
        runs: the runs read from the inputs; the latest run of each endpoint fills its column.
        history: summaries from the history file; runs not in it are added for the trend.
        peer_runs: peer-suite runs (``conformance.peers``) for their own section.
    """
    latest: dict[str, Run] = {}
    for run in sorted(runs, key=lambda r: (r.started, r.run_id)):
        latest[run.endpoint] = run
    summaries = merge_history(history, runs)
    endpoints = sorted({*latest, *(s.get("endpoint", "?") for s in summaries)}, key=_endpoint_order)
    columns = [e for e in endpoints if e in latest]
    cells = {endpoint: build_cells(run) for endpoint, run in latest.items()}
    keys = sorted(
        {key for per_run in cells.values() for key in per_run}, key=lambda k: (k[0], _kind_order(k[1]))
    )

    rows: list[dict[str, Any]] = []
    for operation, kind in keys:
        row_cells = [cells[e].get((operation, kind)) or Cell(e, operation, kind) for e in columns]
        first = not rows or rows[-1]["operation"] != operation
        rows.append({"operation": operation, "kind": kind, "cells": row_cells, "first": first, "span": 1})
        if not first:
            # The operation's header cell spans all its kinds of check.
            next(r for r in reversed(rows) if r["first"])["span"] += 1
    details: list[dict[str, Any]] = []
    for endpoint in columns:
        for _key, cell in sorted(cells[endpoint].items(), key=lambda kv: (kv[0][0], _kind_order(kv[0][1]))):
            if cell.divergences:
                details.append(
                    {"cell": cell, "divergences": [_divergence_view(d, endpoint) for d in cell.divergences]}
                )

    changes = changes_since_previous(summaries)
    change_views = []
    for endpoint in endpoints:
        change = changes.get(endpoint)
        if change is None:
            continue
        current_anchors = {
            d["id"]: d["anchor"]
            for block in details
            if block["cell"].endpoint == endpoint
            for d in block["divergences"]
        }
        change_views.append(
            {
                "endpoint": endpoint,
                "run_id": change["run_id"],
                "previous_run_id": change["previous_run_id"],
                "new": [
                    {"id": i, "label": change["labels"].get(i, i), "anchor": current_anchors.get(i)}
                    for i in change["new"]
                ],
                "fixed": [{"id": i, "label": change["labels"].get(i, i)} for i in change["fixed"]],
            }
        )
    totals = {}
    for endpoint, run in latest.items():
        counts = run.counts()
        total = sum(counts.values())
        totals[endpoint] = {
            "counts": counts,
            "total": total,
            "share": round(100 * counts["pass"] / total, 1) if total else 0.0,
        }
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "columns": [
            {
                "endpoint": e,
                "run": latest[e],
                "version": latest[e].endpoint_version,
                "totals": totals[e],
                "status": latest[e].status,
                "partial": latest[e].partial,
                "harness_version": latest[e].info.get("harness_version", ""),
                "model_sha256": (latest[e].info.get("specs") or {}).get("model_sha256", ""),
                "model_botocore_version": (latest[e].info.get("specs") or {}).get("botocore_version", ""),
            }
            for e in columns
        ],
        "rows": rows,
        "details": details,
        "trend": _trend_svg_data(summaries, endpoints),
        "changes": change_views,
        "history_runs": len(summaries),
        "peer_suite": peer_suite_section(peer_runs or []),
        "areas": area_coverage_section(latest, columns),
    }


def area_coverage_section(latest: dict[str, Run], columns: list[str]) -> list[dict[str, Any]]:
    """Per API area and endpoint: how many of the area's operations each way of checking exercised
    (schema, scenario, errors, machine) and how many all four did, from each latest run's results."""
    per_endpoint = {endpoint: coverage_by_area(latest[endpoint].results) for endpoint in columns}
    rows: list[dict[str, Any]] = []
    for index, (area, (title, operations)) in enumerate(AREAS.items()):
        cells = []
        for endpoint in columns:
            found = per_endpoint[endpoint][index]
            counts = found.counts()
            cells.append(
                {
                    "endpoint": endpoint,
                    "counts": counts,
                    "complete": counts["complete"] == counts["operations"],
                    "lacking": [
                        f"{op.operation}: {', '.join(op.missing())}" for op in found.coverage.incomplete()
                    ],
                }
            )
        rows.append({"area": area, "title": title, "operations": len(operations), "cells": cells})
    return rows


#: How a client flow's verdict shows in its cell: (CSS class shared with the main table, label).
_FLOW_CELLS: dict[str, tuple[str, str]] = {
    "pass": ("pass", "pass"),
    "known": ("known", "known failure"),
    "unexpected": ("divergent", "fails"),
    "vanished": ("divergent", "passes: expected to fail"),
    "blocked": ("none", "not reached"),
}


def client_flows_section(runs: list[ClientFlowRun]) -> dict[str, Any] | None:
    """The "Client flows" section: AWS's own clients against each endpoint, one row per flow.

    Self-contained: it reads only the client-flow records (conformance/clientflows/records.py), and
    the page shows it only when there are some. A failed flow's details carry the client's own error
    text as evidence, the fact the flow rests on and, for a known failure, why it is expected.

    Returns:
        None without runs; else ``columns`` (one per endpoint, in the matrix's endpoint order),
        ``rows`` (one per flow, in the catalogue's order, each with a cell per column) and
        ``details`` (one per failed, vanished or broken flow).
    """
    if not runs:
        return None
    ordered = sorted(runs, key=lambda run: _endpoint_order(run.endpoint))
    columns = [
        {
            "endpoint": run.endpoint,
            "url": run.url,
            "status": run.status,
            "clients": ", ".join(f"{name} {version}" for name, version in sorted(run.clients.items())),
            "passed": sum(r.outcome == "pass" for r in run.results),
            "total": len(run.results),
        }
        for run in ordered
    ]
    by_endpoint = {run.endpoint: {r.flow: r for r in run.results} for run in ordered}
    rows, details = [], []
    for flow in FLOWS:
        basis = fact(flow.fact)
        cells = []
        for run in ordered:
            result = by_endpoint[run.endpoint].get(flow.id)
            anchor = "flow-" + slug(run.endpoint, flow.id)
            if result is None:
                cells.append({"endpoint": run.endpoint, "status": "none", "label": "—", "anchor": None})
                continue
            css, label = _FLOW_CELLS.get(result.verdict, ("harness-error", "harness error"))
            if result.outcome == "harness-error":
                css, label = "harness-error", "harness error"
            shown = result.verdict not in ("pass", "blocked")
            cells.append(
                {
                    "endpoint": run.endpoint,
                    "status": css,
                    "label": label,
                    "anchor": anchor if shown else None,
                    "title": redact_text(result.error) if result.error else result.outcome,
                }
            )
            if shown:
                details.append(
                    {
                        "anchor": anchor,
                        "endpoint": run.endpoint,
                        "flow": flow.id,
                        "title": flow.title,
                        "known": result.verdict == "known",
                        "verdict": result.verdict,
                        "outcome": result.outcome,
                        "error": redact_text(result.error) or "(the flow passed)",
                        "reason": result.reason,
                        "fact": f"{basis.id}: {basis.statement}",
                        "source": basis.sources[0].url if basis.sources else "",
                    }
                )
        rows.append({"flow": flow.id, "client": flow.client, "title": flow.title, "cells": cells})
    return {"columns": columns, "rows": rows, "details": details}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: resources.files("conformance.reports").joinpath("templates", name).read_text("utf-8")
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_matrix(
    runs: list[Run],
    history: list[dict[str, Any]],
    peer_runs: list[PeerRun] | None = None,
    client_flows: list[ClientFlowRun] | None = None,
) -> str:
    """The page's HTML for ``runs``, ``history``, the peer-suite runs and the client-flow runs."""
    env = _environment()
    template = env.get_template("matrix.html.j2")
    static = resources.files("conformance.reports").joinpath("templates")
    return template.render(
        **matrix_context(runs, history, peer_runs),
        client_flows=client_flows_section(client_flows or []),
        css=static.joinpath("matrix.css").read_text("utf-8"),
        js=static.joinpath("matrix.js").read_text("utf-8"),
    )


def find_histories(inputs: list[Path]) -> list[Path]:
    """The ``history.jsonl`` files in or under the input folders (the plugin keeps one per reports folder)."""
    found: list[Path] = []
    for path in inputs:
        candidates = sorted(path.rglob("history.jsonl")) if path.is_dir() else []
        found.extend(c for c in candidates if c not in found)
    return found


def build_matrix(inputs: list[Path], out: Path, history: Path | None = None) -> Path:
    """Write the matrix page for the runs under ``inputs`` to ``out``.

    Args:
        inputs: run folders or files (see :func:`conformance.records.load_runs`); peer-suite records
            (``peers.json``) under them fill the peer-suite section.
        out: the HTML file to write (its folder is created).
        history: a history file to draw the trend from, besides any ``history.jsonl`` found under
            ``inputs``; runs in ``inputs`` missing from the history are added in memory only
            (appending is :func:`conformance.reports.history.append_run`'s job).

    Returns:
        ``out``.

    Raises:
        ValueError: no run was found under ``inputs``.
    """
    runs = load_runs(inputs)
    if not runs:
        raise ValueError(f"no runs found under {', '.join(map(str, inputs))}")
    histories = find_histories(inputs)
    if (
        history is not None
        and history.is_file()
        and history.resolve() not in [h.resolve() for h in histories]
    ):
        histories.append(history)
    records = [record for path in histories for record in read_history(path)]
    page = render_matrix(runs, records, find_peer_runs(inputs), load_client_flow_runs(inputs))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
