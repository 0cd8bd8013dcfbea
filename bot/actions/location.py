"""Where someone lives → the responsible office, or who to contact instead (never a dead end)."""

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import (
    button,
    entity_values,
    gettext_for,
    language_for_turn,
    office_contact_text,
)
from bot.booking_client import BookingUnavailable, InvalidRequest, NotFound, PlaceMatch, get_client
from bot.i18n import LANGUAGES


def place_query(tracker: Tracker) -> str:
    """What to resolve: the postal code or town the NLU found, else the whole message."""
    codes = entity_values(tracker, "postal_code")
    towns = entity_values(tracker, "municipality")
    text = tracker.latest_message.get("text") or ""
    if codes:
        return " ".join(codes + towns)
    if towns and not text.startswith("/"):
        return text  # the resolver reads whole sentences and prefers its own reading to the NLU's
    return towns[0] if towns else text


PRESET_MAX_CHARS = 100


def preset_place_text(tracker: Tracker) -> Optional[str]:
    """The place a channel presets (the widget's data-municipality, a Telegram deep link), if any.

    It comes as message metadata ``place`` (a municipality name or postal code), or with the message
    that started the session.
    """
    for metadata in (tracker.latest_message.get("metadata"), tracker.get_slot("session_started_metadata")):
        place = (metadata or {}).get("place") if isinstance(metadata, dict) else None
        if isinstance(place, str) and place.strip():
            return place.strip()[:PRESET_MAX_CHARS]
    return None


async def preset_place(tracker: Tracker, language: str) -> List[EventType]:
    """Municipality and office from a preset place, silently; nothing when it is not one clear match.

    The person is then not asked where they live. An unclear or unknown preset changes nothing: the
    booking form asks as usual.
    """
    place = preset_place_text(tracker)
    if place is None or tracker.get_slot("municipality"):
        return []
    try:
        resolution = await get_client().resolve(place, language)
    except BookingUnavailable:
        return []
    if resolution.status != "found" or not resolution.matches or resolution.matches[0].office is None:
        return []
    match = resolution.matches[0]
    return [SlotSet("municipality", match.municipality), SlotSet("office_id", match.office.id)]


async def preset_office(office_id: Any, language: str) -> List[EventType]:
    """An office a city's page names (the widget's data-office): its contact answers questions at once.

    The municipality is still asked when booking, since it decides the responsible office.
    """
    if not isinstance(office_id, str) or not 0 < len(office_id) <= 64:
        return []
    try:
        office = await get_client().office(office_id, language)
    except (BookingUnavailable, NotFound, InvalidRequest):  # down, unknown or malformed id: no preset
        return []
    return [SlotSet("office_id", office.id)]


class ActionSessionStart(Action):
    """A new conversation: Rasa's usual start, plus the place a channel may preset."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        hint = metadata.get("language") if isinstance(metadata, dict) else None
        language = hint if isinstance(hint, str) and hint in LANGUAGES else "de"
        events: List[EventType] = [SessionStarted()]
        if isinstance(metadata, dict) and metadata:
            events.append(SlotSet("session_started_metadata", metadata))
        preset = await preset_place(tracker, language)
        if not preset and isinstance(metadata, dict):
            preset = await preset_office(metadata.get("office_id"), language)
        return events + preset + [ActionExecuted("action_listen")]


async def resolve_place(
    tracker: Tracker, dispatcher: CollectingDispatcher, language: str
) -> Tuple[Optional[PlaceMatch], List[EventType], str]:
    """Resolve and explain; returns the match (if one is found), slot events and the status."""
    _ = gettext_for(language)
    query = place_query(tracker)
    try:
        resolution = await get_client().resolve(query, language)
    except BookingUnavailable:
        dispatcher.utter_message(
            text=_("Sorry, I cannot look up places right now. Please try again in a moment.")
        )
        return None, [], "unavailable"
    if resolution.status == "found" and resolution.matches:
        match = resolution.matches[0]
        return match, [SlotSet("municipality", match.municipality), SlotSet("office_id", match.office.id if match.office else None)], "found"
    if resolution.status == "ambiguous" and resolution.matches:
        dispatcher.utter_message(
            text=_("Which place do you mean?"),
            buttons=[
                button(m.municipality, '/inform_location{"municipality": "%s"}' % m.municipality)
                for m in resolution.matches[:5]
            ],
        )
        return None, [], "ambiguous"
    if resolution.status == "outside":
        dispatcher.utter_message(
            text=_(
                "This place is not in the area I can book for (StädteRegion Aachen, Stadt Aachen, "
                "Kreis Mettmann, Kreis Borken and Hagen). In North Rhine-Westphalia every Kreis and every large "
                "city (kreisfreie Stadt) has a Kommunales Integrationszentrum. Your town hall can give you its "
                "contact, and tell you who offers integration case management for you."
            )
        )
        return None, [], "outside"
    dispatcher.utter_message(
        text=_("I could not find this place. Please write the name of your town or your postal code (5 digits).")
    )
    return None, [], "unknown"


def describe_office(match: PlaceMatch, language: str) -> str:
    _ = gettext_for(language)
    if match.office is None:
        return match.municipality
    text = _("For {municipality} the responsible office is:").format(municipality=match.municipality)
    text += "\n" + office_contact_text(match.office, language)
    if match.office.serves:
        text += "\n\n" + match.office.serves
    return text


class ActionShowOffice(Action):
    """Outside a booking: tell the person which office is responsible for them."""

    def name(self) -> Text:
        return "action_show_office"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        match, slot_events, _status = await resolve_place(tracker, dispatcher, language)
        if match is not None:
            dispatcher.utter_message(
                text=describe_office(match, language),
                buttons=[button(_("Book an appointment"), "/book_appointment")],
            )
        return events + slot_events
