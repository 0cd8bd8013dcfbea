"""Settings of the booking service, read from the environment (prefix ``BOOKING_``)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVICE_TOKEN = "local-dev-service-token-change-me"
DEFAULT_FEED_SECRET = "local-dev-feed-secret-change-me"


class Settings(BaseSettings):
    """Everything the booking service can be configured with."""

    model_config = SettingsConfigDict(env_prefix="BOOKING_", env_file=".env", extra="ignore")

    env: Literal["local", "staging", "production"] = "local"
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'booking.sqlite3'}"
    port: int = 8000
    service_token: str = DEFAULT_SERVICE_TOKEN
    feed_secret: str = DEFAULT_FEED_SECRET
    public_base_url: str = "http://127.0.0.1:8000"
    timezone: str = "Europe/Berlin"
    retention_days_after_appointment: int = 180
    sqlite_busy_timeout_ms: int = 30_000

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.env != "local":
            for name, default in (("service_token", DEFAULT_SERVICE_TOKEN), ("feed_secret", DEFAULT_FEED_SECRET)):
                value = getattr(self, name)
                if value == default or len(value) < 24:
                    raise ValueError(
                        f"BOOKING_{name.upper()} must be set to a secret of at least 24 characters "
                        f"when BOOKING_ENV={self.env}"
                    )
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, created on first use."""
    return Settings()
