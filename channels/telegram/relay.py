"""One turn of a Telegram conversation: the message to Rasa (with "typing…" meanwhile), Rasa's replies
back as Telegram messages: text split to Telegram's limit, buttons as inline keyboards, the booking
confirmation's calendar file as a document, and its reminder kept."""

import logging
from dataclasses import dataclass

import httpx
from telegram import Bot
from telegram.error import TelegramError

from channels.i18n import LANGUAGES
from channels.rasa_client import RasaClient, RasaUnavailable
from channels.telegram import keyboards, texts
from channels.telegram.delivery import call, split_text, typing
from channels.telegram.language import conversation_id
from channels.telegram.reminders import CalendarError, CalendarFiles, Reminders
from channels.telegram.storage import Store

log = logging.getLogger("channels.telegram")


@dataclass(frozen=True)
class Relay:
    """Relays turns between Telegram chats and Rasa's REST channel."""

    rasa: RasaClient
    http: httpx.AsyncClient
    store: Store
    calendars: CalendarFiles
    reminders: Reminders

    async def language(self, *, chat_id: int, hint: str | None) -> str:
        """The conversation's language (Rasa's ``language`` slot), else the hint, else German."""
        try:
            language = await self.rasa.language(self.http, sender=conversation_id(chat_id))
        except RasaUnavailable:
            language = None
        if language in LANGUAGES:
            return language
        return hint or texts.DEFAULT_LANGUAGE

    async def say(self, bot: Bot, *, chat_id: int, text: str, reply_markup=None) -> None:
        """Send a text of any length (split at Telegram's limit; the keyboard goes with the last part)."""
        pieces = split_text(text) or ["…"]
        for number, piece in enumerate(pieces, start=1):
            markup = reply_markup if number == len(pieces) else None
            await call(
                lambda piece=piece, markup=markup: bot.send_message(chat_id=chat_id, text=piece, reply_markup=markup),
                method="sendMessage",
                idempotent=False,
            )

    async def turn(
        self, bot: Bot, *, chat_id: int, text: str, hint: str | None, extra_metadata: dict | None = None
    ) -> bool:
        """Relay one message (typed text or a button's payload) and deliver the replies; False when Rasa
        is not reachable (the person got an apology in their language)."""
        sender = conversation_id(chat_id)
        metadata = {"channel": "telegram", **({"language": hint} if hint else {}), **(extra_metadata or {})}
        async with typing(bot, chat_id):
            try:
                replies = await self.rasa.send(self.http, sender=sender, text=text, metadata=metadata)
            except RasaUnavailable:
                log.warning("rasa unreachable while relaying a telegram message (code=assistant_unavailable)")
                await self.say(bot, chat_id=chat_id, text=texts.assistant_down(hint or texts.DEFAULT_LANGUAGE))
                return False
        for reply in replies:
            await self._deliver(bot, chat_id=chat_id, reply=reply, hint=hint)
        if await self.store.list_reminders(chat_id=chat_id):
            await self.reminders.refresh(chat_id=chat_id)  # a cancel, move or erasure may have happened
        return True

    async def _deliver(self, bot: Bot, *, chat_id: int, reply: dict, hint: str | None) -> None:
        buttons = [
            {"title": str(button.get("title") or ""), "payload": str(button.get("payload") or "")}
            for button in reply.get("buttons") or []
            if button.get("payload")
        ]
        markup = None
        if buttons:
            keyboard_id = await self.store.create_keyboard(conversation=conversation_id(chat_id), buttons=buttons)
            markup = keyboards.markup(keyboard_id, buttons)
        text = reply.get("text") or ""
        if text or markup is not None:
            await self.say(bot, chat_id=chat_id, text=text, reply_markup=markup)
        custom = reply.get("custom") or {}
        if isinstance(custom, dict) and custom.get("calendar_url") and custom.get("booking_reference"):
            await self._calendar(
                bot, chat_id=chat_id, calendar_url=str(custom["calendar_url"]),
                reference=str(custom["booking_reference"]), hint=hint,
            )  # fmt: skip

    async def _calendar(self, bot: Bot, *, chat_id: int, calendar_url: str, reference: str, hint: str | None) -> None:
        """Send the appointment's calendar file and keep its reminder."""
        try:
            data, appointment = await self.calendars.fetch(calendar_url)
        except CalendarError as error:
            log.warning("calendar file not fetched (code=%s); the confirmation has the link", error.code)
            return
        language = await self.language(chat_id=chat_id, hint=hint)
        try:
            await call(
                lambda: bot.send_document(
                    chat_id=chat_id,
                    document=data,
                    filename=f"kim-{reference}.ics",
                    caption=texts.calendar_caption(language),
                ),
                method="sendDocument",
                idempotent=False,
            )
        except TelegramError as error:
            log.warning("calendar file not sent: %s (code=calendar_not_sent)", type(error).__name__)
        await self.reminders.schedule(
            chat_id=chat_id, reference=reference, calendar_url=calendar_url, language=language,
            appointment=appointment,
        )  # fmt: skip
