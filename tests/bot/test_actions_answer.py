"""action_answer, action_fallback, action_greet and action_set_language, in the RasaHQ financial-demo style.

Each test builds a tracker with ``Tracker.from_dict``, runs one action with a ``CollectingDispatcher`` and asserts
the full list of events and every dispatched message. The booking API is the fake of ``conftest.py`` on 127.0.0.1,
reached through the actions' own shared client (``BOOKING_URL``/``BOOKING_SERVICE_TOKEN``).

Translations are being written while these tests exist, so texts are compared with
``translations(language).gettext(msgid)``, never with a hard-coded translation. The helpers at the top are shared
with ``test_actions_booking.py`` and ``test_actions_manage.py``.
"""

from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import booking_client
from bot.actions.answer import ActionAnswer, ActionFallback, fixed_answer, main_menu
from bot.actions.language import ActionGreet, ActionSetLanguage
from bot.actions.location import ActionSessionStart
from bot.consent import RETENTION_DAYS
from bot.i18n import LANGUAGES, NATIVE_NAMES, translations
from tests.bot.conftest import TOKEN, FakeBookingApi, Reply

REPO_ROOT = Path(__file__).resolve().parents[2]
DOMAIN: dict[str, Any] = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
SENDER = "9f3c1e7a-conversation"

# ------------------------------------------------------------------------------------------ shared helpers

# The booking API's shapes (booking/offices/views.py OfficeOut, places/views.py ResolveOut).
OFFICE = {
    "id": "hagen",
    "name": "Kommunales Case Management Hagen",
    "operator": "Stadt Hagen (Kommunales Integrationszentrum)",
    "address": "Rathaus II, Berliner Platz 22, 58089 Hagen",
    "phone": "02331 207-5820",
    "email": "case-management-hagen@demo.kim-frontdoor.example",
    "opening_hours": "Book an appointment by phone: Monday to Thursday 8:00–15:00, phone 02331 207-5820.",
    "serves": "For immigrants who live in Hagen.",
}
OFFICE_PATH = "/api/v1/offices/hagen"


def T(language: str, msgid: str) -> str:  # noqa: N802 - reads like gettext's "_"
    """The catalog's text for ``msgid`` in ``language`` (the msgid itself while it is untranslated)."""
    return translations(language).gettext(msgid)


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": 0, "extractor": "DIETClassifier"}


def tracker(
    *,
    text: str = "",
    intent: str | None = None,
    confidence: float = 0.97,
    entities: Iterable[dict[str, Any]] = (),
    slots: dict[str, Any] | None = None,
    form: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker as the action server receives it: every domain slot (None unless given), the last message."""
    values: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    values["requested_slot"] = None
    unknown = set(slots or {}) - set(values)
    assert not unknown, f"not slots of the domain: {unknown}"
    values.update(slots or {})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": list(entities),
        "metadata": metadata or {},
    }
    return Tracker.from_dict(
        {
            "sender_id": SENDER,
            "slots": values,
            "latest_message": latest,
            "events": [
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}},
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": form} if form else {},
            "latest_action_name": "action_listen",
        }
    )


async def run(action: Any, state: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action; its events and the (text, buttons, custom) of every message it sent."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, state, DOMAIN)
    return events, said(dispatcher)


def said(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    messages = []
    for message in dispatcher.messages:
        assert not (message["elements"] or message["image"] or message["attachment"] or message["response"])
        item = {"text": message["text"], "buttons": message["buttons"]}
        if message["custom"]:
            item["custom"] = message["custom"]
        messages.append(item)
    return messages


MENU_PAYLOADS = ["/book_appointment", "/ask_about_service", "/ask_eligibility", "/cancel_appointment"]


def menu(language: str) -> list[dict[str, str]]:
    """The main menu in ``language`` (pinned by test_main_menu_is_four_catalog_buttons_with_fixed_payloads)."""
    return main_menu(language)


def payloads(message: dict[str, Any]) -> list[str]:
    return [b["payload"] for b in message["buttons"]]


def office_contact(language: str, office: dict[str, str] = OFFICE) -> str:
    return "\n".join(
        [
            office["name"],
            office["address"],
            T(language, "Phone: {phone}").format(phone=office["phone"]),
            office["opening_hours"],
            T(language, "Email: {email}").format(email=office["email"]),
        ]
    )


def no_office_hint(language: str) -> str:
    return T(
        language,
        "Tell me the town where you live, and I will give you the phone number and opening hours of your KIM office.",
    )


def unavailable(code: str = "database_unavailable") -> Reply:
    return Reply(503, {"code": code, "message": "the database is not reachable, please try again shortly"})


@pytest.fixture(autouse=True, name="api")
async def api_fixture(booking_api: FakeBookingApi, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBookingApi]:
    """Every action test: the actions' shared client talks to the fake API (never to a real service on :8000)."""
    monkeypatch.setenv("BOOKING_URL", booking_api.url)
    monkeypatch.setenv("BOOKING_SERVICE_TOKEN", TOKEN)
    await booking_client.close_client()  # get_client() caches one client per process: start from the env above
    try:
        yield booking_api
    finally:
        await booking_client.close_client()


# ------------------------------------------------------------------------------------------ action_answer

FIRST_QUESTIONS = (
    "ask_about_service",
    "ask_eligibility",
    "ask_cost",
    "ask_languages",
    "ask_privacy",
    "bot_challenge",
    "out_of_scope",
)
SOME_LANGUAGES = ("de", "ar", "ru", "tr", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_main_menu_is_four_catalog_buttons_with_fixed_payloads(language) -> None:
    assert main_menu(language) == [
        {"title": T(language, "Book an appointment"), "payload": "/book_appointment"},
        {"title": T(language, "What is KIM?"), "payload": "/ask_about_service"},
        {"title": T(language, "Who can come?"), "payload": "/ask_eligibility"},
        {"title": T(language, "Cancel or move an appointment"), "payload": "/cancel_appointment"},
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_first_question_has_its_own_answer(language) -> None:
    answers = {intent: fixed_answer(intent, language) for intent in FIRST_QUESTIONS}
    generic = fixed_answer("an_intent_without_answer", language)

    assert all(answers.values())
    assert len(set(answers.values())) == len(FIRST_QUESTIONS)  # none falls back to another's text
    assert generic not in answers.values()
    assert str(RETENTION_DAYS) in answers["ask_privacy"]  # the retention period is filled in


def answer_text(intent: str, language: str) -> str:
    """The catalog answer to a first question (its wording is the translators' and the product's, not the test's)."""
    return fixed_answer(intent, language)


@pytest.mark.parametrize("language", SOME_LANGUAGES)
@pytest.mark.parametrize("intent", FIRST_QUESTIONS)
async def test_answer_outside_a_form_offers_the_main_menu(api, intent, language) -> None:
    state = tracker(text=f"/{intent}", intent=intent, slots={"language": language, "language_chosen": True})

    events, messages = await run(ActionAnswer(), state)

    assert events == []
    assert messages == [{"text": answer_text(intent, language), "buttons": menu(language)}]
    assert api.requests == []


@pytest.mark.parametrize("language", SOME_LANGUAGES)
@pytest.mark.parametrize("intent", FIRST_QUESTIONS)
async def test_answer_inside_a_form_has_no_main_menu(api, intent, language) -> None:
    state = tracker(
        text=f"/{intent}",
        intent=intent,
        slots={"language": language, "language_chosen": True, "requested_slot": "contact_name"},
        form="booking_form",
    )

    events, messages = await run(ActionAnswer(), state)

    assert events == []
    assert messages == [{"text": answer_text(intent, language), "buttons": []}]


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("Сколько стоит такая консультация?", "ask_cost", "ru"),
        ("هل الاستشارة مجانية أم يجب أن أدفع؟", "ask_cost", "ar"),
        ("Danışmanlık hangi dillerde yapılıyor acaba?", "ask_languages", "tr"),
        ("Est-ce que je peux venir aussi sans titre de séjour ?", "ask_eligibility", "fr"),
        ("Ko može doći na savjetovanje kod vas?", "ask_eligibility", "bs"),
        ("Are you a real person or a computer?", "bot_challenge", "en"),
    ],
)
async def test_answer_follows_the_language_the_person_writes_in(text, intent, language) -> None:
    state = tracker(text=text, intent=intent, slots={"language": "de"})

    events, messages = await run(ActionAnswer(), state)

    assert events == [SlotSet("language", language)]
    assert messages == [{"text": answer_text(intent, language), "buttons": menu(language)}]


async def test_answer_keeps_a_chosen_language_whatever_is_written() -> None:
    state = tracker(
        text="Сколько стоит такая консультация?", intent="ask_cost", slots={"language": "tr", "language_chosen": True}
    )

    events, messages = await run(ActionAnswer(), state)

    assert events == []
    assert messages == [{"text": answer_text("ask_cost", "tr"), "buttons": menu("tr")}]


async def test_first_message_without_a_language_sets_the_default() -> None:
    state = tracker(text="/ask_cost", intent="ask_cost")

    events, messages = await run(ActionAnswer(), state)

    assert events == [SlotSet("language", "de")]
    assert messages == [{"text": answer_text("ask_cost", "de"), "buttons": menu("de")}]


async def test_first_message_takes_the_channels_language_hint() -> None:
    state = tracker(text="/ask_cost", intent="ask_cost", metadata={"channel": "telegram", "language": "ar"})

    events, messages = await run(ActionAnswer(), state)

    assert events == [SlotSet("language", "ar")]
    assert messages == [{"text": answer_text("ask_cost", "ar"), "buttons": menu("ar")}]


@pytest.mark.parametrize(("intent", "msgid"), [("thank", "You are welcome!"), ("goodbye", "Goodbye and all the best!")])
async def test_thanks_and_goodbye_need_no_menu(intent, msgid) -> None:
    state = tracker(text=f"/{intent}", intent=intent, slots={"language": "bs", "language_chosen": True})

    events, messages = await run(ActionAnswer(), state)

    assert events == []
    assert messages == [{"text": T("bs", msgid), "buttons": []}]


@pytest.mark.parametrize("form", [None, "booking_form"])
async def test_ask_contact_with_a_known_office_gives_its_phone_hours_and_email(api, form) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    state = tracker(
        text="/ask_contact",
        intent="ask_contact",
        form=form,
        slots={"language": "ru", "language_chosen": True, "office_id": "hagen"},
    )

    events, messages = await run(ActionAnswer(), state)

    assert events == []
    expected_buttons = [] if form else menu("ru")  # outside a form the main menu comes with the answer
    assert messages == [
        {
            "text": T("ru", "You can reach the case management directly:") + "\n\n" + office_contact("ru"),
            "buttons": expected_buttons,
        }
    ]
    (call,) = api.requests
    assert (call.method, call.path, call.query) == ("GET", OFFICE_PATH, {"lang": "ru"})


async def test_ask_contact_without_an_office_asks_where_they_live(api) -> None:
    state = tracker(text="/ask_contact", intent="ask_contact", slots={"language": "fr", "language_chosen": True})

    events, messages = await run(ActionAnswer(), state)

    assert events == []
    assert messages == [
        {
            "text": T("fr", "You can talk to a case manager by phone or in person.") + "\n\n" + no_office_hint("fr"),
            "buttons": menu("fr"),
        }
    ]
    assert api.requests == []


async def test_ask_contact_while_the_booking_service_is_down_still_answers(api) -> None:
    api.reply("GET", OFFICE_PATH, unavailable())
    state = tracker(
        text="/ask_contact",
        intent="ask_contact",
        slots={"language": "de", "language_chosen": True, "office_id": "hagen"},
    )

    events, messages = await run(ActionAnswer(), state)

    assert events == []
    assert messages == [
        {
            "text": T("de", "You can talk to a case manager by phone or in person.") + "\n\n" + no_office_hint("de"),
            "buttons": menu("de"),
        }
    ]


@pytest.mark.parametrize("form", [None, "booking_form"])
async def test_eligibility_adds_who_the_known_office_serves(api, form) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    state = tracker(
        text="/ask_eligibility",
        intent="ask_eligibility",
        form=form,
        slots={"language": "tr", "language_chosen": True, "office_id": "hagen"},
    )

    events, messages = await run(ActionAnswer(), state)

    assert events == []
    assert [m["text"] for m in messages] == [answer_text("ask_eligibility", "tr") + "\n\n" + OFFICE["serves"]]
    if form:
        assert messages[0]["buttons"] == []


@pytest.mark.parametrize(("intent", "office_id"), [("ask_eligibility", "hagen"), ("ask_contact", None)])
async def test_every_first_question_answer_outside_a_form_offers_the_main_menu(api, intent, office_id) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    state = tracker(
        text=f"/{intent}", intent=intent, slots={"language": "en", "language_chosen": True, "office_id": office_id}
    )

    _events, messages = await run(ActionAnswer(), state)

    assert [m["buttons"] for m in messages] == [menu("en")]


# ---------------------------------------------------------------------------------------- action_fallback


async def test_fallback_with_a_known_office_offers_its_contact_and_the_menu(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    state = tracker(
        text="xyz qwe",
        intent="nlu_fallback",
        confidence=0.3,
        slots={"language": "ar", "language_chosen": True, "office_id": "hagen"},
    )

    events, messages = await run(ActionFallback(), state)

    assert events == []
    apology, choices = messages
    sorry, contact = apology["text"].split("\n\n", 1)
    assert sorry and contact == office_contact("ar") and apology["buttons"] == []
    assert choices == {"text": T("ar", "What would you like to do?"), "buttons": menu("ar")}
    (call,) = api.requests
    assert (call.path, call.query) == (OFFICE_PATH, {"lang": "ar"})


async def test_fallback_without_an_office_still_shows_a_way_on(api) -> None:
    state = tracker(text="?!", intent="nlu_fallback", confidence=0.2, slots={"language": "en"})

    events, messages = await run(ActionFallback(), state)

    assert events == []
    assert messages == [
        {"text": T("en", "Sorry, I did not understand that.") + "\n\n" + no_office_hint("en"), "buttons": []},
        {"text": T("en", "What would you like to do?"), "buttons": menu("en")},
    ]
    assert api.requests == []


async def test_fallback_answers_in_the_language_of_the_message() -> None:
    state = tracker(
        text="Ne anladım, bana yardım eder misiniz lütfen?",
        intent="nlu_fallback",
        confidence=0.4,
        slots={"language": "de"},
    )

    events, messages = await run(ActionFallback(), state)

    assert events == [SlotSet("language", "tr")]
    assert [m["text"] for m in messages] == [
        T("tr", "Sorry, I did not understand that.") + "\n\n" + no_office_hint("tr"),
        T("tr", "What would you like to do?"),
    ]


# ------------------------------------------------------------------------------------------- action_greet


def picker() -> list[dict[str, str]]:
    return [
        {"title": "Deutsch", "payload": '/choose_language{"language": "de"}'},
        {"title": "العربية", "payload": '/choose_language{"language": "ar"}'},
        {"title": "Русский", "payload": '/choose_language{"language": "ru"}'},
        {"title": "Bosanski", "payload": '/choose_language{"language": "bs"}'},
        {"title": "Türkçe", "payload": '/choose_language{"language": "tr"}'},
        {"title": "Français", "payload": '/choose_language{"language": "fr"}'},
        {"title": "English", "payload": '/choose_language{"language": "en"}'},
    ]


async def test_greet_shows_the_picker_with_native_names_until_a_language_is_chosen() -> None:
    state = tracker(text="Hallo", intent="greet")

    events, messages = await run(ActionGreet(), state)

    assert events == [SlotSet("language", "de")]
    hello, languages = messages
    assert hello["text"] and hello["buttons"] == menu("de")
    assert languages == {"text": T("de", "You can also write to me in your language:"), "buttons": picker()}
    assert [b["title"] for b in languages["buttons"]] == [NATIVE_NAMES[code] for code in LANGUAGES]


async def test_greet_in_arabic_answers_in_arabic_with_the_picker() -> None:
    state = tracker(text="مرحبا", intent="greet")

    events, messages = await run(ActionGreet(), state)

    assert events == [SlotSet("language", "ar")]
    hello, languages = messages
    assert hello["text"] and hello["buttons"] == menu("ar")
    assert languages == {"text": T("ar", "You can also write to me in your language:"), "buttons": picker()}


async def test_greet_after_a_language_was_chosen_has_no_picker() -> None:
    state = tracker(text="Hello there, good morning", intent="greet", slots={"language": "ru", "language_chosen": True})

    events, messages = await run(ActionGreet(), state)

    assert events == []
    (hello,) = messages
    assert hello["text"] and hello["buttons"] == menu("ru")


# ------------------------------------------------------------------------------------ action_set_language


@pytest.mark.parametrize("language", LANGUAGES)
async def test_set_language_switches_and_answers_in_the_new_language(language) -> None:
    old = "ar" if language != "ar" else "de"
    state = tracker(
        text=f'/choose_language{{"language": "{language}"}}',
        intent="choose_language",
        entities=[entity("language", language)],
        slots={"language": old},
    )

    events, messages = await run(ActionSetLanguage(), state)

    assert events == [SlotSet("language", language), SlotSet("language_chosen", True)]
    assert messages == [
        {
            "text": T(language, "Okay, from now on I will write in {language}.").format(
                language=NATIVE_NAMES[language]
            ),
            "buttons": [],
        }
    ]


async def test_set_language_from_a_typed_request_in_another_language() -> None:
    state = tracker(
        text="Можно по-турецки, пожалуйста?",
        intent="choose_language",
        entities=[entity("language", "tr")],
        slots={"language": "ru", "language_chosen": True},
    )

    events, messages = await run(ActionSetLanguage(), state)

    assert events == [SlotSet("language", "tr"), SlotSet("language_chosen", True)]
    assert messages == [
        {"text": T("tr", "Okay, from now on I will write in {language}.").format(language="Türkçe"), "buttons": []}
    ]


@pytest.mark.parametrize(
    ("language", "text", "code"),
    [
        ("bs", "Molim vas na njemačkom", "de"),
        ("ru", "Давайте перейдём на немецкий язык", "de"),
        ("de", "Können wir auf Arabisch weiterschreiben?", "ar"),
        ("fr", "Je préfère en anglais", "en"),  # "en" is a word here, not the code
        ("tr", "Türkçe devam edelim", "tr"),
    ],
)
async def test_set_language_named_in_the_text_when_the_nlu_tags_none(language, text, code) -> None:
    state = tracker(text=text, intent="choose_language", slots={"language": language})

    events, _messages = await run(ActionSetLanguage(), state)

    assert events == [SlotSet("language", code), SlotSet("language_chosen", True)]


@pytest.mark.parametrize(
    "text",
    [
        "Andere Sprache bitte",
        "Nema problema, može li na nekom drugom jeziku?",  # "nema" is "there is not", not "nemački"
        "Pas en anglais, en arabe",  # two languages: ask
        "/choose_language",
    ],
)
async def test_set_language_without_one_named_language_shows_the_picker(text) -> None:
    state = tracker(text=text, intent="choose_language", slots={"language": "de"})

    events, messages = await run(ActionSetLanguage(), state)

    assert SlotSet("language_chosen", True) not in events  # at most the language the message is written in
    assert len(messages) == 1 and messages[0]["buttons"] == picker()


@pytest.mark.parametrize("entities", [[], [entity("language", "es")]], ids=["no entity", "unsupported"])
async def test_set_language_without_a_supported_language_shows_the_picker(entities) -> None:
    state = tracker(text="Andere Sprache bitte", intent="choose_language", entities=entities, slots={"language": "de"})

    events, messages = await run(ActionSetLanguage(), state)

    assert events == []
    assert messages == [{"text": T("de", "Which language would you like?"), "buttons": picker()}]


@pytest.mark.parametrize(
    ("value", "code"),
    [("njemačkom", "de"), ("po-nemecki", "de"), ("немецком", "de"), ("Almanca", "de"), ("العربية", "ar"),
     ("anglais", "en"), ("na bosanskom", "bs"), ("русском", "ru"), ("Türkçe", "tr"), ("français", "fr"), ("fr", "fr"),
     ("Klingonisch", None)],
)  # fmt: skip
def test_language_names_the_nlu_leaves_unmapped_become_codes(value, code) -> None:
    from bot.actions.language import language_code

    assert language_code(value) == code


# ------------------------------------------------------------------------------- action_session_start


def session_start_tracker(metadata: dict[str, Any] | None) -> Tracker:
    state = tracker(text="", slots={})
    state.slots["session_started_metadata"] = metadata
    return state


async def test_session_start_presets_municipality_and_office_from_the_channel(api) -> None:
    found = {"status": "found", "matches": [{"municipality": "Hagen", "postal_codes": ["58095"],
             "district": "Stadt Hagen", "office": {k: OFFICE[k] for k in ("id", "name", "address", "phone",
             "opening_hours", "serves")}, "score": 100.0}]}  # fmt: skip
    api.reply("GET", "/api/v1/municipalities/resolve", Reply(200, found))
    metadata = {"channel": "telegram", "language": "ru", "place": "hagen"}

    events, messages = await run(ActionSessionStart(), session_start_tracker(metadata))

    assert events == [
        SessionStarted(),
        SlotSet("session_started_metadata", metadata),
        SlotSet("municipality", "Hagen"),
        SlotSet("office_id", "hagen"),
        ActionExecuted("action_listen"),
    ]
    assert messages == []
    assert api.calls("GET", "/api/v1/municipalities/resolve")[0].query == {"q": "hagen", "lang": "ru"}


async def test_session_start_presets_an_office_the_page_names(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    metadata = {"channel": "web", "office_id": "hagen"}

    events, _messages = await run(ActionSessionStart(), session_start_tracker(metadata))

    assert events == [
        SessionStarted(),
        SlotSet("session_started_metadata", metadata),
        SlotSet("office_id", "hagen"),
        ActionExecuted("action_listen"),
    ]


@pytest.mark.parametrize(
    "metadata, reply",
    [
        (None, None),
        ({"channel": "web"}, None),
        ({"office_id": "nowhere"}, Reply(404, {"detail": "Not Found"})),
        ({"office_id": "hagen"}, unavailable()),
    ],
)
async def test_session_start_without_a_usable_preset_is_rasas_usual_start(api, metadata, reply) -> None:
    if reply is not None:
        api.reply("GET", OFFICE_PATH if metadata["office_id"] == "hagen" else "/api/v1/offices/nowhere", reply)

    events, messages = await run(ActionSessionStart(), session_start_tracker(metadata))

    assert events[0] == SessionStarted() and events[-1] == ActionExecuted("action_listen")
    assert not any(e.get("name") in ("municipality", "office_id") for e in events)
    assert messages == []
