"""Free slots of an office, and checking that a slot id names a bookable slot."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from booking.bookings.models import ACTIVE, Booking
from booking.errors import SlotUnavailable
from booking.hours.models import Closure, ConsultationWindow
from booking.hours.slots import (
    BERLIN,
    Interval,
    Slot,
    Window,
    decode_slot_id,
    free_slots,
    is_holiday,
    slot_exists,
)
from booking.offices import service as offices
from booking.offices.models import Office, Staff

CHUNK_DAYS = 14


@dataclass(frozen=True)
class OfferedSlot:
    slot: Slot
    staff: Staff
    interpreter_needed: bool


def to_window(row: ConsultationWindow) -> Window:
    return Window(
        staff_id=row.staff_id,
        weekday=row.weekday,
        start=row.start_time,
        end=row.end_time,
        slot_minutes=row.slot_minutes,
        buffer_minutes=row.buffer_minutes,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def booking_window(office: Office, *, now: datetime) -> tuple[datetime, datetime]:
    """The earliest and latest instants a slot of this office may be booked for, seen from ``now``."""
    earliest = now + timedelta(minutes=office.min_notice_minutes)
    last_day = now.astimezone(BERLIN).date() + timedelta(days=office.horizon_days)
    latest = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=BERLIN).astimezone(UTC)
    return earliest, latest


def blocked_intervals(
    session: Session, *, office_id: str, staff_ids: Sequence[int], start: datetime, end: datetime
) -> list[Interval]:
    """Closures and active bookings that touch [start, end)."""
    closures = session.execute(
        select(Closure.starts_at, Closure.ends_at, Closure.staff_id).where(
            Closure.office_id == office_id,
            Closure.starts_at < end,
            Closure.ends_at > start,
            or_(Closure.staff_id.is_(None), Closure.staff_id.in_(staff_ids)),
        )
    )
    bookings = session.execute(
        select(Booking.starts_at, Booking.ends_at, Booking.staff_id).where(
            Booking.staff_id.in_(staff_ids),
            Booking.status == ACTIVE,
            Booking.starts_at < end,
            Booking.ends_at > start,
        )
    )
    return [Interval(s, e, staff) for s, e, staff in [*closures, *bookings]]


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _free_slots_of(
    session: Session, office: Office, staff: Sequence[Staff], *, earliest: datetime, latest: datetime
) -> Iterator[Slot]:
    """Free slots of some staff members of an office, in time order, loading availability in chunks."""
    if not staff or earliest >= latest:
        return
    windows = [to_window(w) for member in staff for w in member.windows]
    staff_ids = [member.id for member in staff]
    first = earliest.astimezone(BERLIN).date()
    last = latest.astimezone(BERLIN).date()
    while first <= last:
        chunk_last = min(first + timedelta(days=CHUNK_DAYS - 1), last)
        chunk_start = datetime.combine(first, datetime.min.time(), tzinfo=BERLIN).astimezone(UTC)
        chunk_end = datetime.combine(chunk_last + timedelta(days=1), datetime.min.time(), tzinfo=BERLIN)
        blocked = blocked_intervals(
            session, office_id=office.id, staff_ids=staff_ids, start=chunk_start, end=chunk_end.astimezone(UTC)
        )
        yield from free_slots(windows, days=_days(first, chunk_last), blocked=blocked, earliest=earliest, latest=latest)
        first = chunk_last + timedelta(days=1)


def list_free_slots(
    session: Session, *, office: Office, language: str, limit: int, now: datetime, after: datetime | None = None
) -> list[OfferedSlot]:
    """Up to ``limit`` free slots; slots of staff who speak ``language`` come first, then the others."""
    earliest, latest = booking_window(office, now=now)
    if after is not None:
        earliest = max(earliest, after + timedelta(seconds=1))
    staff = offices.list_active_staff(session, office_id=office.id)
    by_id = {member.id: member for member in staff}
    speakers = [member for member in staff if language in member.languages]
    others = [member for member in staff if language not in member.languages]
    offered: list[OfferedSlot] = []
    for group, interpreter in ((speakers, False), (others, True)):
        for slot in _free_slots_of(session, office, group, earliest=earliest, latest=latest):
            if len(offered) >= limit:
                return offered
            offered.append(OfferedSlot(slot, by_id[slot.staff_id], interpreter))
    return offered


def bookable_slot_or_raise(session: Session, *, slot_id: str, now: datetime) -> tuple[Slot, Staff]:
    """The slot an id names and its staff member, if the slot is offered at all (free or not)."""
    slot = decode_slot_id(slot_id)
    staff = session.get(Staff, slot.staff_id)
    if staff is None or not staff.active:
        raise SlotUnavailable("no such staff member", slot_id=slot_id)
    office = staff.office
    earliest, latest = booking_window(office, now=now)
    if slot.start < earliest or slot.end > latest:
        raise SlotUnavailable("slot outside the booking window", slot_id=slot_id)
    if is_holiday(slot.start.astimezone(BERLIN).date()):
        raise SlotUnavailable("public holiday", slot_id=slot_id)
    if not any(slot_exists(to_window(w), slot) for w in staff.windows):
        raise SlotUnavailable("not within consultation hours", slot_id=slot_id)
    closures = session.scalar(
        select(Closure.id)
        .where(
            Closure.office_id == office.id,
            or_(Closure.staff_id.is_(None), Closure.staff_id == staff.id),
            Closure.starts_at < slot.end,
            Closure.ends_at > slot.start,
        )
        .limit(1)
    )
    if closures is not None:
        raise SlotUnavailable("office closed", slot_id=slot_id)
    return slot, staff
