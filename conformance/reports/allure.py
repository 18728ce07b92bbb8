"""Allure labels, steps and environment for the plugin, and the command that builds Allure's HTML.

The plugin calls :func:`label_test`, :func:`attach_exchange` and :func:`write_environment`
unconditionally; each does nothing unless allure-pytest's listener is active (``--alluredir``),
so a plain ``pytest`` run pays nothing and writes nothing. The report itself is built by Allure's
own generator, the pinned npm package ``allure@3.18.0`` (tools/npm), which works offline.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import allure
import allure_commons
from allure_commons.model2 import Status, StatusDetails

from conformance.areas import area_of, title_of
from conformance.records import DIVERGENCES_FILE, read_jsonl
from conformance.redact import redact, redact_text

if TYPE_CHECKING:
    from conformance.outcomes import TestOutcome

#: Allure severities from the confidence of the fact a test checks: a divergence from a verified
#: fact fails the run (conformance.divergence.Confidence.is_hard), an UNVERIFIED one never does.
SEVERITY_BY_CONFIDENCE: dict[str, allure.severity_level] = {
    "verified": allure.severity_level.CRITICAL,
    "documented": allure.severity_level.NORMAL,
    "unverified": allure.severity_level.MINOR,
}

#: Allure 3's HTML templates always include a Google Analytics tag (``analyticsEnable: true`` is
#: hard-coded in @allurereport/plugin-awesome 3.18.0, dist/generators.js); a conformance report
#: must not phone home when someone opens it, so the generated page has it cut out.
_ANALYTICS = re.compile(
    r'<script async src="https://www\.googletagmanager\.com/gtag/js\?id=[^"]*"></script>\s*'
    r"<script>\s*window\.dataLayer.*?</script>",
    re.DOTALL,
)

#: The pinned generator, relative to the repository root (installed by ``npm ci --prefix tools/npm``).
ALLURE_BIN = Path("tools/npm/node_modules/.bin/allure")


def listener_active() -> bool:
    """Whether allure-pytest is recording this session (it registers its listener only with --alluredir)."""
    try:
        from allure_pytest.listener import AllureListener
    except ImportError:
        return False
    return any(isinstance(plugin, AllureListener) for plugin in allure_commons.plugin_manager.get_plugins())


def api_area(operation: str) -> str:
    """The API area (Allure epic) of a Cognito operation.

    An operation of the covered surface is in its area of :mod:`conformance.areas`, the one list the
    reference, the oracle, the machines and the suite share. Any other operation is grouped by name
    after the sections of the Cognito API reference's action list, most specific first (e.g.
    ``AdminListDevices`` is about devices, not users).
    """
    area = area_of(operation)
    if area is not None:
        return title_of(area)
    rules = (
        (("Device",), "Devices"),
        (("Group",), "Groups"),
        (("MFA", "Mfa", "SoftwareToken"), "MFA"),
        (("UserPoolClient", "ClientSecret"), "App clients"),
        (
            ("Domain", "IdentityProvider", "ResourceServer", "UICustomization", "ManagedLoginBranding"),
            "Federation and domains",
        ),
        (("Auth", "Challenge", "SignUp", "Password", "SignOut", "Token", "WebAuthn"), "Authentication"),
        (("UserImport", "CSVHeader"), "User import"),
        (("UserPool",), "User pools"),
        (("User", "Attribute"), "Users"),
        (("Tag",), "Tags"),
    )
    for needles, area in rules:
        if any(needle in operation for needle in needles):
            return area
    return "Other"


def label_test(
    *, operation: str, kind: str, confidence: str, area: str | None = None, endpoint: str | None = None
) -> None:
    """Label the running test: epic = API area, feature = operation, story = kind, severity from confidence.

    Args:
        operation: the Cognito operation, e.g. ``AdminCreateUser``.
        kind: the kind of check (conformance.divergence.CheckKind value).
        confidence: ``verified``, ``documented`` or ``unverified``.
        area: the API area; derived from the operation (:func:`api_area`) when not given.
        endpoint: the endpoint under test. Given, it becomes a parameter of the test, so runs of one
            test against two endpoints into one results folder are two tests, not two retries.
    """
    if not listener_active():
        return
    allure.dynamic.epic(area or api_area(operation))
    allure.dynamic.feature(operation)
    allure.dynamic.story(kind)
    allure.dynamic.severity(SEVERITY_BY_CONFIDENCE.get(str(confidence), allure.severity_level.NORMAL))
    allure.dynamic.tag(f"confidence:{confidence}")
    if endpoint:
        allure.dynamic.parameter("endpoint", endpoint)
        allure.dynamic.parent_suite(endpoint)


def _attach_json(value: Any, name: str) -> None:
    allure.attach(
        json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str),
        name=name,
        attachment_type=allure.attachment_type.JSON,
    )


def attach_exchange(exchange_json: dict[str, Any]) -> None:
    """Record one API call as a step holding its request and response (secrets redacted).

    Args:
        exchange_json: conformance.wire.Exchange.to_json() output. It is already redacted; it is
            redacted again here because an attachment is an artifact and secrets never reach one.
    """
    if not listener_active():
        return
    exchange = redact(exchange_json)
    response = exchange.get("response") or {}
    title = f"{exchange.get('operation') or 'request'} → HTTP {response.get('status', '?')}"
    with allure.step(title):
        _attach_json({"url": exchange.get("url"), **(exchange.get("request") or {})}, "request")
        _attach_json(
            {**response, "elapsed_ms": exchange.get("elapsed_ms"), "retries": exchange.get("retries")},
            "response",
        )


class _RedactedResults:
    """An allure-commons plugin that redacts every test result and fixture container before it is written.

    allure-pytest fills a result from pytest's report and from the exception itself (its status
    message is the exception's text, not the report's): a password in an error message, or an
    ``Unsupported`` message holding a secret, would reach the results folder. Called before the
    file writer (``tryfirst``), it redacts each text of the result in place: names, status details,
    steps, parameters, labels and links. It also makes a passed test with known divergences broken
    (:func:`show_test`) and drops repeated labels.
    """

    @allure_commons.hookimpl(tryfirst=True)
    def report_result(self, result: Any) -> None:
        _mark_known(result)
        _unique_labels(result)
        _redact_model(result)

    @allure_commons.hookimpl(tryfirst=True)
    def report_container(self, container: Any) -> None:
        _redact_model(container)


_REDACTED_RESULTS = _RedactedResults()


def redact_results() -> None:
    """Make Allure's results redacted (once per process; nothing is called unless Allure records)."""
    if not allure_commons.plugin_manager.is_registered(_REDACTED_RESULTS):
        allure_commons.plugin_manager.register(_REDACTED_RESULTS)


def _redact_model(value: Any) -> Any:
    """``value`` (an allure-commons model object, list or text) with its texts redacted, objects in place."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [_redact_model(item) for item in value]
    # The model classes are attrs classes (allure_commons.model2): their members are listed on the class.
    for member in getattr(type(value), "__attrs_attrs__", ()):
        current = getattr(value, member.name)
        if isinstance(current, (str, list)) or hasattr(type(current), "__attrs_attrs__"):
            setattr(value, member.name, _redact_model(current))
    return value


def _property_escape(text: str, *, key: bool = False) -> str:
    # java.util.Properties syntax: backslash escapes, and separators escaped inside keys.
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if key:
        for char in (" ", "=", ":", "#", "!"):
            text = text.replace(char, "\\" + char)
    return text


def show_test(
    operations: list[str],
    exchanges: list[Any],
    *,
    kind: str,
    confidence: str,
    area: str | None,
    endpoint: str,
    known_reasons: list[str] | None = None,
    divergence_text: str = "",
    reproducer: str = "",
) -> None:
    """One test's labels, each once, its exchanges as steps, and its divergences attached.

    Args:
        operations: the operations the test called or checked, one ``feature`` label each (in the
            order first called, each once however many calls it made).
        exchanges: the test's exchanges (conformance.wire.Exchange), one step each.
        kind, confidence, area, endpoint: as in :func:`label_test`.
        known_reasons: the expectations' reasons of the test's known divergences. A test whose
            divergences are all known passes in pytest, but its Allure result is made *broken* with
            these reasons as its message (:class:`_RedactedResults`): known is not a clean pass.
        divergence_text: the rendered divergence blocks (failed or known), attached as text.
        reproducer: the boto3 script that reproduces them, attached as a Python file.
    """
    if not listener_active():
        return
    distinct = list(dict.fromkeys(operations)) or ["-"]
    label_test(operation=distinct[0], kind=kind, confidence=confidence, area=area, endpoint=endpoint)
    for operation in distinct[1:]:
        allure.dynamic.feature(operation)
    for exchange in exchanges:
        attach_exchange(exchange.to_json())
    if divergence_text:
        allure.attach(
            redact_text(divergence_text), name="divergences", attachment_type=allure.attachment_type.TEXT
        )
    if reproducer:
        allure.attach(
            redact_text(reproducer),
            name="reproducer.py",
            attachment_type=allure.attachment_type.TEXT,
            extension="py",
        )
    if known_reasons:
        result = _current_result()
        if result is not None:
            _KNOWN[result.uuid] = KNOWN_PREFIX + "; ".join(dict.fromkeys(known_reasons))
            allure.dynamic.tag(KNOWN_TAG)


def show_outcome(
    outcome: TestOutcome, *, kind: str, confidence: str, area: str | None, endpoint: str
) -> None:
    """:func:`show_test` for a judged test: its operations, exchanges, known reasons, blocks and reproducer."""
    if not listener_active():
        return
    blocks = [text for title, text in outcome.sections if title == "conformance"]
    show_test(
        outcome.operations,
        outcome.exchanges,
        kind=kind,
        confidence=confidence,
        area=area,
        endpoint=endpoint,
        known_reasons=[reason for _, reason in outcome.verdict.known] if outcome.verdict else [],
        divergence_text=outcome.text if outcome.report == "failed" else "\n\n".join(blocks),
        reproducer=next((d["reproducer"] for d in outcome.records.divergences if d.get("reproducer")), ""),
    )


#: The start of a known-divergence result's message, which categories.json matches on.
KNOWN_PREFIX = "known divergence: "
#: A tag on every test with known divergences, for Allure's filters.
KNOWN_TAG = "known-divergence"
#: Results to turn from passed to broken when written: result uuid -> message.
_KNOWN: dict[str, str] = {}

#: Allure's categories for the results folder (Allure matches a result's status and message).
CATEGORIES = [
    {
        "name": "Known divergences (listed in the expectations file, with their reason)",
        "matchedStatuses": ["broken"],
        "messageRegex": f"^{KNOWN_PREFIX}.*",
    },
    {"name": "Divergences from AWS", "matchedStatuses": ["failed"]},
    {"name": "Harness errors", "matchedStatuses": ["broken"], "messageRegex": "^(?!" + KNOWN_PREFIX + ").*"},
]


def _current_result() -> Any:
    """allure-pytest's result of the running test, or None (its listener keeps it open until logfinish)."""
    from allure_pytest.listener import AllureListener

    for plugin in allure_commons.plugin_manager.get_plugins():
        if isinstance(plugin, AllureListener):
            return plugin.allure_logger.get_test(None)
    return None


def _mark_known(result: Any) -> None:
    """A passed result with known divergences becomes broken, with the expectations' reasons as its message."""
    message = _KNOWN.pop(str(getattr(result, "uuid", "")), None)
    if message is None or getattr(result, "status", None) != Status.PASSED:
        return
    result.status = Status.BROKEN
    result.statusDetails = StatusDetails(message=message)


def _unique_labels(result: Any) -> None:
    """Drop a label repeated with the same name and value (Allure shows each copy)."""
    labels = getattr(result, "labels", None)
    if labels:
        seen: set[tuple[str, str]] = set()
        unique = []
        for label in labels:
            if (label.name, label.value) not in seen:
                seen.add((label.name, label.value))
                unique.append(label)
        result.labels = unique


def environment_info(
    run_info: dict[str, Any], divergence_kinds: dict[str, int] | None = None
) -> dict[str, str]:
    """The environment properties of a run, from its ``run.json`` record: shown on the report's overview.

    Besides the versions (the harness, botocore, the service model the schemas come from), the run's
    summary: status, pass share, the count of each outcome and, given ``divergence_kinds``, the
    divergences per kind of check.
    """
    specs = run_info.get("specs") or {}
    counts = run_info.get("counts") or {}
    checks = sum(int(v) for v in counts.values())
    info = {
        "endpoint": run_info.get("endpoint"),
        "endpoint.version": run_info.get("endpoint_version") or "unknown",
        "endpoint.source": run_info.get("endpoint_source"),
        "harness.version": run_info.get("harness_version"),
        "botocore.version": run_info.get("botocore_version"),
        "specs.botocore_version": specs.get("botocore_version"),
        "specs.model_sha256": specs.get("model_sha256"),
        "hypothesis.seed": run_info.get("hypothesis_seed"),
        "run_id": run_info.get("run_id"),
        "summary.status": run_info.get("status"),
    }
    if checks:
        info["summary.pass_share"] = f"{counts.get('pass', 0) / checks:.1%} of {checks} checks"
        for outcome, count in sorted(counts.items()):
            info[f"summary.{outcome}"] = count
    for kind, count in sorted((divergence_kinds or {}).items()):
        info[f"summary.divergences.{kind}"] = count
    return {key: str(value) for key, value in info.items() if value not in (None, "")}


def divergence_kinds(run_dir: Path) -> dict[str, int]:
    """The run's divergences per kind of check, from its ``divergences.jsonl`` (empty when there is none)."""
    path = Path(run_dir) / DIVERGENCES_FILE
    counts: dict[str, int] = {}
    for line in read_jsonl(path) if path.is_file() else []:
        kind = str(line.get("kind") or "other")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def write_properties(path: Path, info: dict[str, Any]) -> Path:
    """Write ``info`` as a Java properties file (the format Allure reads ``environment.properties`` in)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{_property_escape(str(k), key=True)}={_property_escape(str(v))}" for k, v in sorted(info.items())
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"}


def read_properties(path: Path) -> dict[str, str]:
    """Read a properties file written by :func:`write_properties` (its escapes undone)."""

    def unescape(text: str) -> str:
        return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)

    properties = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith(("#", "!")):
            continue
        # The separator is the first "=" not escaped by a backslash.
        match = re.match(r"((?:[^=\\]|\\.)*)=(.*)", line)
        if match:
            properties[unescape(match.group(1))] = unescape(match.group(2))
    return properties


def write_environment(results_dir: Path | None, info: dict[str, Any]) -> Path | None:
    """Add the run's environment to ``environment.properties`` in Allure's results folder.

    Runs against several endpoints often share one results folder (one report for all), so the
    file is merged, not replaced: each run's values are keyed by its endpoint (``moto.botocore.version``)
    and ``endpoints`` lists them all. No-op without an active allure-pytest listener.

    Args:
        results_dir: the ``--alluredir`` folder.
        info: property names to values, e.g. :func:`environment_info` of the run, with an
            ``endpoint`` entry; values are redacted (a seed or version is no secret, but this is an
            artifact).

    Returns:
        The file written, or None when Allure is not recording.
    """
    if results_dir is None or not listener_active():
        return None
    path = Path(results_dir) / "environment.properties"
    properties = read_properties(path) if path.is_file() else {}
    info = {str(k): str(v) for k, v in redact(dict(info)).items() if v not in (None, "")}
    endpoint = info.pop("endpoint", "")
    if endpoint:
        endpoints = [e for e in properties.get("endpoints", "").split(",") if e]
        properties["endpoints"] = ",".join(sorted({*endpoints, endpoint}))
    properties.update({f"{endpoint}.{key}" if endpoint else key: value for key, value in info.items()})
    # Allure's categories: known divergences apart from divergences and harness errors.
    (Path(results_dir) / "categories.json").write_text(
        json.dumps(CATEGORIES, indent=2) + "\n", encoding="utf-8"
    )
    return write_properties(path, properties)


def generate_report(
    results: Path,
    out: Path,
    *,
    allure_bin: Path | None = None,
    name: str = "Cognito conformance",
    history: Path | None = None,
) -> Path:
    """Build Allure's HTML report with the pinned Allure 3 CLI, offline, as a single file.

    Allure 3 reads a config file for plugin options; one is written next to the output asking the
    default "awesome" plugin for a single self-contained ``index.html`` (it opens from ``file://``,
    where a multi-file report's data fetches are blocked by the browser).

    Args:
        results: allure-pytest's results folder(s) parent, e.g. ``reports/allure-results``.
        out: the report folder to write (replaced).
        allure_bin: the ``allure`` executable; default tools/npm/node_modules/.bin/allure.
        name: the report's title.
        history: Allure's own history file (JSON Lines), kept between runs for its trend widgets.

    Returns:
        ``out / "index.html"``.

    Raises:
        FileNotFoundError: the results folder or the Allure CLI is missing.
        subprocess.CalledProcessError: the generator failed (its output is in the exception).
    """
    binary = Path(allure_bin) if allure_bin else ALLURE_BIN
    if not binary.exists():
        raise FileNotFoundError(f"{binary} not found: run `npm ci --prefix tools/npm` first")
    if not results.is_dir():
        raise FileNotFoundError(f"{results}: no Allure results (run pytest with --alluredir={results})")
    out = out.resolve()
    config: dict[str, Any] = {
        "name": name,
        # The tree groups by endpoint first (each test's parentSuite label), then by suite module.
        "plugins": {
            "awesome": {
                "options": {"singleFile": True, "reportName": name, "groupBy": ["parentSuite", "suite"]}
            }
        },
    }
    if history is not None:
        config["historyPath"] = str(history.resolve())
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    config_path = out.parent / f".{out.name}.allurerc.json"
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    try:
        subprocess.run(
            [
                str(binary.resolve()),
                "generate",
                str(results.resolve()),
                "--config",
                str(config_path),
                "--output",
                str(out),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        config_path.unlink(missing_ok=True)
    index = out / "index.html"
    if not index.is_file():
        raise FileNotFoundError(f"allure generate wrote no {index}")
    strip_analytics(index)
    return index


def strip_analytics(index: Path) -> None:
    """Cut Allure's Google Analytics tag out of a generated report page.

    Raises:
        RuntimeError: a tracker reference is left after cutting (a new Allure version changed the
            tag); the page is not left looking clean when it is not.
    """
    html = index.read_text(encoding="utf-8")
    cleaned = _ANALYTICS.sub("", html)
    if "googletagmanager" in cleaned:
        raise RuntimeError(f"{index}: Allure's analytics tag changed form; update allure.py's _ANALYTICS")
    if cleaned != html:
        index.write_text(cleaned, encoding="utf-8")
