"""Consultation hours: weekly windows per staff member, and closures."""

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.database import Base, UTCDateTime


class ConsultationWindow(Base):
    """A weekly recurring window (local Europe/Berlin wall time) cut into slots of ``slot_minutes``."""

    __tablename__ = "consultation_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=45)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=15)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    staff: Mapped["Staff"] = relationship(back_populates="windows")  # noqa: F821


class Closure(Base):
    """The office (``staff_id`` empty) or one staff member is unavailable between two instants."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200), default="")
