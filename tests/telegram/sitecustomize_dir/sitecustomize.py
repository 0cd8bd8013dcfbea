"""Loaded by a test subprocess (PYTHONPATH): no connection outside loopback (tests/telegram/netguard.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.telegram.netguard import install  # noqa: E402

install()
