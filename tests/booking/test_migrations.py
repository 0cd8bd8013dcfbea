"""Migrations: up, down and up again on both databases, with the double-booking guard in place."""

from sqlalchemy import inspect, text

from booking.database import make_engine
from booking.migrate import downgrade, upgrade
from booking.models import Base


def guard_present(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                sql = "SELECT count(*) FROM pg_constraint WHERE conname = 'bookings_no_overlap'"
                return connection.execute(text(sql)).scalar() == 1
            sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'bookings_no_overlap_%'"
            return connection.execute(text(sql)).scalar() == 2
    finally:
        engine.dispose()


def test_round_trip_keeps_schema_and_guard(database_url) -> None:
    assert guard_present(database_url)  # the template is at head
    downgrade(database_url, "base")
    engine = make_engine(database_url)
    assert "bookings" not in inspect(engine).get_table_names()
    engine.dispose()
    upgrade(database_url)
    assert guard_present(database_url)
    engine = make_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        columns = {c["name"] for c in inspect(engine).get_columns("bookings")}
        assert set(Base.metadata.tables["bookings"].columns.keys()) == columns
    finally:
        engine.dispose()
