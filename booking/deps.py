"""FastAPI dependencies: the request's session (commits at the end), settings, clock, service token."""

import hmac
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session

from booking.config import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the endpoint returns, rolled back on any error."""
    with request.app.state.sessionmaker() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


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
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
NowDep = Annotated[datetime, Depends(get_now)]
ServiceTokenDep = Depends(require_service_token)
