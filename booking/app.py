"""The booking service's FastAPI application (``create_app``)."""

import logging
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from booking.bookings.views import router as bookings_router
from booking.calendars.views import router as calendars_router
from booking.config import Settings, get_settings
from booking.database import make_engine, make_sessionmaker
from booking.deps import utc_now
from booking.errors import DomainError
from booking.offices.views import router as offices_router
from booking.places.service import ResolverCache
from booking.places.views import router as places_router

log = logging.getLogger("booking")


def _error(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, **extra}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        if isinstance(exc.detail, dict) and "code" in exc.detail:
            return JSONResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
        return _error(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Only where and what, never the submitted values: they may be personal data.
        errors = [{"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": e.get("msg")} for e in exc.errors()]
        return _error(422, "invalid_request", "the request is not valid", errors=errors)

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, type(exc.orig).__name__)
        return _error(503, "database_unavailable", "the database is not reachable, please try again shortly")

    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        log.error("database error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return _error(500, "internal_error", "something went wrong on our side")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return _error(500, "internal_error", "something went wrong on our side")


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> FastAPI:
    """Build the app; the engine is created at startup, not at import."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own_engine = engine is None
        app.state.engine = engine or make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        app.state.sessionmaker = make_sessionmaker(app.state.engine)
        app.state.read_sessionmaker = make_sessionmaker(app.state.engine, read_only=True)
        try:
            yield
        finally:
            if own_engine:
                app.state.engine.dispose()

    app = FastAPI(
        title="KIM Front Door — booking service",
        version="1.0",
        description="System of record: offices, consultation hours, slots, bookings, consent and intake records.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.resolver_cache = ResolverCache()
    _install_error_handlers(app)

    @app.middleware("http")
    async def access_log(request: Request, call_next):
        """Method, route template, status, duration: never paths with tokens, queries or bodies."""
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        log.info(
            "%s %s -> %s in %.1f ms",
            request.method,
            getattr(route, "path", "<unmatched>"),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    @app.get("/health", tags=["health"])
    def health(request: Request) -> JSONResponse:
        try:
            with request.app.state.engine.execution_options(read_only=True).connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return _error(503, "database_unavailable", "database not reachable")
        return JSONResponse({"status": "ok", "service": "booking"})

    for router in (places_router, offices_router, bookings_router, calendars_router):
        app.include_router(router)
    return app
