"""Slot generation: hours, holidays, closures, bookings and clock changes (pure, no database)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.errors import InvalidSlot
from booking.hours.slots import (
    BERLIN,
    Interval,
    Slot,
    Window,
    decode_slot_id,
    free_slots,
    is_holiday,
    window_slots,
)


def days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(n)]


def local(slot: Slot) -> tuple[datetime, datetime]:
    return slot.start.astimezone(BERLIN), slot.end.astimezone(BERLIN)


def test_window_is_cut_into_slots_with_buffer() -> None:
    window = Window(staff_id=1, weekday=0, start=time(9), end=time(12), slot_minutes=45, buffer_minutes=15)
    slots = list(window_slots(window, date(2026, 11, 23)))
    assert [local(s)[0].strftime("%H:%M") for s in slots] == ["09:00", "10:00", "11:00"]
    assert all(s.end - s.start == timedelta(minutes=45) for s in slots)


def test_window_only_on_its_weekday_and_validity() -> None:
    window = Window(1, 2, time(9), time(10), 30, valid_from=date(2026, 12, 1), valid_until=date(2026, 12, 31))
    assert list(window_slots(window, date(2026, 11, 25))) == []  # a Wednesday before valid_from
    assert len(list(window_slots(window, date(2026, 12, 2)))) == 2
    assert list(window_slots(window, date(2026, 12, 3))) == []  # Thursday


@pytest.mark.parametrize(
    ("day", "expected_offset"),
    [(date(2026, 3, 27), timedelta(hours=1)), (date(2026, 3, 30), timedelta(hours=2)),
     (date(2026, 10, 23), timedelta(hours=2)), (date(2026, 10, 26), timedelta(hours=1))],
)  # fmt: skip
def test_local_wall_time_is_kept_across_clock_changes(day: date, expected_offset: timedelta) -> None:
    window = Window(1, day.weekday(), time(9), time(10), 60)
    (slot,) = window_slots(window, day)
    start_local = slot.start.astimezone(BERLIN)
    assert start_local.time() == time(9)
    assert start_local.utcoffset() == expected_offset
    assert slot.start.tzinfo == UTC


def test_no_slot_starts_in_the_spring_forward_gap() -> None:
    sunday = date(2026, 3, 29)
    window = Window(1, 6, time(1, 0), time(4, 0), 30)
    starts = [s.start.astimezone(BERLIN).strftime("%H:%M") for s in window_slots(window, sunday)]
    assert "02:00" not in starts and "02:30" not in starts
    assert starts[0] == "01:00"
    assert all(s.end - s.start == timedelta(minutes=30) for s in window_slots(window, sunday))


def test_fall_back_night_yields_no_overlapping_slots() -> None:
    sunday = date(2026, 10, 25)
    slots = sorted(window_slots(Window(1, 6, time(1, 0), time(4, 0), 30), sunday))
    assert all(a.end <= b.start for a, b in zip(slots, slots[1:], strict=False))


def test_nrw_holidays_are_closed() -> None:
    assert is_holiday(date(2026, 12, 25))
    assert is_holiday(date(2026, 6, 4))  # Fronleichnam is a holiday in NRW
    assert not is_holiday(date(2026, 8, 15))  # Mariä Himmelfahrt is not (Bavaria/Saarland only)
    window = Window(1, 4, time(9), time(12), 60)  # Fridays
    christmas = list(free_slots([window], days=[date(2026, 12, 25)], earliest=datetime(2026, 1, 1, tzinfo=UTC),
                                latest=datetime(2027, 1, 1, tzinfo=UTC)))  # fmt: skip
    assert christmas == []


def test_bookings_and_closures_block_overlapping_slots() -> None:
    monday = date(2026, 11, 23)
    window = Window(7, 0, time(9), time(12), 60)
    nine = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    blocked = [
        Interval(nine + timedelta(minutes=30), nine + timedelta(minutes=45), staff_id=7),  # overlaps 09:00 partly
        Interval(nine + timedelta(hours=2), nine + timedelta(hours=3), staff_id=None),  # office closed at 11
        Interval(nine + timedelta(hours=1), nine + timedelta(hours=2), staff_id=8),  # someone else
    ]
    slots = list(free_slots([window], days=[monday], blocked=blocked, earliest=nine - timedelta(days=1),
                            latest=nine + timedelta(days=1)))  # fmt: skip
    assert [s.start.astimezone(BERLIN).hour for s in slots] == [10]


def test_earliest_and_latest_bound_the_slots() -> None:
    window = Window(1, 0, time(9), time(12), 60)
    slots = list(free_slots([window], days=[date(2026, 11, 23)], earliest=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
                            latest=datetime(2026, 11, 23, 11, 0, tzinfo=UTC)))  # fmt: skip
    assert [s.start.astimezone(BERLIN).hour for s in slots] == [10, 11]


def test_slot_id_round_trip_and_rejects_garbage() -> None:
    slot = Slot(datetime(2026, 11, 23, 8, tzinfo=UTC), datetime(2026, 11, 23, 8, 45, tzinfo=UTC), 42)
    assert decode_slot_id(slot.id) == slot
    for bad in ["", "s", "x123", "s!!!!", "s" + "a" * 100, "sMFRGG", "s" + "0" * 8]:
        with pytest.raises(InvalidSlot):
            decode_slot_id(bad)


windows_strategy = st.builds(
    Window,
    staff_id=st.integers(1, 3),
    weekday=st.integers(0, 6),
    start=st.times(),
    end=st.times(),
    slot_minutes=st.sampled_from([15, 20, 30, 45, 60, 90]),
    buffer_minutes=st.sampled_from([0, 5, 10, 15]),
)
# Dates around both clock changes and Christmas, so DST and holidays are exercised often.
interesting_days = st.one_of(
    st.dates(date(2026, 3, 20), date(2026, 4, 6)),
    st.dates(date(2026, 10, 18), date(2026, 11, 3)),
    st.dates(date(2026, 12, 20), date(2027, 1, 3)),
    st.dates(date(2026, 1, 1), date(2028, 12, 31)),
)


@settings(max_examples=300, deadline=None)
@given(
    windows=st.lists(windows_strategy, min_size=1, max_size=4),
    first_day=interesting_days,
    n_days=st.integers(1, 10),
    bookings=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 10 * 24 * 60), st.integers(1, 180)), max_size=15),
    closure=st.one_of(st.none(), st.tuples(st.integers(0, 10 * 24 * 60), st.integers(1, 48 * 60))),
)
def test_free_slots_properties(windows, first_day, n_days, bookings, closure) -> None:
    """Never outside hours, on a holiday or closure, overlapping a booking, or wrong across DST."""
    origin = datetime.combine(first_day, time(0), tzinfo=BERLIN).astimezone(UTC)
    blocked = [Interval(origin + timedelta(minutes=m), origin + timedelta(minutes=m + d), staff_id=s)
               for s, m, d in bookings]  # fmt: skip
    if closure:
        blocked.append(Interval(origin + timedelta(minutes=closure[0]),
                                origin + timedelta(minutes=closure[0] + closure[1])))  # fmt: skip
    result = list(
        free_slots(
            windows,
            days=days(first_day, n_days),
            blocked=blocked,
            earliest=origin,
            latest=origin + timedelta(days=n_days + 1),
        )  # fmt: skip
    )
    assert result == sorted(result)
    for slot in result:
        start_local, end_local = local(slot)
        assert slot.start.tzinfo == UTC and slot.end > slot.start
        assert not is_holiday(start_local.date())
        # inside one of the staff member's windows, in local wall-clock time, with the window's length
        assert any(
            w.staff_id == slot.staff_id
            and w.applies_on(start_local.date())
            and w.start <= start_local.time()
            and end_local.replace(tzinfo=None) <= datetime.combine(start_local.date(), w.end)
            and slot.end - slot.start == timedelta(minutes=w.slot_minutes)
            for w in windows
        )
        # the start is a real local time that maps back to itself (not in a DST gap)
        assert start_local.astimezone(UTC) == slot.start
        for b in blocked:
            if b.staff_id in (None, slot.staff_id):
                assert not b.overlaps(slot.start, slot.end)
