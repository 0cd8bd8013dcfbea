"""Every bot message comes from the gettext catalogs in ``locales/`` (compiled by ``make setup``).

Dates and times are formatted with Babel in the person's locale, in Europe/Berlin time.
"""

import functools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from babel.support import Translations

LANGUAGES = ("de", "ar", "ru", "bs", "tr", "fr", "en")
DEFAULT_LANGUAGE = "de"
NATIVE_NAMES = {
    "de": "Deutsch",
    "ar": "العربية",
    "ru": "Русский",
    "bs": "Bosanski",
    "tr": "Türkçe",
    "fr": "Français",
    "en": "English",
}
RTL = frozenset({"ar"})
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
BERLIN = ZoneInfo("Europe/Berlin")


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


def format_when(start: datetime, language: str) -> str:
    """'Dienstag, 1. Dezember 2026, 09:30' in the person's locale, Berlin time."""
    local = start.astimezone(BERLIN)
    _ = translations(language).gettext
    # TRANSLATORS: {date} is a full date with weekday, {time} a clock time; keep the order natural.
    return _("{date}, {time}").format(
        date=format_date(local, format="full", locale=language),
        time=format_time(local, format="short", locale=language),
    )


def format_short(start: datetime, language: str) -> str:
    """A short button label in the locale's own order, e.g. 'Di., 1. Dez., 09:30'."""
    local = start.astimezone(BERLIN)
    return "{}, {}".format(
        format_skeleton("MMMEd", local, locale=language),
        format_time(local, format="short", locale=language),
    )
