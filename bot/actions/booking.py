"""Booking an appointment: the booking form's questions, their validation, and the booking itself.

Order (DESIGN.md §4): what the person needs → where they live → consent → a free time → name →
phone or email → summary and confirmation. Nothing is sent to the booking service before consent.
"""

import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.answer import main_menu
from bot.actions.common import (
    KimFormValidation,
    _t,
    button,
    choice_payload,
    entity_values,
    gettext_for,
    intent_of,
    is_interruption,
    is_yes,
    known_office,
    language_for_turn,
    say_with_office_contact,
)
from bot.actions.location import describe_office, preset_place, resolve_place
from bot.actions.slots import chosen_needs_interpreter, chosen_start, extract_slot_choice, offer_slots
from bot.booking_client import (
    BookingError,
    BookingUnavailable,
    SlotTaken,
    SlotUnavailable,
    get_client,
    new_idempotency_key,
)
from bot.consent import CONSENT_VERSION, consent_text
from bot.i18n import format_when
from bot.topics import TOPICS, topic_of, topics_in_text

MAX_CONCERN = 300
# Slots of one booking; cleared when a new booking starts after a finished one.
BOOKING_SLOTS = (
    "topics", "concern", "consent_given", "consent_given_at", "appointment_slot", "offered_slots",
    "offered_until", "slot_page_after", "booking_confirmed", "flow_stop", "idempotency_key",
)  # fmt: skip


def topic_names(language: str) -> Dict[str, str]:
    _ = gettext_for(language)
    return {
        "residence": _("Residence and papers"),
        "naturalisation": _("Citizenship"),
        "housing": _("Housing"),
        "health": _("Health"),
        "work": _("Work and recognition of qualifications"),
        "education": _("School, training, university"),
        "language_course": _("Language course"),
        "family": _("Family and children"),
        "benefits": _("Money and social benefits"),
        "orientation": _("First steps in Germany"),
    }


def topics_from_message(tracker: Tracker) -> List[str]:
    found = {topic_of(value) for value in entity_values(tracker, "topic")}  # case forms the synonyms lack too
    if not found - {None}:  # nothing tagged (or nothing mappable): the topic phrases in the words themselves
        return topics_in_text(tracker.latest_message.get("text") or "")
    return [t for t in TOPICS if t in found]


def concern_from_message(tracker: Tracker) -> Optional[str]:
    text = (tracker.latest_message.get("text") or "").strip()
    if not text or text.startswith("/"):
        return None
    return text[:MAX_CONCERN]


def parse_contact(text: str) -> Dict[str, Optional[str]]:
    """An email address or a phone number from what the person typed, or nothing."""
    text = (text or "").strip()
    email = re.search(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+", text)
    if email:
        try:
            return {"contact_email": validate_email(email.group(0), check_deliverability=False).normalized}
        except EmailNotValidError:
            return {}
    try:
        number = phonenumbers.parse(text, "DE")
    except phonenumbers.NumberParseException:
        return {}
    if phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number):
        return {"contact_phone": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)}
    return {}


class ActionStartBooking(Action):
    """Before the booking form: take what the first message already says (need, topics)."""

    def name(self) -> Text:
        return "action_start_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        if tracker.get_slot("booking_reference") or tracker.get_slot("flow_stop"):
            events += [SlotSet(slot, None) for slot in BOOKING_SLOTS]  # a new booking after a finished one
        intent, _confidence = intent_of(tracker)
        if intent == "describe_need":
            topics = topics_from_message(tracker)
            concern = concern_from_message(tracker)
            if topics:
                events.append(SlotSet("topics", topics))
            if concern:
                events.append(SlotSet("concern", concern))
        if not any(e.get("name") == "municipality" for e in events):
            events += await preset_place(tracker, language)  # a widget attribute or deep link names the place
        return events


class ValidateBookingForm(KimFormValidation):
    def name(self) -> Text:
        return "validate_booking_form"

    def needed_slots(self, slots: List[Text], tracker: Tracker) -> List[Text]:
        if tracker.get_slot("concern") or tracker.get_slot("topics"):
            slots.remove("topics")
        if tracker.get_slot("contact_email") and "contact_phone" in slots:
            slots.remove("contact_phone")
        return slots

    async def extract_topics(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self.asked(tracker, "topics"):
            return {}
        topics = topics_from_message(tracker)
        concern = concern_from_message(tracker)
        if not topics and not concern:
            return {"topics": None}
        return {"topics": topics or None, "concern": concern or ""}

    async def extract_municipality(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        mentioned = entity_values(tracker, "municipality") or entity_values(tracker, "postal_code")
        asked = self.asked(tracker, "municipality")
        if not asked and not (mentioned and not tracker.get_slot("municipality") and not is_interruption(tracker)):
            return {}
        language, _events = language_for_turn(tracker)
        match, slot_events, status = await resolve_place(tracker, dispatcher, language)
        if match is not None:
            dispatcher.utter_message(text=describe_office(match, language))
            return {event["name"]: event["value"] for event in slot_events}
        if status == "outside":
            dispatcher.utter_message(text=_t(language, "What else can I do for you?"), buttons=main_menu(language))
            return {"municipality": None, "flow_stop": "outside"}
        return {"municipality": None} if asked else {}

    async def extract_consent_given(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self.asked(tracker, "consent_given"):
            return {}
        answer = is_yes(tracker)
        if answer is None:
            language, _events = language_for_turn(tracker)
            dispatcher.utter_message(text=_t(language, "Please answer with yes or no."))
            return {"consent_given": None}
        if answer:
            return {"consent_given": True, "consent_given_at": datetime.now(timezone.utc).isoformat()}
        return {"consent_given": False, "flow_stop": "no_consent"}

    async def extract_appointment_slot(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self.asked(tracker, "appointment_slot"):
            return {}
        language, _events = language_for_turn(tracker)
        return extract_slot_choice(tracker, dispatcher, language)

    async def extract_contact_name(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self.asked(tracker, "contact_name"):
            return {}
        text = (tracker.latest_message.get("text") or "").strip()
        if text.startswith("/") or not 2 <= len(text) <= 100 or sum(ch.isdigit() for ch in text) > 2:
            language, _events = language_for_turn(tracker)
            dispatcher.utter_message(text=_t(language, "Please write your name, for example: Amina Yusuf."))
            return {"contact_name": None}
        return {"contact_name": text}

    async def extract_contact_phone(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self.asked(tracker, "contact_phone"):
            return {}
        found = parse_contact(tracker.latest_message.get("text") or "")
        if not found:
            language, _events = language_for_turn(tracker)
            dispatcher.utter_message(
                text=_t(language, 
                    "This does not look like a phone number or an email address. "
                    "Examples: 0151 23456789 or name@example.com"
                )
            )
            return {"contact_phone": None}
        return {"contact_phone": None, **found}

    async def extract_booking_confirmed(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        confirming = intent_of(tracker)[0] == "book_appointment"  # "yes, book it" is a yes here
        if tracker.get_slot("requested_slot") != "booking_confirmed" or (is_interruption(tracker) and not confirming):
            return {}
        if "change_time" in entity_values(tracker, "choice"):
            return {"booking_confirmed": None, "appointment_slot": None, "slot_page_after": None}
        answer = is_yes(tracker, also_yes=("book_appointment",))
        if answer is None:
            language, _events = language_for_turn(tracker)
            dispatcher.utter_message(text=_t(language, "Please answer with yes or no."))
            return {"booking_confirmed": None}
        if answer:
            return {"booking_confirmed": True, "idempotency_key": tracker.get_slot("idempotency_key") or new_idempotency_key()}
        return {"booking_confirmed": False, "flow_stop": "declined"}


class AskAction:
    """Mixin for the form's questions (not itself an action): they speak the language of the turn."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        return events + await self.ask(dispatcher, tracker, language)

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str) -> List[EventType]:
        raise NotImplementedError


class ActionAskTopics(AskAction, Action):
    slot = "topics"

    async def ask(self, dispatcher, tracker, language):
        _ = gettext_for(language)
        names = topic_names(language)
        dispatcher.utter_message(
            text=_("What do you need help with? Write it in a few words, or choose:"),
            buttons=[button(names[t], '/describe_need{"topic": "%s"}' % t) for t in TOPICS],
        )
        return []


class ActionAskMunicipality(AskAction, Action):
    slot = "municipality"

    async def ask(self, dispatcher, tracker, language):
        _ = gettext_for(language)
        dispatcher.utter_message(text=_("In which town do you live? Please write the town or your postal code."))
        return []


class ActionAskConsentGiven(AskAction, Action):
    slot = "consent_given"

    async def ask(self, dispatcher, tracker, language):
        _ = gettext_for(language)
        office = await known_office(tracker, language)
        dispatcher.utter_message(
            text=consent_text(_, office.name if office else _("your KIM office")),
            buttons=[button(_("Yes, I agree"), "/affirm"), button(_("No"), "/deny")],
        )
        return []


class ActionAskAppointmentSlot(AskAction, Action):
    slot = "appointment_slot"

    async def ask(self, dispatcher, tracker, language):
        return await offer_slots(dispatcher, tracker, language, await known_office(tracker, language))


class ActionAskContactName(AskAction, Action):
    slot = "contact_name"

    async def ask(self, dispatcher, tracker, language):
        dispatcher.utter_message(text=_t(language, "What is your name?"))
        return []


class ActionAskContactPhone(AskAction, Action):
    slot = "contact_phone"

    async def ask(self, dispatcher, tracker, language):
        dispatcher.utter_message(
            text=_t(language, "How can the office reach you? Please write your phone number or email address.")
        )
        return []


class ActionAskBookingConfirmed(AskAction, Action):
    slot = "booking_confirmed"

    async def ask(self, dispatcher, tracker, language):
        _ = gettext_for(language)
        office = await known_office(tracker, language)
        start = chosen_start(tracker)
        names = topic_names(language)
        lines = [_("Please check your appointment:")]
        if start is not None:
            lines.append(_("When: {when} (German time)").format(when=format_when(start, language)))
        if office is not None:
            lines.append(_("Where: {office}, {address}").format(office=office.name, address=office.address))
        lines.append(_("Name: {name}").format(name=tracker.get_slot("contact_name") or ""))
        lines.append(
            _("Contact: {contact}").format(contact=tracker.get_slot("contact_phone") or tracker.get_slot("contact_email") or "")
        )
        topics = [names[t] for t in tracker.get_slot("topics") or [] if t in names]
        if topics:
            lines.append(_("Topics: {topics}").format(topics=", ".join(topics)))
        if chosen_needs_interpreter(tracker):
            lines.append(_("An interpreter will be arranged for you."))
        dispatcher.utter_message(
            text="\n".join(lines),
            buttons=[
                button(_("Book it"), "/affirm"),
                button(_("Choose a different time"), choice_payload("change_time")),
                button(_("Don't book"), "/deny"),
            ],
        )
        return []


class ActionSubmitBooking(Action):
    """After the form: book (idempotently), or explain why not and how to reach the office."""

    def name(self) -> Text:
        return "action_submit_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        stop = tracker.get_slot("flow_stop")
        office = await known_office(tracker, language)
        if stop == "outside":
            return events
        if stop == "no_consent":
            say_with_office_contact(
                dispatcher, language, office,
                _("All right: I have not stored anything. You can still ask me questions, or contact the office:"),
            )  # fmt: skip
            return events + [SlotSet("topics", None), SlotSet("concern", None)]
        if stop in ("declined", "no_fit") or not tracker.get_slot("booking_confirmed"):
            say_with_office_contact(
                dispatcher, language, office, _("All right, nothing is booked. You can also make an appointment directly with the office:")
            )
            return events
        return events + await self._book(dispatcher, tracker, language, office)

    async def _book(self, dispatcher, tracker: Tracker, language: str, office) -> List[EventType]:
        _ = gettext_for(language)
        key = tracker.get_slot("idempotency_key") or new_idempotency_key()
        try:
            booking = await get_client().book(
                slot_id=tracker.get_slot("appointment_slot"),
                language=language,
                channel=(tracker.latest_message.get("metadata") or {}).get("channel") or "web",
                topics=list(tracker.get_slot("topics") or []),
                concern=tracker.get_slot("concern") or "",
                contact_name=tracker.get_slot("contact_name") or "",
                contact_phone=tracker.get_slot("contact_phone") or "",
                contact_email=tracker.get_slot("contact_email") or "",
                consent_version=CONSENT_VERSION,
                consent_given_at=datetime.fromisoformat(tracker.get_slot("consent_given_at")),
                municipality=tracker.get_slot("municipality"),
                idempotency_key=key,
            )
        except (SlotTaken, SlotUnavailable):
            dispatcher.utter_message(text=_("Sorry, someone has just booked this time. Please choose another one:"))
            return [
                SlotSet("appointment_slot", None),
                SlotSet("booking_confirmed", None),
                SlotSet("slot_page_after", None),
                SlotSet("idempotency_key", None),
                FollowupAction("booking_form"),
            ]
        except BookingUnavailable:
            say_with_office_contact(
                dispatcher, language, office,
                _("Sorry, booking does not work right now. Nothing was lost: write \"book\" in a few minutes "
                  "to try again, or call the office:"),
            )  # fmt: skip
            return [SlotSet("flow_stop", None), SlotSet("idempotency_key", key)]  # the retry reuses the key
        except BookingError:
            say_with_office_contact(
                dispatcher, language, office, _("Sorry, I could not book this appointment. Please call the office:")
            )
            return [SlotSet("idempotency_key", None), SlotSet("booking_confirmed", None)]
        lines = [
            _("Your appointment is booked."),
            _("Booking code: {reference}").format(reference=booking.reference),
            _("When: {when} (German time)").format(when=format_when(booking.start, language)),
            _("Where: {office}, {address}").format(office=booking.office.name, address=booking.office.address),
            _("Please bring your passport or ID, your residence permit or other papers, and letters you have questions about."),
            _("Add it to your calendar: {url}").format(url=booking.calendar_url),
            _("To cancel or move it, write \"cancel\" or \"move\" and give your booking code."),
        ]
        if booking.interpreter_needed:
            lines.insert(4, _("An interpreter will be arranged for you."))
        dispatcher.utter_message(
            text="\n".join(lines),
            custom={"calendar_url": booking.calendar_url, "booking_reference": booking.reference},
        )
        return [
            SlotSet("booking_reference", booking.reference),
            SlotSet("appointment_slot", None),
            SlotSet("offered_slots", None),
            SlotSet("idempotency_key", None),
            SlotSet("booking_confirmed", None),
            ActiveLoop(None),
        ]
