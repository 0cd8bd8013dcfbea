"""Settings of the channels process (prefix ``CHANNELS_``; Rasa's and Telegram's by their own names)."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RASA_TOKEN = "local-dev-rasa-token-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHANNELS_", env_file=".env", extra="ignore")

    env: Literal["local", "staging", "production"] = "local"
    port: int = 8080
    rasa_url: str = Field("http://127.0.0.1:5005", validation_alias="RASA_URL")
    rasa_auth_token: str = Field(DEFAULT_RASA_TOKEN, validation_alias="RASA_AUTH_TOKEN")
    rasa_timeout_seconds: float = 20.0
    rasa_retries: int = 3
    cookie_secure: bool = False
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

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.env != "local":
            if self.rasa_auth_token == DEFAULT_RASA_TOKEN:
                raise ValueError("RASA_AUTH_TOKEN must be set outside local mode")
            if not self.cookie_secure:
                raise ValueError("CHANNELS_COOKIE_SECURE must be true outside local mode (HTTPS only)")
        if self.telegram_bot_token and self.telegram_mode == "webhook" and not self.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be set for the Telegram webhook")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
