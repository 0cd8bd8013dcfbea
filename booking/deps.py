"""FastAPI dependencies: the request's session (commits at the end), settings, clock, service token."""

import hmac
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session

from booking.config import Settings
from booking.database import transaction


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the endpoint returns, rolled back on any error."""
    with transaction(request.app.state.sessionmaker) as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for requests that only read (on SQLite it does not take the write lock)."""
    with request.app.state.read_sessionmaker() as session:
        try:
            yield session
        finally:
            session.rollback()


def get_clock(request: Request) -> Callable[[], datetime]:
    return request.app.state.clock


def get_now(clock: Annotated[Callable[[], datetime], Depends(get_clock)]) -> datetime:
    return clock()


def require_service_token(
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """The bot's bearer token: may create and manage bookings, never read intake records."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), settings.service_token.encode()):
        raise HTTPException(status_code=401, detail={"code": "unauthorized", "message": "service token required"})


def utc_now() -> datetime:
    return datetime.now(UTC)


SettingsDep = Annotated[Settings, Depends(get_settings)]
# Bulkhead: at most this many requests per process hold a writing (and a reading) session at once;
# the others wait in the event loop, not in threads. Sync endpoints and the response validation after
# them share one threadpool of 40; if every thread waited for a lock held by a finished request whose
# response still needed a thread to be validated before its session could commit, nothing would move
# (a deadlock observed with 50 parallel bookings). 16 + 16 < 40 keeps threads free, and both fit the
# connection pool (database.POOL_SIZE + POOL_OVERFLOW), so no request waits for a connection either.
MAX_WRITING_REQUESTS = 16
MAX_READING_REQUESTS = 16

SessionDep = Annotated[Session, Depends(get_session, scope="function", max_concurrency=MAX_WRITING_REQUESTS)]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function", max_concurrency=MAX_READING_REQUESTS)]
NowDep = Annotated[datetime, Depends(get_now)]
ServiceTokenDep = Depends(require_service_token)
