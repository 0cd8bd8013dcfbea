"""Every bot message comes from the gettext catalogs in ``locales/`` (compiled by ``make setup``)."""

import functools
from pathlib import Path

from babel.support import Translations

LANGUAGES = ("de", "ar", "ru", "bs", "tr", "fr", "en")
DEFAULT_LANGUAGE = "de"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@functools.lru_cache(maxsize=None)
def translations(language: str) -> Translations:
    """The compiled catalog of one of the seven languages; a missing catalog fails loudly."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.mo"
    with path.open("rb") as handle:
        return Translations(handle, domain="messages")


def language_or_default(value: object) -> str:
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE
