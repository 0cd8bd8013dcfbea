"""Settings of the channels process (prefix ``CHANNELS_``; Rasa's and Telegram's by their own names)."""

import re
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RASA_TOKEN = "local-dev-rasa-token-change-me"
DEFAULT_SESSION_KEY = "local-dev-session-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHANNELS_", env_file=".env", extra="ignore")

    env: Literal["local", "staging", "production"] = "local"
    port: int = 8080
    rasa_url: str = Field("http://127.0.0.1:5005", validation_alias="RASA_URL")
    rasa_auth_token: str = Field(DEFAULT_RASA_TOKEN, validation_alias="RASA_AUTH_TOKEN")
    rasa_timeout_seconds: float = 20.0
    rasa_retries: int = 3
    # signs web chat session tokens; a new key ends every open web conversation
    session_key: str = DEFAULT_SESSION_KEY
    # pages on other origins (a city's website) allowed to embed the widget, e.g. ["https://www.hagen.de"]
    allowed_origins: list[str] = []
    # where the booking service answers (the Telegram channel fetches calendar files for reminders)
    booking_url: str = Field("http://127.0.0.1:8000", validation_alias="BOOKING_URL")
    # the channels process's own small database (Telegram reminders); SQLite file by default
    database_url: str = "sqlite:///var/channels.sqlite3"

    # web chat limits: one message's size, and how many messages/sessions per minute
    max_message_chars: int = 2000
    session_messages_per_minute: int = 20
    address_messages_per_minute: int = 120
    address_sessions_per_minute: int = 10
    # behind a reverse proxy, the client address comes from X-Forwarded-For (set only when a proxy adds it)
    trust_forwarded_for: bool = False

    # Telegram (off unless TELEGRAM_BOT_TOKEN is set)
    telegram_bot_token: str | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_mode: Literal["webhook", "polling"] = Field("webhook", validation_alias="TELEGRAM_MODE")
    telegram_webhook_url: str | None = Field(None, validation_alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str | None = Field(None, validation_alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_api_base_url: str | None = Field(None, validation_alias="TELEGRAM_API_BASE_URL")
    telegram_concurrent_updates: int = Field(32, ge=1, le=256, validation_alias="TELEGRAM_CONCURRENT_UPDATES")
    telegram_reminder_lead_hours: float = Field(24.0, gt=0, validation_alias="TELEGRAM_REMINDER_LEAD_HOURS")
    telegram_reminder_interval_seconds: float = Field(60.0, gt=0, validation_alias="TELEGRAM_REMINDER_INTERVAL_SECONDS")

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.env != "local":
            if self.rasa_auth_token == DEFAULT_RASA_TOKEN:
                raise ValueError("RASA_AUTH_TOKEN must be set outside local mode")
            if self.session_key == DEFAULT_SESSION_KEY or len(self.session_key) < 32:
                raise ValueError("CHANNELS_SESSION_KEY must be set (32+ characters) outside local mode")
        return self

    @model_validator(mode="after")
    def _check_telegram(self) -> "Settings":
        """Webhook mode outside local needs the public HTTPS URL and a secret token (Telegram allows 1-256
        characters A-Z a-z 0-9 _ -); locally, a missing URL only means nothing is registered with Telegram
        and a missing secret is made up per process. Polling needs neither."""
        secret = self.telegram_webhook_secret or None  # an empty line in .env means "not set"
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")
        if not self.telegram_bot_token or self.telegram_mode != "webhook" or self.env == "local":
            return self
        if not self.telegram_webhook_url or not self.telegram_webhook_url.startswith("https://"):
            raise ValueError("TELEGRAM_WEBHOOK_URL (https://…/telegram/webhook) must be set for the webhook")
        if not secret or len(secret) < 32:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET (32+ characters) must be set for the Telegram webhook")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
