"""Bot buttons as inline keyboards. Rasa payloads such as ``/choose{"choice": "slot-…"}`` can exceed
Telegram's 64-byte ``callback_data``, so they stay in the channel's database and the button carries only
``k:<keyboard id>:<index>``; a pressed keyboard is spent and shown with a tick on the chosen button."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

PREFIX = "k"
SPENT = "spent"  # callback data of a button on a spent keyboard
KEEP = "telegram:keep"  # the reminder's "I will come": answered by the channel, never relayed to Rasa
SHORT = 16  # buttons with titles up to this length go two to a row
CHOSEN_MARK = "✓ "


def callback_data(keyboard_id: str, index: int) -> str:
    return f"{PREFIX}:{keyboard_id}:{index}"


def parse_callback_data(data: str | None) -> tuple[str, int] | None:
    """``(keyboard id, button index)`` of our callback data, else None."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def rows(titles: list[str]) -> list[list[int]]:
    """Indexes of ``titles`` laid out in rows: up to three short ones in one row ("Yes" / "No"), short
    ones two to a row (the language picker), long ones (times, questions) one to a row."""
    indexes = list(range(len(titles)))
    if all(len(title) <= SHORT for title in titles):
        per_row = len(titles) if len(titles) <= 3 else 2
        return [indexes[i : i + per_row] for i in range(0, len(indexes), per_row)]
    return [[i] for i in indexes]


def markup(keyboard_id: str, buttons: list[dict]) -> InlineKeyboardMarkup:
    """The inline keyboard for ``buttons`` (``{"title", "payload"}``) stored as ``keyboard_id``."""
    titles = [str(button.get("title") or "") for button in buttons]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(titles[i], callback_data=callback_data(keyboard_id, i)) for i in row]
            for row in rows(titles)
        ]  # fmt: skip
    )


def spent_markup(chosen_title: str) -> InlineKeyboardMarkup:
    """What a pressed keyboard becomes: the chosen button with a tick, pressing it does nothing."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(CHOSEN_MARK + chosen_title, callback_data=SPENT)]])
