"""A scripted stand-in for Rasa's REST channel and tracker API, and a booking service serving calendar
files, for the fast in-process tests (the end-to-end tests use the real ones)."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from booking.calendars.ics import AppointmentEvent, appointment_calendar
from tests.booking.server import free_port
from tests.telegram.fake_telegram import serving


@dataclass
class FakeRasa:
    """Answers each message with ``reply(text, metadata)``; records (sender, text, metadata)."""

    reply: Callable[[str, dict], list[dict]] = lambda text, metadata: [{"text": f"echo: {text}"}]
    language: str | None = None
    received: list[tuple[str, str, dict]] = field(default_factory=list)
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def webhook(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.received.append((body["sender"], body["message"], body.get("metadata") or {}))
        return JSONResponse(self.reply(body["message"], body.get("metadata") or {}))

    async def tracker(self, request: Request) -> JSONResponse:
        return JSONResponse({"sender_id": request.path_params["sender"], "slots": {"language": self.language}})

    @contextmanager
    def running(self) -> Iterator["FakeRasa"]:
        app = Starlette(routes=[
            Route("/webhooks/rest/webhook", self.webhook, methods=["POST"]),
            Route("/conversations/{sender}/tracker", self.tracker),
        ])  # fmt: skip
        with serving(app, self.port):
            yield self


@dataclass
class FakeCalendars:
    """The booking service's ``GET /calendar/{token}.ics``: appointments the test moves, cancels or erases."""

    appointments: dict[str, dict] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, token: str, *, reference: str, start: datetime, language: str) -> str:
        self.appointments[token] = {"reference": reference, "start": start, "language": language, "cancelled": False,
                                    "sequence": 0}  # fmt: skip
        return f"{self.url}/calendar/{token}.ics"

    def move(self, token: str, start: datetime) -> None:
        self.appointments[token].update(start=start, sequence=self.appointments[token]["sequence"] + 1)

    def cancel(self, token: str) -> None:
        self.appointments[token].update(cancelled=True, sequence=self.appointments[token]["sequence"] + 1)

    def erase(self, token: str) -> None:
        del self.appointments[token]

    async def calendar(self, request: Request) -> Response:
        token = request.path_params["token"]
        self.fetched.append(token)
        found = self.appointments.get(token)
        if found is None:
            return JSONResponse({"code": "not_found"}, status_code=404)
        event = AppointmentEvent(
            uid=f"{found['reference']}@kim", reference=found["reference"], start=found["start"],
            end=found["start"] + timedelta(minutes=45), sequence=found["sequence"], cancelled=found["cancelled"],
            office_name="KIM Hagen", office_address="Berliner Platz 22, 58089 Hagen", office_phone="02331 2070",
            language=found["language"], created=found["start"] - timedelta(days=7),
        )  # fmt: skip
        return Response(appointment_calendar(event), media_type="text/calendar; charset=utf-8")

    @contextmanager
    def running(self) -> Iterator["FakeCalendars"]:
        app = Starlette(routes=[Route("/calendar/{token}.ics", self.calendar)])
        with serving(app, self.port):
            yield self
