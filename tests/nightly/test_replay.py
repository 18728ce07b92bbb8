"""Record and replay: a recorded run judged again offline gives the recorded verdicts, and a change of
the oracle shows as a divergence against the recorded answers (docs/recordings.md)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from conformance import redact
from conformance.endpoints import parse
from conformance.plugin import EXIT_INSUFFICIENT
from conformance.recording import SETUP_FILE, TRANSFORMERS, load, load_setup
from conformance.records import read_jsonl

#: The shipped recording: the reference server (``python -m conformance.reference --manual-clock``)
#: answering test_pools.py, test_clients.py, test_tokens.py and the user life-cycle machine, whose
#: steps the oracle predicts (docs/recordings.md says how it was made).
RECORDING = Path(__file__).parent / "data" / "reference-server"
MACHINE = "test_machines.py::test_user_lifecycle_machine"
RECORDED_MODULES = ("test_pools.py", "test_clients.py", "test_tokens.py", MACHINE)

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")


def _verdicts(reports: Path) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = defaultdict(list)
    for line in read_jsonl(reports / "results.jsonl"):
        found[line["test_id"]].append([line["operation"], line["kind"], line["outcome"]])
    return {test: sorted(lines) for test, lines in found.items()}


def test_the_shipped_recording_says_what_answered_and_when() -> None:
    documents = load(RECORDING)
    assert {test.split("::")[0] for test in documents} == {
        target.split("::")[0] for target in RECORDED_MODULES
    }
    for document in documents.values():
        assert document["endpoint"] == "reference-server"
        assert document["implementation"] == "reference"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", document["recorded_at"])
        assert document["transformers"] == list(TRANSFORMERS)
        assert document["results"], "each test file carries the recorded verdict"


def test_the_shipped_recording_holds_no_token_secret_or_account() -> None:
    for path in sorted((Path(__file__).parent / "data").glob("*/*.json")):
        if path.name == SETUP_FILE:
            continue
        text = path.read_text(encoding="utf-8")
        assert "eyJ" not in text, f"{path.name}: a JWT survived the tokens transformer"
        assert not re.search(r"arn:aws:[a-z-]+:[a-z0-9-]*:\d{12}:", text), f"{path.name}: an account id"

        def walk(value: object, key: str | None = None) -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(v, k)
            elif isinstance(value, list):
                for v in value:
                    walk(v, key)
            elif isinstance(value, str) and key is not None and redact.is_secret_key(key):
                assert value.startswith(("<secret:", "<jwt:", "<jwe:")) or value in (
                    "seconds",
                    "minutes",
                    "hours",
                    "days",
                ), f"{key} holds a value, not a placeholder"

        walk(json.loads(text)["exchanges"])


def test_placeholders_are_consistent_within_a_test() -> None:
    document = load(RECORDING)["test_pools.py::test_create_user_pool_returns_id_and_arn_in_aws_format"]
    created = document["exchanges"][0]["response"]["UserPool"]
    assert created["Id"] == "<pool-id:1>"
    assert created["Arn"] == "arn:aws:cognito-idp:us-east-1:<account>:userpool/<pool-id:1>"
    assert created["CreationDate"].startswith("<time:")


@pytest.mark.parametrize(
    "recording",
    sorted(p for p in (Path(__file__).parent / "data").iterdir() if p.is_dir()),
    ids=lambda p: p.name,
)
def test_replay_reproduces_the_recorded_verdicts(run_suite, recording: Path) -> None:
    # Every recording under data/ (docs/recordings.md: how one of AWS is added), replayed with the
    # selection it was recorded with.
    documents = load(recording)
    result, reports = run_suite(f"--endpoint=replay:{recording}", targets=tuple(sorted(documents)))
    assert result.ret in (0, 1), result.stdout.str()
    recorded = {test: document["results"] for test, document in documents.items()}
    assert _verdicts(reports) == {**recorded, **load_setup(recording)}


#: A plugin that changes what the oracle believes AWS says to a failed sign-in (facts:auth.incorrect:
#: "Incorrect username or password."). Each oracle module that predicts it holds the text by name.
CHANGED_FACT = """
from conformance.oracle import core
from conformance.oracle.auth import common, initiate, respond

for module in (core, common, initiate, respond):
    assert module.INCORRECT == "Incorrect username or password."
    module.INCORRECT = "Wrong username or password."
"""


def test_a_changed_oracle_fact_shows_against_the_recording(
    run_suite, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(changed_fact=CHANGED_FACT)
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    result, reports = run_suite(f"--endpoint=replay:{RECORDING}", "-p", "changed_fact", targets=(MACHINE,))
    assert result.ret == 1
    divergences = list(read_jsonl(reports / "divergences.jsonl"))
    assert {(d["check"], d["path"], d["expected"], d["actual"]) for d in divergences} == {
        # A machine's key names the error whose message it compares (conformance/machines/base.py).
        (
            "error.message",
            "$.message of NotAuthorizedException",
            "Wrong username or password.",
            "Incorrect username or password.",
        )
    }
    # Unchanged, the same replay passes: the change, and nothing else, made the difference.
    result, _ = run_suite(f"--endpoint=replay:{RECORDING}", targets=(MACHINE,))
    assert result.ret == 0


def test_a_test_the_recording_does_not_hold_is_unsupported_not_judged(run_suite) -> None:
    test = "test_users.py::test_admin_create_user_starts_in_force_change_password"
    result, reports = run_suite(f"--endpoint=replay:{RECORDING}", targets=(test,))
    assert result.ret == EXIT_INSUFFICIENT  # nothing answered: the run cannot be judged, and says so
    outcomes = {line["outcome"] for line in read_jsonl(reports / "results.jsonl")}
    assert outcomes == {"unsupported"}
    assert "not in the recording" in result.stdout.str()


def test_recording_then_replaying_a_run_gives_its_verdicts(run_suite, tmp_path: Path) -> None:
    recording = tmp_path / "recording"
    result, reports = run_suite("--endpoint=reference", f"--record={recording}", targets=("test_clients.py",))
    assert result.ret == 0
    recorded = _verdicts(reports)
    assert set(load(recording)) | set(load_setup(recording)) == set(recorded)
    (reports / "results.jsonl").unlink()
    result, reports = run_suite(f"--endpoint=replay:{recording}", targets=("test_clients.py",))
    assert result.ret == 0, result.stdout.str()
    assert _verdicts(reports) == recorded


def test_replay_of_a_folder_without_a_recording_is_a_usage_error(tmp_path: Path) -> None:
    from conformance.endpoints import EndpointError

    with pytest.raises(EndpointError, match="holds no recorded test"):
        parse(f"replay:{tmp_path}")
    with pytest.raises(EndpointError, match="needs a folder"):
        parse(f"replay:{tmp_path / 'absent'}")
