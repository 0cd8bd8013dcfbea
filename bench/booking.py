"""Booking service benchmark: slot search latency and booking throughput, SQLite vs PostgreSQL.

An office with four staff members, consultation hours on every weekday for a year, and about 70 % of
that year already booked. Everything goes through real HTTP to `python -m booking serve` (2 workers)
on loopback. Prints numbers and ratios; it asserts nothing.

    .venv/bin/python bench/booking.py [--searches 300] [--bookings 400]
"""

import argparse
import asyncio
import random
import secrets
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booking.bookings.models import Booking, ConsentRecord  # noqa: E402
from booking.bookings.references import new_reference  # noqa: E402
from booking.database import make_engine, make_sessionmaker, transaction  # noqa: E402
from booking.hours.service import list_free_slots  # noqa: E402
from booking.migrate import upgrade  # noqa: E402
from tests.booking import factories  # noqa: E402
from tests.booking.server import booking_server  # noqa: E402

TOKEN = "bench-token-0123456789abcdefghij"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def prepare(url: str) -> None:
    """A year of hours for four staff members, ~70 % of all slots booked."""
    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    with transaction(make_sessionmaker(engine)) as session:
        office = factories.office(session, office_id="bench", min_notice_minutes=60, horizon_days=365)
        week = [(d, "08:00", "12:00") for d in range(5)] + [(d, "13:00", "16:00") for d in range(4)]
        staff = [
            factories.staff(session, office=office, languages=langs, hours=week, slot_minutes=30, buffer_minutes=0)
            for langs in (["de", "ar"], ["de", "ru"], ["de", "tr", "en"], ["de", "bs", "fr"])
        ]
        consent = ConsentRecord(text_version="bench", language="de", channel="test", given_at=now)
        session.add(consent)
        session.flush()
        slots = list_free_slots(session, office=office, language="de", limit=100_000, now=now)
        rng = random.Random(7)
        rows = [
            {
                "reference": new_reference(),
                "calendar_token": secrets.token_urlsafe(32),
                "office_id": office.id,
                "staff_id": o.slot.staff_id,
                "starts_at": o.slot.start,
                "ends_at": o.slot.end,
                "status": "active",
                "language": "de",
                "channel": "test",
                "interpreter_needed": False,
                "sequence": 0,
                "consent_id": consent.id,
                "created_at": now,
                "updated_at": now,
            }  # fmt: skip
            for o in slots
            if rng.random() < 0.7
        ]
        session.execute(Booking.__table__.insert(), rows)
        print(
            f"  data: {len(staff)} staff, {len(slots)} slots in a year, {len(rows)} booked ({len(rows) / len(slots):.0%})"
        )
    engine.dispose()


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_search(base: str, n: int) -> dict[str, float]:
    timings = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(n):
            language = ("de", "ar", "ru", "tr", "bs", "fr", "en")[i % 7]
            started = time.perf_counter()
            response = client.get("/api/v1/offices/bench/slots", params={"language": language, "limit": 5})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and len(response.json()["slots"]) == 5
    return {"p50": percentile(timings, 50), "p95": percentile(timings, 95)}


async def bench_bookings(base: str, total: int, clients: int = 20) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        response = await client.get("/api/v1/offices/bench/slots", params={"limit": 50, "language": "de"})
        slot_ids = [s["id"] for s in response.json()["slots"]]
        after = response.json()["slots"][-1]["start"]
        while len(slot_ids) < total:
            page = (await client.get("/api/v1/offices/bench/slots", params={"limit": 50, "after": after})).json()
            slot_ids += [s["id"] for s in page["slots"]]
            after = page["slots"][-1]["start"]
        queue = asyncio.Queue()
        for slot_id in slot_ids[:total]:
            queue.put_nowait(slot_id)
        statuses: list[int] = []
        latencies: list[float] = []

        async def worker(i: int) -> None:
            while not queue.empty():
                slot_id = queue.get_nowait()
                body = factories.booking_payload(
                    slot_id, contact={"name": "Bench", "phone": f"+49 151 7{i:02d}{len(statuses):05d}"}
                )
                started = time.perf_counter()
                r = await client.post("/api/v1/bookings", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
                latencies.append((time.perf_counter() - started) * 1000)
                statuses.append(r.status_code)

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "per_second": statuses.count(201) / elapsed,
        "created": statuses.count(201),
        "errors": len(statuses) - statuses.count(201),
        "p95": percentile(latencies, 95),
    }


def run(name: str, url: str, args) -> dict:
    print(f"{name}:")
    prepare(url)
    with booking_server(url, token=TOKEN, workers=2) as base:
        bench_search(base, 20)  # warm-up
        search = bench_search(base, args.searches)
        booking = asyncio.run(bench_bookings(base, args.bookings))
    print(f"  slot search (limit 5, year of hours, 70% booked): p50 {search['p50']:.1f} ms, p95 {search['p95']:.1f} ms")
    print(
        f"  bookings with 20 concurrent clients: {booking['per_second']:.0f}/s "
        f"({booking['created']} created, {booking['errors']} errors, p95 {booking['p95']:.0f} ms)"
    )
    return {"search": search, "booking": booking}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--bookings", type=int, default=400)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
    name = f"kim_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        results["postgres"] = run("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", args)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    s, p = results["sqlite"], results["postgres"]
    print("ratios (PostgreSQL / SQLite):")
    print(
        f"  slot search p50 {p['search']['p50'] / s['search']['p50']:.2f}, p95 {p['search']['p95'] / s['search']['p95']:.2f}"
    )
    print(f"  bookings/s {p['booking']['per_second'] / s['booking']['per_second']:.2f}")


if __name__ == "__main__":
    main()
