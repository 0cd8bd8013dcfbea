"""Booking API for the assistant (service token): create, look up, cancel, move, erase."""

from datetime import datetime
from typing import Annotated, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, Header
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, model_validator

from booking.bookings import service
from booking.bookings.models import Booking
from booking.deps import NowDep, ServiceTokenDep, SessionDep, SettingsDep
from booking.errors import SlotTaken
from booking.hours.slots import BERLIN
from booking.i18n import Language
from booking.offices.views import OfficeOut

router = APIRouter(prefix="/api/v1/bookings", tags=["bookings"], dependencies=[ServiceTokenDep])

Topic = Literal[service.TOPICS]  # the intake vocabulary, DESIGN.md §3
Channel = Literal[service.CHANNELS]


def _phone(value: str) -> str:
    if not value:
        return value
    try:
        number = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a phone number")
    return value


def _email(value: str) -> str:
    if not value:
        return value
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError("not an email address") from exc


Phone = Annotated[str, Field(max_length=50), AfterValidator(_phone)]
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]


class ConsentIn(BaseModel):
    version: Annotated[str, Field(min_length=1, max_length=50)]
    language: Language
    given_at: AwareDatetime


class SecondFactor(BaseModel):
    """The contact phone or email given at booking time proves it is the person's booking."""

    phone: Phone = ""
    email: Email = ""

    @model_validator(mode="after")
    def _one(self) -> "SecondFactor":
        if not self.phone and not self.email:
            raise ValueError("the phone number or the email address of the booking is needed")
        return self


class ContactIn(SecondFactor):
    """Who to reach: a name, and a phone number or an email address (or both)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]


class BookingIn(BaseModel):
    slot_id: Annotated[str, Field(min_length=2, max_length=80)]
    language: Language
    channel: Channel
    topics: Annotated[list[Topic], Field(max_length=10)] = []
    concern: Annotated[str, Field(max_length=1000)] = ""
    contact: ContactIn
    consent: ConsentIn
    municipality: Annotated[str | None, Field(max_length=200)] = None


class LookupIn(SecondFactor):
    reference: Annotated[str, Field(min_length=1, max_length=20)]


class RescheduleIn(SecondFactor):
    slot_id: Annotated[str, Field(min_length=2, max_length=80)]


class BookingOut(BaseModel):
    """What the assistant may see of a booking: no intake record."""

    reference: str
    status: str
    start: datetime
    end: datetime
    language: str
    interpreter_needed: bool
    office: OfficeOut
    calendar_url: str


def booking_out(booking: Booking, base_url: str) -> BookingOut:
    return BookingOut(
        reference=booking.reference,
        status=booking.status,
        start=booking.starts_at.astimezone(BERLIN),
        end=booking.ends_at.astimezone(BERLIN),
        language=booking.language,
        interpreter_needed=booking.interpreter_needed,
        office=OfficeOut.of(booking.office, booking.language),
        calendar_url=f"{base_url.rstrip('/')}/calendar/{booking.calendar_token}.ics",
    )


@router.post("", status_code=201, response_model=BookingOut)
def create_booking(
    body: BookingIn,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
) -> BookingOut:
    """Book a slot. Send an ``Idempotency-Key`` so a retry after a lost answer cannot book twice."""
    try:
        booking = service.create(
            session,
            slot_id=body.slot_id,
            language=body.language,
            channel=body.channel,
            topics=list(body.topics),
            concern=body.concern,
            contact=service.Contact(name=body.contact.name, phone=body.contact.phone, email=body.contact.email),
            consent=service.Consent(
                version=body.consent.version, language=body.consent.language, given_at=body.consent.given_at
            ),
            municipality=body.municipality,
            idempotency_key=idempotency_key,
            now=now,
        )
    except SlotTaken:
        # A retry that raced its own first attempt (still running when the client gave up): once that
        # attempt has committed, the slot is "taken" by the very booking this key made. Answer with it.
        if not idempotency_key:
            raise
        session.rollback()
        booking = service.get_by_idempotency_key(session, key=idempotency_key)
        if booking is None:
            raise
    return booking_out(booking, settings.public_base_url)


@router.post("/lookup", response_model=BookingOut)
def lookup_booking(body: LookupIn, session: SessionDep, settings: SettingsDep) -> BookingOut:
    booking = service.verified_or_raise(session, reference=body.reference, phone=body.phone, email=body.email)
    return booking_out(booking, settings.public_base_url)


def _verified(reference: str, body: SecondFactor, session) -> Booking:
    return service.verified_or_raise(session, reference=reference, phone=body.phone, email=body.email)


@router.post("/{reference}/cancel", response_model=BookingOut)
def cancel_booking(
    reference: str, body: SecondFactor, session: SessionDep, settings: SettingsDep, now: NowDep
) -> BookingOut:
    booking = service.cancel(session, booking=_verified(reference, body, session), now=now)
    return booking_out(booking, settings.public_base_url)


@router.post("/{reference}/reschedule", response_model=BookingOut)
def reschedule_booking(
    reference: str, body: RescheduleIn, session: SessionDep, settings: SettingsDep, now: NowDep
) -> BookingOut:
    booking = service.reschedule(session, booking=_verified(reference, body, session), slot_id=body.slot_id, now=now)
    return booking_out(booking, settings.public_base_url)


class ErasedOut(BaseModel):
    reference: str
    status: str
    erased: bool


@router.post("/{reference}/erase", response_model=ErasedOut)
def erase_booking(reference: str, body: SecondFactor, session: SessionDep, now: NowDep) -> ErasedOut:
    """Right to erasure: cancels if still ahead, erases the intake record, withdraws consent."""
    booking = service.erase(session, booking=_verified(reference, body, session), now=now)
    return ErasedOut(reference=booking.reference, status=booking.status, erased=True)
