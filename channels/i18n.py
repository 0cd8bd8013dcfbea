"""Localisation for the channels process: the same gettext catalogs (``locales/``) as the rest.

The loader is the booking service's (``booking/i18n.py``): both run in the app environment, and a
missing compiled catalog fails loudly there instead of falling back to English.
"""

from booking.i18n import LANGUAGES, Language, format_appointment, translations
from booking.i18n import gettext as _t  # _t(language, "English msgid"): pybabel extracts it (-k _t:2)

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
# Croatian, Serbian (and Serbo-Croatian, Montenegrin) readers get Bosnian
ALIASES = {"hr": "bs", "sr": "bs", "sh": "bs", "cnr": "bs"}


def supported_language(tag: str | None) -> str | None:
    """One of the seven for a language tag ("de", "ar-SY", "pt_BR", Telegram's language_code), else None."""
    if not tag:
        return None
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    primary = ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


__all__ = [
    "ALIASES",
    "LANGUAGES",
    "NATIVE_NAMES",
    "RTL",
    "Language",
    "_t",
    "format_appointment",
    "supported_language",
    "translations",
]
