"""Fixtures of the bot's tests: a loopback-only network guard and a fake booking API on 127.0.0.1.

The fake answers at the HTTP layer with the JSON shapes of ``booking/*/views.py`` and records every request,
so the tests exercise the real client, aiohttp and sockets, and nothing else.
"""

import asyncio
import ipaddress
import json
import socket
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

TOKEN = "test-service-token-0123456789abcdef"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


# ------------------------------------------------------------------------------------------ network guard


class NonLoopbackConnection(AssertionError):
    """A test tried to reach something other than this machine."""


def _is_loopback(host: object) -> bool:
    if host is None or host == "":
        return True  # getaddrinfo(None, port): a local bind address
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@dataclass
class NetworkGuard:
    """What tried to leave the machine; a non-empty list fails the test at teardown."""

    violations: list[str] = field(default_factory=list)

    def check(self, what: str, host: object) -> None:
        if not _is_loopback(host):
            self.violations.append(f"{what} {host!r}")
            raise NonLoopbackConnection(f"tests may only talk to loopback addresses, not {what} {host!r}")


@pytest.fixture
def event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """The standard asyncio loop, whatever policy an import installed: importing rasa's NLU modules switches to
    uvloop, whose sockets bypass Python's socket.connect and so the network guard below."""
    loop = asyncio.DefaultEventLoopPolicy().new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Every test: name resolution and connections only to loopback; anything else fails loudly."""
    guard = NetworkGuard()
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host, *args, **kwargs):
        guard.check("resolving", host)
        return real_getaddrinfo(host, *args, **kwargs)

    def checked(real):
        def connect(self: socket.socket, address: Any):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                guard.check("connecting to", address[0])
            return real(self, address)

        return connect

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", checked(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", checked(real_connect_ex))
    yield guard
    if guard.violations:
        pytest.fail(f"the test tried to leave the machine: {guard.violations}", pytrace=False)


# -------------------------------------------------------------------------------------- fake booking API


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a JSON body (or raw text), after an optional delay, or a dropped connection."""

    status: int = 200
    body: Any = None
    text: str | None = None
    delay: float = 0.0
    drop: bool = False


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # as sent, percent-encoding intact
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class FakeBookingApi:
    """Answers each ``(method, path)`` from a script; the last reply of a script repeats.

    Like the real service, every ``/api/v1/bookings`` route wants the bearer token, and an unscripted
    route answers FastAPI's 404.
    """

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.requests: list[Recorded] = []
        self._script: dict[tuple[str, str], deque[Reply]] = {}
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self._handle)
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def reply(self, method: str, path: str, *replies: Reply) -> None:
        self._script[(method, path)] = deque(replies)

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if (r.method, r.path) == (method, path)]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.requests.append(
            Recorded(
                method=request.method,
                path=request.raw_path.split("?", 1)[0],
                query=dict(request.query),
                headers=dict(request.headers),
                body=json.loads(raw) if raw else None,
            )
        )
        if request.path.startswith("/api/v1/bookings") and request.headers.get("Authorization") != (
            f"Bearer {self.token}"
        ):
            return web.json_response({"code": "unauthorized", "message": "service token required"}, status=401)
        script = self._script.get((request.method, request.raw_path.split("?", 1)[0]))
        if not script:
            return web.json_response({"code": "http_error", "message": "Not Found"}, status=404)
        reply = script.popleft() if len(script) > 1 else script[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if reply.text is not None:
            return web.Response(status=reply.status, text=reply.text, content_type="text/html")
        return web.json_response(reply.body, status=reply.status)


@pytest.fixture
async def booking_api() -> AsyncIterator[FakeBookingApi]:
    api = FakeBookingApi()
    api.server = TestServer(api.app, host="127.0.0.1")
    await api.server.start_server()
    try:
        yield api
    finally:
        await api.server.close()
