"""A complete booking through Rasa's REST channel in each of the seven languages, on the real stack.

Free text where people type (their need, their town, name, phone), button payloads where they click
(consent, a time, confirmation), exactly as the widget and Telegram send them.
"""

import re
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from booking.database import make_engine, make_sessionmaker
from booking.models import Booking
from tests.e2e.stack import Stack, running_stack

CONVERSATIONS = {
    # language: (need, where they live, expected municipality, expected office)
    "de": ("Ich suche eine Wohnung und brauche Hilfe", "Ich wohne in Hagen", "Hagen", "hagen"),
    "ar": ("أبحث عن شقة وأحتاج مساعدة", "أسكن في آخن", "Aachen", "aachen"),
    "ru": ("Мне нужна помощь с поиском квартиры", "Я живу в Хагене", "Hagen", "hagen"),
    "bs": ("Trebam pomoć oko traženja stana", "Živim u Bocholtu", "Bocholt", "bocholt"),
    "tr": ("Ev arıyorum, yardıma ihtiyacım var", "Velbert'te oturuyorum", "Velbert", "velbert"),
    "fr": ("Je cherche un logement, j'ai besoin d'aide", "J'habite à Aix-la-Chapelle", "Aachen", "aachen"),
    "en": ("I need help finding a flat", "I live in Würselen", "Würselen", "wuerselen"),
}
REFERENCE = re.compile(r"\b[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{4}\b")


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    database = tmp_path_factory.mktemp("e2e") / "booking.sqlite3"
    with running_stack(f"sqlite:///{database}") as stack:
        yield stack


def buttons(messages: list[dict]) -> list[dict]:
    return [button for message in messages for button in message.get("buttons") or []]


def slot_payloads(messages: list[dict]) -> list[str]:
    """The payloads of the time buttons (not "more times" or "call instead")."""
    return [button["payload"] for button in buttons(messages) if '"choice": "s' in button["payload"]]


def transcript(lines: list[str]) -> str:
    return "\n".join(lines)


def talker(stack: Stack, sender: str, log: list[str]) -> Callable[[str], list[dict]]:
    """Send as ``sender`` through Rasa's REST channel, writing both sides into ``log``."""

    def say(text: str) -> list[dict]:
        replies = stack.say(sender, text)
        log.append(f"> {text}")
        log.extend(f"< {r.get('text', '')} {[b['title'] for b in r.get('buttons') or []]}" for r in replies)
        return replies

    return say


@pytest.mark.parametrize("language", list(CONVERSATIONS))
def test_complete_booking(stack: Stack, language: str) -> None:
    need, place, municipality, office_id = CONVERSATIONS[language]
    sender = f"e2e-{language}-{uuid.uuid4().hex[:8]}"
    log: list[str] = []
    say = talker(stack, sender, log)

    say(need)
    slots = stack.tracker(sender)["slots"]
    assert slots["language"] == language, transcript(log)
    assert slots["requested_slot"] == "municipality", transcript(log)

    say(place)
    slots = stack.tracker(sender)["slots"]
    assert slots["municipality"] == municipality and slots["office_id"], transcript(log)
    assert slots["requested_slot"] == "consent_given", transcript(log)

    times = slot_payloads(say("/affirm"))
    assert stack.tracker(sender)["slots"]["consent_given"] is True, transcript(log)
    assert times, transcript(log)
    say(times[0])
    assert stack.tracker(sender)["slots"]["requested_slot"] == "contact_name", transcript(log)
    say("Amal Haddad")
    say("0151 23456789")
    assert stack.tracker(sender)["slots"]["requested_slot"] == "booking_confirmed", transcript(log)
    confirmation = " ".join(r.get("text", "") for r in say("/affirm"))
    found = REFERENCE.search(confirmation)
    assert found, transcript(log)

    engine = make_engine(stack.database_url)
    try:
        with make_sessionmaker(engine, read_only=True)() as session:
            booking = session.scalar(select(Booking).where(Booking.reference == found.group(0)))
            assert booking is not None
            assert booking.language == language
            assert booking.municipality.name == municipality
            assert booking.office_id == office_id
            assert booking.intake.topics == ["housing"], transcript(log)
            assert booking.intake.contact_name == "Amal Haddad"
            assert booking.intake.contact_phone == "+4915123456789"
            assert booking.consent.language == language and booking.consent.text_version
            assert booking.channel == "web"
    finally:
        engine.dispose()
    assert stack.tracker(sender)["slots"]["booking_reference"] == found.group(0)


def stored(stack: Stack, reference: str) -> dict:
    """What the booking service holds for ``reference``: status, the intake's contact and erasure, consent."""
    engine = make_engine(stack.database_url)
    try:
        with make_sessionmaker(engine, read_only=True)() as session:
            booking = session.scalar(select(Booking).where(Booking.reference == reference))
            assert booking is not None
            return {
                "status": booking.status,
                "contact_name": booking.intake.contact_name,
                "erased": booking.intake.erased_at is not None,
                "consent_withdrawn": booking.consent.withdrawn_at is not None,
            }
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("language", "yes_book", "delete", "yes_delete"),
    [
        ("de", "Ja, bitte buchen", "Bitte löscht meine Daten", "Ja, bitte löschen"),
        ("ar", "نعم، احجز الموعد", "أريد حذف بياناتي", "نعم، احذف بياناتي"),
    ],
)
def test_typed_yes_at_the_confirmations(
    stack: Stack, language: str, yes_book: str, delete: str, yes_delete: str
) -> None:
    """Typed instead of clicked, a yes that names the task books and deletes, and never asks again.

    "نعم، احجز الموعد" and "Ja, bitte löschen" read as book_appointment and delete_my_data, not affirm; at its own
    confirmation the form takes the task's intent as a yes (validate_*_form), so no rule starts the task over.
    """
    need, place, _municipality, _office_id = CONVERSATIONS[language]
    sender = f"e2e-typed-{language}-{uuid.uuid4().hex[:8]}"
    log: list[str] = []
    say = talker(stack, sender, log)

    say(need)
    say(place)
    times = slot_payloads(say("/affirm"))
    assert times, transcript(log)
    say(times[-1])
    say("Amal Haddad")
    say("0151 23456789")
    assert stack.tracker(sender)["slots"]["requested_slot"] == "booking_confirmed", transcript(log)
    found = REFERENCE.search(" ".join(r.get("text", "") for r in say(yes_book)))
    assert found, transcript(log)
    assert stored(stack, found.group(0))["status"] == "active"

    say(delete)
    assert stack.tracker(sender)["slots"]["requested_slot"] == "delete_confirmed", transcript(log)
    say(yes_delete)
    slots = stack.tracker(sender)["slots"]
    assert slots["requested_slot"] is None and slots["contact_name"] is None, transcript(log)
    assert stored(stack, found.group(0)) == {
        "status": "cancelled",
        "contact_name": "",
        "erased": True,
        "consent_withdrawn": True,
    }, transcript(log)
