"""The bot's booking API client against a fake booking API on 127.0.0.1 (real HTTP, real aiohttp)."""

import logging
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest

from bot import booking_client
from bot.booking_client import (
    Booking,
    BookingClient,
    BookingError,
    BookingNotActive,
    BookingUnavailable,
    InvalidRequest,
    NotFound,
    Office,
    PlaceMatch,
    Resolution,
    SlotOffer,
    SlotTaken,
    SlotUnavailable,
    Unauthorized,
)
from tests.bot.conftest import TOKEN, FakeBookingApi, NetworkGuard, NonLoopbackConnection, Reply

REPO_ROOT = Path(__file__).resolve().parents[2]
BERLIN_WINTER = timezone(timedelta(hours=1))
REFERENCE = "K7M-4PX9"
PHONE = "+49 170 1234567"
EMAIL = "amina.haddad@example.org"
NAME = "Amina Haddad"
SLOT_ID = "sgmxdeojzgi2tanrqfy2dk"
OTHER_SLOT_ID = "sgmxdeojzgi2tanrqfy2dq"
IDEMPOTENCY_KEY = "0f8e2b6c-3d4a-4c1e-9b7a-5e6f7a8b9c0d"

# Shapes as the views answer them (booking/offices/views.py OfficeOut, places/views.py ResolveOut,
# offices/views.py SlotsOut, bookings/views.py BookingOut and ErasedOut).
OFFICE = {
    "id": "hagen",
    "name": "Kommunales Case Management Hagen",
    "operator": "Stadt Hagen (Kommunales Integrationszentrum)",
    "address": "Rathaus II, Berliner Platz 22, 58089 Hagen",
    "phone": "02331 207-5820",
    "email": "case-management-hagen@demo.kim-frontdoor.example",
    "opening_hours": "Book an appointment by phone: Monday to Thursday 8:00–15:00, phone 02331 207-5820.",
    "serves": "For immigrants who live in Hagen.",
}
OFFICE_BRIEF = {k: OFFICE[k] for k in ("id", "name", "address", "phone", "opening_hours", "serves")}
RESOLVED = {
    "status": "found",
    "matches": [
        {
            "municipality": "Hagen",
            "postal_codes": ["58089", "58095", "58097"],
            "district": "Stadt Hagen",
            "office": OFFICE_BRIEF,
            "score": 100.0,
        }
    ],
}
AMBIGUOUS = {
    "status": "ambiguous",
    "matches": [
        {"municipality": "Hagen", "postal_codes": ["58095"], "district": "Stadt Hagen", "office": OFFICE_BRIEF,
         "score": 88.9},
        {"municipality": "Haan", "postal_codes": ["42781"], "district": "Kreis Mettmann", "office": None,
         "score": 80},
    ],
}  # fmt: skip
SLOTS = {
    "office_id": "hagen",
    "slots": [
        {
            "id": SLOT_ID,
            "start": "2026-11-24T08:00:00+01:00",
            "end": "2026-11-24T08:45:00+01:00",
            "languages": ["de", "ar"],
            "interpreter_needed": False,
        },
        {
            "id": OTHER_SLOT_ID,
            "start": "2026-11-24T09:00:00+01:00",
            "end": "2026-11-24T09:45:00+01:00",
            "languages": ["de", "ru"],
            "interpreter_needed": True,
        },
    ],
}
BOOKED = {
    "reference": REFERENCE,
    "status": "active",
    "start": "2026-11-24T08:00:00+01:00",
    "end": "2026-11-24T08:45:00+01:00",
    "language": "ar",
    "interpreter_needed": False,
    "office": OFFICE,
    "calendar_url": "http://127.0.0.1:8000/calendar/pQ1x2Wv3Yz4aB5cD6eF7gH8iJ9kL0mN1oP2qR3sT4uV.ics",
}
CANCELLED = {**BOOKED, "status": "cancelled"}
MOVED = {**BOOKED, "start": "2026-11-24T09:00:00+01:00", "end": "2026-11-24T09:45:00+01:00"}
ERASED = {"reference": REFERENCE, "status": "cancelled", "erased": True}

BOOKINGS = "/api/v1/bookings"
CANCEL = f"/api/v1/bookings/{REFERENCE}/cancel"
SLOTS_PATH = "/api/v1/offices/hagen/slots"


def unavailable(code: str = "database_unavailable") -> Reply:
    return Reply(503, {"code": code, "message": "the database is not reachable, please try again shortly"})


@pytest.fixture
async def client(booking_api: FakeBookingApi) -> AsyncIterator[BookingClient]:
    client = BookingClient(booking_api.url, TOKEN, timeout=2.0, backoff=(0.01, 0.02))
    try:
        yield client
    finally:
        await client.close()


async def book(client: BookingClient, **overrides: object) -> Booking:
    arguments: dict[str, object] = dict(
        slot_id=SLOT_ID,
        language="ar",
        channel="web",
        topics=["residence", "housing"],
        concern="I need help with my residence permit.",
        contact_name=NAME,
        contact_phone=PHONE,
        contact_email=EMAIL,
        consent_version="2026-01",
        consent_given_at=datetime(2026, 11, 21, 10, 15, tzinfo=timezone.utc),  # noqa: UP017 - Python 3.10 has no datetime.UTC
        municipality="Hagen",
        idempotency_key=IDEMPOTENCY_KEY,
    )
    arguments.update(overrides)
    return await client.book(**arguments)  # type: ignore[arg-type]


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------------------ happy paths


async def test_resolve_parses_matches_and_sends_text_and_language(booking_api, client) -> None:
    booking_api.reply("GET", "/api/v1/municipalities/resolve", Reply(200, RESOLVED))

    resolution = await client.resolve("Хаген", "ru")

    assert resolution == Resolution(
        status="found",
        matches=(
            PlaceMatch(
                municipality="Hagen",
                postal_codes=("58089", "58095", "58097"),
                district="Stadt Hagen",
                office=Office(
                    id="hagen",
                    name="Kommunales Case Management Hagen",
                    address="Rathaus II, Berliner Platz 22, 58089 Hagen",
                    phone="02331 207-5820",
                    opening_hours=OFFICE["opening_hours"],
                    serves=OFFICE["serves"],
                ),
                score=100.0,
            ),
        ),
    )
    (call,) = booking_api.requests
    assert call.query == {"q": "Хаген", "lang": "ru"}


async def test_resolve_ambiguous_keeps_order_and_a_match_without_office(booking_api, client) -> None:
    booking_api.reply("GET", "/api/v1/municipalities/resolve", Reply(200, AMBIGUOUS))

    resolution = await client.resolve("Haagen", "de")

    assert resolution.status == "ambiguous"
    assert [m.municipality for m in resolution.matches] == ["Hagen", "Haan"]
    assert resolution.matches[0].office is not None and resolution.matches[0].office.id == "hagen"
    assert resolution.matches[1].office is None
    assert resolution.matches[1].score == 80.0 and isinstance(resolution.matches[1].score, float)


async def test_resolve_unknown_has_no_matches(booking_api, client) -> None:
    booking_api.reply("GET", "/api/v1/municipalities/resolve", Reply(200, {"status": "unknown", "matches": []}))

    assert await client.resolve("Atlantis", "en") == Resolution(status="unknown", matches=())


async def test_office_parses_all_fields(booking_api, client) -> None:
    booking_api.reply("GET", "/api/v1/offices/hagen", Reply(200, OFFICE))

    office = await client.office("hagen", "en")

    assert office == Office(**OFFICE)
    assert booking_api.requests[0].query == {"lang": "en"}


async def test_slots_parse_aware_times_and_send_language_and_limit(booking_api, client) -> None:
    booking_api.reply("GET", SLOTS_PATH, Reply(200, SLOTS))

    slots = await client.slots("hagen", "ar", limit=2)

    assert slots == [
        SlotOffer(
            id=SLOT_ID,
            start=datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN_WINTER),
            end=datetime(2026, 11, 24, 8, 45, tzinfo=BERLIN_WINTER),
            languages=("de", "ar"),
            interpreter_needed=False,
        ),
        SlotOffer(
            id=OTHER_SLOT_ID,
            start=datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN_WINTER),
            end=datetime(2026, 11, 24, 9, 45, tzinfo=BERLIN_WINTER),
            languages=("de", "ru"),
            interpreter_needed=True,
        ),
    ]
    assert all(s.start.utcoffset() == timedelta(hours=1) for s in slots)
    assert booking_api.requests[0].query == {"language": "ar", "limit": "2"}


async def test_slots_after_keeps_its_utc_offset_in_the_query(booking_api, client) -> None:
    booking_api.reply("GET", SLOTS_PATH, Reply(200, {"office_id": "hagen", "slots": []}))
    after = datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN_WINTER)

    assert await client.slots("hagen", "de", after=after) == []
    assert await client.slots("hagen", "de", after="2026-11-24T09:00:00Z") == []

    first, second = booking_api.requests
    assert first.query == {"language": "de", "limit": "4", "after": "2026-11-24T09:00:00+01:00"}  # "+" not a space
    assert second.query["after"] == "2026-11-24T09:00:00Z"


async def test_slots_refuse_a_naive_after_without_asking(booking_api, client) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await client.slots("hagen", "de", after=datetime(2026, 11, 24, 9, 0))
    assert booking_api.requests == []


async def test_book_sends_the_contract_body_token_and_idempotency_key(booking_api, client) -> None:
    booking_api.reply("POST", BOOKINGS, Reply(201, BOOKED))

    booking = await book(client)

    assert booking == Booking(
        reference=REFERENCE,
        status="active",
        start=datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN_WINTER),
        end=datetime(2026, 11, 24, 8, 45, tzinfo=BERLIN_WINTER),
        language="ar",
        interpreter_needed=False,
        office=Office(**OFFICE),
        calendar_url=BOOKED["calendar_url"],
    )
    (call,) = booking_api.requests
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.headers["Idempotency-Key"] == IDEMPOTENCY_KEY
    assert call.body == {
        "slot_id": SLOT_ID,
        "language": "ar",
        "channel": "web",
        "topics": ["residence", "housing"],
        "concern": "I need help with my residence permit.",
        "contact": {"name": NAME, "phone": PHONE, "email": EMAIL},
        "consent": {"version": "2026-01", "language": "ar", "given_at": "2026-11-21T10:15:00+00:00"},
        "municipality": "Hagen",
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent_given_at": datetime(2026, 11, 21, 10, 15)}, "timezone-aware"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "k" * 65}, "idempotency_key"),
    ],
)
async def test_book_refuses_programming_errors_before_sending(booking_api, client, overrides, message) -> None:
    with pytest.raises(ValueError, match=message):
        await book(client, **overrides)
    assert booking_api.requests == []


async def test_lookup_sends_reference_and_second_factor(booking_api, client) -> None:
    booking_api.reply("POST", "/api/v1/bookings/lookup", Reply(200, BOOKED))

    booking = await client.lookup(f" {REFERENCE} ", email=EMAIL)

    assert booking.reference == REFERENCE and booking.office.phone == "02331 207-5820"
    (call,) = booking_api.requests
    assert call.body == {"reference": REFERENCE, "phone": "", "email": EMAIL}
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_cancel_posts_to_the_reference(booking_api, client) -> None:
    booking_api.reply("POST", CANCEL, Reply(200, CANCELLED))

    booking = await client.cancel(REFERENCE, phone=PHONE)

    assert booking.status == "cancelled" and booking.reference == REFERENCE
    (call,) = booking_api.calls("POST", CANCEL)
    assert call.body == {"phone": PHONE, "email": ""}
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_reschedule_sends_the_new_slot(booking_api, client) -> None:
    path = f"/api/v1/bookings/{REFERENCE}/reschedule"
    booking_api.reply("POST", path, Reply(200, MOVED))

    booking = await client.reschedule(REFERENCE, OTHER_SLOT_ID, phone=PHONE)

    assert booking.start == datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN_WINTER)
    assert booking.reference == REFERENCE
    (call,) = booking_api.calls("POST", path)
    assert call.body == {"slot_id": OTHER_SLOT_ID, "phone": PHONE, "email": ""}


async def test_erase_returns_nothing_on_success(booking_api, client) -> None:
    path = f"/api/v1/bookings/{REFERENCE}/erase"
    booking_api.reply("POST", path, Reply(200, ERASED))

    assert await client.erase(REFERENCE, email=EMAIL) is None
    (call,) = booking_api.calls("POST", path)
    assert call.body == {"phone": "", "email": EMAIL}


@pytest.mark.parametrize(
    ("reference", "sent"),
    [
        ("../offices/hagen?x=1", "%2E%2E%2Foffices%2Fhagen%3Fx%3D1"),
        ("..", "%2E%2E"),
        ("K7M 4PX9#", "K7M%204PX9%23"),
    ],
)
async def test_reference_is_one_escaped_path_segment(booking_api, client, reference, sent) -> None:
    with pytest.raises(NotFound):
        await client.cancel(reference, phone=PHONE)

    (call,) = booking_api.requests
    assert call.path == f"/api/v1/bookings/{sent}/cancel"
    assert call.query == {}


async def test_empty_reference_is_refused_before_sending(booking_api, client) -> None:
    for call in (client.cancel(" ", phone=PHONE), client.lookup("", phone=PHONE), client.erase("", phone=PHONE)):
        with pytest.raises(ValueError, match="reference"):
            await call
    assert booking_api.requests == []


# ----------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (409, "slot_taken", SlotTaken),
        (409, "slot_unavailable", SlotUnavailable),
        (409, "booking_not_active", BookingNotActive),
        (404, "not_found", NotFound),
        (404, "verification_failed", NotFound),
        (422, "invalid_request", InvalidRequest),
        (422, "invalid_slot", InvalidRequest),
        (422, "idempotency_key_reused", InvalidRequest),
        (401, "unauthorized", Unauthorized),
        (503, "database_unavailable", BookingUnavailable),
        (500, "internal_error", BookingUnavailable),
        (409, "some_new_conflict", BookingError),
        (400, "error", BookingError),
    ],
)
async def test_error_bodies_map_to_error_classes(booking_api, status, code, error) -> None:
    booking_api.reply("POST", BOOKINGS, Reply(status, {"code": code, "message": "what happened"}))
    client = BookingClient(booking_api.url, TOKEN, retries=0)
    try:
        with pytest.raises(BookingError) as caught:
            await book(client)
    finally:
        await client.close()

    assert type(caught.value) is error
    assert (caught.value.code, caught.value.message, caught.value.status) == (code, "what happened", status)


async def test_validation_error_with_details_is_invalid_request(booking_api, client) -> None:
    body = {
        "code": "invalid_request",
        "message": "the request is not valid",
        "errors": [{"loc": ["body", "contact"], "type": "value_error", "msg": "a phone number or an email address"}],
    }
    booking_api.reply("POST", BOOKINGS, Reply(422, body))

    with pytest.raises(InvalidRequest) as caught:
        await book(client, contact_phone="", contact_email="")

    assert caught.value.code == "invalid_request"
    assert len(booking_api.requests) == 1  # a refusal is not retried


async def test_wrong_token_is_unauthorized(booking_api) -> None:
    booking_api.reply("POST", "/api/v1/bookings/lookup", Reply(200, BOOKED))
    client = BookingClient(booking_api.url, "not-the-token")
    try:
        with pytest.raises(Unauthorized) as caught:
            await client.lookup(REFERENCE, phone=PHONE)
    finally:
        await client.close()

    assert caught.value.code == "unauthorized"
    assert booking_api.requests[0].headers["Authorization"] == "Bearer not-the-token"
    assert len(booking_api.requests) == 1


async def test_an_unknown_office_is_not_found(booking_api, client) -> None:
    booking_api.reply("GET", "/api/v1/offices/nowhere", Reply(404, {"code": "not_found", "message": "no office"}))

    with pytest.raises(NotFound):
        await client.office("nowhere", "de")
    assert len(booking_api.requests) == 1


async def test_a_proxy_error_page_is_unavailable(booking_api, client) -> None:
    booking_api.reply("GET", SLOTS_PATH, Reply(502, text="<html><body>Bad Gateway</body></html>"))

    with pytest.raises(BookingUnavailable) as caught:
        await client.slots("hagen", "de")

    assert (caught.value.code, caught.value.status) == ("http_502", 502)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, text="<html>not json</html>"),
        Reply(200, {"office_id": "hagen"}),
        Reply(200, {"slots": [{**SLOTS["slots"][0], "start": "2026-11-24T08:00:00"}]}),  # no UTC offset
        Reply(200, {"slots": [{**SLOTS["slots"][0], "interpreter_needed": "no"}]}),
        Reply(200, {"slots": [{**SLOTS["slots"][0], "languages": "de"}]}),
        Reply(200, [1, 2, 3]),
    ],
    ids=["html", "missing-key", "naive-time", "wrong-type", "string-not-list", "wrong-shape"],
)
async def test_malformed_answers_are_unavailable_and_not_retried(booking_api, client, reply) -> None:
    booking_api.reply("GET", SLOTS_PATH, reply)

    with pytest.raises(BookingUnavailable) as caught:
        await client.slots("hagen", "de")

    assert caught.value.code == "malformed_response"
    assert len(booking_api.requests) == 1


# ---------------------------------------------------------------------------------------------- retries


async def test_get_is_retried_on_503_then_succeeds(booking_api, client) -> None:
    booking_api.reply("GET", SLOTS_PATH, unavailable(), Reply(200, SLOTS))

    slots = await client.slots("hagen", "ar")

    assert [s.id for s in slots] == [SLOT_ID, OTHER_SLOT_ID]
    assert len(booking_api.calls("GET", SLOTS_PATH)) == 2


async def test_get_gives_up_after_the_retries(booking_api, client) -> None:
    booking_api.reply("GET", SLOTS_PATH, unavailable())

    with pytest.raises(BookingUnavailable) as caught:
        await client.slots("hagen", "ar")

    assert (caught.value.code, caught.value.status) == ("database_unavailable", 503)
    assert len(booking_api.calls("GET", SLOTS_PATH)) == 3  # retries=2


async def test_booking_is_retried_on_503_with_the_same_idempotency_key(booking_api, client) -> None:
    booking_api.reply("POST", BOOKINGS, unavailable(), unavailable(), Reply(201, BOOKED))

    booking = await book(client)

    assert booking.reference == REFERENCE
    calls = booking_api.calls("POST", BOOKINGS)
    assert len(calls) == 3
    assert {c.headers["Idempotency-Key"] for c in calls} == {IDEMPOTENCY_KEY}
    assert all(c.body == calls[0].body for c in calls)


async def test_booking_is_retried_after_a_lost_answer_with_the_same_key(booking_api) -> None:
    """The first answer never arrives (timeout); the retry carries the same key, so the server can replay."""
    booking_api.reply("POST", BOOKINGS, Reply(201, BOOKED, delay=0.6), Reply(201, BOOKED))
    client = BookingClient(booking_api.url, TOKEN, timeout=0.2, backoff=(0.01,))
    try:
        booking = await book(client)
    finally:
        await client.close()

    assert booking.reference == REFERENCE
    first, second = booking_api.calls("POST", BOOKINGS)
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == IDEMPOTENCY_KEY


async def test_booking_retried_after_a_dropped_connection(booking_api, client) -> None:
    booking_api.reply("POST", BOOKINGS, Reply(drop=True), Reply(201, BOOKED))

    assert (await book(client)).reference == REFERENCE
    assert [c.headers["Idempotency-Key"] for c in booking_api.calls("POST", BOOKINGS)] == [IDEMPOTENCY_KEY] * 2


async def test_cancel_is_not_retried_on_503(booking_api, client) -> None:
    booking_api.reply("POST", CANCEL, unavailable(), Reply(200, CANCELLED))

    with pytest.raises(BookingUnavailable):
        await client.cancel(REFERENCE, phone=PHONE)
    assert len(booking_api.calls("POST", CANCEL)) == 1


async def test_cancel_is_not_retried_on_timeout(booking_api) -> None:
    booking_api.reply("POST", CANCEL, Reply(200, CANCELLED, delay=0.6), Reply(200, CANCELLED))
    client = BookingClient(booking_api.url, TOKEN, timeout=0.2, backoff=(0.01,))
    try:
        with pytest.raises(BookingUnavailable) as caught:
            await client.cancel(REFERENCE, phone=PHONE)
    finally:
        await client.close()

    assert caught.value.code == "timeout"
    assert len(booking_api.calls("POST", CANCEL)) == 1


async def test_cancel_retried_after_a_dropped_connection_reports_not_active(booking_api, client) -> None:
    """The first cancel went through but its answer was lost: the retry finds the booking cancelled."""
    not_active = Reply(409, {"code": "booking_not_active", "message": "the booking is not active"})
    booking_api.reply("POST", CANCEL, Reply(drop=True), not_active)

    with pytest.raises(BookingNotActive):
        await client.cancel(REFERENCE, phone=PHONE)
    assert len(booking_api.calls("POST", CANCEL)) == 2


@pytest.mark.parametrize("method", ["lookup", "reschedule", "erase"])
async def test_other_posts_are_retried_on_a_dropped_connection_only(booking_api, client, method) -> None:
    path = {
        "lookup": "/api/v1/bookings/lookup",
        "reschedule": f"/api/v1/bookings/{REFERENCE}/reschedule",
        "erase": f"/api/v1/bookings/{REFERENCE}/erase",
    }[method]
    answer = ERASED if method == "erase" else BOOKED
    call = {
        "lookup": lambda: client.lookup(REFERENCE, phone=PHONE),
        "reschedule": lambda: client.reschedule(REFERENCE, OTHER_SLOT_ID, phone=PHONE),
        "erase": lambda: client.erase(REFERENCE, phone=PHONE),
    }[method]

    booking_api.reply("POST", path, Reply(drop=True), Reply(200, answer))
    await call()
    assert len(booking_api.calls("POST", path)) == 2

    booking_api.requests.clear()
    booking_api.reply("POST", path, unavailable(), Reply(200, answer))
    with pytest.raises(BookingUnavailable):
        await call()
    assert len(booking_api.calls("POST", path)) == 1


async def test_timeout_is_unavailable_after_retrying(booking_api) -> None:
    booking_api.reply("GET", "/api/v1/offices/hagen", Reply(200, OFFICE, delay=0.5))
    client = BookingClient(booking_api.url, TOKEN, timeout=0.1, retries=1, backoff=(0.01,))
    try:
        with pytest.raises(BookingUnavailable) as caught:
            await client.office("hagen", "de")
    finally:
        await client.close()

    assert caught.value.code == "timeout" and caught.value.status is None
    assert len(booking_api.requests) == 2


async def test_connection_refused_is_unavailable() -> None:
    client = BookingClient(f"http://127.0.0.1:{free_port()}", TOKEN, backoff=(0.01,))
    try:
        with pytest.raises(BookingUnavailable) as caught:
            await client.resolve("Hagen", "de")
    finally:
        await client.close()

    assert caught.value.code == "connection_error"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# ----------------------------------------------------------------------------------- privacy, lifecycle


async def test_logs_carry_route_templates_and_status_but_no_personal_data(booking_api, client, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.booking_client")
    booking_api.reply("POST", BOOKINGS, unavailable(), Reply(201, BOOKED))
    booking_api.reply("POST", CANCEL, Reply(200, CANCELLED))
    booking_api.reply("POST", "/api/v1/bookings/lookup", Reply(404, {"code": "verification_failed", "message": ""}))
    booking_api.reply("GET", "/api/v1/municipalities/resolve", Reply(200, RESOLVED))

    await book(client)
    await client.cancel(REFERENCE, phone=PHONE)
    with pytest.raises(NotFound):
        await client.lookup(REFERENCE, email=EMAIL)
    await client.resolve("Hagen 58095", "de")

    messages = [r.getMessage() for r in caplog.records if r.name == "bot.booking_client"]
    assert "POST /api/v1/bookings -> 503" in messages
    assert "POST /api/v1/bookings -> 201" in messages
    assert "POST /api/v1/bookings/{reference}/cancel -> 200" in messages
    assert "POST /api/v1/bookings/lookup -> 404" in messages
    assert "GET /api/v1/municipalities/resolve -> 200" in messages
    assert any("retry 1 of 2" in m for m in messages)
    secrets = [REFERENCE, PHONE, EMAIL, NAME, "residence permit", "58095", IDEMPOTENCY_KEY, TOKEN, "?"]
    leaked = [(s, m) for m in messages for s in secrets if s in m]
    assert leaked == []


async def test_errors_carry_no_url(booking_api, client) -> None:
    """Exceptions end up in action server logs: no reference code in their text or chain."""
    booking_api.reply("POST", CANCEL, Reply(drop=True))

    with pytest.raises(BookingUnavailable) as caught:
        await client.cancel(REFERENCE, phone=PHONE)

    assert REFERENCE not in str(caught.value) and caught.value.__cause__ is None
    assert caught.value.__suppress_context__


async def test_a_session_passed_in_is_used_and_left_open(booking_api) -> None:
    booking_api.reply("GET", "/api/v1/offices/hagen", Reply(200, OFFICE))
    async with aiohttp.ClientSession() as session:
        client = BookingClient(booking_api.url, TOKEN, session=session)
        assert (await client.office("hagen", "de")).id == "hagen"
        await client.close()
        assert not session.closed


async def test_close_closes_its_own_session_and_a_later_call_opens_a_new_one(booking_api, client) -> None:
    booking_api.reply("GET", "/api/v1/offices/hagen", Reply(200, OFFICE), Reply(200, OFFICE))
    await client.office("hagen", "de")
    await client.close()
    await client.close()  # twice is harmless

    assert (await client.office("hagen", "en")).id == "hagen"  # another language: not from the cache
    assert len(booking_api.requests) == 2


def test_from_env_defaults_to_the_local_service(monkeypatch) -> None:
    for name in ("BOOKING_URL", "BOOKING_PORT", "BOOKING_SERVICE_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    client = BookingClient.from_env()

    assert client.base_url == "http://127.0.0.1:8000"
    assert client._token == "local-dev-service-token-change-me"


def test_from_env_reads_port_url_and_token(monkeypatch) -> None:
    monkeypatch.delenv("BOOKING_URL", raising=False)
    monkeypatch.setenv("BOOKING_PORT", "8123")
    monkeypatch.setenv("BOOKING_SERVICE_TOKEN", TOKEN)
    assert BookingClient.from_env().base_url == "http://127.0.0.1:8123"
    assert BookingClient.from_env()._token == TOKEN

    monkeypatch.setenv("BOOKING_URL", "http://booking.internal:9000/")
    assert BookingClient.from_env().base_url == "http://booking.internal:9000"


async def test_get_client_creates_one_client_lazily_and_reuses_it(monkeypatch) -> None:
    monkeypatch.setattr(booking_client, "_client", None)
    monkeypatch.setenv("BOOKING_PORT", "8124")

    first = booking_client.get_client()

    assert first is booking_client.get_client() and first.base_url == "http://127.0.0.1:8124"
    await booking_client.close_client()
    assert booking_client._client is None


def test_import_does_no_work_and_never_imports_the_booking_service() -> None:
    code = (
        "import sys, bot.booking_client as m\n"
        "assert m._client is None\n"
        "assert not [n for n in sys.modules if n == 'booking' or n.startswith('booking.')], 'booking imported'\n"
        "assert 'rasa' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


async def test_the_network_guard_refuses_other_hosts(network_guard: NetworkGuard) -> None:
    client = BookingClient("http://192.0.2.10:8000", TOKEN, retries=0)  # TEST-NET-1, never routed
    try:
        with pytest.raises(NonLoopbackConnection):
            await client.office("hagen", "de")
        with pytest.raises(NonLoopbackConnection):
            socket.getaddrinfo("example.org", 443)
    finally:
        await client.close()
    assert network_guard.violations == ["connecting to '192.0.2.10'", "resolving 'example.org'"]
    network_guard.violations.clear()  # seen and asserted: do not fail this test at teardown


async def test_office_data_is_kept_for_a_while_per_office_and_language(booking_api, client) -> None:
    """Office texts show on most turns: fetched once per office and language, not on every turn."""
    booking_api.reply("GET", "/api/v1/offices/hagen", Reply(200, OFFICE), Reply(200, OFFICE))

    first = await client.office("hagen", "de")
    again = await client.office("hagen", "de")
    other_language = await client.office("hagen", "ar")

    assert first == again == other_language == Office(**OFFICE)
    assert [r.query["lang"] for r in booking_api.requests] == ["de", "ar"]
