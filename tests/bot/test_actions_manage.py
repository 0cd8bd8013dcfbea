"""Cancel, move and erase an appointment, and "delete my data" (financial-demo style, fake booking API)."""

from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.manage import (
    ActionAskBookingReference,
    ActionAskDeleteConfirmed,
    ActionAskManageConfirmed,
    ActionAskSecondFactor,
    ActionStartDelete,
    ActionStartManage,
    ActionSubmitDelete,
    ActionSubmitManage,
    ValidateDeleteForm,
    ValidateManageForm,
    normalize_reference,
)
from bot.i18n import format_when
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
from tests.bot.test_actions_booking import BOOKED, EMAIL, OFFERED, OFFERED_UNTIL, PHONE, REFERENCE, SLOT_2, slot_values

MANAGE_SLOTS = ["booking_reference", "second_factor", "appointment_slot", "manage_confirmed"]
LOOKUP = "/api/v1/bookings/lookup"
CANCEL = f"/api/v1/bookings/{REFERENCE}/cancel"
RESCHEDULE = f"/api/v1/bookings/{REFERENCE}/reschedule"
ERASE = f"/api/v1/bookings/{REFERENCE}/erase"
OTHER_REFERENCE = "H2Q-7RT3"
START = "2026-11-24T08:00:00+01:00"
NEW_START = "2026-11-24T09:00:00+01:00"
CANCELLED = {**BOOKED, "status": "cancelled"}
MOVED = {**BOOKED, "start": NEW_START, "end": "2026-11-24T09:45:00+01:00"}
ERASED = {"reference": REFERENCE, "status": "cancelled", "erased": True}
NOT_VERIFIED = Reply(404, {"code": "verification_failed", "message": "reference and contact detail do not match"})
RESET = [
    "manage_confirmed",
    "appointment_slot",
    "offered_slots",
    "offered_until",
    "slot_page_after",
    "flow_stop",
    "managed_start",
]
# Everything this conversation knows about the person and their booking (language and office stay usable).
PERSONAL = [
    "municipality",
    "office_id",
    "topics",
    "concern",
    "consent_given",
    "consent_given_at",
    "contact_name",
    "contact_phone",
    "contact_email",
    "booking_reference",
    "second_factor",
    "appointment_slot",
    "offered_slots",
    "offered_until",
    "slot_page_after",
    "booking_confirmed",
    "idempotency_key",
    "managed_start",
    "manage_operation",
    "manage_confirmed",
    "delete_confirmed",
    "flow_stop",
]
OWN_BOOKING = {
    "language": "de",
    "language_chosen": True,
    "municipality": "Hagen",
    "office_id": "hagen",
    "topics": ["residence"],
    "concern": "Meine Aufenthaltserlaubnis läuft ab",
    "consent_given": True,
    "consent_given_at": "2026-11-21T10:15:00+00:00",
    "contact_name": "Amina Haddad",
    "contact_phone": PHONE,
    "booking_reference": REFERENCE,
}


def started(operation: str, reference: str | None, **found: Any) -> list[dict[str, Any]]:
    """What action_start_manage returns: the form reset, the operation, the code, what the lookup found."""
    events = [SlotSet(slot, None) for slot in RESET]
    events += [SlotSet("manage_operation", operation), SlotSet("booking_reference", reference)]
    if found:
        events += [SlotSet("office_id", found["office_id"]), SlotSet("managed_start", found["managed_start"])]
    return events + [SlotSet("second_factor", found.get("second_factor"))]


def managing(
    requested: str | None,
    operation: str = "cancel",
    *,
    text: str = "",
    intent: str = "inform",
    confidence: float = 0.95,
    entities=(),
    language: str = "de",
    **slots: Any,
):
    """The manage form asking ``requested`` for ``operation`` (code and contact answered before it)."""
    values: dict[str, Any] = {
        "language": language,
        "language_chosen": True,
        "manage_operation": operation,
        "requested_slot": requested,
    }
    # What each answer brings along: the code; the verified contact with the office and the old time; a new time.
    answered = {
        "booking_reference": {"booking_reference": REFERENCE},
        "second_factor": {"second_factor": PHONE, "office_id": "hagen", "managed_start": START},
        "appointment_slot": (
            {"appointment_slot": SLOT_2, "offered_slots": OFFERED, "offered_until": OFFERED_UNTIL}
            if operation == "reschedule"
            else {}
        ),
    }
    for slot in MANAGE_SLOTS[: MANAGE_SLOTS.index(requested) if requested else len(MANAGE_SLOTS)]:
        values.update(answered.get(slot, {}))
    if requested == "appointment_slot":
        values.update(offered_slots=OFFERED, offered_until=OFFERED_UNTIL)
    values.update(slots)
    return tracker(text=text, intent=intent, confidence=confidence, entities=entities, form="manage_form", slots=values)


async def extract(form: Any, slot: str, state) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = await getattr(form, f"extract_{slot}")(dispatcher, state, DOMAIN)
    return result, said(dispatcher)


async def validate_factor(state, value: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = await ValidateManageForm().validate_second_factor(value, dispatcher, state, DOMAIN)
    return result, said(dispatcher)


# ------------------------------------------------------------------------------------------ booking codes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("k7m 4px9", "K7M-4PX9"),
        ("K7M-4PX9", "K7M-4PX9"),
        ("k7m4px9", "K7M-4PX9"),
        ("Mein Code ist k7m_4px9.", "K7M-4PX9"),
        ("code: K7M.4PX9, danke", "K7M-4PX9"),
        ("رمز الحجز K7M 4PX9", "K7M-4PX9"),
        ("h2q-7rt3", "H2Q-7RT3"),
    ],
)
def test_codes_are_read_however_they_are_typed(text, code) -> None:
    assert normalize_reference(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "Termin absagen",
        "Ich möchte meinen Termin verschieben",
        "cancel my appointment please",
        "SPRACHE",
        "Ausländerbehörde",
        "Хочу отменить запись",
        "أريد إلغاء موعدي",
        "randevumu iptal etmek istiyorum",
        "je veux annuler mon rendez-vous",
        "0170 1234567",
        "K7M-4PX",
        "K7M-4PX0",
        "",
    ],
)
def test_words_numbers_and_almost_codes_are_never_a_code(text) -> None:
    assert normalize_reference(text) is None


# --------------------------------------------------------------------------------------- start managing


async def test_start_cancel_prefills_this_conversations_booking(api) -> None:
    api.reply("POST", LOOKUP, Reply(200, BOOKED))
    state = tracker(text="Ich möchte meinen Termin absagen", intent="cancel_appointment", slots=OWN_BOOKING)

    events, messages = await run(ActionStartManage(), state)

    assert events == started("cancel", REFERENCE, office_id="hagen", managed_start=START, second_factor=PHONE)
    assert messages == []
    (call,) = api.requests
    assert (call.method, call.path) == ("POST", LOOKUP)
    assert call.body == {"reference": REFERENCE, "phone": PHONE, "email": ""}
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_start_reschedule_with_this_conversations_email(api) -> None:
    api.reply("POST", LOOKUP, Reply(200, BOOKED))
    slots = {**OWN_BOOKING, "contact_phone": None, "contact_email": EMAIL}
    state = tracker(text="/reschedule_appointment", intent="reschedule_appointment", slots=slots)

    events, _messages = await run(ActionStartManage(), state)

    assert events == started("reschedule", REFERENCE, office_id="hagen", managed_start=START, second_factor=EMAIL)
    assert api.requests[0].body == {"reference": REFERENCE, "phone": "", "email": EMAIL}


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("Ich möchte meinen Termin k7m 4px9 verschieben", []),
        ("Termin K7M4PX9 verschieben", [entity("booking_reference", "K7M4PX9")]),
    ],
    ids=["typed", "entity"],
)
async def test_start_with_a_typed_code_asks_for_the_contact(api, text, entities) -> None:
    state = tracker(
        text=text, intent="reschedule_appointment", entities=entities, slots={"language": "de", "language_chosen": True}
    )

    events, messages = await run(ActionStartManage(), state)

    assert events == started("reschedule", REFERENCE)
    assert messages == []
    assert api.requests == []


async def test_start_with_another_code_never_sends_this_conversations_contact(api) -> None:
    state = tracker(text=f"Bitte {OTHER_REFERENCE.lower()} absagen", intent="cancel_appointment", slots=OWN_BOOKING)

    events, _messages = await run(ActionStartManage(), state)

    assert events == started("cancel", OTHER_REFERENCE)
    assert api.requests == []


async def test_start_with_the_own_code_typed_again_prefills(api) -> None:
    api.reply("POST", LOOKUP, Reply(200, BOOKED))
    state = tracker(text="K7M 4PX9 absagen", intent="cancel_appointment", slots=OWN_BOOKING)

    events, _messages = await run(ActionStartManage(), state)

    assert events == started("cancel", REFERENCE, office_id="hagen", managed_start=START, second_factor=PHONE)


@pytest.mark.parametrize("reply", [NOT_VERIFIED, unavailable()], ids=["not found", "service down"])
async def test_start_when_the_own_booking_cannot_be_checked_the_form_asks(api, reply) -> None:
    api.reply("POST", LOOKUP, reply)
    state = tracker(text="/cancel_appointment", intent="cancel_appointment", slots=OWN_BOOKING)

    events, messages = await run(ActionStartManage(), state)

    assert events == started("cancel", REFERENCE)
    assert messages == []
    assert len(api.calls("POST", LOOKUP)) == 1  # a lookup is not retried on 503


async def test_start_without_any_booking(api) -> None:
    state = tracker(text="/cancel_appointment", intent="cancel_appointment", slots={"language": "tr"})

    events, _messages = await run(ActionStartManage(), state)

    assert events == started("cancel", None)
    assert api.requests == []


async def test_start_in_another_language_records_it_first() -> None:
    state = tracker(text="Я хочу отменить свою запись", intent="cancel_appointment", slots={"language": "de"})

    events, _messages = await run(ActionStartManage(), state)

    assert events == [SlotSet("language", "ru")] + started("cancel", None)


# ----------------------------------------------------------------------------------------- manage form


@pytest.mark.parametrize(
    ("operation", "flow_stop", "expected"),
    [
        ("cancel", None, ["booking_reference", "second_factor", "manage_confirmed"]),
        ("erase", None, ["booking_reference", "second_factor", "manage_confirmed"]),
        ("reschedule", None, MANAGE_SLOTS),
        ("reschedule", "not_active", []),
        ("cancel", "unavailable", []),
    ],
)
async def test_manage_required_slots(operation, flow_stop, expected) -> None:
    state = managing("booking_reference", operation, flow_stop=flow_stop)

    assert await ValidateManageForm().required_slots(MANAGE_SLOTS, CollectingDispatcher(), state, DOMAIN) == expected


def test_the_domain_manage_form() -> None:
    assert DOMAIN["forms"]["manage_form"]["required_slots"] == MANAGE_SLOTS
    assert DOMAIN["forms"]["delete_form"]["required_slots"] == ["delete_confirmed"]


@pytest.mark.parametrize(
    ("text", "entities"),
    [("k7m 4px9", []), ("Mein Code ist K7M 4PX9", [entity("booking_reference", "K7M 4PX9")])],
)
async def test_extract_booking_reference(text, entities) -> None:
    state = managing("booking_reference", text=text, entities=entities, booking_reference=None)

    assert await extract(ValidateManageForm(), "booking_reference", state) == ({"booking_reference": REFERENCE}, [])


@pytest.mark.parametrize("text", ["keine Ahnung", "Termin absagen bitte", "1234567"])
async def test_extract_booking_reference_explains_the_format(text) -> None:
    state = managing("booking_reference", text=text, language="ar", booking_reference=None)

    assert await extract(ValidateManageForm(), "booking_reference", state) == (
        {"booking_reference": None},
        [
            {
                "text": T("ar", "A booking code has 7 letters and digits, for example K7M-4PX9. Please try again."),
                "buttons": [],
            }
        ],
    )


@pytest.mark.parametrize(("text", "factor"), [("0170 1234567", PHONE), (f"Meine Mail ist {EMAIL}", EMAIL)])
async def test_extract_second_factor(text, factor) -> None:
    state = managing("second_factor", text=text)

    assert await extract(ValidateManageForm(), "second_factor", state) == ({"second_factor": factor}, [])


async def test_extract_second_factor_asks_again_for_something_else() -> None:
    state = managing("second_factor", text="weiß ich nicht mehr", language="fr")

    assert await extract(ValidateManageForm(), "second_factor", state) == (
        {"second_factor": None},
        [{"text": T("fr", "Please write the phone number or email address you gave when booking."), "buttons": []}],
    )


async def test_the_right_second_factor_sets_office_and_start(api) -> None:
    api.reply("POST", LOOKUP, Reply(200, BOOKED))
    state = managing("second_factor", text="0170 1234567", office_id=None, managed_start=None)

    assert await validate_factor(state, PHONE) == (
        {"second_factor": PHONE, "office_id": "hagen", "managed_start": START},
        [],
    )
    (call,) = api.requests
    assert call.body == {"reference": REFERENCE, "phone": PHONE, "email": ""}


async def test_a_wrong_second_factor_resets_code_and_contact(api) -> None:
    api.reply("POST", LOOKUP, NOT_VERIFIED)
    state = managing("second_factor", text=EMAIL, language="tr", office_id=None, managed_start=None)

    assert await validate_factor(state, EMAIL) == (
        {"second_factor": None, "booking_reference": None},
        [
            {
                "text": T(
                    "tr",
                    "I could not find an appointment with this booking code and this phone number or email. "
                    "Please check the code.",
                ),
                "buttons": [],
            }
        ],
    )
    assert api.requests[0].body == {"reference": REFERENCE, "phone": "", "email": EMAIL}


@pytest.mark.parametrize("operation", ["cancel", "reschedule"])
async def test_an_already_cancelled_booking_ends_the_form(api, operation) -> None:
    api.reply("POST", LOOKUP, Reply(200, CANCELLED))
    state = managing("second_factor", operation, text="0170 1234567", language="ru")

    assert await validate_factor(state, PHONE) == (
        {"second_factor": PHONE, "flow_stop": "not_active"},
        [{"text": T("ru", "This appointment is already cancelled."), "buttons": menu("ru")}],
    )


async def test_a_cancelled_booking_can_still_be_erased(api) -> None:
    api.reply("POST", LOOKUP, Reply(200, CANCELLED))
    state = managing("second_factor", "erase", text="0170 1234567")

    assert await validate_factor(state, PHONE) == (
        {"second_factor": PHONE, "office_id": "hagen", "managed_start": START},
        [],
    )


@pytest.mark.parametrize("office_id", ["hagen", None], ids=["office known", "no office"])
async def test_checking_while_the_service_is_down_ends_with_a_way_on(api, office_id) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("POST", LOOKUP, unavailable())
    state = managing("second_factor", text="0170 1234567", language="en", office_id=office_id)

    result, messages = await validate_factor(state, PHONE)

    assert result == {"second_factor": PHONE, "flow_stop": "unavailable"}
    (apology,) = messages
    way_on = office_contact("en") if office_id else no_office_hint("en")
    assert apology["text"].endswith("\n\n" + way_on) and apology["buttons"] == []
    assert len(api.calls("POST", LOOKUP)) == 1


async def test_run_right_factor_asks_for_the_confirmation_next(api) -> None:
    api.reply("POST", LOOKUP, Reply(200, BOOKED))
    state = managing("second_factor", text="0170 1234567", second_factor=None, office_id=None, managed_start=None)

    events, messages = await run(ValidateManageForm(), state)

    assert events == [
        SlotSet("second_factor", PHONE),
        SlotSet("office_id", "hagen"),
        SlotSet("managed_start", START),
        SlotSet("requested_slot", "manage_confirmed"),
    ]
    assert messages == []


async def test_run_wrong_factor_asks_for_the_code_again(api) -> None:
    api.reply("POST", LOOKUP, NOT_VERIFIED)
    state = managing("second_factor", text="0170 7654321", second_factor=None, office_id=None, managed_start=None)

    events, messages = await run(ValidateManageForm(), state)

    assert events == [
        SlotSet("second_factor", None),
        SlotSet("booking_reference", None),
        SlotSet("requested_slot", "booking_reference"),
    ]
    assert len(messages) == 1


async def test_run_already_cancelled_ends_the_form(api) -> None:
    api.reply("POST", LOOKUP, Reply(200, CANCELLED))
    state = managing("second_factor", "reschedule", text="0170 1234567", second_factor=None)

    events, _messages = await run(ValidateManageForm(), state)

    assert events == [
        SlotSet("second_factor", PHONE),
        SlotSet("flow_stop", "not_active"),
        SlotSet("requested_slot", None),
    ]


async def test_extract_new_time_for_reschedule() -> None:
    state = managing(
        "appointment_slot",
        "reschedule",
        text=f'/choose{{"choice": "{SLOT_2}"}}',
        intent="choose",
        entities=[entity("choice", SLOT_2)],
    )

    assert await extract(ValidateManageForm(), "appointment_slot", state) == ({"appointment_slot": SLOT_2}, [])


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        pytest.param("more", {"appointment_slot": None, "slot_page_after": OFFERED_UNTIL}, id="more"),
        pytest.param("call", {"flow_stop": "no_fit", "requested_slot": None}, id="call"),
    ],
)
async def test_run_reschedule_more_or_call_reach_rasa(choice, expected) -> None:
    state = managing(
        "appointment_slot",
        "reschedule",
        text=f'/choose{{"choice": "{choice}"}}',
        intent="choose",
        entities=[entity("choice", choice)],
        appointment_slot=None,
    )

    events, _messages = await run(ValidateManageForm(), state)

    values = slot_values(events)
    assert set(expected) <= set(values), f"not handed to Rasa: {sorted(set(expected) - set(values))}"
    assert {name: values[name] for name in expected} == expected


@pytest.mark.parametrize(("intent", "answer"), [("affirm", True), ("deny", False)])
async def test_extract_manage_confirmed(intent, answer) -> None:
    state = managing("manage_confirmed", text=f"/{intent}", intent=intent)

    assert await extract(ValidateManageForm(), "manage_confirmed", state) == ({"manage_confirmed": answer}, [])


async def test_extract_manage_confirmed_asks_for_yes_or_no() -> None:
    state = managing("manage_confirmed", text="hmm", intent="out_of_scope", confidence=0.5, language="bs")

    assert await extract(ValidateManageForm(), "manage_confirmed", state) == (
        {"manage_confirmed": None},
        [{"text": T("bs", "Please answer with yes or no."), "buttons": []}],
    )


@pytest.mark.parametrize("slot", MANAGE_SLOTS)
async def test_manage_form_interruptions_are_no_answer(api, slot) -> None:
    state = managing(
        slot, "reschedule", text="Wer darf zu euch kommen? 0170 1234567", intent="ask_eligibility", confidence=0.9
    )

    assert await extract(ValidateManageForm(), slot, state) == ({}, [])
    assert api.requests == []


@pytest.mark.parametrize("form", ["manage_form", "delete_form"])
async def test_wanting_to_book_instead_interrupts_manage_and_delete(form) -> None:
    text = "Ich möchte lieber einen neuen Termin buchen"
    if form == "manage_form":
        result = await extract(
            ValidateManageForm(),
            "booking_reference",
            managing(
                "booking_reference", text=text, intent="book_appointment", confidence=0.96, booking_reference=None
            ),
        )
    else:
        state = tracker(
            text=text,
            intent="book_appointment",
            confidence=0.96,
            form="delete_form",
            slots={"language": "de", "requested_slot": "delete_confirmed"},
        )
        result = await extract(ValidateDeleteForm(), "delete_confirmed", state)

    assert result == ({}, [])


# ---------------------------------------------------------------------------------------- manage questions


async def test_ask_booking_reference_and_second_factor() -> None:
    state = managing("booking_reference", text="/cancel_appointment", intent="cancel_appointment", language="ar")

    assert await run(ActionAskBookingReference(), state) == (
        [],
        [{"text": T("ar", "Please write your booking code, for example K7M-4PX9."), "buttons": []}],
    )
    assert await run(ActionAskSecondFactor(), state) == (
        [],
        [
            {
                "text": T("ar", "To protect your data: which phone number or email address did you give when booking?"),
                "buttons": [],
            }
        ],
    )


async def test_ask_to_confirm_a_cancellation_names_the_date() -> None:
    state = managing("manage_confirmed", "cancel", text="0170 1234567", language="fr")

    events, messages = await run(ActionAskManageConfirmed(), state)

    assert events == []
    assert messages == [
        {
            "text": T("fr", "Do you really want to cancel your appointment on {when}?").format(
                when=format_when(datetime.fromisoformat(START), "fr")
            ),
            "buttons": [{"title": T("fr", "Yes"), "payload": "/affirm"}, {"title": T("fr", "No"), "payload": "/deny"}],
        }
    ]


async def test_ask_to_confirm_a_move_names_both_dates() -> None:
    state = managing("manage_confirmed", "reschedule", text="2", language="tr")

    _events, messages = await run(ActionAskManageConfirmed(), state)

    (question,) = messages
    assert question["text"] == T("tr", "Move your appointment from {old} to {new}?").format(
        old=format_when(datetime.fromisoformat(START), "tr"), new=format_when(datetime.fromisoformat(NEW_START), "tr")
    )
    assert payloads(question) == ["/affirm", "/deny"]


async def test_ask_to_confirm_erasing_names_the_code() -> None:
    state = managing("manage_confirmed", "erase", text="0170 1234567", language="en")

    _events, messages = await run(ActionAskManageConfirmed(), state)

    (question,) = messages
    assert REFERENCE in question["text"]
    assert payloads(question) == ["/affirm", "/deny"]


# ------------------------------------------------------------------------------------------ submit manage


def confirmed(operation: str, language: str = "de", **slots: Any):
    return managing(None, operation, text="/affirm", intent="affirm", language=language, manage_confirmed=True, **slots)


async def test_submit_cancel(api) -> None:
    api.reply("POST", CANCEL, Reply(200, CANCELLED))

    events, messages = await run(ActionSubmitManage(), confirmed("cancel", "ar"))

    assert events == [SlotSet("manage_confirmed", None), SlotSet("appointment_slot", None)]
    assert messages == [
        {
            "text": T("ar", "Your appointment on {when} is cancelled.").format(
                when=format_when(datetime.fromisoformat(START), "ar")
            ),
            "buttons": menu("ar"),
        }
    ]
    (call,) = api.requests
    assert (call.method, call.path, call.body) == ("POST", CANCEL, {"phone": PHONE, "email": ""})
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_submit_cancel_with_an_email_as_second_factor(api) -> None:
    api.reply("POST", CANCEL, Reply(200, CANCELLED))

    await run(ActionSubmitManage(), confirmed("cancel", second_factor=EMAIL))

    assert api.requests[0].body == {"phone": "", "email": EMAIL}


async def test_submit_reschedule(api) -> None:
    api.reply("POST", RESCHEDULE, Reply(200, MOVED))

    events, messages = await run(ActionSubmitManage(), confirmed("reschedule", "ru"))

    assert events == [SlotSet("manage_confirmed", None), SlotSet("appointment_slot", None)]
    (moved,) = messages
    assert moved["text"].split("\n") == [
        T("ru", "Your appointment is moved."),
        T("ru", "When: {when} (German time)").format(when=format_when(datetime.fromisoformat(NEW_START), "ru")),
        T("ru", "Where: {office}, {address}").format(office=OFFICE["name"], address=OFFICE["address"]),
        T("ru", "Booking code: {reference}").format(reference=REFERENCE),
        T("ru", "Add it to your calendar: {url}").format(url=BOOKED["calendar_url"]),
    ]
    assert moved["custom"] == {"calendar_url": BOOKED["calendar_url"], "booking_reference": REFERENCE}
    (call,) = api.requests
    assert (call.path, call.body) == (RESCHEDULE, {"slot_id": SLOT_2, "phone": PHONE, "email": ""})


async def test_submit_erase_forgets_everything_personal(api) -> None:
    api.reply("POST", ERASE, Reply(200, ERASED))
    state = confirmed("erase", "bs", **{k: v for k, v in OWN_BOOKING.items() if k not in ("language", "office_id")})

    events, messages = await run(ActionSubmitManage(), state)

    assert events == [SlotSet(slot, None) for slot in PERSONAL]
    assert messages == [{"text": T("bs", "Your data of this appointment is deleted."), "buttons": []}]
    (call,) = api.requests
    assert (call.path, call.body) == (ERASE, {"phone": PHONE, "email": ""})


async def test_submit_cancel_of_an_already_cancelled_booking(api) -> None:
    api.reply("POST", CANCEL, Reply(409, {"code": "booking_not_active", "message": "already cancelled"}))

    events, messages = await run(ActionSubmitManage(), confirmed("cancel", "tr"))

    assert events == [SlotSet("manage_confirmed", None), SlotSet("appointment_slot", None)]
    assert messages == [{"text": T("tr", "This appointment is already cancelled."), "buttons": menu("tr")}]


@pytest.mark.parametrize(("operation", "path"), [("cancel", CANCEL), ("erase", ERASE)])
async def test_submit_of_a_booking_that_is_gone(api, operation, path) -> None:
    api.reply("POST", path, NOT_VERIFIED)

    events, messages = await run(ActionSubmitManage(), confirmed(operation, "fr"))

    assert events == [SlotSet("manage_confirmed", None), SlotSet("appointment_slot", None)]
    assert messages == [
        {"text": T("fr", "This appointment no longer exists, or its data is already deleted."), "buttons": []}
    ]


@pytest.mark.parametrize("code", ["slot_taken", "slot_unavailable"])
async def test_submit_reschedule_to_a_time_just_taken_asks_again(api, code) -> None:
    api.reply("POST", RESCHEDULE, Reply(409, {"code": code, "message": "gone"}))

    events, messages = await run(ActionSubmitManage(), confirmed("reschedule", "en"))

    assert events == [
        SlotSet("appointment_slot", None),
        SlotSet("manage_confirmed", None),
        SlotSet("slot_page_after", None),
        FollowupAction("manage_form"),
    ]
    assert messages == [
        {"text": T("en", "Sorry, someone has just booked this time. Please choose another one:"), "buttons": []}
    ]


@pytest.mark.parametrize(("operation", "path"), [("cancel", CANCEL), ("reschedule", RESCHEDULE), ("erase", ERASE)])
async def test_submit_while_the_service_is_down_changes_nothing_and_gives_the_phone(api, operation, path) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("POST", path, unavailable())

    events, messages = await run(ActionSubmitManage(), confirmed(operation, "de"))

    assert events == [SlotSet("manage_confirmed", None), SlotSet("appointment_slot", None)]
    (apology,) = messages
    assert apology["text"].endswith("\n\n" + office_contact("de")) and apology["buttons"] == []
    assert len(api.calls("POST", path)) == 1  # not retried: the change may have happened


async def test_submit_not_confirmed_changes_nothing(api) -> None:
    state = managing(None, "cancel", text="/deny", intent="deny", language="ar", manage_confirmed=False)

    events, messages = await run(ActionSubmitManage(), state)

    assert events == []
    assert messages == [{"text": T("ar", "All right, nothing was changed."), "buttons": menu("ar")}]
    assert api.requests == []


@pytest.mark.parametrize("stop", ["not_active", "unavailable"])
async def test_submit_after_the_form_stopped_says_nothing_more(api, stop) -> None:
    assert await run(ActionSubmitManage(), confirmed("cancel", flow_stop=stop)) == ([], [])
    assert api.requests == []


async def test_submit_refused_by_the_service_still_answers(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("POST", CANCEL, Reply(401, {"code": "unauthorized", "message": "service token required"}))

    _events, messages = await run(ActionSubmitManage(), confirmed("cancel"))

    assert len(messages) == 1 and OFFICE["phone"] in messages[0]["text"]


# ----------------------------------------------------------------------------------------- delete my data


async def test_delete_this_conversation_starts_the_delete_form(api) -> None:
    state = tracker(text="Bitte löscht meine Daten", intent="delete_my_data", slots=OWN_BOOKING)

    events, messages = await run(ActionStartDelete(), state)

    assert events == [SlotSet("delete_confirmed", None), FollowupAction("delete_form")]
    assert messages == []
    assert api.requests == []


async def test_delete_an_earlier_booking_by_button_starts_the_manage_form_to_erase(api) -> None:
    state = tracker(
        text='/delete_my_data{"choice": "earlier_booking"}',
        intent="delete_my_data",
        entities=[entity("choice", "earlier_booking")],
        slots={"language": "tr", "language_chosen": True},
    )

    events, messages = await run(ActionStartDelete(), state)

    assert events == started("erase", None) + [FollowupAction("manage_form")]
    assert messages == []


async def test_delete_with_the_code_of_an_earlier_booking_erases_that_one(api) -> None:
    state = tracker(
        text=f"Daten von {OTHER_REFERENCE} löschen",
        intent="delete_my_data",
        entities=[entity("booking_reference", OTHER_REFERENCE)],
        slots=OWN_BOOKING,
    )

    events, _messages = await run(ActionStartDelete(), state)

    assert events == started("erase", OTHER_REFERENCE) + [FollowupAction("manage_form")]
    assert api.requests == []  # this conversation's contact is never tried on another code


async def test_delete_with_this_conversations_own_code_uses_the_delete_form(api) -> None:
    state = tracker(
        text="K7M-4PX9 löschen",
        intent="delete_my_data",
        entities=[entity("booking_reference", "k7m 4px9")],
        slots=OWN_BOOKING,
    )

    events, _messages = await run(ActionStartDelete(), state)

    assert events == [SlotSet("delete_confirmed", None), FollowupAction("delete_form")]


def deleting(text: str, intent: str, *, confidence: float = 0.95, **slots: Any):
    return tracker(
        text=text,
        intent=intent,
        confidence=confidence,
        form="delete_form",
        slots={**OWN_BOOKING, "requested_slot": "delete_confirmed", **slots},
    )


@pytest.mark.parametrize(("intent", "answer"), [("affirm", True), ("deny", False)])
async def test_extract_delete_confirmed(intent, answer) -> None:
    state = deleting(f"/{intent}", intent)

    assert await extract(ValidateDeleteForm(), "delete_confirmed", state) == ({"delete_confirmed": answer}, [])


async def test_extract_delete_confirmed_asks_for_yes_or_no() -> None:
    state = deleting("vielleicht", "out_of_scope", confidence=0.4)

    assert await extract(ValidateDeleteForm(), "delete_confirmed", state) == (
        {"delete_confirmed": None},
        [{"text": T("de", "Please answer with yes or no."), "buttons": []}],
    )


@pytest.mark.parametrize(
    ("text", "ranking", "answer"),
    [
        ("Ja, bitte löschen", ["delete_my_data", "affirm", "cancel_appointment"], True),
        ("Ja, bitte löschen", ["affirm", "delete_my_data"], True),
        ("Nein, bitte nicht löschen", ["delete_my_data", "affirm"], False),
        ("Was heißt löschen genau?", ["delete_my_data", "ask_privacy"], None),
        ("hmm", [], None),
    ],
)
async def test_extract_delete_confirmed_when_torn_between_yes_and_delete(text, ranking, answer) -> None:
    # The FallbackClassifier puts nlu_fallback first when the best two intents are close; both of these mean yes
    state = deleting(text, "nlu_fallback", confidence=0.45)
    state.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.45}] + [
        {"name": name, "confidence": 0.4 - 0.05 * rank} for rank, name in enumerate(ranking)
    ]

    result, _messages = await extract(ValidateDeleteForm(), "delete_confirmed", state)

    assert result == {"delete_confirmed": answer}


@pytest.mark.parametrize(("requested", "intent"), [("delete_confirmed", "ask_privacy"), (None, "affirm")])
async def test_extract_delete_confirmed_only_answers_its_question(requested, intent) -> None:
    state = deleting("Was speichert ihr über mich?", intent, requested_slot=requested)

    assert await extract(ValidateDeleteForm(), "delete_confirmed", state) == ({}, [])


@pytest.mark.parametrize("reference", [REFERENCE, None])
async def test_ask_delete_confirmed(reference) -> None:
    state = deleting("/delete_my_data", "delete_my_data", booking_reference=reference, language="ru")

    events, messages = await run(ActionAskDeleteConfirmed(), state)

    assert events == []
    (question,) = messages
    assert question["text"].startswith(T("ru", "Should I delete your data from this conversation?"))
    assert (REFERENCE in question["text"]) is (reference is not None)
    assert payloads(question) == ["/affirm", "/deny"]


def deleted(language: str) -> list[dict[str, Any]]:
    return [
        {
            "text": T(language, "Done: your data from this conversation is deleted.")
            + "\n"
            + T(language, 'If you booked in an earlier conversation, write "delete booking" with your booking code.'),
            "buttons": [
                {
                    "title": T(language, "Delete an earlier booking"),
                    "payload": '/delete_my_data{"choice": "earlier_booking"}',
                }
            ],
        }
    ]


async def test_submit_delete_erases_the_booking_and_forgets_every_personal_slot(api) -> None:
    api.reply("POST", ERASE, Reply(200, ERASED))

    events, messages = await run(ActionSubmitDelete(), deleting("/affirm", "affirm", delete_confirmed=True))

    assert events == [SlotSet(slot, None) for slot in PERSONAL]
    assert messages == deleted("de")
    (call,) = api.requests
    assert (call.method, call.path, call.body) == ("POST", ERASE, {"phone": PHONE, "email": ""})
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_submit_delete_with_an_email(api) -> None:
    api.reply("POST", ERASE, Reply(200, ERASED))
    state = deleting("/affirm", "affirm", delete_confirmed=True, contact_phone=None, contact_email=EMAIL, language="fr")

    events, messages = await run(ActionSubmitDelete(), state)

    assert events == [SlotSet(slot, None) for slot in PERSONAL]
    assert messages == deleted("fr")
    assert api.requests[0].body == {"phone": "", "email": EMAIL}


async def test_submit_delete_of_an_already_erased_booking_still_forgets(api) -> None:
    api.reply("POST", ERASE, NOT_VERIFIED)

    events, messages = await run(ActionSubmitDelete(), deleting("/affirm", "affirm", delete_confirmed=True))

    assert events == [SlotSet(slot, None) for slot in PERSONAL]
    assert messages == deleted("de")


async def test_submit_delete_without_a_booking_only_forgets(api) -> None:
    state = deleting("/affirm", "affirm", delete_confirmed=True, booking_reference=None, language="ar")

    events, messages = await run(ActionSubmitDelete(), state)

    assert events == [SlotSet(slot, None) for slot in PERSONAL]
    assert messages == deleted("ar")
    assert api.requests == []


async def test_submit_delete_while_the_service_is_down_keeps_everything(api) -> None:
    api.reply("GET", OFFICE_PATH, Reply(200, OFFICE))
    api.reply("POST", ERASE, unavailable())

    events, messages = await run(ActionSubmitDelete(), deleting("/affirm", "affirm", delete_confirmed=True))

    assert events == [SlotSet("delete_confirmed", None)]  # the booking is not erased: forget nothing yet
    (apology,) = messages
    assert apology["text"].endswith("\n\n" + office_contact("de")) and apology["buttons"] == []
    assert len(api.calls("POST", ERASE)) == 1


async def test_submit_delete_while_everything_is_down_still_gives_a_way_on(api) -> None:
    api.reply("GET", OFFICE_PATH, unavailable())
    api.reply("POST", ERASE, unavailable())

    events, messages = await run(ActionSubmitDelete(), deleting("/affirm", "affirm", delete_confirmed=True))

    assert events == [SlotSet("delete_confirmed", None)]
    assert messages[0]["text"].endswith("\n\n" + no_office_hint("de"))


async def test_submit_delete_not_confirmed(api) -> None:
    events, messages = await run(ActionSubmitDelete(), deleting("/deny", "deny", delete_confirmed=False, language="tr"))

    assert events == [SlotSet("delete_confirmed", None)]
    assert messages == [{"text": T("tr", "All right, nothing was deleted."), "buttons": menu("tr")}]
    assert api.requests == []


async def test_submit_delete_forgets_where_the_person_lives(api) -> None:
    api.reply("POST", ERASE, Reply(200, ERASED))

    events, _messages = await run(ActionSubmitDelete(), deleting("/affirm", "affirm", delete_confirmed=True))

    assert SlotSet("municipality", None) in events and SlotSet("office_id", None) in events


# ------------------------------------------------ confirmations the NLU reads as the task itself (test stories)


@pytest.mark.parametrize(
    ("operation", "text", "intent"),
    [("reschedule", "Ja, verschieben", "reschedule_appointment"), ("cancel", "yes, cancel it", "cancel_appointment"),
     ("erase", "Ja, bitte löschen", "delete_my_data")],
)  # fmt: skip
async def test_the_tasks_own_intent_confirms_it(operation, text, intent) -> None:
    state = managing("manage_confirmed", operation, text=text, intent=intent, confidence=0.98)

    assert await extract(ValidateManageForm(), "manage_confirmed", state) == ({"manage_confirmed": True}, [])


async def test_yes_delete_my_data_confirms_the_deletion() -> None:
    state = deleting("Ja, bitte löschen", "delete_my_data", confidence=0.98)

    assert await extract(ValidateDeleteForm(), "delete_confirmed", state) == ({"delete_confirmed": True}, [])


async def test_a_booking_code_in_a_sentence_is_an_answer_not_a_cancel_request() -> None:
    state = managing("booking_reference", "reschedule", text="Mein Buchungscode ist R7T-3KQW",
                     intent="cancel_appointment", confidence=0.99)  # fmt: skip

    assert await extract(ValidateManageForm(), "booking_reference", state) == ({"booking_reference": "R7T-3KQW"}, [])
