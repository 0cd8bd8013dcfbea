"""Who is writing, as Rasa sees it: a conversation id derived from the chat, and a language hint."""

from channels.rasa_client import RasaClient

LANGUAGES = ("de", "ar", "ru", "bs", "tr", "fr", "en")
# Telegram's language_code is an IETF tag ("de", "pt-br"); Croatian and Serbian readers get Bosnian
ALIASES = {"hr": "bs", "sr": "bs", "sh": "bs", "cnr": "bs"}


def language_hint(language_code: str | None) -> str | None:
    """One of the seven languages for Telegram's ``language_code``, else None (the assistant offers its picker)."""
    if not language_code:
        return None
    primary = language_code.strip().lower().replace("_", "-").split("-")[0]
    primary = ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def conversation_id(chat_id: int) -> str:
    """Rasa's sender id for a private chat: a hash, so Rasa and the channel's tables never hold the chat id."""
    return RasaClient.sender_id(f"telegram:{chat_id}")
