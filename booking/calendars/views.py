"""The newcomer's calendar file, reachable by the unguessable link in the booking confirmation."""

from fastapi import APIRouter, HTTPException, Response

from booking.bookings import service as bookings
from booking.calendars.ics import AppointmentEvent, appointment_calendar
from booking.deps import ReadSessionDep

router = APIRouter(tags=["calendar"])


@router.get("/calendar/{token}.ics", response_class=Response)
def appointment_file(token: str, session: ReadSessionDep) -> Response:
    booking = bookings.get_by_calendar_token(session, token=token)
    if booking is None:
        raise HTTPException(404, detail={"code": "not_found", "message": "no such calendar file"})
    office = booking.office
    event = AppointmentEvent(
        uid=booking.uid,
        reference=booking.reference,
        start=booking.starts_at,
        end=booking.ends_at,
        sequence=booking.sequence,
        cancelled=booking.status != "active",
        office_name=office.name,
        office_address=office.address,
        office_phone=office.phone,
        language=booking.language,
        created=booking.created_at,
    )
    return Response(
        appointment_calendar(event),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="kim-{booking.reference}.ics"',
            "Cache-Control": "no-store",
            "X-Robots-Tag": "noindex",
        },
    )
