"""``action_answer``: short answers to first questions, in the person's language, from the catalogs."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.i18n import language_or_default, translations


def answer_for(intent: str, language: str) -> str:
    """The answer to an intent; facts from the public KIM documents (see ../shared/seeds)."""
    _ = translations(language).gettext
    answers = {
        "greet": _(
            "Hello! I am the digital assistant of the municipal integration management (KIM). "
            "I answer first questions about the free advice for immigrants."
        ),
        "goodbye": _("Goodbye and all the best!"),
        "thank": _("You are welcome!"),
        "bot_challenge": _(
            "I am a computer program, not a person. The case managers in your town are real people "
            "and you can call them."
        ),
        "ask_about_service": _(
            "KIM stands for municipal integration management. Case managers advise and accompany "
            "immigrants personally and for a long time: residence questions, housing, health, school "
            "and training, work, language courses, family and social benefits. They also show you "
            "which office or service can help you."
        ),
        "ask_eligibility": _(
            "Everyone who has immigrated can come: regardless of age, country of origin or residence status."
        ),
        "ask_cost": _("The advice is free of charge."),
        "ask_languages": _(
            "The case managers speak German, Arabic, Russian, Bosnian, Turkish, French and English. "
            "For other languages they can bring in an interpreter."
        ),
    }
    return answers.get(
        intent,
        _(
            "I cannot do that here yet. Please contact the KIM case management office in your town "
            "by phone or email."
        ),
    )


class ActionAnswer(Action):
    """Answer the last message in the person's language."""

    def name(self) -> Text:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        metadata = tracker.latest_message.get("metadata") or {}
        language = language_or_default(tracker.get_slot("language") or metadata.get("language"))
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        dispatcher.utter_message(text=answer_for(intent, language))
        return [SlotSet("language", language)]
