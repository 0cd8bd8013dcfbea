"""iCalendar files: the newcomer's appointment file and the office's staff feed.

Pure functions, no database and no clock (unless a feed is built without ``now``).
Output is RFC 5545 as written by ``icalendar`` (CRLF line ends, lines folded at 75 octets),
with times as Europe/Berlin wall time plus a generated VTIMEZONE component.

Data protection: the staff feed is often subscribed to on a phone, so it carries only the
booking reference, the language, the interpreter flag and the case manager's name — never
the newcomer's name, contact details, topics or concern.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from babel import Locale
from babel.support import Translations
from icalendar import Alarm, Calendar, Event, Timezone, vDuration

from booking.i18n import BERLIN, format_appointment, translations

PRODID = "-//KIM Front Door//Appointments 1.0//EN"
TZID = "Europe/Berlin"
FEED_REFRESH = timedelta(minutes=15)
REMINDERS = (timedelta(days=1), timedelta(hours=2))


@dataclass(frozen=True)
class AppointmentEvent:
    """One booking as the newcomer sees it in their own calendar."""

    uid: str  # stable per booking, e.g. "<reference>@kim-frontdoor"
    reference: str  # booking reference code, e.g. "K7M-4PX9"
    start: datetime  # aware (UTC)
    end: datetime
    sequence: int  # raised on each reschedule
    cancelled: bool
    office_name: str
    office_address: str  # one line -> LOCATION
    office_phone: str
    language: str  # de ar ru bs tr fr en
    created: datetime  # aware, for DTSTAMP/CREATED


@dataclass(frozen=True)
class FeedEvent:
    """One booking in an office's staff feed: no personal data of the newcomer."""

    uid: str
    start: datetime
    end: datetime
    sequence: int
    cancelled: bool
    staff_name: str
    language: str  # the newcomer's language
    interpreter_needed: bool
    reference: str


def appointment_calendar(event: AppointmentEvent) -> bytes:
    """Return the newcomer's calendar file (``.ics``) for one booking, in their language.

    ``METHOD:PUBLISH`` for a live booking; ``METHOD:CANCEL`` with ``STATUS:CANCELLED``
    (and no reminders) once it is cancelled. The UID stays the same for the life of the
    booking and ``SEQUENCE`` grows with each change, so calendar apps update the entry.
    """
    _check_interval(event.start, event.end)
    _check_aware(event.created, "created")
    if event.sequence < 0:
        raise ValueError("sequence must not be negative")
    language = event.language
    t = translations(language)  # raises ValueError for an unknown language
    text = {"LANGUAGE": language}

    summary = t.gettext("Appointment: integration case management (KIM)")
    if event.cancelled:
        # TRANSLATORS: title of a cancelled calendar entry.
        # %(summary)s is the usual title of the entry.
        summary = t.gettext("Cancelled: %(summary)s") % {"summary": summary}

    vevent = Event()
    vevent.add("UID", event.uid)
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("DTSTAMP", event.created.astimezone(UTC))
    vevent.add("CREATED", event.created.astimezone(UTC))
    vevent.add("DTSTART", event.start.astimezone(BERLIN))
    vevent.add("DTEND", event.end.astimezone(BERLIN))
    vevent.add("SUMMARY", summary, parameters=text)
    vevent.add("DESCRIPTION", _newcomer_description(event, t), parameters=text)
    vevent.add("LOCATION", event.office_address, parameters={"LANGUAGE": "de"})
    vevent.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("TRANSP", "TRANSPARENT" if event.cancelled else "OPAQUE")
    if not event.cancelled:
        reminders = (
            t.gettext("Reminder: your KIM appointment is tomorrow. Please bring your papers."),
            t.gettext("Reminder: your KIM appointment starts in 2 hours."),
        )
        for before, description in zip(REMINDERS, reminders, strict=True):
            alarm = Alarm()
            alarm.add("ACTION", "DISPLAY")
            alarm.add("TRIGGER", -before)
            alarm.add("DESCRIPTION", description, parameters=text)
            vevent.add_component(alarm)

    calendar = _calendar(method="CANCEL" if event.cancelled else "PUBLISH")
    _add_timezone(calendar, [event.start, event.end])
    calendar.add_component(vevent)
    return calendar.to_ical()


def office_feed(
    *,
    office_name: str,
    events: Iterable[FeedEvent],
    language: str = "de",
    now: datetime | None = None,
) -> bytes:
    """Return an office's subscribable staff feed: one VEVENT per booking.

    ``now`` is the feed's generation time (DTSTAMP of every event); it defaults to the
    current time. Cancelled bookings stay in the feed with ``STATUS:CANCELLED`` so that
    subscribed calendars drop or strike them out.
    """
    t = translations(language)
    now = now if now is not None else datetime.now(UTC)
    _check_aware(now, "now")
    locale = Locale.parse(language)
    text = {"LANGUAGE": language}
    items = list(events)
    for item in items:
        _check_interval(item.start, item.end)
    items.sort(key=lambda item: (item.start, item.uid))

    calendar = _calendar(method=None)
    # TRANSLATORS: name of the staff calendar feed.
    # %(office)s is the name of the office.
    name = t.gettext("KIM appointments – %(office)s") % {"office": office_name}
    calendar.add("NAME", name, parameters=text)
    calendar.add("X-WR-CALNAME", name)
    description = t.gettext("Appointments booked online. For data protection, this calendar contains no personal data.")
    calendar.add("DESCRIPTION", description, parameters=text)
    calendar.add("X-WR-CALDESC", description)
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    # icalendar does not know this X- property: without vDuration it would write "0:15:00".
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    _add_timezone(calendar, [moment for item in items for moment in (item.start, item.end)] or [now])

    for item in items:
        language_name = locale.languages.get(item.language, item.language)
        values = {"language": language_name, "reference": item.reference}
        if item.interpreter_needed:
            # TRANSLATORS: title of an entry in the staff calendar.
            # %(language)s: the person's language, e.g. "Arabic".
            # %(reference)s: the booking code, e.g. "K7M-4PX9".
            summary = t.gettext("KIM appointment (%(language)s, interpreter needed) – %(reference)s") % values
        else:
            summary = t.gettext("KIM appointment (%(language)s) – %(reference)s") % values
        if item.cancelled:
            summary = t.gettext("Cancelled: %(summary)s") % {"summary": summary}
        lines = [t.gettext("Booking code: %(reference)s") % {"reference": item.reference}]
        if item.staff_name.strip():
            lines.append(t.gettext("Case manager: %(name)s") % {"name": item.staff_name})
        lines.append(t.gettext("The intake record is in the staff workspace."))
        vevent = Event()
        vevent.add("UID", item.uid)
        vevent.add("SEQUENCE", item.sequence)
        vevent.add("DTSTAMP", now.astimezone(UTC))
        vevent.add("DTSTART", item.start.astimezone(BERLIN))
        vevent.add("DTEND", item.end.astimezone(BERLIN))
        vevent.add("SUMMARY", summary, parameters=text)
        vevent.add("DESCRIPTION", "\n".join(lines), parameters=text)
        vevent.add("STATUS", "CANCELLED" if item.cancelled else "CONFIRMED")
        vevent.add("TRANSP", "TRANSPARENT" if item.cancelled else "OPAQUE")
        calendar.add_component(vevent)
    return calendar.to_ical()


def _newcomer_description(event: AppointmentEvent, t: Translations) -> str:
    when = format_appointment(event.start, event.language)
    where = f"{event.office_name}, {event.office_address}"
    # TRANSLATORS: %(when)s is the date and time of the appointment.
    when_line = t.gettext("When: %(when)s") % {"when": when}
    # TRANSLATORS: %(place)s is the office's name and address.
    where_line = t.gettext("Where: %(place)s") % {"place": where}
    code_line = t.gettext("Your booking code: %(reference)s") % {"reference": event.reference}
    call_line = (
        # TRANSLATORS: %(phone)s is the office's phone number.
        t.gettext("Or call us: %(phone)s") % {"phone": event.office_phone} if event.office_phone.strip() else None
    )
    if event.cancelled:
        paragraphs = [
            [t.gettext("This appointment is cancelled.")],
            [when_line, where_line, code_line],
            [t.gettext("Do you need a new appointment? Write to us in the chat."), call_line],
        ]
    else:
        paragraphs = [
            [when_line, where_line],
            [code_line],
            [
                t.gettext("Please bring:"),
                "• " + t.gettext("your ID card or passport"),
                "• " + t.gettext("your residence permit or other papers you have"),
                "• " + t.gettext("letters from offices that you have questions about"),
            ],
            [
                t.gettext("You cannot come? Please cancel or move your appointment."),
                t.gettext("Write to us in the chat and give your booking code."),
                call_line,
            ],
            [t.gettext("The consultation is free.")],
        ]
    return "\n\n".join("\n".join(line for line in block if line) for block in paragraphs)


def _calendar(*, method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method is not None:
        calendar.add("METHOD", method)
    return calendar


def _add_timezone(calendar: Calendar, moments: list[datetime]) -> None:
    """Add a VTIMEZONE for Europe/Berlin covering the calendar years of ``moments``."""
    years = [moment.astimezone(BERLIN).year for moment in moments]
    timezone = Timezone.from_tzid(TZID, first_date=date(min(years), 1, 1), last_date=date(max(years) + 1, 1, 1))
    calendar.add_component(timezone)


def _check_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _check_interval(start: datetime, end: datetime) -> None:
    _check_aware(start, "start")
    _check_aware(end, "end")
    if end <= start:
        raise ValueError("end must be after start")


__all__ = ["AppointmentEvent", "FeedEvent", "appointment_calendar", "office_feed"]
