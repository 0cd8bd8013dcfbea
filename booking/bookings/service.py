"""Creating, finding, cancelling, moving and erasing bookings.

Services only ``flush()``; the request scope (or the CLI's unit of work) commits.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.bookings.contact import normalize_email, normalize_phone
from booking.bookings.models import (
    ACTIVE,
    CANCELLED,
    Booking,
    ConsentRecord,
    IntakeRecord,
)
from booking.bookings.references import new_reference, normalize_reference
from booking.errors import (
    BookingNotActive,
    IdempotencyKeyReused,
    SlotTaken,
    SlotUnavailable,
    VerificationFailed,
)
from booking.hours import service as hours
from booking.hours.slots import decode_slot_id
from booking.places.models import Municipality

TOPICS = (
    "residence", "naturalisation", "housing", "health", "work",
    "education", "language_course", "family", "benefits", "orientation",
)  # fmt: skip
CHANNELS = ("web", "telegram", "phone", "staff", "test")


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Consent:
    version: str
    language: str
    given_at: datetime


def _is_slot_conflict(exc: IntegrityError) -> bool:
    """Whether the database refused an overlapping booking (exclusion constraint or SQLite trigger)."""
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23P01" or "slot_taken" in str(orig)


def _flush_booking(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        if _is_slot_conflict(exc):
            raise SlotTaken("this slot has just been booked by someone else") from exc
        if "idempotency_key" in str(exc.orig):
            raise SlotTaken("a request with this idempotency key is being booked") from exc
        raise


def get_by_idempotency_key(session: Session, *, key: str) -> Booking | None:
    return session.scalar(select(Booking).where(Booking.idempotency_key == key))


def _unique_reference(session: Session) -> str:
    while True:
        reference = new_reference()
        if session.scalar(select(Booking.id).where(Booking.reference == reference)) is None:
            return reference


def create(
    session: Session,
    *,
    slot_id: str,
    language: str,
    channel: str,
    topics: list[str],
    concern: str,
    contact: Contact,
    consent: Consent,
    municipality: str | None = None,
    idempotency_key: str | None = None,
    now: datetime,
) -> Booking:
    """Book a slot; records consent first, then the booking and its intake record.

    A retry with the same ``idempotency_key`` (the client lost the first answer) returns the booking
    the first request made instead of refusing the slot as taken.
    """
    if idempotency_key:
        earlier = get_by_idempotency_key(session, key=idempotency_key)
        if earlier is not None:
            if earlier.starts_at != decode_slot_id(slot_id).start:
                raise IdempotencyKeyReused("this idempotency key was used for another booking")
            return earlier
    slot, staff = hours.bookable_slot_or_raise(session, slot_id=slot_id, now=now)
    municipality_id = None
    if municipality:
        municipality_id = session.scalar(select(Municipality.id).where(Municipality.name == municipality))
    consent_record = ConsentRecord(
        text_version=consent.version, language=consent.language, channel=channel, given_at=consent.given_at
    )
    session.add(consent_record)
    session.flush()
    booking = Booking(
        reference=_unique_reference(session),
        calendar_token=secrets.token_urlsafe(32),
        idempotency_key=idempotency_key or None,
        office_id=staff.office_id,
        staff_id=staff.id,
        municipality_id=municipality_id,
        starts_at=slot.start,
        ends_at=slot.end,
        status=ACTIVE,
        language=language,
        channel=channel,
        interpreter_needed=language not in staff.languages,
        sequence=0,
        consent=consent_record,
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    _flush_booking(session)
    session.add(
        IntakeRecord(
            booking=booking,
            topics=[t for t in TOPICS if t in set(topics)],
            concern=concern.strip(),
            contact_name=contact.name.strip(),
            contact_phone=normalize_phone(contact.phone) if contact.phone else "",
            contact_email=normalize_email(contact.email),
        )
    )
    session.flush()
    return booking


def get_by_reference(session: Session, *, reference: str) -> Booking | None:
    canonical = normalize_reference(reference)
    if canonical is None:
        return None
    return session.scalar(select(Booking).where(Booking.reference == canonical))


def get_by_calendar_token(session: Session, *, token: str) -> Booking | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(select(Booking).where(Booking.calendar_token == token))


def verified_or_raise(session: Session, *, reference: str, phone: str = "", email: str = "") -> Booking:
    """The booking, if the second factor (phone or email of the intake record) matches."""
    booking = get_by_reference(session, reference=reference)
    intake = booking.intake if booking is not None else None
    ok = False
    if intake is not None and intake.erased_at is None:
        if phone and intake.contact_phone:
            ok = hmac.compare_digest(normalize_phone(phone), intake.contact_phone)
        if email and intake.contact_email and not ok:
            ok = hmac.compare_digest(normalize_email(email), intake.contact_email)
    if not ok:
        raise VerificationFailed("reference and contact detail do not match")
    return booking


def cancel(session: Session, *, booking: Booking, now: datetime) -> Booking:
    """Cancel an active booking; its time becomes free at once."""
    if booking.status != ACTIVE:
        raise BookingNotActive("the booking is not active")
    booking.status = CANCELLED
    booking.cancelled_at = now
    booking.updated_at = now
    booking.sequence += 1
    session.flush()
    return booking


def reschedule(session: Session, *, booking: Booking, slot_id: str, now: datetime) -> Booking:
    """Move an active booking to another slot of the same office, atomically.

    The row is updated in place (same reference and calendar UID, SEQUENCE raised). If the new slot
    is taken the database refuses the update and the caller's transaction rolls back: the old
    booking stays exactly as it was.
    """
    if booking.status != ACTIVE:
        raise BookingNotActive("the booking is not active")
    slot, staff = hours.bookable_slot_or_raise(session, slot_id=slot_id, now=now)
    if staff.office_id != booking.office_id:
        raise SlotUnavailable("the new slot belongs to another office", slot_id=slot_id)
    booking.staff_id = staff.id
    booking.starts_at = slot.start
    booking.ends_at = slot.end
    booking.interpreter_needed = booking.language not in staff.languages
    booking.sequence += 1
    booking.updated_at = now
    _flush_booking(session)
    session.refresh(booking, attribute_names=["staff"])
    return booking


def erase(session: Session, *, booking: Booking, now: datetime) -> Booking:
    """Right to erasure: cancel if still ahead, blank the intake record, withdraw consent.

    What stays is the anonymous appointment row (office, time, language, status) for statistics.
    """
    if booking.status == ACTIVE and booking.starts_at > now:
        cancel(session, booking=booking, now=now)
    intake = booking.intake
    if intake is not None and intake.erased_at is None:
        intake.topics = []
        intake.concern = ""
        intake.contact_name = ""
        intake.contact_phone = ""
        intake.contact_email = ""
        intake.erased_at = now
    if booking.consent.withdrawn_at is None:
        booking.consent.withdrawn_at = now
    booking.municipality_id = None
    session.flush()
    return booking


def purge_expired(session: Session, *, now: datetime, retention_days: int) -> int:
    """Erase intake records of appointments that ended more than ``retention_days`` ago."""
    cutoff = now - timedelta(days=retention_days)
    query = select(Booking).join(IntakeRecord).where(Booking.ends_at < cutoff, IntakeRecord.erased_at.is_(None))
    count = 0
    for booking in session.scalars(query):
        erase(session, booking=booking, now=now)
        count += 1
    return count


def list_for_office(
    session: Session, *, office_id: str, start: datetime, end: datetime, include_cancelled: bool = True
) -> list[Booking]:
    query = select(Booking).where(Booking.office_id == office_id, Booking.starts_at < end, Booking.ends_at > start)
    if not include_cancelled:
        query = query.where(Booking.status == ACTIVE)
    return list(session.scalars(query.order_by(Booking.starts_at)))
