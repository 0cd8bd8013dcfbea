"""The Telegram channel: a python-telegram-bot ``Application`` inside the channels process.

Webhook mode (production): python-telegram-bot's custom-webhook pattern (``updater(None)``); updates arrive at
``POST /telegram/webhook`` and go into the application's queue; the webhook is registered with a secret
token. Polling mode (local development): the library's updater fetches updates. Updates of different chats
are handled concurrently, those of one chat strictly one after the other.
"""

import asyncio
import logging
import os
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from telegram import BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, BaseUpdateProcessor

from channels.config import Settings
from channels.i18n import ALIASES, LANGUAGES
from channels.rasa_client import RasaClient
from channels.telegram import texts
from channels.telegram.delivery import call
from channels.telegram.handlers import add_handlers
from channels.telegram.relay import Relay
from channels.telegram.reminders import CalendarFiles, Reminders
from channels.telegram.storage import Store, open_engine

log = logging.getLogger("channels.telegram")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
KEYBOARD_RETENTION = timedelta(days=14)
SEEN_UPDATES = 2048  # update ids remembered to drop Telegram's redeliveries


def utc_now() -> datetime:
    return datetime.now(UTC)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Many chats at once, each chat's updates in order (a second message waits for the first answer).

    At most ``max_working`` updates are worked on at once; updates waiting for their own chat do not count,
    so one chat sending many messages cannot hold up the others.
    """

    WAITING = 4096  # updates that may wait (for their chat or for a free worker) at once

    def __init__(self, max_working: int) -> None:
        super().__init__(self.WAITING)
        self._working = asyncio.Semaphore(max_working)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._working:
                await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._users[chat.id] = self._users.get(chat.id, 0) + 1
        try:
            async with lock, self._working:
                await coroutine
        finally:
            self._users[chat.id] -= 1
            if not self._users[chat.id]:
                del self._users[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class TelegramChannel:
    """Builds, starts and stops the bot; ``clock`` is the current time (tests set it for reminders)."""

    def __init__(
        self, *, settings: Settings, rasa: RasaClient, http: httpx.AsyncClient,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:  # fmt: skip
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.settings = settings
        self.rasa = rasa
        self.http = http
        self.clock = clock
        # the secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token; locally one is made up if not set
        self.secret = settings.telegram_webhook_secret or secrets.token_urlsafe(32)
        self.application: Application | None = None
        self.store: Store | None = None
        self.reminders: Reminders | None = None
        self.ready = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._initialized = False

    @property
    def webhook_mode(self) -> bool:
        return self.settings.telegram_mode == "webhook"

    def _build(self) -> Application:
        builder = (
            Application.builder()
            .token(self.settings.telegram_bot_token)
            .concurrent_updates(PerChatUpdateProcessor(self.settings.telegram_concurrent_updates))
            .connect_timeout(10)
            .read_timeout(15)
            .write_timeout(30)
            .pool_timeout(10)
            .connection_pool_size(32)
        )
        if self.settings.telegram_api_base_url:
            builder = builder.base_url(self.settings.telegram_api_base_url)
        if self.webhook_mode:
            builder = builder.updater(None)
        elif self.settings.telegram_api_base_url:
            builder = builder.get_updates_read_timeout(30)
        return builder.build()

    async def start(self) -> None:
        """Open the database, build the bot and bring it up; if Telegram is not reachable yet, keep trying
        in the background (the web chat must not wait for Telegram)."""
        # no personal data or secrets in logs: request URLs carry the bot token (httpx logs them at INFO),
        # python-telegram-bot's debug log prints whole updates and message texts
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("telegram").setLevel(logging.INFO)
        # python-telegram-bot's durations as timedelta (its announced default), instead of a deprecation
        # warning on every 429; delivery.retry_after_seconds reads both
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        engine = await asyncio.to_thread(open_engine, self.settings.database_url)
        self.store = Store(engine=engine, clock=self.clock)
        calendars = CalendarFiles(http=self.http, booking_url=self.settings.booking_url)
        self.reminders = Reminders(
            store=self.store, calendars=calendars, clock=self.clock,
            lead=timedelta(hours=self.settings.telegram_reminder_lead_hours),
        )  # fmt: skip
        self.application = self._build()
        self.application.bot_data["relay"] = Relay(
            rasa=self.rasa, http=self.http, store=self.store, calendars=calendars, reminders=self.reminders
        )
        add_handlers(self.application)
        try:
            await self._bring_up()
        except InvalidToken:
            log.error("Telegram refused the bot token; the Telegram channel stays off (code=telegram_invalid_token)")
        except TelegramError as error:
            log.warning("Telegram not reachable (%s); trying again in the background", type(error).__name__)
            self._tasks.append(asyncio.create_task(self._keep_trying()))

    async def _keep_trying(self) -> None:
        delay = 5.0
        while not self.ready.is_set():
            await asyncio.sleep(delay)
            try:
                await self._bring_up()
            except InvalidToken:
                log.error("Telegram refused the bot token (code=telegram_invalid_token)")
                return
            except TelegramError as error:
                log.warning("Telegram still not reachable (%s)", type(error).__name__)
                delay = min(delay * 2, 300.0)

    async def _bring_up(self) -> None:
        application = self.application
        if not self._initialized:
            await application.initialize()  # getMe
            self._initialized = True
        await self._set_commands()
        if self.webhook_mode:
            if self.settings.telegram_webhook_url:
                await call(
                    lambda: application.bot.set_webhook(
                        url=self.settings.telegram_webhook_url, secret_token=self.secret,
                        allowed_updates=ALLOWED_UPDATES, max_connections=40,
                    ),
                    method="setWebhook", idempotent=True,
                )  # fmt: skip
            else:
                log.warning(
                    "Telegram webhook mode without TELEGRAM_WEBHOOK_URL: nothing registered with Telegram; "
                    "set the URL, or use TELEGRAM_MODE=polling for local development"
                )
        if not application.running:
            await application.start()
        if not self.webhook_mode:
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        registered = self.webhook_mode and bool(self.settings.telegram_webhook_url)
        log.info("Telegram channel on (%s)", "webhook registered" if registered else self.settings.telegram_mode)
        self._tasks.append(asyncio.create_task(self._reminder_loop()))
        self.ready.set()

    async def _set_commands(self) -> None:
        """The command menu in each of the seven languages (plus Croatian and Serbian readers in Bosnian)
        and, for everyone else, in German."""
        bot = self.application.bot
        menus = [(code, code) for code in LANGUAGES] + list(ALIASES.items()) + [(None, texts.DEFAULT_LANGUAGE)]
        for language_code, language in menus:
            commands = [BotCommand(command, description) for command, description in texts.commands(language)]
            await call(
                lambda commands=commands, language_code=language_code: bot.set_my_commands(
                    commands, language_code=language_code
                ),
                method="setMyCommands", idempotent=True,
            )  # fmt: skip

    async def _reminder_loop(self) -> None:
        interval = self.settings.telegram_reminder_interval_seconds
        while True:
            try:
                await self.reminders.send_due(bot=self.application.bot)
                await self.store.forget_keyboards(older_than=self.clock() - KEYBOARD_RETENTION)
            except Exception:
                log.exception("reminder round failed (code=reminder_round_failed)")
            await asyncio.sleep(interval)

    async def receive(self, data: dict) -> bool:
        """Queue one update from the webhook; False for a redelivery already queued."""
        try:
            update = Update.de_json(data, self.application.bot)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError("not a Telegram update") from error
        if update.update_id in self._seen:
            return False
        self._seen[update.update_id] = None
        if len(self._seen) > SEEN_UPDATES:
            self._seen.popitem(last=False)
        await self.application.update_queue.put(update)
        return True

    async def stop(self) -> None:
        """Stop fetching and handling updates, finish the running ones, close the database."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        application = self.application
        if application is not None:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            if self._initialized:
                await application.shutdown()
        if self.store is not None:
            self.store.engine.dispose()
