"""Known divergences per endpoint: data with a reason, never loosened asserts.

``conformance/expectations/<endpoint>.toml`` lists, per test, the divergences that endpoint is
known to have, each with a reason a reader can verify (the AWS fact and its source, and what the
endpoint does instead)::

    [[divergence]]
    test = "test_user_pools.py::test_describe_user_pool_defaults"
    key = "DescribeUserPool value $.UserPool.EstimatedNumberOfUsers"
    reason = "moto omits EstimatedNumberOfUsers; AWS returns 0 for a new pool (§9 [CLI create-user-pool])"

A run passes when what it observed equals this list: an unexpected divergence fails its test, and
so does an expected one that no longer happens (the file must be updated). ``--update-expectations``
rewrites the file from the run, keeping the reasons already written; a new entry gets an empty
reason, which the loader refuses, so no entry lands without one. The ``aws`` endpoint never reads
a file: AWS is the reference.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from conformance.divergence import Divergence, divergence_key

EXPECTATIONS_DIR = Path(__file__).parent / "expectations"


class ExpectationsError(Exception):
    """The expectations file is malformed (shown as a usage error)."""


def normalize_test_id(nodeid: str) -> str:
    """``conformance/suite/test_x.py::test_y[p]`` -> ``test_x.py::test_y[p]`` (independent of rootdir)."""
    path, sep, rest = nodeid.partition("::")
    return path.rsplit("/", 1)[-1] + sep + rest


@dataclass
class Expectations:
    """The known divergences of one endpoint, by test id and divergence key."""

    path: Path | None
    entries: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def for_endpoint(cls, label: str, override: str | None = None, *, updating: bool = False) -> Expectations:
        """The file for an endpoint label (``moto``, ``moto-server``, ``cognito-local``...).

        While updating, entries without a reason are accepted: the rewrite keeps them for a human to fill.
        """
        if override:
            path = Path(override)
            if not path.is_file():
                if updating:
                    return cls(path)
                raise ExpectationsError(f"expectations file {override} does not exist")
            return cls.load(path, allow_missing_reasons=updating)
        path = EXPECTATIONS_DIR / f"{label.replace(':', '-')}.toml"
        return cls.load(path, allow_missing_reasons=updating) if path.is_file() else cls(path)

    @classmethod
    def load(cls, path: Path, *, allow_missing_reasons: bool = False) -> Expectations:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ExpectationsError(f"cannot read expectations file {path}: {error}") from None
        entries: dict[str, dict[str, str]] = {}
        for number, item in enumerate(data.get("divergence", []), start=1):
            test, key, reason = item.get("test"), item.get("key"), item.get("reason")
            if not (isinstance(test, str) and isinstance(key, str) and test and key):
                raise ExpectationsError(f"{path}: entry {number} needs 'test' and 'key'")
            if not isinstance(reason, str) or (not reason.strip() and not allow_missing_reasons):
                raise ExpectationsError(
                    f"{path}: entry {number} ({test} / {key}) has no reason; write why this endpoint differs from AWS"
                )
            entries.setdefault(test, {})[key] = reason.strip()
        return cls(path, entries)

    def for_test(self, test_id: str) -> dict[str, str]:
        return self.entries.get(test_id, {})

    def tests(self) -> set[str]:
        return set(self.entries)

    def write(self, observed: dict[str, list[Divergence]], *, keep: set[str], header: str) -> Path:
        """Rewrite the file from a run.

        Args:
            observed: test id -> the hard divergences it showed in this run.
            keep: test ids that did not run this time; their entries stay as they are.
            header: comment lines for the top of the file.
        """
        assert self.path is not None
        rows: dict[str, dict[str, str]] = {test: dict(self.for_test(test)) for test in keep}
        for test, divergences in observed.items():
            rows[test] = {d.key(): self.for_test(test).get(d.key(), "") for d in divergences}
        lines = [f"# {line}".rstrip() for line in header.splitlines()] + [""]
        for test in sorted(rows):
            for key, reason in sorted(rows[test].items()):
                lines += [
                    "[[divergence]]",
                    f"test = {_toml_str(test)}",
                    f"key = {_toml_str(key)}",
                    f"reason = {_toml_str(reason)}",
                    "",
                ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("\n".join(lines), encoding="utf-8")
        return self.path


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


@dataclass
class Verdict:
    """A test's divergences weighed against its expectations."""

    #: hard divergences the file does not list: they fail the test.
    unexpected: list[Divergence] = field(default_factory=list)
    #: divergences the file lists, with its reason.
    known: list[tuple[Divergence, str]] = field(default_factory=list)
    #: listed keys that did not happen: they fail the test (update the file).
    vanished: list[tuple[str, str]] = field(default_factory=list)
    #: divergences on UNVERIFIED facts that the file does not list: reported, never failing.
    soft: list[Divergence] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.unexpected or self.vanished)


def judge(observed: list[Divergence], expected: dict[str, str], *, use_expectations: bool = True) -> Verdict:
    """Weigh one test's observed divergences against the expected ones (``key -> reason``)."""
    verdict = Verdict()
    expected = expected if use_expectations else {}
    seen: set[str] = set()
    for divergence in observed:
        key = divergence.key()
        seen.add(key)
        if key in expected:
            verdict.known.append((divergence, expected[key]))
        elif divergence.confidence.is_hard:
            verdict.unexpected.append(divergence)
        else:
            verdict.soft.append(divergence)
    verdict.vanished = [(key, reason) for key, reason in expected.items() if key not in seen]
    return verdict


def draft_reasons(path: Path, divergences: list[dict], endpoint_version: str) -> int:
    """Fill empty reasons in ``path`` with what a run observed, for a maintainer to review.

    The draft states the observation and the fact it contradicts, both checkable:
    ``<endpoint> returns <actual> at <path>; AWS: <expected> (<source>)``. Returns how many were drafted.
    """
    expectations = Expectations.load(path, allow_missing_reasons=True)
    observed = {(d["test_id"], divergence_key(d["operation"], d["check"], d["path"])): d for d in divergences}
    drafted = 0
    for test, entries in expectations.entries.items():
        for key, reason in entries.items():
            record = observed.get((test, key))
            if reason or record is None:
                continue
            actual = _short(record.get("actual"))
            expected = _short(record.get("expected"))
            entries[key] = (
                f"{endpoint_version} returns {actual} at {record['path']}; AWS: {expected} ({record.get('source', '')})"
            )
            drafted += 1
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    keep = expectations.tests()
    rows: dict[str, list[Divergence]] = {}
    expectations.write(
        rows, keep=keep, header="\n".join(line.removeprefix("# ") for line in header.splitlines())
    )
    return drafted


def _short(value: object, limit: int = 160) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    """``python -m conformance.expectations draft FILE --from DIVERGENCES.jsonl --version TEXT``."""
    import argparse

    from conformance.records import read_jsonl

    parser = argparse.ArgumentParser(prog="python -m conformance.expectations")
    sub = parser.add_subparsers(dest="command", required=True)
    draft = sub.add_parser("draft", help="fill empty reasons from a run's divergences, for review")
    draft.add_argument("file", type=Path)
    draft.add_argument("--from", dest="source", type=Path, required=True)
    draft.add_argument(
        "--version", required=True, help="how the endpoint is named in the reasons, e.g. 'moto 5.2.5'"
    )
    args = parser.parse_args(argv)
    count = draft_reasons(args.file, read_jsonl(args.source), args.version)
    print(f"{args.file}: drafted {count} reasons; review each before committing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
