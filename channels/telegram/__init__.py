"""The Telegram channel (python-telegram-bot v22): to be built (issue 5)."""


class TelegramChannel:
    def __init__(self, *, settings, rasa, http) -> None:
        raise NotImplementedError("the Telegram channel is not built yet")
