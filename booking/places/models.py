"""Districts, municipalities and their postal codes: where people live and who is responsible."""

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.database import Base


class District(Base):
    """A Kreis, a kreisfreie Stadt or the StädteRegion Aachen."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))

    municipalities: Mapped[list["Municipality"]] = relationship(back_populates="district")


class Municipality(Base):
    """A town or city, by its official German name, and the office that serves people living there."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    office_id: Mapped[str | None] = mapped_column(ForeignKey("offices.id"), index=True)
    aliases: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)

    district: Mapped[District] = relationship(back_populates="municipalities")
    office: Mapped["Office | None"] = relationship(back_populates="municipalities")  # noqa: F821
    postal_codes: Mapped[list["PostalCode"]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan", order_by="PostalCode.code"
    )


class PostalCode(Base):
    """One postal code of a municipality (a code may span several municipalities)."""

    __tablename__ = "postal_codes"
    __table_args__ = (UniqueConstraint("code", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"))

    municipality: Mapped[Municipality] = relationship(back_populates="postal_codes")


class OutsideHomonym(Base):
    """A place outside our area that shares a name with one of ours, known by its postal codes."""

    __tablename__ = "outside_homonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str | None] = mapped_column(String(100))
    postal_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
