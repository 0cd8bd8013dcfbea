"""Telegram tests talk only to loopback: any other connection (or name lookup) fails the test."""

from collections.abc import Iterator

import pytest

from tests.telegram import netguard


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch) -> None:
    """python-telegram-bot's durations as timedelta (what TelegramChannel.start opts into): no deprecation
    warnings, which pytest turns into errors."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture(autouse=True)
def loopback_only() -> Iterator[None]:
    netguard.install()
    before = len(netguard.attempts)
    yield
    tried = netguard.attempts[before:]
    if tried:
        pytest.fail(f"the test tried to leave loopback: {tried}")
