"""Who is writing, as Rasa sees it: a conversation id derived from the chat, and a language hint."""

from channels.i18n import supported_language as language_hint  # Telegram's language_code; None: the picker
from channels.rasa_client import RasaClient

__all__ = ["conversation_id", "language_hint"]


def conversation_id(chat_id: int) -> str:
    """Rasa's sender id for a private chat: a hash, so Rasa and the channel's tables never hold the chat id."""
    return RasaClient.sender_id(f"telegram:{chat_id}")
