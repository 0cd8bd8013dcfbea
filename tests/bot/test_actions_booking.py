"""The booking form: validate_booking_form, its questions and action_submit_booking (financial-demo style).

The extract_* methods are called one by one for the slot the form asks for, and the whole validation action is
run as the action server runs it (``ValidateBookingForm().run``), because rasa_sdk filters what the extract
methods return. The booking API is the fake of ``conftest.py``; every request it received is asserted.
"""

from datetime import datetime, timedelta, timezone
from typing import Any
from unittest.mock import ANY

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.booking import (
    TOPICS,
    ActionAskAppointmentSlot,
    ActionAskBookingConfirmed,
    ActionAskConsentGiven,
    ActionAskContactName,
    ActionAskContactPhone,
    ActionAskMunicipality,
    ActionAskTopics,
    ActionStartBooking,
    ActionSubmitBooking,
    ValidateBookingForm,
    topic_names,
)
from bot.consent import CONSENT_VERSION, RETENTION_DAYS, consent_text
from bot.i18n import format_short, format_when, translations
from tests.bot.conftest import TOKEN, Reply
from tests.bot.test_actions_answer import (
    DOMAIN,
    OFFICE,
    OFFICE_PATH,
    T,
    api_fixture,  # noqa: F401 - autouse: the actions' client talks to the fake API
    entity,
    menu,
    no_office_hint,
    office_contact,
    payloads,
    run,
    said,
    tracker,
    unavailable,
)

RESOLVE = "/api/v1/municipalities/resolve"
SLOTS_PATH = "/api/v1/offices/hagen/slots"
BOOKINGS = "/api/v1/bookings"
FORM_SLOTS = [
    "topics",
    "municipality",
    "consent_given",
    "appointment_slot",
    "contact_name",
    "contact_phone",
    "booking_confirmed",
]
BERLIN_WINTER = timezone(timedelta(hours=1))

OFFICE_BRIEF = {k: OFFICE[k] for k in ("id", "name", "address", "phone", "opening_hours", "serves")}


def place(name: str, postal_code: str, district: str, office: dict | None, score: float = 100.0) -> dict[str, Any]:
    return {"municipality": name, "postal_codes": [postal_code], "district": district, "office": office, "score": score}


FOUND = {"status": "found", "matches": [place("Hagen", "58095", "Stadt Hagen", OFFICE_BRIEF)]}
AMBIGUOUS = {
    "status": "ambiguous",
    "matches": [
        place("Hagen", "58095", "Stadt Hagen", OFFICE_BRIEF, 88.9),
        place("Haan", "42781", "Kreis Mettmann", None, 80.0),
        place("Hamminkeln", "46499", "Kreis Wesel", None, 70.0),
        place("Heiden", "46359", "Kreis Borken", None, 66.0),
        place("Herzogenrath", "52134", "StädteRegion Aachen", None, 64.0),
        place("Hilden", "40721", "Kreis Mettmann", None, 60.0),
    ],
}
OUTSIDE = {"status": "outside", "matches": []}
UNKNOWN = {"status": "unknown", "matches": []}

SLOT_1, SLOT_2, SLOT_3, SLOT_4 = (
    "sgmxdeojzgi2tanrqfy2dk",
    "sgmxdeojzgi2tanrqfy2dq",
    "sgmxdeojzgi2tanrqfy2e3",
    "sgmxdeojzgi2tanrqfy2e7",
)


def free(slot_id: str, start: str, end: str, interpreter: bool = False) -> dict[str, Any]:
    return {
        "id": slot_id,
        "start": start,
        "end": end,
        "languages": ["de", "ru"] if interpreter else ["de", "ar"],
        "interpreter_needed": interpreter,
    }


PAGE_1 = {
    "office_id": "hagen",
    "slots": [
        free(SLOT_1, "2026-11-24T08:00:00+01:00", "2026-11-24T08:45:00+01:00"),
        free(SLOT_2, "2026-11-24T09:00:00+01:00", "2026-11-24T09:45:00+01:00"),
        free(SLOT_3, "2026-11-25T13:30:00+01:00", "2026-11-25T14:15:00+01:00", interpreter=True),
        free(SLOT_4, "2026-11-26T10:00:00+01:00", "2026-11-26T10:45:00+01:00"),
    ],
}
OFFERED = [
    {"id": SLOT_1, "start": "2026-11-24T08:00:00+01:00", "interpreter_needed": False},
    {"id": SLOT_2, "start": "2026-11-24T09:00:00+01:00", "interpreter_needed": False},
    {"id": SLOT_3, "start": "2026-11-25T13:30:00+01:00", "interpreter_needed": True},
]
OFFERED_UNTIL = "2026-11-25T13:30:00+01:00"

NAME = "Amina Haddad"
PHONE = "+491701234567"
EMAIL = "amina.haddad@example.org"
CONCERN = "Wir suchen eine Wohnung und brauchen Hilfe mit dem Kindergarten"
CONSENT_AT = "2026-11-21T10:15:00+00:00"
KEY = "0f8e2b6c-3d4a-4c1e-9b7a-5e6f7a8b9c0d"
REFERENCE = "K7M-4PX9"
BOOKED = {
    "reference": REFERENCE,
    "status": "active",
    "start": "2026-11-24T08:00:00+01:00",
    "end": "2026-11-24T08:45:00+01:00",
    "language": "ar",
    "interpreter_needed": False,
    "office": OFFICE,
    "calendar_url": "http://127.0.0.1:8000/calendar/pQ1x2Wv3Yz4aB5cD6eF7gH8iJ9kL0mN1oP2qR3sT4uV.ics",
}

# What the form holds once each question is answered (the answer and what comes with it).
ANSWERS: dict[str, dict[str, Any]] = {
    "topics": {"topics": ["housing", "family"], "concern": CONCERN},
    "municipality": {"municipality": "Hagen", "office_id": "hagen"},
    "consent_given": {"consent_given": True, "consent_given_at": CONSENT_AT},
    "appointment_slot": {"appointment_slot": SLOT_1, "offered_slots": OFFERED, "offered_until": OFFERED_UNTIL},
    "contact_name": {"contact_name": NAME},
    "contact_phone": {"contact_phone": PHONE},
    "booking_confirmed": {"booking_confirmed": True, "idempotency_key": KEY},
}


def answered_until(requested: str | None, language: str = "de", **overrides: Any) -> dict[str, Any]:
    """The slots of a booking form that has asked ``requested`` (None: every question answered)."""
    slots: dict[str, Any] = {"language": language, "language_chosen": True, "requested_slot": requested}
    for slot in FORM_SLOTS:
        if slot == requested:
            break
        slots.update(ANSWERS[slot])
    if requested == "appointment_slot":
        slots.update(offered_slots=OFFERED, offered_until=OFFERED_UNTIL)
    slots.update(overrides)
    return slots


def asked(
    requested: str,
    *,
    text: str,
    intent: str = "inform",
    confidence: float = 0.95,
    entities=(),
    language: str = "de",
    **overrides: Any,
):
    return tracker(
        text=text,
        intent=intent,
        confidence=confidence,
        entities=entities,
        form="booking_form",
        slots=answered_until(requested, language, **overrides),
    )


async def extract(slot: str, state) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = await getattr(ValidateBookingForm(), f"extract_{slot}")(dispatcher, state, DOMAIN)
    return result, said(dispatcher)


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    assert all(e["event"] == "slot" for e in events), events
    values = {e["name"]: e["value"] for e in events}
    assert len(values) == len(events), f"a slot is set twice: {events}"
    return values


# ----------------------------------------------------------------------------------------- required slots


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({}, FORM_SLOTS),
        ({"topics": ["health"]}, FORM_SLOTS[1:]),
        ({"concern": "Ich habe eine Frage zu meinem Aufenthalt"}, FORM_SLOTS[1:]),
        ({"concern": CONCERN, "contact_email": EMAIL}, [s for s in FORM_SLOTS[1:] if s != "contact_phone"]),
        ({"topics": ["work"], "flow_stop": "outside"}, []),
        ({"flow_stop": "no_consent"}, []),
    ],
    ids=["fresh", "topics known", "concern known", "email instead of phone", "stopped outside", "no consent"],
)
async def test_required_slots_follow_what_is_known(slots, expected) -> None:
    state = tracker(text="", form="booking_form", slots=slots)

    assert await ValidateBookingForm().required_slots(FORM_SLOTS, CollectingDispatcher(), state, DOMAIN) == expected


def test_the_domain_form_asks_in_the_designed_order() -> None:
    assert DOMAIN["forms"]["booking_form"]["required_slots"] == FORM_SLOTS


# --------------------------------------------------------------------------------------------- topics


async def test_topics_from_entities_in_canonical_order_and_the_concern_in_own_words() -> None:
    text = "Wir suchen eine Wohnung und brauchen Hilfe mit dem Kindergarten"
    state = asked(
        "topics",
        text=text,
        intent="describe_need",
        entities=[entity("topic", "family"), entity("topic", "housing"), entity("topic", "family")],
    )

    assert await extract("topics", state) == ({"topics": ["housing", "family"], "concern": text}, [])


async def test_topics_from_free_text_keep_the_concern() -> None:
    text = "Ich habe ein Schreiben bekommen und verstehe es nicht"
    state = asked("topics", text=text, intent="describe_need")

    assert await extract("topics", state) == ({"topics": None, "concern": text}, [])


async def test_topics_untagged_by_the_model_are_found_in_the_words() -> None:
    text = "Ich habe einen Brief vom Amt bekommen und verstehe ihn nicht"  # the data: "Briefe vom Amt"
    state = asked("topics", text=text, intent="describe_need")

    assert await extract("topics", state) == ({"topics": ["orientation"], "concern": text}, [])


async def test_topics_by_button_have_no_concern_text() -> None:
    state = asked(
        "topics", text='/describe_need{"topic": "health"}', intent="describe_need", entities=[entity("topic", "health")]
    )

    assert await extract("topics", state) == ({"topics": ["health"], "concern": ""}, [])


async def test_topics_ignore_values_outside_the_vocabulary() -> None:
    state = asked(
        "topics", text='/describe_need{"topic": "pets"}', intent="describe_need", entities=[entity("topic", "pets")]
    )

    assert await extract("topics", state) == ({"topics": None}, [])


async def test_the_concern_is_cut_to_300_characters() -> None:
    text = "Ich brauche Hilfe. " * 40
    state = asked("topics", text=text, intent="describe_need")

    result, _messages = await extract("topics", state)

    assert result == {"topics": None, "concern": text.strip()[:300]}


async def test_topics_are_not_taken_from_the_answer_to_another_question() -> None:
    state = asked("contact_name", text="Amina", intent="describe_need", entities=[entity("topic", "family")])

    assert await extract("topics", state) == ({}, [])


# --------------------------------------------------------------------------------------------- municipality


def office_found_text(language: str, municipality: str = "Hagen") -> str:
    contact = "\n".join(
        [
            OFFICE["name"],
            OFFICE["address"],
            T(language, "Phone: {phone}").format(phone=OFFICE["phone"]),
            OFFICE["opening_hours"],
        ]
    )  # the resolver's brief office has no email
    return (
        T(language, "For {municipality} the responsible office is:").format(municipality=municipality)
        + "\n"
        + contact
        + "\n\n"
        + OFFICE["serves"]
    )


async def test_municipality_found_sets_town_and_office(api) -> None:
    api.reply("GET", RESOLVE, Reply(200, FOUND))
    state = asked(
        "municipality", text="Ich wohne in Hagen", intent="inform_location", entities=[entity("municipality", "Hagen")]
    )

    result, messages = await extract("municipality", state)

    assert result == {"municipality": "Hagen", "office_id": "hagen"}
    assert messages == [{"text": office_found_text("de"), "buttons": []}]
    (call,) = api.requests
    assert (call.method, call.path, call.query) == ("GET", RESOLVE, {"q": "Ich wohne in Hagen", "lang": "de"})


async def test_municipality_by_postal_code_asks_for_the_code(api) -> None:
    api.reply("GET", RESOLVE, Reply(200, FOUND))
    state = asked(
        "municipality", text="58095", intent="inform_location", language="ru", entities=[entity("postal_code", "58095")]
    )

    result, messages = await extract("municipality", state)

    assert result == {"municipality": "Hagen", "office_id": "hagen"}
    assert messages == [{"text": office_found_text("ru"), "buttons": []}]
    assert api.requests[0].query == {"q": "58095", "lang": "ru"}


async def test_municipality_ambiguous_offers_up_to_five_places_as_buttons(api) -> None:
    api.reply("GET", RESOLVE, Reply(200, AMBIGUOUS))
    state = asked("municipality", text="Haagen", intent="inform_location", language="tr")

    result, messages = await extract("municipality", state)

    assert result == {"municipality": None}
    assert messages == [
        {
            "text": T("tr", "Which place do you mean?"),
            "buttons": [
                {"title": name, "payload": f'/inform_location{{"municipality": "{name}"}}'}
                for name in ("Hagen", "Haan", "Hamminkeln", "Heiden", "Herzogenrath")
            ],
        }
    ]


async def test_municipality_outside_stops_the_form_and_offers_what_else(api) -> None:
    api.reply("GET", RESOLVE, Reply(200, OUTSIDE))
    state = asked(
        "municipality",
        text="Ich wohne in München",
        intent="inform_location",
        language="en",
        entities=[entity("municipality", "München")],
    )

    result, messages = await extract("municipality", state)

    assert result == {"municipality": None, "flow_stop": "outside"}
    where_else, what_else = messages
    assert where_else["text"] and where_else["buttons"] == []
    assert what_else == {"text": T("en", "What else can I do for you?"), "buttons": menu("en")}


async def test_municipality_unknown_asks_again(api) -> None:
    api.reply("GET", RESOLVE, Reply(200, UNKNOWN))
    state = asked("municipality", text="Atlantis", intent="inform_location", language="fr")

    result, messages = await extract("municipality", state)

    assert result == {"municipality": None}
    assert messages == [
        {
            "text": T(
                "fr", "I could not find this place. Please write the name of your town or your postal code (5 digits)."
            ),
            "buttons": [],
        }
    ]


async def test_municipality_while_the_service_is_down_asks_again_later(api) -> None:
    api.reply("GET", RESOLVE, unavailable())
    state = asked("municipality", text="Hagen", intent="inform_location")

    result, messages = await extract("municipality", state)

    assert result == {"municipality": None}
    assert messages == [
        {"text": T("de", "Sorry, I cannot look up places right now. Please try again in a moment."), "buttons": []}
    ]
    assert len(api.calls("GET", RESOLVE)) == 3  # a read is retried twice


async def test_a_town_mentioned_with_the_need_is_taken_at_once(api) -> None:
    api.reply("GET", RESOLVE, Reply(200, FOUND))
    text = "Ich wohne in Hagen und suche eine Wohnung"
    state = asked(
        "topics",
        text=text,
        intent="describe_need",
        entities=[entity("topic", "housing"), entity("municipality", "Hagen")],
    )

    result, messages = await extract("municipality", state)

    assert result == {"municipality": "Hagen", "office_id": "hagen"}
    assert messages == [{"text": office_found_text("de"), "buttons": []}]
    assert api.requests[0].query == {"q": text, "lang": "de"}


async def test_a_town_mentioned_later_does_not_replace_the_known_one(api) -> None:
    state = asked("contact_name", text="Amina aus Haan", entities=[entity("municipality", "Haan")])

    assert await extract("municipality", state) == ({}, [])
    assert api.requests == []


# ---------------------------------------------------------------------------------------------- consent


async def test_consent_yes_records_when() -> None:
    before = datetime.now(timezone.utc)  # noqa: UP017 - Python 3.10
    state = asked("consent_given", text="/affirm", intent="affirm")

    result, messages = await extract("consent_given", state)

    assert result == {"consent_given": True, "consent_given_at": ANY}
    given_at = datetime.fromisoformat(result["consent_given_at"])
    assert given_at.utcoffset() == timedelta(0) and before <= given_at <= datetime.now(timezone.utc)  # noqa: UP017
    assert messages == []


async def test_consent_no_stops_the_form() -> None:
    state = asked("consent_given", text="Nein, das möchte ich nicht", intent="deny")

    assert await extract("consent_given", state) == ({"consent_given": False, "flow_stop": "no_consent"}, [])


async def test_consent_anything_else_asks_for_yes_or_no() -> None:
    state = asked("consent_given", text="vielleicht später", intent="out_of_scope", confidence=0.55, language="bs")

    assert await extract("consent_given", state) == (
        {"consent_given": None},
        [{"text": T("bs", "Please answer with yes or no."), "buttons": []}],
    )


# ------------------------------------------------------------------------------------------ appointment slot


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        (f'/choose{{"choice": "{SLOT_3}"}}', [entity("choice", SLOT_3)], {"appointment_slot": SLOT_3}),
        ("2", [], {"appointment_slot": SLOT_2}),
        ("Nummer 1 bitte", [], {"appointment_slot": SLOT_1}),
        (
            '/choose{"choice": "more"}',
            [entity("choice", "more")],
            {"appointment_slot": None, "slot_page_after": OFFERED_UNTIL},
        ),
        ('/choose{"choice": "call"}', [entity("choice", "call")], {"appointment_slot": None, "flow_stop": "no_fit"}),
    ],
    ids=["button", "number", "number in words", "more", "call"],
)
async def test_appointment_slot_choices(text, entities, expected) -> None:
    state = asked("appointment_slot", text=text, intent="choose", entities=entities)

    assert await extract("appointment_slot", state) == (expected, [])


@pytest.mark.parametrize(
    ("text", "entities"),
    [("7", []), ("morgen früh", []), ('/choose{"choice": "sgmxdeojzgi2old"}', [entity("choice", "sgmxdeojzgi2old")])],
    ids=["number not offered", "words", "a button of an older list"],
)
async def test_appointment_slot_not_understood_asks_to_use_the_buttons(text, entities) -> None:
    state = asked("appointment_slot", text=text, intent="choose", entities=entities, language="ar")

    assert await extract("appointment_slot", state) == (
        {"appointment_slot": None},
        [{"text": T("ar", "Please choose one of the times with the buttons, or write its number."), "buttons": []}],
    )


# -------------------------------------------------------------------------------------------- contact name


@pytest.mark.parametrize("name", ["Amina Haddad", "  Jean-Pierre Dubois ", "Ali", "Şükrü Öztürk", "أمينة حداد"])
async def test_contact_name_accepts_names(name) -> None:
    state = asked("contact_name", text=name)

    assert await extract("contact_name", state) == ({"contact_name": name.strip()}, [])


@pytest.mark.parametrize(
    "text", ["A", "/affirm", "0151 23456789", "x" * 101], ids=["too short", "a button", "a number", "too long"]
)
async def test_contact_name_refuses_what_is_not_a_name(text) -> None:
    state = asked("contact_name", text=text, language="tr")

    assert await extract("contact_name", state) == (
        {"contact_name": None},
        [{"text": T("tr", "Please write your name, for example: Amina Yusuf."), "buttons": []}],
    )


# ---------------------------------------------------------------------------------------- phone or email


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("0170 1234567", PHONE),
        ("+49 170 1234567", PHONE),
        ("meine Nummer ist 0170/1234567", PHONE),
        ("0151 23456789", "+4915123456789"),
        ("+90 532 123 45 67", "+905321234567"),
    ],
)
async def test_contact_phone_is_stored_in_e164(text, e164) -> None:
    state = asked("contact_phone", text=text)

    assert await extract("contact_phone", state) == ({"contact_phone": e164}, [])


@pytest.mark.parametrize(
    ("text", "email"),
    [(EMAIL, EMAIL), ("Meine Mail: Amina.Haddad@Example.ORG bitte", "Amina.Haddad@example.org")],
)
async def test_contact_email_instead_of_a_phone(text, email) -> None:
    state = asked("contact_phone", text=text)

    assert await extract("contact_phone", state) == ({"contact_phone": None, "contact_email": email}, [])
    known = answered_until("contact_phone", contact_email=email)
    required = await ValidateBookingForm().required_slots(
        FORM_SLOTS, CollectingDispatcher(), tracker(form="booking_form", slots=known), DOMAIN
    )
    assert "contact_phone" not in required and required[-1] == "booking_confirmed"


@pytest.mark.parametrize("text", ["hello", "12345", "amina@", "/affirm"])
async def test_contact_phone_refuses_what_is_neither(text) -> None:
    state = asked("contact_phone", text=text, language="fr")

    assert await extract("contact_phone", state) == (
        {"contact_phone": None},
        [
            {
                "text": T(
                    "fr",
                    "This does not look like a phone number or an email address. "
                    "Examples: 0151 23456789 or name@example.com",
                ),
                "buttons": [],
            }
        ],
    )


# ------------------------------------------------------------------------------------------- confirmation


async def test_confirmed_yes_creates_the_idempotency_key_once() -> None:
    state = asked("booking_confirmed", text="/affirm", intent="affirm")

    result, messages = await extract("booking_confirmed", state)

    assert result == {"booking_confirmed": True, "idempotency_key": ANY}
    assert isinstance(result["idempotency_key"], str) and 1 <= len(result["idempotency_key"]) <= 64
    assert messages == []
    again, _ = await extract(
        "booking_confirmed",
        asked("booking_confirmed", text="ja", intent="affirm", idempotency_key=result["idempotency_key"]),
    )
    assert again == result  # a second "yes" (e.g. after a failed attempt) keeps the key


async def test_confirmed_no_declines() -> None:
    state = asked("booking_confirmed", text="/deny", intent="deny")

    assert await extract("booking_confirmed", state) == ({"booking_confirmed": False, "flow_stop": "declined"}, [])


@pytest.mark.parametrize("text", ["Buchung abbrechen", "stop, don't book", "إلغاء الحجز"])
async def test_confirmed_a_stop_word_never_books_whatever_the_intent(text) -> None:
    # Read as book_appointment, "yes, book it" is a yes at the summary; with a stop word it is a no.
    state = asked("booking_confirmed", text=text, intent="book_appointment")

    assert await extract("booking_confirmed", state) == ({"booking_confirmed": False, "flow_stop": "declined"}, [])


async def test_confirmed_change_time_asks_for_a_time_again_from_the_first_page() -> None:
    state = asked(
        "booking_confirmed",
        text='/choose{"choice": "change_time"}',
        intent="choose",
        entities=[entity("choice", "change_time")],
        slot_page_after=OFFERED_UNTIL,
    )

    assert await extract("booking_confirmed", state) == (
        {"booking_confirmed": None, "appointment_slot": None, "slot_page_after": None},
        [],
    )


async def test_confirmed_anything_else_asks_for_yes_or_no() -> None:
    state = asked("booking_confirmed", text="hmm", intent="out_of_scope", confidence=0.4, language="ru")

    assert await extract("booking_confirmed", state) == (
        {"booking_confirmed": None},
        [{"text": T("ru", "Please answer with yes or no."), "buttons": []}],
    )


# ------------------------------------------------------------------------------------------ interruptions

INTERRUPTING = [
    "ask_about_service",
    "ask_eligibility",
    "ask_cost",
    "ask_languages",
    "ask_contact",
    "ask_privacy",
    "bot_challenge",
    "choose_language",
    "cancel_appointment",
    "reschedule_appointment",
    "delete_my_data",
    "out_of_scope",
    "thank",
]
ANSWER_TEXTS = {
    "topics": "Was kostet die Beratung eigentlich?",
    "municipality": "Was kostet die Beratung eigentlich?",
    "consent_given": "Was kostet die Beratung eigentlich?",
    "appointment_slot": "Was kostet die Beratung eigentlich?",
    "contact_name": "Was kostet die Beratung eigentlich?",
    "contact_phone": "Was kostet die Beratung 0170 1234567?",
    "booking_confirmed": "Was kostet die Beratung eigentlich?",
}


@pytest.mark.parametrize("intent", INTERRUPTING)
@pytest.mark.parametrize("slot", FORM_SLOTS)
async def test_a_confident_interruption_is_no_answer(api, slot, intent) -> None:
    state = asked(
        slot, text=ANSWER_TEXTS[slot], intent=intent, confidence=0.93, entities=[entity("municipality", "Hagen")]
    )

    assert await extract(slot, state) == ({}, [])
    assert api.requests == []


@pytest.mark.parametrize("slot", FORM_SLOTS)
async def test_a_button_of_an_interruption_is_no_answer_whatever_the_confidence(slot) -> None:
    state = asked(slot, text="/ask_privacy", intent="ask_privacy", confidence=1.0)

    assert await extract(slot, state) == ({}, [])


async def test_an_unsure_interruption_counts_as_the_answer() -> None:
    state = asked("contact_name", text="Amina Haddad", intent="ask_contact", confidence=0.41)

    assert await extract("contact_name", state) == ({"contact_name": "Amina Haddad"}, [])


async def test_an_interruption_makes_the_whole_validation_return_no_slot() -> None:
    """Only ``requested_slot`` comes back, so Rasa rejects the form and the interruption's rule answers."""
    state = asked("contact_name", text="Was kostet das?", intent="ask_cost", confidence=0.96)

    events, messages = await run(ValidateBookingForm(), state)

    assert events == [SlotSet("requested_slot", "contact_name")]
    assert messages == []


async def test_a_greeting_inside_the_form_is_an_interruption() -> None:
    state = asked("contact_name", text="Hallo!", intent="greet", confidence=0.97)

    assert await extract("contact_name", state) == ({}, [])


# ------------------------------------------------------------------------- the whole validation, as run


async def test_run_a_valid_name_asks_for_the_contact_next() -> None:
    events, messages = await run(ValidateBookingForm(), asked("contact_name", text="Amina Haddad"))

    assert events == [SlotSet("contact_name", "Amina Haddad"), SlotSet("requested_slot", "contact_phone")]
    assert messages == []


async def test_run_a_phone_number_asks_for_the_confirmation_next() -> None:
    events, messages = await run(ValidateBookingForm(), asked("contact_phone", text="0170 1234567"))

    assert events == [SlotSet("contact_phone", PHONE), SlotSet("requested_slot", "booking_confirmed")]
    assert messages == []


async def test_run_a_number_chooses_the_offered_time() -> None:
    events, _messages = await run(ValidateBookingForm(), asked("appointment_slot", text="3", intent="choose"))

    assert events == [SlotSet("appointment_slot", SLOT_3), SlotSet("requested_slot", "contact_name")]


async def test_run_change_time_asks_for_the_time_again() -> None:
    state = asked(
        "booking_confirmed",
        text='/choose{"choice": "change_time"}',
        intent="choose",
        entities=[entity("choice", "change_time")],
    )

    events, _messages = await run(ValidateBookingForm(), state)

    assert slot_values(events) == {
        "booking_confirmed": None,
        "appointment_slot": None,
        "slot_page_after": None,
        "requested_slot": "appointment_slot",
    }


async def test_run_an_unclear_consent_asks_again() -> None:
    state = asked("consent_given", text="vielleicht", intent="out_of_scope", confidence=0.3)

    events, messages = await run(ValidateBookingForm(), state)

    assert events == [SlotSet("consent_given", None), SlotSet("requested_slot", "consent_given")]
    assert [m["text"] for m in messages] == [T("de", "Please answer with yes or no.")]


@pytest.mark.parametrize(
    ("requested", "message", "expected"),
    [
        pytest.param(
            "topics",
            dict(text=CONCERN, intent="describe_need"),
            {"concern": CONCERN, "requested_slot": "municipality"},
            id="topics as free text",
        ),
        pytest.param(
            "topics",
            dict(
                text='/describe_need{"topic": "health"}', intent="describe_need", entities=[entity("topic", "health")]
            ),
            {"topics": ["health"], "requested_slot": "municipality"},
            id="topic by button",
        ),
        pytest.param(
            "municipality",
            dict(text="Hagen", intent="inform_location", entities=[entity("municipality", "Hagen")]),
            {"municipality": "Hagen", "office_id": "hagen", "requested_slot": "consent_given"},
            id="municipality found",
        ),
        pytest.param(
            "municipality",
            dict(text="München", intent="inform_location"),
            {"municipality": None, "flow_stop": "outside", "requested_slot": None},
            id="municipality outside",
        ),
        pytest.param(
            "consent_given",
            dict(text="/affirm", intent="affirm"),
            {"consent_given": True, "consent_given_at": ANY, "requested_slot": "appointment_slot"},
            id="consent yes",
        ),
        pytest.param(
            "consent_given",
            dict(text="/deny", intent="deny"),
            {"consent_given": False, "flow_stop": "no_consent", "requested_slot": None},
            id="consent no",
        ),
        pytest.param(
            "appointment_slot",
            dict(text='/choose{"choice": "more"}', intent="choose", entities=[entity("choice", "more")]),
            {"appointment_slot": None, "slot_page_after": OFFERED_UNTIL, "requested_slot": "appointment_slot"},
            id="more times",
        ),
        pytest.param(
            "appointment_slot",
            dict(text='/choose{"choice": "call"}', intent="choose", entities=[entity("choice", "call")]),
            {"flow_stop": "no_fit", "requested_slot": None},
            id="none fit",
        ),
        pytest.param(
            "contact_phone",
            dict(text=EMAIL),
            {"contact_email": EMAIL, "requested_slot": "booking_confirmed"},
            id="email",
        ),
        pytest.param(
            "booking_confirmed",
            dict(text="/affirm", intent="affirm"),
            {"booking_confirmed": True, "idempotency_key": KEY, "requested_slot": None},
            id="confirmed",
        ),
        pytest.param(
            "booking_confirmed",
            dict(text="/deny", intent="deny"),
            {"booking_confirmed": False, "flow_stop": "declined", "requested_slot": None},
            id="declined",
        ),
    ],
)
async def test_run_hands_every_extracted_slot_to_rasa(api, requested, message, expected) -> None:
    api.reply("GET", RESOLVE, Reply(200, FOUND if message["text"] == "Hagen" else OUTSIDE))
    extra = {"idempotency_key": KEY} if requested == "booking_confirmed" else {}
    state = asked(requested, **message, **extra)

    events, _messages = await run(ValidateBookingForm(), state)

    values = slot_values(events)
    assert set(expected) <= set(values), f"not handed to Rasa: {sorted(set(expected) - set(values))}"
    assert {name: values[name] for name in expected} == expected


# ---------------------------------------------------------------------------------------------- questions


async def test_ask_topics_offers_every_topic_as_a_button() -> None:
    state = asked("topics", text="/book_appointment", intent="book_appointment", language="ar")

    events, messages = await run(ActionAskTopics(), state)

    assert events == []
    (question,) = messages
    assert question["text"] == T("ar", "What do you need help with? Write it in a few words, or choose:")
    names = topic_names("ar")
    assert question["buttons"] == [{"title": names[t], "payload": f'/describe_need{{"topic": "{t}"}}'} for t in TOPICS]
    assert list(names) == list(TOPICS) and all(names.values())


async def test_ask_municipality() -> None:
    events, messages = await run(
        ActionAskMunicipality(), asked("municipality", text="/deny", intent="deny", language="tr")
    )

    assert events == []
    assert messages == [
        {"text": T("tr", "In which town do you live? Please write the town or your postal code."), "buttons": []}
    ]


async def test_ask_consent_names_the_office_and_the_retention(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))

    events, messages = await run(ActionAskConsentGiven(), asked("consent_given", text="Hagen", language="ru"))

    assert events == []
    (question,) = messages
    assert question["text"] == consent_text(translations("ru").gettext, OFFICE["name"])
    assert OFFICE["name"] in question["text"] and str(RETENTION_DAYS) in question["text"]
    assert payloads(question) == ["/affirm", "/deny"]
    assert [b["title"] for b in question["buttons"]] == [T("ru", "Yes, I agree"), T("ru", "No")]
    assert api.requests[0].query == {"lang": "ru"}


async def test_ask_consent_without_an_office_names_the_kim_office_in_general(api) -> None:
    state = asked("consent_given", text="Hagen", language="fr", office_id=None)

    events, messages = await run(ActionAskConsentGiven(), state)

    assert events == []
    assert messages == [
        {
            "text": consent_text(translations("fr").gettext, T("fr", "your KIM office")),
            "buttons": [
                {"title": T("fr", "Yes, I agree"), "payload": "/affirm"},
                {"title": T("fr", "No"), "payload": "/deny"},
            ],
        }
    ]
    assert api.requests == []


def slot_buttons(language: str, offers: list[dict[str, Any]]) -> list[dict[str, str]]:
    buttons = []
    for number, offer in enumerate(offers, start=1):
        label = f"{number}. {format_short(datetime.fromisoformat(offer['start']), language)}"
        if offer["interpreter_needed"]:
            label += " · " + T(language, "with interpreter")
        buttons.append({"title": label, "payload": f'/choose{{"choice": "{offer["id"]}"}}'})
    return buttons


async def test_ask_appointment_slot_offers_four_times_and_the_ways_on(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("GET", SLOTS_PATH, Reply(200, PAGE_1))
    state = asked(
        "appointment_slot", text="/affirm", intent="affirm", language="ar", offered_slots=None, offered_until=None
    )

    events, messages = await run(ActionAskAppointmentSlot(), state)

    offered = [
        {"id": s["id"], "start": s["start"], "interpreter_needed": s["interpreter_needed"]} for s in PAGE_1["slots"]
    ]
    assert events == [SlotSet("offered_slots", offered), SlotSet("offered_until", "2026-11-26T10:00:00+01:00")]
    (question,) = messages
    assert question["buttons"][:4] == slot_buttons("ar", offered)
    assert payloads(question)[4:] == ['/choose{"choice": "more"}', '/choose{"choice": "call"}']
    assert all(b["title"] for b in question["buttons"])
    assert question["text"].count("\n") == 1  # the intro, and what "with interpreter" means
    (call,) = api.calls("GET", SLOTS_PATH)
    assert call.query == {"language": "ar", "limit": "4"}


async def test_ask_appointment_slot_pages_on_after_the_last_time_shown(api) -> None:
    later = {
        "office_id": "hagen",
        "slots": [free("sgmxdeojzgi2tanrqfy2f2", "2026-11-30T08:00:00+01:00", "2026-11-30T08:45:00+01:00")],
    }
    api.reply("GET", SLOTS_PATH, Reply(200, later))
    state = asked(
        "appointment_slot",
        text='/choose{"choice": "more"}',
        intent="choose",
        language="en",
        slot_page_after=OFFERED_UNTIL,
        office_id="hagen",
    )

    events, messages = await run(ActionAskAppointmentSlot(), state)

    offered = [{"id": "sgmxdeojzgi2tanrqfy2f2", "start": "2026-11-30T08:00:00+01:00", "interpreter_needed": False}]
    assert events == [SlotSet("offered_slots", offered), SlotSet("offered_until", "2026-11-30T08:00:00+01:00")]
    (question,) = messages
    assert question["buttons"][:1] == slot_buttons("en", offered)
    assert "\n" not in question["text"]  # no interpreter note without an interpreter slot
    (call,) = api.calls("GET", SLOTS_PATH)
    assert call.query == {"language": "en", "limit": "4", "after": OFFERED_UNTIL}


@pytest.mark.parametrize("after", [None, OFFERED_UNTIL], ids=["none at all", "no more"])
async def test_ask_appointment_slot_without_free_times_ends_with_the_office_phone(api, after) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("GET", SLOTS_PATH, Reply(200, {"office_id": "hagen", "slots": []}))
    state = asked("appointment_slot", text="/affirm", intent="affirm", language="tr", slot_page_after=after)

    events, messages = await run(ActionAskAppointmentSlot(), state)

    assert events == [SlotSet("flow_stop", "no_slots"), ActiveLoop(None), SlotSet("requested_slot", None)]
    (apology,) = messages
    assert apology["text"].endswith("\n\n" + office_contact("tr")) and apology["buttons"] == []


async def test_ask_appointment_slot_while_the_service_is_down_ends_with_a_way_on(api) -> None:
    api.reply("GET", SLOTS_PATH, unavailable())
    state = asked("appointment_slot", text="/affirm", intent="affirm", language="de")

    events, messages = await run(ActionAskAppointmentSlot(), state)

    assert events == [SlotSet("flow_stop", "unavailable"), ActiveLoop(None), SlotSet("requested_slot", None)]
    (apology,) = messages
    assert apology["text"].startswith(T("de", "Sorry, I cannot load the free times right now. Please call the office:"))
    assert apology["text"].endswith(no_office_hint("de"))  # the office itself could not be loaded either


async def test_ask_appointment_slot_without_an_office_ends_the_booking_instead_of_crashing(api) -> None:
    state = asked("appointment_slot", text="/affirm", intent="affirm", office_id=None)

    events, messages = await run(ActionAskAppointmentSlot(), state)

    assert ActiveLoop(None) in events and slot_values([e for e in events if e["event"] == "slot"])["flow_stop"]
    assert len(messages) == 1 and messages[0]["text"]


async def test_ask_contact_name_and_phone() -> None:
    events, messages = await run(ActionAskContactName(), asked("contact_name", text="2", language="bs"))
    assert (events, messages) == ([], [{"text": T("bs", "What is your name?"), "buttons": []}])

    events, messages = await run(ActionAskContactPhone(), asked("contact_phone", text="Amina Haddad", language="bs"))
    assert (events, messages) == (
        [],
        [
            {
                "text": T("bs", "How can the office reach you? Please write your phone number or email address."),
                "buttons": [],
            }
        ],
    )


@pytest.mark.parametrize(
    ("action", "requested", "text"),
    [
        (ActionAskContactPhone(), "contact_phone", "Ahmad Al Hassan"),
        (ActionAskBookingConfirmed(), "booking_confirmed", "jean-pierre.dubois@gmail.com"),
    ],
    ids=["after the name", "after the email"],
)
async def test_a_name_or_an_email_does_not_switch_the_language(action, requested, text) -> None:
    slots = answered_until(requested, "en", language_chosen=None, office_id=None)
    state = tracker(text=text, intent="inform", confidence=0.6, form="booking_form", slots=slots)

    events, _messages = await run(action, state)

    assert events == []


async def test_ask_booking_confirmed_summarises_everything(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    state = asked("booking_confirmed", text="0170 1234567", language="ar", appointment_slot=SLOT_3)

    events, messages = await run(ActionAskBookingConfirmed(), state)

    assert events == []
    (summary,) = messages
    names = topic_names("ar")
    start = datetime(2026, 11, 25, 13, 30, tzinfo=BERLIN_WINTER)
    assert summary["text"].split("\n") == [
        T("ar", "Please check your appointment:"),
        T("ar", "When: {when} (German time)").format(when=format_when(start, "ar")),
        T("ar", "Where: {office}, {address}").format(office=OFFICE["name"], address=OFFICE["address"]),
        T("ar", "Name: {name}").format(name=NAME),
        T("ar", "Contact: {contact}").format(contact=PHONE),
        T("ar", "Topics: {topics}").format(topics=", ".join([names["housing"], names["family"]])),
        T("ar", "An interpreter will be arranged for you."),
    ]
    assert payloads(summary) == ["/affirm", '/choose{"choice": "change_time"}', "/deny"]
    assert all(b["title"] for b in summary["buttons"])


async def test_ask_booking_confirmed_shows_the_email_when_there_is_no_phone(api) -> None:
    state = asked(
        "booking_confirmed",
        text=EMAIL,
        language="en",
        office_id=None,
        contact_phone=None,
        contact_email=EMAIL,
        topics=None,
    )

    _events, messages = await run(ActionAskBookingConfirmed(), state)

    lines = messages[0]["text"].split("\n")
    assert T("en", "Contact: {contact}").format(contact=EMAIL) in lines
    assert not any(line.startswith(T("en", "Topics: {topics}").split("{")[0]) for line in lines)
    assert T("en", "An interpreter will be arranged for you.") not in lines  # SLOT_1 has staff speaking the language


# ------------------------------------------------------------------------------------------ start booking


async def test_start_booking_takes_need_and_topics_from_the_first_message() -> None:
    text = "Ich suche eine Wohnung für meine Familie"
    state = tracker(
        text=text,
        intent="describe_need",
        slots={"language": "de"},
        entities=[entity("topic", "family"), entity("topic", "housing")],
    )

    events, messages = await run(ActionStartBooking(), state)

    assert events == [SlotSet("topics", ["housing", "family"]), SlotSet("concern", text)]
    assert messages == []


async def test_start_booking_after_a_finished_booking_starts_clean() -> None:
    slots = {**answered_until(None, "ru"), "booking_reference": REFERENCE, "booking_confirmed": None}
    state = tracker(text="/book_appointment", intent="book_appointment", slots=slots)

    events, _messages = await run(ActionStartBooking(), state)

    assert events == [
        SlotSet(slot, None)
        for slot in (
            "topics",
            "concern",
            "consent_given",
            "consent_given_at",
            "appointment_slot",
            "offered_slots",
            "offered_until",
            "slot_page_after",
            "booking_confirmed",
            "flow_stop",
            "idempotency_key",
        )
    ]


async def test_start_booking_keeps_what_a_first_booking_attempt_collected() -> None:
    state = tracker(text="/book_appointment", intent="book_appointment", slots=answered_until(None, "tr"))

    events, _messages = await run(ActionStartBooking(), state)

    assert events == []


# ---------------------------------------------------------------------------------------------- submit


def confirmed(language: str = "ar", **overrides: Any):
    """The moment after the last answer: the form is done and the submit action runs."""
    return tracker(
        text="/affirm",
        intent="affirm",
        metadata={"channel": "telegram"},
        slots={**answered_until(None, language), **overrides},
    )


def booked_text(language: str, booking: dict[str, Any] = BOOKED) -> list[str]:
    start = datetime.fromisoformat(booking["start"])
    return [
        T(language, "Booking code: {reference}").format(reference=booking["reference"]),
        T(language, "When: {when} (German time)").format(when=format_when(start, language)),
        T(language, "Where: {office}, {address}").format(office=OFFICE["name"], address=OFFICE["address"]),
        T(language, "Add it to your calendar: {url}").format(url=booking["calendar_url"]),
    ]


async def test_submit_books_with_the_contract_body_and_confirms(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("POST", BOOKINGS, Reply(201, BOOKED))

    events, messages = await run(ActionSubmitBooking(), confirmed("ar"))

    assert events == [
        SlotSet("booking_reference", REFERENCE),
        SlotSet("appointment_slot", None),
        SlotSet("offered_slots", None),
        SlotSet("idempotency_key", None),
        SlotSet("booking_confirmed", None),
        ActiveLoop(None),
    ]
    (confirmation,) = messages
    lines = confirmation["text"].split("\n")
    assert T("ar", "Your appointment is booked.") == lines[0]
    assert all(line in lines for line in booked_text("ar"))
    assert T("ar", "An interpreter will be arranged for you.") not in lines
    assert confirmation["custom"] == {"calendar_url": BOOKED["calendar_url"], "booking_reference": REFERENCE}
    assert confirmation["buttons"] == []
    (call,) = api.calls("POST", BOOKINGS)
    assert call.body == {
        "slot_id": SLOT_1,
        "language": "ar",
        "channel": "telegram",
        "topics": ["housing", "family"],
        "concern": CONCERN,
        "contact": {"name": NAME, "phone": PHONE, "email": ""},
        "consent": {"version": CONSENT_VERSION, "language": "ar", "given_at": CONSENT_AT},
        "municipality": "Hagen",
    }
    assert call.headers["Idempotency-Key"] == KEY
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_submit_with_email_and_interpreter(api) -> None:
    api.reply("POST", BOOKINGS, Reply(201, {**BOOKED, "interpreter_needed": True, "language": "en"}))
    state = tracker(
        text="yes, book it",
        intent="affirm",
        slots={
            **answered_until(None, "en"),
            "contact_phone": None,
            "contact_email": EMAIL,
            "office_id": None,
            "topics": None,
        },
    )

    events, messages = await run(ActionSubmitBooking(), state)

    assert events[0] == SlotSet("booking_reference", REFERENCE)
    assert T("en", "An interpreter will be arranged for you.") in messages[0]["text"].split("\n")
    (call,) = api.calls("POST", BOOKINGS)
    assert call.body["contact"] == {"name": NAME, "phone": "", "email": EMAIL}
    assert call.body["topics"] == [] and call.body["channel"] == "web"


async def test_submit_retries_a_lost_answer_with_the_same_idempotency_key(api) -> None:
    api.reply("POST", BOOKINGS, unavailable(), Reply(201, BOOKED))

    events, _messages = await run(ActionSubmitBooking(), confirmed("ar", office_id=None))

    assert events[0] == SlotSet("booking_reference", REFERENCE)
    assert [c.headers["Idempotency-Key"] for c in api.calls("POST", BOOKINGS)] == [KEY, KEY]


async def test_submit_while_the_service_is_down_apologises_with_the_phone_and_loses_nothing(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("POST", BOOKINGS, unavailable())
    state = confirmed("ru")

    events, messages = await run(ActionSubmitBooking(), state)

    assert events == [SlotSet("flow_stop", None), SlotSet("idempotency_key", KEY)]  # answers, slot and key stay
    (apology,) = messages
    assert apology["text"].endswith("\n\n" + office_contact("ru")) and OFFICE["phone"] in apology["text"]
    assert apology["buttons"] == []
    assert [c.headers["Idempotency-Key"] for c in api.calls("POST", BOOKINGS)] == [KEY, KEY, KEY]

    # "book" a few minutes later: the same form answers come back, and so does the same key
    api.reply("POST", BOOKINGS, Reply(201, BOOKED))
    events, _messages = await run(ActionSubmitBooking(), state)

    assert events[0] == SlotSet("booking_reference", REFERENCE)
    assert {c.headers["Idempotency-Key"] for c in api.calls("POST", BOOKINGS)} == {KEY}


async def test_submit_keeps_the_key_it_made_for_the_retry(api) -> None:
    api.reply("POST", BOOKINGS, unavailable())

    events, _messages = await run(ActionSubmitBooking(), confirmed("de", idempotency_key=None, office_id=None))

    sent = {c.headers["Idempotency-Key"] for c in api.calls("POST", BOOKINGS)}
    assert len(sent) == 1
    assert SlotSet("idempotency_key", sent.pop()) in events


@pytest.mark.parametrize("code", ["slot_taken", "slot_unavailable"])
async def test_submit_when_the_slot_is_gone_asks_for_another_time(api, code) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("POST", BOOKINGS, Reply(409, {"code": code, "message": "this slot is no longer free"}))

    events, messages = await run(ActionSubmitBooking(), confirmed("tr"))

    assert events == [
        SlotSet("appointment_slot", None),
        SlotSet("booking_confirmed", None),
        SlotSet("slot_page_after", None),
        SlotSet("idempotency_key", None),
        FollowupAction("booking_form"),
    ]
    assert messages == [
        {"text": T("tr", "Sorry, someone has just booked this time. Please choose another one:"), "buttons": []}
    ]
    assert len(api.calls("POST", BOOKINGS)) == 1


@pytest.mark.parametrize("stop", ["declined", "no_fit"])
async def test_submit_without_a_booking_offers_the_office(api, stop) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    state = confirmed("fr", flow_stop=stop, booking_confirmed=False if stop == "declined" else None)

    events, messages = await run(ActionSubmitBooking(), state)

    assert events == []
    (message,) = messages
    assert message["text"].endswith("\n\n" + office_contact("fr")) and message["buttons"] == []
    assert api.calls("POST", BOOKINGS) == []


async def test_submit_after_no_consent_books_nothing_and_offers_the_office(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    state = tracker(
        text="/deny",
        intent="deny",
        slots={**answered_until("consent_given", "bs"), "consent_given": False, "flow_stop": "no_consent"},
    )

    events, messages = await run(ActionSubmitBooking(), state)

    assert events == [SlotSet("topics", None), SlotSet("concern", None)]  # the need is forgotten too
    (message,) = messages
    assert message["text"].endswith("\n\n" + office_contact("bs"))
    assert api.calls("POST", BOOKINGS) == []


async def test_submit_after_no_consent_forgets_the_need_collected_before_it(api) -> None:
    state = tracker(
        text="/deny",
        intent="deny",
        slots={**answered_until("consent_given", "de"), "consent_given": False, "flow_stop": "no_consent"},
    )

    events, _messages = await run(ActionSubmitBooking(), state)

    assert SlotSet("topics", None) in events and SlotSet("concern", None) in events


async def test_submit_outside_says_nothing_more(api) -> None:
    state = tracker(text="München", intent="inform_location", slots={"language": "de", "flow_stop": "outside"})

    assert await run(ActionSubmitBooking(), state) == ([], [])
    assert api.requests == []


@pytest.mark.parametrize(
    "reply",
    [
        Reply(401, {"code": "unauthorized", "message": "service token required"}),
        Reply(422, {"code": "invalid_request", "message": "contact.phone: not a phone number"}),
    ],
    ids=["401", "422"],
)
async def test_submit_refused_by_the_service_still_answers_with_the_office_phone(api, reply) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("POST", BOOKINGS, reply)

    events, messages = await run(ActionSubmitBooking(), confirmed("de"))

    assert len(messages) == 1 and OFFICE["phone"] in messages[0]["text"]
    assert SlotSet("booking_reference", REFERENCE) not in events


# ------------------------------------------------------ answers the NLU reads as something else (test stories)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("Samuel Mensah", "greet"), ("Nedim Kovačević", "ask_about_service"), ("Ali Hassan", "bot_challenge")],
)
async def test_a_name_is_a_name_whatever_intent_the_nlu_gives_it(text, intent) -> None:
    state = asked("contact_name", text=text, intent=intent, confidence=0.97)

    assert await extract("contact_name", state) == ({"contact_name": text}, [])


async def test_an_email_is_an_answer_even_when_read_as_out_of_scope() -> None:
    state = asked("contact_phone", text="amina@example.com", intent="out_of_scope", confidence=0.95)

    result, _messages = await extract("contact_phone", state)

    assert result == {"contact_phone": None, "contact_email": "amina@example.com"}


@pytest.mark.parametrize("text", ["Hallo!", "Danke schön", "مرحبا"])
async def test_small_talk_alone_is_still_no_name(text) -> None:
    state = asked("contact_name", text=text, intent="greet", confidence=0.97)

    assert await extract("contact_name", state) == ({}, [])


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [("abbrechen", "affirm", "de"), ("Abbrechen bitte", "affirm", "de"), ("no, cancel", "affirm", "en"),
     ("не надо", "affirm", "ru"), ("لا، إلغاء", "affirm", "ar"), ("hayır, iptal", "affirm", "tr")],
)  # fmt: skip
async def test_a_stop_word_never_confirms_a_booking(text, intent, language) -> None:
    state = asked(
        "booking_confirmed", text=text, intent=intent, confidence=1.0, language=language, appointment_slot=SLOT_3
    )

    result, _messages = await extract("booking_confirmed", state)

    assert result == {"booking_confirmed": False, "flow_stop": "declined"}


async def test_yes_book_it_confirms_although_it_reads_as_book_appointment() -> None:
    state = asked(
        "booking_confirmed", text="نعم، احجز الموعد", intent="book_appointment", confidence=0.97, language="ar",
        appointment_slot=SLOT_3, idempotency_key=KEY,
    )  # fmt: skip

    result, _messages = await extract("booking_confirmed", state)

    assert result == {"booking_confirmed": True, "idempotency_key": KEY}


# ------------------------------------------------------------- a place or office preset by the channel


async def test_start_booking_takes_the_place_the_page_presets(api) -> None:
    api.reply("GET", RESOLVE, Reply(200, FOUND))
    state = tracker(text="/book_appointment", intent="book_appointment", slots={"language": "ar"},
                    metadata={"channel": "web", "place": "Hagen"})  # fmt: skip

    events, messages = await run(ActionStartBooking(), state)

    assert events == [SlotSet("municipality", "Hagen"), SlotSet("office_id", "hagen")]
    assert messages == []
    assert [c.query for c in api.calls("GET", RESOLVE)] == [{"q": "Hagen", "lang": "ar"}]


@pytest.mark.parametrize(
    "reply", [Reply(200, AMBIGUOUS), Reply(200, {"status": "unknown", "matches": []}), unavailable()]
)
async def test_an_unclear_preset_changes_nothing_and_the_form_asks(api, reply) -> None:
    api.reply("GET", RESOLVE, reply)
    state = tracker(text="/book_appointment", intent="book_appointment", slots={"language": "de"},
                    metadata={"place": "Ha"})  # fmt: skip

    events, messages = await run(ActionStartBooking(), state)

    assert events == [] and messages == []


async def test_a_preset_never_overrides_where_they_said_they_live(api) -> None:
    state = tracker(text="/book_appointment", intent="book_appointment",
                    slots={"language": "de", "municipality": "Velbert", "office_id": "velbert"},
                    metadata={"place": "Hagen"})  # fmt: skip

    events, _messages = await run(ActionStartBooking(), state)

    assert events == []
    assert api.calls("GET", RESOLVE) == []


async def test_start_booking_maps_a_case_form_of_a_topic() -> None:
    text = "Нужна консультация по виду на жительство"
    state = tracker(text=text, intent="describe_need", entities=[entity("topic", "виду на жительство")])

    events, _messages = await run(ActionStartBooking(), state)

    assert SlotSet("topics", ["residence"]) in events
