"""What every action needs: the person's language for this turn, texts, buttons, the office's contact."""

import re
from abc import ABC, abstractmethod
from typing import Dict, List, Optional, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import language as detection
from bot.booking_client import BookingUnavailable, Office, get_client
from bot.i18n import LANGUAGES, NATIVE_NAMES, translations

# Intents that interrupt a form's question instead of answering it (when the model is sure enough).
INTERRUPTIONS = frozenset(
    "ask_about_service ask_eligibility ask_cost ask_languages ask_contact ask_privacy bot_challenge "
    "choose_language cancel_appointment reschedule_appointment delete_my_data book_appointment out_of_scope "
    "greet thank".split()
)
INTERRUPTION_CONFIDENCE = 0.8
# Answers to these questions are names, numbers and addresses: they say nothing about the language.
FREE_TEXT_SLOTS = frozenset({"contact_name", "contact_phone", "second_factor", "booking_reference", "municipality"})


class KimFormValidation(FormValidationAction, ABC):
    """Keeps every slot an ``extract_*`` method sets.

    rasa_sdk validates (and returns) only the slots in ``required_slots()``, recomputed after extraction:
    slots set alongside the requested one (office_id with municipality, consent_given_at, flow_stop,
    contact_email instead of contact_phone...) would silently be dropped. Our extract methods validate
    what they return, so everything they set is passed on.
    """

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>; abstract, so the action server does not register this base class."""

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        """None once the flow was stopped (outside, no consent, ...); else what ``needed_slots`` says."""
        if tracker.get_slot("flow_stop"):
            return []
        return self.needed_slots(list(domain_slots), tracker)

    def needed_slots(self, slots: List[str], tracker: Tracker) -> List[str]:
        """The form's slots still to ask in this conversation; by default all of them."""
        return slots

    @staticmethod
    def asked(tracker: Tracker, slot: str) -> bool:
        """Whether the latest message answers the question for ``slot`` (and is not an interruption)."""
        return tracker.get_slot("requested_slot") == slot and not is_interruption(tracker)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        extracted = dict(tracker.slots_to_validate())
        events = await super().get_validation_events(dispatcher, tracker, domain)
        validated = {event["name"] for event in events}
        return events + [SlotSet(name, value) for name, value in extracted.items() if name not in validated]


def asked_when_written(tracker: Tracker) -> Optional[str]:
    """The slot the bot was asking for when the person wrote the latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
            continue
        if seen_user and event.get("event") == "slot" and event.get("name") == "requested_slot":
            return event.get("value")
    return None


def language_for_turn(tracker: Tracker) -> Tuple[str, List[EventType]]:
    """The language to answer this turn in, and the slot events that record a change."""
    current = tracker.get_slot("language")
    metadata = tracker.latest_message.get("metadata") or {}
    hint = metadata.get("language")
    text = tracker.latest_message.get("text") or ""
    asked = {asked_when_written(tracker), tracker.get_slot("requested_slot")}
    if text.startswith("/") or "@" in text or asked & FREE_TEXT_SLOTS:
        text = ""  # a button payload, a name or a phone number says nothing about the language
    chosen = detection.choose_language(
        text, current=current, hint=hint, locked=bool(tracker.get_slot("language_chosen"))
    )
    language = chosen or "de"
    return language, ([SlotSet("language", language)] if language != current else [])


def gettext_for(language: str):
    return translations(language).gettext


def _t(language: str, message: str) -> str:
    """One message in ``language``; pybabel extracts it (keyword ``_t:2`` in the Makefile)."""
    return translations(language).gettext(message)


def intent_of(tracker: Tracker) -> Tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


def is_interruption(tracker: Tracker) -> bool:
    """Whether the last message is a question or request rather than an answer to the form."""
    text = tracker.latest_message.get("text") or ""
    name, confidence = intent_of(tracker)
    if text.startswith("/"):
        return name in INTERRUPTIONS
    if tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS and looks_like_an_answer(text):
        return False  # "Samuel Mensah", "amina@example.com", "Mein Code ist R7T-3KQW": answers, whatever the NLU says
    return name in INTERRUPTIONS and confidence >= INTERRUPTION_CONFIDENCE


# Greetings and thanks alone are small talk, not a name ("Hallo!" is not the person's name).
_SMALL_TALK = re.compile(
    r"^[\W_]*((hallo|hello|hi|hey|moin|servus|guten\s+(tag|morgen|abend)|salam|salaam|merhaba|selam|"
    r"bonjour|bonsoir|salut|privet|zdravo|dobar\s+dan|pozdrav|danke(\s+sch[oö]n)?|thanks|thank\s+you|merci|hvala|"
    r"te[sş]ekk[uü]rler|sa[gğ]ol|мерси|привет|здравствуйте|спасибо|مرحبا|اهلا|أهلا|السلام\s+عليكم|شكرا)[\W_]*)+$",
    re.IGNORECASE,
)


def looks_like_an_answer(text: str) -> bool:
    """A name, number, address or code: no question; digits or an @, or short and not small talk."""
    if "?" in text or "؟" in text:
        return False  # a question goes through the intent check: answered, then the form asks again
    if "@" in text or any(ch.isdigit() for ch in text):
        return True
    return not _SMALL_TALK.match(text.strip()) and len(text.split()) <= 3


# Words that make a "yes" doubtful, in our seven languages: negations always; stop/cancel words unless
# cancelling is the very thing being confirmed ("yes, cancel it" while cancelling).
_NEGATIONS = re.compile(
    r"\b(nein|nicht|kein\w*|no|not|don'?t|never|non|pas|ne|nemoj|nije|hay[ıi]r|istemiyorum|нет|не|لا)\b",
    re.IGNORECASE,
)
_STOP_WORDS = re.compile(
    r"\b(abbrechen|abbruch|stopp?|halt|cancel|annuler|arr[eê]te[rz]?|prekini|odustani|iptal|vazge[cç]|"
    r"отмена|отменить|стоп|إلغاء|الغاء|ألغ|الغي|توقف)\b",
    re.IGNORECASE,
)


def is_yes(tracker: Tracker, *, also_yes: Tuple[str, ...] = ()) -> Optional[bool]:
    """True for yes, False for no, None for anything else, at a consent or confirmation question.

    A yes needs the affirm intent (or a button) and no stop or negation word: "abbrechen" must never
    book. ``also_yes`` are intents that confirm in context ("yes, delete it" while deleting).
    """
    name, _confidence = intent_of(tracker)
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        return {"affirm": True, "deny": False}.get(name)
    # A stop word stops, except where it names the task itself: "yes, cancel it" while cancelling.
    stopping = _STOP_WORDS.search(text) and not (name in also_yes and name == "cancel_appointment")
    if name == "deny" or _NEGATIONS.search(text) or stopping:
        return False
    if name == "affirm" or name in also_yes:
        return True
    guesses = _best_guesses(tracker) if name == "nlu_fallback" else []
    if guesses and all(guess in ("affirm", *also_yes) for guess in guesses):
        return True  # torn between "yes" and the task itself ("Ja, bitte löschen"): both mean yes here
    return None


def _best_guesses(tracker: Tracker) -> List[str]:
    """The classifier's two best intents under an nlu_fallback (empty when the ranking is missing)."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    guesses = [item.get("name") for item in ranking if item.get("name") != "nlu_fallback"][:2]
    return guesses if len(guesses) == 2 else []


def entity_values(tracker: Tracker, entity: str) -> List[str]:
    values = []
    for item in tracker.latest_message.get("entities") or []:
        value = item.get("value")
        if item.get("entity") == entity and isinstance(value, str) and value not in values:
            values.append(value)
    return values


def button(title: str, payload: str) -> Dict[str, str]:
    return {"title": title, "payload": payload}


def choice_payload(choice: str) -> str:
    return '/choose{"choice": "%s"}' % choice.replace('"', "")


def language_buttons() -> List[Dict[str, str]]:
    return [
        button(NATIVE_NAMES[code], '/choose_language{"language": "%s"}' % code) for code in LANGUAGES
    ]


def office_contact_text(office: Office, language: str) -> str:
    """Name, address, phone and hours of an office, for any fallback."""
    _ = gettext_for(language)
    lines = [office.name, office.address, _("Phone: {phone}").format(phone=office.phone)]
    if office.opening_hours:
        lines.append(office.opening_hours)
    if office.email:
        lines.append(_("Email: {email}").format(email=office.email))
    return "\n".join(lines)


async def known_office(tracker: Tracker, language: str) -> Optional[Office]:
    """The office of this conversation, if one is known and the booking service answers."""
    office_id = tracker.get_slot("office_id")
    if not office_id:
        return None
    try:
        return await get_client().office(office_id, language)
    except BookingUnavailable:
        return None
    except Exception:  # an unknown office id: no contact to offer, but no crash either
        return None


def say_with_office_contact(
    dispatcher: CollectingDispatcher,
    language: str,
    office: Optional[Office],
    text: str,
    buttons: Optional[List[Dict[str, str]]] = None,
) -> None:
    """A message, followed by the office's phone and hours, or the general way to reach KIM."""
    _ = gettext_for(language)
    if office is not None:
        contact = office_contact_text(office, language)
    else:
        contact = _(
            "Tell me the town where you live, and I will give you the phone number and opening hours "
            "of your KIM office."
        )
    dispatcher.utter_message(text=text + "\n\n" + contact, buttons=buttons or [])
