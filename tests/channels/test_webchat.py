"""The web chat API: sessions, limits, errors in the person's language, history and erasing.

Rasa is replaced at the HTTP layer (httpx.MockTransport) so each rule is checked alone and fast;
the browser tests in tests/widget/ run the same API against the real Rasa.
"""

import hashlib
import json

import httpx
import pytest
from fastapi.testclient import TestClient

from channels import sessions
from channels.app import create_app
from channels.config import Settings
from channels.i18n import LANGUAGES, _t


class FakeRasa:
    """Rasa's REST channel and tracker API, recording what reaches them."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.erased: list[str] = []
        self.down = False
        self.slow = False
        self.attempts = 0
        self.events: list[dict] = []
        self.language = "de"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.down:
            raise httpx.ConnectError("connection refused")
        if self.slow:
            raise httpx.ReadTimeout("no answer in time")
        if request.url.path == "/webhooks/rest/webhook":
            body = json.loads(request.content)
            self.received.append(body)
            return httpx.Response(
                200,
                json=[
                    {
                        "recipient_id": body["sender"],
                        "text": "Hallo!",
                        "buttons": [{"title": "Ja", "payload": "/affirm"}],
                    }
                ],
            )
        if request.url.path.endswith("/tracker") and request.method == "GET":
            assert request.url.params["token"] == "test-rasa-token"
            return httpx.Response(200, json={"slots": {"language": self.language}, "events": self.events})
        if request.url.path.endswith("/tracker/events") and request.method == "PUT":
            assert json.loads(request.content) == []
            self.erased.append(request.url.path.split("/")[2])
            return httpx.Response(200, json={})
        return httpx.Response(404)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def client(rasa: FakeRasa):
    settings = Settings(
        _env_file=None, rasa_auth_token="test-rasa-token", rasa_retries=2, session_messages_per_minute=5,
        address_messages_per_minute=50, address_sessions_per_minute=4,
    )  # fmt: skip
    app = create_app(settings)
    with TestClient(app) as test_client:
        app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
        app.state.rasa = type(app.state.rasa)("http://rasa.internal", token="test-rasa-token", retries=2, backoff=0.01)
        yield test_client


COGNATES = {"fr": {"conversation", "assistant"}}  # the same word in English and French


def new_token(client: TestClient) -> str:
    response = client.post("/api/chat/session")
    assert response.status_code == 201
    return response.json()["token"]


def say(client: TestClient, token: str | None, body: dict, **headers: str) -> httpx.Response:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/api/chat/messages", json=body, headers=headers)


def test_sessions_are_issued_by_the_server_and_unguessable(client: TestClient) -> None:
    first, second = new_token(client), new_token(client)
    assert first != second
    secret = sessions.verify(first, key=Settings(_env_file=None).session_key)
    assert secret is not None and len(secret) == 43  # 256 bits, base64url
    forged = "v1." + secret[:-1] + ("A" if secret[-1] != "A" else "B") + "." + first.split(".")[2]
    assert sessions.verify(forged, key=Settings(_env_file=None).session_key) is None
    assert sessions.verify(first, key="another-key-another-key-another-key") is None


def test_a_message_reaches_rasa_under_a_hash_never_the_token(client: TestClient, rasa: FakeRasa) -> None:
    token = new_token(client)
    response = say(client, token, {"text": "Hallo", "language": "de", "place": "Hagen", "office": "hagen"})
    assert response.status_code == 200
    assert response.json() == {
        "language": "de",
        "messages": [{"from": "bot", "text": "Hallo!", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
    }
    sent = rasa.received[0]
    secret = token.split(".")[1]
    assert sent["sender"] == hashlib.sha256(f"web:{secret}".encode()).hexdigest()[:32]
    assert secret not in json.dumps(sent) and token not in json.dumps(sent)
    assert sent["metadata"] == {"channel": "web", "language": "de", "place": "Hagen", "office_id": "hagen"}


def test_two_sessions_are_two_conversations(client: TestClient, rasa: FakeRasa) -> None:
    say(client, new_token(client), {"text": "eins"})
    say(client, new_token(client), {"text": "zwei"})
    assert rasa.received[0]["sender"] != rasa.received[1]["sender"]


@pytest.mark.parametrize("token", [None, "", "v1.abc.def", "not-a-token", "v1." + "A" * 43 + "." + "B" * 43])
def test_without_a_valid_token_nothing_reaches_rasa(client: TestClient, rasa: FakeRasa, token) -> None:
    response = say(client, token, {"text": "Hallo"})
    assert response.status_code == 401
    assert response.json()["code"] == "no_session"
    assert rasa.attempts == 0


def test_errors_come_in_the_persons_language(client: TestClient) -> None:
    response = say(client, None, {"text": "مرحبا"}, **{"Accept-Language": "ar-SY,ar;q=0.9,en;q=0.5"})
    assert response.json()["message"] == _t("ar", "This conversation has ended. Please start a new one.")
    assert response.json()["message"] != "This conversation has ended. Please start a new one."
    too_long = say(client, new_token(client), {"text": "x" * 2001, "language": "ru"})
    assert too_long.status_code == 422
    assert too_long.json()["code"] == "message_too_long"
    assert too_long.json()["message"] == _t(
        "ru", "This message is too long. Please write at most {limit} characters."
    ).format(limit=2000)


@pytest.mark.parametrize(
    "body, code",
    [
        ({"text": ""}, "invalid_message"),
        ({"text": "   "}, "invalid_message"),
        ({"text": 42}, "invalid_message"),
        ({"message": "Hallo"}, "invalid_message"),
        ({"text": "Hallo", "language": "xx"}, "invalid_message"),
        ({"text": "Hallo", "place": "H" * 101}, "invalid_message"),
    ],
)
def test_malformed_messages_get_a_clear_error(client: TestClient, rasa: FakeRasa, body, code) -> None:
    response = say(client, new_token(client), body)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert rasa.received == []


def test_a_body_that_is_not_json_or_too_big_is_refused(client: TestClient, rasa: FakeRasa) -> None:
    token = new_token(client)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    assert client.post("/api/chat/messages", content=b"{not json", headers=headers).json()["code"] == "invalid_message"
    big = client.post("/api/chat/messages", content=b'{"text": "' + b"a" * 20_000 + b'"}', headers=headers)
    assert big.status_code == 413 and big.json()["code"] == "too_large"
    assert rasa.received == []


def test_a_session_sending_too_fast_is_slowed_down(client: TestClient, rasa: FakeRasa) -> None:
    token = new_token(client)
    statuses = [say(client, token, {"text": f"Nachricht {i}", "language": "tr"}).status_code for i in range(5)]
    assert statuses == [200] * 5
    limited = say(client, token, {"text": "noch eine", "language": "tr"})
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert limited.json()["message"] == _t(
        "tr", "You are sending messages very quickly. Please wait a moment, then try again."
    )
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert len(rasa.received) == 5
    assert say(client, new_token(client), {"text": "andere Sitzung"}).status_code == 200  # others unaffected


def test_one_address_cannot_open_sessions_without_end(client: TestClient) -> None:
    codes = [client.post("/api/chat/session").status_code for _ in range(5)]
    assert codes == [201, 201, 201, 201, 429]


def test_rasa_down_is_retried_then_reported_in_the_persons_language(client: TestClient, rasa: FakeRasa) -> None:
    token = new_token(client)
    rasa.down = True
    response = say(client, token, {"text": "Hallo", "language": "bs"})
    assert response.status_code == 503
    assert response.json()["code"] == "assistant_unavailable"
    assert response.json()["message"] == _t(
        "bs", "The assistant is restarting. Your message is kept and will be sent again in a moment."
    )
    assert rasa.attempts == 3  # the first try and two retries
    rasa.down = False
    assert say(client, token, {"text": "Hallo", "language": "bs"}).status_code == 200


def test_a_message_rasa_may_have_received_is_not_sent_twice(client: TestClient, rasa: FakeRasa) -> None:
    token = new_token(client)
    rasa.slow = True  # Rasa got the message but did not answer in time: sending it again would answer twice
    response = say(client, token, {"text": "Hallo", "language": "de"})
    assert response.status_code == 503 and response.json()["code"] == "assistant_unavailable"
    assert rasa.attempts == 1


def test_history_shows_the_conversation_as_it_was_seen(client: TestClient, rasa: FakeRasa) -> None:
    rasa.language = "ar"
    rasa.events = [
        {"event": "user", "text": "/greet"},
        {
            "event": "bot",
            "text": "مرحبا",
            "data": {"buttons": [{"title": "العربية", "payload": '/choose_language{"language": "ar"}'}]},
        },
        {"event": "user", "text": '/choose_language{"language": "ar"}'},
        {"event": "slot", "name": "language", "value": "ar"},
        {"event": "user", "text": "أريد موعدا"},
        {"event": "bot", "text": "تم", "data": {"custom": {"calendar_url": "http://127.0.0.1:8000/calendar/x.ics"}}},
    ]
    token = new_token(client)
    response = client.get("/api/chat/history", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {
        "language": "ar",
        "messages": [
            {
                "from": "bot",
                "text": "مرحبا",
                "buttons": [{"title": "العربية", "payload": '/choose_language{"language": "ar"}'}],
            },
            {"from": "user", "text": "العربية"},
            {"from": "user", "text": "أريد موعدا"},
            {"from": "bot", "text": "تم", "calendar_url": "http://127.0.0.1:8000/calendar/x.ics"},
        ],
    }
    assert client.get("/api/chat/history").status_code == 401


def test_deleting_the_conversation_empties_rasas_record(client: TestClient, rasa: FakeRasa) -> None:
    token = new_token(client)
    response = client.delete("/api/chat/session", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    assert rasa.erased == [sessions.sender_id(token.split(".")[1])]


@pytest.mark.parametrize("language", LANGUAGES)
def test_widget_texts_exist_in_every_language(client: TestClient, language: str) -> None:
    body = client.get(f"/api/chat/strings/{language}").json()
    english = client.get("/api/chat/strings/en").json()["strings"]
    assert body["dir"] == ("rtl" if language == "ar" else "ltr")
    assert set(body["strings"]) == set(english)
    assert all(text.strip() for text in body["strings"].values())
    if language != "en":
        same = {key for key, text in body["strings"].items() if text == english[key]}
        assert same <= COGNATES.get(language, set()), f"untranslated in {language}: {same}"
    assert [entry["name"] for entry in body["languages"]] == [
        "Deutsch", "العربية", "Русский", "Bosanski", "Türkçe", "Français", "English"
    ]  # fmt: skip


def test_the_widget_is_served_cacheable_and_the_demo_page_strict(client: TestClient) -> None:
    script = client.get("/widget/kim-widget.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert client.get("/widget/kim-widget.js", headers={"If-None-Match": script.headers["etag"]}).status_code == 304
    page = client.get("/?language=ar")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert 'data-language="ar"' in page.text
    assert client.get("/?language=xx").text.count('data-language="de"') == 1
