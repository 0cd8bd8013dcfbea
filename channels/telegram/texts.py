"""What the Telegram channel itself says (everything else comes from the assistant), from the gettext
catalogs in ``locales/``; pybabel extracts ``_t(language, "...")`` (keyword ``_t:2``)."""

from datetime import datetime

from channels.i18n import _t, format_appointment

DEFAULT_LANGUAGE = "de"  # the assistant's default too


def only_text(language: str) -> str:
    return _t(
        language,
        "Sorry, I can only read text. Please write your question in a few words, in your language.",
    )


def no_location(language: str) -> str:
    return _t(language, "I cannot read a shared location. Please write the name of your town or your postal code.")


def edited(language: str) -> str:
    return _t(
        language,
        "I only read new messages, not changes to sent ones. If something was wrong, please send it again.",
    )


def assistant_down(language: str) -> str:
    return _t(language, "Sorry, I cannot answer right now. Please try again in a few minutes.")


def calendar_caption(language: str) -> str:
    return _t(language, "Your appointment as a calendar file. Open it to save the appointment in your calendar.")


def reminder(language: str, *, start: datetime, place: str, reference: str) -> str:
    # TRANSLATORS: sent about 24 hours before the appointment. {when} is the date and time (already in
    # your language), {place} the office address, {reference} the booking code like K7M-4PX9.
    text = _t(
        language,
        "Reminder: your appointment with the integration management (KIM) is tomorrow.\n"
        "When: {when}\nWhere: {place}\nBooking code: {reference}\n"
        "Please bring your papers. Can you come?",
    )
    return text.format(when=format_appointment(start, language), place=place, reference=reference)


def keep_button(language: str) -> str:
    return _t(language, "Yes, I will come")


def move_button(language: str) -> str:
    return _t(language, "Move the appointment")


def cancel_button(language: str) -> str:
    return _t(language, "Cancel the appointment")


def kept(language: str) -> str:
    return _t(language, "Thank you! See you tomorrow.")


def already_chosen(language: str) -> str:
    return _t(language, "You have already chosen.")


def button_expired(language: str) -> str:
    return _t(language, "This button is no longer active. Please write to me instead.")


def commands(language: str) -> list[tuple[str, str]]:
    """The command menu (``setMyCommands``): command and its description in ``language``."""
    return [
        ("start", _t(language, "Start and choose a language")),
        ("language", _t(language, "Change the language")),
        ("help", _t(language, "What I can do for you")),
        ("privacy", _t(language, "How your data is protected")),
        ("delete", _t(language, "Delete my data")),
    ]
