"""The calendar file after a booking confirmation and the reminder 24 hours ahead, with the time set by the
test: sent once in the person's language with keep/move/cancel, not for cancelled or erased appointments,
moved with a moved appointment, kept across a restart."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from booking.i18n import format_appointment, translations
from channels.config import Settings
from channels.rasa_client import RasaClient
from channels.telegram import TelegramChannel
from channels.telegram.language import conversation_id
from tests.telegram.fake_telegram import FakeTelegram, Updates, buttons_of
from tests.telegram.fakes import FakeCalendars, FakeRasa

TOKEN = "123456:TEST-token-for-the-fake-server"
START = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)  # Thursday 10:30 in Berlin
T0 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fakes():
    calendars, rasa = FakeCalendars(), FakeRasa(language="ru")
    confirmations = {}  # text the person sends -> (reference, calendar url)

    def reply(text: str, metadata: dict) -> list[dict]:
        if text in confirmations:
            reference, url = confirmations[text]
            return [{"text": f"Готово! Код: {reference}"},
                    {"text": "", "custom": {"calendar_url": url, "booking_reference": reference}}]  # fmt: skip
        return [{"text": f"echo: {text}"}]

    rasa.reply = reply
    with FakeTelegram().running() as telegram, calendars.running(), rasa.running():
        yield telegram, calendars, rasa, confirmations


def channel_for(tmp_path, telegram, calendars, rasa, clock, http) -> TelegramChannel:
    settings = Settings(
        _env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=telegram.base_url, RASA_URL=rasa.url,
        BOOKING_URL=calendars.url, database_url=f"sqlite:///{tmp_path / 'channels.sqlite3'}",
        TELEGRAM_REMINDER_INTERVAL_SECONDS=3600,  # the test runs the rounds itself
    )  # fmt: skip
    return TelegramChannel(settings=settings, rasa=RasaClient(rasa.url, token="t", retries=0), http=http, clock=clock)


async def book(channel, telegram, confirmations, chat: Updates, *, reference: str, url: str, reminded=True) -> None:
    """The person confirms a booking; the assistant's confirmation carries the calendar link."""
    text = f"ok {reference}"
    confirmations[text] = (reference, url)
    mark = telegram.mark()
    await channel.receive(chat.text(text))
    await telegram.until("sendDocument", chat_id=chat.chat_id, since=mark)
    for _ in range(40 if reminded else 10):  # the reminder is kept right after the document went out
        if any(r.booking_reference == reference for r in await channel.store.list_reminders(chat_id=chat.chat_id)):
            break
        await asyncio.sleep(0.05)
    kept = [r for r in await channel.store.list_reminders(chat_id=chat.chat_id) if r.booking_reference == reference]
    assert len(kept) == (1 if reminded else 0)


def test_booking_confirmation_sends_the_calendar_file_and_the_reminder_comes_a_day_ahead(tmp_path, fakes) -> None:
    telegram, calendars, rasa, confirmations = fakes
    clock = Clock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            channel = channel_for(tmp_path, telegram, calendars, rasa, clock, http)
            await channel.start()
            try:
                chat = Updates(7001, language_code="ru")
                url = calendars.add("tok-aaaaaaaaaaaaaaaaaaaaaaaa", reference="K7M-4PX9", start=START, language="ru")
                await book(channel, telegram, confirmations, chat, reference="K7M-4PX9", url=url)
                (document,) = telegram.calls_of("sendDocument", chat_id=7001)
                filename, content = document.files["document"]
                assert filename == "kim-K7M-4PX9.ics" and b"BEGIN:VCALENDAR" in content
                assert document.params["caption"] == translations("ru").gettext(
                    "Your appointment as a calendar file. Open it to save the appointment in your calendar."
                )
                (reminder,) = await channel.store.list_reminders(chat_id=7001)
                assert (reminder.booking_reference, reminder.language) == ("K7M-4PX9", "ru")
                assert reminder.remind_at == START - timedelta(hours=24)

                clock.now = START - timedelta(hours=24, minutes=1)
                assert await channel.reminders.send_due(bot=channel.application.bot) == 0
                mark = telegram.mark()
                clock.now = START - timedelta(hours=23, minutes=59)
                assert await channel.reminders.send_due(bot=channel.application.bot) == 1
                (sent,) = telegram.calls_of("sendMessage", chat_id=7001, since=mark)
                assert sent.params["text"].startswith("Напоминание: завтра у вас встреча")
                assert format_appointment(START, "ru") in sent.params["text"]
                assert "K7M-4PX9" in sent.params["text"] and "Berliner Platz 22" in sent.params["text"]
                assert buttons_of(sent) == ["Да, я приду", "Перенести встречу", "Отменить встречу"]
                assert await channel.store.list_reminders() == []  # sent: nothing kept
                assert await channel.reminders.send_due(bot=channel.application.bot) == 0  # and never twice

                # "move" starts the assistant's manage flow for this booking
                mark = telegram.mark()
                await channel.receive(chat.press(sent, "Перенести встречу"))
                await telegram.until("sendMessage", chat_id=7001, since=mark)
                assert rasa.received[-1][:2] == (
                    conversation_id(7001),
                    '/reschedule_appointment{"booking_reference": "K7M-4PX9"}',
                )
            finally:
                await channel.stop()

    asyncio.run(scenario())


def test_no_reminder_for_cancelled_or_erased_appointments_and_a_moved_one_follows(tmp_path, fakes) -> None:
    telegram, calendars, rasa, confirmations = fakes
    clock = Clock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            channel = channel_for(tmp_path, telegram, calendars, rasa, clock, http)
            await channel.start()
            bot = channel.application.bot
            try:
                cancelled, erased, moved = Updates(7002, language_code="tr"), Updates(7003, language_code="tr"), \
                    Updates(7004, language_code="tr")  # fmt: skip
                rasa.language = "tr"
                for chat, token, reference in ((cancelled, "tok-cccccccccccccccccccccc", "CAN-2222"),
                                               (erased, "tok-eeeeeeeeeeeeeeeeeeeeee", "ERA-3333"),
                                               (moved, "tok-mmmmmmmmmmmmmmmmmmmmmm", "MOV-4444")):  # fmt: skip
                    url = calendars.add(token, reference=reference, start=START, language="tr")
                    await book(channel, telegram, confirmations, chat, reference=reference, url=url)
                assert len(await channel.store.list_reminders()) == 3
                calendars.cancel("tok-cccccccccccccccccccccc")
                calendars.erase("tok-eeeeeeeeeeeeeeeeeeeeee")
                calendars.move("tok-mmmmmmmmmmmmmmmmmmmmmm", START + timedelta(days=2))

                mark = telegram.mark()
                clock.now = START - timedelta(hours=23)
                assert await bot_round(channel, bot) == 0
                assert telegram.calls_of("sendMessage", since=mark) == []
                (left,) = await channel.store.list_reminders()  # the moved one, at its new time
                assert left.chat_id == 7004 and left.remind_at == START + timedelta(days=1)

                clock.now = START + timedelta(days=1, minutes=1)
                assert await bot_round(channel, bot) == 1
                (sent,) = telegram.calls_of("sendMessage", since=mark)
                assert sent.params["chat_id"] == 7004
                assert format_appointment(START + timedelta(days=2), "tr") in sent.params["text"]
                assert buttons_of(sent) == ["Evet, geleceğim", "Randevunun zamanını değiştir", "Randevuyu iptal et"]

                # "I will come" is answered by the channel itself
                relayed = len(rasa.received)
                mark = telegram.mark()
                await channel.receive(moved.press(sent, "Evet, geleceğim"))
                (thanks,) = await telegram.until("sendMessage", chat_id=7004, since=mark)
                assert thanks.params["text"] == "Teşekkürler! Yarın görüşmek üzere."
                assert len(rasa.received) == relayed
            finally:
                await channel.stop()

    asyncio.run(scenario())


async def bot_round(channel, bot) -> int:
    return await channel.reminders.send_due(bot=bot)


def test_a_cancel_in_the_chat_drops_the_reminder_at_once(tmp_path, fakes) -> None:
    telegram, calendars, rasa, confirmations = fakes
    clock = Clock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            channel = channel_for(tmp_path, telegram, calendars, rasa, clock, http)
            await channel.start()
            try:
                chat = Updates(7005, language_code="de")
                url = calendars.add("tok-dddddddddddddddddddddd", reference="DEL-5555", start=START, language="de")
                await book(channel, telegram, confirmations, chat, reference="DEL-5555", url=url)
                assert await channel.store.list_reminders(chat_id=7005)
                calendars.cancel("tok-dddddddddddddddddddddd")  # what the assistant's cancel or /delete does
                mark = telegram.mark()
                await channel.receive(chat.text("ja"))
                await telegram.until("sendMessage", chat_id=7005, since=mark)
                for _ in range(40):  # the check runs right after the answer
                    if not await channel.store.list_reminders(chat_id=7005):
                        break
                    await asyncio.sleep(0.05)
                assert await channel.store.list_reminders(chat_id=7005) == []
            finally:
                await channel.stop()

    asyncio.run(scenario())


def test_reminders_survive_a_restart_and_none_for_appointments_within_a_day(tmp_path, fakes) -> None:
    telegram, calendars, rasa, confirmations = fakes
    clock = Clock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            first = channel_for(tmp_path, telegram, calendars, rasa, clock, http)
            await first.start()
            chat = Updates(7006, language_code="ru")
            url = calendars.add("tok-rrrrrrrrrrrrrrrrrrrrrr", reference="RST-6666", start=START, language="ru")
            await book(first, telegram, confirmations, chat, reference="RST-6666", url=url)
            soon = calendars.add("tok-ssssssssssssssssssssss", reference="SON-7777", start=T0 + timedelta(hours=20),
                                 language="ru")  # fmt: skip
            await book(
                first,
                telegram,
                confirmations,
                Updates(7007, language_code="ru"),
                reference="SON-7777",
                url=soon,
                reminded=False,
            )
            await first.stop()

            second = channel_for(tmp_path, telegram, calendars, rasa, clock, http)
            await second.start()
            try:
                (kept,) = await second.store.list_reminders()
                assert kept.booking_reference == "RST-6666"
                clock.now = START - timedelta(hours=23)
                mark = telegram.mark()
                assert await second.reminders.send_due(bot=second.application.bot) == 1
                assert telegram.calls_of("sendMessage", chat_id=7006, since=mark)
            finally:
                await second.stop()

    asyncio.run(scenario())


def test_a_blocked_chat_loses_its_reminders(tmp_path, fakes) -> None:
    telegram, calendars, rasa, confirmations = fakes
    clock = Clock(T0)

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            channel = channel_for(tmp_path, telegram, calendars, rasa, clock, http)
            await channel.start()
            try:
                chat = Updates(7008, language_code="fr")
                url = calendars.add("tok-bbbbbbbbbbbbbbbbbbbbbb", reference="BLK-8888", start=START, language="fr")
                await book(channel, telegram, confirmations, chat, reference="BLK-8888", url=url)
                telegram.fail("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
                clock.now = START - timedelta(hours=23)
                assert await channel.reminders.send_due(bot=channel.application.bot) == 0
                assert await channel.store.list_reminders() == []
            finally:
                await channel.stop()

    asyncio.run(scenario())
