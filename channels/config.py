"""Settings of the channels process (prefix ``CHANNELS_``; Rasa's address and token by their own names)."""

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
    max_message_chars: int = 2000
    cookie_secure: bool = False

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.env != "local":
            if self.rasa_auth_token == DEFAULT_RASA_TOKEN:
                raise ValueError("RASA_AUTH_TOKEN must be set outside local mode")
            if not self.cookie_secure:
                raise ValueError("CHANNELS_COOKIE_SECURE must be true outside local mode (HTTPS only)")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
