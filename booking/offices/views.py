"""Public office data, free slots, and the token-protected staff calendar feed."""

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel

from booking.bookings import service as bookings
from booking.calendars.ics import FeedEvent, office_feed
from booking.deps import NowDep, ReadSessionDep, SettingsDep
from booking.hours import service as hours
from booking.hours.slots import BERLIN
from booking.i18n import Language
from booking.offices import service
from booking.offices.models import Office

router = APIRouter(prefix="/api/v1/offices", tags=["offices"])


class OfficeOut(BaseModel):
    id: str
    name: str
    operator: str
    address: str
    phone: str
    email: str
    opening_hours: str
    serves: str

    @classmethod
    def of(cls, office: Office, language: str) -> "OfficeOut":
        return cls(
            id=office.id,
            name=office.name,
            operator=office.operator,
            address=office.address,
            phone=office.phone,
            email=office.email,
            opening_hours=office.text("opening_hours", language),
            serves=office.text("serves", language),
        )


class SlotOut(BaseModel):
    id: str
    start: datetime
    end: datetime
    languages: list[str]
    interpreter_needed: bool


class SlotsOut(BaseModel):
    office_id: str
    slots: list[SlotOut]


def feed_token(secret: str, office_id: str) -> str:
    """The staff feed token of an office, derived from the feed secret (rotating it revokes all)."""
    return hmac.new(secret.encode(), f"feed:{office_id}".encode(), hashlib.sha256).hexdigest()[:32]


@router.get("", response_model=list[OfficeOut])
def list_offices(session: ReadSessionDep, lang: Language = "de") -> list[OfficeOut]:
    return [OfficeOut.of(office, lang) for office in service.list_offices(session)]


@router.get("/{office_id}", response_model=OfficeOut)
def get_office(office_id: str, session: ReadSessionDep, lang: Language = "de") -> OfficeOut:
    return OfficeOut.of(service.get_or_raise(session, office_id=office_id), lang)


@router.get("/{office_id}/slots", response_model=SlotsOut)
def list_slots(
    office_id: str,
    session: ReadSessionDep,
    now: NowDep,
    language: Language = "de",
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    after: datetime | None = None,
) -> SlotsOut:
    """Free slots, staff speaking ``language`` first; ``after`` pages on ("other times")."""
    if after is not None and after.tzinfo is None:
        raise HTTPException(422, detail={"code": "invalid_request", "message": "after needs a UTC offset"})
    office = service.get_or_raise(session, office_id=office_id)
    offered = hours.list_free_slots(session, office=office, language=language, limit=limit, now=now, after=after)
    return SlotsOut(
        office_id=office.id,
        slots=[
            SlotOut(
                id=o.slot.id,
                start=o.slot.start.astimezone(BERLIN),
                end=o.slot.end.astimezone(BERLIN),
                languages=list(o.staff.languages),
                interpreter_needed=o.interpreter_needed,
            )
            for o in offered
        ],
    )


@router.get("/{office_id}/feed.ics", response_class=Response)
def staff_feed(office_id: str, token: str, session: ReadSessionDep, settings: SettingsDep, now: NowDep) -> Response:
    """The office's appointments for staff calendar apps: no names or contact details."""
    if not hmac.compare_digest(token, feed_token(settings.feed_secret, office_id)):
        raise HTTPException(403, detail={"code": "forbidden", "message": "invalid feed token"})
    office = service.get_or_raise(session, office_id=office_id)
    rows = bookings.list_for_office(
        session, office_id=office.id, start=now - timedelta(days=30), end=now + timedelta(days=office.horizon_days + 1)
    )
    events = [
        FeedEvent(
            uid=b.uid,
            start=b.starts_at,
            end=b.ends_at,
            sequence=b.sequence,
            cancelled=b.status != "active",
            staff_name=b.staff.display_name,
            language=b.language,
            interpreter_needed=b.interpreter_needed,
            reference=b.reference,
        )
        for b in rows
    ]
    return Response(office_feed(office_name=office.name, events=events), media_type="text/calendar; charset=utf-8")
