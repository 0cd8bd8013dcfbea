"""The assistant's one client of the booking API: HTTP only, typed results, errors with stable codes.

The booking service is the system of record; this module never imports ``booking/`` and never touches a
database. Logs carry method, route template and status only: no reference codes, query strings, bodies,
tokens or contact details.
"""

import asyncio
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import aiohttp
from yarl import URL

log = logging.getLogger(__name__)

DEFAULT_SERVICE_TOKEN = "local-dev-service-token-change-me"
DEFAULT_BACKOFF = (0.2, 0.4)
MAX_IDEMPOTENCY_KEY_LENGTH = 64  # what the booking API accepts in the Idempotency-Key header

T = TypeVar("T")
ResolutionStatus = Literal["found", "ambiguous", "outside", "unknown"]


# ---------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Office:
    """A KIM office; texts in the language asked for. The resolver's brief form has no operator or email."""

    id: str
    name: str
    address: str
    phone: str
    opening_hours: str
    serves: str
    operator: str = ""
    email: str = ""


@dataclass(frozen=True)
class PlaceMatch:
    """A municipality the text may name, and the office responsible for it (None if none is)."""

    municipality: str
    postal_codes: tuple[str, ...]
    district: str
    office: Office | None
    score: float


@dataclass(frozen=True)
class Resolution:
    """What a typed place resolved to: ``found``, ``ambiguous``, ``outside`` or ``unknown``."""

    status: ResolutionStatus
    matches: tuple[PlaceMatch, ...]


@dataclass(frozen=True)
class SlotOffer:
    """A free slot; ``interpreter_needed`` when none of its staff speaks the person's language."""

    id: str
    start: datetime
    end: datetime
    languages: tuple[str, ...]
    interpreter_needed: bool


@dataclass(frozen=True)
class Booking:
    """A booking as the assistant may see it (never the intake record)."""

    reference: str
    status: str
    start: datetime
    end: datetime
    language: str
    interpreter_needed: bool
    office: Office
    calendar_url: str


# ----------------------------------------------------------------------------------------------- errors


class BookingError(Exception):
    """A failure the booking API reported (or could not report); ``code`` is stable."""

    def __init__(self, code: str, message: str = "", *, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status


class SlotTaken(BookingError):
    """409 ``slot_taken``: someone else was quicker."""


class SlotUnavailable(BookingError):
    """409 ``slot_unavailable``: the slot is not (or no longer) offered."""


class BookingNotActive(BookingError):
    """409 ``booking_not_active``: already cancelled (possibly by our own earlier, retried request)."""


class NotFound(BookingError):
    """404: no such office, or reference and phone/email do not match (``verification_failed``)."""


class InvalidRequest(BookingError):
    """422: the request was refused as invalid (``invalid_request``, ``invalid_slot``, ...)."""


class Unauthorized(BookingError):
    """401: the service token was refused (a configuration error, not the person's)."""


class BookingUnavailable(BookingError):
    """The booking service cannot answer now: connection error, timeout, 5xx, malformed answer."""


_CONFLICTS: dict[str, type[BookingError]] = {
    "slot_taken": SlotTaken,
    "slot_unavailable": SlotUnavailable,
    "booking_not_active": BookingNotActive,
}
_BY_STATUS: dict[int, type[BookingError]] = {401: Unauthorized, 404: NotFound, 422: InvalidRequest}

CONNECTION_ERROR = "connection_error"
TIMEOUT = "timeout"
MALFORMED_RESPONSE = "malformed_response"


class _Retry(Enum):
    """When a failed request is sent again."""

    TRANSIENT = "transient"  # connection errors, timeouts, 5xx: reads, and POST /bookings (Idempotency-Key)
    CONNECTION = "connection"  # connection errors only: lookup, cancel, reschedule, erase

    def allows(self, error: BookingUnavailable) -> bool:
        if error.status is None and error.code == CONNECTION_ERROR:
            return True
        if self is _Retry.CONNECTION:
            return False
        return error.code == TIMEOUT or (error.status is not None and error.status >= 500)


def _error_for(status: int, body: object) -> BookingError:
    code = body.get("code") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    code = code if isinstance(code, str) and code else f"http_{status}"
    message = message if isinstance(message, str) else ""
    if status >= 500:
        return BookingUnavailable(code, message, status=status)
    if status == 409 and code in _CONFLICTS:
        return _CONFLICTS[code](code, message, status=status)
    return _BY_STATUS.get(status, BookingError)(code, message, status=status)


# ---------------------------------------------------------------------------------------------- parsing


class _Malformed(ValueError):
    pass


def _field(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise _Malformed(f"{key}: expected {kind}")
    return value


def _text(data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    if default is not None and isinstance(data, Mapping) and data.get(key) is None:
        return default
    return _field(data, key, str)


def _texts(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = _field(data, key, list)
    if not all(isinstance(v, str) for v in values):
        raise _Malformed(f"{key}: expected a list of strings")
    return tuple(values)


def _moment(data: Mapping[str, Any], key: str) -> datetime:
    raw = _field(data, key, str)
    try:
        value = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError as exc:
        raise _Malformed(f"{key}: not an ISO 8601 time") from exc
    if value.utcoffset() is None:
        raise _Malformed(f"{key}: no UTC offset")
    return value


def _office(data: Mapping[str, Any]) -> Office:
    return Office(
        id=_text(data, "id"),
        name=_text(data, "name"),
        address=_text(data, "address"),
        phone=_text(data, "phone"),
        opening_hours=_text(data, "opening_hours", ""),
        serves=_text(data, "serves", ""),
        operator=_text(data, "operator", ""),
        email=_text(data, "email", ""),
    )


def _resolution(data: Mapping[str, Any]) -> Resolution:
    status = _text(data, "status")
    if status not in ("found", "ambiguous", "outside", "unknown"):
        raise _Malformed(f"status: unknown value {status!r}")
    matches = []
    for match in _field(data, "matches", list):
        office = _field(match, "office", (dict, type(None)))
        matches.append(
            PlaceMatch(
                municipality=_text(match, "municipality"),
                postal_codes=_texts(match, "postal_codes"),
                district=_text(match, "district"),
                office=None if office is None else _office(office),
                score=float(_field(match, "score", (int, float))),
            )
        )
    return Resolution(status=status, matches=tuple(matches))  # type: ignore[arg-type]


def _slot(data: Mapping[str, Any]) -> SlotOffer:
    return SlotOffer(
        id=_text(data, "id"),
        start=_moment(data, "start"),
        end=_moment(data, "end"),
        languages=_texts(data, "languages"),
        interpreter_needed=_field(data, "interpreter_needed", bool),
    )


def _booking(data: Mapping[str, Any]) -> Booking:
    return Booking(
        reference=_text(data, "reference"),
        status=_text(data, "status"),
        start=_moment(data, "start"),
        end=_moment(data, "end"),
        language=_text(data, "language"),
        interpreter_needed=_field(data, "interpreter_needed", bool),
        office=_office(_field(data, "office", dict)),
        calendar_url=_text(data, "calendar_url"),
    )


def _segment(value: str, what: str) -> str:
    """One percent-encoded path segment, whatever was typed: ``/``, ``?`` and dots are escaped too, so
    ``..`` cannot climb to another route (the URL is sent as encoded here, not normalised again)."""
    value = (value or "").strip()
    if not value:
        raise ValueError(f"{what} must not be empty")
    return quote(value, safe="").replace(".", "%2E")


def new_idempotency_key() -> str:
    """A fresh key for one booking attempt; keep it (e.g. in a slot) while that attempt is retried."""
    return str(uuid.uuid4())


# ----------------------------------------------------------------------------------------------- client


class BookingClient:
    """Async client of the booking API (``/api/v1``), authenticated with the bot's service token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        session: aiohttp.ClientSession | None = None,
        office_ttl: float = 300.0,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must not be negative")
        self._base_url = str(URL(base_url.rstrip("/")))  # normalised once; paths are appended encoded
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retries = retries
        self._backoff = tuple(backoff) or (0.0,)
        self._session = session
        self._owns_session = session is None
        # Office data (name, address, phone, hours) changes rarely and is shown on most turns: kept for
        # ``office_ttl`` seconds per office and language instead of being fetched again every time.
        self._office_ttl = office_ttl
        self._offices: dict[tuple[str, str], tuple[float, Office]] = {}

    @classmethod
    def from_env(cls) -> "BookingClient":
        """``BOOKING_URL`` (default ``http://127.0.0.1:$BOOKING_PORT``, port 8000) and ``BOOKING_SERVICE_TOKEN``."""
        port = os.environ.get("BOOKING_PORT") or "8000"
        base_url = os.environ.get("BOOKING_URL") or f"http://127.0.0.1:{port}"
        return cls(base_url, os.environ.get("BOOKING_SERVICE_TOKEN") or DEFAULT_SERVICE_TOKEN)

    @property
    def base_url(self) -> str:
        return self._base_url

    # --------------------------------------------------------------------------------------- endpoints

    async def resolve(self, text: str, language: str) -> Resolution:
        """What a typed town name or postal code refers to, and the office responsible for it."""
        body = await self._request(
            "GET", "/api/v1/municipalities/resolve", params={"q": text, "lang": language}, retry=_Retry.TRANSIENT
        )
        return self._parse(_resolution, body)

    async def office(self, office_id: str, language: str) -> Office:
        cached = self._offices.get((office_id, language))
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        body = await self._request(
            "GET",
            "/api/v1/offices/{office_id}",
            path={"office_id": _segment(office_id, "office_id")},
            params={"lang": language},
            retry=_Retry.TRANSIENT,
        )
        office = self._parse(_office, body)
        if self._office_ttl > 0:
            self._offices[(office_id, language)] = (time.monotonic() + self._office_ttl, office)
        return office

    async def slots(
        self, office_id: str, language: str, *, limit: int = 4, after: datetime | str | None = None
    ) -> list[SlotOffer]:
        """Free slots, staff speaking ``language`` first; ``after`` (aware) pages on to later ones."""
        params: dict[str, str | int] = {"language": language, "limit": limit}
        if isinstance(after, datetime):
            if after.utcoffset() is None:
                raise ValueError("after must be timezone-aware")
            params["after"] = after.isoformat()
        elif after:
            params["after"] = after
        body = await self._request(
            "GET",
            "/api/v1/offices/{office_id}/slots",
            path={"office_id": _segment(office_id, "office_id")},
            params=params,
            retry=_Retry.TRANSIENT,
        )
        return self._parse(lambda data: [_slot(s) for s in _field(data, "slots", list)], body)

    async def book(
        self,
        *,
        slot_id: str,
        language: str,
        channel: str,
        topics: Sequence[str],
        concern: str,
        contact_name: str,
        contact_phone: str,
        contact_email: str,
        consent_version: str,
        consent_given_at: datetime,
        municipality: str | None,
        idempotency_key: str,
    ) -> Booking:
        """Book a slot. Retried with the same ``idempotency_key``, so a lost answer cannot book twice."""
        if consent_given_at.utcoffset() is None:
            raise ValueError("consent_given_at must be timezone-aware")
        if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise ValueError(f"idempotency_key must have 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters")
        payload = {
            "slot_id": slot_id,
            "language": language,
            "channel": channel,
            "topics": list(topics),
            "concern": concern,
            "contact": {"name": contact_name, "phone": contact_phone, "email": contact_email},
            "consent": {"version": consent_version, "language": language, "given_at": consent_given_at.isoformat()},
            "municipality": municipality,
        }
        body = await self._request(
            "POST",
            "/api/v1/bookings",
            json_body=payload,
            headers={"Idempotency-Key": idempotency_key},
            retry=_Retry.TRANSIENT,
        )
        return self._parse(_booking, body)

    async def lookup(self, reference: str, *, phone: str = "", email: str = "") -> Booking:
        """The booking, if ``phone`` or ``email`` is the one given when booking."""
        payload = {"reference": (reference or "").strip(), "phone": phone, "email": email}
        if not payload["reference"]:
            raise ValueError("reference must not be empty")
        body = await self._request("POST", "/api/v1/bookings/lookup", json_body=payload, retry=_Retry.CONNECTION)
        return self._parse(_booking, body)

    async def cancel(self, reference: str, *, phone: str = "", email: str = "") -> Booking:
        body = await self._request(
            "POST",
            "/api/v1/bookings/{reference}/cancel",
            path={"reference": _segment(reference, "reference")},
            json_body={"phone": phone, "email": email},
            retry=_Retry.CONNECTION,
        )
        return self._parse(_booking, body)

    async def reschedule(self, reference: str, slot_id: str, *, phone: str = "", email: str = "") -> Booking:
        """Move to another slot of the same office; the old time stays booked if the new one is gone."""
        body = await self._request(
            "POST",
            "/api/v1/bookings/{reference}/reschedule",
            path={"reference": _segment(reference, "reference")},
            json_body={"slot_id": slot_id, "phone": phone, "email": email},
            retry=_Retry.CONNECTION,
        )
        return self._parse(_booking, body)

    async def erase(self, reference: str, *, phone: str = "", email: str = "") -> None:
        """Right to erasure: cancels a future appointment, blanks the intake record, withdraws consent."""
        body = await self._request(
            "POST",
            "/api/v1/bookings/{reference}/erase",
            path={"reference": _segment(reference, "reference")},
            json_body={"phone": phone, "email": email},
            retry=_Retry.CONNECTION,
        )
        self._parse(lambda data: _field(data, "erased", bool), body)

    async def close(self) -> None:
        """Close the HTTP session if this client created it (a session passed in stays the caller's)."""
        if self._owns_session and self._session is not None:
            session, self._session = self._session, None
            await session.close()

    # ------------------------------------------------------------------------------------------ plumbing

    def _http(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running event loop (never at import or construction time).
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _request(
        self,
        method: str,
        template: str,
        *,
        retry: _Retry,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
        json_body: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        url = URL(self._base_url + template.format(**(path or {})), encoded=True)
        request_headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json", **(headers or {})}
        attempts = self._retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._send(method, template, url, params, json_body, request_headers)
            except BookingUnavailable as error:
                if attempt == attempts or not retry.allows(error):
                    raise
                delay = self._backoff[min(attempt, len(self._backoff)) - 1]
                log.warning(
                    "%s %s failed (%s), retry %d of %d in %.1f s",
                    method, template, error.code, attempt, self._retries, delay,
                )  # fmt: skip
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(
        self,
        method: str,
        template: str,
        url: URL,
        params: Mapping[str, str | int] | None,
        json_body: object,
        headers: Mapping[str, str],
    ) -> Any:
        try:
            async with self._http().request(
                method, url, params=params, json=json_body, headers=headers, timeout=self._timeout
            ) as response:
                status = response.status
                raw = await response.read()
        except asyncio.TimeoutError:  # noqa: UP041 - Python 3.10 (Rasa): not yet the builtin TimeoutError
            log.debug("%s %s -> timeout", method, template)
            raise BookingUnavailable(TIMEOUT, "the booking service did not answer in time") from None
        except aiohttp.ClientError as exc:
            # ``from None``: aiohttp's messages can contain the URL, and URLs contain reference codes.
            log.debug("%s %s -> %s", method, template, type(exc).__name__)
            raise BookingUnavailable(CONNECTION_ERROR, type(exc).__name__) from None
        log.debug("%s %s -> %s", method, template, status)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if 200 <= status < 300:
            if body is None:
                raise BookingUnavailable(MALFORMED_RESPONSE, "the answer is not JSON", status=status)
            return body
        raise _error_for(status, body)

    @staticmethod
    def _parse(parser: Callable[[Any], T], body: Any) -> T:
        try:
            return parser(body)
        except (_Malformed, TypeError, ValueError) as exc:
            # The reason names a field, never a value.
            raise BookingUnavailable(MALFORMED_RESPONSE, str(exc) if isinstance(exc, _Malformed) else "") from None


# ------------------------------------------------------------------------------------ the shared client

_client: BookingClient | None = None


def get_client() -> BookingClient:
    """The action server's client: created from the environment on first call, then reused."""
    global _client
    if _client is None:
        _client = BookingClient.from_env()
    return _client


async def close_client() -> None:
    """Close and forget the shared client (action server shutdown, tests)."""
    global _client
    client, _client = _client, None
    if client is not None:
        await client.close()
