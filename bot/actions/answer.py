"""Short answers to first questions at any point, in the person's language.

Facts from the public KIM documents (../shared/seeds); what differs by office (who it serves, address,
hours, phone) comes from the booking service, not from the catalogs.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import (
    button,
    gettext_for,
    intent_of,
    known_office,
    language_for_turn,
    say_with_office_contact,
)
from bot.consent import RETENTION_DAYS


def main_menu(language: str) -> List[Dict[str, str]]:
    _ = gettext_for(language)
    return [
        button(_("Book an appointment"), "/book_appointment"),
        button(_("What is KIM?"), "/ask_about_service"),
        button(_("Who can come?"), "/ask_eligibility"),
        button(_("Cancel or move an appointment"), "/cancel_appointment"),
    ]


def fixed_answer(intent: str, language: str) -> str:
    """Answers that are the same for every office."""
    _ = gettext_for(language)
    answers = {
        "greet": _("Hello! How can I help you?"),
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
        "ask_privacy": _(
            "I store nothing about you unless you agree. If you book, only the KIM case management of your "
            "office receives your name, contact, language, topics and short message, and only for your "
            "counselling. It is deleted {days} days after the appointment at the latest. You can write "
            "\"delete my data\" at any time."
        ).format(days=RETENTION_DAYS),
        "out_of_scope": _(
            "I can only help with the KIM advice for immigrants: first questions and appointments."
        ),
        "affirm": _("How can I help you?"),
        "deny": _("All right. How can I help you?"),
    }
    return answers.get(intent, _("How can I help you?"))


class ActionAnswer(Action):
    """Answer a first question; inside a form the form asks its question again afterwards."""

    def name(self) -> Text:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        intent, _confidence = intent_of(tracker)
        in_form = tracker.active_loop.get("name") is not None
        office = await known_office(tracker, language) if intent in ("ask_contact", "ask_eligibility") else None

        menu = [] if in_form or intent in ("goodbye", "thank") else main_menu(language)
        if intent == "ask_contact":
            say_with_office_contact(
                dispatcher, language, office, _("You can reach the case management directly:") if office else
                _("You can talk to a case manager by phone or in person."), buttons=menu,
            )  # fmt: skip
        elif intent == "ask_eligibility" and office is not None and office.serves:
            dispatcher.utter_message(text=fixed_answer(intent, language) + "\n\n" + office.serves, buttons=menu)
        else:
            dispatcher.utter_message(text=fixed_answer(intent, language), buttons=menu)
        return events


class ActionFallback(Action):
    """When the model is unsure: say so, offer the main choices and the office's phone and hours."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, events = language_for_turn(tracker)
        _ = gettext_for(language)
        office = await known_office(tracker, language)
        say_with_office_contact(
            dispatcher, language, office, _("Sorry, I did not understand that. Choose below, or call the office:")
            if office else _("Sorry, I did not understand that.")
        )
        dispatcher.utter_message(text=_("What would you like to do?"), buttons=main_menu(language))
        return events
