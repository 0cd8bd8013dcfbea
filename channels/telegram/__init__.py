"""The Telegram channel (python-telegram-bot v22) of the public channels process."""

from channels.telegram.channel import TelegramChannel

__all__ = ["TelegramChannel"]
