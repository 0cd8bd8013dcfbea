"""The gettext catalogs: complete in all seven languages, loaded as real translations, checked by a script."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from booking import i18n
from booking.i18n import (
    LANGUAGES,
    compile_catalogs,
    format_appointment,
    gettext,
    translations,
)

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
CHECK_SCRIPT = ROOT / "scripts" / "check_catalogs.py"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    """Compile the .po files into the real locales/ folder, as `make setup` does."""
    compile_catalogs()


def read_catalog(path: Path, language: str | None = None):
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=language)


def template_ids() -> list[str]:
    return [message.id for message in read_catalog(LOCALES / "messages.pot") if message.id]


def test_languages_are_the_seven_of_the_contract() -> None:
    assert LANGUAGES == ("de", "ar", "ru", "bs", "tr", "fr", "en")
    assert i18n.LOCALES_DIR == LOCALES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_loads_a_real_catalog(language: str) -> None:
    catalog = translations(language)

    assert isinstance(catalog, Translations)
    assert type(catalog) is not NullTranslations
    assert catalog.files == [str(LOCALES / language / "LC_MESSAGES" / "messages.mo")]
    assert catalog.info()["language"] == language
    assert translations(language) is catalog  # cached per language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_is_translated_and_compiled(language: str) -> None:
    po = read_catalog(LOCALES / language / "LC_MESSAGES" / "messages.po", language)
    ids = template_ids()
    assert ids, "messages.pot holds no messages"

    for msgid in ids:
        message = po.get(msgid)
        assert message is not None, f"{language}: {msgid!r} missing"
        assert message.string, f"{language}: {msgid!r} untranslated"
        assert not message.fuzzy, f"{language}: {msgid!r} fuzzy"
        assert gettext(language, msgid) == message.string


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_catalog_is_not_a_copy_of_english(language: str) -> None:
    po = read_catalog(LOCALES / language / "LC_MESSAGES" / "messages.po", language)
    messages = [message for message in po if message.id]
    copied = [message.id for message in messages if message.string == message.id]

    assert len(copied) <= len(messages) // 10, copied


def test_german_catalog_is_german() -> None:
    assert gettext("de", "Please bring:") == "Bitte bringen Sie mit:"
    assert gettext("de", "The consultation is free.") == "Die Beratung ist kostenlos."


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        translations("xx")
    with pytest.raises(ValueError):
        format_appointment(datetime(2026, 12, 1, 8, 30, tzinfo=UTC), "de_DE")


def test_missing_compiled_catalog_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make setup"):
        translations("de", tmp_path)


def test_locales_dir_can_be_overridden(tmp_path: Path) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    po_path = tmp_path / "locales" / "de" / "LC_MESSAGES" / "messages.po"
    po_path.write_text(
        po_path.read_text(encoding="utf-8").replace('msgstr "Bitte bringen Sie mit:"', 'msgstr "Bitte mitbringen:"'),
        encoding="utf-8",
    )
    compile_catalogs(tmp_path / "locales")

    assert translations("de", tmp_path / "locales").gettext("Please bring:") == "Bitte mitbringen:"
    assert translations("de").gettext("Please bring:") == "Bitte bringen Sie mit:"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Dienstag, 1. Dezember 2026, 09:30 Uhr"),
        ("en", "Tuesday, December 1, 2026 at 9:30\u202fAM (German time)"),
        ("fr", "mardi 1 décembre 2026 à 09:30 (heure allemande)"),
        ("tr", "1 Aralık 2026 Salı, saat 09:30 (Almanya saati)"),
        ("ru", "вторник, 1 декабря 2026 г., в 09:30 (по времени Германии)"),
        ("bs", "utorak, 1. decembar 2026. u 09:30 (po njemačkom vremenu)"),
        ("ar", "الثلاثاء، 1 ديسمبر 2026، الساعة 9:30 ص (بتوقيت ألمانيا)"),
    ],
)
def test_format_appointment_in_the_persons_locale(language: str, expected: str) -> None:
    # 08:30 UTC is 09:30 in Berlin in winter.
    text = format_appointment(datetime(2026, 12, 1, 8, 30, tzinfo=UTC), language)

    assert _plain_spaces(text) == _plain_spaces(expected)


@pytest.mark.parametrize(
    ("start", "wall_time"),
    [
        (datetime(2026, 3, 30, 7, 30, tzinfo=UTC), "Montag, 30. März 2026, 09:30 Uhr"),  # summer time, UTC+2
        (datetime(2026, 10, 26, 8, 30, tzinfo=UTC), "Montag, 26. Oktober 2026, 09:30 Uhr"),  # winter time, UTC+1
    ],
)
def test_format_appointment_shows_berlin_wall_time_across_dst(start: datetime, wall_time: str) -> None:
    assert format_appointment(start, "de") == wall_time


def test_format_appointment_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_appointment(datetime(2026, 12, 1, 9, 30), "de")


def test_check_script_passes_on_the_repository() -> None:
    result = subprocess.run([sys.executable, str(CHECK_SCRIPT)], cwd=ROOT, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"catalogs: {len(LANGUAGES)} languages, {len(template_ids())} messages, complete"


def test_check_script_reports_every_kind_of_problem(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo"))

    def edit(language: str, old: str, new: str) -> None:
        path = locales / language / "LC_MESSAGES" / "messages.po"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("de", 'msgstr "Bitte bringen Sie mit:"', 'msgstr ""')
    edit("ru", 'msgid "Please bring:"', '#, fuzzy\nmsgid "Please bring:"')
    edit("tr", 'msgstr "Randevu kodu: %(reference)s"', 'msgstr "Randevu kodu: %(kod)s"')
    edit("fr", 'msgid "Please bring:"', 'msgid "Please bring all:"')
    edit("bs", 'msgid ""\nmsgstr ""\n"Project', '#, fuzzy\nmsgid ""\nmsgstr ""\n"Project')
    shutil.rmtree(locales / "ar")

    result = subprocess.run(
        [sys.executable, str(CHECK_SCRIPT), "--locales-dir", str(locales), "--skip-source"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    report = result.stderr
    assert re.search(r"de/LC_MESSAGES/messages\.po:\d+: untranslated: 'Please bring:'", report)
    assert re.search(r"ru/LC_MESSAGES/messages\.po:\d+: fuzzy: 'Please bring:'", report)
    assert re.search(r"tr/LC_MESSAGES/messages\.po:\d+: placeholders differ from msgid: 'Booking code", report)
    assert "fr/LC_MESSAGES/messages.po: missing msgid from messages.pot: 'Please bring:'" in report
    assert re.search(
        r"fr/LC_MESSAGES/messages\.po:\d+: not in messages.pot \(stale entry\): 'Please bring all:'", report
    )
    assert "bs/LC_MESSAGES/messages.po: header is marked fuzzy" in report
    assert "ar/LC_MESSAGES/messages.po: catalog missing" in report
    assert "complete" not in result.stdout


def _plain_spaces(text: str) -> str:
    """CLDR uses narrow no-break spaces in some patterns; compare them as plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)
