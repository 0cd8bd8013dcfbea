"""The demo data set: loads (twice) on both databases and keeps the promises made from the seeds."""

from sqlalchemy import func, select

from booking.demo.seed import load_data, seed
from booking.hours import service as hours
from booking.offices.models import Office, Staff
from booking.places.models import Municipality

LANGUAGES = {"de", "ar", "ru", "bs", "tr", "fr", "en"}
# Surnames of real people named in ../shared/seeds: staff in the demo data must be fictional.
REAL_SURNAMES = {
    "memic", "topyürek", "miari", "berdychowski", "kamarieh", "szkrabinski", "ceyhan", "schulz-kügler",
    "averbeck", "goer", "thesing", "büning", "brinkhues", "hofmann", "kahraman", "keller", "mittmann",
    "hörster", "demmer", "fallah", "blume",
}  # fmt: skip


def test_seed_is_idempotent_and_complete(session, now) -> None:
    first = seed(session)
    session.commit()
    second = seed(session)
    session.commit()
    assert first == second
    assert session.scalar(select(func.count()).select_from(Office)) == first["offices"] == 26
    assert session.scalar(select(func.count()).select_from(Municipality)) == first["municipalities"] == 38
    assert session.scalar(select(func.count()).select_from(Staff)) == first["staff"]
    for office in session.scalars(select(Office)):
        assert set(office.opening_hours) == LANGUAGES and set(office.serves) == LANGUAGES
        assert office.staff and any(set(s.languages) - {"de"} for s in office.staff)
        assert hours.list_free_slots(session, office=office, language="ar", limit=1, now=now), office.id
    for municipality in session.scalars(select(Municipality)):
        assert municipality.office_id is not None and municipality.postal_codes
        assert set(municipality.aliases) == LANGUAGES


def test_seed_facts() -> None:
    data = load_data()
    offices = {o["id"]: o for o in data["offices"]}
    hagen = next(o for o in offices.values() if "Berliner Platz 22" in o["address"])
    assert "207-5820" in hagen["phone"] and "Rathaus II" in hagen["address"]
    borken_operators = {o["operator"] for o in offices.values() if o["district"] == "kreis-borken"}
    assert {"Caritasverband Ahaus-Vreden", "AWO", "Caritas Borken", "DRK Borken"} <= borken_operators
    by_area: dict[str, set[str]] = {}
    for office in offices.values():
        for person in office["staff"]:
            assert not set(person["name"].lower().split()) & REAL_SURNAMES, person["name"]
            by_area.setdefault(office["district"], set()).update(person["languages"])
    assert len(by_area) == 5 and all(spoken == LANGUAGES for spoken in by_area.values())
    homonyms = {(h["name"], code) for h in data["outside_homonyms"] for code in h["postal_codes"]}
    assert {("Borken", "34582"), ("Stolberg", "06536"), ("Gronau", "31028"), ("Hagen", "27628")} <= homonyms
