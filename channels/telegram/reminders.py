"""Appointment reminders about 24 hours ahead, in the person's language, with keep / move / cancel buttons.

A reminder is kept from the booking (or move) confirmation until it is sent. Before sending, the calendar
file is fetched again from the booking service: a cancelled (or erased) appointment gets no reminder, a
moved one is reminded at its new time. Reminders live in the channels database, so a restart loses none;
a claim per reminder keeps two processes from sending the same one.
"""

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
from icalendar import Calendar
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError

from channels.i18n import LANGUAGES
from channels.telegram import keyboards, texts
from channels.telegram.delivery import call, never_sent
from channels.telegram.language import conversation_id
from channels.telegram.models import Reminder
from channels.telegram.storage import Store

log = logging.getLogger("channels.telegram.reminders")
CALENDAR_PATH = re.compile(r"/calendar/([A-Za-z0-9_-]{16,100})\.ics$")


class CalendarError(Exception):
    """The calendar file could not be read; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Appointment:
    """What the newcomer's calendar file says about their appointment."""

    start: datetime
    cancelled: bool
    place: str
    language: str | None


def read_calendar(data: bytes) -> Appointment:
    """The appointment in a calendar file from the booking service (``METHOD:CANCEL`` or
    ``STATUS:CANCELLED`` means cancelled)."""
    try:
        calendar = Calendar.from_ical(data)
        event = next(component for component in calendar.walk("VEVENT"))
        start = event.decoded("DTSTART")
    except (ValueError, KeyError, StopIteration) as error:
        raise CalendarError("calendar_unreadable") from error
    if not isinstance(start, datetime) or start.tzinfo is None:
        raise CalendarError("calendar_unreadable")
    cancelled = str(calendar.get("METHOD", "")).upper() == "CANCEL" or str(event.get("STATUS", "")).upper() == (
        "CANCELLED"
    )
    summary = event.get("SUMMARY")
    language = summary.params.get("LANGUAGE") if summary is not None and hasattr(summary, "params") else None
    return Appointment(
        start=start.astimezone(UTC),
        cancelled=cancelled,
        place=str(event.get("LOCATION", "")),
        language=language if language in LANGUAGES else None,
    )


class CalendarFiles:
    """Fetches newcomers' calendar files from the booking service (internal address ``booking_url``)."""

    def __init__(self, *, http: httpx.AsyncClient, booking_url: str, timeout: float = 10.0) -> None:
        self.http = http
        self.booking_url = booking_url.rstrip("/")
        self.timeout = timeout

    def internal_url(self, calendar_url: str) -> str:
        """The booking service's own address of a calendar link (the public one may not be reachable from
        here); only links of the form ``…/calendar/<token>.ics`` are followed."""
        found = CALENDAR_PATH.search(urlsplit(calendar_url).path)
        if found is None:
            raise CalendarError("calendar_url_invalid")
        return f"{self.booking_url}/calendar/{found.group(1)}.ics"

    async def fetch(self, calendar_url: str) -> tuple[bytes, Appointment]:
        """The file and what it says; ``CalendarError`` with ``calendar_gone`` (404) or
        ``calendar_unavailable`` (network, 5xx)."""
        url = self.internal_url(calendar_url)
        for attempt in range(3):
            try:
                response = await self.http.get(url, timeout=self.timeout)
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 404:
                raise CalendarError("calendar_gone")
            if response is not None and response.status_code == 200:
                return response.content, read_calendar(response.content)
            if response is not None and response.status_code < 500:
                raise CalendarError("calendar_unavailable")
            await asyncio.sleep(0.5 * 2**attempt)
        raise CalendarError("calendar_unavailable")


class Reminders:
    """Keeps, checks and sends reminders; ``clock`` is the current time (tests set it)."""

    def __init__(
        self, *, store: Store, calendars: CalendarFiles, clock: Callable[[], datetime],
        lead: timedelta = timedelta(hours=24),
    ) -> None:  # fmt: skip
        self.store = store
        self.calendars = calendars
        self.clock = clock
        self.lead = lead

    async def schedule(
        self, *, chat_id: int, reference: str, calendar_url: str, language: str, appointment: Appointment
    ) -> bool:
        """Keep a reminder for this booking (replacing an earlier one of the same booking in this chat);
        False when the appointment is cancelled or too close for a reminder."""
        remind_at = appointment.start - self.lead
        if appointment.cancelled or remind_at <= self.clock():
            await self._forget(chat_id, reference)
            return False
        await self.store.save_reminder(
            chat_id=chat_id, booking_reference=reference, calendar_url=calendar_url, language=language,
            starts_at=appointment.start, remind_at=remind_at,
        )  # fmt: skip
        return True

    async def _forget(self, chat_id: int, reference: str) -> None:
        for reminder in await self.store.list_reminders(chat_id=chat_id):
            if reminder.booking_reference == reference:
                await self.store.delete_reminders(reminder_id=reminder.id)

    async def refresh(self, *, chat_id: int) -> None:
        """Check this chat's reminders against the booking service now: drop cancelled or erased ones,
        move moved ones (after a turn that may have cancelled, moved or deleted a booking)."""
        for reminder in await self.store.list_reminders(chat_id=chat_id):
            try:
                _data, appointment = await self.calendars.fetch(reminder.calendar_url)
            except CalendarError as error:
                if error.code == "calendar_gone":
                    await self.store.delete_reminders(reminder_id=reminder.id)
                continue  # unavailable: the check before sending tries again
            if appointment.cancelled:
                await self.store.delete_reminders(reminder_id=reminder.id)
            elif appointment.start != reminder.starts_at:
                await self.store.reschedule_reminder(
                    reminder_id=reminder.id, starts_at=appointment.start, remind_at=appointment.start - self.lead
                )

    async def send_due(self, *, bot: Bot) -> int:
        """Send every reminder that is due; returns how many were sent."""
        sent = 0
        for reminder in await self.store.claim_due_reminders():
            try:
                if await self._send_one(bot, reminder):
                    sent += 1
            except Exception:
                log.exception("reminder %d: unexpected error (code=reminder_failed)", reminder.id)
                await self.store.release_reminder(reminder_id=reminder.id)
        return sent

    async def _send_one(self, bot: Bot, reminder: Reminder) -> bool:
        now = self.clock()
        try:
            _data, appointment = await self.calendars.fetch(reminder.calendar_url)
        except CalendarError as error:
            if error.code == "calendar_gone":
                log.info("reminder %d: the booking no longer exists; dropped", reminder.id)
                await self.store.delete_reminders(reminder_id=reminder.id)
            else:
                log.warning("reminder %d: calendar not reachable (code=%s); later", reminder.id, error.code)
                await self.store.release_reminder(reminder_id=reminder.id)
            return False
        if appointment.cancelled or appointment.start <= now:
            log.info("reminder %d: appointment cancelled or past; dropped", reminder.id)
            await self.store.delete_reminders(reminder_id=reminder.id)
            return False
        if appointment.start != reminder.starts_at and appointment.start - self.lead > now:
            log.info("reminder %d: appointment moved; reminder moved with it", reminder.id)
            await self.store.reschedule_reminder(
                reminder_id=reminder.id, starts_at=appointment.start, remind_at=appointment.start - self.lead
            )
            return False
        language = reminder.language if reminder.language in LANGUAGES else texts.DEFAULT_LANGUAGE
        reference = reminder.booking_reference
        entities = json.dumps({"booking_reference": reference})
        buttons = [
            {"title": texts.keep_button(language), "payload": keyboards.KEEP},
            {"title": texts.move_button(language), "payload": f"/reschedule_appointment{entities}"},
            {"title": texts.cancel_button(language), "payload": f"/cancel_appointment{entities}"},
        ]
        keyboard_id = await self.store.create_keyboard(conversation=conversation_id(reminder.chat_id), buttons=buttons)
        text = texts.reminder(language, start=appointment.start, place=appointment.place, reference=reference)
        try:
            await call(
                lambda: bot.send_message(
                    chat_id=reminder.chat_id, text=text, reply_markup=keyboards.markup(keyboard_id, buttons)
                ),
                method="sendMessage",
                idempotent=False,
            )
        except (Forbidden, BadRequest) as error:
            # the person blocked the bot or deleted the chat: nothing can reach them any more
            log.info(
                "reminder %d: chat unreachable (%s); the chat's reminders are dropped",
                reminder.id,
                type(error).__name__,
            )
            await self.store.delete_reminders(chat_id=reminder.chat_id)
            return False
        except NetworkError as error:
            if never_sent(error):
                await self.store.release_reminder(reminder_id=reminder.id)
                return False
            await self.store.delete_reminders(reminder_id=reminder.id)  # maybe delivered: never twice
            return False
        await self.store.delete_reminders(reminder_id=reminder.id)
        log.info("reminder %d sent", reminder.id)
        return True
