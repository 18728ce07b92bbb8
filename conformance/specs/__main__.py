"""Command line: ``python -m conformance.specs {generate,check,diff,seed}``.

generate              write the schemas and MANIFEST.json under conformance/specs/data/ from the installed botocore
check                 regenerate into a temporary folder; exit 1 with a diff if the committed schemas differ (CI)
diff OLD NEW          explain in plain words what changed between two service-2.json[.gz] files
seed BEFORE AT        print the seed surface document from the models before and at 2016-07-28
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
from pathlib import Path

from conformance.specs import generate as gen
from conformance.specs import specs_root


def _check(out: Path) -> int:
    fresh = gen.generate()
    with tempfile.TemporaryDirectory() as tmp:
        gen.write(fresh, Path(tmp))
        regenerated = gen.committed(Path(tmp))
    current = gen.committed(out)
    missing = sorted(set(regenerated) - set(current))
    extra = sorted(set(current) - set(regenerated))
    changed = sorted(p for p in set(regenerated) & set(current) if regenerated[p] != current[p])
    if not (missing or extra or changed):
        print(f"conformance/specs/data/ is up to date: {len(current)} files match a fresh generation.")
        return 0
    print(
        "conformance/specs/data/ differs from a fresh generation; run `python -m conformance.specs generate` and commit."
    )
    for path in missing:
        print(f"  missing from specs/: {path}")
    for path in extra:
        print(f"  not generated any more: {path}")
    shown = 0
    for path in changed:
        print(f"  changed: {path}")
        if shown < 5:
            diff = difflib.unified_diff(
                current[path].splitlines(),
                regenerated[path].splitlines(),
                "committed",
                "regenerated",
                lineterm="",
            )
            for line in list(diff)[:40]:
                print("    " + line)
            shown += 1
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.specs", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="write the schemas from the installed botocore")
    generate.add_argument(
        "--out", type=Path, default=None, help="target folder (default: conformance/specs/data/)"
    )
    check = commands.add_parser("check", help="fail if the committed schemas differ from a fresh generation")
    check.add_argument(
        "--out", type=Path, default=None, help="folder to check (default: conformance/specs/data/)"
    )
    diff = commands.add_parser("diff", help="explain changes between two models")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    seed = commands.add_parser("seed", help="build the seed surface document")
    seed.add_argument("before", type=Path, help="botocore 1.4.40 service-2.json")
    seed.add_argument("at", type=Path, help="botocore 1.4.41 service-2.json")
    args = parser.parse_args(argv)

    if args.command == "generate":
        out = args.out or specs_root()
        files = gen.generate()
        gen.write(files, out)
        print(f"wrote {len(files)} files under {out}")
        return 0
    if args.command == "check":
        return _check(args.out or specs_root())
    if args.command == "diff":
        from conformance.specs.diff import explain

        old, _ = gen.load_model(args.old)
        new, _ = gen.load_model(args.new)
        for line in explain(old, new):
            print(line)
        return 0
    if args.command == "seed":
        from conformance.specs.seed import build_seed

        before, before_bytes = gen.load_model(args.before)
        at, at_bytes = gen.load_model(args.at)
        print(gen.render(build_seed(before, at, before_bytes, at_bytes)), end="")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
