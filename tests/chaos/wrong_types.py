"""A pytest plugin that answers the suite's *own* calls with wrongly typed members.

The chaos endpoint's ``wrong-types`` mode answers every call badly, so every test is blocked by its
first set-up call and never reaches the lines that read the answers of its own calls. This plugin
keeps the set-up calls' answers whole (``RunSession.setup_calls``) and rewrites, seeded, the JSON
body of every other answer before botocore reads it: a string becomes a number, a number a string,
a boolean a string, an object a list, a list a string or a list of wrong items. Each test's calls then
meet wrong types where the test reads them, and each must end as that operation's divergence.

Use: ``pytest conformance/suite --endpoint=reference -p tests.chaos.wrong_types``; the seed is
``CC_WRONG_TYPES_SEED`` (0 by default), the strategy ``CC_WRONG_TYPES`` (``leaves``: members keep
their place and lose their type; ``containers``: objects and lists are replaced whole; ``mixed``).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from conformance import calls, session

_state = {"setup": 0}
_random = random.Random(int(os.environ.get("CC_WRONG_TYPES_SEED", "0")))
STRATEGY = os.environ.get("CC_WRONG_TYPES", "mixed")


def _wrong(value: Any, depth: int = 0) -> Any:
    """``value`` with wrongly typed members, in the chosen strategy."""
    if STRATEGY == "strings":
        # Only strings become numbers: botocore still reads the answer, so the test goes on to read
        # the members itself (an id, a token, a session) and must meet the wrong type there.
        if isinstance(value, dict):
            return {k: _wrong(v, depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [_wrong(v, depth + 1) for v in value]
        return 7 if isinstance(value, str) and _random.random() < 0.7 else value
    containers = STRATEGY == "containers" or (STRATEGY == "mixed" and _random.random() < 0.3)
    if isinstance(value, dict):
        if depth and containers:
            return ["x"]
        return {k: _wrong(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if containers:
            return "none"
        return [_wrong(v, depth + 1) for v in value] or [7]
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return 7
    return value


_original_on_response = calls._Capture.on_response
_original_setup_calls = session.RunSession.setup_calls


def _on_response(self: Any, operation_model: Any, response_dict: dict[str, Any], **kwargs: Any) -> None:
    status = int(response_dict["status_code"])
    if not _state["setup"] and status < 300:
        try:
            body = json.loads(response_dict["body"] or b"{}")
        except ValueError:
            body = None
        if isinstance(body, dict) and body:
            response_dict["body"] = json.dumps(_wrong(body)).encode()
    _original_on_response(self, operation_model, response_dict, **kwargs)


@contextmanager
def _setup_calls(self: Any, cognito: Any, recorder: Any) -> Iterator[Any]:
    _state["setup"] += 1
    try:
        with _original_setup_calls(self, cognito, recorder) as answers:
            yield answers
    finally:
        _state["setup"] -= 1


calls._Capture.on_response = _on_response  # type: ignore[method-assign]
session.RunSession.setup_calls = _setup_calls  # type: ignore[method-assign]
