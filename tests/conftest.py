"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL."""

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from booking.database import make_engine, make_sessionmaker
from booking.migrate import upgrade

PG_ADMIN_DSN = os.environ.get("KIM_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")


def pg_url(database: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(PG_ADMIN_DSN)
    user = info.get("user", "postgres")
    return f"postgresql+psycopg://{user}@{info.get('host', '127.0.0.1')}:{info.get('port', 5432)}/{database}"


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql)


class DatabaseFactory:
    """Creates databases cloned from a migrated template and drops them again."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.template: str | None = None
        self.created: list[str] = []

    def _template(self) -> str:
        if self.template is None:
            if self.backend == "sqlite":
                path = self.workdir / "template.sqlite3"
                upgrade(f"sqlite:///{path}")
                self.template = str(path)
            else:
                name = f"kim_tpl_{uuid.uuid4().hex[:10]}"
                _pg_admin(f'CREATE DATABASE "{name}"')
                self.created.append(name)
                upgrade(pg_url(name))
                self.template = name
        return self.template

    def new_url(self) -> str:
        template = self._template()
        if self.backend == "sqlite":
            path = self.workdir / f"db_{uuid.uuid4().hex[:10]}.sqlite3"
            shutil.copyfile(template, path)
            return f"sqlite:///{path}"
        name = f"kim_t_{uuid.uuid4().hex[:10]}"
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return pg_url(name)

    def drop(self, url: str) -> None:
        if self.backend == "postgres":
            name = url.rsplit("/", 1)[1]
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.created.remove(name)

    def drop_all(self) -> None:
        for name in reversed(list(self.created)):
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


@pytest.fixture(scope="session", params=BACKENDS)
def database_factory(request, tmp_path_factory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(request.param, tmp_path_factory.mktemp(request.param))
    yield factory
    factory.drop_all()


@pytest.fixture
def backend(database_factory: DatabaseFactory) -> str:
    return database_factory.backend


@pytest.fixture
def database_url(database_factory: DatabaseFactory) -> Iterator[str]:
    url = database_factory.new_url()
    yield url
    database_factory.drop(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_sessionmaker(engine)() as session:
        yield session


@pytest.fixture
def now() -> datetime:
    """A fixed 'now': Monday 23 November 2026, 08:00 in Berlin."""
    return datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
