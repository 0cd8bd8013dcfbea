"""Bookings with their consent and intake records.

No two active bookings of one staff member overlap: enforced by the database (an exclusion
constraint on PostgreSQL, triggers on SQLite; see the initial migration).
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.database import Base, UTCDateTime

ACTIVE = "active"
CANCELLED = "cancelled"


class ConsentRecord(Base):
    """Informed consent: which text version, in which language, on which channel, when."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_version: Mapped[str] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Booking(Base):
    """An appointment of one newcomer with one staff member."""

    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_staff_start", "staff_id", "starts_at"),)
    # idempotency_key's unique index is ix_bookings_idempotency_key (migration 0002)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    language: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(20))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    attendance: Mapped[str | None] = mapped_column(String(16))  # attended | no_show
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent_records.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    office: Mapped["Office"] = relationship()  # noqa: F821
    staff: Mapped["Staff"] = relationship()  # noqa: F821
    municipality: Mapped["Municipality | None"] = relationship()  # noqa: F821
    consent: Mapped[ConsentRecord] = relationship()
    intake: Mapped["IntakeRecord | None"] = relationship(back_populates="booking", uselist=False)

    @property
    def uid(self) -> str:
        """The calendar UID: stable for the booking's whole life."""
        return f"{self.calendar_token[:16]}@kim-frontdoor"


class IntakeRecord(Base):
    """What the case manager receives. Personal data; erased on request or after retention."""

    __tablename__ = "intake_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), unique=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    concern: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking: Mapped[Booking] = relationship(back_populates="intake")
