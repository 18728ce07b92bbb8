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
from typing import Any

import allure
import allure_commons

from conformance.areas import area_of, title_of
from conformance.redact import redact, redact_text

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
    steps, parameters, labels and links.
    """

    @allure_commons.hookimpl(tryfirst=True)
    def report_result(self, result: Any) -> None:
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
    area: str,
    endpoint: str,
) -> None:
    """One test's labels (one per operation it called or checked) and its exchanges as steps."""
    for operation in operations:
        label_test(operation=operation, kind=kind, confidence=confidence, area=area, endpoint=endpoint)
    for exchange in exchanges:
        attach_exchange(exchange.to_json())


def environment_info(run_info: dict[str, Any]) -> dict[str, str]:
    """The environment properties of a run, from its ``run.json`` record."""
    specs = run_info.get("specs") or {}
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
    }
    return {key: str(value) for key, value in info.items() if value not in (None, "")}


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
        "plugins": {"awesome": {"options": {"singleFile": True, "reportName": name}}},
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
