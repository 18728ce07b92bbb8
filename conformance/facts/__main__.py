"""``python -m conformance.facts render``: print docs/facts.md from the catalogue."""

from __future__ import annotations

import sys

from conformance.facts.render import render


def main(argv: list[str]) -> int:
    if argv != ["render"]:
        print("usage: python -m conformance.facts render > docs/facts.md", file=sys.stderr)
        return 2
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
