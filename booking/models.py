"""Every table, imported in one place (Alembic and create_all need them all registered)."""

from booking.bookings.models import Booking, ConsentRecord, IntakeRecord
from booking.database import Base
from booking.hours.models import Closure, ConsultationWindow
from booking.offices.models import Office, Staff
from booking.places.models import District, Municipality, OutsideHomonym, PostalCode

__all__ = [
    "Base",
    "Booking",
    "Closure",
    "ConsentRecord",
    "ConsultationWindow",
    "District",
    "IntakeRecord",
    "Municipality",
    "Office",
    "OutsideHomonym",
    "PostalCode",
    "Staff",
]
