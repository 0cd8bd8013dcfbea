"""Free-slot generation: weekly windows minus holidays, closures and bookings.

Pure functions, no database. Windows are local wall-clock times (Europe/Berlin); each slot start is
taken on the wall clock and converted to UTC on its own, so slots stay at 09:00 local on both sides
of a clock change, and a slot whose start falls into the spring-forward gap is not offered.
"""

import base64
import binascii
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from booking.errors import InvalidSlot

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Window:
    """A weekly recurring consultation window of one staff member."""

    staff_id: int
    weekday: int  # 0 = Monday
    start: time
    end: time
    slot_minutes: int
    buffer_minutes: int = 0
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class Interval:
    """A half-open span of time [start, end) in aware datetimes; ``staff_id`` None means everyone."""

    start: datetime
    end: datetime
    staff_id: int | None = None

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime
    staff_id: int

    @property
    def id(self) -> str:
        return encode_slot_id(self)


@lru_cache(maxsize=32)
def nrw_holidays(year: int) -> frozenset[date]:
    """Public holidays in North Rhine-Westphalia for one year."""
    return frozenset(holidays.country_holidays("DE", subdiv="NW", years=year).keys())


def is_holiday(day: date) -> bool:
    return day in nrw_holidays(day.year)


def _local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime | None:
    """The aware instant for a wall-clock time, or None if that time does not exist (DST gap)."""
    naive = datetime.combine(day, wall)
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return aware


def window_slots(window: Window, day: date, tz: ZoneInfo = BERLIN) -> Iterator[Slot]:
    """All slots of one window on one day, ignoring availability."""
    if not window.applies_on(day) or window.slot_minutes <= 0:
        return
    length = timedelta(minutes=window.slot_minutes)
    step = timedelta(minutes=window.slot_minutes + max(window.buffer_minutes, 0))
    cursor = datetime.combine(day, window.start)
    window_end = datetime.combine(day, window.end)
    while cursor + length <= window_end:
        start = _local_instant(day, cursor.time(), tz)
        if start is not None:
            start_utc = start.astimezone(UTC)
            end_utc = start_utc + length
            if end_utc.astimezone(tz).replace(tzinfo=None) <= window_end:
                yield Slot(start_utc, end_utc, window.staff_id)
        cursor += step


def free_slots(
    windows: Iterable[Window],
    *,
    days: Iterable[date],
    blocked: Iterable[Interval] = (),
    earliest: datetime,
    latest: datetime,
    tz: ZoneInfo = BERLIN,
) -> Iterator[Slot]:
    """Free slots on the given days in time order, between ``earliest`` and ``latest``.

    ``blocked`` holds closures (office-wide when ``staff_id`` is None) and existing bookings.
    Public holidays in NRW are closed days.
    """
    windows = list(windows)
    blocked_by_staff: dict[int | None, list[Interval]] = {}
    for interval in blocked:
        blocked_by_staff.setdefault(interval.staff_id, []).append(interval)
    office_wide = blocked_by_staff.get(None, [])
    for day in days:
        if is_holiday(day):
            continue
        todays = sorted(slot for window in windows for slot in window_slots(window, day, tz))
        for slot in todays:
            if slot.start < earliest or slot.end > latest:
                continue
            if any(b.overlaps(slot.start, slot.end) for b in office_wide):
                continue
            if any(b.overlaps(slot.start, slot.end) for b in blocked_by_staff.get(slot.staff_id, ())):
                continue
            yield slot


def slot_exists(window: Window, slot: Slot, tz: ZoneInfo = BERLIN) -> bool:
    """Whether ``slot`` is one the window generates (ignoring availability)."""
    day = slot.start.astimezone(tz).date()
    return any(candidate == slot for candidate in window_slots(window, day, tz))


def encode_slot_id(slot: Slot) -> str:
    """An opaque, URL-safe id that names staff member, start and length."""
    minutes = int((slot.end - slot.start).total_seconds() // 60)
    raw = f"{slot.staff_id}.{int(slot.start.timestamp()) // 60}.{minutes}".encode()
    return "s" + base64.b32encode(raw).decode().rstrip("=").lower()


def decode_slot_id(slot_id: str) -> Slot:
    """The slot an id names; ``InvalidSlot`` if it is not one of ours."""
    if not isinstance(slot_id, str) or not slot_id.startswith("s") or len(slot_id) > 80:
        raise InvalidSlot("malformed slot id")
    body = slot_id[1:].upper()
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8)).decode("ascii")
        staff, start_minutes, minutes = (int(part) for part in raw.split("."))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidSlot("malformed slot id") from exc
    if staff <= 0 or not 0 < minutes <= 24 * 60 or not 0 < start_minutes < 2**40:
        raise InvalidSlot("malformed slot id")
    start = datetime.fromtimestamp(start_minutes * 60, tz=UTC)
    return Slot(start, start + timedelta(minutes=minutes), staff)
