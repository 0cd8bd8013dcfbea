"""The channel's database: keyboards and reminders (SQLAlchemy 2, ``CHANNELS_DATABASE_URL``).

Every call runs in a worker thread, so the event loop never waits for the database. Tables are created on
start (the channel owns only its ``telegram_*`` tables).
"""

import asyncio
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import make_url

from booking.database import make_engine, make_sessionmaker, transaction
from channels.telegram.models import Base, Keyboard, Reminder

KEYBOARD_ID_BYTES = 9  # 12 url-safe characters: callback data "k:<id>:<n>" stays far below 64 bytes
CLAIM_TIMEOUT = timedelta(minutes=10)  # a claim older than this was left by a process that died mid-send


def open_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created when missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    return engine


class Store:
    """Keyboards and reminders; ``clock`` gives the current (aware) time."""

    def __init__(self, *, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = make_sessionmaker(engine)

    # --- keyboards -------------------------------------------------------------------------------------

    def _create_keyboard(self, conversation: str, buttons: list[dict]) -> str:
        keyboard_id = secrets.token_urlsafe(KEYBOARD_ID_BYTES)
        with transaction(self._sessions) as session:
            session.add(Keyboard(id=keyboard_id, conversation=conversation, buttons=buttons, created_at=self.clock()))
        return keyboard_id

    async def create_keyboard(self, *, conversation: str, buttons: list[dict]) -> str:
        """Keep ``buttons`` (title and payload) and return the keyboard's short id."""
        return await asyncio.to_thread(self._create_keyboard, conversation, buttons)

    def _spend(self, keyboard_id: str, conversation: str, index: int) -> tuple[dict | None, list[dict]]:
        with transaction(self._sessions) as session:
            keyboard = session.get(Keyboard, keyboard_id)
            if keyboard is None or keyboard.conversation != conversation or not 0 <= index < len(keyboard.buttons):
                return None, []
            spent = session.execute(
                update(Keyboard)
                .where(Keyboard.id == keyboard_id, Keyboard.spent_at.is_(None))
                .values(spent_at=self.clock())
            ).rowcount
            return (keyboard.buttons[index] if spent else None), list(keyboard.buttons)

    async def spend_button(self, *, keyboard_id: str, conversation: str, index: int) -> tuple[dict | None, list[dict]]:
        """The pressed button if its keyboard was still unused (and now is spent), else None; and all buttons."""
        return await asyncio.to_thread(self._spend, keyboard_id, conversation, index)

    def _unspend(self, keyboard_id: str) -> None:
        with transaction(self._sessions) as session:
            session.execute(update(Keyboard).where(Keyboard.id == keyboard_id).values(spent_at=None))

    async def unspend_keyboard(self, *, keyboard_id: str) -> None:
        """Make a keyboard pressable again (the press could not be relayed)."""
        await asyncio.to_thread(self._unspend, keyboard_id)

    def _forget_keyboards(self, *, conversation: str | None = None, older_than: datetime | None = None) -> int:
        query = delete(Keyboard)
        if conversation is not None:
            query = query.where(Keyboard.conversation == conversation)
        if older_than is not None:
            query = query.where(Keyboard.created_at < older_than)
        with transaction(self._sessions) as session:
            return session.execute(query).rowcount

    async def forget_keyboards(self, *, conversation: str | None = None, older_than: datetime | None = None) -> int:
        """Delete keyboards of one conversation and/or older than a moment; returns how many."""
        return await asyncio.to_thread(self._forget_keyboards, conversation=conversation, older_than=older_than)

    # --- reminders -------------------------------------------------------------------------------------

    def _upsert_reminder(self, values: dict) -> None:
        with transaction(self._sessions) as session:
            reminder = session.scalar(
                select(Reminder).where(
                    Reminder.chat_id == values["chat_id"], Reminder.booking_reference == values["booking_reference"]
                )
            )
            if reminder is None:
                session.add(Reminder(**values))
            else:
                for key, value in values.items():
                    setattr(reminder, key, value)
                reminder.claimed_at = None

    async def save_reminder(
        self, *, chat_id: int, booking_reference: str, calendar_url: str, language: str, starts_at: datetime,
        remind_at: datetime,
    ) -> None:  # fmt: skip
        """Create or update the reminder of one booking in one chat."""
        values = {"chat_id": chat_id, "booking_reference": booking_reference, "calendar_url": calendar_url,
                  "language": language, "starts_at": starts_at, "remind_at": remind_at}  # fmt: skip
        await asyncio.to_thread(self._upsert_reminder, values)

    def _list_reminders(self, chat_id: int | None) -> list[Reminder]:
        with make_sessionmaker(self.engine, read_only=True)() as session:
            query = select(Reminder).order_by(Reminder.remind_at)
            if chat_id is not None:
                query = query.where(Reminder.chat_id == chat_id)
            return list(session.scalars(query))

    async def list_reminders(self, *, chat_id: int | None = None) -> list[Reminder]:
        """Every reminder (of one chat, when given), soonest first."""
        return await asyncio.to_thread(self._list_reminders, chat_id)

    def _claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        stale = now - CLAIM_TIMEOUT
        with transaction(self._sessions) as session:
            candidates = session.scalars(
                select(Reminder).where(Reminder.remind_at <= now).order_by(Reminder.remind_at).limit(limit)
            ).all()
            claimed = []
            for reminder in candidates:
                taken = session.execute(
                    update(Reminder)
                    .where(Reminder.id == reminder.id)
                    .where((Reminder.claimed_at.is_(None)) | (Reminder.claimed_at < stale))
                    .values(claimed_at=now)
                    .execution_options(synchronize_session=False)
                ).rowcount
                if taken:
                    claimed.append(reminder)
            return claimed

    async def claim_due_reminders(self, *, limit: int = 50) -> list[Reminder]:
        """Reminders due now, claimed for this process (no other process sends them meanwhile)."""
        return await asyncio.to_thread(self._claim_due, self.clock(), limit)

    def _reschedule(self, reminder_id: int, starts_at: datetime, remind_at: datetime) -> None:
        with transaction(self._sessions) as session:
            session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id)
                .values(starts_at=starts_at, remind_at=remind_at, claimed_at=None)
            )

    async def reschedule_reminder(self, *, reminder_id: int, starts_at: datetime, remind_at: datetime) -> None:
        """Move a reminder to a new time and release its claim."""
        await asyncio.to_thread(self._reschedule, reminder_id, starts_at, remind_at)

    def _release(self, reminder_id: int) -> None:
        with transaction(self._sessions) as session:
            session.execute(update(Reminder).where(Reminder.id == reminder_id).values(claimed_at=None))

    async def release_reminder(self, *, reminder_id: int) -> None:
        """Give a claimed reminder back (sending failed; the next round tries again)."""
        await asyncio.to_thread(self._release, reminder_id)

    def _delete_reminders(self, reminder_id: int | None, chat_id: int | None) -> int:
        if reminder_id is None and chat_id is None:
            raise ValueError("give reminder_id or chat_id")
        query = delete(Reminder)
        if reminder_id is not None:
            query = query.where(Reminder.id == reminder_id)
        if chat_id is not None:
            query = query.where(Reminder.chat_id == chat_id)
        with transaction(self._sessions) as session:
            return session.execute(query).rowcount

    async def delete_reminders(self, *, reminder_id: int | None = None, chat_id: int | None = None) -> int:
        """Delete one reminder, or every reminder of a chat; returns how many."""
        return await asyncio.to_thread(self._delete_reminders, reminder_id, chat_id)
