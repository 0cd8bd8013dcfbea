"""Factories for booking test data: small, explicit, with sensible defaults."""

from datetime import UTC, datetime, time
from itertools import count

from sqlalchemy.orm import Session

from booking.bookings import service as bookings
from booking.hours.models import Closure, ConsultationWindow
from booking.offices.models import Office, Staff
from booking.places.models import District, Municipality, PostalCode

_ids = count(1)


def district(session: Session, *, name: str = "Kreis Test", kind: str = "kreis") -> District:
    row = District(key=f"d{next(_ids)}", name=name, kind=kind)
    session.add(row)
    session.flush()
    return row


def office(
    session: Session,
    *,
    office_id: str | None = None,
    min_notice_minutes: int = 60,
    horizon_days: int = 60,
    **fields,
) -> Office:
    row = Office(
        id=office_id or f"office-{next(_ids)}",
        district=fields.pop("district", None) or district(session),
        name=fields.pop("name", "KIM Testamt"),
        operator=fields.pop("operator", "Stadt Test"),
        address=fields.pop("address", "Marktplatz 1, 12345 Teststadt"),
        phone=fields.pop("phone", "02331 207-5820"),
        email=fields.pop("email", "kim@demo.example"),
        opening_hours=fields.pop("opening_hours", {"de": "Mo–Do 8–15 Uhr", "en": "Mon–Thu 8am–3pm"}),
        serves=fields.pop("serves", {"de": "Alle Zugewanderten", "en": "All immigrants"}),
        min_notice_minutes=min_notice_minutes,
        horizon_days=horizon_days,
    )
    session.add(row)
    session.flush()
    return row


def staff(
    session: Session,
    *,
    office: Office,
    languages: list[str] | None = None,
    hours: list[tuple[int, str, str]] | None = None,
    slot_minutes: int = 45,
    buffer_minutes: int = 15,
    name: str | None = None,
) -> Staff:
    """A staff member; ``hours`` are (weekday, "HH:MM", "HH:MM"), default Mon–Thu 09:00–12:00."""
    row = Staff(office=office, display_name=name or f"Case Manager {next(_ids)}", languages=languages or ["de"])
    for weekday, start, end in hours if hours is not None else [(d, "09:00", "12:00") for d in range(4)]:
        row.windows.append(
            ConsultationWindow(
                weekday=weekday,
                start_time=time.fromisoformat(start),
                end_time=time.fromisoformat(end),
                slot_minutes=slot_minutes,
                buffer_minutes=buffer_minutes,
            )
        )
    session.add(row)
    session.flush()
    return row


def closure(session: Session, *, office: Office, start: datetime, end: datetime, staff: Staff | None = None) -> Closure:
    row = Closure(
        office_id=office.id, staff_id=staff.id if staff else None, starts_at=start, ends_at=end, reason="test"
    )
    session.add(row)
    session.flush()
    return row


def municipality(
    session: Session, *, name: str, office: Office, postal_codes: list[str], aliases: dict | None = None
) -> Municipality:
    row = Municipality(name=name, district=office.district, office=office, aliases=aliases or {})
    row.postal_codes = [PostalCode(code=c) for c in postal_codes]
    session.add(row)
    session.flush()
    return row


def booking_payload(slot_id: str, **overrides) -> dict:
    """A valid ``POST /api/v1/bookings`` body."""
    body = {
        "slot_id": slot_id,
        "language": "ar",
        "channel": "web",
        "topics": ["residence", "housing"],
        "concern": "Verlängerung des Aufenthaltstitels, Wohnungssuche",
        "contact": {"name": "Amal Testperson", "phone": "+49 151 23456789", "email": "amal@example.org"},
        "consent": {"version": "2026-11-v1", "language": "ar", "given_at": datetime.now(UTC).isoformat()},
    }
    body.update(overrides)
    return body


def book(session: Session, *, slot_id: str, now: datetime, language: str = "de", phone: str = "+49 151 11111111"):
    """Create a booking through the service (no HTTP)."""
    return bookings.create(
        session,
        slot_id=slot_id,
        language=language,
        channel="test",
        topics=["work"],
        concern="Arbeitssuche",
        contact=bookings.Contact(name="Test Person", phone=phone),
        consent=bookings.Consent(version="v1", language=language, given_at=now),
        now=now,
    )
