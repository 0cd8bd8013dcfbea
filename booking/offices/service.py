"""Reading offices and their staff."""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from booking.errors import NotFound
from booking.offices.models import Office, Staff


def get(session: Session, *, office_id: str) -> Office | None:
    return session.get(Office, office_id)


def get_or_raise(session: Session, *, office_id: str) -> Office:
    office = get(session, office_id=office_id)
    if office is None:
        raise NotFound("no such office", office_id=office_id)
    return office


def list_offices(session: Session) -> list[Office]:
    return list(session.scalars(select(Office).order_by(Office.id)))


def list_active_staff(session: Session, *, office_id: str) -> list[Staff]:
    """Active staff of an office with their consultation windows loaded."""
    query = (
        select(Staff)
        .where(Staff.office_id == office_id, Staff.active.is_(True))
        .options(selectinload(Staff.windows))
        .order_by(Staff.id)
    )
    return list(session.scalars(query))
