"""Unit tests: text splitting, keyboards, language mapping, Bot API retries, calendar files."""

import asyncio
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import ValidationError
from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut

from booking.calendars.ics import AppointmentEvent, appointment_calendar
from channels.config import Settings
from channels.rasa_client import RasaClient
from channels.telegram import keyboards
from channels.telegram.channel import PerChatUpdateProcessor
from channels.telegram.delivery import MAX_TEXT, call, split_text
from channels.telegram.handlers import place_of
from channels.telegram.language import conversation_id, language_hint
from channels.telegram.reminders import CalendarError, CalendarFiles, read_calendar


@pytest.mark.parametrize(
    ("code", "expected"),
    [("de", "de"), ("de-AT", "de"), ("ar", "ar"), ("ru", "ru"), ("tr", "tr"), ("fr-CA", "fr"), ("en-GB", "en"),
     ("bs", "bs"), ("hr", "bs"), ("sr", "bs"), ("pt-br", None), ("uk", None), ("", None), (None, None)],
)  # fmt: skip
def test_language_hint_maps_telegram_codes_to_the_seven(code, expected) -> None:
    assert language_hint(code) == expected


def test_conversation_id_is_a_hash_not_the_chat_id() -> None:
    sender = conversation_id(123456789)
    assert "123456789" not in sender
    assert sender == RasaClient.sender_id("telegram:123456789") and len(sender) == 32
    assert conversation_id(123456789) != conversation_id(123456780)


def test_short_text_is_one_piece() -> None:
    assert split_text("Hallo!") == ["Hallo!"]


def test_long_text_splits_at_paragraphs_within_the_limit() -> None:
    paragraph = ("Wort " * 300).strip()  # 1499 characters
    text = "\n\n".join([paragraph] * 5)
    pieces = split_text(text)
    assert all(len(piece) <= MAX_TEXT for piece in pieces)
    assert len(pieces) == 3
    assert re.sub(r"\s", "", "".join(pieces)) == re.sub(r"\s", "", text)  # nothing lost
    assert all(piece.startswith("Wort") and piece.endswith("Wort") for piece in pieces)


def test_text_without_spaces_is_cut_hard() -> None:
    text = "x" * (MAX_TEXT * 2 + 10)
    pieces = split_text(text)
    assert [len(p) for p in pieces] == [MAX_TEXT, MAX_TEXT, 10]


def test_keyboard_layout_and_callback_data_fit_telegram() -> None:
    buttons = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}]
    markup = keyboards.markup("AbCdEfGhIjKl", buttons)
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Ja", "Nein"]]
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == ["k:AbCdEfGhIjKl:0", "k:AbCdEfGhIjKl:1"]
    assert all(len(d.encode()) <= 64 for d in data)
    assert keyboards.parse_callback_data(data[1]) == ("AbCdEfGhIjKl", 1)


def test_keyboard_puts_long_titles_one_per_row_and_many_short_two_per_row() -> None:
    long = [{"title": f"Dienstag, 1. Dezember, 0{i}:30", "payload": f'/choose{{"choice": "s{i}"}}'} for i in range(3)]
    assert [len(row) for row in keyboards.markup("k1", long).inline_keyboard] == [1, 1, 1]
    languages = [{"title": name, "payload": "/x"} for name in ["Deutsch", "العربية", "Русский", "Bosanski", "Türkçe",
                                                                 "Français", "English"]]  # fmt: skip
    assert [len(row) for row in keyboards.markup("k2", languages).inline_keyboard] == [2, 2, 2, 1]


@pytest.mark.parametrize("data", [None, "", "spent", "k:abc", "k::1", "x:abc:1", "k:abc:one", "k:abc:1:2"])
def test_foreign_callback_data_is_rejected(data) -> None:
    assert keyboards.parse_callback_data(data) is None


def test_spent_keyboard_shows_only_the_choice() -> None:
    markup = keyboards.spent_markup("Ja")
    assert [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard] == [[("✓ Ja", "spent")]]


@pytest.mark.parametrize(
    ("args", "place"),
    [(["hagen"], "hagen"), (["58095"], "58095"), (["bad_honnef"], "bad honnef"), ([], None), (None, None),
     (["häg en"], None), (["x" * 65], None)],
)  # fmt: skip
def test_deep_link_payload(args, place) -> None:
    assert place_of(args) == place


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def failing(errors: list[Exception], result: str = "ok"):
    attempts = []

    async def operation():
        attempts.append(1)
        if errors:
            raise errors.pop(0)
        return result

    return operation, attempts


def test_retry_after_is_waited_and_the_call_repeated() -> None:
    sleep = Sleeps()
    operation, attempts = failing([RetryAfter(3)])
    assert asyncio.run(call(operation, method="sendMessage", idempotent=False, sleep=sleep)) == "ok"
    assert sleep.waits == [3.0] and len(attempts) == 2


def test_a_connection_failure_is_retried_even_for_a_new_message() -> None:
    sleep = Sleeps()
    error = NetworkError("httpx.ConnectError: refused")
    error.__cause__ = httpx.ConnectError("refused")
    operation, attempts = failing([error])
    assert asyncio.run(call(operation, method="sendMessage", idempotent=False, sleep=sleep)) == "ok"
    assert len(attempts) == 2


def test_a_message_that_may_have_arrived_is_not_sent_twice() -> None:
    error = TimedOut()
    error.__cause__ = httpx.ReadTimeout("read")
    operation, attempts = failing([error])
    with pytest.raises(TimedOut):
        asyncio.run(call(operation, method="sendMessage", idempotent=False, sleep=Sleeps()))
    assert len(attempts) == 1


def test_an_idempotent_call_is_repeated_after_a_read_timeout() -> None:
    error = TimedOut()
    error.__cause__ = httpx.ReadTimeout("read")
    operation, attempts = failing([error])
    assert asyncio.run(call(operation, method="answerCallbackQuery", idempotent=True, sleep=Sleeps())) == "ok"
    assert len(attempts) == 2


def test_retries_end() -> None:
    errors = [RetryAfter(1) for _ in range(4)]
    operation, attempts = failing(errors)
    with pytest.raises(RetryAfter):
        asyncio.run(call(operation, method="sendMessage", idempotent=False, attempts=4, sleep=Sleeps()))
    assert len(attempts) == 4


def ics(*, start: datetime, cancelled: bool = False, language: str = "ru") -> bytes:
    return appointment_calendar(
        AppointmentEvent(
            uid="K7M-4PX9@kim",
            reference="K7M-4PX9",
            start=start,
            end=start + timedelta(minutes=45),
            sequence=0,
            cancelled=cancelled,
            office_name="KIM Hagen",
            office_address="Berliner Platz 22, 58089 Hagen",
            office_phone="02331 2070",
            language=language,
            created=start - timedelta(days=3),
        )  # fmt: skip
    )


def test_calendar_file_is_read() -> None:
    start = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    appointment = read_calendar(ics(start=start))
    assert appointment.start == start and not appointment.cancelled
    assert appointment.place == "Berliner Platz 22, 58089 Hagen" and appointment.language == "ru"
    assert read_calendar(ics(start=start, cancelled=True)).cancelled


def test_unreadable_calendar_has_a_code() -> None:
    with pytest.raises(CalendarError) as raised:
        read_calendar(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert raised.value.code == "calendar_unreadable"


def test_only_calendar_links_are_followed_and_via_the_internal_address() -> None:
    files = CalendarFiles(http=None, booking_url="http://booking.internal:8000/")
    token = "Ab_cdefghijklmnopqrstuvwxyz0123456789-xyz"
    assert files.internal_url(f"https://termine.example.org/calendar/{token}.ics") == (
        f"http://booking.internal:8000/calendar/{token}.ics"
    )
    for bad in ("https://evil.example/x.ics", f"https://x/calendar/{token}.ics/../admin", "file:///etc/passwd"):
        with pytest.raises(CalendarError):
            files.internal_url(bad)


def telegram_settings(**values) -> Settings:
    return Settings(_env_file=None, TELEGRAM_BOT_TOKEN="1:x", **values)


def test_local_settings_need_neither_webhook_url_nor_secret() -> None:
    assert telegram_settings().telegram_webhook_url is None
    assert telegram_settings(TELEGRAM_MODE="polling").telegram_mode == "polling"
    assert telegram_settings(TELEGRAM_WEBHOOK_SECRET="").telegram_webhook_secret == ""  # empty line in .env


def production(**values) -> Settings:
    return telegram_settings(env="production", RASA_AUTH_TOKEN="r" * 40, session_key="k" * 40, **values)


def test_production_webhook_needs_an_https_url_and_a_long_secret() -> None:
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_URL"):
        production(TELEGRAM_WEBHOOK_SECRET="s" * 40)
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_URL"):
        production(TELEGRAM_WEBHOOK_URL="http://kim.example.org/telegram/webhook", TELEGRAM_WEBHOOK_SECRET="s" * 40)
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_SECRET"):
        production(TELEGRAM_WEBHOOK_URL="https://kim.example.org/telegram/webhook", TELEGRAM_WEBHOOK_SECRET="short")
    ok = production(TELEGRAM_WEBHOOK_URL="https://kim.example.org/telegram/webhook", TELEGRAM_WEBHOOK_SECRET="s" * 40)
    assert ok.telegram_mode == "webhook"
    assert production(TELEGRAM_MODE="polling").telegram_mode == "polling"


def test_secret_token_must_use_telegrams_alphabet() -> None:
    with pytest.raises(ValidationError, match="1-256 characters"):
        telegram_settings(TELEGRAM_WEBHOOK_SECRET="has spaces and ü")


def test_one_chat_at_a_time_many_chats_at_once() -> None:
    def update(update_id: int, chat_id: int) -> Update:
        return Update.de_json(
            {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "date": 0,
                    "text": "x",
                    "chat": {"id": chat_id, "type": "private"},
                },
            },  # fmt: skip
            None,
        )

    async def scenario() -> list[tuple[str, int, int]]:
        processor = PerChatUpdateProcessor(max_working=8)
        events: list[tuple[str, int, int]] = []

        async def work(chat_id: int, n: int) -> None:
            events.append(("start", chat_id, n))
            await asyncio.sleep(0.05)
            events.append(("end", chat_id, n))

        jobs = [processor.process_update(update(i, chat), work(chat, i)) for i, chat in enumerate([1, 1, 1, 2, 3])]
        await asyncio.gather(*jobs)
        return events

    events = asyncio.run(scenario())
    chat_1 = [(kind, n) for kind, chat, n in events if chat == 1]
    assert chat_1 == [("start", 0), ("end", 0), ("start", 1), ("end", 1), ("start", 2), ("end", 2)]  # in order
    first_end = next(i for i, e in enumerate(events) if e[0] == "end")
    assert {chat for kind, chat, n in events[:first_end] if kind == "start"} == {1, 2, 3}  # concurrently
