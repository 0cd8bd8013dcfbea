"""Cancelling or moving an existing appointment, and deleting one's data, at any point.

An appointment is found by its booking code plus the phone number or email given when booking
(the second factor). In the conversation that made the booking both are known already.
"""

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.answer import main_menu
from bot.actions.booking import parse_contact
from bot.actions.common import (
    KimFormValidation,
    _t,
    button,
    entity_values,
    gettext_for,
    intent_of,
    is_interruption,
    is_yes,
    known_office,
    language_for_turn,
    say_with_office_contact,
)
from bot.actions.slots import chosen_start, extract_slot_choice
from bot.booking_client import (
    BookingError,
    BookingNotActive,
    BookingUnavailable,
    NotFound,
    SlotTaken,
    SlotUnavailable,
    get_client,
)
from bot.i18n import format_when

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PERSONAL_SLOTS = (
    "municipality", "office_id", "topics", "concern", "consent_given", "consent_given_at", "contact_name", "contact_phone",
    "contact_email", "booking_reference", "second_factor", "appointment_slot", "offered_slots", "offered_until",
    "slot_page_after", "booking_confirmed", "idempotency_key", "managed_start", "manage_operation",
    "manage_confirmed", "delete_confirmed", "flow_stop",
)  # fmt: skip


def normalize_reference(text: str) -> Optional[str]:
    """A booking code from what the person typed ('k7m 4px9', 'K7M-4PX9'), or None."""
    for candidate in re.findall(r"[A-Za-z0-9]{3}[\s\-_.]?[A-Za-z0-9]{4}", text or ""):
        raw = re.sub(r"[\s\-_.]", "", candidate).upper()
        if all(ch in REFERENCE_ALPHABET for ch in raw) and any(ch.isdigit() for ch in raw):
            return f"{raw[:3]}-{raw[3:]}"
    return None


def factor_kwargs(factor: str) -> Dict[str, str]:
    return {"email": factor} if "@" in (factor or "") else {"phone": factor or ""}


def own_factor(tracker: Tracker) -> Optional[str]:
    """The contact given for this conversation's own booking, if the code asked about is that one."""
    return tracker.get_slot("contact_phone") or tracker.get_slot("contact_email")


async def verified_booking_slots(reference: str, factor: str) -> Dict[Text, Any]:
    """Slots describing an existing booking, if code and contact match; NotFound/BookingUnavailable pass up."""
    booking = await get_client().lookup(reference, **factor_kwargs(factor))
    return {"office_id": booking.office.id, "managed_start": booking.start.isoformat(), "_status": booking.status}


class ActionStartManage(Action):
    """Before the manage form: what to do (cancel, move, erase), and what the message already says."""

    def name(self) -> Text:
        return "action_start_manage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        intent, _confidence = intent_of(tracker)
        operation = {"cancel_appointment": "cancel", "reschedule_appointment": "reschedule"}.get(intent, "erase")
        return events + await start_manage(tracker, operation)


async def start_manage(tracker: Tracker, operation: str) -> List[Dict[Text, Any]]:
    """Reset the manage form for ``operation``; prefill code and contact of this conversation's booking."""
    events: List[Dict[Text, Any]] = []
    events += [SlotSet(slot, None) for slot in ("manage_confirmed", "appointment_slot", "offered_slots",
                                                  "offered_until", "slot_page_after", "flow_stop", "managed_start")]  # fmt: skip
    events.append(SlotSet("manage_operation", operation))
    typed = normalize_reference(" ".join(entity_values(tracker, "booking_reference")) or tracker.latest_message.get("text", ""))
    current = tracker.get_slot("booking_reference")
    reference = typed or current
    events.append(SlotSet("booking_reference", reference))
    factor = own_factor(tracker) if reference and reference == current else None
    if factor:
        try:
            found = await verified_booking_slots(reference, factor)
            events += [SlotSet("office_id", found["office_id"]), SlotSet("managed_start", found["managed_start"])]
        except (NotFound, BookingUnavailable):
            factor = None  # the form asks, and checks again
    events.append(SlotSet("second_factor", factor))
    return events


class ActionStartDelete(Action):
    """'Delete my data': this conversation's data, or (with a code, or by button) an earlier booking."""

    def name(self) -> Text:
        return "action_start_delete"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        typed = normalize_reference(" ".join(entity_values(tracker, "booking_reference")))
        earlier = "earlier_booking" in entity_values(tracker, "choice")
        if (typed and typed != tracker.get_slot("booking_reference")) or earlier:
            return events + await start_manage(tracker, "erase") + [FollowupAction("manage_form")]
        return events + [SlotSet("delete_confirmed", None), FollowupAction("delete_form")]


class ValidateManageForm(KimFormValidation):
    def name(self) -> Text:
        return "validate_manage_form"

    def needed_slots(self, slots: List[Text], tracker: Tracker) -> List[Text]:
        if tracker.get_slot("manage_operation") != "reschedule":
            slots.remove("appointment_slot")
        return slots

    async def extract_booking_reference(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self.asked(tracker, "booking_reference"):
            return {}
        text = " ".join(entity_values(tracker, "booking_reference")) or tracker.latest_message.get("text", "")
        reference = normalize_reference(text)
        if reference is None:
            language, _events = language_for_turn(tracker)
            dispatcher.utter_message(
                text=_t(language, "A booking code has 7 letters and digits, for example K7M-4PX9. Please try again.")
            )
        return {"booking_reference": reference}

    async def extract_second_factor(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self.asked(tracker, "second_factor"):
            return {}
        found = parse_contact(tracker.latest_message.get("text") or "")
        language, _events = language_for_turn(tracker)
        _ = gettext_for(language)
        if not found:
            dispatcher.utter_message(text=_("Please write the phone number or email address you gave when booking."))
            return {"second_factor": None}
        factor = found.get("contact_phone") or found.get("contact_email")
        return {"second_factor": factor}

    async def validate_second_factor(
        self, slot_value: Any, dispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Check code and contact together with the booking service."""
        if not slot_value:
            return {"second_factor": None}
        language, _events = language_for_turn(tracker)
        _ = gettext_for(language)
        reference = tracker.get_slot("booking_reference")
        try:
            found = await verified_booking_slots(reference, slot_value)
        except NotFound:
            dispatcher.utter_message(
                text=_("I could not find an appointment with this booking code and this phone number or email. "
                       "Please check the code.")  # fmt: skip
            )
            return {"second_factor": None, "booking_reference": None}
        except BookingUnavailable:
            say_with_office_contact(
                dispatcher, language, await known_office(tracker, language),
                _("Sorry, I cannot check appointments right now. Please try again later, or call the office:"),
            )  # fmt: skip
            return {"second_factor": slot_value, "flow_stop": "unavailable"}
        if found.pop("_status") != "active" and tracker.get_slot("manage_operation") != "erase":
            dispatcher.utter_message(text=_("This appointment is already cancelled."), buttons=main_menu(language))
            return {"second_factor": slot_value, "flow_stop": "not_active"}
        return {"second_factor": slot_value, **found}

    async def extract_appointment_slot(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self.asked(tracker, "appointment_slot"):
            return {}
        language, _events = language_for_turn(tracker)
        return extract_slot_choice(tracker, dispatcher, language)

    async def extract_manage_confirmed(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        # "Ja, verschieben" while moving, "yes, cancel it" while cancelling: the task's own intent is a yes here
        own = {"cancel": "cancel_appointment", "reschedule": "reschedule_appointment", "erase": "delete_my_data"}
        confirming = own.get(tracker.get_slot("manage_operation") or "", "")
        if tracker.get_slot("requested_slot") != "manage_confirmed" or (
            is_interruption(tracker) and intent_of(tracker)[0] != confirming
        ):
            return {}
        answer = is_yes(tracker, also_yes=(confirming,))
        if answer is None:
            language, _events = language_for_turn(tracker)
            dispatcher.utter_message(text=_t(language, "Please answer with yes or no."))
        return {"manage_confirmed": answer}


class ActionAskBookingReference(Action):
    def name(self) -> Text:
        return "action_ask_booking_reference"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        dispatcher.utter_message(text=_t(language, "Please write your booking code, for example K7M-4PX9."))
        return events


class ActionAskSecondFactor(Action):
    def name(self) -> Text:
        return "action_ask_second_factor"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        dispatcher.utter_message(
            text=_t(language, "To protect your data: which phone number or email address did you give when booking?")
        )
        return events


class ActionAskManageConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_manage_confirmed"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        operation = tracker.get_slot("manage_operation")
        old = tracker.get_slot("managed_start")
        old_text = format_when(datetime.fromisoformat(old), language) if old else ""
        if operation == "reschedule":
            new = chosen_start(tracker)
            text = _("Move your appointment from {old} to {new}?").format(
                old=old_text, new=format_when(new, language) if new else ""
            )
        elif operation == "cancel":
            text = _("Do you really want to cancel your appointment on {when}?").format(when=old_text)
        else:
            text = _("Delete your data of the appointment {reference}? If the appointment is still ahead, it will be cancelled.").format(
                reference=tracker.get_slot("booking_reference") or ""
            )
        dispatcher.utter_message(text=text, buttons=[button(_("Yes"), "/affirm"), button(_("No"), "/deny")])
        return events


class ActionSubmitManage(Action):
    def name(self) -> Text:
        return "action_submit_manage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        if tracker.get_slot("flow_stop"):
            return events
        if not tracker.get_slot("manage_confirmed"):
            dispatcher.utter_message(text=_("All right, nothing was changed."), buttons=main_menu(language))
            return events
        operation = tracker.get_slot("manage_operation")
        reference = tracker.get_slot("booking_reference")
        factor = factor_kwargs(tracker.get_slot("second_factor"))
        client = get_client()
        try:
            if operation == "cancel":
                booking = await client.cancel(reference, **factor)
                dispatcher.utter_message(
                    text=_("Your appointment on {when} is cancelled.").format(when=format_when(booking.start, language)),
                    buttons=main_menu(language),
                )
            elif operation == "reschedule":
                booking = await client.reschedule(reference, tracker.get_slot("appointment_slot"), **factor)
                dispatcher.utter_message(
                    text="\n".join([
                        _("Your appointment is moved."),
                        _("When: {when} (German time)").format(when=format_when(booking.start, language)),
                        _("Where: {office}, {address}").format(office=booking.office.name, address=booking.office.address),
                        _("Booking code: {reference}").format(reference=booking.reference),
                        _("Add it to your calendar: {url}").format(url=booking.calendar_url),
                    ]),
                    custom={"calendar_url": booking.calendar_url, "booking_reference": booking.reference},
                )  # fmt: skip
            else:
                await client.erase(reference, **factor)
                dispatcher.utter_message(text=_("Your data of this appointment is deleted."))
                return events + [SlotSet(slot, None) for slot in PERSONAL_SLOTS]
        except BookingNotActive:
            dispatcher.utter_message(text=_("This appointment is already cancelled."), buttons=main_menu(language))
        except NotFound:
            dispatcher.utter_message(text=_("This appointment no longer exists, or its data is already deleted."))
        except (SlotTaken, SlotUnavailable):
            dispatcher.utter_message(text=_("Sorry, someone has just booked this time. Please choose another one:"))
            return events + [SlotSet("appointment_slot", None), SlotSet("manage_confirmed", None),
                             SlotSet("slot_page_after", None), FollowupAction("manage_form")]  # fmt: skip
        except (BookingUnavailable, BookingError):
            say_with_office_contact(
                dispatcher, language, await known_office(tracker, language),
                _("Sorry, this does not work right now. Nothing was changed. Please try again later, or call the office:"),
            )  # fmt: skip
        return events + [SlotSet("manage_confirmed", None), SlotSet("appointment_slot", None)]



class ValidateDeleteForm(KimFormValidation):
    def name(self) -> Text:
        return "validate_delete_form"

    async def extract_delete_confirmed(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        deleting = intent_of(tracker)[0] == "delete_my_data"  # "yes, delete my data" is a yes here
        if tracker.get_slot("requested_slot") != "delete_confirmed" or (is_interruption(tracker) and not deleting):
            return {}
        answer = is_yes(tracker, also_yes=("delete_my_data",))
        if answer is None:
            language, _events = language_for_turn(tracker)
            dispatcher.utter_message(text=_t(language, "Please answer with yes or no."))
        return {"delete_confirmed": answer}


class ActionAskDeleteConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_delete_confirmed"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        text = _("Should I delete your data from this conversation?")
        if tracker.get_slot("booking_reference"):
            text += " " + _("Your appointment {reference} will be cancelled and its data deleted.").format(
                reference=tracker.get_slot("booking_reference")
            )
        dispatcher.utter_message(text=text, buttons=[button(_("Yes, delete"), "/affirm"), button(_("No"), "/deny")])
        return events


class ActionSubmitDelete(Action):
    """Erase this conversation's booking through the booking service and forget the personal slots."""

    def name(self) -> Text:
        return "action_submit_delete"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        if not tracker.get_slot("delete_confirmed"):
            dispatcher.utter_message(text=_("All right, nothing was deleted."), buttons=main_menu(language))
            return events + [SlotSet("delete_confirmed", None)]
        reference, factor = tracker.get_slot("booking_reference"), own_factor(tracker)
        if reference and factor:
            try:
                await get_client().erase(reference, **factor_kwargs(factor))
            except NotFound:
                pass  # already erased
            except BookingUnavailable:
                say_with_office_contact(
                    dispatcher, language, await known_office(tracker, language),
                    _("Sorry, deleting does not work right now. Nothing was changed. Please try again later, or call the office:"),
                )  # fmt: skip
                return events + [SlotSet("delete_confirmed", None)]
        dispatcher.utter_message(
            text=_("Done: your data from this conversation is deleted.")
            + "\n"
            + _("If you booked in an earlier conversation, write \"delete booking\" with your booking code."),
            buttons=[button(_("Delete an earlier booking"), '/delete_my_data{"choice": "earlier_booking"}')],
        )
        return events + [SlotSet(slot, None) for slot in PERSONAL_SLOTS]
