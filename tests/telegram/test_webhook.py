"""The channel inside the channels app (in-process) against the fake Bot API and a scripted Rasa: the
webhook's secret, commands, buttons, limits, the polite answers, Rasa being down."""

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from booking.i18n import translations
from channels.app import create_app
from channels.config import Settings
from channels.telegram.language import conversation_id
from tests.booking.server import free_port
from tests.telegram.fake_telegram import FakeTelegram, Updates, buttons_of
from tests.telegram.fakes import FakeRasa

TOKEN = "123456:TEST-token-for-the-fake-server"
SECRET = "s3cret-token_for-the-webhook-0123456789"
HOOK = "/telegram/webhook"
LONG_PAYLOAD = '/choose{"choice": "slot-2026-12-01T09:30:00+01:00-office-hagen-staff-0042"}'


def settings(tmp_path, telegram: FakeTelegram | None, rasa_url: str, **extra) -> Settings:
    values = {"RASA_URL": rasa_url, "database_url": f"sqlite:///{tmp_path / 'channels.sqlite3'}",
              "BOOKING_URL": "http://127.0.0.1:9"}  # fmt: skip
    if telegram is not None:
        values |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": telegram.base_url,
                   "TELEGRAM_WEBHOOK_URL": "https://kim.example.org/telegram/webhook",
                   "TELEGRAM_WEBHOOK_SECRET": SECRET}  # fmt: skip
    return Settings(_env_file=None, **(values | extra))


def scripted(text: str, metadata: dict) -> list[dict]:
    if text == "/greet":
        return [{"text": "Hallo! Wähle:", "buttons": [{"title": "Deutsch", "payload": '/choose_language{"language": "de"}'},
                                                      {"title": "Termin", "payload": LONG_PAYLOAD}]}]  # fmt: skip
    if text == "long":
        return [{"text": ("Absatz. " * 400).strip() + "\n\n" + ("Zweiter. " * 300).strip()}]
    return [{"text": f"echo: {text}"}]


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram().running() as fake:
        yield fake


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    with FakeRasa(reply=scripted).running() as fake:
        yield fake


@pytest.fixture
def client(tmp_path, telegram, rasa) -> Iterator[TestClient]:
    with TestClient(create_app(settings(tmp_path, telegram, rasa.url))) as client:
        yield client


def post(client: TestClient, update: dict, secret: str | None = SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post(HOOK, json=update, headers=headers)


def texts_sent(telegram: FakeTelegram, chat_id: int, since: int = 0) -> list[str]:
    return [c.params["text"] for c in telegram.calls_of("sendMessage", chat_id=chat_id, since=since)]


def test_start_registers_the_webhook_with_its_secret_and_a_menu_in_every_language(client, telegram) -> None:
    (hook,) = telegram.calls_of("setWebhook")
    assert hook.params["url"] == "https://kim.example.org/telegram/webhook"
    assert hook.params["secret_token"] == SECRET
    assert set(hook.params["allowed_updates"]) >= {"message", "edited_message", "callback_query"}
    assert hook.token == TOKEN
    menus = {c.params.get("language_code"): c.params["commands"] for c in telegram.calls_of("setMyCommands")}
    assert set(menus) == {"de", "ar", "ru", "bs", "tr", "fr", "en", "hr", "sr", "sh", "cnr", None}
    for code in ("de", "ar", "ru", "bs", "tr", "fr", "en"):
        assert [c["command"] for c in menus[code]] == ["start", "language", "help", "privacy", "delete"]
        expected = translations(code).gettext("Change the language")
        assert menus[code][1]["description"] == expected
    descriptions = {code: menus[code][1]["description"] for code in ("de", "ar", "ru", "tr", "fr", "en")}
    assert len(set(descriptions.values())) == 6, descriptions  # really translated
    assert menus["hr"] == menus["bs"] and menus[None] == menus["de"]


def test_webhook_without_the_right_secret_is_refused_and_reaches_nothing(client, telegram, rasa) -> None:
    chat = Updates(5001, language_code="de")
    mark = telegram.mark()
    for secret in (None, "", "wrong", SECRET + "x"):
        response = post(client, chat.text("Hallo"), secret=secret)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    telegram.quiet_for(0.5)
    assert telegram.calls[mark:] == [] and rasa.received == []
    assert post(client, chat.text("Hallo")).status_code == 200  # the right secret works
    telegram.wait_for("sendMessage", chat_id=5001, since=mark)


def test_webhook_is_404_when_telegram_is_off(tmp_path, rasa) -> None:
    with TestClient(create_app(settings(tmp_path, None, rasa.url))) as client:
        response = post(client, Updates(1, language_code="de").text("Hallo"))
    assert response.status_code == 404 and response.json()["code"] == "telegram_off"


def test_a_message_goes_to_rasa_under_a_hashed_id_with_the_language_hint(client, telegram, rasa) -> None:
    chat = Updates(5002, language_code="ru-RU")
    mark = telegram.mark()
    assert post(client, chat.text("Здравствуйте")).status_code == 200
    (reply,) = telegram.wait_for("sendMessage", chat_id=5002, since=mark)
    assert reply.params["text"] == "echo: Здравствуйте"
    assert rasa.received == [(conversation_id(5002), "Здравствуйте", {"channel": "telegram", "language": "ru"})]
    typing = telegram.calls_of("sendChatAction", chat_id=5002, since=mark)
    assert typing and typing[0].params["action"] == "typing" and typing[0].at <= reply.at


def test_unknown_language_code_sends_no_hint(client, telegram, rasa) -> None:
    mark = telegram.mark()
    post(client, Updates(5003, language_code="pt-br").text("Olá"))
    telegram.wait_for("sendMessage", chat_id=5003, since=mark)
    assert rasa.received[-1][2] == {"channel": "telegram"}


@pytest.mark.parametrize(
    ("command", "intent"),
    [("/start", "/greet"), ("/language", "/choose_language"), ("/help", "/ask_about_service"),
     ("/privacy", "/ask_privacy"), ("/delete", "/delete_my_data")],
)  # fmt: skip
def test_commands_become_the_assistants_intents(client, telegram, rasa, command, intent) -> None:
    mark = telegram.mark()
    post(client, Updates(5004, language_code="tr").text(command))
    telegram.wait_for("sendMessage", chat_id=5004, since=mark)
    assert rasa.received[-1][1:] == (intent, {"channel": "telegram", "language": "tr"})


def test_deep_link_passes_the_place(client, telegram, rasa) -> None:
    mark = telegram.mark()
    post(client, Updates(5005, language_code="ar").text("/start hagen"))
    telegram.wait_for("sendMessage", chat_id=5005, since=mark)
    assert rasa.received[-1][1:] == ("/greet", {"channel": "telegram", "language": "ar", "place": "hagen"})


def test_typed_intent_payloads_lose_their_slash(client, telegram, rasa) -> None:
    mark = telegram.mark()
    post(client, Updates(5006, language_code="de").text('/affirm{"x": 1}'))
    telegram.wait_for("sendMessage", chat_id=5006, since=mark)
    assert rasa.received[-1][1] == 'affirm{"x": 1}'


def test_buttons_become_an_inline_keyboard_pressed_once(client, telegram, rasa) -> None:
    chat = Updates(5007, language_code="de")
    mark = telegram.mark()
    post(client, chat.text("/start"))
    (menu,) = telegram.wait_for("sendMessage", chat_id=5007, since=mark)
    assert buttons_of(menu) == ["Deutsch", "Termin"]
    data = [b["callback_data"] for row in menu.params["reply_markup"]["inline_keyboard"] for b in row]
    assert all(len(d.encode()) <= 64 for d in data) and len(LONG_PAYLOAD.encode()) > 64

    mark = telegram.mark()
    post(client, chat.press(menu, "Termin"))
    (echo,) = telegram.wait_for("sendMessage", chat_id=5007, since=mark)
    assert echo.params["text"] == f"echo: {LONG_PAYLOAD}"
    assert rasa.received[-1][1] == LONG_PAYLOAD
    (answer,) = telegram.calls_of("answerCallbackQuery", since=mark)
    assert "text" not in answer.params
    (edit,) = telegram.calls_of("editMessageReplyMarkup", since=mark)
    assert edit.params["reply_markup"]["inline_keyboard"] == [[{"text": "✓ Termin", "callback_data": "spent"}]]

    # the same keyboard again (a second tap, or the other button before the edit arrived): nothing relayed
    relayed = len(rasa.received)
    mark = telegram.mark()
    post(client, chat.press(menu, "Deutsch"))
    (answer,) = telegram.wait_for("answerCallbackQuery", since=mark)
    assert answer.params["text"] == translations("de").gettext("You have already chosen.")
    telegram.quiet_for(0.3)
    assert len(rasa.received) == relayed and not telegram.calls_of("sendMessage", since=mark)


def test_a_key_from_another_chat_or_an_unknown_key_does_nothing(client, telegram, rasa) -> None:
    mark = telegram.mark()
    post(client, Updates(5008, language_code="de").text("/start"))
    (menu,) = telegram.wait_for("sendMessage", chat_id=5008, since=mark)
    relayed = len(rasa.received)
    mark = telegram.mark()
    post(client, Updates(5009, language_code="en").press(menu, "Termin"))  # someone else's keyboard
    post(client, Updates(5009, language_code="en").press_data("k:doesnotexist:0"))
    answers = telegram.wait_for("answerCallbackQuery", since=mark, count=2)
    expired = translations("en").gettext("This button is no longer active. Please write to me instead.")
    assert [a.params["text"] for a in answers] == [expired, expired]
    assert len(rasa.received) == relayed


def test_delete_forgets_the_chats_buttons_at_once(client, telegram, rasa) -> None:
    chat = Updates(5017, language_code="de")
    mark = telegram.mark()
    post(client, chat.text("/start"))
    (menu,) = telegram.wait_for("sendMessage", chat_id=5017, since=mark)
    mark = telegram.mark()
    post(client, chat.text("/delete"))
    telegram.wait_for("sendMessage", chat_id=5017, since=mark)
    assert rasa.received[-1][1] == "/delete_my_data"
    mark = telegram.mark()
    post(client, chat.press(menu, "Termin"))
    (answer,) = telegram.wait_for("answerCallbackQuery", since=mark)
    assert answer.params["text"] == translations("de").gettext(
        "This button is no longer active. Please write to me instead."
    )
    assert rasa.received[-1][1] == "/delete_my_data"  # the old button relayed nothing


def test_long_replies_are_split_at_4096(client, telegram) -> None:
    mark = telegram.mark()
    post(client, Updates(5010, language_code="de").text("long"))
    telegram.wait_for("sendMessage", chat_id=5010, since=mark, count=2)
    telegram.quiet_for(0.3)
    pieces = texts_sent(telegram, 5010, mark)
    assert len(pieces) == 2 and all(len(p) <= 4096 for p in pieces)
    assert pieces[0].endswith("Absatz.") and pieces[1].startswith("Zweiter.")


def test_429_waits_retry_after_and_sends_once(client, telegram) -> None:
    telegram.fail("sendMessage", status=429, description="Too Many Requests: retry after 2", retry_after=2)
    mark = telegram.mark()
    post(client, Updates(5011, language_code="de").text("Hallo"))
    attempts = telegram.wait_for("sendMessage", chat_id=5011, since=mark, count=2, timeout=15)
    telegram.quiet_for(0.5)
    attempts = telegram.calls_of("sendMessage", chat_id=5011, since=mark)
    assert len(attempts) == 2  # the refused one and one delivery, no duplicate
    assert attempts[1].at - attempts[0].at >= 2.0
    assert attempts[0].params["text"] == attempts[1].params["text"] == "echo: Hallo"


def test_redelivered_update_is_handled_once(client, telegram, rasa) -> None:
    update = Updates(5012, language_code="de").text("einmal")
    mark = telegram.mark()
    assert post(client, update).status_code == 200
    assert post(client, update).status_code == 200
    telegram.wait_for("sendMessage", chat_id=5012, since=mark)
    telegram.quiet_for(0.5)
    assert texts_sent(telegram, 5012, mark) == ["echo: einmal"]


def test_photos_voice_stickers_and_locations_get_a_polite_answer_in_the_conversation_language(
    client, telegram, rasa
) -> None:
    rasa.language = "ar"  # the conversation is in Arabic, whatever the phone says
    chat = Updates(5013, language_code="de")
    t = translations("ar").gettext
    only_text = t("Sorry, I can only read text. Please write your question in a few words, in your language.")
    no_location = t("I cannot read a shared location. Please write the name of your town or your postal code.")
    assert only_text.startswith("عذرًا") and no_location != only_text  # Arabic, not the English msgid
    for update, expected in ((chat.photo(), only_text), (chat.voice(), only_text), (chat.sticker(), only_text),
                             (chat.location(), no_location)):  # fmt: skip
        mark = telegram.mark()
        post(client, update)
        (reply,) = telegram.wait_for("sendMessage", chat_id=5013, since=mark)
        assert reply.params["text"] == expected
    assert rasa.received == []  # nothing for the assistant


def test_an_edited_message_is_not_answered_twice(client, telegram, rasa) -> None:
    chat = Updates(5014, language_code="fr")
    mark = telegram.mark()
    post(client, chat.edited("J'habite à Hagen"))
    (reply,) = telegram.wait_for("sendMessage", chat_id=5014, since=mark)
    assert reply.params["text"] == translations("fr").gettext(
        "I only read new messages, not changes to sent ones. If something was wrong, please send it again."
    )
    assert rasa.received == []


def test_group_chats_get_no_answer(client, telegram, rasa) -> None:
    mark = telegram.mark()
    post(client, Updates(5015, language_code="de").group_text("Hallo Bot"))
    telegram.quiet_for(0.5)
    assert not telegram.calls_of("sendMessage", since=mark) and rasa.received == []


def test_rasa_down_gets_an_apology_in_the_persons_language(tmp_path, telegram) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    app = create_app(settings(tmp_path, telegram, closed, CHANNELS_RASA_RETRIES=0))
    with TestClient(app) as client:
        mark = telegram.mark()
        post(client, Updates(5016, language_code="tr").text("Merhaba"))
        (reply,) = telegram.wait_for("sendMessage", chat_id=5016, since=mark)
    assert reply.params["text"] == translations("tr").gettext(
        "Sorry, I cannot answer right now. Please try again in a few minutes."
    )
    assert reply.params["text"] != "Sorry, I cannot answer right now. Please try again in a few minutes."


def test_logs_hold_no_chat_ids_names_or_texts(client, telegram, caplog) -> None:
    caplog.set_level("DEBUG")
    chat = Updates(987654321, language_code="de", first_name="Amal")
    mark = telegram.mark()
    post(client, chat.text("Ich heiße Amal Haddad"))
    post(client, chat.photo())
    post(client, Updates(987654321, language_code="de").text("x"), secret="wrong")
    telegram.wait_for("sendMessage", chat_id=987654321, since=mark, count=2)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("987654321", "Amal", "Haddad", TOKEN, SECRET):
        assert secret not in logged
    assert "code=forbidden" in logged  # the log does say what happened


def test_update_json_is_validated(client) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    assert client.post(HOOK, content=b"not json", headers=headers).status_code == 400
    assert client.post(HOOK, content=json.dumps([1, 2]), headers=headers).status_code == 400
    assert client.post(HOOK, content=json.dumps({"message": {}}), headers=headers).json()["code"] == "bad_update"
    broken = {"update_id": 1, "message": {"text": "no chat, no date"}}
    assert client.post(HOOK, content=json.dumps(broken), headers=headers).json()["code"] == "bad_update"


def test_wait_helpers_see_time(telegram) -> None:
    started = time.monotonic()
    telegram.quiet_for(0.2)
    assert time.monotonic() - started >= 0.2
