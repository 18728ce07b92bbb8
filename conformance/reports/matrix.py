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

from conformance.records import KINDS, Run, is_hard_result, load_runs
from conformance.redact import redact
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


def matrix_context(runs: list[Run], history: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything the page shows, as plain data (the template only lays it out).

    Args:
        runs: the runs read from the inputs; the latest run of each endpoint fills its column.
        history: summaries from the history file; runs not in it are added for the trend.
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
    }


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


def render_matrix(runs: list[Run], history: list[dict[str, Any]]) -> str:
    """The page's HTML for ``runs`` and ``history``."""
    env = _environment()
    template = env.get_template("matrix.html.j2")
    static = resources.files("conformance.reports").joinpath("templates")
    return template.render(
        **matrix_context(runs, history),
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
        inputs: run folders or files (see :func:`conformance.records.load_runs`).
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
    page = render_matrix(runs, records)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
