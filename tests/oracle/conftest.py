"""Shared worlds for the oracle's unit tests: a pool, app clients and users, built with ``step``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
