"""python-telegram-bot handlers: private chats only; text and commands go to Rasa, bot buttons come back
as callback queries, everything else gets a polite answer in the person's language."""

import logging
import re

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from channels.telegram import keyboards, texts
from channels.telegram.delivery import call
from channels.telegram.language import conversation_id, language_hint
from channels.telegram.relay import Relay

log = logging.getLogger("channels.telegram")

# what each command sends to Rasa ("/intent" messages skip the NLU)
COMMANDS = {
    "start": "/greet",
    "language": "/choose_language",
    "help": "/ask_about_service",
    "privacy": "/ask_privacy",
    "delete": "/delete_my_data",
}
# Telegram deep-link payloads are 1-64 characters of A-Z a-z 0-9 _ -
DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PRIVATE = filters.ChatType.PRIVATE


def relay_of(context: ContextTypes.DEFAULT_TYPE) -> Relay:
    return context.bot_data["relay"]


def hint_of(update: Update) -> str | None:
    user = update.effective_user
    return language_hint(user.language_code if user else None)


def place_of(args: list[str] | None) -> str | None:
    """The place of a ``/start <payload>`` deep link (e.g. ``hagen``, ``58095``), else None."""
    if not args or not DEEP_LINK.match(args[0]):
        return None
    return args[0].replace("_", " ").replace("-", " ").strip() or None


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A menu command (/start [place], /language, /help, /privacy, /delete) as the assistant's intent."""
    message = update.effective_message
    command = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    extra = {}
    if command == "start" and (place := place_of(context.args)):
        extra["place"] = place
    if command == "delete":
        # the channel's own data of this chat goes at once (earlier buttons stop working); reminders go when
        # the assistant has erased the booking (checked after the turn), so a "no" keeps the appointment's
        await relay_of(context).store.forget_keyboards(conversation=conversation_id(message.chat_id))
    await relay_of(context).turn(
        context.bot, chat_id=message.chat_id, text=COMMANDS[command], hint=hint_of(update), extra_metadata=extra
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message (an unknown /command too) for the assistant; a leading slash is dropped, so typed
    text can never pose as a button's intent payload."""
    message = update.effective_message
    text = (message.text or "").lstrip("/").strip()
    if not text:
        return
    await relay_of(context).turn(context.bot, chat_id=message.chat_id, text=text, hint=hint_of(update))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed bot button: spend its keyboard (tick the choice) and relay the button's payload."""
    query = update.callback_query
    relay = relay_of(context)
    message = query.message
    hint = hint_of(update)
    if message is None or message.chat.type != ChatType.PRIVATE:
        await call(lambda: query.answer(), method="answerCallbackQuery", idempotent=True)
        return
    chat_id = message.chat.id
    parsed = keyboards.parse_callback_data(query.data)
    if parsed is None:
        notice = texts.already_chosen if query.data == keyboards.SPENT else texts.button_expired
        language = await relay.language(chat_id=chat_id, hint=hint)
        await call(lambda: query.answer(text=notice(language)), method="answerCallbackQuery", idempotent=True)
        return
    keyboard_id, index = parsed
    button, buttons = await relay.store.spend_button(
        keyboard_id=keyboard_id, conversation=conversation_id(chat_id), index=index
    )
    if button is None:
        notice = texts.already_chosen if buttons else texts.button_expired
        language = await relay.language(chat_id=chat_id, hint=hint)
        await call(lambda: query.answer(text=notice(language)), method="answerCallbackQuery", idempotent=True)
        return
    await call(lambda: query.answer(), method="answerCallbackQuery", idempotent=True)
    await _mark_chosen(query, button["title"])
    if button["payload"] == keyboards.KEEP:
        language = await relay.language(chat_id=chat_id, hint=hint)
        await relay.say(context.bot, chat_id=chat_id, text=texts.kept(language))
        return
    if not await relay.turn(context.bot, chat_id=chat_id, text=button["payload"], hint=hint):
        # Rasa did not get it: the buttons work again
        await relay.store.unspend_keyboard(keyboard_id=keyboard_id)
        await _restore(query, keyboard_id, buttons)


async def _mark_chosen(query, title: str) -> None:
    try:
        await call(
            lambda: query.edit_message_reply_markup(reply_markup=keyboards.spent_markup(title)),
            method="editMessageReplyMarkup",
            idempotent=True,
        )
    except BadRequest:
        pass  # "message is not modified" or too old to edit: the spent keyboard still refuses a second press


async def _restore(query, keyboard_id: str, buttons: list[dict]) -> None:
    try:
        await call(
            lambda: query.edit_message_reply_markup(reply_markup=keyboards.markup(keyboard_id, buttons)),
            method="editMessageReplyMarkup",
            idempotent=True,
        )
    except BadRequest:
        pass


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: the earlier version was answered already; ask for a new message instead."""
    message = update.edited_message
    relay = relay_of(context)
    language = await relay.language(chat_id=message.chat_id, hint=hint_of(update))
    await relay.say(context.bot, chat_id=message.chat_id, text=texts.edited(language))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, voice, stickers, files, locations…: what the bot can read instead, in the person's language."""
    message = update.effective_message
    relay = relay_of(context)
    language = await relay.language(chat_id=message.chat_id, hint=hint_of(update))
    text = texts.no_location(language) if message.location or message.venue else texts.only_text(language)
    await relay.say(context.bot, chat_id=message.chat_id, text=text)


async def on_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added to a group: leave (the bot talks only in private chats). Blocked in a private chat: forget
    the chat's reminders and keyboards."""
    change = update.my_chat_member
    chat = change.chat
    status = change.new_chat_member.status
    if chat.type != ChatType.PRIVATE:
        if status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
            try:
                await call(lambda: context.bot.leave_chat(chat_id=chat.id), method="leaveChat", idempotent=True)
            except TelegramError as error:
                log.info("could not leave a group chat: %s", type(error).__name__)
        return
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        relay = relay_of(context)
        await relay.store.delete_reminders(chat_id=chat.id)
        await relay.store.forget_keyboards(conversation=conversation_id(chat.id))
        log.info("a private chat blocked the bot; its reminders and keyboards are deleted")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first (error type and update id only: no chat ids, names or texts), then tell the person."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "telegram update %s failed: %s (code=telegram_handler_error)", update_id, type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )  # fmt: skip
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        language = hint_of(update) or texts.DEFAULT_LANGUAGE
        await context.bot.send_message(chat_id=update.effective_chat.id, text=texts.assistant_down(language))
    except TelegramError:
        pass


def add_handlers(application: Application) -> None:
    """Register every handler on ``application`` (private chats only, except joining a group)."""
    new = PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(list(COMMANDS), on_command, filters=new))
    application.add_handler(MessageHandler(new & filters.TEXT, on_text))
    application.add_handler(MessageHandler(new & filters.ATTACHMENT, on_other))
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, on_edited))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(on_error)
