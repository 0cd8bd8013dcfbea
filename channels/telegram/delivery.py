"""Calling the Bot API within Telegram's limits: long texts split at 4096 characters, ``429 retry_after``
honoured, network errors retried only when the request cannot have reached Telegram (no duplicates)."""

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TypeVar

import httpx
from telegram import Bot
from telegram.constants import ChatAction, MessageLimit
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger("channels.telegram")
T = TypeVar("T")

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_RETRY_AFTER = 120.0  # seconds; a longer flood wait is not worth holding a conversation for
TYPING_EVERY = 4.5  # Telegram shows "typing…" for 5 seconds


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` characters, at a paragraph, line, sentence or word end
    where possible; nothing is lost but the whitespace at the cut."""
    pieces = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for separator in ("\n\n", "\n", ". ", " "):
            found = window.rfind(separator)
            if found >= limit // 2:
                cut = found + len(separator)
                break
        if cut <= 0:
            cut = limit
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if rest.strip():
        pieces.append(rest)
    return pieces


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (``retry_after`` is an int or a timedelta in PTB 22)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def never_sent(error: NetworkError) -> bool:
    """Whether the request certainly did not reach Telegram (connecting failed, or no free connection)."""
    cause = error.__cause__
    return isinstance(cause, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


async def call(
    operation: Callable[[], Awaitable[T]], *, method: str, idempotent: bool, attempts: int = 4,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:  # fmt: skip
    """Run one Bot API call. A 429 waits ``retry_after`` and tries again (Telegram did not take the call);
    a network error is retried when nothing was sent, or when the call is ``idempotent`` (repeating it
    changes nothing); other errors pass up."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await operation()
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            if attempt == attempts or wait > MAX_RETRY_AFTER:
                raise
            log.warning("telegram %s: flood control, waiting %.0f s (code=telegram_retry_after)", method, wait)
            await sleep(wait)
        except NetworkError as error:
            unsent = never_sent(error)
            if attempt == attempts or not (unsent or idempotent):
                if not unsent and not idempotent:
                    log.warning(
                        "telegram %s: %s; not repeated, it may have been delivered (code=telegram_maybe_sent)",
                        method, type(error).__name__,
                    )  # fmt: skip
                raise
            log.info("telegram %s: %s, trying again (attempt %d)", method, type(error).__name__, attempt + 1)
            await sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


@asynccontextmanager
async def typing(bot: Bot, chat_id: int):
    """Show "typing…" in the chat while the body runs (renewed every few seconds; failures are ignored)."""

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            except TelegramError:
                pass  # only a courtesy
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
