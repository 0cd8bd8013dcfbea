"""The booking API contract (DESIGN.md §3) on SQLite and PostgreSQL."""

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select

from booking.app import create_app
from booking.bookings.models import Booking, IntakeRecord
from booking.config import Settings
from booking.offices.views import feed_token
from tests.booking import factories

TOKEN = "test-service-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url, service_token=TOKEN, public_base_url="http://booking.test")


@pytest.fixture
def office(session):
    office = factories.office(session, office_id="hagen", name="Kommunales Case Management Hagen")
    factories.staff(session, office=office, languages=["de", "ar"])
    factories.staff(session, office=office, languages=["de", "ru"])
    factories.municipality(session, name="Hagen", office=office, postal_codes=["58095", "58097"],
                           aliases={"ru": ["Хаген"], "ar": ["هاغن"]})  # fmt: skip
    session.commit()
    return office


@pytest.fixture
def client(settings, engine, now, office):
    with TestClient(create_app(settings, engine=engine, clock=lambda: now)) as client:
        yield client


def free_slots(client, language="ar", limit=5):
    response = client.get("/api/v1/offices/hagen/slots", params={"language": language, "limit": limit})
    assert response.status_code == 200
    return response.json()["slots"]


def test_health(client) -> None:
    assert client.get("/health").json() == {"status": "ok", "service": "booking"}


def test_slots_contract(client) -> None:
    slots = free_slots(client, limit=4)
    assert len(slots) == 4
    for slot in slots:
        assert set(slot) >= {"id", "start", "end", "languages"}
        start = datetime.fromisoformat(slot["start"])
        assert start.utcoffset() is not None and slot["start"].endswith("+01:00")  # Berlin in November
        assert "ar" in slot["languages"] and slot["interpreter_needed"] is False
    assert client.get("/api/v1/offices/nowhere/slots").status_code == 404
    assert client.get("/api/v1/offices/hagen/slots", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/offices/hagen/slots", params={"language": "xx"}).status_code == 422


def test_resolve_contract(client) -> None:
    body = client.get("/api/v1/municipalities/resolve", params={"q": "58095", "lang": "en"}).json()
    assert body["status"] == "found"
    (match,) = body["matches"][:1]
    assert match["municipality"] == "Hagen" and match["postal_codes"] == ["58095", "58097"]
    assert set(match["office"]) >= {"id", "name", "address", "phone", "opening_hours"}
    assert match["office"]["id"] == "hagen" and match["office"]["opening_hours"] == "Mon–Thu 8am–3pm"
    assert client.get("/api/v1/municipalities/resolve", params={"q": "Hagen 27628"}).json()["status"] == "outside"
    assert (
        client.get("/api/v1/municipalities/resolve", params={"q": "Хаген"}).json()["matches"][0]["office"]["id"]
        == "hagen"
    )
    for weird in ["", " ", "\x00", "'; DROP TABLE municipalities; --", "🙂" * 500]:
        response = client.get("/api/v1/municipalities/resolve", params={"q": weird})
        assert response.status_code == 200 and response.json()["status"] in {"found", "ambiguous", "outside", "unknown"}


def test_booking_flow(client, session) -> None:
    slot = free_slots(client)[0]
    response = client.post("/api/v1/bookings", json=factories.booking_payload(slot["id"]), headers=AUTH)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) >= {"reference", "start", "end", "office", "calendar_url"}
    assert body["start"] == slot["start"] and body["office"]["id"] == "hagen"
    assert body["calendar_url"].startswith("http://booking.test/calendar/") and "intake" not in body

    stored = session.scalar(select(Booking).where(Booking.reference == body["reference"]))
    intake = session.scalar(select(IntakeRecord).where(IntakeRecord.booking_id == stored.id))
    assert (stored.language, stored.channel, stored.interpreter_needed) == ("ar", "web", False)
    assert intake.topics == ["residence", "housing"] and intake.contact_email == "amal@example.org"
    assert stored.consent.text_version == "2026-11-v1" and stored.consent.language == "ar"
    session.rollback()  # end the test's own read transaction

    again = client.post("/api/v1/bookings", json=factories.booking_payload(slot["id"]), headers=AUTH)
    assert again.status_code == 409 and again.json()["code"] == "slot_taken"
    assert slot["id"] not in [s["id"] for s in free_slots(client)]

    ics = client.get(body["calendar_url"].removeprefix("http://booking.test"))
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    event = next(iter(Calendar.from_ical(ics.content).walk("VEVENT")))
    assert body["reference"] in str(event["DESCRIPTION"]) and "Amal" not in ics.text
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_booking_requires_the_service_token(client) -> None:
    slot = free_slots(client)[0]
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = client.post("/api/v1/bookings", json=factories.booking_payload(slot["id"]), headers=headers)
        assert response.status_code == 401 and response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    "change",
    [
        {"slot_id": "garbage"},
        {"language": "xx"},
        {"topics": ["astrology"]},
        {"contact": {"name": "A", "phone": "", "email": ""}},
        {"contact": {"name": "A", "phone": "not a phone"}},
        {"contact": {"name": "A", "email": "no-at-sign"}},
        {"contact": {"name": "", "phone": "+49 151 23456789"}},
        {"consent": {"version": "v1", "language": "ar", "given_at": "2026-11-20T10:00:00"}},
        {"consent": None},
        {"concern": "x" * 1001},
    ],
)
def test_bad_input_is_422_with_a_code_and_without_echoing_data(client, change) -> None:
    body = {**factories.booking_payload(free_slots(client)[0]["id"]), **change}
    response = client.post("/api/v1/bookings", json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    assert response.json()["code"] in {"invalid_request", "invalid_slot"}
    assert "Amal" not in response.text and "amal@example.org" not in response.text


def test_malformed_json_is_422(client) -> None:
    response = client.post(
        "/api/v1/bookings", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_lookup_cancel_reschedule_erase(client) -> None:
    first, second, third = free_slots(client, limit=3)
    created = client.post("/api/v1/bookings", json=factories.booking_payload(first["id"]), headers=AUTH).json()
    ref = created["reference"]
    factor = {"phone": "0151 23456789"}

    assert client.post("/api/v1/bookings/lookup", json={"reference": ref, "phone": "0151 0000000"},
                       headers=AUTH).status_code == 404  # fmt: skip
    looked = client.post("/api/v1/bookings/lookup", json={"reference": ref.lower(), **factor}, headers=AUTH)
    assert looked.status_code == 200 and looked.json()["start"] == first["start"]
    assert "contact" not in looked.json() and "topics" not in looked.json()

    client.post("/api/v1/bookings", json=factories.booking_payload(third["id"]), headers=AUTH)
    taken = client.post(f"/api/v1/bookings/{ref}/reschedule", json={"slot_id": third["id"], **factor}, headers=AUTH)
    assert taken.status_code == 409 and taken.json()["code"] == "slot_taken"
    unchanged = client.post("/api/v1/bookings/lookup", json={"reference": ref, **factor}, headers=AUTH).json()
    assert unchanged["start"] == first["start"] and unchanged["status"] == "active"

    moved = client.post(f"/api/v1/bookings/{ref}/reschedule", json={"slot_id": second["id"], **factor}, headers=AUTH)
    assert moved.status_code == 200 and moved.json()["start"] == second["start"]
    assert moved.json()["calendar_url"] == created["calendar_url"]

    cancelled = client.post(f"/api/v1/bookings/{ref}/cancel", json={"email": "AMAL@example.org"}, headers=AUTH)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert second["id"] in [s["id"] for s in free_slots(client, limit=5)]
    ics = client.get(created["calendar_url"].removeprefix("http://booking.test")).text
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics

    erased = client.post(f"/api/v1/bookings/{ref}/erase", json=factor, headers=AUTH)
    assert erased.status_code == 200 and erased.json()["erased"] is True
    assert client.post("/api/v1/bookings/lookup", json={"reference": ref, **factor}, headers=AUTH).status_code == 404


def test_staff_feed_needs_its_token_and_carries_no_personal_data(client, settings) -> None:
    slot = free_slots(client)[0]
    client.post("/api/v1/bookings", json=factories.booking_payload(slot["id"]), headers=AUTH)
    assert client.get("/api/v1/offices/hagen/feed.ics", params={"token": "nope"}).status_code == 403
    feed = client.get("/api/v1/offices/hagen/feed.ics", params={"token": feed_token(settings.feed_secret, "hagen")})
    assert feed.status_code == 200
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert len(events) == 1
    for secret in ("Amal", "23456789", "amal@example.org", "Aufenthaltstitel"):
        assert secret not in feed.text


def test_database_down_gives_503_not_500(settings, now, office, engine) -> None:
    broken = settings.model_copy(update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    with TestClient(create_app(broken, clock=lambda: now)) as client:
        response = client.get("/api/v1/offices/hagen/slots")
        assert response.status_code == 503 and response.json()["code"] == "database_unavailable"
        assert client.get("/health").status_code == 503


def test_default_secrets_are_refused_outside_local() -> None:
    with pytest.raises(ValueError, match="BOOKING_SERVICE_TOKEN"):
        Settings(env="production")
    assert Settings(env="production", service_token="x" * 32, feed_secret="y" * 32).env == "production"


def test_retried_post_with_the_same_idempotency_key_returns_the_same_booking(client) -> None:
    first, second = free_slots(client, limit=2)
    headers = {**AUTH, "Idempotency-Key": "2b0d6a4e-5d5b-4c1e-9f77-0c1f6b8a1111"}
    created = client.post("/api/v1/bookings", json=factories.booking_payload(first["id"]), headers=headers)
    retried = client.post("/api/v1/bookings", json=factories.booking_payload(first["id"]), headers=headers)
    assert created.status_code == retried.status_code == 201
    assert retried.json()["reference"] == created.json()["reference"]
    other = client.post("/api/v1/bookings", json=factories.booking_payload(second["id"]), headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    without_key = client.post("/api/v1/bookings", json=factories.booking_payload(first["id"]), headers=AUTH)
    assert without_key.status_code == 409 and without_key.json()["code"] == "slot_taken"
