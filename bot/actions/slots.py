"""Choosing an appointment time: shared by booking a new appointment and moving an existing one."""

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import button, choice_payload, entity_values, gettext_for, say_with_office_contact
from bot.booking_client import BookingUnavailable, Office, get_client
from bot.i18n import format_short

PAGE = 4


async def offer_slots(
    dispatcher: CollectingDispatcher, tracker: Tracker, language: str, office: Optional[Office]
) -> List[EventType]:
    """Show up to four free times as buttons, staff speaking the person's language first."""
    _ = gettext_for(language)
    office_id = tracker.get_slot("office_id")
    after = tracker.get_slot("slot_page_after")
    if not office_id:
        say_with_office_contact(dispatcher, language, None, _("I cannot book online for this place."))
        return [SlotSet("flow_stop", "no_office"), ActiveLoop(None), SlotSet("requested_slot", None)]
    try:
        offers = await get_client().slots(office_id, language, limit=PAGE, after=after)
    except BookingUnavailable:
        say_with_office_contact(
            dispatcher, language, office, _("Sorry, I cannot load the free times right now. Please call the office:")
        )
        return [SlotSet("flow_stop", "unavailable"), ActiveLoop(None), SlotSet("requested_slot", None)]
    if not offers:
        text = _("There are no more free times online.") if after else _("There are no free times online at the moment.")
        say_with_office_contact(dispatcher, language, office, text + " " + _("Please call the office:"))
        return [SlotSet("flow_stop", "no_slots"), ActiveLoop(None), SlotSet("requested_slot", None)]
    buttons = []
    for number, offer in enumerate(offers, start=1):
        label = f"{number}. {format_short(offer.start, language)}"
        if offer.interpreter_needed:
            label += " · " + _("with interpreter")
        buttons.append(button(label, choice_payload(offer.id)))
    buttons.append(button(_("Later times"), choice_payload("more")))
    buttons.append(button(_("None of these fit"), choice_payload("call")))
    intro = _("Available times (German time):")
    if any(offer.interpreter_needed for offer in offers):
        intro += "\n" + _("“With interpreter” means the case manager does not speak your language; an interpreter is arranged.")
    dispatcher.utter_message(text=intro, buttons=buttons)
    offered = [
        {"id": o.id, "start": o.start.isoformat(), "interpreter_needed": o.interpreter_needed} for o in offers
    ]
    return [SlotSet("offered_slots", offered), SlotSet("offered_until", offers[-1].start.isoformat())]


def extract_slot_choice(tracker: Tracker, dispatcher: CollectingDispatcher, language: str) -> Dict[Text, Any]:
    """The person's answer to the time question: a button, a number, "more", or "none fit"."""
    _ = gettext_for(language)
    offered = tracker.get_slot("offered_slots") or []
    choices = entity_values(tracker, "choice")
    text = (tracker.latest_message.get("text") or "").strip()
    choice = choices[-1] if choices else None
    if choice is None:
        number = re.fullmatch(r"\D{0,12}?(\d)\D{0,12}", text)
        if number and 1 <= int(number.group(1)) <= len(offered):
            choice = offered[int(number.group(1)) - 1]["id"]
    if choice == "more":
        return {"appointment_slot": None, "slot_page_after": tracker.get_slot("offered_until")}
    if choice == "call":
        return {"appointment_slot": None, "flow_stop": "no_fit"}
    if choice and any(o["id"] == choice for o in offered):
        return {"appointment_slot": choice}
    dispatcher.utter_message(text=_("Please choose one of the times with the buttons, or write its number."))
    return {"appointment_slot": None}


def chosen_start(tracker: Tracker) -> Optional[datetime]:
    chosen = tracker.get_slot("appointment_slot")
    for offer in tracker.get_slot("offered_slots") or []:
        if offer.get("id") == chosen:
            return datetime.fromisoformat(offer["start"])
    return None


def chosen_needs_interpreter(tracker: Tracker) -> bool:
    chosen = tracker.get_slot("appointment_slot")
    return any(o.get("id") == chosen and o.get("interpreter_needed") for o in tracker.get_slot("offered_slots") or [])
