"""The Telegram channel's own tables (prefix ``telegram_``) in the channels database.

Only what the channel needs and nothing more: the bot buttons of sent messages (their Rasa payloads stay
here, Telegram only gets a short key) and the appointment reminders still ahead.
"""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from booking.database import UTCDateTime


class Base(DeclarativeBase):
    """Declarative base of the Telegram tables (a metadata of their own: the web chat may share the database)."""


class Keyboard(Base):
    """The buttons of one sent message; pressing one spends the whole keyboard."""

    __tablename__ = "telegram_keyboards"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    # the conversation's Rasa sender id (a hash), never the chat id: a key only works in its own chat
    conversation: Mapped[str] = mapped_column(String(64), index=True)
    buttons: Mapped[list] = mapped_column(JSON)  # [{"title": ..., "payload": ...}]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    spent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Reminder(Base):
    """A reminder to send before an appointment: deleted once sent, cancelled or erased."""

    __tablename__ = "telegram_reminders"
    __table_args__ = (UniqueConstraint("chat_id", "booking_reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)  # needed to send it
    booking_reference: Mapped[str] = mapped_column(String(16))
    calendar_url: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(2))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # set while one process sends it, so two processes (or a retry) never send it twice
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
