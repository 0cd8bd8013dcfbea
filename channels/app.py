"""The channels web app, the only internet-facing process: the web chat (widget, demo page, relay to
Rasa) and the Telegram channel. Rasa and the action server stay internal."""

import logging
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from channels import webchat
from channels.config import Settings, get_settings
from channels.rasa_client import RasaClient
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

    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "service": "channels"}

    app.include_router(webchat.router)
    app.include_router(telegram_webhook.router)
    return app
