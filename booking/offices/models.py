"""Offices (where case management happens) and their staff."""

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.database import Base


class Office(Base):
    """A KIM case management office; its public texts are kept in all seven languages."""

    __tablename__ = "offices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    name: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(200))
    opening_hours: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    serves: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=24 * 60)
    horizon_days: Mapped[int] = mapped_column(Integer, default=60)
    demo_fields: Mapped[list[str]] = mapped_column(JSON, default=list)

    district: Mapped["District"] = relationship()  # noqa: F821
    municipalities: Mapped[list["Municipality"]] = relationship(back_populates="office")  # noqa: F821
    staff: Mapped[list["Staff"]] = relationship(back_populates="office", order_by="Staff.id")

    def text(self, field: str, language: str) -> str:
        """A public text in the person's language, falling back to German."""
        texts: dict[str, str] = getattr(self, field) or {}
        return texts.get(language) or texts.get("de") or ""


class Staff(Base):
    """A case manager with the languages they speak."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    office: Mapped[Office] = relationship(back_populates="staff")
    windows: Mapped[list["ConsultationWindow"]] = relationship(  # noqa: F821
        back_populates="staff", cascade="all, delete-orphan"
    )
