"""The loopback guard itself: leaving loopback is refused and recorded (the conftest fixture then fails the
test), even when the library under test swallows the error."""

import asyncio
import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError

from tests.telegram import netguard


def test_a_connection_outside_loopback_is_refused_and_recorded() -> None:
    before = len(netguard.attempts)
    with pytest.raises(ConnectionRefusedError, match="NETGUARD"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    assert netguard.attempts[before:] == ["192.0.2.1"]
    del netguard.attempts[before:]  # expected here: do not fail this test


def test_the_real_telegram_api_is_out_of_reach() -> None:
    before = len(netguard.attempts)

    async def get_me() -> None:
        async with Bot("123:not-a-real-token"):
            pass

    with pytest.raises(NetworkError):
        asyncio.run(get_me())
    assert netguard.attempts[before:] and set(netguard.attempts[before:]) == {"api.telegram.org"}
    del netguard.attempts[before:]


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
