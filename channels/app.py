"""The channels web app, the only internet-facing process: the web chat (widget, demo page, relay to
Rasa) and the Telegram channel. Rasa and the action server stay internal."""

import logging
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from channels import webchat, widget
from channels.config import Settings, get_settings
from channels.rasa_client import RasaClient
from channels.ratelimit import RateLimiter
from channels.telegram import TelegramChannel
from channels.telegram import webhook as telegram_webhook

log = logging.getLogger("channels")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    rasa = RasaClient(
        settings.rasa_url,
        token=settings.rasa_auth_token,
        timeout=settings.rasa_timeout_seconds,
        retries=settings.rasa_retries,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with httpx.AsyncClient() as client:
            app.state.http = client
            # --- Telegram (channels/telegram/): started only when TELEGRAM_BOT_TOKEN is set ---
            app.state.telegram = None
            if settings.telegram_bot_token:
                app.state.telegram = TelegramChannel(settings=settings, rasa=rasa, http=client)
                await app.state.telegram.start()
            else:
                log.info("Telegram channel off: TELEGRAM_BOT_TOKEN is not set")
            try:
                yield
            finally:
                if app.state.telegram is not None:
                    await app.state.telegram.stop()

    app = FastAPI(title="KIM Front Door — channels", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.rasa = rasa
    app.state.new_session_limiter = RateLimiter(settings.address_sessions_per_minute)
    app.state.address_limiter = RateLimiter(settings.address_messages_per_minute)
    app.state.session_limiter = RateLimiter(settings.session_messages_per_minute)
    app.add_middleware(GZipMiddleware, minimum_size=500)
    if settings.allowed_origins:  # a city's site on another origin embeds the widget
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "service": "channels"}

    app.include_router(webchat.router)
    app.include_router(widget.router)
    app.include_router(telegram_webhook.router)
    return app
