"""Loading the demo data set (``data.yaml``, built from the public seed documents) into the database.

Idempotent: running it again updates what is there (matched by keys) instead of duplicating it.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.hours.models import Closure, ConsultationWindow
from booking.hours.slots import BERLIN
from booking.offices.models import Office, Staff
from booking.places.models import District, Municipality, OutsideHomonym, PostalCode

DATA_FILE = Path(__file__).with_name("data.yaml")
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def load_data(path: Path = DATA_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _time(value: str) -> time:
    return time.fromisoformat(str(value))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BERLIN)


def _upsert_district(session: Session, row: dict) -> District:
    district = session.scalar(select(District).where(District.key == row["key"])) or District(key=row["key"])
    district.name = row["name"]
    district.kind = row["kind"]
    session.add(district)
    return district


def _upsert_office(session: Session, row: dict, districts: dict[str, District]) -> Office:
    office = session.get(Office, row["id"]) or Office(id=row["id"])
    office.district = districts[row["district"]]
    for field in ("name", "operator", "address", "phone", "email", "opening_hours", "serves"):
        setattr(office, field, row[field])
    office.min_notice_minutes = int(row.get("min_notice_hours", 24)) * 60
    office.horizon_days = int(row.get("horizon_days", 60))
    office.demo_fields = list(row.get("demo_fields", []))
    session.add(office)
    session.flush()
    existing = {s.display_name: s for s in session.scalars(select(Staff).where(Staff.office_id == office.id))}
    for person in row.get("staff", []):
        staff = existing.get(person["name"]) or Staff(office=office, display_name=person["name"])
        staff.languages = list(person["languages"])
        staff.active = True
        staff.windows = [
            ConsultationWindow(
                weekday=WEEKDAYS[h["weekday"]],
                start_time=_time(h["start"]),
                end_time=_time(h["end"]),
                slot_minutes=int(h.get("slot_minutes", 45)),
                buffer_minutes=int(h.get("buffer_minutes", 0)),
            )
            for h in person.get("hours", [])
        ]
        session.add(staff)
    for closure in row.get("closures", []) or []:
        starts = _local_midnight(date.fromisoformat(str(closure["start"])))
        ends = _local_midnight(date.fromisoformat(str(closure["end"])) + timedelta(days=1))
        found = session.scalar(
            select(Closure).where(
                Closure.office_id == office.id, Closure.starts_at == starts, Closure.staff_id.is_(None)
            )
        )
        if found is None:
            session.add(Closure(office_id=office.id, starts_at=starts, ends_at=ends, reason=closure.get("reason", "")))
    return office


def _upsert_municipality(session: Session, row: dict, districts: dict[str, District]) -> Municipality:
    municipality = session.scalar(select(Municipality).where(Municipality.name == row["name"])) or Municipality(
        name=row["name"]
    )
    municipality.district = districts[row["district"]]
    municipality.office_id = row.get("office")
    municipality.aliases = {lang: list(values or []) for lang, values in (row.get("aliases") or {}).items()}
    wanted = list(dict.fromkeys(str(code) for code in row.get("postal_codes", [])))
    kept = [p for p in municipality.postal_codes if p.code in wanted]
    have = {p.code for p in kept}
    municipality.postal_codes = kept + [PostalCode(code=code) for code in wanted if code not in have]
    session.add(municipality)
    return municipality


def seed(session: Session, data: dict[str, Any] | None = None) -> dict[str, int]:
    """Insert or update the demo data; returns counts."""
    data = data or load_data()
    districts = {row["key"]: _upsert_district(session, row) for row in data["districts"]}
    session.flush()
    offices = [_upsert_office(session, row, districts) for row in data["offices"]]
    session.flush()
    municipalities = [_upsert_municipality(session, row, districts) for row in data["municipalities"]]
    session.flush()
    known = {(h.name, tuple(h.postal_codes)) for h in session.scalars(select(OutsideHomonym))}
    for row in data.get("outside_homonyms", []):
        codes = [str(code) for code in row["postal_codes"]]
        if (row["name"], tuple(codes)) not in known:
            session.add(OutsideHomonym(name=row["name"], state=row.get("state"), postal_codes=codes))
    session.flush()
    staff = sum(len(row.get("staff", [])) for row in data["offices"])
    return {"districts": len(districts), "offices": len(offices), "municipalities": len(municipalities), "staff": staff}
