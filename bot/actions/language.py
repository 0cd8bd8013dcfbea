"""Greeting with the language picker, and switching the language at any time."""

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.answer import main_menu
from bot.actions.common import entity_values, gettext_for, language_buttons, language_for_turn
from bot.i18n import LANGUAGES, NATIVE_NAMES

# How people name the seven languages, as word beginnings (case endings differ: "na njemačkom",
# "по-немецки", "Almanca"). Used when the NLU extracts a language name without mapping it to a code.
LANGUAGE_STEMS = {
    "de": ("deutsch", "german", "allemand", "njema", "nemack", "njemač", "nemač", "nemec", "nemet", "alman", "немец", "الألمان", "الالمان", "ألمان", "الماني", "almani"),
    "ar": ("arab", "العرب", "عربي", "араб", "arapsk", "3arabi"),
    "ru": ("russ", "rus", "рус", "ruski", "ruskom", "الروس", "روسي"),
    "bs": ("bosn", "bosan", "босн", "hrvat", "srps", "البوسن"),
    "tr": ("türk", "turk", "турец", "турк", "الترك", "تركي"),
    "fr": ("fran", "franc", "франц", "الفرنس", "فرنسي", "fransız", "fransiz"),
    "en": ("engl", "angl", "англ", "ingiliz", "İngiliz", "الإنجليز", "الانجليز", "انجليزي", "engleski", "inglizi"),
}


def language_code(value: str) -> str | None:
    """The code for a language entity value: a code already, or a language name in any of the seven."""
    value = (value or "").strip().casefold()
    if value in LANGUAGES:
        return value
    for word in re.findall(r"\w+", value):
        for code, stems in LANGUAGE_STEMS.items():
            if any(word.startswith(stem.casefold()) for stem in stems):
                return code
    return None


def languages_named_in(text: str) -> list[str]:
    """The codes of the languages a message names, word by word ("Давайте перейдём на немецкий" -> de)."""
    if text.startswith("/"):
        return []
    words = [word for word in re.findall(r"\w+", text) if word.casefold() not in LANGUAGES]  # "de", "en": words too
    return [code for code in map(language_code, words) if code]


class ActionGreet(Action):
    """Hello in the detected language, what the bot can do, and the picker with native names."""

    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        dispatcher.utter_message(
            text=_(
                "Hello! I am the digital assistant of the municipal integration management (KIM). "
                "I answer first questions about the free advice for immigrants and book appointments."
            ),
            buttons=main_menu(language),
        )
        if not tracker.get_slot("language_chosen"):
            dispatcher.utter_message(text=_("You can also write to me in your language:"), buttons=language_buttons())
        return events


class ActionSetLanguage(Action):
    """Switch to the language the person asked for; the rest of the conversation follows."""

    def name(self) -> Text:
        return "action_set_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        requested = [code for code in map(language_code, entity_values(tracker, "language")) if code]
        if not requested:  # no language tagged ("Molim vas na njemačkom"): a language named in the text itself
            named = set(languages_named_in(tracker.latest_message.get("text") or ""))
            requested = list(named) if len(named) == 1 else []
        if not requested:
            language, events = language_for_turn(tracker)
            _ = gettext_for(language)
            dispatcher.utter_message(text=_("Which language would you like?"), buttons=language_buttons())
            return events
        language = requested[-1]
        _ = gettext_for(language)
        dispatcher.utter_message(
            text=_("Okay, from now on I will write in {language}.").format(language=NATIVE_NAMES[language])
        )
        return [SlotSet("language", language), SlotSet("language_chosen", True)]
