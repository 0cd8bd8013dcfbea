"""Localisation of the booking service: gettext catalogs and dates in the person's locale.

The catalogs live in the repository's ``locales/`` folder (domain ``messages``) and are
compiled to ``.mo`` files by ``make setup`` (``pybabel compile -d locales -D messages``).
Message ids are English; every user-visible string exists in all seven languages.
"""

from __future__ import annotations

import functools
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("de", "ar", "ru", "bs", "tr", "fr", "en")
"""Languages of the front door (ISO 639-1), in the order the picker shows them."""

Language = Literal[LANGUAGES]
"""The same seven, as a type for request validation."""

DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
BERLIN = ZoneInfo("Europe/Berlin")


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return language


@functools.cache
def translations(language: str, locales_dir: str | os.PathLike[str] | None = None) -> Translations:
    """Return the compiled catalog of ``language`` (cached per language and folder).

    Raises ``ValueError`` for a language outside :data:`LANGUAGES` and
    ``FileNotFoundError`` when the ``.mo`` file has not been compiled: a missing
    catalog must fail loudly, never fall back to English silently.
    """
    _check_language(language)
    folder = Path(locales_dir) if locales_dir is not None else LOCALES_DIR
    path = folder / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as fileobj:
            return Translations(fileobj, domain=DOMAIN)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"compiled catalog {path} is missing; run `make setup` (or `pybabel compile -d locales -D {DOMAIN}`)"
        ) from None


def gettext(language: str, message: str) -> str:
    """Translate ``message`` (an English msgid) into ``language``.

    Meant for message ids that are not literals at the call site. For literal
    strings call ``translations(language).gettext("...")`` so that
    ``pybabel extract`` finds them.
    """
    return translations(language).gettext(message)


def format_appointment(start: datetime, language: str) -> str:
    """Render an appointment time for the newcomer, e.g. ``Dienstag, 1. Dezember 2026, 09:30 Uhr``.

    The time is shown as wall time in Europe/Berlin, with weekday, date and time in the
    person's locale (CLDR via Babel). Where it helps, the catalog adds the words
    "German time", so nobody reads it as the time of their phone or home country.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    t = translations(language)
    local = start.astimezone(BERLIN)
    date_text = format_date(local, format="full", locale=language)
    time_text = format_time(local, format="short", locale=language)
    # TRANSLATORS: date and time of an appointment.
    # %(date)s: e.g. "Tuesday, December 1, 2026"; %(time)s: e.g. "9:30 AM".
    # Both are already in your language's format. The time is German
    # local time: say so in words where it helps the reader.
    return t.gettext("%(date)s, %(time)s (German time)") % {"date": date_text, "time": time_text}


def compile_catalogs(locales_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/messages.po`` under ``locales_dir`` to ``.mo``.

    Equivalent to ``pybabel compile -d locales -D messages`` (fuzzy entries are left out);
    for tests and tools that must not depend on ``make setup`` having run. Each file is
    written atomically, so parallel callers never see a half-written catalog.
    """
    folder = Path(locales_dir) if locales_dir is not None else LOCALES_DIR
    written = []
    for language in LANGUAGES:
        po_path = folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po_path.open("rb") as fileobj:
            catalog = read_po(fileobj, locale=language, domain=DOMAIN)
        mo_path = po_path.with_suffix(".mo")
        fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, prefix=".messages-", suffix=".mo")
        try:
            with os.fdopen(fd, "wb") as tmp:
                write_mo(tmp, catalog)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, mo_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        written.append(mo_path)
    translations.cache_clear()
    return written
