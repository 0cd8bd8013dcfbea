"""Bookings against real SQLite and PostgreSQL: the double-booking guarantee lives in the database."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking.bookings import service
from booking.bookings.models import ACTIVE, CANCELLED, Booking
from booking.bookings.references import ALPHABET, new_reference, normalize_reference
from booking.errors import (
    BookingNotActive,
    InvalidSlot,
    SlotTaken,
    SlotUnavailable,
    VerificationFailed,
)
from booking.hours import service as hours
from booking.hours.slots import BERLIN, Slot
from tests.booking import factories


@pytest.fixture
def office(session):
    return factories.office(session)


@pytest.fixture
def arabic_speaker(session, office):
    return factories.staff(session, office=office, languages=["de", "ar"], name="Case Manager A")


@pytest.fixture
def german_only(session, office):
    return factories.staff(session, office=office, languages=["de"], name="Case Manager B")


def first_slot(session, office, now, language="de", **kw):
    return hours.list_free_slots(session, office=office, language=language, limit=1, now=now, **kw)[0]


def test_slots_prefer_staff_speaking_the_language(session, office, arabic_speaker, german_only, now) -> None:
    office.horizon_days = 7  # one week: the Arabic speaker's slots first, then the interpreter slots
    offered = hours.list_free_slots(session, office=office, language="ar", limit=40, now=now)
    staff_order = [o.staff.id for o in offered]
    assert staff_order[0] == arabic_speaker.id
    assert german_only.id in staff_order
    first_other = staff_order.index(german_only.id)
    assert all(s == arabic_speaker.id for s in staff_order[:first_other])
    assert all(not o.interpreter_needed for o in offered if o.staff.id == arabic_speaker.id)
    assert all(o.interpreter_needed for o in offered if o.staff.id == german_only.id)


def test_slots_respect_notice_and_horizon(session, office, german_only, now) -> None:
    office.min_notice_minutes = 3 * 24 * 60
    office.horizon_days = 10
    offered = hours.list_free_slots(session, office=office, language="de", limit=50, now=now)
    assert offered, "expected slots"
    assert min(o.slot.start for o in offered) >= now + timedelta(days=3)
    last_day = (now.astimezone(BERLIN) + timedelta(days=10)).date()
    assert max(o.slot.start.astimezone(BERLIN).date() for o in offered) <= last_day


def test_paging_with_after_gives_later_slots(session, office, german_only, now) -> None:
    page1 = hours.list_free_slots(session, office=office, language="de", limit=3, now=now)
    page2 = hours.list_free_slots(session, office=office, language="de", limit=3, now=now, after=page1[-1].slot.start)
    assert len(page1) == len(page2) == 3
    assert page2[0].slot.start > page1[-1].slot.start


def test_booking_stores_intake_consent_and_removes_the_slot(session, office, arabic_speaker, now) -> None:
    offered = first_slot(session, office, now, language="ar")
    booking = factories.book(session, slot_id=offered.slot.id, now=now, language="ar")
    session.commit()
    assert booking.status == ACTIVE and booking.staff_id == arabic_speaker.id
    assert not booking.interpreter_needed
    assert booking.intake.topics == ["work"] and booking.intake.contact_phone == "+4915111111111"
    assert booking.consent.text_version == "v1" and booking.consent.channel == "test"
    assert normalize_reference(booking.reference) == booking.reference
    again = hours.list_free_slots(session, office=office, language="ar", limit=5, now=now)
    assert offered.slot.id not in [o.slot.id for o in again]


def test_same_slot_twice_is_refused(session, office, german_only, now) -> None:
    slot_id = first_slot(session, office, now).slot.id
    factories.book(session, slot_id=slot_id, now=now)
    session.commit()
    with pytest.raises(SlotTaken):
        factories.book(session, slot_id=slot_id, now=now)
    session.rollback()
    assert session.scalar(select(Booking.id).where(Booking.status == ACTIVE).limit(2).offset(1)) is None


def test_overlapping_slots_of_different_length_are_refused(session, office, now) -> None:
    """Hours changed from 60 to 45 minute slots: 09:45 (45 min) must not overlap a 09:00–10:00 booking."""
    member = factories.staff(session, office=office, slot_minutes=60, buffer_minutes=0, hours=[(0, "09:00", "12:00")])
    hour_slot = first_slot(session, office, now)
    factories.book(session, slot_id=hour_slot.slot.id, now=now)
    session.commit()
    member.windows[0].slot_minutes = 45
    session.flush()
    overlapping = Slot(hour_slot.slot.start + timedelta(minutes=45), hour_slot.slot.start + timedelta(minutes=90),
                       member.id)  # fmt: skip
    with pytest.raises(SlotTaken):
        factories.book(session, slot_id=overlapping.id, now=now)
    session.rollback()


def test_database_refuses_overlap_even_without_the_service(session, office, german_only, now) -> None:
    """The constraint is in the database itself, not only in Python."""
    booking = factories.book(session, slot_id=first_slot(session, office, now).slot.id, now=now)
    session.commit()
    clone = Booking(
        reference=new_reference(), calendar_token="x" * 40, office_id=office.id, staff_id=german_only.id,
        starts_at=booking.starts_at + timedelta(minutes=10), ends_at=booking.ends_at + timedelta(minutes=10),
        status=ACTIVE, language="de", channel="test", consent_id=booking.consent_id, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(clone)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_cancel_frees_the_slot(session, office, german_only, now) -> None:
    slot_id = first_slot(session, office, now).slot.id
    booking = factories.book(session, slot_id=slot_id, now=now)
    service.cancel(session, booking=booking, now=now)
    assert booking.status == CANCELLED and booking.sequence == 1
    session.commit()
    assert first_slot(session, office, now).slot.id == slot_id
    again = factories.book(session, slot_id=slot_id, now=now)
    assert again.reference != booking.reference
    with pytest.raises(BookingNotActive):
        service.cancel(session, booking=booking, now=now)


def test_reschedule_moves_atomically(session, office, german_only, now) -> None:
    slots = hours.list_free_slots(session, office=office, language="de", limit=3, now=now)
    mine = factories.book(session, slot_id=slots[0].slot.id, now=now)
    other = factories.book(session, slot_id=slots[2].slot.id, now=now, phone="+49 151 22222222")
    session.commit()
    old_start, reference = mine.starts_at, mine.reference

    with pytest.raises(SlotTaken):
        service.reschedule(session, booking=mine, slot_id=slots[2].slot.id, now=now)
    session.rollback()
    session.expire_all()
    kept = service.get_by_reference(session, reference=reference)
    assert kept.starts_at == old_start and kept.status == ACTIVE and kept.sequence == 0

    moved = service.reschedule(session, booking=kept, slot_id=slots[1].slot.id, now=now)
    session.commit()
    assert moved.reference == reference and moved.starts_at == slots[1].slot.start and moved.sequence == 1
    assert other.status == ACTIVE
    assert first_slot(session, office, now).slot.id == slots[0].slot.id  # the old slot is free again


def test_lookup_needs_the_second_factor(session, office, german_only, now) -> None:
    booking = factories.book(session, slot_id=first_slot(session, office, now).slot.id, now=now, phone="0151 33333333")
    session.commit()
    lower = booking.reference.lower().replace("-", " ")
    assert service.verified_or_raise(session, reference=lower, phone="+49 151 33333333").id == booking.id
    assert service.verified_or_raise(session, reference=booking.reference, phone="0049151-333-333-33").id == booking.id
    for kwargs in ({"phone": "+49 151 99999999"}, {"email": "someone@example.org"}, {}):
        with pytest.raises(VerificationFailed):
            service.verified_or_raise(session, reference=booking.reference, **kwargs)
    with pytest.raises(VerificationFailed):
        service.verified_or_raise(session, reference="AAA-AAAA", phone="0151 33333333")


def test_erase_cancels_future_booking_and_blanks_personal_data(session, office, german_only, now) -> None:
    booking = factories.book(session, slot_id=first_slot(session, office, now).slot.id, now=now)
    service.erase(session, booking=booking, now=now)
    session.commit()
    session.expire_all()
    intake = booking.intake
    assert booking.status == CANCELLED
    assert (intake.contact_name, intake.contact_phone, intake.contact_email, intake.concern, intake.topics) == (
        "", "", "", "", [],
    )  # fmt: skip
    assert intake.erased_at is not None and booking.consent.withdrawn_at is not None
    with pytest.raises(VerificationFailed):
        service.verified_or_raise(session, reference=booking.reference, phone="+49 151 11111111")


def test_retention_purge_erases_only_old_intakes(session, office, german_only, now) -> None:
    slots = hours.list_free_slots(session, office=office, language="de", limit=2, now=now)
    old = factories.book(session, slot_id=slots[0].slot.id, now=now)
    recent = factories.book(session, slot_id=slots[1].slot.id, now=now, phone="+49 151 44444444")
    session.commit()
    later = old.ends_at + timedelta(days=181)
    recent.starts_at, recent.ends_at = later - timedelta(days=10), later - timedelta(days=10, minutes=-45)
    session.commit()
    assert service.purge_expired(session, now=later, retention_days=180) == 1
    session.commit()
    assert old.intake.erased_at is not None and old.intake.contact_name == ""
    assert recent.intake.erased_at is None and recent.intake.contact_name == "Test Person"


def test_slot_ids_that_are_not_offered_are_refused(session, office, german_only, now) -> None:
    offered = first_slot(session, office, now).slot
    shifted = Slot(offered.start + timedelta(minutes=7), offered.end + timedelta(minutes=7), german_only.id)
    past = Slot(offered.start - timedelta(days=7), offered.end - timedelta(days=7), german_only.id)
    unknown_staff = Slot(offered.start, offered.end, 999_999)
    friday_worker = factories.staff(session, office=office, hours=[(4, "09:00", "12:00")], buffer_minutes=0)
    christmas_nine = datetime(2026, 12, 25, 9, 0, tzinfo=BERLIN)  # a Friday and a public holiday
    christmas = Slot(christmas_nine.astimezone(UTC), (christmas_nine + timedelta(minutes=45)).astimezone(UTC),
                     friday_worker.id)  # fmt: skip
    for slot in (shifted, past, unknown_staff, christmas):
        with pytest.raises(SlotUnavailable):
            factories.book(session, slot_id=slot.id, now=now)
    with pytest.raises(InvalidSlot):
        factories.book(session, slot_id="not-a-slot", now=now)


def test_closures_remove_slots(session, office, german_only, now) -> None:
    offered = first_slot(session, office, now).slot
    day_start = offered.start.astimezone(BERLIN).replace(hour=0, minute=0)
    factories.closure(session, office=office, start=day_start, end=day_start + timedelta(days=1))
    assert first_slot(session, office, now).slot.start >= day_start + timedelta(days=1)
    with pytest.raises(SlotUnavailable):
        factories.book(session, slot_id=offered.id, now=now)


def test_reference_codes_are_unambiguous() -> None:
    codes = {new_reference() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 8 and code[3] == "-"
        assert set(code.replace("-", "")) <= set(ALPHABET)
        assert any(ch.isdigit() for ch in code) and any(ch.isalpha() for ch in code)
    assert not set("01IOL") & set(ALPHABET)
    assert normalize_reference(" k7m 4px9 ") == "K7M-4PX9"
    assert normalize_reference("K7M-4PX0") is None and normalize_reference("") is None
