"""``python -m conformance.reports``: build the matrix page, the history, summaries and the Allure report.

Run from the repository root; every path defaults to the layout the plugin writes under ``reports/``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from conformance.reports.history import append_run, summary_line, write_summary
from conformance.reports.matrix import build_matrix

DEFAULT_REPORTS = Path("reports")
DEFAULT_HISTORY = DEFAULT_REPORTS / "history.jsonl"
DEFAULT_MATRIX = DEFAULT_REPORTS / "matrix" / "index.html"
DEFAULT_ALLURE_RESULTS = DEFAULT_REPORTS / "allure-results"
DEFAULT_ALLURE_REPORT = DEFAULT_REPORTS / "allure-report"
DEFAULT_ALLURE_HISTORY = DEFAULT_REPORTS / "allure-history.jsonl"


def _matrix(inputs: list[Path], out: Path, history: Path | None) -> int:
    path = build_matrix(inputs or [DEFAULT_REPORTS], out, history)
    print(f"matrix: {path}")
    return 0


def _allure(results: Path, out: Path, allure_bin: Path | None, history: Path | None) -> int:
    from conformance.reports.allure import generate_report

    try:
        index = generate_report(results, out, allure_bin=allure_bin, history=history)
    except subprocess.CalledProcessError as error:
        print(f"allure generate failed ({error.returncode}):\n{error.stdout}{error.stderr}", file=sys.stderr)
        return 1
    print(f"allure: {index}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m conformance.reports", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    matrix = commands.add_parser("matrix", help="write the static compatibility matrix page")
    matrix.add_argument("inputs", nargs="*", type=Path, help="run folders or files (default: reports/)")
    matrix.add_argument("--out", type=Path, default=DEFAULT_MATRIX)
    matrix.add_argument(
        "--history",
        type=Path,
        default=DEFAULT_HISTORY,
        help="history file for the trend (missing: only the input runs are drawn)",
    )

    history = commands.add_parser("history-append", help="append a run's summary to the history file")
    history.add_argument("run_dir", type=Path)
    history.add_argument("--history", type=Path, default=DEFAULT_HISTORY)

    summary = commands.add_parser("summary", help="print a run's one-line JSON summary")
    summary.add_argument("run_dir", type=Path)
    summary.add_argument("--write", action="store_true", help="also write RUN_DIR/summary.json")

    allure = commands.add_parser("allure", help="build Allure's HTML report with the pinned Allure 3 CLI")
    allure.add_argument("--results", type=Path, default=DEFAULT_ALLURE_RESULTS)
    allure.add_argument("--out", type=Path, default=DEFAULT_ALLURE_REPORT)
    allure.add_argument("--allure-bin", type=Path, default=None)
    allure.add_argument(
        "--history",
        type=Path,
        default=DEFAULT_ALLURE_HISTORY,
        help="Allure's own history file, kept between runs",
    )

    shot = commands.add_parser("screenshot", help="save a PNG of a page with headless Chromium")
    shot.add_argument("page", type=Path, help="the HTML file, e.g. reports/matrix/index.html")
    shot.add_argument("--out", type=Path, default=Path("docs/matrix-screenshot.png"))
    shot.add_argument("--width", type=int, default=1280)
    shot.add_argument("--height", type=int, default=1000)
    shot.add_argument(
        "--wait-ms", type=int, default=0, help="virtual time for a script-rendered page (Allure: 10000)"
    )

    build = commands.add_parser(
        "build", help="both reports from reports/: the Allure report and the matrix page"
    )
    build.add_argument("--reports", type=Path, default=DEFAULT_REPORTS)
    build.add_argument("--allure-bin", type=Path, default=None)

    args = parser.parse_args(argv)
    try:
        if args.command == "matrix":
            return _matrix(args.inputs, args.out, args.history)
        if args.command == "history-append":
            print(json.dumps(append_run(args.run_dir, args.history), sort_keys=True))
            return 0
        if args.command == "summary":
            print(write_summary(args.run_dir) if args.write else summary_line(args.run_dir))
            return 0
        if args.command == "allure":
            return _allure(args.results, args.out, args.allure_bin, args.history)
        if args.command == "screenshot":
            from conformance.reports.browser import screenshot

            print(
                f"screenshot: {screenshot(args.page.resolve().as_uri(), args.out, width=args.width, height=args.height, wait_ms=args.wait_ms)}"
            )
            return 0
        reports = args.reports
        status = _matrix([reports], reports / "matrix" / "index.html", reports / "history.jsonl")
        results = reports / "allure-results"
        if not results.is_dir():
            print(
                f"allure: no {results}; run pytest with --alluredir={results} to get the Allure report",
                file=sys.stderr,
            )
            return 1
        return status or _allure(
            results, reports / "allure-report", args.allure_bin, reports / "allure-history.jsonl"
        )
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
