"""Polling mode (local development) against the fake Bot API: updates fetched with getUpdates, answered."""

from fastapi.testclient import TestClient

from channels.app import create_app
from tests.telegram.fake_telegram import FakeTelegram, Updates
from tests.telegram.fakes import FakeRasa
from tests.telegram.test_webhook import SECRET, settings


def test_polling_fetches_updates_and_answers(tmp_path) -> None:
    with FakeTelegram().running() as telegram, FakeRasa().running() as rasa:
        app = create_app(settings(tmp_path, telegram, rasa.url, TELEGRAM_MODE="polling", TELEGRAM_WEBHOOK_URL=None))
        with TestClient(app) as client:
            assert telegram.calls_of("deleteWebhook")  # polling takes over from any webhook
            assert not telegram.calls_of("setWebhook")
            assert len(telegram.calls_of("setMyCommands")) == 12
            chat = Updates(6001, language_code="bs")
            telegram.queue_update(chat.text("Zdravo"))
            (reply,) = telegram.wait_for("sendMessage", chat_id=6001, timeout=20)
            assert reply.params["text"] == "echo: Zdravo"
            assert rasa.received[-1][1:] == ("Zdravo", {"channel": "telegram", "language": "bs"})
            telegram.queue_update(chat.text("Hvala"))
            telegram.wait_for("sendMessage", chat_id=6001, count=2, timeout=20)
            offsets = [int(c.params.get("offset") or 0) for c in telegram.calls_of("getUpdates")]
            assert max(offsets) > 0  # updates are confirmed, not fetched again
            webhook = client.post(
                "/telegram/webhook", json=chat.text("x"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            assert webhook.status_code == 404 and webhook.json()["code"] == "telegram_polling"
        assert [c.params["text"] for c in telegram.calls_of("sendMessage", chat_id=6001)] == [
            "echo: Zdravo", "echo: Hvala"
        ]  # fmt: skip
