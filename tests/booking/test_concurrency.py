"""50 parallel bookings of one slot through real HTTP: exactly one 201, 49 × 409, never a 500."""

import asyncio
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from booking.bookings.models import ACTIVE, Booking
from tests.booking import factories
from tests.booking.server import booking_server

TOKEN = "concurrency-test-token-0123456789"
ROUNDS = 20
PARALLEL = 50


async def _race(base: str, slot_ids: list[str]) -> Counter:
    """POST one booking per slot id, all at once; count the status codes."""
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/api/v1/bookings",
                    json=factories.booking_payload(slot_id, contact={"name": f"P{i}", "phone": f"+49 151 5550{i:04d}"}),
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                for i, slot_id in enumerate(slot_ids)
            )
        )
    for response in responses:
        if response.status_code == 409:
            assert response.json()["code"] == "slot_taken"
    return Counter(r.status_code for r in responses)


@pytest.mark.slow
def test_parallel_bookings_of_one_slot(database_url, session) -> None:
    office = factories.office(session, office_id="race", min_notice_minutes=0, horizon_days=120)
    factories.staff(session, office=office, languages=["de", "ar"], hours=[(d, "08:00", "18:00") for d in range(7)])
    session.commit()
    with booking_server(database_url, token=TOKEN) as base:
        slots = httpx.get(f"{base}/api/v1/offices/race/slots", params={"limit": ROUNDS}).json()["slots"]
        assert len(slots) == ROUNDS
        for slot in slots:
            counts = asyncio.run(_race(base, [slot["id"]] * PARALLEL))
            assert counts == Counter({201: 1, 409: PARALLEL - 1}), counts
    active = session.scalar(select(func.count()).select_from(Booking).where(Booking.status == ACTIVE))
    assert active == ROUNDS


@pytest.mark.slow
def test_parallel_bookings_of_overlapping_slots(database_url, session) -> None:
    """Two windows of one staff member whose slots overlap (09:00–10:00 and 09:30–10:30)."""
    office = factories.office(session, office_id="overlap", min_notice_minutes=0, horizon_days=120)
    member = factories.staff(session, office=office, slot_minutes=60, buffer_minutes=0,
                             hours=[(d, "09:00", "10:00") for d in range(7)] + [(d, "09:30", "10:30") for d in range(7)])  # fmt: skip
    session.commit()
    with booking_server(database_url, token=TOKEN) as base:
        slots = httpx.get(f"{base}/api/v1/offices/overlap/slots", params={"limit": 2 * ROUNDS + 2}).json()["slots"]
        by_day: dict[str, list[str]] = {}
        for slot in slots:
            by_day.setdefault(slot["start"][:10], []).append(slot["id"])
        pairs = [ids for ids in by_day.values() if len(ids) == 2][:ROUNDS]
        assert len(pairs) == ROUNDS
        for first, second in pairs:
            counts = asyncio.run(_race(base, [first, second] * (PARALLEL // 2)))
            assert counts == Counter({201: 1, 409: PARALLEL - 1}), counts
    rows = session.execute(select(Booking.starts_at, Booking.ends_at).where(Booking.staff_id == member.id)).all()
    assert len(rows) == ROUNDS
    rows.sort()
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(rows, rows[1:], strict=False))


@pytest.mark.slow
def test_parallel_retries_with_one_idempotency_key_get_the_same_booking(database_url, session) -> None:
    """A client that timed out and retried while its first attempt still ran must not be told 'taken'."""
    office = factories.office(session, office_id="retry", min_notice_minutes=0, horizon_days=120)
    factories.staff(session, office=office, hours=[(d, "08:00", "18:00") for d in range(7)])
    session.commit()
    with booking_server(database_url, token=TOKEN) as base:
        slots = httpx.get(f"{base}/api/v1/offices/retry/slots", params={"limit": 5}).json()["slots"]

        async def retries(slot_id: str, key: str) -> list[httpx.Response]:
            headers = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": key}
            async with httpx.AsyncClient(base_url=base, timeout=60) as client:
                return await asyncio.gather(
                    *(
                        client.post("/api/v1/bookings", json=factories.booking_payload(slot_id), headers=headers)
                        for _ in range(10)
                    )  # fmt: skip
                )

        for n, slot in enumerate(slots):
            responses = asyncio.run(retries(slot["id"], f"retry-key-{n}"))
            assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
            assert len({r.json()["reference"] for r in responses}) == 1
    assert session.scalar(select(func.count()).select_from(Booking)) == len(slots)
